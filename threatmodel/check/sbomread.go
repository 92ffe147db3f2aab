package check

// This file is the only place that knows which SBOM readers exist.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/generate"
)

// maxSBOMBytes bounds an SBOM or manifest read for reference checks.
const maxSBOMBytes = 256 << 20

// DefaultReaders are the readers DefaultSBOMReader tries, in order: every
// input reader premarket knows (CycloneDX, SPDX, Yocto manifests), so that
// sboms[].source can name the build manifest a generated SBOM comes from.
func DefaultReaders() []sbom.Reader {
	return generate.Readers()
}

// DefaultSBOMReader returns an SBOMReader that picks the first of readers
// (DefaultReaders when none are given) whose Detect accepts the file's
// content, and reads it.
func DefaultSBOMReader(readers ...sbom.Reader) SBOMReader {
	if len(readers) == 0 {
		readers = DefaultReaders()
	}
	return func(ctx context.Context, path string) (*sbom.Document, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, maxSBOMBytes+1))
		if err != nil {
			return nil, err
		}
		if len(data) > maxSBOMBytes {
			return nil, fmt.Errorf("%s is larger than %d bytes", path, maxSBOMBytes)
		}
		head := data
		if len(head) > 64<<10 {
			head = head[:64<<10]
		}
		var kinds []string
		for _, r := range readers {
			kinds = append(kinds, r.Kind())
			if r.Detect(path, head) {
				return r.Read(ctx, path, bytes.Clone(data))
			}
		}
		return nil, fmt.Errorf("%s is not in a format premarket can read here (tried %s)", path, strings.Join(kinds, ", "))
	}
}
