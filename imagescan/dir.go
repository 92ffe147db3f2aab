package imagescan

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// scanDir walks a directory tree through os.Root, so nothing outside the
// tree is ever opened: symlinks are reported with their target, never
// followed, and a symlink loop cannot hang the walk.
func (s *scanner) scanDir(input string) error {
	rootDir, err := os.OpenRoot(input)
	if err != nil {
		return fmt.Errorf("imagescan: %w", err)
	}
	defer rootDir.Close()
	fsys := rootDir.FS()
	label := filepath.ToSlash(filepath.Clean(input))
	if s.progress != nil {
		_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				if info, err := d.Info(); err == nil {
					s.ptotal += info.Size()
				}
			}
			return s.ctx.Err()
		})
	}
	err = fs.WalkDir(fsys, ".", func(rel string, d fs.DirEntry, err error) error {
		if s.stopped() {
			return fs.SkipAll
		}
		if rel == "." {
			if err != nil {
				return fmt.Errorf("imagescan: %s: %w", input, err)
			}
			return nil
		}
		p := label + "/" + rel
		name := "/" + rel
		if err != nil {
			s.skip(p, "unreadable: "+err.Error(), "")
			return nil
		}
		if !s.addEntry(p) {
			return fs.SkipAll
		}
		switch t := d.Type(); {
		case t.IsDir():
		case t&fs.ModeSymlink != 0:
			target, err := rootDir.Readlink(rel)
			if err != nil {
				s.skip(p, "unreadable symlink: "+err.Error(), "")
				return nil
			}
			info, _ := d.Info()
			mode := fs.ModeSymlink | 0o777
			if info != nil {
				mode = info.Mode()
			}
			s.emitLink(p, label, name, mode, target)
		case t.IsRegular():
			s.dirFile(rootDir, rel, p, label, name)
		}
		// Devices, FIFOs and sockets have no content and are not opened
		// (opening a FIFO would block).
		return nil
	})
	return err
}

// dirFile reads one regular file of a directory scan.
func (s *scanner) dirFile(rootDir *os.Root, rel, p, label, name string) {
	f, err := rootDir.Open(rel)
	if err != nil {
		s.skip(p, "unreadable: "+err.Error(), "")
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		s.skip(p, "not a regular file when opened", "")
		return
	}
	size := info.Size()
	if size > s.lim.MaxFileSize {
		// Too large to hand to visitors; a large file-system image or
		// archive is still scanned in place through random access.
		s.skip(p, fmt.Sprintf("file of %d bytes is larger than the %d-byte limit: not read", size, s.lim.MaxFileSize), LimitFileSize)
		ra := &progressReaderAt{ra: f, s: s}
		head := make([]byte, min(size, headSize))
		if _, err := ra.ReadAt(head, 0); err != nil && err != io.EOF {
			return
		}
		if fm := detect(head, size); fm.kind != kindNone {
			s.open(p, filepath.Base(rel), fm, ra, size, 1)
		}
		return
	}
	data, tooBig, err := s.readContent(f, entrySlot(0), size, s.lim.MaxFileSize)
	s.addProgress(int64(len(data)))
	switch {
	case err != nil:
		s.skip(p, "read error: "+err.Error(), "")
		return
	case tooBig:
		s.skip(p, fmt.Sprintf("file grew past the %d-byte limit while read: not read", s.lim.MaxFileSize), LimitFileSize)
		return
	}
	s.emitFile(p, label, name, info.Mode()&fs.ModePerm, data, 0)
}
