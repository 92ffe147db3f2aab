package imagescan

// Builders of small test images, written with Go's own writers (and
// hand-written headers where Go has none), so tests need no tools.

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

// ent is one archive entry for the builders.
type ent struct {
	name   string
	data   string
	link   string // symlink target
	hard   bool   // link is a hard link
	dir    bool
	size   int64 // declared size override (cpio), 0 = len(data)
	noData bool  // write the header only (for lying sizes)
}

func mkTar(t testing.TB, ents ...ent) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range ents {
		h := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.data)), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		switch {
		case e.dir:
			h.Typeflag, h.Mode, h.Size = tar.TypeDir, 0o755, 0
		case e.link != "" && e.hard:
			h.Typeflag, h.Linkname, h.Size = tar.TypeLink, e.link, 0
		case e.link != "":
			h.Typeflag, h.Linkname, h.Size, h.Mode = tar.TypeSymlink, e.link, 0, 0o777
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			io.WriteString(tw, e.data)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var o bytes.Buffer
	w := gzip.NewWriter(&o)
	w.Write(b)
	w.Close()
	return o.Bytes()
}

func xzc(t testing.TB, b []byte) []byte {
	t.Helper()
	var o bytes.Buffer
	w, err := xz.NewWriter(&o)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return o.Bytes()
}

func lzmac(t testing.TB, b []byte) []byte {
	t.Helper()
	var o bytes.Buffer
	w, err := lzma.NewWriter(&o)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return o.Bytes()
}

func zstdc(t testing.TB, b []byte) []byte {
	t.Helper()
	w, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	return w.EncodeAll(b, nil)
}

func lz4c(t testing.TB, b []byte) []byte {
	t.Helper()
	var o bytes.Buffer
	w := lz4.NewWriter(&o)
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return o.Bytes()
}

func mkZip(t testing.TB, ents ...ent) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range ents {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.link != "" {
			h.SetMode(0o777 | 1<<27) // fs.ModeSymlink
			h.SetMode(h.Mode() | 0o777)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if e.link != "" {
			io.WriteString(w, e.link)
		} else {
			io.WriteString(w, e.data)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// mkCpio writes a newc ("070701") or odc ("070707") archive by hand.
func mkCpio(t testing.TB, magic string, ents ...ent) []byte {
	t.Helper()
	var b bytes.Buffer
	pad := func() {
		for b.Len()%4 != 0 {
			b.WriteByte(0)
		}
	}
	write := func(i int, e ent) {
		mode := uint64(0o100644)
		data := e.data
		switch {
		case e.dir:
			mode, data = 0o040755, ""
		case e.link != "":
			mode, data = 0o120777, e.link
		}
		size := int64(len(data))
		if e.size != 0 {
			size = e.size
		}
		name := e.name + "\x00"
		if magic == "070707" {
			fmt.Fprintf(&b, "070707%06o%06o%06o%06o%06o%06o%06o%011o%06o%011o", 0, i, mode, 0, 0, 1, 0, 0, len(name), size)
			b.WriteString(name)
			if !e.noData {
				b.WriteString(data)
			}
			return
		}
		fmt.Fprintf(&b, "%s%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", magic,
			i, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, len(name), 0)
		b.WriteString(name)
		pad()
		if !e.noData {
			b.WriteString(data)
			pad()
		}
	}
	for i, e := range ents {
		write(i+1, e)
	}
	write(0, ent{name: "TRAILER!!!"})
	return b.Bytes()
}

// mkUImage wraps payload in a U-Boot legacy header.
func mkUImage(payload []byte, typ, comp byte, name string) []byte {
	h := make([]byte, 64)
	be := binary.BigEndian
	be.PutUint32(h[0:], 0x27051956)
	be.PutUint32(h[8:], 1700000000)
	be.PutUint32(h[12:], uint32(len(payload)))
	be.PutUint32(h[24:], crc32.ChecksumIEEE(payload))
	h[28], h[29], h[30], h[31] = 5, 2, typ, comp // Linux, ARM
	copy(h[32:], name)
	be.PutUint32(h[4:], crc32.ChecksumIEEE(h))
	return append(h, payload...)
}

// fdtNode is a device-tree node for mkFDT.
type fdtNode struct {
	name  string
	props [][2]string // name, raw value
	kids  []fdtNode
}

func u32be(v uint32) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], v)
	return string(b[:])
}

// mkFDT flattens a device tree (version 17). extra is appended after the
// blob (for external FIT data).
func mkFDT(root fdtNode, extra []byte) []byte {
	var st, strs bytes.Buffer
	offs := map[string]int{}
	w32 := func(v uint32) { st.WriteString(u32be(v)) }
	pad := func() {
		for st.Len()%4 != 0 {
			st.WriteByte(0)
		}
	}
	var emit func(n fdtNode)
	emit = func(n fdtNode) {
		w32(1)
		st.WriteString(n.name + "\x00")
		pad()
		for _, p := range n.props {
			off, ok := offs[p[0]]
			if !ok {
				off = strs.Len()
				offs[p[0]] = off
				strs.WriteString(p[0] + "\x00")
			}
			w32(3)
			w32(uint32(len(p[1])))
			w32(uint32(off))
			st.WriteString(p[1])
			pad()
		}
		for _, k := range n.kids {
			emit(k)
		}
		w32(2)
	}
	emit(root)
	w32(9)
	const hdr = 40
	rsv := 16 // one empty memory reservation entry
	offStruct := hdr + rsv
	offStrings := offStruct + st.Len()
	total := offStrings + strs.Len()
	var b bytes.Buffer
	for _, v := range []uint32{0xd00dfeed, uint32(total), uint32(offStruct), uint32(offStrings), hdr, 17, 16, 0, uint32(strs.Len()), uint32(st.Len())} {
		b.WriteString(u32be(v))
	}
	b.Write(make([]byte, rsv))
	b.Write(st.Bytes())
	b.Write(strs.Bytes())
	for b.Len()%4 != 0 {
		b.WriteByte(0)
	}
	b.Write(extra)
	return b.Bytes()
}

// collector records what a scan visited. It is safe to reuse across scans
// in one test only sequentially.
type collector struct {
	mu    sync.Mutex
	files map[string]*File
	data  map[string]string
}

func newCollector() *collector {
	return &collector{files: map[string]*File{}, data: map[string]string{}}
}

func (c *collector) VisitFile(f *File, data []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	cp := *f
	c.files[f.Path] = &cp
	if data != nil {
		c.data[f.Path] = string(data)
	}
	return nil
}

func (c *collector) paths() []string {
	var p []string
	for k := range c.files {
		p = append(p, k)
	}
	sort.Strings(p)
	return p
}

// scanBytes runs ScanReaderAt over b named name.
func scanBytes(t testing.TB, name string, b []byte, lim Limits) (*Result, *collector) {
	t.Helper()
	c := newCollector()
	res, err := ScanReaderAt(context.Background(), name, bytes.NewReader(b), int64(len(b)), Options{Limits: lim}, c)
	if err != nil {
		t.Fatalf("scan %s: %v", name, err)
	}
	return res, c
}

// wantFile checks that path was visited with the given content.
func wantFile(t testing.TB, c *collector, path, content string) {
	t.Helper()
	got, ok := c.data[path]
	if !ok {
		t.Errorf("%s not visited; visited: %s", path, strings.Join(c.paths(), ", "))
		return
	}
	if got != content {
		t.Errorf("%s content %q, want %q", path, got, content)
	}
}

// wantSkip checks that a Skipped record with path, reason substring and
// limit exists.
func wantSkip(t testing.TB, res *Result, path, reason, limit string) {
	t.Helper()
	for _, s := range res.Skipped {
		if (path == "" || s.Path == path) && strings.Contains(s.Reason, reason) && s.Limit == limit {
			return
		}
	}
	t.Errorf("no Skipped{%q, ~%q, %q}; have %+v", path, reason, limit, res.Skipped)
}
