package imagescan

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"time"
	"unicode/utf16"

	"github.com/diskfs/go-diskfs/backend"
	"github.com/diskfs/go-diskfs/filesystem"
	"github.com/diskfs/go-diskfs/filesystem/ext4"
	"github.com/diskfs/go-diskfs/filesystem/fat12"
	"github.com/diskfs/go-diskfs/filesystem/fat16"
	"github.com/diskfs/go-diskfs/filesystem/fat32"
	"github.com/diskfs/go-diskfs/filesystem/iso9660"
	"github.com/diskfs/go-diskfs/filesystem/squashfs"
)

// maxDirDepth bounds directory recursion inside a file-system image.
const maxDirDepth = 256

// raStorage presents an in-memory or on-disk image as a read-only
// go-diskfs backend, so file systems are read in place: nothing is
// written anywhere.
type raStorage struct {
	*io.SectionReader
}

func (r raStorage) Stat() (fs.FileInfo, error) { return raInfo{size: r.Size()}, nil }
func (r raStorage) Close() error               { return nil }
func (r raStorage) Sys() (*os.File, error)     { return nil, backend.ErrNotSuitable }
func (r raStorage) Writable() (backend.WritableFile, error) {
	return nil, backend.ErrIncorrectOpenMode
}
func (r raStorage) Path() string { return "" }

type raInfo struct{ size int64 }

func (i raInfo) Name() string       { return "image" }
func (i raInfo) Size() int64        { return i.size }
func (i raInfo) Mode() fs.FileMode  { return 0o444 }
func (i raInfo) ModTime() time.Time { return time.Time{} }
func (i raInfo) IsDir() bool        { return false }
func (i raInfo) Sys() any           { return nil }

// safely runs fn, turning a panic in a third-party reader fed with a
// damaged image into an error.
func safely(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("reader failed on damaged data: %v", r)
		}
	}()
	return fn()
}

// scanFS walks a squashfs, ext2/3/4, FAT or ISO 9660 image.
func (s *scanner) scanFS(root, format string, ra io.ReaderAt, size int64, depth int) {
	if format == "squashfs" && !s.diskfsSquashfs && s.scanSquashfs(root, ra, size, depth) {
		return
	}
	st := raStorage{io.NewSectionReader(ra, 0, size)}
	var fsys filesystem.FileSystem
	err := safely(func() error {
		var err error
		switch format {
		case "squashfs":
			fsys, err = squashfs.Read(st, size, 0, 0)
		case "ext":
			fsys, err = ext4.Read(st, size, 0, 0)
		case "fat12":
			fsys, err = fat12.Read(st, size, 0, 0)
		case "fat16":
			fsys, err = fat16.Read(st, size, 0, 0)
		case "fat32":
			fsys, err = fat32.Read(st, size, 0, 0)
		case "iso9660":
			fsys, err = iso9660.Read(st, size, 0, 0)
		default:
			err = fmt.Errorf("no reader")
		}
		return err
	})
	if err == nil && fsys == nil {
		err = errors.New("no file system")
	}
	if err != nil {
		s.skip(root, fmt.Sprintf("corrupt or unsupported %s image: %v (not checked)", format, err), "")
		return
	}
	w := fsWalk{s: s, root: root, format: format, fsys: fsys, depth: depth, seen: map[uint64]bool{}}
	w.dir(".", 0)
}

type fsWalk struct {
	s      *scanner
	root   string
	format string
	fsys   filesystem.FileSystem
	depth  int
	seen   map[uint64]bool // directory inodes already walked (loops in damaged images)
}

// inode returns the inode number of an entry when the file system has one.
func inode(info fs.FileInfo) (uint64, string, bool) {
	switch st := info.Sys().(type) {
	case *squashfs.StatT:
		return uint64(st.Inode), st.LinkTarget, true
	case *ext4.StatT:
		return uint64(st.Ino), st.LinkTarget, true
	}
	return 0, "", false
}

func (w *fsWalk) dir(dir string, level int) {
	s := w.s
	if level > maxDirDepth {
		s.skip(w.root+"!/"+dir, fmt.Sprintf("directories nested deeper than %d (not checked)", maxDirDepth), "")
		return
	}
	var entries []fs.DirEntry
	if err := safely(func() (err error) { entries, err = w.fsys.ReadDir(dir); return err }); err != nil {
		s.skip(w.root+"!/"+dir, fmt.Sprintf("unreadable %s directory: %v", w.format, err), "")
		return
	}
	for _, e := range entries {
		if s.stopped() {
			return
		}
		base := e.Name()
		if base == "." || base == ".." || base == "" {
			continue
		}
		child := path.Join(dir, base)
		name, p := s.entry(w.root, child)
		if !s.addEntry(p) {
			return
		}
		if !fs.ValidPath(child) || path.Base(child) != base {
			s.skip(p, fmt.Sprintf("%s entry name %q is not a plain name (not checked)", w.format, base), "")
			continue
		}
		var info fs.FileInfo
		if err := safely(func() (err error) { info, err = e.Info(); return err }); err != nil {
			s.skip(p, "unreadable entry: "+err.Error(), "")
			continue
		}
		ino, target, hasIno := inode(info)
		mode := info.Mode()
		switch {
		case mode.IsDir() || info.IsDir() || e.IsDir():
			if hasIno {
				if w.seen[ino] {
					s.skip(p, "directory loop in a damaged image (not checked)", "")
					continue
				}
				w.seen[ino] = true
			}
			w.dir(child, level+1)
		case mode&fs.ModeSymlink != 0:
			s.emitLink(p, w.root, name, mode, target)
		case mode.IsRegular():
			w.file(child, p, name, mode, info.Size(), e)
		}
	}
}

// opener is implemented by go-diskfs squashfs directory entries: opening
// through the entry avoids looking the path up again.
type opener interface {
	Open() (filesystem.File, error)
}

func (w *fsWalk) file(child, p, name string, mode fs.FileMode, size int64, e fs.DirEntry) {
	s := w.s
	if size > s.lim.MaxFileSize {
		s.skip(p, fmt.Sprintf("file of %d bytes is larger than the %d-byte limit: not read", size, s.lim.MaxFileSize), LimitFileSize)
		return
	}
	var f io.ReadCloser
	err := safely(func() error {
		if o, ok := e.(opener); ok {
			ff, err := o.Open()
			f = ff
			return err
		}
		ff, err := w.fsys.Open(child)
		if err == nil {
			f = ff
		}
		return err
	})
	if err != nil || f == nil {
		s.skip(p, fmt.Sprintf("unreadable %s file: %v", w.format, err), "")
		return
	}
	defer f.Close()
	r := &panicSafeReader{r: s.limited(p, f, nil)}
	s.readEntry(p, w.root, name, mode, r, size, w.depth)
}

// panicSafeReader turns a panic of the underlying reader into an error.
type panicSafeReader struct{ r io.Reader }

func (p *panicSafeReader) Read(b []byte) (n int, err error) {
	err = safely(func() error {
		var e error
		n, e = p.r.Read(b)
		return e
	})
	return n, err
}

// scanPartitions reads an MBR or GPT partition table and scans each
// partition's content as a container named "/pN" (or the GPT name).
func (s *scanner) scanPartitions(root, format string, ra io.ReaderAt, size int64, depth int) {
	type part struct {
		name       string
		start, len int64
	}
	var parts []part
	le := binary.LittleEndian
	if format == "mbr" {
		var sec [512]byte
		if _, err := ra.ReadAt(sec[:], 0); err != nil {
			s.skip(root, "unreadable partition table: "+err.Error(), "")
			return
		}
		for i := 0; i < 4; i++ {
			e := sec[446+16*i:]
			if e[4] == 0 {
				continue
			}
			if e[4] == 0x05 || e[4] == 0x0f || e[4] == 0x85 {
				s.skip(fmt.Sprintf("%s!/p%d", root, i+1), "extended partition: logical partitions are not read (not checked)", "")
				continue
			}
			parts = append(parts, part{fmt.Sprintf("p%d", i+1), int64(le.Uint32(e[8:])) * 512, int64(le.Uint32(e[12:])) * 512})
		}
	} else {
		var h [92]byte
		if _, err := ra.ReadAt(h[:], 512); err != nil {
			s.skip(root, "unreadable GPT header: "+err.Error(), "")
			return
		}
		lba, n, esz := int64(le.Uint64(h[72:])), int64(le.Uint32(h[80:])), int64(le.Uint32(h[84:]))
		if n > 1024 || esz < 128 || esz > 4096 || lba*512+n*esz > size {
			s.skip(root, "corrupt GPT header (not checked)", "")
			return
		}
		e := make([]byte, esz)
		for i := int64(0); i < n; i++ {
			if _, err := ra.ReadAt(e, lba*512+i*esz); err != nil {
				s.skip(root, "unreadable GPT entry: "+err.Error(), "")
				return
			}
			first, last := int64(le.Uint64(e[32:])), int64(le.Uint64(e[40:]))
			if first == 0 || last < first {
				continue
			}
			u := make([]uint16, 0, 36)
			for j := 56; j+1 < 128; j += 2 {
				c := le.Uint16(e[j:])
				if c == 0 {
					break
				}
				u = append(u, c)
			}
			nm := string(utf16.Decode(u))
			if nm == "" || !fs.ValidPath(nm) || path.Base(nm) != nm {
				nm = fmt.Sprintf("p%d", i+1)
			}
			parts = append(parts, part{nm, first * 512, (last - first + 1) * 512})
		}
	}
	for _, pt := range parts {
		if s.stopped() {
			return
		}
		p := root + "!/" + pt.name
		if pt.start >= size {
			s.skip(p, "partition starts beyond the end of the image (not checked)", "")
			continue
		}
		n := min(pt.len, size-pt.start)
		sr := io.NewSectionReader(ra, pt.start, n)
		head := make([]byte, min(n, headSize))
		if _, err := sr.ReadAt(head, 0); err != nil && err != io.EOF {
			s.skip(p, "unreadable partition: "+err.Error(), "")
			continue
		}
		fm := detect(head, n)
		if fm.kind == kindNone {
			s.skip(p, "partition of unknown content (not checked)", "")
			continue
		}
		s.open(p, pt.name, fm, sr, n, depth+1)
	}
}
