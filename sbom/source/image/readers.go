package image

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"

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
const HeadSize = 0x8006

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
// that FirmwareImageReader reads.
func Magic(head []byte) string {
	has := func(off int, m string) bool {
		return len(head) >= off+len(m) && string(head[off:off+len(m)]) == m
	}
	switch {
	case has(0, "\x1f\x8b\x08"):
		return "gzip"
	case has(0, "\xfd7zXZ\x00"):
		return "xz"
	case has(0, "\x28\xb5\x2f\xfd"):
		return "zstd"
	case len(head) >= 10 && has(0, "BZh") && head[3] >= '1' && head[3] <= '9' &&
		(has(4, "\x31\x41\x59\x26\x53\x59") || has(4, "\x17\x72\x45\x38\x50\x90")):
		return "bzip2"
	case has(0, "\x04\x22\x4d\x18"):
		return "lz4"
	case has(257, "ustar"):
		return "tar"
	case has(0, "070701"), has(0, "070702"), has(0, "070707"):
		return "cpio"
	case has(0, "hsqs"):
		return "squashfs"
	case has(0, "PK\x03\x04"), has(0, "PK\x05\x06"):
		return "zip"
	case has(0, "\x27\x05\x19\x56"):
		return "uimage"
	case has(0, "\xd0\x0d\xfe\xed"):
		return "fit"
	case len(head) >= 1082 && binary.LittleEndian.Uint16(head[1080:]) == 0xEF53:
		return "ext"
	case len(head) >= 512 && head[510] == 0x55 && head[511] == 0xAA && (head[0] == 0xEB || head[0] == 0xE9) &&
		(has(82, "FAT32") || has(54, "FAT1") || has(54, "FAT ")):
		return "fat"
	case has(0x8001, "CD001"):
		return "iso9660"
	case has(512, "EFI PART"):
		return "gpt"
	}
	return ""
}
