package pkgdb

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// rpmTestdata returns go-rpmdb's own test databases in the module cache,
// or skips.
func rpmTestdata(t testing.TB) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/knqyf263/go-rpmdb").Output()
	if err != nil || strings.TrimSpace(string(out)) == "" {
		t.Skipf("go-rpmdb module directory unknown: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "pkg", "testdata")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("go-rpmdb test data not in the module cache: %v", err)
	}
	return dir
}

func TestParseRPMDB(t *testing.T) {
	dir := rpmTestdata(t)
	for _, tc := range []struct {
		file, format string
		count        int
		name, ver    string
		purl         string
	}{
		{"centos7-plain/Packages", rpmFormatBDB, 144, "openssl-libs", "1:1.0.2k-12.el7",
			"pkg:rpm/centos/openssl-libs@1.0.2k-12.el7?arch=x86_64&distro=centos-7&epoch=1&upstream=openssl-1.0.2k-12.el7.src.rpm"},
		{"ubi8-s390x/Packages", rpmFormatBDB, 0, "bash", "", ""},
		{"sle15-bci/Packages.db", rpmFormatNDB, 0, "bash", "", ""},
	} {
		data, err := os.ReadFile(filepath.Join(dir, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		if f := RPMFormat(data); f != tc.format {
			t.Errorf("%s: format %q", tc.file, f)
		}
		pkgs, err := ParseRPMDB(data, t.TempDir())
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if tc.count > 0 && len(pkgs) != tc.count {
			t.Errorf("%s: %d packages, want %d", tc.file, len(pkgs), tc.count)
		}
		var p *Package
		for i := range pkgs {
			if pkgs[i].Name == tc.name {
				p = &pkgs[i]
			}
		}
		if p == nil {
			t.Fatalf("%s: no %s among %d packages", tc.file, tc.name, len(pkgs))
		}
		if len(p.Files) == 0 || p.License == "" || p.Arch == "" || p.Source == "" || !p.Installed {
			t.Errorf("%s %s: %+v", tc.file, tc.name, p)
		}
		if tc.ver != "" && p.Version != tc.ver {
			t.Errorf("%s: version %s, want %s", tc.name, p.Version, tc.ver)
		}
		if tc.purl != "" {
			doc := BuildDocument("r", []DB{{Type: RPM, Kind: KindRPMDB, File: "r", Packages: pkgs}}, &OSRelease{ID: "centos", VersionID: "7"})
			c := byName(doc, tc.name)
			if c.PURL != tc.purl || c.CPE != "cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*" || c.Licenses[0].Declared != "OpenSSL" || prop(c, PropSource) != "openssl" {
				t.Errorf("%s: purl %s cpe %s licences %+v", tc.name, c.PURL, c.CPE, c.Licenses)
			}
			// openssl-libs requires libc.so.6()(64bit), provided by glibc.
			deps := depNames(doc, c)
			if !strings.Contains(strings.Join(deps, " "), "glibc") {
				t.Errorf("openssl-libs deps %v", deps)
			}
		}
	}
}

func TestParseRPMDBUnsupported(t *testing.T) {
	dir := rpmTestdata(t)
	data, err := os.ReadFile(filepath.Join(dir, "fedora35", "rpmdb.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseRPMDB(data, t.TempDir()); !errors.Is(err, ErrUnsupported) {
		t.Errorf("sqlite: %v", err)
	}
	c := NewCollector()
	c.TempDir = t.TempDir()
	c.VisitFile(fileAt("fc", "/usr/lib/sysimage/rpm/rpmdb.sqlite"), data)
	docs, err := c.Documents()
	if len(docs) != 0 || err == nil || !strings.Contains(err.Error(), "rpm database fc!/usr/lib/sysimage/rpm/rpmdb.sqlite: rpm sqlite database: unsupported") {
		t.Errorf("collector: %d docs, %v", len(docs), err)
	}
	if _, err := ParseRPMDB([]byte("not a database at all"), t.TempDir()); !errors.Is(err, ErrUnsupported) {
		t.Errorf("garbage: %v", err)
	}
}
