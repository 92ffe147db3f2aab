package yocto

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/premarket/premarket/internal/testfixtures"
	"github.com/premarket/premarket/sbom"
)

func readFixture(t *testing.T, rel string) (string, []byte) {
	p := filepath.Join(testfixtures.Dir(t), rel)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return p, data
}

func byName(doc *sbom.Document) map[string]*sbom.Component {
	m := map[string]*sbom.Component{}
	for _, c := range doc.Components {
		m[c.Name] = c
	}
	return m
}

func prop(c *sbom.Component, name string) string {
	v, _ := c.Property(name)
	return v
}

func TestLicenseManifestFixture(t *testing.T) {
	p, data := readFixture(t, "yocto/phytec-mira-imx6_license.manifest")
	r := NewLicenseManifestReader()
	if !r.Detect(p, data[:min(len(data), 64<<10)]) {
		t.Fatal("Detect = false")
	}
	if NewImageLicenseManifestReader().Detect(p, data) {
		t.Error("image reader detects license.manifest")
	}
	doc, err := r.Read(context.Background(), p, data)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(doc.Components), bytes.Count(data, []byte("PACKAGE NAME: ")); got != want || got != 487 {
		t.Fatalf("components = %d, want %d (487 per SOURCES.md)", got, want)
	}
	if len(doc.Dependencies) != 0 {
		t.Errorf("license.manifest has no dependencies, got %d", len(doc.Dependencies))
	}
	m := byName(doc)
	tests := []struct {
		name, version, recipe, expr, licName string
		typ                                  sbom.ComponentType
		purl, cpe                            string
		line                                 int
	}{
		{"acl-locale-de", "2.2.52", "acl", "LGPL-2.1-or-later AND GPL-2.0-or-later", "", sbom.TypeLibrary, "pkg:yocto/acl@2.2.52", "cpe:2.3:a:acl_project:acl:2.2.52:*:*:*:*:*:*:*", 1},
		{"alsa-conf", "1.1.0", "alsa-lib", "LGPL-2.1-only AND GPL-2.0-or-later", "", sbom.TypeLibrary, "pkg:yocto/alsa-lib@1.1.0", "cpe:2.3:a:alsa-project:alsa-lib:1.1.0:*:*:*:*:*:*:*", 11},
		{"apmd", "3.2.2-15", "apmd", "GPL-2.0-or-later", "", sbom.TypeLibrary, "pkg:yocto/apmd@3.2.2-15", "", 0},
	}
	for _, tt := range tests {
		c := m[tt.name]
		if c == nil {
			t.Errorf("%s missing", tt.name)
			continue
		}
		if c.Version != tt.version || prop(c, "premarket:build:recipe") != tt.recipe || c.Type != tt.typ || c.PURL != tt.purl || c.CPE != tt.cpe {
			t.Errorf("%s = %s %s %s %s %s", tt.name, c.Version, prop(c, "premarket:build:recipe"), c.Type, c.PURL, c.CPE)
		}
		if len(c.Licenses) != 1 || c.Licenses[0].Expression != tt.expr || c.Licenses[0].Name != tt.licName {
			t.Errorf("%s licences = %+v", tt.name, c.Licenses)
		}
		if tt.line != 0 && (len(c.Origins) != 1 || c.Origins[0].Line != tt.line || c.Origins[0].Kind != KindLicenseManifest || c.Origins[0].File != p) {
			t.Errorf("%s origins = %+v, want line %d", tt.name, c.Origins, tt.line)
		}
		if prop(c, "premarket:build:system") != "yocto" {
			t.Errorf("%s: build system property missing", tt.name)
		}
	}
	// Properties that must hold for every component, checked against the
	// raw text of its block.
	lines := strings.Split(string(data), "\n")
	kernel, firmware, named := 0, 0, 0
	for _, c := range doc.Components {
		l := c.Origins[0].Line
		if lines[l-1] != "PACKAGE NAME: "+c.Name {
			t.Fatalf("%s: origin line %d is %q", c.Name, l, lines[l-1])
		}
		if lines[l] != "PACKAGE VERSION: "+c.Version || lines[l+1] != "RECIPE NAME: "+prop(c, "premarket:build:recipe") {
			t.Errorf("%s: version or recipe differ from lines %d-%d", c.Name, l+1, l+2)
		}
		if len(c.Licenses) != 1 || "LICENSE: "+c.Licenses[0].Declared != strings.TrimRight(lines[l+2], " ") {
			t.Errorf("%s: declared licence %+v vs %q", c.Name, c.Licenses, lines[l+2])
		}
		if c.Licenses[0].Name != "" {
			named++
		}
		switch c.Type {
		case sbom.TypeOperatingSystem:
			kernel++
			if prop(c, "premarket:build:recipe") != "linux-mainline" || !strings.HasPrefix(c.CPE, "cpe:2.3:o:linux:linux_kernel:4.1.36:") {
				t.Errorf("%s: operating-system from recipe %s, CPE %q", c.Name, prop(c, "premarket:build:recipe"), c.CPE)
			}
		case sbom.TypeFirmware:
			firmware++
		}
	}
	if kernel == 0 || firmware == 0 {
		t.Errorf("kernel packages %d, firmware packages %d: want some of each", kernel, firmware)
	}
	if named == 0 || named > len(doc.Components)/3 {
		t.Errorf("%d of %d licences kept as names", named, len(doc.Components))
	}
	for _, n := range []struct{ name, expr, lname string }{
		{"busybox", "GPL-2.0-only AND bzip2-1.0.6", ""},
		{"libssl", "OpenSSL", ""},
	} {
		c := m[n.name]
		if c == nil {
			t.Errorf("%s missing", n.name)
			continue
		}
		if c.Licenses[0].Expression != n.expr || c.Licenses[0].Name != n.lname {
			t.Errorf("%s licence %+v", n.name, c.Licenses[0])
		}
		if c.CPE == "" || c.Supplier == "" {
			t.Errorf("%s: no CPE or supplier", n.name)
		}
	}
}

func TestImageLicenseManifestFixture(t *testing.T) {
	p, data := readFixture(t, "yocto/phytec-mira-imx6_image_license.manifest")
	r := NewImageLicenseManifestReader()
	if !r.Detect(p, data) || NewLicenseManifestReader().Detect(p, data) {
		t.Fatal("detection")
	}
	doc, err := r.Read(context.Background(), p, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Components) != 2 {
		t.Fatalf("components = %d, want 2", len(doc.Components))
	}
	m := byName(doc)
	bb, lx := m["barebox"], m["linux-mainline"]
	if bb == nil || lx == nil {
		t.Fatalf("components %v", m)
	}
	if bb.Version != "2016.11.0-phy4" || bb.Type != sbom.TypeFirmware || bb.CPE != "cpe:2.3:a:pengutronix:barebox:2016.11.0:*:*:*:*:*:*:*" || bb.Licenses[0].Expression != "GPL-2.0-only" || bb.PURL != "pkg:yocto/barebox@2016.11.0-phy4" {
		t.Errorf("barebox = %+v", bb)
	}
	if lx.Version != "4.1.36-phy3" || lx.Type != sbom.TypeOperatingSystem || lx.CPE != "cpe:2.3:o:linux:linux_kernel:4.1.36:*:*:*:*:*:*:*" || lx.Licenses[0].Expression != "GPL-2.0-only" {
		t.Errorf("linux-mainline = %+v", lx)
	}
	if bb.Origins[0].Line != 1 || lx.Origins[0].Line != 6 {
		t.Errorf("origin lines %d %d", bb.Origins[0].Line, lx.Origins[0].Line)
	}
}

func TestSmallTestdata(t *testing.T) {
	data, err := os.ReadFile("testdata/small_license.manifest")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := NewLicenseManifestReader().Read(context.Background(), "small", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Components) != 2 || doc.Components[1].Name != "foo-dev" || doc.Components[1].Origins[0].Line != 6 ||
		doc.Components[1].Licenses[0].Name != "MIT & BSD" || doc.Components[0].PURL != doc.Components[1].PURL {
		t.Errorf("got %+v %+v", doc.Components[0], doc.Components[1])
	}
}

func TestBadInput(t *testing.T) {
	good := "PACKAGE NAME: a\nPACKAGE VERSION: 1\nRECIPE NAME: a\nLICENSE: MIT\n"
	tests := []struct {
		name, in string
		line     int
		msg      string
	}{
		{"empty", "", 0, "no PACKAGE NAME blocks"},
		{"blank lines", "\n\n  \n", 0, "no PACKAGE NAME blocks"},
		{"truncated", good + "\nPACKAGE NAME: b\nPACKAGE VERSION: 2\n", 6, "missing RECIPE NAME, LICENSE"},
		{"unknown field", good + "\nPACKAGE NAME: b\nPACKAGE ARCH: arm\n", 7, "unknown field \"PACKAGE ARCH\""},
		{"duplicate field", "PACKAGE NAME: a\nPACKAGE NAME: b\n", 2, "duplicate field \"PACKAGE NAME\""},
		{"no colon", "PACKAGE NAME a\n", 1, "expected \"FIELD: value\""},
		{"binary", "PACKAGE NAME: a\n\x00\x01\x02", 2, "binary data"},
		{"duplicate package", good + "\n" + good, 6, "already listed at line 1"},
		{"empty name", "PACKAGE NAME:\nPACKAGE VERSION: 1\nRECIPE NAME: a\nLICENSE: MIT\n", 1, "empty PACKAGE NAME"},
	}
	for _, tt := range tests {
		_, err := NewLicenseManifestReader().Read(context.Background(), "in.manifest", []byte(tt.in))
		var pe *sbom.ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s: error %v is not a *sbom.ParseError", tt.name, err)
			continue
		}
		if pe.Line != tt.line || pe.File != "in.manifest" || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: got %q (line %d), want line %d and %q", tt.name, err, pe.Line, tt.line, tt.msg)
		}
	}
	// CRLF line ends and a missing final newline are accepted.
	crlf := strings.ReplaceAll(strings.TrimSuffix(good, "\n"), "\n", "\r\n")
	doc, err := NewLicenseManifestReader().Read(context.Background(), "crlf", []byte(crlf))
	if err != nil || len(doc.Components) != 1 || doc.Components[0].Licenses[0].Expression != "MIT" {
		t.Errorf("CRLF: %v %+v", err, doc)
	}
	// Image manifest blocks need FILES.
	_, err = NewImageLicenseManifestReader().Read(context.Background(), "img", []byte("RECIPE NAME: a\nVERSION: 1\nLICENSE: MIT\n"))
	if err == nil || !strings.Contains(err.Error(), "missing FILES") {
		t.Errorf("image without FILES: %v", err)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewLicenseManifestReader().Read(ctx, "big", genLicenseManifest(10000)); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// genLicenseManifest writes n packages in license.manifest form, cycling
// through realistic recipes and licences.
func genLicenseManifest(n int) []byte {
	recipes := []struct{ recipe, ver, lic string }{
		{"busybox", "1.24.1", "GPLv2 & bzip2"},
		{"openssl", "1.0.2h", "openssl"},
		{"glibc", "2.23", "GPLv2 & LGPLv2.1"},
		{"acl", "2.2.52", "LGPLv2.1+ & GPLv2+"},
		{"my-app", "1.0+gitAUTOINC+abc", "CLOSED"},
		{"linux-mainline", "4.1.36-phy3", "GPLv2"},
		{"util-linux", "2.27.1", "GPLv2+ & LGPLv2.1+ & BSD"},
	}
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		r := recipes[i%len(recipes)]
		fmt.Fprintf(&b, "PACKAGE NAME: %s-pkg%d\nPACKAGE VERSION: %s\nRECIPE NAME: %s\nLICENSE: %s\n\n", r.recipe, i, r.ver, r.recipe, r.lic)
	}
	return b.Bytes()
}

func BenchmarkYoctoLicenseManifest20k(b *testing.B) {
	data := genLicenseManifest(20000)
	r := NewLicenseManifestReader()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		doc, err := r.Read(context.Background(), "bench", data)
		if err != nil || len(doc.Components) != 20000 {
			b.Fatal(err)
		}
	}
}

func FuzzLicenseManifest(f *testing.F) {
	f.Add([]byte("PACKAGE NAME: a\nPACKAGE VERSION: 1\nRECIPE NAME: a\nLICENSE: MIT\n\n"))
	f.Add([]byte("RECIPE NAME: a\nVERSION: 1\nLICENSE: GPLv2\nFILES: x\n"))
	f.Add([]byte("PACKAGE NAME: a\r\nPACKAGE NAME: b\n"))
	if d, err := os.ReadFile("testdata/small_license.manifest"); err == nil {
		f.Add(d)
	}
	readers := []sbom.Reader{NewLicenseManifestReader(), NewImageLicenseManifestReader()}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, r := range readers {
			r.Detect("f", data)
			doc, err := r.Read(context.Background(), "f", data)
			if err != nil {
				var pe *sbom.ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("error %v is not a ParseError", err)
				}
				continue
			}
			for _, c := range doc.Components {
				if c.Name == "" || c.Origins[0].Line < 1 {
					t.Fatalf("bad component %+v", c)
				}
			}
		}
	})
}
