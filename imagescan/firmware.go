package imagescan

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
)

// U-Boot legacy image (include/image.h): a 64-byte big-endian header.
const (
	uimageHeaderLen = 64
	uimageMagic     = 0x27051956
	uimageTypeMulti = 4
	uimageMaxParts  = 256
)

// uimageComp maps ih_comp to a decompressor name.
var uimageComp = [...]string{0: "none", 1: "gzip", 2: "bzip2", 3: "lzma", 4: "lzo", 5: "lz4", 6: "zstd"}

// uimageType names ih_type values used for payload names.
func uimageType(t byte) string {
	switch t {
	case 1:
		return "standalone"
	case 2:
		return "kernel"
	case 3:
		return "ramdisk"
	case 5:
		return "firmware"
	case 6:
		return "script"
	case 7:
		return "filesystem"
	case 8:
		return "fdt"
	}
	return fmt.Sprintf("image-type-%d", t)
}

// scanUImage reads a U-Boot legacy image: the header, then its payload
// (decompressed by ih_comp) or, for IH_TYPE_MULTI, each part of its size
// table.
func (s *scanner) scanUImage(root string, ra io.ReaderAt, size int64, depth int) {
	var h [uimageHeaderLen]byte
	if size < uimageHeaderLen {
		s.skip(root, "truncated uImage header", "")
		return
	}
	if _, err := ra.ReadAt(h[:], 0); err != nil {
		s.skip(root, "unreadable uImage header: "+err.Error(), "")
		return
	}
	be := binary.BigEndian
	want := be.Uint32(h[4:])
	z := h
	binary.BigEndian.PutUint32(z[4:], 0)
	if crc32.ChecksumIEEE(z[:]) != want {
		s.skip(root, "uImage header CRC mismatch (not checked)", "")
		return
	}
	dsize := int64(be.Uint32(h[12:]))
	typ, comp := h[30], h[31]
	if uimageHeaderLen+dsize > size {
		s.skip(root, fmt.Sprintf("truncated uImage: header declares %d payload bytes, %d present", dsize, size-uimageHeaderLen), "")
		return
	}
	compName := fmt.Sprintf("compression-%d", comp)
	if int(comp) < len(uimageComp) {
		compName = uimageComp[comp]
	}
	if typ != uimageTypeMulti {
		s.payload(root, "/"+uimageType(typ), io.NewSectionReader(ra, uimageHeaderLen, dsize), dsize, compName, depth)
		return
	}
	// IH_TYPE_MULTI: big-endian u32 sizes ending with 0, then the parts,
	// each padded to 4 bytes. Parts are found by their own magic.
	var sizes []int64
	off := int64(uimageHeaderLen)
	for {
		var b [4]byte
		if off+4 > uimageHeaderLen+dsize {
			s.skip(root, "corrupt multi-file uImage: size table runs past the payload", "")
			return
		}
		if _, err := ra.ReadAt(b[:], off); err != nil {
			s.skip(root, "corrupt multi-file uImage: "+err.Error(), "")
			return
		}
		off += 4
		n := int64(be.Uint32(b[:]))
		if n == 0 {
			break
		}
		if len(sizes) == uimageMaxParts {
			s.skip(root, fmt.Sprintf("corrupt multi-file uImage: more than %d parts", uimageMaxParts), "")
			return
		}
		sizes = append(sizes, n)
	}
	for i, n := range sizes {
		if s.stopped() {
			return
		}
		if off+n > uimageHeaderLen+dsize {
			s.skip(fmt.Sprintf("%s!/part-%d", root, i), "truncated multi-file uImage part", "")
			return
		}
		s.payload(root, fmt.Sprintf("/part-%d", i), io.NewSectionReader(ra, off, n), n, "none", depth)
		off += (n + 3) &^ 3
	}
}

// payload reads one firmware payload of csize stored bytes, decompresses
// it with the named method, and visits it (then looks inside it) as the
// file name of container root.
func (s *scanner) payload(root, name string, r io.Reader, csize int64, comp string, depth int) {
	name, _ = entryName(name)
	p := root + "!" + name
	if !s.addEntry(p) {
		return
	}
	hint := csize
	switch comp {
	case "", "none":
	case "gzip", "bzip2", "lzma", "lz4", "zstd", "xz":
		cr := &countReader{r: r}
		dr, closeFn, err := newDecompressor(comp, cr)
		defer closeFn()
		if err != nil {
			s.skip(p, fmt.Sprintf("corrupt %s payload: %v", comp, err), "")
			return
		}
		r = s.limited(p, dr, func() int64 { return cr.n })
		hint = -1
	default:
		s.skip(p, comp+"-compressed payload: no reader (not checked)", "")
		return
	}
	s.readEntry(p, root, name, 0o644, r, hint, depth)
}

// Flattened device tree (devicetree specification, chapter 5).
const (
	fdtMagic     = 0xd00dfeed
	fdtBeginNode = 1
	fdtEndNode   = 2
	fdtProp      = 3
	fdtNop       = 4
	fdtEnd       = 9
	fdtMaxDepth  = 64
	fdtMaxName   = 1024
	fdtMaxProp   = 4096    // larger property values are skipped, except data
	fdtMaxStr    = 1 << 20 // strings block
	fdtHeaderLen = 40
)

// fitImage collects the properties of one /images/<name> node of a FIT.
type fitImage struct {
	name                  string
	dataOff, dataLen      int64 // embedded "data", absolute in the blob; dataOff < 0 if absent
	extOff, extPos, extSz int64 // data-offset, data-position, data-size; -1 if absent
	compression           string
}

// scanFDT parses a flattened device tree. A FIT image (one with /images)
// yields each /images/* payload, decompressed by its "compression"
// property; a plain DTB yields nothing beyond itself.
func (s *scanner) scanFDT(root string, ra io.ReaderAt, size int64, depth int) {
	var h [fdtHeaderLen]byte
	if size < fdtHeaderLen {
		s.skip(root, "truncated device tree header", "")
		return
	}
	if _, err := ra.ReadAt(h[:], 0); err != nil {
		s.skip(root, "unreadable device tree header: "+err.Error(), "")
		return
	}
	be := binary.BigEndian
	total := int64(be.Uint32(h[4:]))
	offStruct, offStr := int64(be.Uint32(h[8:])), int64(be.Uint32(h[12:]))
	version := be.Uint32(h[20:])
	sizeStr, sizeStruct := int64(be.Uint32(h[32:])), int64(be.Uint32(h[36:]))
	switch {
	case total < fdtHeaderLen || total > size:
		s.skip(root, fmt.Sprintf("corrupt device tree: total size %d, blob is %d bytes", total, size), "")
		return
	case version < 17:
		s.skip(root, fmt.Sprintf("device tree version %d (17 is read) (not checked)", version), "")
		return
	case offStruct+sizeStruct > total || offStr+sizeStr > total || sizeStr > fdtMaxStr:
		s.skip(root, "corrupt device tree: blocks outside the blob", "")
		return
	}
	strs := make([]byte, sizeStr)
	if _, err := ra.ReadAt(strs, offStr); err != nil {
		s.skip(root, "unreadable device tree strings: "+err.Error(), "")
		return
	}
	propName := func(off uint32) string {
		if int64(off) >= int64(len(strs)) {
			return ""
		}
		b := strs[off:]
		if i := bytes.IndexByte(b, 0); i >= 0 {
			b = b[:i]
		}
		return string(b)
	}
	br := bufio.NewReaderSize(io.NewSectionReader(ra, offStruct, sizeStruct), 16<<10)
	pos := offStruct // absolute offset of the next byte in br
	u32 := func() (uint32, error) {
		var b [4]byte
		_, err := io.ReadFull(br, b[:])
		pos += 4
		return be.Uint32(b[:]), err
	}
	skipN := func(n int64) error {
		d, err := br.Discard(int(n))
		pos += int64(d)
		return err
	}
	var stack []string
	var images []fitImage
	var cur *fitImage
	isFIT := false
	val := make([]byte, 0, 64)
	for {
		if s.stopped() {
			return
		}
		tok, err := u32()
		if err != nil {
			s.skip(root, "truncated device tree structure", "")
			return
		}
		switch tok {
		case fdtBeginNode:
			name, err := br.ReadSlice(0)
			if err != nil || len(name) > fdtMaxName {
				s.skip(root, "corrupt device tree: bad node name", "")
				return
			}
			n := int64(len(name))
			pos += n
			if err := skipN((4 - n%4) % 4); err != nil {
				s.skip(root, "truncated device tree structure", "")
				return
			}
			if len(stack) >= fdtMaxDepth {
				s.skip(root, fmt.Sprintf("corrupt device tree: nodes nested deeper than %d", fdtMaxDepth), "")
				return
			}
			stack = append(stack, string(name[:n-1]))
			if len(stack) == 2 && stack[1] == "images" && !isFIT {
				isFIT = true
				s.container(root, "fit")
			}
			if len(stack) == 3 && stack[1] == "images" {
				cur = &fitImage{name: stack[2], dataOff: -1, extOff: -1, extPos: -1, extSz: -1}
			}
		case fdtEndNode:
			if len(stack) == 0 {
				s.skip(root, "corrupt device tree: unbalanced end of node", "")
				return
			}
			if len(stack) == 3 && cur != nil {
				images = append(images, *cur)
				cur = nil
			}
			stack = stack[:len(stack)-1]
		case fdtProp:
			ln, err1 := u32()
			no, err2 := u32()
			if err1 != nil || err2 != nil || pos+int64(ln) > offStruct+sizeStruct {
				s.skip(root, "corrupt device tree: property runs past the structure block", "")
				return
			}
			name := ""
			if cur != nil && len(stack) == 3 {
				name = propName(no)
			}
			start := pos
			switch {
			case name == "data":
				cur.dataOff, cur.dataLen = start, int64(ln)
				err = skipN(int64(ln))
			case name != "" && ln <= fdtMaxProp:
				if cap(val) < int(ln) {
					val = make([]byte, ln)
				}
				val = val[:ln]
				_, err = io.ReadFull(br, val)
				pos += int64(ln)
				switch name {
				case "compression":
					cur.compression = string(bytes.TrimRight(val, "\x00"))
				case "data-offset":
					cur.extOff = fdtU32(val)
				case "data-position":
					cur.extPos = fdtU32(val)
				case "data-size":
					cur.extSz = fdtU32(val)
				}
			default:
				err = skipN(int64(ln))
			}
			if err == nil {
				err = skipN((4 - int64(ln)%4) % 4)
			}
			if err != nil {
				s.skip(root, "truncated device tree structure", "")
				return
			}
		case fdtNop:
		case fdtEnd:
			if !isFIT {
				s.container(root, "dtb")
			}
			s.fitPayloads(root, ra, size, (total+3)&^3, images, depth)
			return
		default:
			s.skip(root, fmt.Sprintf("corrupt device tree: unknown token %#x at offset %d", tok, pos-4), "")
			return
		}
	}
}

func fdtU32(b []byte) int64 {
	if len(b) != 4 {
		return -1
	}
	return int64(binary.BigEndian.Uint32(b))
}

// fitPayloads visits the payload of each FIT image node.
func (s *scanner) fitPayloads(root string, ra io.ReaderAt, size, extBase int64, images []fitImage, depth int) {
	for _, im := range images {
		if s.stopped() {
			return
		}
		name := "/" + strings.ReplaceAll(im.name, "/", "_")
		off, n := im.dataOff, im.dataLen
		switch {
		case off >= 0:
		case im.extSz >= 0 && im.extPos >= 0:
			off, n = im.extPos, im.extSz
		case im.extSz >= 0 && im.extOff >= 0:
			off, n = extBase+im.extOff, im.extSz
		default:
			s.skip(root+"!"+name, "FIT image node without data (not checked)", "")
			continue
		}
		if off+n > size {
			s.skip(root+"!"+name, fmt.Sprintf("FIT image data at %d+%d lies outside the %d-byte blob", off, n, size), "")
			continue
		}
		comp := im.compression
		if comp == "" {
			comp = "none"
		}
		s.payload(root, name, io.NewSectionReader(ra, off, n), n, comp, depth)
	}
}
