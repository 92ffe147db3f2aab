package imagescan

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// kind says how a detected format is read.
type kind int

const (
	kindNone        kind = iota // not a container
	kindCompressed              // a compressed stream: decompress, then look again
	kindStream                  // an archive read in one pass (tar, cpio)
	kindRandom                  // needs random access (zip, file systems, uImage, FDT)
	kindUnsupported             // recognised, but premarket has no reader
)

// format is the result of magic detection.
type format struct {
	kind   kind
	format string // short name: "gzip", "tar", "squashfs", ...
	why    string // for kindUnsupported: what it is
}

// detect identifies a container by the magic numbers at the start of head
// (at most headSize bytes of a blob of the given size). It never looks at
// file names.
func detect(head []byte, size int64) format {
	has := func(off int, magic string) bool {
		return len(head) >= off+len(magic) && string(head[off:off+len(magic)]) == magic
	}
	switch {
	case has(0, "\x1f\x8b\x08"):
		return format{kind: kindCompressed, format: "gzip"}
	case has(0, "\xfd7zXZ\x00"):
		return format{kind: kindCompressed, format: "xz"}
	case has(0, "\x28\xb5\x2f\xfd"):
		return format{kind: kindCompressed, format: "zstd"}
	case len(head) >= 10 && has(0, "BZh") && head[3] >= '1' && head[3] <= '9' &&
		(has(4, "\x31\x41\x59\x26\x53\x59") || has(4, "\x17\x72\x45\x38\x50\x90")):
		return format{kind: kindCompressed, format: "bzip2"}
	case has(0, "\x04\x22\x4d\x18"), has(0, "\x02\x21\x4c\x18"):
		return format{kind: kindCompressed, format: "lz4"}
	case has(0, "\x89LZO\x00\r\n\x1a\n"):
		return format{kind: kindUnsupported, format: "lzop", why: "lzop stream: no reader"}
	case has(257, "ustar"):
		return format{kind: kindStream, format: "tar"}
	case has(0, "070701"), has(0, "070702"), has(0, "070707"):
		return format{kind: kindStream, format: "cpio"}
	case has(0, "hsqs"):
		if len(head) >= 30 && binary.LittleEndian.Uint16(head[28:]) != 4 {
			return format{kind: kindUnsupported, format: "squashfs",
				why: fmt.Sprintf("squashfs version %d (only 4.x is read)", binary.LittleEndian.Uint16(head[28:]))}
		}
		return format{kind: kindRandom, format: "squashfs"}
	case has(0, "sqsh"):
		return format{kind: kindUnsupported, format: "squashfs", why: "big-endian squashfs: no reader"}
	case has(0, "PK\x03\x04"), has(0, "PK\x05\x06"):
		return format{kind: kindRandom, format: "zip"}
	case has(0, "\x27\x05\x19\x56"):
		return format{kind: kindRandom, format: "uimage"}
	case has(0, "\xd0\x0d\xfe\xed"):
		return format{kind: kindRandom, format: "fdt"}
	case has(0, "UBI#"), has(0, "UBI!"):
		return format{kind: kindUnsupported, format: "ubi", why: "UBI image: no reader"}
	case has(0, "\x31\x18\x10\x06"):
		return format{kind: kindUnsupported, format: "ubifs", why: "UBIFS image: no reader"}
	case has(0, "\x45\x3d\xcd\x28"), has(0, "\x28\xcd\x3d\x45"):
		return format{kind: kindUnsupported, format: "cramfs", why: "CramFS image: no reader"}
	case has(0, "ANDROID!"):
		return format{kind: kindUnsupported, format: "android-boot", why: "Android boot image: no reader"}
	case has(0, "\x3a\xff\x26\xed"):
		return format{kind: kindUnsupported, format: "android-sparse", why: "Android sparse image: no reader"}
	case has(0, "LUKS\xba\xbe"):
		return format{kind: kindUnsupported, format: "luks", why: "LUKS encrypted volume: cannot be read"}
	case isJFFS2(head):
		return format{kind: kindUnsupported, format: "jffs2", why: "JFFS2 image: no reader"}
	case len(head) >= 1082 && binary.LittleEndian.Uint16(head[1080:]) == 0xEF53:
		return format{kind: kindRandom, format: "ext"}
	case isFAT(head) != "":
		return format{kind: kindRandom, format: isFAT(head)}
	case has(0x8001, "CD001"):
		return format{kind: kindRandom, format: "iso9660"}
	case has(512, "EFI PART"):
		return format{kind: kindRandom, format: "gpt"}
	case isMBR(head, size):
		return format{kind: kindRandom, format: "mbr"}
	}
	return format{}
}

// isJFFS2 matches the JFFS2 node magic 0x1985 in either byte order followed
// by a known node type, so that two chance bytes do not match.
func isJFFS2(head []byte) bool {
	if len(head) < 12 {
		return false
	}
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		if m := bo.Uint16(head); m != 0x1985 && m != 0x1984 {
			continue
		}
		switch bo.Uint16(head[2:]) {
		case 0x2003, 0x2004, 0xE001, 0xE002, 0x2006, 0xE008, 0xE009:
			return true
		}
	}
	return false
}

// isFAT recognises a FAT boot sector and returns "fat12", "fat16" or
// "fat32" (by the file-system type string mkfs writes), or "".
func isFAT(head []byte) string {
	if len(head) < 512 || head[510] != 0x55 || head[511] != 0xAA || (head[0] != 0xEB && head[0] != 0xE9) {
		return ""
	}
	switch bps := binary.LittleEndian.Uint16(head[11:]); bps {
	case 512, 1024, 2048, 4096:
	default:
		return ""
	}
	switch {
	case bytes.HasPrefix(head[82:90], []byte("FAT32")):
		return "fat32"
	case bytes.HasPrefix(head[54:62], []byte("FAT12")):
		return "fat12"
	case bytes.HasPrefix(head[54:62], []byte("FAT16")), bytes.HasPrefix(head[54:62], []byte("FAT ")):
		return "fat16"
	}
	return ""
}

// isMBR recognises a DOS partition table: the 0x55AA signature, valid
// status bytes and at least one partition inside the image.
func isMBR(head []byte, size int64) bool {
	if len(head) < 512 || head[510] != 0x55 || head[511] != 0xAA {
		return false
	}
	found := false
	for i := 0; i < 4; i++ {
		e := head[446+16*i : 446+16*(i+1)]
		if e[0] != 0 && e[0] != 0x80 {
			return false
		}
		if e[4] == 0 {
			continue
		}
		start := int64(binary.LittleEndian.Uint32(e[8:]))
		n := int64(binary.LittleEndian.Uint32(e[12:]))
		if start == 0 || n == 0 || start*512 >= size {
			return false
		}
		found = true
	}
	return found
}
