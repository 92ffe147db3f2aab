package generate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/source/image"
)

// PathReader reads an input from its path instead of from memory: a
// firmware image or archive that may be far larger than what Readers
// are given (generate's in-memory limit is MaxInputBytes).
type PathReader interface {
	Kind() string
	// DetectHead reports whether the file is of this kind, from its name
	// and its first bytes (at most 64 KiB).
	DetectHead(name string, head []byte) bool
	ReadPath(ctx context.Context, path string) (*sbom.Document, error)
}

// PathReaders returns the path readers premarket knows: firmware images
// and archives (kind "firmware-image"), scanned with o.
func PathReaders(o image.Options) []PathReader {
	return []PathReader{image.FirmwareImageReader{Options: o}}
}

// DirReadersWith is DirReaders with the root-file-system reader (kind
// "rootfs") scanning with o.
func DirReadersWith(o image.Options) []DirReader {
	return []DirReader{yoctoDeployDir{}, image.RootFSReader{Options: o}, sourceTree{}}
}

// readPath reads in with a PathReader when its kind is forced or detected.
// ok is false when no PathReader takes the input; the in-memory readers
// are tried then.
func readPath(ctx context.Context, in Input, opts Options) (doc *sbom.Document, sum string, ok bool, err error) {
	if len(opts.PathReaders) == 0 {
		return nil, "", false, nil
	}
	var r PathReader
	if in.Kind != "" {
		for _, x := range opts.PathReaders {
			if x.Kind() == in.Kind {
				r = x
			}
		}
	} else {
		f, err := os.Open(in.Path)
		if err != nil {
			return nil, "", false, fmt.Errorf("input %s: %w", in.Path, errors.Unwrap(err))
		}
		head := make([]byte, headSize)
		n, err := io.ReadFull(f, head)
		f.Close()
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return nil, "", false, fmt.Errorf("input %s: %w", in.Path, err)
		}
		for _, x := range opts.PathReaders {
			if x.DetectHead(in.Path, head[:n]) {
				r = x
				break
			}
		}
	}
	if r == nil {
		return nil, "", false, nil
	}
	doc, err = r.ReadPath(ctx, in.Path)
	if err != nil {
		return nil, "", true, err
	}
	if doc.Source == "" {
		doc.Source = in.Path
	}
	return doc, docDigest(doc), true, nil
}
