package buildroot

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
	p := filepath.Join(testfixtures.Dir(t), "buildroot", rel)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return p, data
}

func allReaders() []sbom.Reader {
	return []sbom.Reader{NewManifestReader(), NewHostManifestReader(), NewShowInfoReader(), NewPkgStatsReader()}
}

// readOnly checks that exactly the reader of kind detects the file, and
// reads it.
func readOnly(t *testing.T, kind, rel string) (string, []byte, *sbom.Document) {
	t.Helper()
	p, data := readFixture(t, rel)
	var r sbom.Reader
	for _, x := range allReaders() {
		if got := x.Detect(p, data[:min(len(data), 64<<10)]); got != (x.Kind() == kind) {
			t.Errorf("%s: %s.Detect = %v", rel, x.Kind(), got)
		}
		if x.Kind() == kind {
			r = x
		}
	}
	doc, err := r.Read(context.Background(), p, data)
	if err != nil {
		t.Fatal(err)
	}
	checkRefs(t, doc)
	return p, data, doc
}

// checkRefs asserts unique refs and a graph whose refs all name components.
func checkRefs(t *testing.T, doc *sbom.Document) {
	t.Helper()
	refs := map[string]bool{}
	for _, c := range doc.Components {
		if refs[c.Ref] {
			t.Errorf("duplicate ref %s", c.Ref)
		}
		refs[c.Ref] = true
		if v, _ := c.Property("premarket:build:system"); v != "buildroot" {
			t.Errorf("%s: no build system property", c.Ref)
		}
	}
	for _, d := range doc.Dependencies {
		if !refs[d.Ref] {
			t.Errorf("dependency from unknown ref %s", d.Ref)
		}
		for _, o := range d.DependsOn {
			if !refs[o] {
				t.Errorf("%s depends on unknown ref %s", d.Ref, o)
			}
		}
	}
}

func find(t *testing.T, doc *sbom.Document, ref string) *sbom.Component {
	t.Helper()
	c := doc.ComponentByRef(ref)
	if c == nil {
		t.Fatalf("component %s missing", ref)
	}
	return c
}

func depsOf(doc *sbom.Document, ref string) []string {
	for _, d := range doc.Dependencies {
		if d.Ref == ref {
			return d.DependsOn
		}
	}
	return nil
}

func expr(c *sbom.Component) string {
	if len(c.Licenses) == 0 {
		return ""
	}
	if c.Licenses[0].Expression != "" {
		return c.Licenses[0].Expression
	}
	return "name:" + c.Licenses[0].Name
}

func TestMrFusionManifest(t *testing.T) {
	p, data, doc := readOnly(t, KindManifest, "mr-fusion_manifest.csv")
	if len(doc.Components) != 13 {
		t.Fatalf("components = %d, want 13", len(doc.Components))
	}
	bb := find(t, doc, "buildroot:busybox")
	if bb.Version != "1.31.1" || expr(bb) != "GPL-2.0-only" || bb.CPE != "cpe:2.3:a:busybox:busybox:1.31.1:*:*:*:*:*:*:*" ||
		bb.DownloadURL != "http://www.busybox.net/downloads/busybox-1.31.1.tar.bz2" ||
		bb.PURL != "pkg:generic/busybox@1.31.1?download_url=http:%2F%2Fwww.busybox.net%2Fdownloads%2Fbusybox-1.31.1.tar.bz2" ||
		bb.Origins[0].Line != 4 || bb.Origins[0].File != p {
		t.Errorf("busybox = %+v", bb)
	}
	if v, _ := bb.Property("premarket:build:scope"); v != ScopeTarget {
		t.Errorf("busybox scope %q", v)
	}
	// busybox [libzlib, linux-headers, skeleton-init-*, uclibc, util-linux]:
	// the skeletons have no row and are dropped.
	want := []string{"buildroot:libzlib", "buildroot:linux-headers", "buildroot:uclibc", "buildroot:util-linux"}
	if got := depsOf(doc, "buildroot:busybox"); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("busybox deps = %v, want %v", got, want)
	}
	ul := find(t, doc, "buildroot:util-linux")
	if expr(ul) != "GPL-2.0-or-later AND BSD-4-Clause AND LGPL-2.1-or-later AND BSD-3-Clause AND ISC" {
		t.Errorf("util-linux licence %q", expr(ul))
	}
	lh := find(t, doc, "buildroot:linux-headers")
	if lh.Type != sbom.TypeOperatingSystem || lh.CPE != "cpe:2.3:o:linux:linux_kernel:5.4.43:*:*:*:*:*:*:*" {
		t.Errorf("linux-headers = %s %s", lh.Type, lh.CPE)
	}
	if !bytes.HasPrefix(data, []byte(`"PACKAGE"`)) {
		t.Error("fixture should be fully quoted")
	}
}

func TestMrFusionHostManifest(t *testing.T) {
	_, _, doc := readOnly(t, KindHostManifest, "mr-fusion_host-manifest.csv")
	if len(doc.Components) != 18 {
		t.Fatalf("components = %d, want 18", len(doc.Components))
	}
	br := find(t, doc, "buildroot:host-buildroot")
	if br.DownloadURL != "" || br.Version != "2020.02.3" || strings.Contains(br.PURL, "download_url") {
		t.Errorf("buildroot row: %+v", br)
	}
	gcc := find(t, doc, "buildroot:host-gcc-final")
	if len(gcc.Licenses) != 1 || gcc.Licenses[0].Name != "unknown" || gcc.Licenses[0].Expression != "" {
		t.Errorf("gcc-final licence %+v", gcc.Licenses)
	}
	for _, c := range doc.Components {
		if v, _ := c.Property("premarket:build:scope"); v != ScopeHost {
			t.Errorf("%s scope %q", c.Ref, v)
		}
	}
	// ccache depends on host-skeleton, which has no row; gcc-final on
	// host-binutils etc.
	if got := depsOf(doc, "buildroot:host-gcc-final"); len(got) == 0 || !contains(got, "buildroot:host-binutils") {
		t.Errorf("gcc-final deps %v", got)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestLairdManifest(t *testing.T) {
	_, data, doc := readOnly(t, KindManifest, "cdx-buildroot_laird-som60_manifest.csv")
	if len(doc.Components) != 92 {
		t.Fatalf("components = %d, want 92", len(doc.Components))
	}
	if bytes.HasPrefix(data, []byte(`"`)) {
		t.Error("fixture should be quoted only when needed")
	}
	ossl := find(t, doc, "buildroot:libopenssl")
	if ossl.CPE != "cpe:2.3:a:openssl:openssl:1.1.1i:*:*:*:*:*:*:*" || expr(ossl) != "name:OpenSSL or SSLeay" || ossl.Supplier == "" {
		t.Errorf("libopenssl = %s %s %s", ossl.CPE, expr(ossl), ossl.Supplier)
	}
	lx := find(t, doc, "buildroot:linux")
	if lx.Version != "custom" || lx.CPE != "" || lx.Type != sbom.TypeOperatingSystem {
		t.Errorf("linux = %s %q %s", lx.Version, lx.CPE, lx.Type)
	}
	attr := find(t, doc, "buildroot:attr")
	if expr(attr) != "GPL-2.0-or-later AND LGPL-2.1-or-later" || attr.Origins[0].Line != 3 {
		t.Errorf("attr = %s line %d", expr(attr), attr.Origins[0].Line)
	}
	if len(depsOf(doc, "buildroot:busybox")) < 10 {
		t.Errorf("busybox deps %v", depsOf(doc, "buildroot:busybox"))
	}
}

func TestRaspiManifest(t *testing.T) {
	_, _, doc := readOnly(t, KindManifest, "cdx-buildroot_raspi_manifest.csv")
	if len(doc.Components) != 5 {
		t.Fatalf("components = %d, want 5", len(doc.Components))
	}
	g := find(t, doc, "buildroot:glibc")
	if g.Version != "2.36-81-g4f4d7a13edfd2fdc57c9d76e1fd6d017fb47550c" || g.CPE != "cpe:2.3:a:gnu:glibc:2.36:*:*:*:*:*:*:*" {
		t.Errorf("glibc = %s %s", g.Version, g.CPE)
	}
	fw := find(t, doc, "buildroot:rpi-firmware")
	if fw.Type != sbom.TypeFirmware || fw.CPE != "" || expr(fw) != "BSD-3-Clause" {
		t.Errorf("rpi-firmware = %s %q %s", fw.Type, fw.CPE, expr(fw))
	}
	bb := find(t, doc, "buildroot:busybox")
	if expr(bb) != "GPL-2.0-only AND bzip2-1.0.6" {
		t.Errorf("busybox licence %s", expr(bb))
	}
}

func TestShowInfo(t *testing.T) {
	_, _, doc := readOnly(t, KindShowInfo, "cdx-buildroot_show-info.json")
	if len(doc.Components) != 45 {
		t.Fatalf("components = %d, want 45 (53 entries less 6 virtual and 2 rootfs)", len(doc.Components))
	}
	host := 0
	for _, c := range doc.Components {
		if v, _ := c.Property("premarket:build:scope"); v == ScopeHost {
			host++
		}
	}
	if host != 32 {
		t.Errorf("host packages = %d, want 32", host)
	}
	bb := find(t, doc, "buildroot:busybox")
	if bb.CPE != "cpe:2.3:a:busybox:busybox:1.36.1:*:*:*:*:*:*:*" || bb.DownloadURL != "https://www.busybox.net/downloads/busybox-1.36.1.tar.bz2" || bb.Origins[0].Path != "busybox" {
		t.Errorf("busybox = %+v", bb)
	}
	acl := find(t, doc, "buildroot:host-acl")
	if acl.Name != "acl" || acl.CPE != "cpe:2.3:a:acl_project:acl:2.3.2:*:*:*:*:*:*:*" {
		t.Errorf("host-acl = %s %s", acl.Name, acl.CPE)
	}
	// The verbatim cpe-id wins over the table (glibc's is 2.40, the
	// version has a git describe suffix).
	if g := find(t, doc, "buildroot:glibc"); g.CPE != "cpe:2.3:a:gnu:glibc:2.40:*:*:*:*:*:*:*" {
		t.Errorf("glibc CPE %s", g.CPE)
	}
	// busybox depends on host-skeleton, kmod and, through the virtual
	// "toolchain" and "skeleton", on real packages.
	deps := depsOf(doc, "buildroot:busybox")
	for _, w := range []string{"buildroot:host-skeleton", "buildroot:kmod", "buildroot:gcc-final"} {
		if !contains(deps, w) {
			t.Errorf("busybox deps %v lack %s", deps, w)
		}
	}
	for _, d := range deps {
		if d == "buildroot:toolchain" || d == "buildroot:skeleton" {
			t.Errorf("virtual package %s in the graph", d)
		}
	}
}

func TestPkgStats(t *testing.T) {
	_, _, doc := readOnly(t, KindPkgStats, "cdx-buildroot_pkg-stats.json")
	if len(doc.Components) != 47 {
		t.Fatalf("components = %d, want 47", len(doc.Components))
	}
	gmp := find(t, doc, "buildroot:gmp")
	if gmp.Version != "6.3.0" || gmp.CPE != "cpe:2.3:a:gmplib:gmp:6.3.0:*:*:*:*:*:*:*" || gmp.Homepage != "http://gmplib.org/" || expr(gmp) != "LGPL-3.0-or-later OR GPL-2.0-or-later" {
		t.Errorf("gmp = %+v", gmp)
	}
}

func TestSmallTestdata(t *testing.T) {
	data, err := os.ReadFile("testdata/small_manifest.csv")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := NewManifestReader().Read(context.Background(), "small.csv", data)
	if err != nil {
		t.Fatal(err)
	}
	foo, bar := find(t, doc, "buildroot:foo"), find(t, doc, "buildroot:bar")
	if foo.DownloadURL != "https://example.com/dl/foo-1.0.tar.gz" || foo.Origins[0].Line != 2 || bar.DownloadURL != "" || bar.Origins[0].Line != 3 {
		t.Errorf("foo %+v bar %+v", foo, bar)
	}
	if len(doc.Dependencies) != 0 {
		t.Errorf("no DEPENDENCIES column, got %v", doc.Dependencies)
	}
}

func TestBadCSV(t *testing.T) {
	hdr := "PACKAGE,VERSION,LICENSE,LICENSE FILES,SOURCE ARCHIVE,SOURCE SITE\n"
	tests := []struct {
		name, in string
		line     int
		msg      string
	}{
		{"empty", "", 0, "no header"},
		{"header only", hdr, 0, "no packages"},
		{"missing column", "PACKAGE,VERSION,LICENSE\nfoo,1,MIT\n", 1, "missing column \"LICENSE FILES\""},
		{"wrong count", hdr + "foo,1,MIT,,a,b\nbar,1,MIT\n", 3, "3 fields, the header has 6"},
		{"unterminated quote", hdr + "foo,1,MIT,,a,b\n\"bar,1,MIT,,a,b\n", 3, "extraneous or missing \" in quoted-field"},
		{"bare quote", hdr + "fo\"o,1,MIT,,a,b\n", 2, "bare \""},
		{"duplicate", hdr + "foo,1,MIT,,a,b\nfoo,2,MIT,,a,b\n", 3, "already listed at line 2"},
		{"empty name", hdr + ",1,MIT,,a,b\n", 2, "empty PACKAGE"},
		{"binary", hdr + "\x00\x01", 2, "binary data"},
	}
	for _, tt := range tests {
		_, err := NewManifestReader().Read(context.Background(), "m.csv", []byte(tt.in))
		var pe *sbom.ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s: %v is not a ParseError", tt.name, err)
			continue
		}
		if pe.Line != tt.line || pe.File != "m.csv" || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: got %q line %d, want line %d and %q", tt.name, err, pe.Line, tt.line, tt.msg)
		}
	}
}

func TestBadJSON(t *testing.T) {
	for _, r := range []sbom.Reader{NewShowInfoReader(), NewPkgStatsReader()} {
		for _, in := range []string{"", "{", "[]", "{}", "{\n\"a\": {\"type\": 3}}", `{"packages": {}}`} {
			_, err := r.Read(context.Background(), "x.json", []byte(in))
			var pe *sbom.ParseError
			if !errors.As(err, &pe) {
				t.Errorf("%s %q: %v is not a ParseError", r.Kind(), in, err)
			}
		}
	}
	_, err := NewShowInfoReader().Read(context.Background(), "x.json", []byte("{\n\"a\": {\"type\": 3}}"))
	var pe *sbom.ParseError
	if errors.As(err, &pe) && pe.Line != 2 {
		t.Errorf("type error line %d, want 2", pe.Line)
	}
	if !strings.Contains(err.Error(), "field type: got JSON number, want string") {
		t.Errorf("type error %q does not name the field and both types", err)
	}
}

func TestDependencyNames(t *testing.T) {
	got := dependencyNames("attr [GPL-2.0+ (programs), LGPL-2.1+ (libraries)] libcap [GPL-2.0 or BSD-3-Clause]  x [a [nested]] y [unterminated")
	if strings.Join(got, ",") != "attr,libcap,x,y" {
		t.Errorf("got %v", got)
	}
}

func genManifest(n int) []byte {
	rows := []struct{ name, ver, lic, deps string }{
		{"busybox", "1.36.1", "GPL-2.0, bzip2-1.0.4", "libzlib [Zlib] linux-headers [GPL-2.0]"},
		{"libopenssl", "3.3.2", "Apache-2.0", "libzlib [Zlib]"},
		{"glibc", "2.40-18-g5641780", "GPL-2.0+ (programs), LGPL-2.1+, BSD-3-Clause, MIT (library)", "linux-headers [GPL-2.0]"},
		{"myapp", "1.0", "unknown", ""},
	}
	var b bytes.Buffer
	b.WriteString(`"PACKAGE","VERSION","LICENSE","LICENSE FILES","SOURCE ARCHIVE","SOURCE SITE","DEPENDENCIES WITH LICENSES"` + "\n")
	for i := 0; i < n; i++ {
		r := rows[i%len(rows)]
		fmt.Fprintf(&b, "\"%s-%d\",\"%s\",\"%s\",\"COPYING\",\"%s-%s.tar.gz\",\"https://example.org/%s\",\"%s\"\n", r.name, i, r.ver, r.lic, r.name, r.ver, r.name, r.deps)
	}
	return b.Bytes()
}

func BenchmarkBuildrootManifest20k(b *testing.B) {
	data := genManifest(20000)
	r := NewManifestReader()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		doc, err := r.Read(context.Background(), "bench.csv", data)
		if err != nil || len(doc.Components) != 20000 {
			b.Fatal(err)
		}
	}
}

func FuzzManifest(f *testing.F) {
	f.Add([]byte("PACKAGE,VERSION,LICENSE,LICENSE FILES,SOURCE ARCHIVE,SOURCE SITE,DEPENDENCIES WITH LICENSES\nfoo,1,MIT,,a,b,bar [x]\nbar,2,GPL-2.0+,,a,b,\n"))
	f.Add([]byte(`{"a":{"type":"target","virtual":true,"dependencies":["a"]}}`))
	f.Add([]byte(`{"packages":{"a":{"cpeid":"x"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, r := range allReaders() {
			r.Detect("x", data)
			doc, err := r.Read(context.Background(), "x", data)
			if err != nil {
				var pe *sbom.ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("%s: %v is not a ParseError", r.Kind(), err)
				}
				continue
			}
			checkRefs(t, doc)
		}
	})
}
