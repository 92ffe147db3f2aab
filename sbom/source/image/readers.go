package image

import (
	"context"
	"os"
	"path/filepath"

	"github.com/premarket/premarket/imagescan"
	"github.com/premarket/premarket/sbom"
)

// RootFSReader reads a root file system directory (kind "rootfs"). It has
// the methods of generate.DirReader.
type RootFSReader struct{ Options Options }

// Kind returns KindRootFS.
func (RootFSReader) Kind() string { return KindRootFS }

// rootMarkers are the package databases whose presence makes a directory
// a root file system.
var rootMarkers = []string{
	"var/lib/dpkg/status",
	"usr/lib/opkg/status",
	"var/lib/opkg/status",
	"lib/apk/db/installed",
	"usr/lib/apk/db/installed",
	"var/lib/rpm",
	"usr/lib/sysimage/rpm",
}

// DetectDir reports whether dir holds a package database at its usual
// place. Symlinked markers count too (var/lib/opkg is often a link), but
// they are only stat-ed, never followed out of the tree by the scan.
func (RootFSReader) DetectDir(dir string) bool {
	for _, m := range rootMarkers {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(m))); err == nil {
			return true
		}
	}
	return false
}

// ReadDir scans the directory.
func (r RootFSReader) ReadDir(ctx context.Context, dir string) (*sbom.Document, error) {
	return Read(ctx, dir, KindRootFS, r.Options)
}

// FirmwareImageReader reads an image or archive file from its path,
// without loading it into memory first (kind "firmware-image").
type FirmwareImageReader struct{ Options Options }

// Kind returns KindFirmwareImage.
func (FirmwareImageReader) Kind() string { return KindFirmwareImage }

// HeadSize is how much of a file DetectHead needs to see (the ISO 9660
// and ext magics sit past the first sector).
const HeadSize = imagescan.HeadSize

// DetectHead reports whether head, the start of a file, is an image or
// archive imagescan opens: tar, cpio, gzip, xz, zstd, bzip2, lz4,
// squashfs, ext2/3/4, FAT, ISO 9660, zip, uImage, FIT (flattened device
// tree), or a disk with a GPT or DOS partition table. Detection is by magic
// number only, never by name.
func (FirmwareImageReader) DetectHead(name string, head []byte) bool {
	return Magic(head) != ""
}

// ReadPath scans the file at path.
func (r FirmwareImageReader) ReadPath(ctx context.Context, path string) (*sbom.Document, error) {
	return Read(ctx, path, KindFirmwareImage, r.Options)
}

// Magic names the image format head starts with, or "" when it is none
// that FirmwareImageReader reads. The names and the detection are
// imagescan's (imagescan.DetectFormat), so a file is taken as an image
// exactly when the scanner can open it.
func Magic(head []byte) string {
	name, readable := imagescan.DetectFormat(head, -1)
	if !readable {
		return ""
	}
	return name
}
