package pkgdb

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/premarket/premarket/sbom"
)

func TestDpkgBookwormRoot(t *testing.T) {
	c := NewCollector()
	feedDir(t, c, filepath.Join("testdata", "debian-bookworm"), "debian.tar")
	docs, err := c.Documents()
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 {
		t.Fatalf("%d documents", len(docs))
	}
	doc := docs[0]
	if len(doc.Components) != 31 || doc.Format != KindDpkgStatus {
		t.Fatalf("%d components, format %s", len(doc.Components), doc.Format)
	}
	libc := byName(doc, "libc6")
	if libc.Version != "2.36-9+deb12u14" || libc.PURL != "pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&distro=debian-12&upstream=glibc" {
		t.Errorf("libc6 %s %s", libc.Version, libc.PURL)
	}
	if libc.CPE != "cpe:2.3:a:gnu:glibc:2.36:*:*:*:*:*:*:*" {
		t.Errorf("libc6 cpe (from source glibc) %s", libc.CPE)
	}
	if !strings.Contains(libc.Supplier, "debian.org") || libc.Description != "GNU C Library: Shared libraries" || libc.Homepage != "https://www.gnu.org/software/libc/libc.html" {
		t.Errorf("libc6: supplier %q description %q homepage %q", libc.Supplier, libc.Description, libc.Homepage)
	}
	if len(libc.Licenses) != 0 {
		t.Errorf("dpkg status records no licence, got %+v", libc.Licenses)
	}
	z := byName(doc, "zlib1g")
	if z.Version != "1:1.2.13.dfsg-1" || z.PURL != "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib" || z.CPE != "cpe:2.3:a:zlib:zlib:1.2.13.dfsg:*:*:*:*:*:*:*" {
		t.Errorf("zlib1g %s %s %s", z.Version, z.PURL, z.CPE)
	}
	// "debconf (>= 0.5) | debconf-2.0": the first present alternative.
	if got := depNames(doc, byName(doc, "ca-certificates")); !reflect.DeepEqual(got, []string{"debconf", "openssl"}) {
		t.Errorf("ca-certificates deps %v", got)
	}
	// Pre-Depends count; libattr1 and libgmp10 are not in the trimmed DB.
	cu := byName(doc, "coreutils")
	if got := depNames(doc, cu); !reflect.DeepEqual(got, []string{"libacl1", "libc6", "libselinux1"}) {
		t.Errorf("coreutils deps %v", got)
	}
	if cu.Type != sbom.TypeApplication || prop(cu, PropEssential) != "yes" || prop(cu, PropStatus) != "install ok installed" {
		t.Errorf("coreutils type %s props %+v", cu.Type, cu.Properties)
	}
	if ssl := byName(doc, "libssl3"); ssl.Type != sbom.TypeLibrary || ssl.CPE != "cpe:2.3:a:openssl:openssl:3.0.19:*:*:*:*:*:*:*" || prop(ssl, PropSource) != "openssl" {
		t.Errorf("libssl3 %s %s %+v", ssl.Type, ssl.CPE, ssl.Properties)
	}
	if o := cu.Origins[0]; o.File != "debian.tar!/var/lib/dpkg/status" || o.Kind != KindDpkgStatus || o.Line < 2 {
		t.Errorf("origin %+v", o)
	}
	owned := c.OwnedFiles()["debian.tar"]
	// coreutils.list says /bin/ls; on merged /usr the walk finds /usr/bin/ls.
	for _, n := range []string{"/bin/ls", "/usr/bin/ls", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/bin/openssl"} {
		if !owned.Has(n) {
			t.Errorf("%s not owned", n)
		}
	}
	if owned.Has("/") || owned.Has("/usr/bin/apt") {
		t.Error("owned set has / or a file of a package without list")
	}
}

const stateStatus = `Package: gone
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0-1
Conffiles:
 /etc/gone.conf 0123

Package: leaving
Status: deinstall ok installed
Architecture: amd64
Version: 2.0-1

Package: broken
Status: install reinstreq half-installed
Architecture: amd64
Version: 3.0-1

Package: app
Status: install ok installed
Architecture: amd64
Version: 1:4.0-1
Source: app-src (4.0-0.1)
Pre-Depends: missing | leaving
Depends: gone, mta, libfoo:any (>= 1) [amd64], app
Description: an app
 with a long description

Package: exim
Status: install ok installed
Architecture: amd64
Version: 4.96-1
Provides: mta, mail-transport-agent (= 1)

Package: libfoo
Status: install ok installed
Architecture: i386
Multi-Arch: same
Version: 1.0-1

Package: libfoo
Status: install ok installed
Architecture: amd64
Multi-Arch: same
Version: 1.0-1
`

func TestDpkgStatesAndResolution(t *testing.T) {
	pkgs, err := ParseDpkgStatus([]byte(stateStatus))
	if err != nil {
		t.Fatal(err)
	}
	inst := map[string]bool{}
	for _, p := range pkgs {
		inst[p.Name+":"+p.Arch] = p.Installed
	}
	want := map[string]bool{"gone:amd64": false, "leaving:amd64": true, "broken:amd64": false, "app:amd64": true, "exim:amd64": true, "libfoo:i386": true, "libfoo:amd64": true}
	if !reflect.DeepEqual(inst, want) {
		t.Errorf("installed %v, want %v", inst, want)
	}
	app := pkgs[3]
	if app.Epoch != "1" || app.Source != "app-src" || app.SourceVersion != "4.0-0.1" || app.Description != "an app" || app.Line != 18 {
		t.Errorf("app %+v", app)
	}
	if !reflect.DeepEqual(app.Depends, [][]string{{"missing", "leaving"}, {"gone"}, {"mta"}, {"libfoo"}, {"app"}}) {
		t.Errorf("app depends %q", app.Depends)
	}
	doc := BuildDocument("s", []DB{{Type: Dpkg, Kind: KindDpkgStatus, File: "s", Packages: pkgs}}, &OSRelease{ID: "ubuntu", VersionID: "22.04"})
	if len(doc.Components) != 5 {
		t.Fatalf("%d components", len(doc.Components))
	}
	ac := byName(doc, "app")
	// "missing | leaving" -> leaving; "gone" not installed -> dropped;
	// "mta" virtual -> exim; libfoo -> the amd64 one; self dropped.
	if got := depsOf(doc, ac.Ref); !reflect.DeepEqual(got, []string{"pkgdb:dpkg:exim@4.96-1:amd64", "pkgdb:dpkg:leaving@2.0-1:amd64", "pkgdb:dpkg:libfoo@1.0-1:amd64"}) {
		t.Errorf("app deps %v", got)
	}
	if ac.PURL != "pkg:deb/ubuntu/app@1:4.0-1?arch=amd64&distro=ubuntu-22.04&upstream=app-src%404.0-0.1" || prop(ac, PropSource) != "app-src 4.0-0.1" {
		t.Errorf("app purl %s props %+v", ac.PURL, ac.Properties)
	}
}

func TestDpkgErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Package: a\nVersion 1\n", "line 2: expected \"Field: value\""},
		{" continuation\n", "line 1: continuation line outside a field"},
		{"Version: 1\n", "line 1: stanza has no Package field"},
		{"Package: a\nStatus: install ok\n", "line 2: Package a: Status"},
		{"Package: a b\n", "Package \"a b\": invalid name"},
	} {
		_, err := ParseDpkgStatus([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.in, err, tc.want)
		}
	}
	// Through the reader, errors are *sbom.ParseError naming file and line.
	_, err := NewDpkgStatusReader().Read(t.Context(), "x/status", []byte("Package: a\n\nPackage: b\nbogus\n"))
	var pe *sbom.ParseError
	if !errors.As(err, &pe) || pe.Line != 4 || pe.File != "x/status" || err.Error() != `dpkg status x/status line 4: expected "Field: value", got "bogus"` {
		t.Errorf("error %v", err)
	}
	long := "Package: a\nDescription: " + strings.Repeat("x", MaxLineLen+1) + "\n"
	if _, err := ParseDpkgStatus([]byte(long)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("long line: %v", err)
	}
}

func TestCollectorReportsBrokenDB(t *testing.T) {
	c := NewCollector()
	if err := c.VisitFile(fileAt("r", "/var/lib/dpkg/status"), []byte("Package: ok\nVersion: 1\n\nnot a field\n")); err != nil {
		t.Fatal(err)
	}
	if err := c.VisitFile(fileAt("r2", "/lib/apk/db/installed"), []byte("P:x\nV:1\n")); err != nil {
		t.Fatal(err)
	}
	docs, err := c.Documents()
	if len(docs) != 1 || docs[0].Source != "r2" {
		t.Errorf("docs %+v", docs)
	}
	if err == nil || !strings.Contains(err.Error(), "dpkg status r!/var/lib/dpkg/status line 4") {
		t.Errorf("error %v", err)
	}
}

func TestDpkgStatusDAndDetect(t *testing.T) {
	c := NewCollector()
	// distroless: one file per package, md5sums beside it are ignored.
	c.VisitFile(fileAt("d", "/var/lib/dpkg/status.d/base"), []byte("Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\nMaintainer: x\n"))
	c.VisitFile(fileAt("d", "/var/lib/dpkg/status.d/base.md5sums"), []byte("abc  etc/os-release\n"))
	c.VisitFile(fileAt("d", "/var/lib/dpkg/status.d/tzdata"), []byte("Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\nMaintainer: x\n"))
	docs, err := c.Documents()
	if err != nil || len(docs) != 1 || len(docs[0].Components) != 2 {
		t.Fatalf("%v %+v", err, docs)
	}
	if o := byName(docs[0], "tzdata").Origins[0]; o.File != "d!/var/lib/dpkg/status.d/tzdata" || o.Line != 1 {
		t.Errorf("origin %+v", o)
	}
	dpkg, opkg, apk := NewDpkgStatusReader(), NewOpkgStatusReader(), NewAPKInstalledReader()
	for _, tc := range []struct {
		in         string
		dp, op, ap bool
	}{
		{stateStatus, true, false, false},
		{"Package: a\nVersion: 1\nStatus: install user installed\nInstalled-Time: 1\n", false, true, false},
		{"P:musl\nV:1.2.4-r2\nA:x86_64\n", false, false, true},
		{"Package: a\nVersion: 1\n", false, false, false}, // a Packages index, not a status
		{"name,version\nfoo,1\n", false, false, false},
		{"", false, false, false},
	} {
		h := []byte(tc.in)
		if dpkg.Detect("f", h) != tc.dp || opkg.Detect("f", h) != tc.op || apk.Detect("f", h) != tc.ap {
			t.Errorf("%.30q: detect dpkg %v opkg %v apk %v", tc.in, dpkg.Detect("f", h), opkg.Detect("f", h), apk.Detect("f", h))
		}
	}
}

// synthStatus builds a dpkg status of n packages shaped like Debian's.
func synthStatus(n int) []byte {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "Package: pkg%d\nStatus: install ok installed\nPriority: optional\nSection: libs\nInstalled-Size: 123\n", i)
		fmt.Fprintf(&b, "Maintainer: Debian Maintainers <debian@lists.debian.org>\nArchitecture: amd64\nMulti-Arch: same\nSource: src%d (1:%d.0-1)\nVersion: 1:%d.0-1+b1\n", i/3, i, i)
		fmt.Fprintf(&b, "Depends: pkg%d (>= 1.0), pkg%d | pkg%d, libc6 (>= 2.34)\nProvides: virt%d\n", (i+1)%n, (i+7)%n, (i+9)%n, i%50)
		b.WriteString("Description: a synthetic package\n a long description line one\n a long description line two\n .\n last line\nHomepage: https://example.org/\n\n")
	}
	return []byte(b.String())
}

func BenchmarkParseDpkgStatus5000(b *testing.B) {
	data := synthStatus(5000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		pkgs, err := ParseDpkgStatus(data)
		if err != nil || len(pkgs) != 5000 {
			b.Fatal(err, len(pkgs))
		}
	}
}

func BenchmarkDpkgDocument5000(b *testing.B) {
	data := synthStatus(5000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	osr := &OSRelease{ID: "debian", VersionID: "12"}
	for b.Loop() {
		pkgs, err := ParseDpkgStatus(data)
		if err != nil {
			b.Fatal(err)
		}
		doc := BuildDocument("s", []DB{{Type: Dpkg, Kind: KindDpkgStatus, File: "s", Packages: pkgs}}, osr)
		if len(doc.Components) != 5000 {
			b.Fatal(len(doc.Components))
		}
	}
}
