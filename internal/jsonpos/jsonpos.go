// Package jsonpos locates things in JSON input by line and column: the
// line of a byte offset, the line of a key, and where an encoding/json
// decoding error happened, with a message that says what was wrong in
// the input's terms rather than Go's.
//
// The SBOM readers (CycloneDX, SPDX, Yocto create-spdx, Buildroot JSON)
// share it so that the same mistake in any of them is reported the same
// way, as "file line N: ...".
package jsonpos

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// LineAt returns the 1-based line of byte offset off in data. Offsets
// before the start or past the end are clamped to it.
func LineAt(data []byte, off int64) int {
	off = max(0, min(off, int64(len(data))))
	return bytes.Count(data[:off], []byte{'\n'}) + 1
}

// KeyLine returns the line of the first occurrence of "key" (quoted, as a
// JSON key is written) in data, or 0 when it does not occur. It is a
// best-effort locator for a top-level field whose value is wrong.
func KeyLine(data []byte, key string) int {
	i := bytes.Index(data, []byte(`"`+key+`"`))
	if i < 0 {
		return 0
	}
	return LineAt(data, int64(i))
}

// Index converts many byte offsets of one input to line and column
// without rescanning it: it holds the offset of each line start.
type Index []int

// NewIndex indexes the line starts of data.
func NewIndex(data []byte) Index {
	idx := Index{0}
	for i, b := range data {
		if b == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

// At returns the 1-based line and column (in bytes) of offset off.
func (x Index) At(off int64) (line, col int) {
	i := sort.Search(len(x), func(i int) bool { return int64(x[i]) > off }) - 1
	i = max(i, 0)
	return i + 1, int(off-int64(x[i])) + 1
}

// Describe locates an error returned by encoding/json while decoding data
// and rewords it:
//
//   - a syntax error: its line and "not valid JSON: ...", or "not valid
//     JSON: the document is truncated" when the input ends early;
//   - a type mismatch: its line and "field a.b: got JSON string, want int"
//     ("(document)" when the top-level value has the wrong type).
//
// ok is false for any other error (one from a custom UnmarshalJSON, say);
// the caller then reports err in its own words.
func Describe(data []byte, err error) (line int, msg error, ok bool) {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		if strings.Contains(se.Error(), "unexpected end of JSON input") {
			return LineAt(data, se.Offset), errTruncated, true
		}
		return LineAt(data, se.Offset), fmt.Errorf("not valid JSON: %v", se), true
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "(document)"
		}
		return LineAt(data, te.Offset), fmt.Errorf("field %s: got JSON %s, want %s", field, te.Value, te.Type), true
	case strings.Contains(err.Error(), "unexpected end of JSON input"):
		// Decoders that wrap the syntax error without keeping it (custom
		// UnmarshalJSON methods) still mean the input ended early.
		return LineAt(data, int64(len(data))), errTruncated, true
	}
	return 0, nil, false
}

var errTruncated = errors.New("not valid JSON: the document is truncated")
