package yamlpos

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestValueKeepsDatesAndNumbersExact(t *testing.T) {
	doc, err := Parse("t.yaml", []byte("date: 2025-01-31\nversion: 2.10\nn: 7\nf: 1.5e3\nb: true\nz: ~\nlist: [a, 1]\n"), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	v, err := Value(doc.Root)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"date": "2025-01-31", "version": json.Number("2.1"), "n": json.Number("7"),
		"f": json.Number("1500"), "b": true, "z": nil, "list": []any{"a", json.Number("1")},
	}
	if !reflect.DeepEqual(v, want) {
		t.Fatalf("got %#v\nwant %#v", v, want)
	}
}

func TestLookupAndPath(t *testing.T) {
	src := "a:\n  b:\n    - x: 1\n    - y: 2\n"
	doc, err := Parse("t.yaml", []byte(src), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	n := Lookup(doc.Root, "/a/b/1/y")
	if n.Line != 4 || n.Value != "2" {
		t.Fatalf("lookup /a/b/1/y = line %d value %q", n.Line, n.Value)
	}
	// A missing path returns the deepest existing node.
	if n := Lookup(doc.Root, "/a/b/1/missing"); n.Line != 4 {
		t.Fatalf("missing path resolved to line %d, want the enclosing mapping on line 4", n.Line)
	}
	if k := KeyNode(Lookup(doc.Root, "/a"), "b"); k == nil || k.Line != 2 || k.Column != 3 {
		t.Fatalf("KeyNode = %+v", k)
	}
	if got := PointerToPath("/threats/3/id"); got != "threats[3].id" {
		t.Fatalf("PointerToPath = %q", got)
	}
	if got := PointerToPath("/a~1b/x~0y"); got != "a/b.x~y" {
		t.Fatalf("PointerToPath escapes = %q", got)
	}
}

func TestBadInputIsLocated(t *testing.T) {
	cases := map[string]struct {
		src      string
		lim      Limits
		wantLine int
		want     string
	}{
		"empty":     {"  \n", DefaultLimits, 1, "file is empty"},
		"binary":    {"a: \x00\x01", DefaultLimits, 0, "binary"},
		"syntax":    {"a: 1\nb: [\n", DefaultLimits, 2, "not valid YAML or JSON"},
		"two docs":  {"a: 1\n---\nb: 2\n", DefaultLimits, 2, "more than one YAML document"},
		"too big":   {"a: 1\n", Limits{MaxBytes: 3}, 0, "larger than the limit"},
		"too deep":  {strings.Repeat("[", 50) + strings.Repeat("]", 50), Limits{MaxDepth: 10}, 1, "nesting deeper than 10"},
		"too many":  {"[" + strings.Repeat("1,", 100) + "1]", Limits{MaxNodes: 50}, 1, "more than 50 nodes"},
		"yaml bomb": {bomb(9), Limits{MaxNodes: 100_000}, 0, "aliases expand to more than"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("m.yaml", []byte(tc.src), tc.lim)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if e.File != "m.yaml" || !strings.Contains(e.Error(), tc.want) || (tc.wantLine > 0 && e.Line != tc.wantLine) {
				t.Fatalf("err = %v (line %d), want %q at line %d", e, e.Line, tc.want, tc.wantLine)
			}
		})
	}
}

// bomb builds a "billion laughs" document: each level doubles nine times.
func bomb(levels int) string {
	var b strings.Builder
	b.WriteString("l0: &l0 [x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= levels; i++ {
		prev := "*l" + strconv.Itoa(i-1)
		b.WriteString("l" + strconv.Itoa(i) + ": &l" + strconv.Itoa(i) + " [" + strings.Repeat(prev+", ", 8) + prev + "]\n")
	}
	return b.String()
}

func TestDuplicateAndMergeKeysRefused(t *testing.T) {
	for src, want := range map[string]string{
		"a: 1\na: 2\n":                    "duplicate key",
		"base: &b {x: 1}\nc:\n  <<: *b\n": "merge keys",
	} {
		doc, err := Parse("m.yaml", []byte(src), DefaultLimits)
		if err != nil {
			// yaml.v3 itself may refuse duplicates; that is fine too.
			if !strings.Contains(err.Error(), "already") && !strings.Contains(err.Error(), want) {
				t.Fatalf("%q: %v", src, err)
			}
			continue
		}
		if _, err := Value(doc.Root); err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("%q: err = %v, want %q", src, err, want)
		}
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.yaml")
	os.WriteFile(p, []byte("k: v\n"), 0o644)
	doc, err := ReadFile(p, DefaultLimits)
	if err != nil || Child(doc.Root, "k").Value != "v" {
		t.Fatalf("ReadFile: %v", err)
	}
	if _, err := ReadFile(dir, DefaultLimits); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Fatalf("directory: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("a: [1, 2, {b: c}]\n"))
	f.Add([]byte(bomb(3)))
	f.Add([]byte(`{"x": [true, null, 1.5]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse("f.yaml", data, Limits{MaxBytes: 1 << 20, MaxDepth: 64, MaxNodes: 100_000})
		if err != nil {
			return
		}
		Value(doc.Root)
		Lookup(doc.Root, "/a/0/b")
	})
}
