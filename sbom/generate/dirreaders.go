package generate

import (
	"context"
	"os"
	"path/filepath"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/source/image"
	"github.com/premarket/premarket/sbom/source/vendored"
	"github.com/premarket/premarket/sbom/source/yoctospdx"
)

// DirReader reads a whole directory as one input: a source tree with
// vendored libraries, a Yocto SPDX deploy directory, a root file system.
type DirReader interface {
	Kind() string
	// DetectDir reports whether the directory is of this kind. Kinds that
	// cannot be told apart from an ordinary folder (a source tree) return
	// false and are chosen only with an explicit kind.
	DetectDir(path string) bool
	ReadDir(ctx context.Context, path string) (*sbom.Document, error)
}

// DirReaders returns the directory readers premarket knows: Yocto SPDX
// deploy directories, root file systems (kind "rootfs", detected by their
// package database; scanned with imagescan's default limits) and source
// trees.
func DirReaders() []DirReader {
	return DirReadersWith(image.Options{})
}

// sourceTree finds libraries vendored into a source tree by their own
// version macros (kind "source-tree"; never detected, always explicit).
type sourceTree struct{}

func (sourceTree) Kind() string          { return vendored.KindSourceTree }
func (sourceTree) DetectDir(string) bool { return false }
func (sourceTree) ReadDir(ctx context.Context, path string) (*sbom.Document, error) {
	return vendored.Scan(ctx, path, vendored.Options{})
}

// yoctoDeployDir reads Yocto's create-spdx output under tmp/deploy.
type yoctoDeployDir struct{}

func (yoctoDeployDir) Kind() string { return yoctospdx.KindDeployDir }

// DetectDir recognises tmp/deploy (holding spdx/<machine>/) or
// tmp/deploy/spdx/<machine> itself (holding recipes/ and packages/ with
// *.spdx.json documents).
func (yoctoDeployDir) DetectDir(path string) bool {
	for _, pattern := range []string{"spdx/*/packages/*.spdx.json", "packages/*.spdx.json", "*/packages/*.spdx.json"} {
		if m, _ := filepath.Glob(filepath.Join(path, pattern)); len(m) > 0 {
			return true
		}
	}
	return false
}

func (yoctoDeployDir) ReadDir(ctx context.Context, path string) (*sbom.Document, error) {
	return yoctospdx.ReadDeployDir(ctx, path)
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}
