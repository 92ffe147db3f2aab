package pkgdb

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/premarket/premarket/imagescan"
	"github.com/premarket/premarket/internal/testfixtures"
	"github.com/premarket/premarket/sbom"
)

func readOpkgFixture(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testfixtures.Dir(t), "pkgdb", "openwrt-x86_64_lmapd_opkg-status"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseOpkgStatusFixture(t *testing.T) {
	pkgs, err := ParseOpkgStatus(readOpkgFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != 118 {
		t.Fatalf("got %d packages, want 118 (SOURCES.md)", len(pkgs))
	}
	flags := map[string]int{}
	byName := map[string]Package{}
	for _, p := range pkgs {
		if !p.Installed {
			t.Errorf("%s: not installed (Status %q)", p.Name, p.Status)
		}
		for _, f := range p.Flags {
			flags[f]++
		}
		byName[p.Name] = p
	}
	if want := map[string]int{"ok": 24, "user": 90, "hold": 4}; !reflect.DeepEqual(flags, want) {
		t.Errorf("status flags %v, want %v", flags, want)
	}

	bb := byName["busybox"]
	if bb.Version != "1.30.1-1" || bb.Arch != "x86_64" || !bb.Essential || bb.AutoInstalled || bb.Line == 0 {
		t.Errorf("busybox: %+v", bb)
	}
	if len(bb.Alternatives) != 10 || bb.Alternatives[0] != (Alternative{100, "/usr/bin/find", "/bin/busybox"}) {
		t.Errorf("busybox alternatives: %+v", bb.Alternatives)
	}
	libc := byName["libc"]
	if libc.Version != "1.1.21-1" || !reflect.DeepEqual(libc.Flags, []string{"hold"}) || libc.Want != "install" || libc.State != "installed" || !libc.Essential {
		t.Errorf("libc: %+v", libc)
	}
	lh := byName["liblucihttp0"]
	if !reflect.DeepEqual(lh.Provides, []string{"liblucihttp"}) || !lh.AutoInstalled || lh.Version != "2019-01-24-1afbdcc3-1" {
		t.Errorf("liblucihttp0: %+v", lh)
	}
	op := byName["opkg"]
	if len(op.Conffiles) != 2 || !strings.HasPrefix(op.Conffiles[0], "/etc/opkg.conf ") {
		t.Errorf("opkg conffiles: %q", op.Conffiles)
	}
	if !reflect.DeepEqual(op.Depends, [][]string{{"libc"}, {"uclient-fetch"}, {"libpthread"}, {"libubox20170601"}}) {
		t.Errorf("opkg depends: %q", op.Depends)
	}
	if k := byName["kernel"]; k.Version != "4.14.104-1-d8ac77275aabd304d39b54b8b6db56b1" {
		t.Errorf("kernel version %q", k.Version)
	}
}

// TestOpkgCollector reads the real OpenWrt status as the walker would hand
// it over, with this package's own info/*.control and *.list files and an
// os-release, and checks the document and the owned files.
func TestOpkgCollector(t *testing.T) {
	status := readOpkgFixture(t)
	c := NewCollector()
	root := "openwrt.img"
	visit := func(name string, data []byte, link string) {
		t.Helper()
		f := &imagescan.File{Path: root + "!" + name, Name: name, Root: root, LinkTarget: link}
		if err := c.VisitFile(f, data); err != nil {
			t.Fatal(err)
		}
	}
	visit("/usr/lib/opkg/status", status, "")
	visit("/usr/lib/os-release", []byte("NAME=\"OpenWrt\"\nVERSION=\"SNAPSHOT\"\nID=\"openwrt\"\nID_LIKE=\"lede openwrt\"\nVERSION_ID=\"snapshot\"\n"), "")
	visit("/etc/os-release", nil, "../usr/lib/os-release")
	visit("/usr/bin/busybox-unrelated", []byte("ELF"), "") // not wanted
	feedDir(t, c, filepath.Join("testdata", "openwrt-info"), root)

	docs, err := c.Documents()
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 {
		t.Fatalf("%d documents", len(docs))
	}
	doc := docs[0]
	if len(doc.Components) != 118 || doc.Format != KindOpkgStatus || doc.Source != root {
		t.Fatalf("%d components, format %q, source %q", len(doc.Components), doc.Format, doc.Source)
	}
	bb := byName(doc, "busybox")
	if bb.PURL != "pkg:opkg/openwrt/busybox@1.30.1-1?arch=x86_64&distro=openwrt-snapshot" {
		t.Errorf("busybox purl %s", bb.PURL)
	}
	if bb.CPE != "cpe:2.3:a:busybox:busybox:1.30.1:*:*:*:*:*:*:*" {
		t.Errorf("busybox cpe %s", bb.CPE)
	}
	if len(bb.Licenses) != 1 || bb.Licenses[0].Expression != "GPL-2.0-only" || bb.Licenses[0].Declared != "GPL-2.0" {
		t.Errorf("busybox licence from control file: %+v", bb.Licenses)
	}
	if bb.Type != sbom.TypeApplication || bb.Supplier != "Felix Fietkau <nbd@nbd.name>" || bb.Description != "The Swiss Army Knife of embedded Linux." {
		t.Errorf("busybox: type %s supplier %q description %q", bb.Type, bb.Supplier, bb.Description)
	}
	if prop(bb, PropType) != "opkg" || prop(bb, PropArch) != "x86_64" || prop(bb, PropEssential) != "yes" || prop(bb, PropStatus) != "install user installed" || prop(bb, PropSource) != "busybox" {
		t.Errorf("busybox properties %+v", bb.Properties)
	}
	if o := bb.Origins[0]; o.Kind != KindOpkgStatus || o.File != root+"!/usr/lib/opkg/status" || o.Line != bb.Loc.Line || o.Line == 0 {
		t.Errorf("busybox origin %+v", o)
	}
	if got := depNames(doc, bb); !reflect.DeepEqual(got, []string{"libc"}) {
		t.Errorf("busybox deps %v", got)
	}
	// The control file says 1.1.1b-4, the status 1.1.1b-5: not merged.
	ssl := byName(doc, "libopenssl1.1")
	if len(ssl.Licenses) != 0 || ssl.PURL != "pkg:opkg/openwrt/libopenssl1.1@1.1.1b-5?arch=x86_64&distro=openwrt-snapshot" {
		t.Errorf("libopenssl1.1: licences %+v purl %s", ssl.Licenses, ssl.PURL)
	}
	if k := byName(doc, "kernel"); k.Type != sbom.TypeOperatingSystem || k.CPE != "cpe:2.3:o:linux:linux_kernel:4.14.104:*:*:*:*:*:*:*" {
		t.Errorf("kernel: %s %s", k.Type, k.CPE)
	}
	if got := depNames(doc, byName(doc, "opkg")); !reflect.DeepEqual(got, []string{"libc", "libpthread", "libubox20170601", "uclient-fetch"}) {
		t.Errorf("opkg deps %v", got)
	}
	for _, d := range doc.Dependencies {
		for _, r := range d.DependsOn {
			if doc.ComponentByRef(r) == nil {
				t.Errorf("%s depends on unknown ref %s", d.Ref, r)
			}
		}
	}
	owned := c.OwnedFiles()[root]
	for _, n := range []string{"/bin/busybox", "/usr/bin/find", "/etc/opkg.conf", "/usr/lib/libssl.so.1.1"} {
		if !owned.Has(n) {
			t.Errorf("%s not owned", n)
		}
	}
	if owned.Has("/usr/bin/busybox-unrelated") {
		t.Error("unrelated file owned")
	}
}

// TestOpkgControlOnly: without a status file, the info/*.control files are
// the database.
func TestOpkgControlOnly(t *testing.T) {
	c := NewCollector()
	feedDir(t, c, filepath.Join("testdata", "openwrt-info"), "yocto")
	docs, err := c.Documents()
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 || len(docs[0].Components) != 2 {
		t.Fatalf("docs %+v", docs)
	}
	ssl := byName(docs[0], "libopenssl1.1")
	if ssl.Origins[0].Kind != KindOpkgControl || ssl.Origins[0].File != "yocto!/usr/lib/opkg/info/libopenssl1.1.control" {
		t.Errorf("origin %+v", ssl.Origins)
	}
	// No os-release: default namespace, no distro; upstream from SourceName.
	if ssl.PURL != "pkg:opkg/openwrt/libopenssl1.1@1.1.1b-4?arch=x86_64&upstream=openssl" {
		t.Errorf("purl %s", ssl.PURL)
	}
	if ssl.CPE != "cpe:2.3:a:openssl:openssl:1.1.1b:*:*:*:*:*:*:*" || ssl.Licenses[0].Expression != "OpenSSL" {
		t.Errorf("cpe %s licences %+v", ssl.CPE, ssl.Licenses)
	}
}

func TestOpkgReaderFixture(t *testing.T) {
	data := readOpkgFixture(t)
	r := NewOpkgStatusReader()
	if !r.Detect("status", data[:min(len(data), 64<<10)]) {
		t.Fatal("opkg reader does not detect the OpenWrt status")
	}
	if NewDpkgStatusReader().Detect("status", data) || NewAPKInstalledReader().Detect("status", data) {
		t.Fatal("other readers claim the OpenWrt status")
	}
	doc, err := r.Read(t.Context(), "status", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Components) != 118 {
		t.Fatalf("%d components", len(doc.Components))
	}
	if p := byName(doc, "busybox").PURL; p != "pkg:opkg/openwrt/busybox@1.30.1-1?arch=x86_64" {
		t.Errorf("purl without os-release: %s", p)
	}
}
