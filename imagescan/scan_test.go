package imagescan

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

var tree = []ent{
	{name: "./etc/", dir: true},
	{name: "./etc/os-release", data: "ID=testos\n"},
	{name: "./usr/bin/hello", data: "#!/bin/sh\necho hello\n"},
	{name: "./usr/lib/libfoo.so.1", link: "libfoo.so.1.2.3"},
	{name: "./usr/lib/libfoo.so.1.2.3", data: "libfoo 1.2.3"},
}

// checkTree asserts that the entries of tree were found under root.
func checkTree(t *testing.T, c *collector, root string) {
	t.Helper()
	wantFile(t, c, root+"!/etc/os-release", "ID=testos\n")
	wantFile(t, c, root+"!/usr/bin/hello", "#!/bin/sh\necho hello\n")
	wantFile(t, c, root+"!/usr/lib/libfoo.so.1.2.3", "libfoo 1.2.3")
	l := c.files[root+"!/usr/lib/libfoo.so.1"]
	if l == nil || l.LinkTarget != "libfoo.so.1.2.3" || l.Mode&fs.ModeSymlink == 0 {
		t.Errorf("symlink %s!/usr/lib/libfoo.so.1 = %+v", root, l)
	}
	if f := c.files[root+"!/usr/bin/hello"]; f != nil && (f.Name != "/usr/bin/hello" || f.Root != root) {
		t.Errorf("Name/Root = %q/%q", f.Name, f.Root)
	}
}

func TestStreamFormats(t *testing.T) {
	tarb := mkTar(t, tree...)
	for _, tc := range []struct {
		name, format string
		data         []byte
	}{
		{"rootfs.tar", "tar", tarb},
		{"rootfs.tar.gz", "gzip", gz(t, tarb)},
		{"rootfs.tar.xz", "xz", xzc(t, tarb)},
		{"rootfs.tar.zst", "zstd", zstdc(t, tarb)},
		{"rootfs.tar.lz4", "lz4", lz4c(t, tarb)},
		{"initrd.newc", "cpio", mkCpio(t, "070701", tree...)},
		{"initrd.crc", "cpio", mkCpio(t, "070702", tree...)},
		{"initrd.odc", "cpio", mkCpio(t, "070707", tree...)},
		{"initrd.cpio.gz", "gzip", gz(t, mkCpio(t, "070701", tree...))},
		{"initrd.cpio.xz", "xz", xzc(t, mkCpio(t, "070701", tree...))},
		{"fw.zip", "zip", mkZip(t, ent{name: "etc/os-release", data: "ID=testos\n"}, ent{name: "usr/bin/hello", data: "#!/bin/sh\necho hello\n"},
			ent{name: "usr/lib/libfoo.so.1.2.3", data: "libfoo 1.2.3"}, ent{name: "usr/lib/libfoo.so.1", link: "libfoo.so.1.2.3"})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, c := scanBytes(t, tc.name, tc.data, Limits{})
			checkTree(t, c, tc.name)
			if len(res.Skipped) != 0 {
				t.Errorf("skipped: %+v", res.Skipped)
			}
			if len(res.Containers) == 0 || res.Containers[0].Format != tc.format {
				t.Errorf("containers %+v, want first %s", res.Containers, tc.format)
			}
			if res.Files != 3 {
				t.Errorf("Files = %d, want 3", res.Files)
			}
		})
	}
}

func TestConcatenatedInitramfs(t *testing.T) {
	// Early microcode cpio, NUL padding, then a compressed main cpio.
	first := mkCpio(t, "070701", ent{name: "kernel/x86/microcode/GenuineIntel.bin", data: "ucode"})
	first = append(first, make([]byte, 512)...)
	b := append(first, gz(t, mkCpio(t, "070701", tree...))...)
	res, c := scanBytes(t, "initrd.img", b, Limits{})
	wantFile(t, c, "initrd.img!/kernel/x86/microcode/GenuineIntel.bin", "ucode")
	checkTree(t, c, "initrd.img")
	if len(res.Skipped) != 0 {
		t.Errorf("skipped: %+v", res.Skipped)
	}
}

func TestNestedZipInTarInGzip(t *testing.T) {
	inner := mkZip(t, ent{name: "app/version.txt", data: "2.4.1"})
	fit := mkFDT(fdtNode{props: [][2]string{{"description", "FIT\x00"}}, kids: []fdtNode{{name: "images", kids: []fdtNode{
		{name: "kernel", props: [][2]string{{"data", string(gz(t, []byte("Linux version 6.1.0 (gcc)")))}, {"compression", "gzip\x00"}}},
	}}}}, nil)
	outer := gz(t, mkTar(t, ent{name: "opt/update.zip", data: string(inner)}, ent{name: "boot/fitImage", data: string(fit)}))
	res, c := scanBytes(t, "rootfs.tar.gz", outer, Limits{})
	wantFile(t, c, "rootfs.tar.gz!/opt/update.zip!/app/version.txt", "2.4.1")
	wantFile(t, c, "rootfs.tar.gz!/boot/fitImage!/kernel", "Linux version 6.1.0 (gcc)")
	// The container files themselves are visited too.
	if _, ok := c.data["rootfs.tar.gz!/opt/update.zip"]; !ok {
		t.Error("zip file itself not visited")
	}
	f := c.files["rootfs.tar.gz!/opt/update.zip!/app/version.txt"]
	if f == nil || f.Root != "rootfs.tar.gz!/opt/update.zip" || f.Name != "/app/version.txt" {
		t.Errorf("nested file = %+v", f)
	}
	var formats []string
	for _, ci := range res.Containers {
		formats = append(formats, ci.Format)
	}
	if got := strings.Join(formats, ","); got != "gzip,tar,zip,fit" {
		t.Errorf("containers %s", got)
	}
}

func TestUImage(t *testing.T) {
	kernel := []byte("Linux version 5.15.0 (gcc) #1 SMP")
	for _, tc := range []struct {
		comp byte
		data []byte
	}{{0, kernel}, {1, gz(t, kernel)}, {3, lzmac(t, kernel)}, {6, zstdc(t, kernel)}} {
		img := mkUImage(tc.data, 2, tc.comp, "Linux-5.15.0")
		res, c := scanBytes(t, "uImage", img, Limits{})
		wantFile(t, c, "uImage!/kernel", string(kernel))
		if len(res.Skipped) != 0 {
			t.Errorf("comp %d skipped: %+v", tc.comp, res.Skipped)
		}
	}
	// A ramdisk uImage whose payload is a gzip cpio: nested container.
	rd := mkUImage(gz(t, mkCpio(t, "070701", tree...)), 3, 1, "initramfs")
	_, c := scanBytes(t, "uRamdisk", rd, Limits{})
	checkTree(t, c, "uRamdisk!/ramdisk")

	// IH_TYPE_MULTI: a size table, then parts padded to 4 bytes.
	parts := [][]byte{[]byte("abc"), gz(t, []byte("second part"))}
	var p bytes.Buffer
	for _, x := range parts {
		p.WriteString(u32be(uint32(len(x))))
	}
	p.WriteString(u32be(0))
	for _, x := range parts {
		p.Write(x)
		for p.Len()%4 != 0 {
			p.WriteByte(0)
		}
	}
	_, c = scanBytes(t, "multi", mkUImage(p.Bytes(), 4, 0, "multi"), Limits{})
	wantFile(t, c, "multi!/part-0", "abc")
	wantFile(t, c, "multi!/part-1!/part-1", "second part")

	// Header CRC mismatch and lzo payloads are reported, not read.
	bad := mkUImage(kernel, 2, 0, "x")
	bad[40] ^= 1
	res, _ := scanBytes(t, "bad", bad, Limits{})
	wantSkip(t, res, "bad", "header CRC mismatch", "")
	res, _ = scanBytes(t, "lzo", mkUImage(kernel, 2, 4, "x"), Limits{})
	wantSkip(t, res, "lzo!/kernel", "lzo-compressed payload", "")
}

func TestFIT(t *testing.T) {
	kernel := []byte("Linux version 6.6.0 (gcc) #1 SMP PREEMPT")
	dtb := mkFDT(fdtNode{props: [][2]string{{"compatible", "acme,pump\x00"}}}, nil)
	ext := []byte("external ramdisk")
	fit := mkFDT(fdtNode{kids: []fdtNode{{name: "images", kids: []fdtNode{
		{name: "kernel-1", props: [][2]string{{"type", "kernel\x00"}, {"data", string(xzc(t, kernel))}, {"compression", "xz\x00"}},
			kids: []fdtNode{{name: "hash-1", props: [][2]string{{"data", "not a payload"}}}}},
		{name: "fdt-1", props: [][2]string{{"data", string(dtb)}, {"compression", "none\x00"}}},
		{name: "ramdisk-1", props: [][2]string{{"data-offset", u32be(0)}, {"data-size", u32be(uint32(len(ext)))}}},
		{name: "lzo-1", props: [][2]string{{"data", "x"}, {"compression", "lzo\x00"}}},
	}}, {name: "configurations"}}}, ext)
	res, c := scanBytes(t, "fitImage", fit, Limits{})
	wantFile(t, c, "fitImage!/kernel-1", string(kernel))
	wantFile(t, c, "fitImage!/fdt-1", string(dtb))
	wantFile(t, c, "fitImage!/ramdisk-1", string(ext))
	wantSkip(t, res, "fitImage!/lzo-1", "lzo-compressed payload", "")
	if _, ok := c.files["fitImage!/hash-1"]; ok {
		t.Error("hash node data taken as a payload")
	}
	// A plain DTB given as input is visited as one file.
	res, c = scanBytes(t, "board.dtb", dtb, Limits{})
	wantFile(t, c, "board.dtb", string(dtb))
	if len(res.Skipped) != 0 {
		t.Errorf("skipped %+v", res.Skipped)
	}
}

func TestFileSystemImages(t *testing.T) {
	for _, tc := range []struct {
		file, format string
		links        bool
		lim          Limits
	}{
		{"squashfs-gzip.sqfs", "squashfs", true, Limits{}},
		{"squashfs-xz.sqfs", "squashfs", true, Limits{}},
		{"squashfs-zstd.sqfs", "squashfs", true, Limits{}},
		{"squashfs-lzo.sqfs", "squashfs", true, Limits{}},
		{"ext4.img.gz", "ext", true, Limits{}},
		{"iso9660.iso.gz", "iso9660", false, Limits{}},
		{"fat12.img.gz", "fat12", false, Limits{}},
		{"fat16.img.gz", "fat16", false, Limits{MaxRatio: 2000}},
		// A 33 MB FAT32 image of zeros compresses 1000:1.
		{"fat32.img.gz", "fat32", false, Limits{MaxRatio: 2000}},
		{"tree.tar.bz2", "tar", true, Limits{}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			in := filepath.Join("testdata", tc.file)
			c := newCollector()
			res, err := Scan(context.Background(), in, Options{Limits: tc.lim}, c)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Skipped) != 0 {
				t.Fatalf("skipped: %+v", res.Skipped)
			}
			found := false
			for _, ci := range res.Containers {
				found = found || ci.Format == tc.format
			}
			if !found {
				t.Errorf("containers %+v lack %s", res.Containers, tc.format)
			}
			wantFile(t, c, in+"!/etc/os-release", "ID=testos\nVERSION_ID=1.0\n")
			wantFile(t, c, in+"!/usr/bin/hello", "#!/bin/sh\necho hello\n")
			if tc.links {
				wantFile(t, c, in+"!/var/lib/opkg/status", "Package: busybox\nVersion: 1.36.1\n")
				l := c.files[in+"!/usr/lib/os-release"]
				if l == nil || l.LinkTarget != "/etc/os-release" {
					t.Errorf("absolute symlink = %+v", l)
				}
			}
			for p, f := range c.files {
				if f.Mode.IsDir() {
					t.Errorf("directory reported: %s", p)
				}
			}
		})
	}
}

func TestSquashfsLZ4Reported(t *testing.T) {
	// go-diskfs v1.9.4 reads squashfs lz4 blocks as lz4 frames; mksquashfs
	// writes raw lz4 blocks. The image must be reported, not dropped.
	res, err := Scan(context.Background(), "testdata/squashfs-lz4.sqfs", Options{}, newCollector())
	if err != nil {
		t.Fatal(err)
	}
	wantSkip(t, res, "testdata/squashfs-lz4.sqfs", "squashfs", "")
}

func TestPartitionTable(t *testing.T) {
	fat := readGz(t, "testdata/fat12.img.gz")
	img := make([]byte, 2048*512)
	e := img[446:]
	e[4] = 0x01
	putLE32(e[8:], 2048)
	putLE32(e[12:], uint32(len(fat)/512))
	img[510], img[511] = 0x55, 0xAA
	img = append(img[:2048*512], fat...)
	res, c := scanBytes(t, "sdcard.img", img, Limits{})
	wantFile(t, c, "sdcard.img!/p1!/etc/os-release", "ID=testos\nVERSION_ID=1.0\n")
	if len(res.Skipped) != 0 {
		t.Errorf("skipped %+v", res.Skipped)
	}
}

func TestGPT(t *testing.T) {
	fat := readGz(t, "testdata/fat12.img.gz")
	const start = 64 // LBA of the partition
	img := make([]byte, start*512)
	copy(img[512:], "EFI PART")
	binary.LittleEndian.PutUint64(img[512+72:], 2) // entries at LBA 2
	binary.LittleEndian.PutUint32(img[512+80:], 4) // 4 entries
	binary.LittleEndian.PutUint32(img[512+84:], 128)
	e := img[2*512:]
	e[0] = 1 // non-zero type GUID
	binary.LittleEndian.PutUint64(e[32:], start)
	binary.LittleEndian.PutUint64(e[40:], start+uint64(len(fat)/512)-1)
	for i, r := range "rootfs" {
		e[56+2*i] = byte(r)
	}
	img = append(img, fat...)
	var progress []int64
	c := newCollector()
	res, err := ScanReaderAt(context.Background(), "disk.img", bytes.NewReader(img), int64(len(img)),
		Options{Progress: func(done, total int64) { progress = append(progress, done, total) }}, c)
	if err != nil {
		t.Fatal(err)
	}
	wantFile(t, c, "disk.img!/rootfs!/usr/bin/hello", "#!/bin/sh\necho hello\n")
	if len(res.Skipped) != 0 {
		t.Errorf("skipped %+v", res.Skipped)
	}
	if n := len(progress); n == 0 || progress[n-1] != int64(len(img)) || progress[n-2] != int64(len(img)) {
		t.Errorf("progress %v", progress)
	}
}

func putLE32(b []byte, v uint32) {
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}

func readGz(t *testing.T, name string) []byte {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDirectory(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "rootfs")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	must(os.MkdirAll(filepath.Join(root, "boot"), 0o755))
	must(os.WriteFile(filepath.Join(root, "etc/os-release"), []byte("ID=testos\n"), 0o644))
	must(os.WriteFile(filepath.Join(root, "boot/initrd.gz"), gz(t, mkCpio(t, "070701", tree...)), 0o644))
	outside := filepath.Join(dir, "secret")
	must(os.WriteFile(outside, []byte("outside"), 0o644))
	must(os.Symlink(outside, filepath.Join(root, "etc/abs-link")))
	must(os.Symlink("../../secret", filepath.Join(root, "etc/rel-escape")))
	must(os.Symlink("loop-b", filepath.Join(root, "etc/loop-a")))
	must(os.Symlink("loop-a", filepath.Join(root, "etc/loop-b")))
	must(os.Symlink("..", filepath.Join(root, "etc/up")))

	c := newCollector()
	var calls int
	res, err := Scan(context.Background(), root, Options{Progress: func(done, total int64) { calls++ }}, c)
	must(err)
	label := filepath.ToSlash(root)
	wantFile(t, c, label+"/etc/os-release", "ID=testos\n")
	checkTree(t, c, label+"/boot/initrd.gz")
	for _, l := range []struct{ name, target string }{
		{"/etc/abs-link", outside}, {"/etc/rel-escape", "../../secret"}, {"/etc/loop-a", "loop-b"}, {"/etc/up", ".."},
	} {
		f := c.files[label+l.name]
		if _, hasData := c.data[label+l.name]; f == nil || f.LinkTarget != l.target || hasData {
			t.Errorf("link %s = %+v", l.name, f)
		}
	}
	for p, d := range c.data {
		if d == "outside" {
			t.Errorf("followed a symlink out of the tree: %s", p)
		}
	}
	if calls == 0 {
		t.Error("progress never reported")
	}
	if f := c.files[label+"/etc/os-release"]; f.Root != label || f.Name != "/etc/os-release" {
		t.Errorf("Root/Name %q %q", f.Root, f.Name)
	}
	_ = res
}

func TestBadPaths(t *testing.T) {
	tb := mkTar(t,
		ent{name: "../../etc/evil", data: "x"},
		ent{name: "/abs/path", data: "y"},
		ent{name: "a/../../b", data: "z"},
		ent{name: "link-abs", link: "/etc/shadow"},
		ent{name: "loop1", link: "loop2"},
		ent{name: "loop2", link: "loop1"},
		ent{name: "hard", link: "../../x", hard: true},
	)
	res, c := scanBytes(t, "bad.tar", tb, Limits{})
	wantFile(t, c, "bad.tar!/etc/evil", "x")
	wantFile(t, c, "bad.tar!/abs/path", "y")
	wantFile(t, c, "bad.tar!/b", "z")
	wantSkip(t, res, "bad.tar!/etc/evil", "leaves the image root", "")
	wantSkip(t, res, "bad.tar!/abs/path", "leaves the image root", "")
	wantSkip(t, res, "bad.tar!/b", "leaves the image root", "")
	if f := c.files["bad.tar!/link-abs"]; f == nil || f.LinkTarget != "/etc/shadow" {
		t.Errorf("absolute link %+v", f)
	}
	if f := c.files["bad.tar!/hard"]; f == nil || f.LinkTarget != "/x" {
		t.Errorf("hard link %+v", f)
	}
	for p := range c.files {
		if strings.Contains(p, "..") {
			t.Errorf("uncleaned path %s", p)
		}
	}
	// Same through cpio and zip.
	res, c = scanBytes(t, "bad.cpio", mkCpio(t, "070701", ent{name: "../../x", data: "x"}), Limits{})
	wantFile(t, c, "bad.cpio!/x", "x")
	wantSkip(t, res, "bad.cpio!/x", "leaves the image root", "")
	res, c = scanBytes(t, "bad.zip", mkZip(t, ent{name: "../x", data: "x"}), Limits{})
	wantFile(t, c, "bad.zip!/x", "x")
	wantSkip(t, res, "bad.zip!/x", "leaves the image root", "")
}

// heapDuring runs fn and samples the live heap, returning the peak.
func heapDuring(fn func()) uint64 {
	runtime.GC()
	done := make(chan struct{})
	result := make(chan uint64)
	go func() {
		var m runtime.MemStats
		var peak uint64
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapAlloc)
			select {
			case <-done:
				result <- peak
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	fn()
	close(done)
	return <-result
}

func TestZipBomb(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1 GiB zip bomb")
	}
	// 1 GiB of zeros deflated to about 1 MiB: declared larger than
	// MaxFileSize, so not read at all.
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("zeros")
	zero := make([]byte, 1<<20)
	for i := 0; i < 1024; i++ {
		w.Write(zero)
	}
	w2, _ := zw.Create("small-bomb") // 100 MiB: under MaxFileSize, over the ratio
	for i := 0; i < 100; i++ {
		w2.Write(zero)
	}
	zw.Close()
	bomb := b.Bytes()
	var res *Result
	peak := heapDuring(func() { res, _ = scanBytes(t, "bomb.zip", bomb, Limits{}) })
	t.Logf("zip bomb of %d bytes: peak heap %d MiB", len(bomb), peak>>20)
	wantSkip(t, res, "bomb.zip!/zeros", "larger than", LimitFileSize)
	wantSkip(t, res, "bomb.zip!/small-bomb", "stream cut", LimitRatio)
	if peak > uint64(len(bomb))+64<<20 {
		t.Errorf("peak heap %d MiB", peak>>20)
	}
}

func TestXZBomb(t *testing.T) {
	zeros := make([]byte, 64<<20)
	bomb := xzc(t, zeros)
	var res *Result
	peak := heapDuring(func() { res, _ = scanBytes(t, "bomb.xz", bomb, Limits{}) })
	t.Logf("xz bomb of %d bytes: peak heap %d MiB", len(bomb), peak>>20)
	wantSkip(t, res, "bomb.xz", "stream cut", LimitRatio)
	if peak > 48<<20 {
		t.Errorf("peak heap %d MiB", peak>>20)
	}
	// A forged dictionary size is refused before any allocation.
	forged := append([]byte(nil), bomb...)
	d, ok := xzDictSize(forged)
	if !ok || d == 0 {
		t.Fatalf("dictionary size not found")
	}
	// Find the LZMA2 dict byte: block header at 12; no size fields from
	// our writer, filter id 0x21, props size 1, then the byte.
	i := bytes.Index(forged[12:40], []byte{0x21, 0x01})
	if i < 0 {
		t.Fatal("no LZMA2 filter")
	}
	forged[12+i+2] = 40
	res, _ = scanBytes(t, "forged.xz", forged, Limits{})
	wantSkip(t, res, "forged.xz", "dictionary", "")
}

func TestLimits(t *testing.T) {
	t.Run("entries", func(t *testing.T) {
		var es []ent
		for i := 0; i < 50; i++ {
			es = append(es, ent{name: "f" + string(rune('a'+i%26)) + string(rune('a'+i/26)), data: "x"})
		}
		res, c := scanBytes(t, "many.tar", mkTar(t, es...), Limits{MaxEntries: 10})
		wantSkip(t, res, "", "more than 10 entries", LimitEntries)
		if len(c.files) > 10 {
			t.Errorf("%d files visited", len(c.files))
		}
	})
	t.Run("file-size", func(t *testing.T) {
		res, c := scanBytes(t, "big.tar", mkTar(t, ent{name: "big", data: strings.Repeat("x", 5000)}, ent{name: "small", data: "s"}), Limits{MaxFileSize: 1000})
		wantSkip(t, res, "big.tar!/big", "larger than", LimitFileSize)
		wantFile(t, c, "big.tar!/small", "s")
	})
	t.Run("total-bytes", func(t *testing.T) {
		b := gz(t, mkTar(t, ent{name: "a", data: strings.Repeat("a", 3000)}, ent{name: "b", data: strings.Repeat("b", 3000)}))
		res, _ := scanBytes(t, "t.tar.gz", b, Limits{MaxTotalBytes: 4000})
		wantSkip(t, res, "t.tar.gz", "decompressed bytes in total", LimitTotalBytes)
	})
	t.Run("depth", func(t *testing.T) {
		b := []byte("core")
		for i := 0; i < 12; i++ {
			b = gz(t, b)
		}
		res, _ := scanBytes(t, "deep.gz", b, Limits{MaxDepth: 4})
		wantSkip(t, res, "deep.gz", "nested 5 deep", LimitDepth)
	})
	t.Run("cpio-huge-size", func(t *testing.T) {
		b := mkCpio(t, "070701", ent{name: "huge", data: "abc", size: 0xFFFFFFF0, noData: true})
		b = b[:len(b)-124] // drop the trailer so the declared data is missing
		var res *Result
		peak := heapDuring(func() { res, _ = scanBytes(t, "huge.cpio", b, Limits{}) })
		wantSkip(t, res, "huge.cpio!/huge", "larger than", LimitFileSize)
		wantSkip(t, res, "huge.cpio", "truncated cpio", "")
		if peak > 32<<20 {
			t.Errorf("peak heap %d MiB", peak>>20)
		}
		// Declared under MaxFileSize but missing: truncated, no allocation of the declared size.
		b = mkCpio(t, "070701", ent{name: "lie", data: "abc", size: 200 << 20, noData: true})
		peak = heapDuring(func() { res, _ = scanBytes(t, "lie.cpio", b, Limits{}) })
		wantSkip(t, res, "lie.cpio!/lie", "truncated entry", "")
		if peak > 32<<20 {
			t.Errorf("peak heap %d MiB", peak>>20)
		}
	})
}

func TestBadInputs(t *testing.T) {
	sq, err := os.ReadFile("testdata/squashfs-xz.sqfs")
	if err != nil {
		t.Fatal(err)
	}
	rnd := make([]byte, 1<<20)
	rand.New(rand.NewSource(1)).Read(rnd)
	for _, tc := range []struct {
		name   string
		data   []byte
		reason string
	}{
		{"truncated.sqfs", sq[:binary.LittleEndian.Uint64(sq[40:])/2], "squashfs"},
		{"random.bin", rnd, "high-entropy"},
		{"ubi.img", append([]byte("UBI#\x01\x00\x00\x00"), make([]byte, 100)...), "UBI image: no reader (not checked)"},
		{"jffs2.img", append([]byte{0x85, 0x19, 0x03, 0x20, 0, 0, 0, 0x0c}, make([]byte, 100)...), "JFFS2"},
		{"cramfs.img", append([]byte{0x45, 0x3d, 0xcd, 0x28}, make([]byte, 100)...), "CramFS"},
		{"boot.img", append([]byte("ANDROID!"), make([]byte, 100)...), "Android boot image"},
		{"trunc.tar.gz", gz(t, mkTar(t, tree...))[:200], "corrupt"},
		{"trunc.zip", mkZip(t, tree[1])[:40], "corrupt zip"},
		{"bad.gz", []byte("\x1f\x8b\x08\x00garbagegarbage"), "corrupt gzip"},
		{"fdt", mkFDT(fdtNode{}, nil)[:30], "truncated device tree"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := scanBytes(t, tc.name, tc.data, Limits{})
			wantSkip(t, res, "", tc.reason, "")
		})
	}
}

func TestVisitorErrorAndCancel(t *testing.T) {
	b := mkTar(t, tree...)
	stop := errors.New("stop")
	n := 0
	_, err := ScanReaderAt(context.Background(), "t.tar", bytes.NewReader(b), int64(len(b)), Options{},
		VisitorFunc(func(*File, []byte) error { n++; return stop }))
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("err %v after %d visits", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = ScanReaderAt(ctx, "t.tar", bytes.NewReader(b), int64(len(b)), Options{}, newCollector())
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want canceled", err)
	}
}

func TestEntryName(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		esc      bool
	}{
		{"./usr/bin/x", "/usr/bin/x", false},
		{"usr//bin/./x", "/usr/bin/x", false},
		{"a/../b", "/b", false},
		{"../x", "/x", true},
		{"/etc/passwd", "/etc/passwd", true},
		{"a/../../x", "/x", true},
		{"..\\..\\x", "/x", true},
		{"", "/", false},
	} {
		got, esc := entryName(tc.in)
		if got != tc.want || esc != tc.esc {
			t.Errorf("entryName(%q) = %q,%v want %q,%v", tc.in, got, esc, tc.want, tc.esc)
		}
	}
}

func TestDetectIgnoresNames(t *testing.T) {
	// A tar called .zip is read as tar; a text file called .tar.gz is a file.
	res, c := scanBytes(t, "looks.zip", mkTar(t, tree...), Limits{})
	checkTree(t, c, "looks.zip")
	if res.Containers[0].Format != "tar" {
		t.Errorf("%+v", res.Containers)
	}
	_, c = scanBytes(t, "notes.tar.gz", []byte("just text"), Limits{})
	wantFile(t, c, "notes.tar.gz", "just text")
}

// TestOpaqueFilesAreVisitedButNotOpened: a file the caller marks opaque is
// still visited, but the container in it is not scanned.
func TestOpaqueFilesAreVisitedButNotOpened(t *testing.T) {
	var inner bytes.Buffer
	zw := gzip.NewWriter(&inner)
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Name: "nested.txt", Mode: 0o644, Size: 5})
	tw.Write([]byte("hello"))
	tw.Close()
	zw.Close()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "inner.tar.gz"), inner.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, opaque := range []bool{false, true} {
		var names []string
		opts := Options{}
		if opaque {
			opts.Opaque = func(f *File) bool { return f.Name == "/inner.tar.gz" }
		}
		_, err := Scan(context.Background(), dir, opts, VisitorFunc(func(f *File, data []byte) error {
			names = append(names, f.Name)
			return nil
		}))
		if err != nil {
			t.Fatal(err)
		}
		sawNested := false
		for _, n := range names {
			if n == "/nested.txt" {
				sawNested = true
			}
		}
		if len(names) == 0 || names[0] != "/inner.tar.gz" || sawNested == opaque {
			t.Fatalf("opaque=%v: visited %v", opaque, names)
		}
	}
}
