package jsonpos

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestLineAt(t *testing.T) {
	data := []byte("a\nbc\n\nd")
	for _, tc := range []struct {
		off  int64
		want int
	}{{-5, 1}, {0, 1}, {1, 1}, {2, 2}, {4, 2}, {5, 3}, {6, 4}, {7, 4}, {100, 4}} {
		if got := LineAt(data, tc.off); got != tc.want {
			t.Errorf("LineAt(%d) = %d, want %d", tc.off, got, tc.want)
		}
	}
}

func TestKeyLine(t *testing.T) {
	data := []byte("{\n  \"a\": 1,\n  \"spdxVersion\": \"x\"\n}")
	if got := KeyLine(data, "spdxVersion"); got != 3 {
		t.Errorf("KeyLine = %d, want 3", got)
	}
	if got := KeyLine(data, "absent"); got != 0 {
		t.Errorf("KeyLine(absent) = %d, want 0", got)
	}
}

// TestIndexMatchesLineAt checks Index.At against LineAt at every offset,
// and the column against a direct count.
func TestIndexMatchesLineAt(t *testing.T) {
	data := []byte("{\n\"a\": [1,\n  2],\n\n\"b\": {}}\n")
	idx := NewIndex(data)
	for off := int64(0); off <= int64(len(data)); off++ {
		line, col := idx.At(off)
		if want := LineAt(data, off); line != want {
			t.Errorf("At(%d) line %d, LineAt %d", off, line, want)
		}
		start := strings.LastIndexByte(string(data[:off]), '\n') + 1
		if want := int(off) - start + 1; col != want {
			t.Errorf("At(%d) column %d, want %d", off, col, want)
		}
	}
}

func TestDescribe(t *testing.T) {
	var v struct {
		A struct {
			B int `json:"b"`
		} `json:"a"`
	}
	for _, tc := range []struct {
		name, in string
		into     any
		line     int
		msg      string
	}{
		{"syntax", "{\n\"a\": x}", &v, 2, "not valid JSON: invalid character 'x'"},
		{"truncated", "{\n\"a\": {\n", &v, 3, "not valid JSON: the document is truncated"},
		{"type", "{\n\"a\": {\n\"b\": \"s\"}}", &v, 3, "field a.b: got JSON string, want int"},
		{"document", "[\n1]", &v, 1, "field (document): got JSON array"},
	} {
		err := json.Unmarshal([]byte(tc.in), tc.into)
		if err == nil {
			t.Fatalf("%s: no error", tc.name)
		}
		line, msg, ok := Describe([]byte(tc.in), err)
		if !ok || line != tc.line || !strings.HasPrefix(msg.Error(), tc.msg) {
			t.Errorf("%s: Describe = %d, %v, %v; want line %d, %q", tc.name, line, msg, ok, tc.line, tc.msg)
		}
	}
	wrapped := fmt.Errorf("custom: %s", "unexpected end of JSON input")
	if line, msg, ok := Describe([]byte("a\nb\nc"), wrapped); !ok || line != 3 || !strings.Contains(msg.Error(), "truncated") {
		t.Errorf("wrapped truncation: %d, %v, %v", line, msg, ok)
	}
	if _, _, ok := Describe([]byte("{}"), errors.New("something else")); ok {
		t.Error("an unrelated error was described")
	}
}

func FuzzDescribe(f *testing.F) {
	f.Add([]byte(`{"a": {"b": 1}}`))
	f.Add([]byte("{\n\"a\": [1, \"x\""))
	f.Fuzz(func(t *testing.T, data []byte) {
		var v struct {
			A struct {
				B []int `json:"b"`
			} `json:"a"`
		}
		if err := json.Unmarshal(data, &v); err != nil {
			if line, _, ok := Describe(data, err); ok && (line < 1 || line > strings.Count(string(data), "\n")+1) {
				t.Fatalf("line %d outside the input", line)
			}
		}
		idx := NewIndex(data)
		for _, off := range []int64{0, int64(len(data) / 2), int64(len(data))} {
			if l, _ := idx.At(off); l != LineAt(data, off) {
				t.Fatalf("At(%d) = %d, LineAt = %d", off, l, LineAt(data, off))
			}
		}
	})
}
