package imagescan

import (
	"bytes"
	"context"
	"os"
	"path"
	"strings"
	"testing"
)

// fuzzLimits keep fuzz iterations small and fast.
var fuzzLimits = Limits{MaxTotalBytes: 32 << 20, MaxFileSize: 4 << 20, MaxEntries: 2000, MaxDepth: 6}

// fuzzScan scans b and checks the invariants every scan keeps, whatever
// the input: no panic, names clean and inside the root, provenance paths
// under the input name, data no larger than the limit.
func fuzzScan(t *testing.T, b []byte) {
	res, err := ScanReaderAt(context.Background(), "in", bytes.NewReader(b), int64(len(b)), Options{Limits: fuzzLimits},
		VisitorFunc(func(f *File, data []byte) error {
			if !strings.HasPrefix(f.Path, "in") || !strings.HasPrefix(f.Root, "in") {
				t.Fatalf("path %q root %q outside the input", f.Path, f.Root)
			}
			if !strings.HasPrefix(f.Name, "/") || path.Clean(f.Name) != f.Name {
				t.Fatalf("unclean name %q", f.Name)
			}
			if int64(len(data)) > fuzzLimits.MaxFileSize {
				t.Fatalf("%s: %d bytes over the limit", f.Path, len(data))
			}
			return nil
		}))
	if err != nil {
		t.Fatalf("scan error %v", err)
	}
	if res.Bytes > fuzzLimits.MaxTotalBytes+int64(len(b))*int64(res.Files+1) {
		t.Fatalf("visited %d bytes", res.Bytes)
	}
}

func testImage(f *testing.F, name string) []byte {
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		f.Fatal(err)
	}
	return b
}

func FuzzTar(f *testing.F) {
	tb := mkTar(f, append(tree, ent{name: "../x", data: "y"}, ent{name: "l", link: "/abs"})...)
	f.Add(tb)
	f.Add(gz(f, tb))
	f.Add(testImage(f, "tree.tar.bz2"))
	f.Fuzz(fuzzScan)
}

func FuzzCpio(f *testing.F) {
	f.Add(mkCpio(f, "070701", tree...))
	f.Add(mkCpio(f, "070702", tree...))
	f.Add(mkCpio(f, "070707", tree...))
	f.Add(append(mkCpio(f, "070701", tree[1]), gz(f, mkCpio(f, "070701", tree...))...))
	f.Fuzz(fuzzScan)
}

func FuzzZip(f *testing.F) {
	f.Add(mkZip(f, ent{name: "a/b", data: "hello"}, ent{name: "l", link: "b"}))
	f.Fuzz(fuzzScan)
}

func FuzzSquashfs(f *testing.F) {
	for _, n := range []string{"squashfs-gzip.sqfs", "squashfs-xz.sqfs", "squashfs-zstd.sqfs", "squashfs-lzo.sqfs", "squashfs-big-zstd.sqfs"} {
		f.Add(testImage(f, n))
	}
	f.Fuzz(fuzzScan)
}

func FuzzFileSystems(f *testing.F) {
	for _, n := range []string{"ext4.img.gz", "fat12.img.gz", "iso9660.iso.gz"} {
		f.Add(testImage(f, n))
	}
	f.Fuzz(fuzzScan)
}

func FuzzUImage(f *testing.F) {
	f.Add(mkUImage(gz(f, []byte("Linux version 6.1")), 2, 1, "k"))
	f.Add(mkUImage([]byte("\x00\x00\x00\x03\x00\x00\x00\x00abc\x00"), 4, 0, "multi"))
	f.Fuzz(fuzzScan)
}

func FuzzFDT(f *testing.F) {
	f.Add(mkFDT(fdtNode{kids: []fdtNode{{name: "images", kids: []fdtNode{
		{name: "kernel", props: [][2]string{{"data", string(gz(f, []byte("kernel")))}, {"compression", "gzip\x00"}}},
		{name: "rd", props: [][2]string{{"data-offset", u32be(0)}, {"data-size", u32be(3)}}},
	}}}}, []byte("ext")))
	f.Fuzz(fuzzScan)
}

func FuzzScanBytes(f *testing.F) {
	f.Add([]byte("plain text"))
	f.Add(xzc(f, []byte("xz data")))
	f.Add(zstdc(f, []byte("zstd data")))
	f.Add(lz4c(f, []byte("lz4 data")))
	f.Add([]byte("UBI#\x01"))
	f.Fuzz(fuzzScan)
}
