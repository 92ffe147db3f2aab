package sbom

import (
	"bytes"
	"errors"
	"fmt"
)

// CheckInput refuses input that an SBOM document reader should not parse:
// more than limit bytes, binary (it holds a NUL byte; the error names
// that byte's line), or empty (nothing but white space, reported at line
// 1). The error is a *ParseError of the given kind and file, nil when the
// input may be parsed.
//
// The CycloneDX and SPDX readers share it so that the same bad file gets
// the same message from either. Build-manifest readers keep their own
// checks: they name the format they expected ("not a CSV manifest") and
// treat an empty manifest as a format error of their own.
func CheckInput(kind, name string, data []byte, limit int64) error {
	perr := func(line int, err error) error {
		return &ParseError{Kind: kind, File: name, Line: line, Err: err}
	}
	if int64(len(data)) > limit {
		return perr(0, fmt.Errorf("file is %d bytes, larger than the limit of %d", len(data), limit))
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return perr(bytes.Count(data[:i], []byte{'\n'})+1, errors.New("file is binary (contains NUL bytes)"))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return perr(1, errors.New("file is empty"))
	}
	return nil
}
