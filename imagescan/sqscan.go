package imagescan

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"sync"
	"sync/atomic"
)

// Reading a squashfs image runs in three parts:
//
//   - the walk (one goroutine) reads the directory tree from the metadata
//     tables in the order go-diskfs lists it, and for every regular file
//     reserves room in a window of in-flight bytes and queues the
//     decompression of its data blocks (in chunks, so that one large file
//     is also spread over the cores) and of its fragment;
//   - workers (one per core) decompress the queued chunks into the file's
//     buffer; a fragment block holding the tails of many small files is
//     decompressed once and shared through a small cache;
//   - the scanning goroutine takes the walk's entries in order, waits for
//     each file's content, and visits it exactly as the go-diskfs path
//     does (same provenance paths, order, skips and limits).
//
// The visitor therefore sees the same files in the same order whatever
// the scheduling, while decompression runs on all cores ahead of it.

// sqWindow bounds the decompressed bytes in flight (queued, being
// decompressed, or waiting to be visited). A file larger than the window
// is read alone.
const sqWindow = 32 << 20

// sqChunkBlocks is how many data blocks one job decompresses.
const sqChunkBlocks = 8

// sqFragCacheBytes bounds the cache of decompressed fragment blocks.
const sqFragCacheBytes = 16 << 20

// errSqAborted marks jobs dropped because the scan stopped.
var errSqAborted = errors.New("scan stopped")

// sqEvent is one step of the walk, replayed by the scanning goroutine.
type sqEvent struct {
	// dirSkip, when set, is a directory that was not walked (p relative
	// to the image root) and reason why; the other fields are unset.
	dirSkip, reason string
	child, base     string // entry path relative to the root, and its stored name
	in              *sqInode
	isDir           bool // a directory by its inode or by its listing
	loop            bool // a directory seen before
	file            *sqRead
	// plan is how to read a regular file the walk did not queue.
	plan []sqJob
}

// sqRead is the content of one regular file being decompressed.
type sqRead struct {
	data    []byte
	errs    []error // per job, so the reported error does not depend on scheduling
	pending atomic.Int32
	done    chan struct{}
}

func (r *sqRead) finish(job int, err error) {
	r.errs[job] = err
	if r.pending.Add(-1) == 0 {
		close(r.done)
	}
}

func (r *sqRead) err() error {
	for _, e := range r.errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// sqJob decompresses blocks [first, first+n) of a file (pos: disk
// position of block first), or, when frag is set, its tail.
type sqJob struct {
	in       *sqInode
	r        *sqRead
	idx      int
	first, n int
	pos      int64
	frag     bool
	fragPos  int64
	fragSize uint32
	fragErr  error
}

// sqPipe is the state shared by the walk, the workers and the scanning
// goroutine of one squashfs image.
type sqPipe struct {
	q       *sqImage
	quit    chan struct{}
	events  chan sqEvent
	jobs    chan sqJob
	freed   chan struct{}
	window  int64
	mu      sync.Mutex
	inUse   int64
	bufs    [][]byte
	frags   sqFragCache
	walkErr error // a panic in the walk
}

// acquire reserves n bytes of the window; false when the scan stopped.
func (p *sqPipe) acquire(n int64) bool {
	for {
		p.mu.Lock()
		if p.inUse == 0 || p.inUse+n <= p.window {
			p.inUse += n
			p.mu.Unlock()
			return true
		}
		p.mu.Unlock()
		select {
		case <-p.freed:
		case <-p.quit:
			return false
		}
	}
}

// release returns a visited file's bytes to the window and its buffer to
// the pool.
func (p *sqPipe) release(r *sqRead) {
	p.mu.Lock()
	p.inUse -= int64(len(r.data))
	if c := cap(r.data); c > 0 && c <= 8<<20 && len(p.bufs) < 16 {
		p.bufs = append(p.bufs, r.data[:0])
	}
	r.data = nil
	p.mu.Unlock()
	select {
	case p.freed <- struct{}{}:
	default:
	}
}

// buffer returns a buffer of length n, reused when one is free.
func (p *sqPipe) buffer(n int64) []byte {
	p.mu.Lock()
	for i, b := range p.bufs {
		if int64(cap(b)) >= n {
			p.bufs = append(p.bufs[:i], p.bufs[i+1:]...)
			p.mu.Unlock()
			return b[:n]
		}
	}
	p.mu.Unlock()
	return make([]byte, n)
}

// sqFragCache shares decompressed fragment blocks between workers. Files
// are queued in walk order, which is the order mksquashfs packed their
// tails in, so a small first-in-first-out cache hits almost always.
type sqFragCache struct {
	mu    sync.Mutex
	m     map[int64]*sqFragEntry
	order []int64
	max   int
}

type sqFragEntry struct {
	ready chan struct{}
	data  []byte
	err   error
}

// get returns the decompressed fragment block at pos, decompressing it
// with load on a miss. Concurrent callers of the same block wait for one
// decompression.
func (c *sqFragCache) get(pos int64, load func() ([]byte, error)) ([]byte, error) {
	c.mu.Lock()
	e := c.m[pos]
	if e == nil {
		e = &sqFragEntry{ready: make(chan struct{})}
		if len(c.order) >= c.max {
			delete(c.m, c.order[0])
			c.order = c.order[1:]
		}
		c.m[pos] = e
		c.order = append(c.order, pos)
		c.mu.Unlock()
		e.data, e.err = load()
		close(e.ready)
		return e.data, e.err
	}
	c.mu.Unlock()
	<-e.ready
	return e.data, e.err
}

// countingReaderAt counts the bytes read through it, from any goroutine.
type countingReaderAt struct {
	ra io.ReaderAt
	n  atomic.Int64
}

func (c *countingReaderAt) ReadAt(b []byte, off int64) (int, error) {
	n, err := c.ra.ReadAt(b, off)
	c.n.Add(int64(n))
	return n, err
}

// withoutProgress returns a reader of the same bytes as ra that does not
// report progress (progressReaderAt calls back into the scanner, which
// only its own goroutine may do), and whether progress was stripped.
func withoutProgress(ra io.ReaderAt) (io.ReaderAt, bool) {
	switch r := ra.(type) {
	case *progressReaderAt:
		return r.ra, true
	case *io.SectionReader:
		outer, off, n := r.Outer()
		if inner, ok := withoutProgress(outer); ok {
			return io.NewSectionReader(inner, off, n), true
		}
	}
	return ra, false
}

// scanSquashfs scans a squashfs image with the reader of squashfs.go. It
// returns false, having done nothing, when the image's compression has no
// decoder here, so that the caller reads it with go-diskfs.
func (s *scanner) scanSquashfs(root string, ra io.ReaderAt, size int64, depth int) bool {
	raw, counted := withoutProgress(ra)
	cra := &countingReaderAt{ra: raw}
	q, err := openSquashfs(cra, size)
	if err == nil && !sqSupported(q.sb.compression) {
		return false
	}
	var rootIn *sqInode
	if err == nil {
		rootIn, err = q.inode(uint32(q.sb.rootInode>>16), uint16(q.sb.rootInode), 0)
		if err == nil && !rootIn.isDir() {
			err = fmt.Errorf("root inode has type %d, not a directory", rootIn.typ)
		}
		if err != nil {
			err = fmt.Errorf("unable to read root inode: %w", err)
		}
	}
	if err != nil {
		if q != nil && q.dec != nil {
			q.dec.close()
		}
		s.skip(root, fmt.Sprintf("corrupt or unsupported squashfs image: %v (not checked)", err), "")
		return true
	}
	workers := runtime.GOMAXPROCS(0)
	p := &sqPipe{
		q:      q,
		quit:   make(chan struct{}),
		events: make(chan sqEvent, 256),
		jobs:   make(chan sqJob, 4*workers),
		freed:  make(chan struct{}, 1),
		window: sqWindow,
		frags:  sqFragCache{m: map[int64]*sqFragEntry{}, max: int(max(8, sqFragCacheBytes/q.sb.blockSize))},
	}
	if s.sqWindow > 0 {
		p.window = s.sqWindow
	}
	w := &sqWalker{
		p:       p,
		root:    root,
		maxFile: s.lim.MaxFileSize,
		entries: s.lim.MaxEntries - s.entries + 1,
		budget:  s.lim.MaxTotalBytes - s.total,
		seen:    map[uint32]bool{},
	}
	var wg sync.WaitGroup
	wg.Add(1 + workers)
	go func() {
		defer wg.Done()
		w.run(rootIn)
	}()
	for i := 0; i < workers; i++ {
		go func() {
			defer wg.Done()
			p.work()
		}()
	}
	s.replaySquashfs(p, root, depth, cra, counted)
	close(p.quit)
	wg.Wait()
	if p.walkErr != nil {
		s.skip(root, fmt.Sprintf("corrupt squashfs image: %v (rest not checked)", p.walkErr), "")
	}
	return true
}

// replaySquashfs takes the walk's events in order and visits them as the
// go-diskfs walk (fsWalk.dir) does.
func (s *scanner) replaySquashfs(p *sqPipe, root string, depth int, cra *countingReaderAt, counted bool) {
	var dec *sqDecoder // for files the walk did not queue
	defer func() {
		if dec != nil {
			dec.close()
		}
	}()
	var read int64
	for ev := range p.events {
		if counted {
			n := cra.n.Load()
			s.addProgress(n - read)
			read = n
		}
		if s.stopped() {
			return
		}
		if ev.dirSkip != "" {
			s.skip(root+"!/"+ev.dirSkip, ev.reason, "")
			continue
		}
		name, pp := s.entry(root, ev.child)
		if !s.addEntry(pp) {
			return
		}
		if !fs.ValidPath(ev.child) || path.Base(ev.child) != ev.base {
			s.skip(pp, fmt.Sprintf("squashfs entry name %q is not a plain name (not checked)", ev.base), "")
			continue
		}
		mode := ev.in.mode()
		switch {
		case ev.isDir:
			if ev.loop {
				s.skip(pp, "directory loop in a damaged image (not checked)", "")
			}
		case mode&fs.ModeSymlink != 0:
			s.emitLink(pp, root, name, mode, ev.in.target)
		case mode.IsRegular():
			size := ev.in.size
			if size > s.lim.MaxFileSize {
				s.skip(pp, fmt.Sprintf("file of %d bytes is larger than the %d-byte limit: not read", size, s.lim.MaxFileSize), LimitFileSize)
				continue
			}
			if !s.addTotal(size, pp) {
				return
			}
			r := ev.file
			if r == nil {
				// Past the walk's conservative share of the total-bytes
				// budget: read here.
				if dec == nil {
					var err error
					if dec, err = newSqDecoder(p.q.sb.compression, p.q.sb.blockSize); err != nil {
						s.skip(pp, "unreadable squashfs file: "+err.Error(), "")
						continue
					}
				}
				r = p.readNow(ev.in, ev.plan, dec)
			} else {
				select {
				case <-r.done:
				case <-s.ctx.Done():
					s.err = s.ctx.Err()
					return
				}
			}
			if err := r.err(); err != nil {
				s.skip(pp, "truncated or corrupt entry: "+err.Error(), "")
			} else {
				s.emitFile(pp, root, name, mode&^fs.ModeType, r.data, depth)
			}
			if ev.file != nil {
				p.release(r)
			}
		}
	}
	if counted {
		s.addProgress(cra.n.Load() - read)
	}
}

// sqWalker walks the directory tree of an image on its own goroutine.
type sqWalker struct {
	p       *sqPipe
	root    string
	maxFile int64
	entries int   // entries it may still send
	budget  int64 // decompressed bytes it may still queue
	over    bool  // the budget ran out: queue nothing more
	seen    map[uint32]bool
	stop    bool
}

func (w *sqWalker) run(rootIn *sqInode) {
	defer close(w.p.jobs)
	defer close(w.p.events)
	if err := safely(func() error { w.dir(rootIn, ".", 0); return nil }); err != nil {
		w.p.walkErr = err
	}
}

// send hands an event to the scanning goroutine; false once it stopped.
func (w *sqWalker) send(ev sqEvent) bool {
	if w.stop {
		return false
	}
	select {
	case w.p.events <- ev:
		return true
	case <-w.p.quit:
		w.stop = true
		return false
	}
}

func (w *sqWalker) dir(in *sqInode, dir string, level int) {
	if level > maxDirDepth {
		w.send(sqEvent{dirSkip: dir, reason: fmt.Sprintf("directories nested deeper than %d (not checked)", maxDirDepth)})
		return
	}
	q := w.p.q
	ents, err := q.readDir(in)
	var inodes []*sqInode
	for _, e := range ents {
		if err != nil {
			break
		}
		var ci *sqInode
		if ci, err = q.inode(e.block, e.offset, w.maxFile); err != nil {
			err = fmt.Errorf("error finding inode for %s: %w", e.name, err)
		}
		inodes = append(inodes, ci)
	}
	if err != nil {
		w.send(sqEvent{dirSkip: dir, reason: fmt.Sprintf("unreadable squashfs directory: %v", err)})
		return
	}
	for i, e := range ents {
		if w.stop {
			return
		}
		base := e.name
		if base == "." || base == ".." || base == "" {
			continue
		}
		w.entries--
		if w.entries < 0 {
			// The scanning goroutine halts at the entry before this one.
			w.stop = true
			return
		}
		child := path.Join(dir, base)
		ci := inodes[i]
		ev := sqEvent{child: child, base: base, in: ci, isDir: ci.isDir() || e.isDir}
		if !fs.ValidPath(child) || path.Base(child) != base {
			w.send(ev)
			continue
		}
		if ev.isDir {
			if w.seen[ci.number] {
				ev.loop = true
				w.send(ev)
				continue
			}
			w.seen[ci.number] = true
			if !w.send(ev) {
				return
			}
			if !ci.isDir() {
				w.send(sqEvent{dirSkip: child, reason: fmt.Sprintf("unreadable squashfs directory: inode %d is of type %d, not a directory", ci.number, ci.typ)})
				continue
			}
			w.dir(ci, child, level+1)
			continue
		}
		if ci.isFile() && ci.size <= w.maxFile {
			jobs := w.p.plan(ci)
			if ev.file = w.queue(ci, jobs); ev.file == nil {
				ev.plan = jobs
			}
			if w.stop {
				return
			}
		}
		w.send(ev)
	}
}

// queue reserves window room for a file and queues its decompression. It
// returns nil when the total-bytes budget is spent (the scanning
// goroutine then stops at the limit, or reads the file itself).
func (w *sqWalker) queue(in *sqInode, jobs []sqJob) *sqRead {
	if w.over || in.size > w.budget {
		w.over = true
		return nil
	}
	w.budget -= in.size
	p := w.p
	if !p.acquire(in.size) {
		w.stop = true
		return nil
	}
	r := &sqRead{data: p.buffer(in.size), errs: make([]error, max(len(jobs), 1)), done: make(chan struct{})}
	if len(jobs) == 0 {
		close(r.done)
		return r
	}
	r.pending.Store(int32(len(jobs)))
	for i := range jobs {
		jobs[i].r = r
		select {
		case p.jobs <- jobs[i]:
		case <-p.quit:
			// Finish the jobs not handed out so that done is closed.
			for _, j := range jobs[i:] {
				r.finish(j.idx, errSqAborted)
			}
			w.stop = true
			return r
		}
	}
	return r
}

// plan splits reading a file into jobs: chunks of data blocks, then the
// tail in a fragment block. A fragment table error becomes the error of
// the fragment job. It reads metadata: only the walk may call it.
func (p *sqPipe) plan(in *sqInode) []sqJob {
	bs := p.q.sb.blockSize
	var jobs []sqJob
	pos := in.blocksStart
	for i := 0; i < len(in.blockSizes); i += sqChunkBlocks {
		n := min(sqChunkBlocks, len(in.blockSizes)-i)
		jobs = append(jobs, sqJob{in: in, idx: len(jobs), first: i, n: n, pos: pos})
		for _, sw := range in.blockSizes[i : i+n] {
			pos += int64(sw &^ sqDataUncomp)
		}
	}
	if tail := in.size - int64(len(in.blockSizes))*bs; tail > 0 {
		j := sqJob{in: in, idx: len(jobs), frag: true}
		if in.fragIndex == sqNoFragment {
			j.fragSize = ^uint32(0) // reported by the job: no fragment
		} else {
			j.fragPos, j.fragSize, j.fragErr = p.q.fragment(in.fragIndex)
		}
		jobs = append(jobs, j)
	}
	return jobs
}

// readNow reads a file on the calling goroutine, following the walk's
// plan.
func (p *sqPipe) readNow(in *sqInode, jobs []sqJob, d *sqDecoder) *sqRead {
	r := &sqRead{data: make([]byte, in.size), errs: make([]error, max(len(jobs), 1))}
	var raw []byte
	for _, j := range jobs {
		j.r = r
		r.errs[j.idx] = p.run(j, d, &raw)
	}
	return r
}

// work decompresses queued jobs until the walk is done.
func (p *sqPipe) work() {
	d, err := newSqDecoder(p.q.sb.compression, p.q.sb.blockSize)
	if d != nil {
		defer d.close()
	}
	var raw []byte
	for j := range p.jobs {
		select {
		case <-p.quit:
			j.r.finish(j.idx, errSqAborted)
			continue
		default:
		}
		if err != nil {
			j.r.finish(j.idx, err)
			continue
		}
		var jerr error
		if perr := safely(func() error { jerr = p.run(j, d, &raw); return nil }); perr != nil {
			jerr = perr
		}
		j.r.finish(j.idx, jerr)
	}
}

// run decompresses one job into its file's buffer.
func (p *sqPipe) run(j sqJob, d *sqDecoder, raw *[]byte) error {
	q := p.q
	bs := q.sb.blockSize
	in := j.in
	data := j.r.data
	if j.frag {
		start := int64(len(in.blockSizes)) * bs
		tail := in.size - start
		switch {
		case j.fragSize == ^uint32(0):
			return fmt.Errorf("expecting fragment to read %d bytes but no fragment found", tail)
		case j.fragErr != nil:
			return j.fragErr
		}
		fb, err := p.frags.get(j.fragPos, func() ([]byte, error) {
			b := make([]byte, bs)
			n, err := q.readBlock(d, raw, j.fragPos, j.fragSize, b)
			if err != nil {
				return nil, fmt.Errorf("fragment block %d: %w", in.fragIndex, err)
			}
			return b[:n], nil
		})
		if err != nil {
			return err
		}
		off := int64(in.fragOffset)
		if off+tail > int64(len(fb)) {
			return fmt.Errorf("fragment block %d holds %d bytes, the file's tail is at %d..%d", in.fragIndex, len(fb), off, off+tail)
		}
		copy(data[start:], fb[off:off+tail])
		return nil
	}
	pos := j.pos
	for i := j.first; i < j.first+j.n; i++ {
		start := int64(i) * bs
		dst := data[start:min(start+bs, in.size)]
		sw := in.blockSizes[i]
		if sw&^sqDataUncomp == 0 {
			clear(dst) // a sparse block
			continue
		}
		n, err := q.readBlock(d, raw, pos, sw, dst)
		if err != nil {
			return fmt.Errorf("data block %d: %w", i, err)
		}
		if n != len(dst) {
			return fmt.Errorf("data block %d: %d bytes, want %d", i, n, len(dst))
		}
		pos += int64(sw &^ sqDataUncomp)
	}
	return nil
}
