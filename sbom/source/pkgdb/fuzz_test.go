package pkgdb

import (
	"os"
	"path/filepath"
	"testing"
)

func seedFile(f *testing.F, path string) {
	if data, err := os.ReadFile(path); err == nil {
		f.Add(data)
	}
}

// checkBuild builds a document from parsed packages and checks that every
// dependency names a component: whatever a parser accepts must be safe to
// turn into a document.
func checkBuild(t *testing.T, typ DBType, pkgs []Package) {
	doc := BuildDocument("f", []DB{{Type: typ, Kind: "k", File: "f", Packages: pkgs}}, &OSRelease{ID: "x", VersionID: "1"})
	for _, d := range doc.Dependencies {
		for _, r := range d.DependsOn {
			if doc.ComponentByRef(r) == nil {
				t.Fatalf("dependency on unknown ref %s", r)
			}
		}
	}
}

func FuzzParseDpkgStatus(f *testing.F) {
	seedFile(f, filepath.Join("testdata", "debian-bookworm", "var", "lib", "dpkg", "status"))
	f.Add([]byte(stateStatus))
	f.Add([]byte("Package: a\n b\n\n\n#x\nPackage: c\nStatus: a b c\nDepends: | , (\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pkgs, err := ParseDpkgStatus(data)
		if err == nil {
			checkBuild(t, Dpkg, pkgs)
		}
	})
}

func FuzzParseOpkgStatus(f *testing.F) {
	seedFile(f, filepath.Join("testdata", "openwrt-info", "usr", "lib", "opkg", "info", "busybox.control"))
	f.Add([]byte("Package: a\nVersion: 1\nStatus: install user,hold installed\nAlternatives: 1:/a:/b, x\nProvides: b\n\nPackage: b\nDepends: a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pkgs, err := ParseOpkgStatus(data)
		if err == nil {
			checkBuild(t, Opkg, pkgs)
		}
	})
}

func FuzzParseAPKInstalled(f *testing.F) {
	seedFile(f, filepath.Join("testdata", "alpine-3.18", "lib", "apk", "db", "installed"))
	f.Add([]byte("P:a\nV:1\nR:x\nF:\nR:../../etc\n\nP:b\nD:a /x !c\np:q=1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pkgs, err := ParseAPKInstalled(data)
		if err == nil {
			checkBuild(t, APK, pkgs)
		}
	})
}

func FuzzParseFileList(f *testing.F) {
	seedFile(f, filepath.Join("testdata", "debian-bookworm", "var", "lib", "dpkg", "info", "dash.list"))
	f.Add([]byte("/.\n/bin\t0755\n../x\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		files, err := ParseFileList(data)
		if err != nil {
			return
		}
		for _, p := range files {
			if p == "" || p[0] != '/' {
				t.Fatalf("path %q not absolute", p)
			}
		}
	})
}

func FuzzParseOSRelease(f *testing.F) {
	seedFile(f, filepath.Join("testdata", "debian-bookworm", "usr", "lib", "os-release"))
	f.Add([]byte("ID='a'\nVERSION_ID=\"1\\\"\"\nID_LIKE=\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = ParseOSRelease(data).Distro()
	})
}

// FuzzParseRPMDB feeds mutated database headers to go-rpmdb. Each input
// is written to a temporary file, so this target is slow; run it with
// -fuzztime bounded.
func FuzzParseRPMDB(f *testing.F) {
	bdb := make([]byte, 4096)
	copy(bdb[12:], []byte{0x61, 0x15, 0x06, 0x00})
	f.Add(bdb)
	f.Add(append([]byte("RpmP"), make([]byte, 60)...))
	f.Add([]byte("SQLite format 3\x00"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		pkgs, err := ParseRPMDB(data, dir)
		if err == nil {
			checkBuild(t, RPM, pkgs)
		}
	})
}
