package sbom

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		data string
		line int
		msg  string // "" when the input passes
	}{
		{"ok", "{\n}", 0, ""},
		{"too large", strings.Repeat("x", 11), 0, "file is 11 bytes, larger than the limit of 10"},
		{"binary", "a\nb\x00", 2, "file is binary (contains NUL bytes)"},
		{"empty", "", 1, "file is empty"},
		{"blank", " \n\t", 1, "file is empty"},
	} {
		err := CheckInput("SPDX JSON", "in.json", []byte(tc.data), 10)
		if tc.msg == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Kind != "SPDX JSON" || pe.File != "in.json" || pe.Line != tc.line || pe.Err.Error() != tc.msg {
			t.Errorf("%s: got %#v, want line %d %q", tc.name, err, tc.line, tc.msg)
		}
	}
}
