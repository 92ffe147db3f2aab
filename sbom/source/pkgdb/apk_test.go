package pkgdb

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/premarket/premarket/sbom"
)

func TestAPKRoot(t *testing.T) {
	c := NewCollector()
	feedDir(t, c, filepath.Join("testdata", "alpine-3.18"), "alpine.tar")
	docs, err := c.Documents()
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 || len(docs[0].Components) != 8 || docs[0].Format != KindAPKInstalled {
		t.Fatalf("docs %+v", docs)
	}
	doc := docs[0]
	sh := byName(doc, "busybox-binsh")
	if sh.PURL != "pkg:apk/alpine/busybox-binsh@1.36.1-r5?arch=x86_64&distro=alpine-3.18.4&upstream=busybox" {
		t.Errorf("busybox-binsh purl %s", sh.PURL)
	}
	bb := byName(doc, "busybox")
	if bb.PURL != "pkg:apk/alpine/busybox@1.36.1-r5?arch=x86_64&distro=alpine-3.18.4" || bb.CPE != "cpe:2.3:a:busybox:busybox:1.36.1:*:*:*:*:*:*:*" || bb.Type != sbom.TypeApplication {
		t.Errorf("busybox %s %s %s", bb.PURL, bb.CPE, bb.Type)
	}
	if bb.Licenses[0].Expression != "GPL-2.0-only" || bb.Homepage != "https://busybox.net/" || prop(bb, PropChecksum) != "Q1Xb0mjHDTnPlHVqq2GuxvsAUd2Lg=" {
		t.Errorf("busybox %+v", bb)
	}
	if o := bb.Origins[0]; o.Kind != KindAPKInstalled || o.File != "alpine.tar!/lib/apk/db/installed" || o.Line != 23 {
		t.Errorf("busybox origin %+v", o)
	}
	// so: and /bin/sh dependencies resolve through p: provides; the
	// conflict !libssl1.1 is not a dependency.
	for name, want := range map[string][]string{
		"libssl3":           {"libcrypto3", "musl"},
		"alpine-baselayout": {"alpine-baselayout-data", "busybox-binsh"},
		"busybox-binsh":     {"busybox"},
		"musl":              nil,
	} {
		if got := depNames(doc, byName(doc, name)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s deps %v, want %v", name, got, want)
		}
	}
	if z := byName(doc, "zlib"); z.Licenses[0].Expression != "Zlib" || z.Type != sbom.TypeLibrary || z.CPE != "cpe:2.3:a:zlib:zlib:1.2.13:*:*:*:*:*:*:*" {
		t.Errorf("zlib %+v", z)
	}
	owned := c.OwnedFiles()["alpine.tar"]
	for _, n := range []string{"/lib/libz.so.1.2.13", "/bin/busybox", "/bin/sh", "/usr/lib/os-release", "/etc/crontabs/root"} {
		if !owned.Has(n) {
			t.Errorf("%s not owned", n)
		}
	}
	if len(owned) != 17 {
		t.Errorf("%d owned files: %v", len(owned), owned.Sorted())
	}

	data, err := os.ReadFile(filepath.Join("testdata", "alpine-3.18", "lib", "apk", "db", "installed"))
	if err != nil {
		t.Fatal(err)
	}
	r := NewAPKInstalledReader()
	if !r.Detect("installed", data) || NewDpkgStatusReader().Detect("installed", data) || NewOpkgStatusReader().Detect("installed", data) {
		t.Error("detection of apk installed")
	}
	d2, err := r.Read(t.Context(), "installed", data)
	if err != nil || len(d2.Components) != 8 || byName(d2, "musl").PURL != "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64" {
		t.Errorf("reader: %v %+v", err, d2)
	}
}

func TestAPKErrors(t *testing.T) {
	for in, want := range map[string]string{
		"P:a\nbogus\n":         "line 2: expected \"X:value\"",
		"V:1\n\nP:b\n":         "line 1: package entry has no P: (name) line",
		"P:a\nV:1\n\nV:2\nA:x": "line 4: package entry has no P: (name) line",
	} {
		if _, err := ParseAPKInstalled([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}
