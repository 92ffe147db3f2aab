package imagescan

import "math"

// HeadSize is how much of the start of a blob DetectFormat needs to see:
// the ISO 9660 and ext magic numbers sit past the first sector.
const HeadSize = headSize

// DetectFormat names the container format that head, the start of a blob
// of size bytes, begins with, by magic number only (never by file name),
// using the same detection Scan applies to every file it meets. size < 0
// means unknown (a DOS partition table is then accepted without checking
// that its partitions fit).
//
// The names are the ones Scan reports: "gzip", "xz", "zstd", "bzip2",
// "lz4", "tar", "cpio", "squashfs", "zip", "uimage", "fdt", "ext",
// "fat12", "fat16", "fat32", "iso9660", "gpt", "mbr". readable is true
// when Scan opens the format. A format it recognises but cannot read
// (lzop, UBI, CramFS, JFFS2, squashfs 3, LUKS, ...) is named with
// readable false; anything else gives "" and false.
func DetectFormat(head []byte, size int64) (name string, readable bool) {
	if size < 0 {
		size = math.MaxInt64
	}
	fm := detect(head, size)
	return fm.format, fm.kind != kindNone && fm.kind != kindUnsupported
}
