package imagescan

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/bits"

	lzo "github.com/anchore/go-lzo"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
	"github.com/therootcompany/xz"
)

// This file is a minimal reader of squashfs 4.0 images (little-endian, as
// mksquashfs writes them; see the kernel's
// Documentation/filesystems/squashfs.rst): superblock, metadata blocks,
// inodes, directory listings, the fragment table and data blocks. It
// reads only what imagescan needs — names, types, permissions, symlink
// targets and file content — and none of uid/gid, xattr or export tables.
//
// It exists for speed. go-diskfs decompresses every block on the caller's
// goroutine through ulikunitz/xz (about 40 MB/s of output); this reader
// decompresses the data blocks of the files ahead of the walk on all
// cores (see sqscan.go), decodes mksquashfs's xz blocks with a
// single-call LZMA2 decoder (lzma.go, about twice as fast as
// therootcompany/xz, which handles the other xz streams), and shares
// decompressed fragment blocks between the files packed into them.
// Compressions it has no decoder for (lzma, lz4) are left to go-diskfs.

// squashfs 4.0 layout constants.
const (
	sqSuperblockSize = 96
	sqMetaSize       = 8192    // uncompressed size of a full metadata block
	sqMetaUncomp     = 1 << 15 // metadata block header: stored uncompressed
	sqDataUncomp     = 1 << 24 // data block size word: stored uncompressed
	sqNoFragment     = 0xffffffff
	sqMaxDirCount    = 256 // entries under one directory header (kernel limit)
	sqMaxName        = 256

	// sqMaxListing bounds one directory listing: 64 MiB is over a million
	// entries with long names.
	sqMaxListing = 64 << 20
	// sqMaxMetaCache bounds the decompressed metadata blocks kept by the
	// walk; past it the cache is emptied.
	sqMaxMetaCache = 32 << 20
)

// squashfs compression ids.
const (
	sqGzip = 1
	sqLzma = 2
	sqLzo  = 3
	sqXz   = 4
	sqLz4  = 5
	sqZstd = 6
)

// squashfs inode types.
const (
	sqDir      = 1
	sqFile     = 2
	sqSymlink  = 3
	sqBlk      = 4
	sqChr      = 5
	sqFifo     = 6
	sqSock     = 7
	sqLDir     = 8
	sqLFile    = 9
	sqLSymlink = 10
	sqLBlk     = 11
	sqLChr     = 12
	sqLFifo    = 13
	sqLSock    = 14
)

// sqSuper is the part of the superblock the reader uses.
type sqSuper struct {
	blockSize       int64
	fragments       uint32
	compression     uint16
	flags           uint16
	rootInode       uint64
	bytesUsed       int64
	inodeTable      int64
	dirTable        int64
	fragmentTable   int64
	uncompressedMD  bool
	uncompressedDat bool
}

// parseSqSuper validates and decodes a squashfs 4.0 superblock.
func parseSqSuper(b []byte, size int64) (sqSuper, error) {
	le := binary.LittleEndian
	var s sqSuper
	if len(b) < sqSuperblockSize || string(b[:4]) != "hsqs" {
		return s, errors.New("no squashfs superblock")
	}
	if maj, min := le.Uint16(b[28:]), le.Uint16(b[30:]); maj != 4 || min != 0 {
		return s, fmt.Errorf("squashfs version %d.%d (only 4.0 is read)", maj, min)
	}
	s.blockSize = int64(le.Uint32(b[12:]))
	if s.blockSize < 4096 || s.blockSize > 1<<20 || bits.OnesCount64(uint64(s.blockSize)) != 1 {
		return s, fmt.Errorf("block size %d is not a power of two from 4 KiB to 1 MiB", s.blockSize)
	}
	if log := le.Uint16(b[22:]); int64(1)<<log != s.blockSize {
		return s, fmt.Errorf("block log %d does not match block size %d", log, s.blockSize)
	}
	s.fragments = le.Uint32(b[16:])
	s.compression = le.Uint16(b[20:])
	s.flags = le.Uint16(b[24:])
	s.uncompressedMD = s.flags&0x0001 != 0
	s.uncompressedDat = s.flags&0x0002 != 0
	s.rootInode = le.Uint64(b[32:])
	used := le.Uint64(b[40:])
	if used > uint64(size) || used < sqSuperblockSize {
		return s, fmt.Errorf("superblock says %d bytes used, image has %d", used, size)
	}
	s.bytesUsed = int64(used)
	tab := func(off int, name string) (int64, error) {
		v := le.Uint64(b[off:])
		if v < sqSuperblockSize || v >= used {
			return 0, fmt.Errorf("%s table at %d is outside the %d-byte image", name, v, used)
		}
		return int64(v), nil
	}
	var err error
	if s.inodeTable, err = tab(64, "inode"); err != nil {
		return s, err
	}
	if s.dirTable, err = tab(72, "directory"); err != nil {
		return s, err
	}
	if s.fragments > 0 {
		if s.fragmentTable, err = tab(80, "fragment"); err != nil {
			return s, err
		}
		// The fragment lookup table: one 64-bit pointer per 512 entries.
		if n := (int64(s.fragments) + 511) / 512 * 8; s.fragmentTable+n > s.bytesUsed {
			return s, fmt.Errorf("fragment lookup table of %d entries runs past the image", s.fragments)
		}
	}
	return s, nil
}

// sqSupported reports whether this reader decodes a compression id.
func sqSupported(id uint16) bool {
	return id == sqGzip || id == sqXz || id == sqZstd || id == sqLzo
}

// sqDecoder decompresses squashfs blocks. Each goroutine has its own.
type sqDecoder struct {
	comp uint16
	xz   *xz.Reader
	zr   io.ReadCloser
	zstd *zstd.Decoder
	br   bytes.Reader
}

func newSqDecoder(comp uint16, blockSize int64) (*sqDecoder, error) {
	d := &sqDecoder{comp: comp}
	switch comp {
	case sqXz:
		// A squashfs xz block's dictionary is at most the block size;
		// the limit only guards against a forged stream header.
		r, err := xz.NewReader(nil, uint32(max(blockSize, sqMetaSize)))
		if err != nil {
			return nil, err
		}
		d.xz = r
	case sqZstd:
		z, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxMemory(uint64(max(blockSize, sqMetaSize))))
		if err != nil {
			return nil, err
		}
		d.zstd = z
	case sqGzip, sqLzo:
	default:
		return nil, fmt.Errorf("compression %d: no decoder", comp)
	}
	return d, nil
}

func (d *sqDecoder) close() {
	if d.zstd != nil {
		d.zstd.Close()
	}
}

// errBlockTooBig reports a block that decompresses to more than fits.
var errBlockTooBig = errors.New("block decompresses to more than the block size")

// decode decompresses one block src into dst and returns the number of
// bytes written. A block whose output does not fit into dst is an error,
// so a forged block cannot make the reader allocate or overrun.
func (d *sqDecoder) decode(dst, src []byte) (n int, err error) {
	err = safely(func() error {
		var e error
		n, e = d.decodeUnsafe(dst, src)
		return e
	})
	return n, err
}

func (d *sqDecoder) decodeUnsafe(dst, src []byte) (int, error) {
	// dst is often a window of a file's buffer whose capacity runs on into
	// blocks other goroutines are writing: no decoder may see past len.
	dst = dst[:len(dst):len(dst)]
	if d.comp == sqLzo {
		// lzo.Decompress stops with an error at the end of dst.
		return lzo.Decompress(src, dst)
	}
	if d.comp == sqZstd {
		out, err := d.zstd.DecodeAll(src, dst[:0])
		if err != nil {
			return 0, err
		}
		if len(out) > len(dst) {
			return 0, errBlockTooBig
		}
		if len(out) > 0 && &out[0] != &dst[0] {
			copy(dst, out)
		}
		return len(out), nil
	}
	d.br.Reset(src)
	var r io.Reader
	switch d.comp {
	case sqXz:
		if n, ok, err := xzSingle(dst, src); ok {
			return n, err
		}
		if err := d.xz.Reset(&d.br); err != nil {
			return 0, err
		}
		d.xz.Multistream(false)
		r = d.xz
	case sqGzip:
		if d.zr == nil {
			zr, err := zlib.NewReader(&d.br)
			if err != nil {
				return 0, err
			}
			d.zr = zr
		} else if err := d.zr.(zlib.Resetter).Reset(&d.br, nil); err != nil {
			return 0, err
		}
		r = d.zr
	}
	n := 0
	for n < len(dst) {
		m, err := r.Read(dst[n:])
		n += m
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if m == 0 {
			return n, io.ErrNoProgress
		}
	}
	// dst is full: the stream must end here.
	var one [1]byte
	for {
		m, err := r.Read(one[:])
		if m > 0 {
			return n, errBlockTooBig
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// sqInode is what the reader keeps of one inode.
type sqInode struct {
	typ    uint16
	perm   fs.FileMode
	number uint32
	// directories
	dirBlock  uint32
	dirOffset uint16
	dirSize   uint32 // listing size in bytes (without the 3 bytes of . and ..)
	// regular files
	size        int64
	blocksStart int64
	fragIndex   uint32
	fragOffset  uint32
	blockSizes  []uint32
	// symlinks
	target string
}

func (in *sqInode) isDir() bool  { return in.typ == sqDir || in.typ == sqLDir }
func (in *sqInode) isFile() bool { return in.typ == sqFile || in.typ == sqLFile }

// mode is the Go file mode go-diskfs reports for the inode: permission
// bits and the type.
func (in *sqInode) mode() fs.FileMode {
	m := in.perm
	switch in.typ {
	case sqDir, sqLDir:
		m |= fs.ModeDir
	case sqSymlink, sqLSymlink:
		m |= fs.ModeSymlink
	case sqBlk, sqLBlk:
		m |= fs.ModeDevice
	case sqChr, sqLChr:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case sqFifo, sqLFifo:
		m |= fs.ModeNamedPipe
	case sqSock, sqLSock:
		m |= fs.ModeSocket
	}
	return m
}

// sqDirent is one entry of a directory listing.
type sqDirent struct {
	name   string
	isDir  bool // the listing's own type field says directory
	block  uint32
	offset uint16
}

// sqImage is an open squashfs image. Its metadata methods are used by one
// goroutine (the walk); readBlock is safe for concurrent use.
type sqImage struct {
	ra   io.ReaderAt
	sb   sqSuper
	dec  *sqDecoder // the walk's decoder, for metadata
	meta map[int64]sqMetaBlock
	// metaBytes is the decompressed size of the cached metadata blocks.
	metaBytes int
	// fragLookup caches the decoded fragment lookup table.
	fragLookup []int64
}

type sqMetaBlock struct {
	data []byte
	next int64 // disk position of the following block
}

// openSquashfs reads the superblock of the image in ra.
func openSquashfs(ra io.ReaderAt, size int64) (*sqImage, error) {
	var b [sqSuperblockSize]byte
	if _, err := ra.ReadAt(b[:], 0); err != nil {
		return nil, fmt.Errorf("unable to read superblock: %w", err)
	}
	sb, err := parseSqSuper(b[:], size)
	if err != nil {
		return nil, err
	}
	q := &sqImage{ra: ra, sb: sb, meta: map[int64]sqMetaBlock{}}
	if !sqSupported(sb.compression) {
		return q, nil
	}
	if q.dec, err = newSqDecoder(sb.compression, sb.blockSize); err != nil {
		return nil, err
	}
	return q, nil
}

// metaBlock returns the decompressed metadata block at disk position pos.
func (q *sqImage) metaBlock(pos int64) (sqMetaBlock, error) {
	if mb, ok := q.meta[pos]; ok {
		return mb, nil
	}
	if pos < sqSuperblockSize || pos+2 > q.sb.bytesUsed {
		return sqMetaBlock{}, fmt.Errorf("metadata block at %d is outside the image", pos)
	}
	var h [2]byte
	if _, err := q.ra.ReadAt(h[:], pos); err != nil {
		return sqMetaBlock{}, fmt.Errorf("metadata block at %d: %w", pos, err)
	}
	hdr := binary.LittleEndian.Uint16(h[:])
	n := int64(hdr &^ sqMetaUncomp)
	if n == 0 || n > sqMetaSize || pos+2+n > q.sb.bytesUsed {
		return sqMetaBlock{}, fmt.Errorf("metadata block at %d has a bad size of %d bytes", pos, n)
	}
	raw := make([]byte, n)
	if _, err := q.ra.ReadAt(raw, pos+2); err != nil {
		return sqMetaBlock{}, fmt.Errorf("metadata block at %d: %w", pos, err)
	}
	data := raw
	if hdr&sqMetaUncomp == 0 {
		data = make([]byte, sqMetaSize)
		m, err := q.dec.decode(data, raw)
		if err != nil {
			return sqMetaBlock{}, fmt.Errorf("metadata block at %d: %w", pos, err)
		}
		data = data[:m]
	}
	if len(data) == 0 {
		return sqMetaBlock{}, fmt.Errorf("metadata block at %d is empty", pos)
	}
	mb := sqMetaBlock{data: data, next: pos + 2 + n}
	if q.metaBytes+len(data) > sqMaxMetaCache {
		clear(q.meta)
		q.metaBytes = 0
	}
	q.meta[pos] = mb
	q.metaBytes += len(data)
	return mb, nil
}

// sqMeta reads metadata sequentially from a position in a table.
type sqMeta struct {
	q   *sqImage
	pos int64 // disk position of the current block
	off int   // offset in its decompressed data
	err error
}

func (q *sqImage) metaAt(table int64, block uint32, offset uint16) *sqMeta {
	return &sqMeta{q: q, pos: table + int64(block), off: int(offset)}
}

// read returns the next n bytes (a fresh slice when they span blocks).
func (m *sqMeta) read(n int) []byte {
	if m.err != nil {
		return nil
	}
	var out []byte
	for {
		mb, err := m.q.metaBlock(m.pos)
		if err != nil {
			m.err = err
			return nil
		}
		if m.off > len(mb.data) {
			m.err = fmt.Errorf("offset %d is past the %d bytes of the metadata block at %d", m.off, len(mb.data), m.pos)
			return nil
		}
		avail := mb.data[m.off:]
		if out == nil && len(avail) >= n {
			m.off += n
			return avail[:n]
		}
		take := min(n-len(out), len(avail))
		out = append(out, avail[:take]...)
		m.off += take
		if len(out) == n {
			return out
		}
		m.pos, m.off = mb.next, 0
	}
}

func (m *sqMeta) u16() uint16 {
	if b := m.read(2); b != nil {
		return binary.LittleEndian.Uint16(b)
	}
	return 0
}

func (m *sqMeta) u32() uint32 {
	if b := m.read(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

func (m *sqMeta) u64() uint64 {
	if b := m.read(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

// inode reads the inode at (block, offset) of the inode table. Block
// lists of files larger than maxFile are not read (such files are not
// read either).
func (q *sqImage) inode(block uint32, offset uint16, maxFile int64) (*sqInode, error) {
	m := q.metaAt(q.sb.inodeTable, block, offset)
	in := &sqInode{}
	in.typ = m.u16()
	in.perm = fs.FileMode(m.u16()) & fs.ModePerm
	m.read(4 + 4) // uid, gid index; mtime
	in.number = m.u32()
	if m.err != nil {
		return nil, m.err
	}
	switch in.typ {
	case sqDir:
		in.dirBlock = m.u32()
		m.u32() // links
		size := uint32(m.u16())
		in.dirOffset = m.u16()
		m.u32() // parent
		in.dirSize = max(size, 3) - 3
	case sqLDir:
		m.u32() // links
		size := m.u32()
		in.dirBlock = m.u32()
		m.u32() // parent
		m.u16() // index count
		in.dirOffset = m.u16()
		m.u32() // xattr
		in.dirSize = max(size, 3) - 3
	case sqFile, sqLFile:
		if in.typ == sqFile {
			in.blocksStart = int64(m.u32())
			in.fragIndex = m.u32()
			in.fragOffset = m.u32()
			in.size = int64(m.u32())
		} else {
			start := m.u64()
			size := m.u64()
			m.u64() // sparse
			m.u32() // links
			in.fragIndex = m.u32()
			in.fragOffset = m.u32()
			m.u32() // xattr
			if start > uint64(q.sb.bytesUsed) || size > 1<<62 {
				return nil, fmt.Errorf("file inode %d: data at %d of %d bytes is outside the image", in.number, start, size)
			}
			in.blocksStart, in.size = int64(start), int64(size)
		}
		if m.err != nil || in.size > maxFile {
			break
		}
		n := in.size / q.sb.blockSize
		if in.fragIndex == sqNoFragment && in.size%q.sb.blockSize != 0 {
			n++
		}
		in.blockSizes = make([]uint32, n)
		for i := range in.blockSizes {
			in.blockSizes[i] = m.u32()
		}
	case sqSymlink, sqLSymlink:
		m.u32() // links
		n := m.u32()
		if n > maxLinkTarget {
			return nil, fmt.Errorf("symlink inode %d: target of %d bytes", in.number, n)
		}
		in.target = string(m.read(int(n)))
	case sqBlk, sqChr, sqLBlk, sqLChr, sqFifo, sqSock, sqLFifo, sqLSock:
		// Nothing imagescan reads.
	default:
		return nil, fmt.Errorf("inode %d has unknown type %d", in.number, in.typ)
	}
	if m.err != nil {
		return nil, fmt.Errorf("inode at %d:%d: %w", block, offset, m.err)
	}
	return in, nil
}

// readDir reads the listing of directory inode dir.
func (q *sqImage) readDir(dir *sqInode) ([]sqDirent, error) {
	if dir.dirSize > sqMaxListing {
		return nil, fmt.Errorf("directory listing of %d bytes exceeds the %d-byte limit", dir.dirSize, sqMaxListing)
	}
	m := q.metaAt(q.sb.dirTable, dir.dirBlock, dir.dirOffset)
	left := int(dir.dirSize)
	var out []sqDirent
	for left >= 12 {
		count := m.u32() + 1
		start := m.u32()
		m.u32() // base inode number
		left -= 12
		if m.err != nil {
			return nil, m.err
		}
		if count > sqMaxDirCount {
			return nil, fmt.Errorf("corrupted directory: %d entries under one header, at most %d", count, sqMaxDirCount)
		}
		for i := uint32(0); i < count; i++ {
			if left < 8 {
				return nil, errors.New("corrupted directory: listing ends inside an entry")
			}
			off := m.u16()
			m.u16() // inode number delta
			typ := m.u16()
			nlen := int(m.u16()) + 1
			left -= 8 + nlen
			if nlen > sqMaxName || left < 0 {
				return nil, fmt.Errorf("corrupted directory: entry name of %d bytes", nlen)
			}
			name := m.read(nlen)
			if m.err != nil {
				return nil, m.err
			}
			out = append(out, sqDirent{name: string(name), isDir: typ == sqDir || typ == sqLDir, block: start, offset: off})
		}
	}
	return out, nil
}

// fragment returns the disk position and size word of fragment block i.
func (q *sqImage) fragment(i uint32) (start int64, size uint32, err error) {
	if i >= q.sb.fragments {
		return 0, 0, fmt.Errorf("fragment block %d does not exist (%d in the image)", i, q.sb.fragments)
	}
	if q.fragLookup == nil {
		n := (int(q.sb.fragments) + 511) / 512
		b := make([]byte, 8*n)
		if _, err := q.ra.ReadAt(b, q.sb.fragmentTable); err != nil {
			return 0, 0, fmt.Errorf("fragment lookup table: %w", err)
		}
		q.fragLookup = make([]int64, n)
		for j := range q.fragLookup {
			q.fragLookup[j] = int64(binary.LittleEndian.Uint64(b[8*j:]))
		}
	}
	m := &sqMeta{q: q, pos: q.fragLookup[i/512], off: int(i%512) * 16}
	start = int64(m.u64())
	size = m.u32()
	if m.err != nil {
		return 0, 0, fmt.Errorf("fragment table entry %d: %w", i, m.err)
	}
	return start, size, nil
}

// readBlock reads and decompresses the data block stored at pos with size
// word sw into dst (whose length is what the block must decompress to at
// most), using d and the scratch buffer *raw. It returns the bytes written.
func (q *sqImage) readBlock(d *sqDecoder, raw *[]byte, pos int64, sw uint32, dst []byte) (int, error) {
	n := int64(sw &^ sqDataUncomp)
	if n > q.sb.blockSize || pos < 0 || pos+n > q.sb.bytesUsed {
		return 0, fmt.Errorf("data block at %d of %d bytes is outside the image or larger than the block size", pos, n)
	}
	if sw&sqDataUncomp != 0 {
		if n > int64(len(dst)) {
			return 0, errBlockTooBig
		}
		if _, err := q.ra.ReadAt(dst[:n], pos); err != nil {
			return 0, fmt.Errorf("data block at %d: %w", pos, err)
		}
		return int(n), nil
	}
	if int64(cap(*raw)) < n {
		*raw = make([]byte, n)
	}
	b := (*raw)[:n]
	if _, err := q.ra.ReadAt(b, pos); err != nil {
		return 0, fmt.Errorf("data block at %d: %w", pos, err)
	}
	m, err := d.decode(dst, b)
	if err != nil {
		return 0, fmt.Errorf("data block at %d: %w", pos, err)
	}
	return m, nil
}
