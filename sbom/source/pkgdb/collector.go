package pkgdb

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/premarket/premarket/imagescan"
	"github.com/premarket/premarket/sbom"
)

// MaxCaptureBytes bounds the bytes one Collector copies out of the files
// it is shown (all roots together). Files past the limit are reported by
// Documents as errors, not silently dropped.
const MaxCaptureBytes = 2 << 30

// maxLinkHops bounds symlink resolution inside a root.
const maxLinkHops = 16

// Human names of the formats, for errors.
var formatNames = map[string]string{
	KindDpkgStatus:   "dpkg status",
	KindOpkgStatus:   "opkg status",
	KindOpkgControl:  "opkg control file",
	KindAPKInstalled: "apk installed database",
	KindRPMDB:        "rpm database",
	"file-list":      "package file list",
}

// Collector is an imagescan.Visitor that keeps the package databases,
// their file lists and os-release of every root file system it is shown,
// and builds one sbom.Document per root that has a package database.
// It is safe for concurrent use by one walk.
type Collector struct {
	// TempDir is where ParseRPMDB writes its temporary copy (os.TempDir
	// when empty).
	TempDir string

	mu       sync.Mutex
	roots    map[string]*rootFiles
	captured int64
	errs     []error
}

// capturedFile is a file (or symlink) kept by the Collector.
type capturedFile struct {
	path string // provenance path
	data []byte
	link string // symlink target as stored; "" for regular files
}

type rootFiles struct {
	files map[string]*capturedFile // by Name
}

// NewCollector returns an empty Collector.
func NewCollector() *Collector { return &Collector{roots: map[string]*rootFiles{}} }

// opkgDirs and rpmDirs are where opkg and rpm keep their databases.
var (
	opkgDirs = []string{"/usr/lib/opkg", "/var/lib/opkg"}
	rpmDirs  = []string{"/var/lib/rpm", "/usr/lib/sysimage/rpm"}
	rpmFiles = []string{"Packages", "Packages.db", "rpmdb.sqlite"}
	apkFiles = []string{"/lib/apk/db/installed", "/usr/lib/apk/db/installed"}
)

// Wanted reports whether the Collector keeps a file of this name (the
// cleaned absolute path inside its root file system). Symlinks at the
// top level (/bin -> usr/bin) are kept too, to map the file lists of
// merged-/usr systems onto the paths the walk reports.
func Wanted(name string, symlink bool) bool {
	dir, base := path.Split(name)
	dir = strings.TrimSuffix(dir, "/")
	switch {
	case name == "/var/lib/dpkg/status":
		return true
	case dir == "/var/lib/dpkg/status.d":
		return !strings.HasSuffix(base, ".md5sums")
	case dir == "/var/lib/dpkg/info":
		return strings.HasSuffix(base, ".list")
	case name == "/etc/os-release" || name == "/usr/lib/os-release":
		return true
	case symlink && dir == "" && base != "":
		return true
	}
	for _, d := range opkgDirs {
		if name == d+"/status" || dir == d+"/info" && (strings.HasSuffix(base, ".control") || strings.HasSuffix(base, ".list")) {
			return true
		}
	}
	for _, a := range apkFiles {
		if name == a {
			return true
		}
	}
	for _, d := range rpmDirs {
		if dir == d {
			for _, f := range rpmFiles {
				if base == f {
					return true
				}
			}
		}
	}
	return false
}

// VisitFile keeps the file when Wanted says so, copying its content.
func (c *Collector) VisitFile(f *imagescan.File, data []byte) error {
	name := cleanAbs(f.Name)
	symlink := f.LinkTarget != ""
	if !Wanted(name, symlink) {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.roots == nil {
		c.roots = map[string]*rootFiles{}
	}
	if !symlink && c.captured+int64(len(data)) > MaxCaptureBytes {
		c.errs = append(c.errs, fmt.Errorf("%s: not read: package database files exceed %d bytes in total: %w", f.Path, int64(MaxCaptureBytes), ErrTooLarge))
		return nil
	}
	r := c.roots[f.Root]
	if r == nil {
		r = &rootFiles{files: map[string]*capturedFile{}}
		c.roots[f.Root] = r
	}
	cf := &capturedFile{path: f.Path, link: f.LinkTarget}
	if !symlink {
		cf.data = append([]byte(nil), data...)
		c.captured += int64(len(data))
	}
	r.files[name] = cf
	return nil
}

// FileSet is a set of cleaned absolute paths inside one root file system.
type FileSet map[string]struct{}

// Has reports whether name is in the set.
func (s FileSet) Has(name string) bool { _, ok := s[name]; return ok }

// Sorted returns the paths in order.
func (s FileSet) Sorted() []string {
	out := make([]string, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// rootResult is what one root yields.
type rootResult struct {
	root  string
	doc   *sbom.Document
	owned FileSet
}

// Documents returns one document per root file system that holds a
// package database, in root order, and the errors met on the way (each an
// *sbom.ParseError naming the provenance path and line) joined with
// errors.Join. A database that fails to parse is left out; the documents
// of everything else are still returned.
func (c *Collector) Documents() ([]*sbom.Document, error) {
	res, err := c.analyze()
	var docs []*sbom.Document
	for _, r := range res {
		if r.doc != nil {
			docs = append(docs, r.doc)
		}
	}
	return docs, err
}

// OwnedFiles returns, per root (imagescan.File.Root), the files that the
// installed packages own according to their databases: dpkg/opkg file
// lists, apk and rpm file lists, conffiles and opkg alternative links.
// Paths under a top-level symlinked directory (/bin -> usr/bin on
// merged-/usr systems) are also given under the directory they resolve
// to, which is where the walk reports them.
func (c *Collector) OwnedFiles() map[string]FileSet {
	res, _ := c.analyze()
	out := make(map[string]FileSet, len(res))
	for _, r := range res {
		if len(r.owned) > 0 {
			out[r.root] = r.owned
		}
	}
	return out
}

func (c *Collector) analyze() ([]rootResult, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	errs := append([]error(nil), c.errs...)
	roots := make([]string, 0, len(c.roots))
	for r := range c.roots {
		roots = append(roots, r)
	}
	sort.Strings(roots)
	var out []rootResult
	for _, root := range roots {
		rr, e := c.analyzeRoot(root, c.roots[root])
		errs = append(errs, e...)
		out = append(out, rr)
	}
	return out, errors.Join(errs...)
}

// resolve follows symlinks from name inside the root and returns the
// captured regular file it ends at, or nil.
func (r *rootFiles) resolve(name string) *capturedFile {
	for hop := 0; hop < maxLinkHops; hop++ {
		f := r.files[name]
		if f == nil {
			// A symlinked directory on the way: /var/lib/opkg -> ...
			// is not followed (directory links are resolved only at the
			// top level, by alias).
			return nil
		}
		if f.link == "" {
			return f
		}
		t := f.link
		if !strings.HasPrefix(t, "/") {
			t = path.Join(path.Dir(name), t)
		}
		name = cleanAbs(t)
	}
	return nil
}

// alias maps a path under a top-level directory symlink to the path it
// resolves to ("/bin/ls" -> "/usr/bin/ls" when /bin -> usr/bin), or ""
// when the first element is not such a link.
func (r *rootFiles) alias(name string) string {
	rest := strings.TrimPrefix(name, "/")
	first, tail, _ := strings.Cut(rest, "/")
	f := r.files["/"+first]
	if f == nil || f.link == "" {
		return ""
	}
	return cleanAbs(path.Join(cleanAbs(f.link), tail))
}

// sortedNames returns the captured names under dir with the suffix.
func (r *rootFiles) sortedNames(dir, suffix string) []string {
	var out []string
	for n, f := range r.files {
		if f.link == "" && path.Dir(n) == dir && strings.HasSuffix(n, suffix) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

func (c *Collector) analyzeRoot(root string, r *rootFiles) (rootResult, []error) {
	res := rootResult{root: root, owned: FileSet{}}
	var errs []error
	var dbs []DB
	fail := func(kind string, f *capturedFile, err error) {
		errs = append(errs, parseError(formatNames[kind], f.path, err))
	}

	// os-release: /etc/os-release (often a link to ../usr/lib/os-release),
	// else /usr/lib/os-release.
	var osr *OSRelease
	for _, n := range []string{"/etc/os-release", "/usr/lib/os-release"} {
		if f := r.resolve(n); f != nil {
			o := ParseOSRelease(f.data)
			osr = &o
			break
		}
	}

	// dpkg: status, then distroless status.d files.
	var dpkgFiles []string
	if f := r.resolve("/var/lib/dpkg/status"); f != nil {
		dpkgFiles = append(dpkgFiles, "/var/lib/dpkg/status")
	}
	dpkgFiles = append(dpkgFiles, r.sortedNames("/var/lib/dpkg/status.d", "")...)
	for _, n := range dpkgFiles {
		f := r.resolve(n)
		pkgs, err := ParseDpkgStatus(f.data)
		if err != nil {
			fail(KindDpkgStatus, f, err)
			continue
		}
		for i := range pkgs {
			p := &pkgs[i]
			if !p.Installed {
				continue
			}
			cands := []string{"/var/lib/dpkg/info/" + p.Name + ".list"}
			if p.Arch != "" && p.Arch != "all" {
				cands = append([]string{"/var/lib/dpkg/info/" + p.Name + ":" + p.Arch + ".list"}, cands...)
			}
			errs = append(errs, attachList(r, p, cands)...)
		}
		dbs = append(dbs, DB{Type: Dpkg, Kind: KindDpkgStatus, File: f.path, Packages: pkgs})
	}

	// opkg: status enriched with info/*.control; control files alone
	// when there is no status.
	for _, d := range opkgDirs {
		controls := r.sortedNames(d+"/info", ".control")
		var ctl []Package
		var ctlFile []*capturedFile
		for _, n := range controls {
			f := r.files[n]
			pkgs, err := ParseOpkgStatus(f.data)
			if err != nil {
				fail(KindOpkgControl, f, err)
				continue
			}
			for range pkgs {
				ctlFile = append(ctlFile, f)
			}
			ctl = append(ctl, pkgs...)
		}
		attach := func(pkgs []Package) {
			for i := range pkgs {
				if pkgs[i].Installed {
					errs = append(errs, attachList(r, &pkgs[i], []string{d + "/info/" + pkgs[i].Name + ".list"})...)
				}
			}
		}
		if f := r.resolve(d + "/status"); f != nil {
			pkgs, err := ParseOpkgStatus(f.data)
			if err != nil {
				fail(KindOpkgStatus, f, err)
				continue
			}
			byName := map[string]*Package{}
			for i := range ctl {
				byName[ctl[i].Name] = &ctl[i]
			}
			for i := range pkgs {
				if cp := byName[pkgs[i].Name]; cp != nil {
					enrich(&pkgs[i], cp)
				}
			}
			attach(pkgs)
			dbs = append(dbs, DB{Type: Opkg, Kind: KindOpkgStatus, File: f.path, Packages: pkgs})
			continue
		}
		for i := range ctl {
			one := ctl[i : i+1 : i+1]
			attach(one)
			dbs = append(dbs, DB{Type: Opkg, Kind: KindOpkgControl, File: ctlFile[i].path, Packages: one})
		}
	}

	// apk
	for _, n := range apkFiles {
		f := r.resolve(n)
		if f == nil {
			continue
		}
		pkgs, err := ParseAPKInstalled(f.data)
		if err != nil {
			fail(KindAPKInstalled, f, err)
			continue
		}
		dbs = append(dbs, DB{Type: APK, Kind: KindAPKInstalled, File: f.path, Packages: pkgs})
	}

	// rpm
	for _, d := range rpmDirs {
		for _, b := range rpmFiles {
			f := r.resolve(d + "/" + b)
			if f == nil {
				continue
			}
			pkgs, err := ParseRPMDB(f.data, c.TempDir)
			if err != nil {
				fail(KindRPMDB, f, err)
				continue
			}
			dbs = append(dbs, DB{Type: RPM, Kind: KindRPMDB, File: f.path, Packages: pkgs})
		}
	}

	if len(dbs) == 0 {
		return res, errs
	}
	res.doc = BuildDocument(root, dbs, osr)
	for _, db := range dbs {
		for _, p := range db.Packages {
			if !p.Installed {
				continue
			}
			add := func(n string) {
				res.owned[n] = struct{}{}
				if a := r.alias(n); a != "" {
					res.owned[a] = struct{}{}
				}
			}
			for _, n := range p.Files {
				add(n)
			}
			for _, cf := range p.Conffiles {
				if fs := strings.Fields(cf); len(fs) > 0 {
					add(cleanAbs(fs[0]))
				}
			}
			for _, a := range p.Alternatives {
				add(a.Link)
			}
		}
	}
	return res, errs
}

// attachList reads the first existing file list among cands into p.Files.
func attachList(r *rootFiles, p *Package, cands []string) []error {
	for _, n := range cands {
		f := r.resolve(n)
		if f == nil {
			continue
		}
		files, err := ParseFileList(f.data)
		if err != nil {
			return []error{parseError(formatNames["file-list"], f.path, err)}
		}
		p.Files = files
		return nil
	}
	return nil
}

// enrich fills the fields an opkg status file leaves out (licence,
// source, maintainer, homepage, description) from the package's control
// file, when the control file describes the same version.
func enrich(p, ctl *Package) {
	if ctl.Version != "" && p.Version != "" && ctl.Version != p.Version {
		return
	}
	fill := func(dst *string, src string) {
		if *dst == "" {
			*dst = src
		}
	}
	fill(&p.License, ctl.License)
	fill(&p.Source, ctl.Source)
	fill(&p.SourceVersion, ctl.SourceVersion)
	fill(&p.Maintainer, ctl.Maintainer)
	fill(&p.Homepage, ctl.Homepage)
	fill(&p.Description, ctl.Description)
	fill(&p.Arch, ctl.Arch)
	if len(p.Depends) == 0 {
		p.Depends = ctl.Depends
	}
}
