package imagescan

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

// visitLog records every visit in order, content by hash.
type visitLog struct {
	lines []string
	stop  int // return errStopVisit at this visit (1-based), 0: never
}

var errStopVisit = errors.New("stop")

func (l *visitLog) VisitFile(f *File, data []byte) error {
	h := "nil"
	if data != nil {
		h = fmt.Sprintf("%x", sha256.Sum256(data))
	}
	l.lines = append(l.lines, fmt.Sprintf("%s|%s|%s|%v|%d|%s|%s", f.Path, f.Name, f.Root, f.Mode, f.Size, f.LinkTarget, h))
	if l.stop > 0 && len(l.lines) == l.stop {
		return errStopVisit
	}
	return nil
}

// scanSq scans b as ScanReaderAt does, reading squashfs with go-diskfs or
// with imagescan's reader (window: its in-flight window, 0 for the
// default).
func scanSq(b []byte, lim Limits, diskfs bool, window int64, stop int) (*Result, []string, error) {
	l := &visitLog{stop: stop}
	s := &scanner{ctx: context.Background(), lim: lim.withDefaults(), v: l, diskfsSquashfs: diskfs, sqWindow: window}
	err := s.scanBlob("img", bytes.NewReader(b), int64(len(b)))
	if err == nil {
		err = s.err
	}
	return &s.res, l.lines, err
}

// TestSquashfsReaderMatchesDiskfs checks that imagescan's squashfs reader
// visits exactly what go-diskfs reads — same files, order, modes, link
// targets, content, skips and limits — with any window.
func TestSquashfsReaderMatchesDiskfs(t *testing.T) {
	images := []string{"squashfs-gzip.sqfs", "squashfs-xz.sqfs", "squashfs-zstd.sqfs", "squashfs-lzo.sqfs",
		"squashfs-big-gzip.sqfs", "squashfs-big-xz.sqfs", "squashfs-big-zstd.sqfs", "squashfs-big-lzo.sqfs"}
	if p := os.Getenv("PREMARKET_SQUASHFS"); p != "" {
		images = append(images, p) // a real image, e.g. .cache/bench/rootfs.squashfs
	}
	for _, img := range images {
		p := img
		if !strings.Contains(img, "/") {
			p = "testdata/" + img
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name   string
			lim    Limits
			window int64
			stop   int
		}{
			{"defaults", Limits{}, 0, 0},
			{"window-1", Limits{}, 1, 0},
			{"window-10k", Limits{}, 10_000, 0},
			{"total-bytes", Limits{MaxTotalBytes: 50_000}, 0, 0},
			{"file-size", Limits{MaxFileSize: 9000}, 0, 0},
			{"entries", Limits{MaxEntries: 40}, 0, 0},
			{"visitor-error", Limits{}, 0, 30},
		} {
			t.Run(img+"/"+tc.name, func(t *testing.T) {
				wantRes, want, wantErr := scanSq(b, tc.lim, true, 0, tc.stop)
				gotRes, got, gotErr := scanSq(b, tc.lim, false, tc.window, tc.stop)
				if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) {
					t.Errorf("error %v, go-diskfs %v", gotErr, wantErr)
				}
				if len(want) < 3 {
					t.Fatalf("go-diskfs visited only %d files", len(want))
				}
				if !reflect.DeepEqual(got, want) {
					for i := range max(len(got), len(want)) {
						var g, w string
						if i < len(got) {
							g = got[i]
						}
						if i < len(want) {
							w = want[i]
						}
						if g != w {
							t.Fatalf("visit %d (of %d, go-diskfs %d):\n got %s\nwant %s", i, len(got), len(want), g, w)
						}
					}
				}
				if !reflect.DeepEqual(gotRes, wantRes) {
					t.Errorf("result\n got %+v\nwant %+v", gotRes, wantRes)
				}
			})
		}
	}
}

// TestSquashfsCancelStopsWorkers cancels a scan mid-image: Scan returns
// the context's error and leaves no goroutine behind.
func TestSquashfsCancelStopsWorkers(t *testing.T) {
	b, err := os.ReadFile("testdata/squashfs-big-xz.sqfs")
	if err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err = ScanReaderAt(ctx, "img", bytes.NewReader(b), int64(len(b)), Options{},
		VisitorFunc(func(*File, []byte) error {
			if n++; n == 20 {
				cancel()
			}
			return nil
		}))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want canceled", err)
	}
	if n > 21 {
		t.Errorf("%d files visited after cancel", n-20)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > before {
		t.Errorf("%d goroutines left, %d before", g, before)
	}
}
