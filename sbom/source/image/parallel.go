package image

import (
	"context"
	"runtime"
	"sync"

	"github.com/premarket/premarket/imagescan"
)

// maxCopy is the largest file whose content is copied to a worker; larger
// files are identified on the scanning goroutine, so that at most
// workers+queue copies of this size are alive at once.
const maxCopy = 32 << 20

// maxPooled is the largest buffer kept for reuse.
const maxPooled = 4 << 20

// parallelVisitor hands each file to the package collector on the scanning
// goroutine (it only copies the few files it wants) and to binary
// identification on worker goroutines: imagescan reads and decompresses on
// one goroutine, and identification, the costly part, runs beside it on
// the other cores. The content is copied, since imagescan reuses its
// buffers once VisitFile returns. Both visitors are safe for concurrent
// use, and binid sorts what it found, so the result does not depend on
// scheduling.
type parallelVisitor struct {
	ctx     context.Context
	inline  imagescan.Visitor // called on the scanning goroutine
	slow    imagescan.Visitor // called on workers
	jobs    chan job
	free    chan []byte
	wg      sync.WaitGroup
	mu      sync.Mutex
	err     error
	workers int
}

type job struct {
	f    imagescan.File
	data []byte
}

func newParallelVisitor(ctx context.Context, inline, slow imagescan.Visitor) *parallelVisitor {
	n := runtime.GOMAXPROCS(0)
	v := &parallelVisitor{ctx: ctx, inline: inline, slow: slow, workers: n}
	if n < 2 {
		return v
	}
	v.jobs = make(chan job, 2*n)
	v.free = make(chan []byte, 3*n)
	for i := 0; i < n; i++ {
		v.wg.Add(1)
		go v.work()
	}
	return v
}

func (v *parallelVisitor) work() {
	defer v.wg.Done()
	for j := range v.jobs {
		f := j.f
		if err := v.slow.VisitFile(&f, j.data); err != nil {
			v.setErr(err)
		}
		if cap(j.data) <= maxPooled {
			select {
			case v.free <- j.data[:0]:
			default:
			}
		}
	}
}

func (v *parallelVisitor) setErr(err error) {
	v.mu.Lock()
	if v.err == nil {
		v.err = err
	}
	v.mu.Unlock()
}

func (v *parallelVisitor) firstErr() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.err
}

// VisitFile implements imagescan.Visitor.
func (v *parallelVisitor) VisitFile(f *imagescan.File, data []byte) error {
	if err := v.inline.VisitFile(f, data); err != nil {
		return err
	}
	if err := v.firstErr(); err != nil {
		return err
	}
	if data == nil {
		return nil // symlinks and hard links: nothing to identify
	}
	if v.jobs == nil || len(data) > maxCopy {
		return v.slow.VisitFile(f, data)
	}
	var buf []byte
	select {
	case buf = <-v.free:
	default:
	}
	buf = append(buf[:0], data...)
	select {
	case v.jobs <- job{f: *f, data: buf}:
		return nil
	case <-v.ctx.Done():
		return v.ctx.Err()
	}
}

// wait stops the workers and returns the first visitor error.
func (v *parallelVisitor) wait() error {
	if v.jobs != nil {
		close(v.jobs)
		v.wg.Wait()
		v.jobs = nil
	}
	return v.firstErr()
}
