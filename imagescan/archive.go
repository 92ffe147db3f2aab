package imagescan

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"

	"github.com/klauspost/compress/flate"
)

// maxLinkTarget bounds a symlink target read from an archive (PATH_MAX).
const maxLinkTarget = 4096

// readEntry reads one regular file's content from r into the entry buffer
// of depth and visits it. It returns false when the container cannot be
// read further.
func (s *scanner) readEntry(p, root, name string, mode fs.FileMode, r io.Reader, size int64, depth int) bool {
	if size > s.lim.MaxFileSize {
		s.skip(p, fmt.Sprintf("file of %d bytes is larger than the %d-byte limit: not read", size, s.lim.MaxFileSize), LimitFileSize)
		return true
	}
	data, tooBig, err := s.readContent(r, entrySlot(depth), size, s.lim.MaxFileSize)
	switch {
	case errors.Is(err, errLimit):
		return false
	case err != nil:
		s.skip(p, "truncated or corrupt entry: "+err.Error(), "")
		return false
	case tooBig:
		s.skip(p, fmt.Sprintf("file is larger than the %d-byte limit: not read", s.lim.MaxFileSize), LimitFileSize)
		return true
	case size >= 0 && int64(len(data)) != size:
		s.skip(p, fmt.Sprintf("truncated entry: %d of %d declared bytes", len(data), size), "")
		return false
	}
	s.emitFile(p, root, name, mode&^fs.ModeType, data, depth)
	return true
}

// scanTar reads a tar archive in one pass.
func (s *scanner) scanTar(root string, r io.Reader, depth int) {
	tr := tar.NewReader(r)
	for !s.stopped() {
		hdr, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			if !errors.Is(err, errLimit) {
				s.skip(root, "corrupt tar: "+err.Error(), "")
			}
			return
		}
		if !s.addEntry(root + "!/" + hdr.Name) {
			return
		}
		if hdr.Typeflag == tar.TypeDir {
			continue
		}
		name, p := s.entry(root, hdr.Name)
		mode := hdr.FileInfo().Mode()
		switch hdr.Typeflag {
		case tar.TypeSymlink:
			s.emitLink(p, root, name, mode, hdr.Linkname)
		case tar.TypeLink:
			target, _ := entryName(hdr.Linkname)
			s.emitLink(p, root, name, mode&^fs.ModeType, target)
		case tar.TypeReg, tar.TypeRegA, tar.TypeGNUSparse:
			if !s.readEntry(p, root, name, mode, tr, hdr.Size, depth) {
				return
			}
		}
	}
}

// cpio header layouts.
const (
	cpioNewcLen = 110 // "070701"/"070702" + 13 fields of 8 hex digits
	cpioOdcLen  = 76  // "070707" + octal fields
	cpioMaxName = 4096
)

// cpio file-type bits of the mode field.
const (
	cpioTypeMask = 0o170000
	cpioDir      = 0o040000
	cpioReg      = 0o100000
	cpioLink     = 0o120000
)

// scanCpio reads a cpio archive (newc, newc-with-CRC or odc) in one pass.
// Like the Linux initramfs loader it continues past "TRAILER!!!" when
// another archive follows (after NUL padding), compressed or not.
func (s *scanner) scanCpio(root string, br *bufio.Reader, depth int) {
	var hdr [cpioNewcLen]byte
	var nameBuf []byte
	for !s.stopped() {
		magic, err := br.Peek(6)
		if err != nil {
			if !errors.Is(err, errLimit) {
				s.skip(root, "truncated cpio: no trailer", "")
			}
			return
		}
		var mode, size, nameSize uint64
		var newc bool
		switch string(magic) {
		case "070701", "070702":
			newc = true
			if _, err := io.ReadFull(br, hdr[:cpioNewcLen]); err != nil {
				s.cpioErr(root, err)
				return
			}
			f := func(i int) (uint64, error) {
				return strconv.ParseUint(string(hdr[6+8*i:14+8*i]), 16, 32)
			}
			var e1, e2, e3 error
			mode, e1 = f(1)
			size, e2 = f(6)
			nameSize, e3 = f(11)
			if err := errors.Join(e1, e2, e3); err != nil {
				s.skip(root, "corrupt cpio header: "+err.Error(), "")
				return
			}
		case "070707":
			if _, err := io.ReadFull(br, hdr[:cpioOdcLen]); err != nil {
				s.cpioErr(root, err)
				return
			}
			var e1, e2, e3 error
			mode, e1 = strconv.ParseUint(string(hdr[18:24]), 8, 32)
			nameSize, e2 = strconv.ParseUint(string(hdr[59:65]), 8, 32)
			size, e3 = strconv.ParseUint(string(hdr[65:76]), 8, 64)
			if err := errors.Join(e1, e2, e3); err != nil {
				s.skip(root, "corrupt cpio header: "+err.Error(), "")
				return
			}
		default:
			s.skip(root, fmt.Sprintf("corrupt cpio: bad header magic %q", magic), "")
			return
		}
		if nameSize == 0 || nameSize > cpioMaxName {
			s.skip(root, fmt.Sprintf("corrupt cpio: name size %d", nameSize), "")
			return
		}
		if cap(nameBuf) < int(nameSize) {
			nameBuf = make([]byte, nameSize)
		}
		nb := nameBuf[:nameSize]
		if _, err := io.ReadFull(br, nb); err != nil {
			s.cpioErr(root, err)
			return
		}
		stored := string(bytes.TrimRight(nb, "\x00"))
		if newc {
			if err := skipPad(br, cpioNewcLen+int64(nameSize)); err != nil {
				s.cpioErr(root, err)
				return
			}
		}
		if stored == "TRAILER!!!" {
			s.cpioNext(root, br, depth)
			return
		}
		if !s.addEntry(root + "!/" + stored) {
			return
		}
		data := io.LimitReader(br, int64(size))
		switch mode & cpioTypeMask {
		case cpioReg:
			name, p := s.entry(root, stored)
			fmode := fs.FileMode(mode & 0o777)
			if !s.readEntry(p, root, name, fmode, data, int64(size), depth) {
				return
			}
		case cpioLink:
			name, p := s.entry(root, stored)
			if size > maxLinkTarget {
				s.skip(p, fmt.Sprintf("corrupt cpio: symlink target of %d bytes", size), "")
				return
			}
			t := make([]byte, size)
			if _, err := io.ReadFull(data, t); err != nil {
				s.cpioErr(root, err)
				return
			}
			s.emitLink(p, root, name, fs.ModeSymlink|fs.FileMode(mode&0o777), string(t))
		case cpioDir:
		}
		// Skip what was not read (oversized files, devices).
		if _, err := io.Copy(io.Discard, data); err != nil {
			s.cpioErr(root, err)
			return
		}
		if r := data.(*io.LimitedReader); r.N > 0 {
			s.skip(root, fmt.Sprintf("truncated cpio: entry %q declares %d bytes, %d missing", stored, size, r.N), "")
			return
		}
		if newc {
			if err := skipPad(br, int64(size)); err != nil {
				s.cpioErr(root, err)
				return
			}
		}
	}
}

func (s *scanner) cpioErr(root string, err error) {
	if errors.Is(err, errLimit) {
		return
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	s.skip(root, "truncated or corrupt cpio: "+err.Error(), "")
}

// skipPad skips the NUL padding that aligns n bytes to 4.
func skipPad(br *bufio.Reader, n int64) error {
	if pad := (4 - n%4) % 4; pad > 0 {
		_, err := br.Discard(int(pad))
		return err
	}
	return nil
}

// cpioNext continues after a cpio trailer: skip NUL padding, then read a
// following archive, as the kernel does for concatenated initramfs parts.
func (s *scanner) cpioNext(root string, br *bufio.Reader, depth int) {
	for {
		b, err := br.Peek(512)
		if len(b) == 0 {
			if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, errLimit) {
				s.skip(root, "corrupt cpio: "+err.Error(), "")
			}
			return
		}
		i := 0
		for i < len(b) && b[i] == 0 {
			i++
		}
		if i == len(b) {
			br.Discard(i)
			continue
		}
		br.Discard(i)
		break
	}
	head, _ := br.Peek(headSize)
	fm := detect(head, -1)
	switch {
	case fm.format == "cpio":
		s.scanCpio(root, br, depth)
	case fm.kind == kindCompressed:
		s.container(root, fm.format)
		s.decompress(root, "initramfs", fm.format, br, depth)
	default:
		s.skip(root, "unrecognised data after the cpio trailer (not checked)", "")
	}
}

// scanZip reads a zip archive through random access.
func (s *scanner) scanZip(root string, ra io.ReaderAt, size int64, depth int) {
	zr, err := zip.NewReader(ra, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		s.skip(root, "corrupt zip: "+err.Error(), "")
		return
	}
	// klauspost/compress inflates about twice as fast as compress/flate.
	zr.RegisterDecompressor(zip.Deflate, flate.NewReader)
	for _, f := range zr.File {
		if s.stopped() {
			return
		}
		if !s.addEntry(root + "!/" + f.Name) {
			return
		}
		mode := f.Mode()
		if mode.IsDir() {
			continue
		}
		name, p := s.entry(root, f.Name)
		if mode&fs.ModeSymlink != 0 {
			if f.UncompressedSize64 > maxLinkTarget {
				s.skip(p, fmt.Sprintf("corrupt zip: symlink target of %d bytes", f.UncompressedSize64), "")
				continue
			}
			rc, err := f.Open()
			if err != nil {
				s.skip(p, "corrupt zip entry: "+err.Error(), "")
				continue
			}
			t, err := io.ReadAll(io.LimitReader(rc, maxLinkTarget))
			rc.Close()
			if err != nil {
				s.skip(p, "corrupt zip entry: "+err.Error(), "")
				continue
			}
			s.emitLink(p, root, name, mode, string(t))
			continue
		}
		if !mode.IsRegular() {
			continue
		}
		if f.UncompressedSize64 > uint64(s.lim.MaxFileSize) {
			s.skip(p, fmt.Sprintf("file of %d bytes is larger than the %d-byte limit: not read", f.UncompressedSize64, s.lim.MaxFileSize), LimitFileSize)
			continue
		}
		rc, err := f.Open()
		if err != nil {
			s.skip(p, "corrupt zip entry: "+err.Error(), "")
			continue
		}
		csize := int64(f.CompressedSize64)
		r := s.limited(p, rc, func() int64 { return csize })
		ok := s.readEntry(p, root, name, mode, r, int64(f.UncompressedSize64), depth)
		rc.Close()
		if !ok && s.stopped() {
			return
		}
	}
}
