package imagescan

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

// maxDictSize bounds the dictionary an xz or lzma stream may ask for, so a
// forged header cannot make the decoder allocate gigabytes. xz -9 and -9e
// use 64 MiB.
const maxDictSize = 128 << 20

// maxZstdWindow bounds the zstd window (zstd --long=27 uses 128 MiB).
const maxZstdWindow = 128 << 20

func bytesAt(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// open scans the container fm found at provenance path p. name is the base
// name of the blob, used to name the content of a compressed stream; ra and
// size give random access to the whole blob; depth is the nesting depth of
// the container itself.
func (s *scanner) open(p, name string, fm format, ra io.ReaderAt, size int64, depth int) {
	if s.stopped() {
		return
	}
	if fm.kind == kindUnsupported {
		s.skip(p, fm.why+" (not checked)", "")
		return
	}
	if depth > s.lim.MaxDepth {
		s.skip(p, fmt.Sprintf("%s container nested %d deep, limit is %d (not checked)", fm.format, depth, s.lim.MaxDepth), LimitDepth)
		return
	}
	switch fm.kind {
	case kindCompressed:
		s.container(p, fm.format)
		s.decompress(p, name, fm.format, io.NewSectionReader(ra, 0, size), depth)
	case kindStream:
		s.container(p, fm.format)
		s.archive(p, fm.format, bufio.NewReaderSize(io.NewSectionReader(ra, 0, size), 64<<10), depth)
	case kindRandom:
		switch fm.format {
		case "zip":
			s.container(p, fm.format)
			s.scanZip(p, ra, size, depth)
		case "uimage":
			s.container(p, fm.format)
			s.scanUImage(p, ra, size, depth)
		case "fdt":
			s.scanFDT(p, ra, size, depth)
		case "mbr", "gpt":
			s.container(p, fm.format)
			s.scanPartitions(p, fm.format, ra, size, depth)
		default:
			s.container(p, fm.format)
			s.scanFS(p, fm.format, ra, size, depth)
		}
	}
}

// archive reads a one-pass archive format from r.
func (s *scanner) archive(p, format string, r *bufio.Reader, depth int) {
	switch format {
	case "tar":
		s.scanTar(p, r, depth)
	case "cpio":
		s.scanCpio(p, r, depth)
	}
}

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// limitReader enforces the ratio and total-bytes limits on the output of a
// decompressor (or file-system reader). Once a limit trips it records a
// Skipped and keeps returning errLimit.
type limitReader struct {
	s     *scanner
	r     io.Reader
	in    func() int64 // compressed bytes consumed so far, or nil for no ratio check
	out   int64
	p     string
	err   error
	ratio int64
}

func (s *scanner) limited(p string, r io.Reader, in func() int64) *limitReader {
	return &limitReader{s: s, r: r, in: in, p: p, ratio: s.lim.MaxRatio}
}

func (l *limitReader) Read(b []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(b)
	l.out += int64(n)
	if l.in != nil {
		in := l.in()
		if l.out > ratioSlack && (in <= 0 || l.out/l.ratio > in) {
			l.s.skip(l.p, fmt.Sprintf("decompressed output passed %d× its %d compressed bytes (%d bytes): stream cut", l.ratio, in, l.out), LimitRatio)
			l.err = errLimit
			return n, l.err
		}
	}
	if !l.s.addTotal(int64(n), l.p) {
		l.err = errLimit
		return n, l.err
	}
	if s := l.s; s.err == nil && s.ctx.Err() != nil {
		s.err = s.ctx.Err()
		l.err = errLimit
		return n, l.err
	}
	return n, err
}

// newDecompressor returns a reader of the decompressed content of r.
func newDecompressor(format string, r io.Reader) (io.Reader, func(), error) {
	nop := func() {}
	switch format {
	case "gzip":
		br := bufio.NewReaderSize(r, 32<<10)
		z, err := gzip.NewReader(br)
		if err != nil {
			return nil, nop, err
		}
		z.Multistream(false)
		return &gzipMembers{z: z, br: br}, nop, nil
	case "xz":
		br := bufio.NewReaderSize(r, 32<<10)
		head, _ := br.Peek(12 + 1024)
		if d, ok := xzDictSize(head); ok && d > maxDictSize {
			return nil, nop, fmt.Errorf("xz dictionary of %d bytes exceeds the %d-byte limit", d, maxDictSize)
		}
		x, err := xz.ReaderConfig{SingleStream: true}.NewReader(br)
		return x, nop, err
	case "lzma":
		l, err := lzma.ReaderConfig{DictCap: maxDictSize}.NewReader(r)
		return l, nop, err
	case "zstd":
		d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(maxZstdWindow))
		if err != nil {
			return nil, nop, err
		}
		return d, d.Close, nil
	case "bzip2":
		return bzip2.NewReader(r), nop, nil
	case "lz4":
		return lz4.NewReader(r), nop, nil
	}
	return nil, nop, fmt.Errorf("%s: no decompressor", format)
}

// gzipMembers reads concatenated gzip members and stops cleanly at
// trailing data that is not another member (kernel images and firmware
// wrappers append sizes and padding).
type gzipMembers struct {
	z  *gzip.Reader
	br *bufio.Reader
}

func (g *gzipMembers) Read(p []byte) (int, error) {
	for {
		n, err := g.z.Read(p)
		if err != io.EOF {
			return n, err
		}
		next, _ := g.br.Peek(3)
		if string(next) != "\x1f\x8b\x08" {
			return n, io.EOF
		}
		if rerr := g.z.Reset(g.br); rerr != nil {
			return n, rerr
		}
		g.z.Multistream(false)
		if n > 0 {
			return n, nil
		}
	}
}

// xzDictSize reads the LZMA2 dictionary size from the first block header
// of an xz stream. ok is false when it cannot be found.
func xzDictSize(b []byte) (int64, bool) {
	if len(b) < 13 || b[12] == 0 {
		return 0, false
	}
	hs := (int(b[12]) + 1) * 4
	if len(b) < 12+hs {
		return 0, false
	}
	h := b[12 : 12+hs]
	i := 2
	vli := func() (uint64, bool) {
		var v uint64
		for sh := 0; sh < 63 && i < len(h); sh += 7 {
			c := h[i]
			i++
			v |= uint64(c&0x7f) << sh
			if c&0x80 == 0 {
				return v, true
			}
		}
		return 0, false
	}
	flags := h[1]
	if flags&0x40 != 0 {
		if _, ok := vli(); !ok {
			return 0, false
		}
	}
	if flags&0x80 != 0 {
		if _, ok := vli(); !ok {
			return 0, false
		}
	}
	for f := 0; f <= int(flags&3); f++ {
		id, ok1 := vli()
		n, ok2 := vli()
		if !ok1 || !ok2 || uint64(i)+n > uint64(len(h)) {
			return 0, false
		}
		if id == 0x21 && n >= 1 {
			d := h[i]
			if d > 40 {
				return 0, false
			}
			if d == 40 {
				return math.MaxUint32, true
			}
			return int64(2|(d&1)) << (d/2 + 11), true
		}
		i += int(n)
	}
	return 0, false
}

// decompress scans the content of the compressed stream r found at p.
func (s *scanner) decompress(p, name, format string, r io.Reader, depth int) {
	cr := &countReader{r: r}
	dr, closeFn, err := newDecompressor(format, cr)
	defer closeFn()
	if err != nil {
		s.skip(p, fmt.Sprintf("corrupt %s stream: %v", format, err), "")
		return
	}
	s.stream(p, innerName(name, format), format, s.limited(p, dr, func() int64 { return cr.n }), depth)
}

// stream looks at decompressed content: an archive is read in one pass, a
// further compressed stream is peeled, a random-access format is buffered
// in memory (up to MaxFileSize) and anything else is one file named inner.
func (s *scanner) stream(p, inner, format string, r io.Reader, depth int) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(headSize)
	if err != nil && err != io.EOF {
		if !errors.Is(err, errLimit) {
			s.skip(p, fmt.Sprintf("corrupt %s stream: %v", format, err), "")
		}
		return
	}
	fm := detect(head, math.MaxInt64)
	if fm.kind == kindNone || fm.format == "fdt" {
		s.single(p+"!/"+inner, p, "/"+inner, br, -1, depth, true)
		return
	}
	if fm.kind == kindUnsupported {
		s.skip(p, fm.why+" inside "+format+" stream (not checked)", "")
		return
	}
	if depth+1 > s.lim.MaxDepth {
		s.skip(p, fmt.Sprintf("%s container nested %d deep, limit is %d (not checked)", fm.format, depth+1, s.lim.MaxDepth), LimitDepth)
		return
	}
	switch fm.kind {
	case kindCompressed:
		s.container(p, fm.format)
		s.decompress(p, inner, fm.format, br, depth+1)
	case kindStream:
		s.container(p, fm.format)
		s.archive(p, fm.format, br, depth+1)
	case kindRandom:
		data, tooBig, err := s.readContent(br, imageSlot(depth), -1, s.lim.MaxFileSize)
		switch {
		case errors.Is(err, errLimit):
		case err != nil:
			s.skip(p, fmt.Sprintf("corrupt %s stream: %v", format, err), "")
		case tooBig:
			s.skip(p, fmt.Sprintf("%s image inside a %s stream is larger than %d bytes, the in-memory limit for random-access formats (not checked)",
				fm.format, format, s.lim.MaxFileSize), LimitFileSize)
		default:
			s.open(p, inner, fm, bytesAt(data), int64(len(data)), depth+1)
		}
	}
}

// innerName names the content of a compressed file: the name without its
// compression suffix ("Image.gz" -> "Image", "rootfs.tgz" -> "rootfs.tar").
func innerName(name, format string) string {
	lower := strings.ToLower(name)
	for _, suf := range []struct{ ext, repl string }{
		{".tgz", ".tar"}, {".txz", ".tar"}, {".tbz2", ".tar"}, {".tzst", ".tar"},
		{".gz", ""}, {".gzip", ""}, {".xz", ""}, {".zst", ""}, {".zstd", ""}, {".bz2", ""},
		{".lz4", ""}, {".lzma", ""}, {".z", ""},
	} {
		if strings.HasSuffix(lower, suf.ext) && len(name) > len(suf.ext) {
			return name[:len(name)-len(suf.ext)] + suf.repl
		}
	}
	if name == "" || name == "/" || name == "." {
		return format + "-content"
	}
	return name
}
