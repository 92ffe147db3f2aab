package sbom

import (
	"context"
	"fmt"
)

// Reader reads one kind of input (a build manifest, a package database, an
// SBOM) into a Document. Each input format has one small Reader, in the
// manner of syft's catalogers; sbom/generate holds the list of them.
type Reader interface {
	// Kind is the stable name of the input kind, used by --kind and in
	// provenance, e.g. "yocto-license-manifest".
	Kind() string
	// Detect reports whether data looks like this kind. It looks at
	// content, never only at the file name. head holds at most the first
	// 64 KiB of the file.
	Detect(name string, head []byte) bool
	// Read parses the whole input. name is the path as the user gave it,
	// used in errors and provenance. Errors should be *ParseError.
	Read(ctx context.Context, name string, data []byte) (*Document, error)
}

// ParseError is an input error located in a file. Its message names the
// kind, file and line: "buildroot manifest build/manifest.csv line 7: ...".
type ParseError struct {
	Kind string // human name of the format, e.g. "buildroot manifest"
	File string
	Line int // 1-based, 0 when unknown
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s %s line %d: %v", e.Kind, e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s %s: %v", e.Kind, e.File, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }
