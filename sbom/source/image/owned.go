package image

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/premarket/premarket/imagescan"
	"github.com/premarket/premarket/sbom/source/pkgdb"
)

// maxPreRead bounds the bytes preOwned reads (the package databases of a
// root file system are a few MiB; rpm databases some tens).
const maxPreRead = 512 << 20

// preOwned reads the package databases of a root file system directory
// (only the files pkgdb.Collector wants, at their fixed places) and returns
// the files the installed packages own, keyed by the root label imagescan
// uses for the directory. It returns nil for file inputs and on any error:
// the walk then identifies every file, which is correct, only slower.
func preOwned(input string) map[string]pkgdb.FileSet {
	st, err := os.Stat(input)
	if err != nil || !st.IsDir() {
		return nil
	}
	rootDir, err := os.OpenRoot(input)
	if err != nil {
		return nil
	}
	defer rootDir.Close()
	label := filepath.ToSlash(filepath.Clean(input))
	c := pkgdb.NewCollector()
	var total int64
	visit := func(rel string) {
		name := "/" + rel
		info, err := rootDir.Lstat(rel)
		if err != nil {
			return
		}
		f := &imagescan.File{Path: label + "/" + rel, Name: name, Root: label, Mode: info.Mode()}
		if info.Mode()&fs.ModeSymlink != 0 {
			t, err := rootDir.Readlink(rel)
			if err != nil || !pkgdb.Wanted(name, true) {
				return
			}
			f.LinkTarget = t
			_ = c.VisitFile(f, nil)
			return
		}
		if !info.Mode().IsRegular() || !pkgdb.Wanted(name, false) || total+info.Size() > maxPreRead {
			return
		}
		data, err := rootDir.ReadFile(rel)
		if err != nil {
			return
		}
		total += int64(len(data))
		f.Size = int64(len(data))
		_ = c.VisitFile(f, data)
	}
	// Top-level entries (merged-/usr links), then the database places.
	if ents, err := fs.ReadDir(rootDir.FS(), "."); err == nil {
		for _, e := range ents {
			if e.Type()&fs.ModeSymlink != 0 {
				visit(e.Name())
			}
		}
	}
	for _, d := range []string{"etc", "usr/lib", "var/lib/dpkg", "var/lib/dpkg/status.d", "var/lib/dpkg/info",
		"usr/lib/opkg", "usr/lib/opkg/info", "var/lib/opkg", "var/lib/opkg/info", "lib/apk/db", "usr/lib/apk/db",
		"var/lib/rpm", "usr/lib/sysimage/rpm"} {
		ents, err := fs.ReadDir(rootDir.FS(), d)
		if err != nil {
			continue
		}
		for _, e := range ents {
			rel := path.Join(d, e.Name())
			if pkgdb.Wanted("/"+rel, e.Type()&fs.ModeSymlink != 0) {
				visit(rel)
			}
		}
	}
	return c.OwnedFiles()
}

// packageManagerState lists the directories where package managers keep
// their own records and caches: the installed-package databases (read by
// pkgdb), the lists of packages available from the repositories, and
// binary caches built from them. They describe software; they are not
// software, so binary identification does not look into them (their
// package descriptions would only raise false matches) and the scan does
// not open containers in them. Downloaded package archives
// (var/cache/apt/archives) are not listed: they are files the image holds.
var packageManagerState = []string{
	"/var/lib/dpkg/", "/var/lib/apt/lists/", "/var/cache/apt/pkgcache.bin", "/var/cache/apt/srcpkgcache.bin",
	"/var/lib/opkg/", "/usr/lib/opkg/", "/var/opkg-lists/",
	"/lib/apk/db/", "/usr/lib/apk/db/", "/var/cache/apk/",
	"/var/lib/rpm/", "/usr/lib/sysimage/rpm/", "/var/cache/dnf/", "/var/cache/yum/", "/var/lib/dnf/",
}

// isPackageManagerState reports whether a file (by its Name in its root
// file system) is package-manager state.
func isPackageManagerState(name string) bool {
	for _, p := range packageManagerState {
		if strings.HasSuffix(p, "/") {
			if strings.HasPrefix(name, p) {
				return true
			}
		} else if name == p {
			return true
		}
	}
	return false
}

// skipOwned passes to next only the files that no installed package owns,
// judged by the outermost file on the provenance path: a file nested in
// an owned archive is owned too. Package-manager state is skipped as well.
type skipOwned struct {
	owned map[string]pkgdb.FileSet
	next  imagescan.Visitor
}

func (s *skipOwned) VisitFile(f *imagescan.File, data []byte) error {
	if s.isOwned(f) {
		return nil
	}
	return s.next.VisitFile(f, data)
}

func (s *skipOwned) isOwned(f *imagescan.File) bool {
	if isPackageManagerState(f.Name) || s.owned[f.Root].Has(f.Name) {
		return true
	}
	outer, _, nested := strings.Cut(f.Path, "!")
	if !nested {
		return false
	}
	for root, set := range s.owned {
		if rel, ok := strings.CutPrefix(outer, root+"/"); ok && set.Has("/"+rel) {
			return true
		}
	}
	return false
}
