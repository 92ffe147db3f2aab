package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/premarket/premarket/imagescan"
	"github.com/premarket/premarket/sbom"
)

const dpkgStatus = `Package: busybox
Status: install ok installed
Priority: optional
Section: utils
Installed-Size: 2000
Maintainer: Debian Install System Team <debian-boot@lists.debian.org>
Architecture: amd64
Version: 1:1.36.1-3
Description: Tiny utilities for small and embedded systems

Package: removed-pkg
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0-1
Maintainer: Nobody <nobody@example.org>
Description: gone
`

// testTree is a small root file system: dpkg knows busybox (and owns
// /bin/busybox, whose banner says 1.36.1); a vendor blob that no package
// owns carries a second, older BusyBox; an UBI volume cannot be read.
func testTree() map[string][]byte {
	return map[string][]byte{
		"etc/os-release":                  []byte("ID=debian\nVERSION_ID=\"12\"\n"),
		"var/lib/dpkg/status":             []byte(dpkgStatus),
		"var/lib/dpkg/info/busybox.list":  []byte("/.\n/bin\n/bin/busybox\n"),
		"bin/busybox":                     []byte("\x7fELF junk\x00BusyBox v1.36.1 (Debian 1:1.36.1-3) multi-call binary\x00"),
		"opt/vendor/sensor-daemon":        []byte("\x00\x01BusyBox v1.30.1 (2019-05-02 10:00:00 UTC) multi-call binary\x00"),
		"opt/vendor/update.ubi":           append([]byte("UBI#"), make([]byte, 60)...),
		"usr/share/doc/busybox/copyright": []byte("text"),
	}
}

func writeTarGz(t *testing.T, files map[string][]byte) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, name := range sortedKeys(files) {
		data := files[name]
		if err := tw.WriteHeader(&tar.Header{Name: "./" + name, Mode: 0o755, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "rootfs.tar.gz")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func writeDir(t *testing.T, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func sortedKeys(m map[string][]byte) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return ks
}

func find(doc *sbom.Document, name, version string) *sbom.Component {
	for _, c := range doc.Components {
		if c.Name == name && (version == "*" || c.Version == version) {
			return c
		}
	}
	return nil
}

func checkTreeDoc(t *testing.T, doc *sbom.Document, kind string) {
	t.Helper()
	pkg := find(doc, "busybox", "1:1.36.1-3")
	if pkg == nil {
		t.Fatalf("dpkg busybox missing; components: %v", names(doc))
	}
	if !strings.HasPrefix(pkg.PURL, "pkg:deb/debian/busybox@1") {
		t.Errorf("dpkg busybox PURL = %q", pkg.PURL)
	}
	if len(pkg.Evidence) != 0 {
		t.Errorf("declared package carries evidence: %+v", pkg.Evidence)
	}
	if find(doc, "removed-pkg", "*") != nil {
		t.Error("a package in state config-files became a component")
	}
	// The owned /bin/busybox must not be reported again...
	if c := find(doc, "busybox", "1.36.1"); c != nil {
		t.Errorf("binary owned by dpkg reported again: %+v", c)
	}
	// ...the vendor blob must.
	blob := find(doc, "busybox", "1.30.1")
	if blob == nil {
		t.Fatalf("unowned vendor BusyBox 1.30.1 not found; components: %v", names(doc))
	}
	if len(blob.Evidence) == 0 || !strings.Contains(blob.Evidence[0].Location, "/opt/vendor/sensor-daemon") ||
		!strings.Contains(blob.Evidence[0].Text, "BusyBox v1.30.1") {
		t.Errorf("vendor BusyBox evidence = %+v", blob.Evidence)
	}
	if blob.CPE == "" || !strings.Contains(blob.CPE, "busybox:busybox:1.30.1") {
		t.Errorf("vendor BusyBox CPE = %q", blob.CPE)
	}
	// The UBI volume is not checked, and says so.
	var ubi *sbom.Component
	for _, c := range doc.Components {
		if strings.HasSuffix(c.Name, "/opt/vendor/update.ubi") {
			ubi = c
		}
	}
	if ubi == nil {
		t.Fatalf("UBI volume not listed as not checked; components: %v", names(doc))
	}
	if r, ok := IsNotChecked(ubi); !ok || !strings.Contains(r, "UBI") || ubi.Type != sbom.TypeFile {
		t.Errorf("UBI component = %+v", ubi)
	}
	if ubi.Origins[0].Kind != kind {
		t.Errorf("not-checked origin kind = %q, want %q", ubi.Origins[0].Kind, kind)
	}
}

func names(doc *sbom.Document) []string {
	var out []string
	for _, c := range doc.Components {
		out = append(out, c.Name+"@"+c.Version)
	}
	return out
}

func TestReadTarGz(t *testing.T) {
	p := writeTarGz(t, testTree())
	r := FirmwareImageReader{}
	head, _ := os.ReadFile(p)
	if !r.DetectHead(p, head[:min(len(head), HeadSize)]) {
		t.Fatal("tar.gz not detected")
	}
	doc, err := r.ReadPath(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	checkTreeDoc(t, doc, KindFirmwareImage)
	// Deterministic: a second read gives the same components.
	doc2, err := r.ReadPath(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(names(doc), ",") != strings.Join(names(doc2), ",") {
		t.Errorf("two reads differ:\n%v\n%v", names(doc), names(doc2))
	}
}

func TestReadRootFSDir(t *testing.T) {
	dir := writeDir(t, testTree())
	r := RootFSReader{}
	if !r.DetectDir(dir) {
		t.Fatal("root file system not detected")
	}
	if r.DetectDir(t.TempDir()) {
		t.Error("empty directory detected as a root file system")
	}
	doc, err := r.ReadDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	checkTreeDoc(t, doc, KindRootFS)
}

func TestLimitIsNotChecked(t *testing.T) {
	p := writeTarGz(t, testTree())
	doc, err := Read(context.Background(), p, KindFirmwareImage, Options{Limits: imagescan.Limits{MaxFileSize: 40}})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range doc.Components {
		if l, _ := c.Property(PropLimit); l == imagescan.LimitFileSize {
			found = true
		}
	}
	if !found {
		t.Errorf("file-size limit not reported; components: %v", names(doc))
	}
}

func TestProgress(t *testing.T) {
	p := writeTarGz(t, testTree())
	var last, total int64
	calls := 0
	_, err := Read(context.Background(), p, KindFirmwareImage, Options{Progress: func(d, tot int64) { last, total = d, tot; calls++ }})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	if calls == 0 || last != st.Size() || total != st.Size() {
		t.Errorf("progress: %d calls, last %d/%d, want %d", calls, last, total, st.Size())
	}
}

func TestNotCheckedCap(t *testing.T) {
	var sk []imagescan.Skipped
	for i := 0; i < MaxNotChecked+5; i++ {
		sk = append(sk, imagescan.Skipped{Path: fmt.Sprintf("img!/%04d", i), Reason: "r"})
	}
	cs := notChecked(KindFirmwareImage, sk)
	if len(cs) != MaxNotChecked+1 {
		t.Fatalf("%d components, want %d", len(cs), MaxNotChecked+1)
	}
	if !strings.HasPrefix(cs[MaxNotChecked].Name, "5 more") {
		t.Errorf("last = %q", cs[MaxNotChecked].Name)
	}
}

func TestMagic(t *testing.T) {
	for _, tc := range []struct {
		head []byte
		want string
	}{
		{[]byte("\x1f\x8b\x08\x00"), "gzip"},
		{[]byte("\xfd7zXZ\x00\x00"), "xz"},
		{[]byte("070701000"), "cpio"},
		{[]byte("hsqs...."), "squashfs"},
		{[]byte("PK\x03\x04"), "zip"},
		{[]byte("\x27\x05\x19\x56"), "uimage"},
		{[]byte("\xd0\x0d\xfe\xed"), "fdt"},
		{[]byte(`{"bomFormat":"CycloneDX"}`), ""},
		{[]byte("Package: x\nVersion: 1\n"), ""},
	} {
		if got := Magic(tc.head); got != tc.want {
			t.Errorf("Magic(%q) = %q, want %q", tc.head, got, tc.want)
		}
	}
}

// TestMagicAgreesWithScanner covers formats the image reader used to
// judge differently from imagescan: a DOS partition table and legacy lz4
// are read, FAT is named by its variant, and formats imagescan recognises
// but cannot read are not taken as images.
func TestMagicAgreesWithScanner(t *testing.T) {
	sector := func(edit func(b []byte)) []byte {
		b := make([]byte, 512)
		b[510], b[511] = 0x55, 0xAA
		edit(b)
		return b
	}
	mbr := sector(func(b []byte) {
		e := b[446:]
		e[0], e[4] = 0x80, 0x83
		binary.LittleEndian.PutUint32(e[8:], 2048)
		binary.LittleEndian.PutUint32(e[12:], 4096)
	})
	fat32 := sector(func(b []byte) {
		b[0] = 0xEB
		binary.LittleEndian.PutUint16(b[11:], 512)
		copy(b[82:], "FAT32   ")
	})
	squashfs3 := make([]byte, 96)
	copy(squashfs3, "hsqs")
	binary.LittleEndian.PutUint16(squashfs3[28:], 3)
	for _, tc := range []struct {
		name string
		head []byte
		want string
	}{
		{"dos partition table", mbr, "mbr"},
		{"fat32", fat32, "fat32"},
		{"legacy lz4", []byte("\x02\x21\x4c\x18...."), "lz4"},
		{"squashfs 3", squashfs3, ""},
		{"ubi", []byte("UBI#\x01\x00\x00\x00"), ""},
	} {
		if got := Magic(tc.head); got != tc.want {
			t.Errorf("%s: Magic = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func FuzzMagic(f *testing.F) {
	f.Add([]byte("\x1f\x8b\x08"))
	f.Add(make([]byte, 1100))
	f.Fuzz(func(t *testing.T, b []byte) { _ = Magic(b) })
}
