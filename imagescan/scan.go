package imagescan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Default limits, used for zero fields of Limits.
const (
	DefaultMaxTotalBytes = 8 << 30
	DefaultMaxRatio      = 200
	DefaultMaxDepth      = 8
	DefaultMaxEntries    = 1_000_000
	DefaultMaxFileSize   = 256 << 20
)

// ratioSlack is output a stream may produce beyond MaxRatio × its input,
// so that tiny, highly compressible streams (a 40-byte gzip of 1 KiB of
// zeros) are not flagged as bombs.
const ratioSlack = 1 << 20

// headSize is how much of a file is looked at to detect its format: the
// ISO 9660 volume descriptor magic sits at 0x8001.
const headSize = 0x8006

// errLimit is returned by readers once a limit was hit. The limit itself
// has already been recorded as a Skipped; whoever sees errLimit just stops.
var errLimit = errors.New("imagescan: limit reached")

// withDefaults returns l with zero fields replaced by the defaults.
func (l Limits) withDefaults() Limits {
	if l.MaxTotalBytes <= 0 {
		l.MaxTotalBytes = DefaultMaxTotalBytes
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = DefaultMaxRatio
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = DefaultMaxFileSize
	}
	return l
}

// Scan walks input — a directory or a file whose format is found by its
// magic numbers — and hands every regular file and symlink it finds, inside
// any nesting of containers, to v. Nothing is written to disk.
//
// Provenance paths: a directory input gives "<dir>/<rel>" with Root
// "<dir>"; a file input gives "<file>!/<name>" with Root "<file>"; each
// nested container adds "!/<name>" (e.g. "rootfs.tar.gz!/boot/fitImage!/kernel-1").
// Compression around a container is transparent ("rootfs.tar.gz!/etc/...");
// a compressed stream that holds no container is one file named without its
// suffix ("Image.gz!/Image"). Firmware payloads are named by role: uImage
// "/kernel", "/ramdisk", "/part-N"; FIT "/<image node name>"; partitions
// "/pN" or the GPT partition name.
//
// Damaged or unreadable containers, containers without a reader and limits
// that were hit are recorded in Result.Skipped and the scan goes on where it
// safely can. Scan returns an error only when input cannot be opened, when
// ctx is done, or when the visitor returns an error (which stops the scan);
// the partial Result is returned with the error.
func Scan(ctx context.Context, input string, opts Options, v Visitor) (*Result, error) {
	if v == nil {
		return nil, errors.New("imagescan: nil visitor")
	}
	s := &scanner{ctx: ctx, lim: opts.Limits.withDefaults(), v: v, progress: opts.Progress, opaque: opts.Opaque}
	fi, err := os.Stat(input)
	if err != nil {
		return nil, fmt.Errorf("imagescan: %w", err)
	}
	switch {
	case fi.IsDir():
		err = s.scanDir(input)
	case fi.Mode().IsRegular():
		err = s.scanInputFile(input, fi.Size())
	default:
		return nil, fmt.Errorf("imagescan: %s: not a regular file or directory", input)
	}
	if err == nil {
		err = s.err
	}
	if s.progress != nil {
		s.progress(s.ptotal, s.ptotal)
	}
	return &s.res, err
}

// scanner holds the state of one Scan. It is used by one goroutine.
type scanner struct {
	ctx      context.Context
	lim      Limits
	v        Visitor
	res      Result
	err      error // fatal: context done or visitor error
	halted   bool  // a scan-wide limit was hit
	total    int64 // bytes produced by decompressors and file-system readers
	entries  int
	progress func(done, total int64)
	opaque   func(f *File) bool
	pdone    int64
	ptotal   int64
	plast    int64
	// bufs are reused file buffers, two per nesting depth: one for the
	// entries of a container, one for a container image that had to be
	// buffered in memory.
	bufs [][]byte
	// diskfsSquashfs reads squashfs images with go-diskfs only (tests
	// compare it with imagescan's own reader).
	diskfsSquashfs bool
	// sqWindow overrides the squashfs reader's window of in-flight bytes
	// (tests; 0: sqWindow).
	sqWindow int64
}

// stopped reports whether the scan must stop: context done, visitor error
// or a scan-wide limit.
func (s *scanner) stopped() bool {
	if s.err != nil || s.halted {
		return true
	}
	if err := s.ctx.Err(); err != nil {
		s.err = err
		return true
	}
	return false
}

func (s *scanner) skip(p, reason, limit string) {
	s.res.Skipped = append(s.res.Skipped, Skipped{Path: p, Reason: reason, Limit: limit})
}

func (s *scanner) container(p, format string) {
	s.res.Containers = append(s.res.Containers, ContainerInfo{Path: p, Format: format})
}

// addEntry counts one entry; false (and the scan halts) once MaxEntries is
// exceeded.
func (s *scanner) addEntry(p string) bool {
	s.entries++
	if s.entries > s.lim.MaxEntries {
		s.skip(p, fmt.Sprintf("more than %d entries: scan stopped", s.lim.MaxEntries), LimitEntries)
		s.halted = true
		return false
	}
	return true
}

// addTotal counts n decompressed bytes; false (and the scan halts) once
// MaxTotalBytes is exceeded.
func (s *scanner) addTotal(n int64, p string) bool {
	if s.halted {
		return false
	}
	s.total += n
	if s.total > s.lim.MaxTotalBytes {
		s.skip(p, fmt.Sprintf("more than %d decompressed bytes in total: scan stopped", s.lim.MaxTotalBytes), LimitTotalBytes)
		s.halted = true
		return false
	}
	return true
}

// addProgress reports n more input bytes read, at most every MiB.
func (s *scanner) addProgress(n int64) {
	if s.progress == nil {
		return
	}
	s.pdone += n
	if s.pdone > s.ptotal {
		s.pdone = s.ptotal
	}
	if s.pdone-s.plast >= 1<<20 {
		s.plast = s.pdone
		s.progress(s.pdone, s.ptotal)
	}
}

// buf returns a reusable buffer of length n for slot (2*depth for
// entries, 2*depth+1 for buffered container images).
func (s *scanner) buf(slot int, n int) []byte {
	for len(s.bufs) <= slot {
		s.bufs = append(s.bufs, nil)
	}
	if cap(s.bufs[slot]) < n {
		s.bufs[slot] = make([]byte, n, max(n, 2*cap(s.bufs[slot])))
	}
	return s.bufs[slot][:n]
}

// grow extends b (the buffer of slot) to length n, keeping its content.
func (s *scanner) grow(slot int, b []byte, n int) []byte {
	if cap(b) >= n {
		return b[:n]
	}
	nb := make([]byte, n, max(n, 2*cap(b)))
	copy(nb, b)
	s.bufs[slot] = nb
	return nb
}

func entrySlot(depth int) int { return 2 * depth }
func imageSlot(depth int) int { return 2*depth + 1 }

// readContent reads all of r into the buffer of slot, up to limit bytes.
// hint is the declared size (or -1); the buffer grows with the data that
// really arrives, so a lying header cannot make it allocate. tooBig is
// true when r holds more than limit bytes (the rest is left unread).
func (s *scanner) readContent(r io.Reader, slot int, hint, limit int64) (data []byte, tooBig bool, err error) {
	initial := int64(64 << 10)
	if hint >= 0 && hint < initial {
		initial = hint + 1
	}
	b := s.buf(slot, int(initial))
	n := 0
	for {
		if n == len(b) {
			if int64(n) > limit {
				return nil, true, nil
			}
			grow := min(int64(2*len(b)), limit+1)
			if hint >= 0 && hint+1 <= grow && hint+1 > int64(n) {
				grow = hint + 1
			}
			b = s.grow(slot, b, int(grow))
		}
		m, rerr := r.Read(b[n:])
		n += m
		if rerr == io.EOF {
			if int64(n) > limit {
				return nil, true, nil
			}
			return b[:n], false, nil
		}
		if rerr != nil {
			return b[:n], false, rerr
		}
	}
}

// visit hands one file to the visitor and counts it.
func (s *scanner) visit(f *File, data []byte) {
	if s.stopped() {
		return
	}
	if data != nil {
		s.res.Files++
		s.res.Bytes += int64(len(data))
	}
	if err := s.v.VisitFile(f, data); err != nil {
		s.err = fmt.Errorf("imagescan: visiting %s: %w", f.Path, err)
	}
}

// emitFile visits a regular file found at provenance path p (Name name in
// root) and then, if its content starts with a container magic, scans the
// container nested in it.
func (s *scanner) emitFile(p, root, name string, mode fs.FileMode, data []byte, depth int) {
	f := &File{Path: p, Name: name, Root: root, Mode: mode, Size: int64(len(data))}
	s.visit(f, data)
	if s.stopped() || (s.opaque != nil && s.opaque(f)) {
		return
	}
	fm := detect(data, int64(len(data)))
	if fm.kind == kindNone {
		return
	}
	s.open(p, path.Base(name), fm, bytesAt(data), int64(len(data)), depth+1)
}

// emitLink visits a symlink (or archive hard link).
func (s *scanner) emitLink(p, root, name string, mode fs.FileMode, target string) {
	f := &File{Path: p, Name: name, Root: root, Mode: mode, LinkTarget: target}
	s.visit(f, nil)
}

// entryName cleans a path stored in a container into an absolute path
// inside the image root. escaped is true when the stored path was absolute
// or climbed above the root with "..": the caller records that attempt.
func entryName(stored string) (name string, escaped bool) {
	p := strings.ReplaceAll(stored, "\\", "/")
	p = strings.TrimPrefix(p, "./")
	if strings.HasPrefix(p, "/") {
		escaped = true
	} else {
		depth := 0
		for _, el := range strings.Split(p, "/") {
			switch el {
			case "", ".":
			case "..":
				depth--
				if depth < 0 {
					escaped = true
				}
			default:
				depth++
			}
		}
	}
	return path.Clean("/" + p), escaped
}

// entry cleans a stored name and records an escape attempt; it returns
// the Name and the provenance path of the entry inside container root.
func (s *scanner) entry(root, stored string) (name, p string) {
	name, escaped := entryName(stored)
	p = root + "!" + name
	if escaped {
		s.skip(p, fmt.Sprintf("entry path %q leaves the image root; read as %q", stored, name), "")
	}
	return name, p
}

// ScanReaderAt is Scan for a blob that is already open or in memory (an
// upload, a fuzz input): name plays the part of the input path in
// provenance paths.
func ScanReaderAt(ctx context.Context, name string, ra io.ReaderAt, size int64, opts Options, v Visitor) (*Result, error) {
	if v == nil {
		return nil, errors.New("imagescan: nil visitor")
	}
	s := &scanner{ctx: ctx, lim: opts.Limits.withDefaults(), v: v, progress: opts.Progress, opaque: opts.Opaque}
	err := s.scanBlob(name, ra, size)
	if err == nil {
		err = s.err
	}
	if s.progress != nil {
		s.progress(s.ptotal, s.ptotal)
	}
	return &s.res, err
}

// scanInputFile scans a file given as input.
func (s *scanner) scanInputFile(input string, size int64) error {
	f, err := os.Open(input)
	if err != nil {
		return fmt.Errorf("imagescan: %w", err)
	}
	defer f.Close()
	return s.scanBlob(input, f, size)
}

// scanBlob scans one input blob: a container, or else a single file.
func (s *scanner) scanBlob(input string, f io.ReaderAt, size int64) error {
	s.ptotal = size
	ra := &progressReaderAt{ra: f, s: s}
	head := make([]byte, min(size, headSize))
	if _, err := ra.ReadAt(head, 0); err != nil && err != io.EOF {
		return fmt.Errorf("imagescan: %s: %w", input, err)
	}
	fm := detect(head, size)
	base := filepath.Base(input)
	if fm.kind == kindNone || fm.format == "fdt" {
		s.single(input, input, "/"+base, io.NewSectionReader(ra, 0, size), size, 0, true)
		return nil
	}
	s.open(input, base, fm, ra, size, 1)
	return nil
}

// single reads r (a blob that is not a container of files: a raw firmware
// image, a decompressed kernel) and visits it as one file named name
// inside root. A blob of high entropy is also recorded as not checked.
func (s *scanner) single(p, root, name string, r io.Reader, hint int64, depth int, checkEntropy bool) {
	if !s.addEntry(p) {
		return
	}
	data, tooBig, err := s.readContent(r, entrySlot(depth), hint, s.lim.MaxFileSize)
	switch {
	case errors.Is(err, errLimit):
		return
	case err != nil:
		s.skip(p, "read error: "+err.Error(), "")
		return
	case tooBig:
		s.skip(p, fmt.Sprintf("larger than %d bytes: not read", s.lim.MaxFileSize), LimitFileSize)
		return
	}
	f := &File{Path: p, Name: name, Root: root, Mode: 0o644, Size: int64(len(data))}
	s.visit(f, data)
	fm := detect(data, int64(len(data)))
	if fm.kind == kindNone && checkEntropy && len(data) >= 4096 && entropy(data[:min(len(data), 1<<20)]) > 7.95 {
		s.skip(p, "high-entropy data of unknown format (encrypted or compressed): not checked", "")
	}
	if s.stopped() || fm.kind == kindNone {
		return
	}
	s.open(p, path.Base(name), fm, bytesAt(data), int64(len(data)), depth+1)
}

// entropy is the Shannon entropy of b in bits per byte.
func entropy(b []byte) float64 {
	var counts [256]int
	for _, c := range b {
		counts[c]++
	}
	h := 0.0
	n := float64(len(b))
	for _, c := range counts {
		if c > 0 {
			q := float64(c) / n
			h -= q * math.Log2(q)
		}
	}
	return h
}

// progressReaderAt counts the bytes read from the input file.
type progressReaderAt struct {
	ra io.ReaderAt
	s  *scanner
}

func (p *progressReaderAt) ReadAt(b []byte, off int64) (int, error) {
	n, err := p.ra.ReadAt(b, off)
	p.s.addProgress(int64(n))
	return n, err
}
