package pkgdb

import (
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/cpe"
	"github.com/premarket/premarket/sbom/license"
)

// DB is one parsed package database of a root file system.
type DB struct {
	Type DBType
	// Kind is the Origin kind of its file (KindDpkgStatus, ...).
	Kind string
	// File is the provenance path of the database file, e.g.
	// "rootfs.tar!/var/lib/dpkg/status".
	File     string
	Packages []Package
}

// builder turns databases into components with per-build caches.
type builder struct {
	osr    OSRelease
	hasOS  bool
	lic    *license.Cache
	cpeTab *cpe.Table
}

// BuildDocument builds one document from the databases of one root file
// system. osr may be nil when os-release was not found. Only installed
// packages become components; dependencies are resolved within packages
// of the same package manager (see resolveDeps). name becomes
// Document.Name and Document.Source.
func BuildDocument(name string, dbs []DB, osr *OSRelease) *sbom.Document {
	b := &builder{lic: license.NewCache(), cpeTab: cpe.Default()}
	if osr != nil {
		b.osr, b.hasOS = *osr, true
	}
	doc := &sbom.Document{Source: name, Name: name}
	var kinds []string
	seenKind := map[string]bool{}
	byType := map[DBType][]*sbom.Component{}
	pkgOf := map[*sbom.Component]*Package{}
	refs := map[string]int{}
	seenPkg := map[string]bool{}
	for di := range dbs {
		db := &dbs[di]
		if !seenKind[db.Kind] {
			seenKind[db.Kind] = true
			kinds = append(kinds, db.Kind)
		}
		for pi := range db.Packages {
			p := &db.Packages[pi]
			if !p.Installed {
				continue
			}
			// The same package read twice (status and info/*.control,
			// usr/lib/opkg and var/lib/opkg) is one component; the first
			// database read wins.
			id := string(p.Type) + "\x00" + p.Name + "\x00" + p.Version + "\x00" + p.Arch
			if seenPkg[id] {
				continue
			}
			seenPkg[id] = true
			c := b.component(db, p)
			if n := refs[c.Ref]; n > 0 {
				refs[c.Ref] = n + 1
				c.Ref += "#" + strconv.Itoa(n+1)
			} else {
				refs[c.Ref] = 1
			}
			doc.Components = append(doc.Components, c)
			byType[p.Type] = append(byType[p.Type], c)
			pkgOf[c] = p
		}
	}
	doc.Format = strings.Join(kinds, "+")
	for _, t := range []DBType{Dpkg, Opkg, APK, RPM} {
		doc.Dependencies = append(doc.Dependencies, resolveDeps(byType[t], pkgOf)...)
	}
	doc.SortComponents()
	return doc
}

// ref returns the document-local ref of a package.
func ref(p *Package) string {
	r := "pkgdb:" + string(p.Type) + ":" + p.Name + "@" + p.Version
	if p.Arch != "" {
		r += ":" + p.Arch
	}
	return r
}

func (b *builder) component(db *DB, p *Package) *sbom.Component {
	c := &sbom.Component{
		Ref:         ref(p),
		Type:        componentType(p),
		Name:        p.Name,
		Version:     p.Version,
		Supplier:    p.Maintainer,
		Description: p.Description,
		Homepage:    p.Homepage,
		PURL:        b.purl(p),
		Origins:     []sbom.Origin{{Kind: db.Kind, File: db.File, Line: p.Line}},
		Loc:         sbom.Location{File: db.File, Line: p.Line},
	}
	if l := b.lic.Normalize(p.License); l.Declared != "" {
		c.Licenses = []sbom.License{l}
	}
	e, ok := b.cpeTab.Lookup(p.Name)
	if !ok && p.Source != "" {
		e, ok = b.cpeTab.Lookup(sourceName(p))
	}
	if ok {
		c.CPE = e.CPE(upstreamVersion(p))
		if c.Supplier == "" {
			c.Supplier = e.Supplier
		}
		if c.Homepage == "" {
			c.Homepage = e.Homepage
		}
		if e.Part == "o" {
			c.Type = sbom.TypeOperatingSystem
		}
	}
	c.Properties = append(c.Properties, sbom.Property{Name: PropType, Value: string(p.Type)})
	if src := sourceName(p); src != "" {
		v := src
		if p.SourceVersion != "" {
			v += " " + p.SourceVersion
		}
		c.Properties = append(c.Properties, sbom.Property{Name: PropSource, Value: v})
	}
	if p.Arch != "" {
		c.Properties = append(c.Properties, sbom.Property{Name: PropArch, Value: p.Arch})
	}
	if p.Status != "" {
		c.Properties = append(c.Properties, sbom.Property{Name: PropStatus, Value: p.Status})
	}
	if p.Essential {
		c.Properties = append(c.Properties, sbom.Property{Name: PropEssential, Value: "yes"})
	}
	if p.AutoInstalled {
		c.Properties = append(c.Properties, sbom.Property{Name: PropAutoInstalled, Value: "yes"})
	}
	if p.Checksum != "" {
		c.Properties = append(c.Properties, sbom.Property{Name: PropChecksum, Value: p.Checksum})
	}
	return c
}

// componentType applies the package's type rule (see the package
// documentation); the cpe table may still make it operating-system.
func componentType(p *Package) sbom.ComponentType {
	if strings.Contains(strings.ToLower(p.Name), "firmware") {
		return sbom.TypeFirmware
	}
	for _, f := range p.Files {
		switch path.Base(path.Dir(f)) {
		case "bin", "sbin", "libexec":
			return sbom.TypeApplication
		}
	}
	for _, a := range p.Alternatives {
		switch path.Base(path.Dir(a.Link)) {
		case "bin", "sbin":
			return sbom.TypeApplication
		}
	}
	return sbom.TypeLibrary
}

// sourceName is the source package name as the CPE lookup and the
// premarket:pkgdb:source property use it. OpenWrt control files write Source as a
// path in the build tree ("package/libs/openssl"); its last element is
// the source package.
//
// rpm records the source rpm's file name ("openssl-1.0.2k-12.el7.src.rpm");
// its name is what remains without ".src.rpm" and the last two
// "-"-separated parts (version and release).
func sourceName(p *Package) string {
	switch {
	case p.Type == Opkg && strings.Contains(p.Source, "/"):
		return path.Base(p.Source)
	case p.Type == RPM:
		s := strings.TrimSuffix(strings.TrimSuffix(p.Source, ".rpm"), ".src")
		s = strings.TrimSuffix(s, ".nosrc")
		for range 2 {
			i := strings.LastIndexByte(s, '-')
			if i <= 0 {
				return ""
			}
			s = s[:i]
		}
		return s
	}
	return p.Source
}

// upstreamVersion is the version to put in a CPE: without epoch, rpm's
// VERSION without RELEASE; sbom/cpe.Version removes the revision.
func upstreamVersion(p *Package) string {
	if p.Type == RPM {
		return p.RPMVersion
	}
	v := p.Version
	if p.Epoch != "" {
		v = strings.TrimPrefix(v, p.Epoch+":")
	}
	return v
}

// purl builds the package's PURL (see the package documentation).
func (b *builder) purl(p *Package) string {
	ns := ""
	if b.hasOS {
		ns = b.osr.ID
	}
	q := map[string]string{"arch": p.Arch}
	version := p.Version
	var typ string
	switch p.Type {
	case Dpkg:
		typ = packageurl.TypeDebian
		if ns == "" {
			ns = "debian"
		}
		if p.Source != "" {
			q["upstream"] = p.Source
			if p.SourceVersion != "" {
				q["upstream"] += "@" + p.SourceVersion
			}
		}
	case Opkg:
		typ = "opkg"
		if ns == "" {
			ns = "openwrt"
		}
		if s := sourceName(p); s != p.Name {
			q["upstream"] = s
		}
	case APK:
		typ = packageurl.TypeApk
		if ns == "" {
			ns = "alpine"
		}
		if p.Source != p.Name {
			q["upstream"] = p.Source
		}
	case RPM:
		typ = packageurl.TypeRPM
		switch {
		case ns == "rhel" || ns == "hummingbird":
			ns = "redhat"
		case strings.HasPrefix(ns, "opensuse"):
			ns = "opensuse"
		}
		version = p.RPMVersion + "-" + p.Release
		if p.Release == "" {
			version = p.RPMVersion
		}
		q["epoch"] = p.Epoch
		q["upstream"] = p.Source
	default:
		return ""
	}
	if b.hasOS {
		q["distro"] = b.osr.Distro()
	}
	keys := make([]string, 0, len(q))
	for k, v := range q {
		if v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	quals := make(packageurl.Qualifiers, 0, len(keys))
	for _, k := range keys {
		quals = append(quals, packageurl.Qualifier{Key: k, Value: q[k]})
	}
	return packageurl.NewPackageURL(typ, strings.ToLower(ns), p.Name, version, quals, "").ToString()
}

// resolveDeps builds the dependency graph among components of one
// package manager. A dependency group is satisfied by its first
// alternative that names an installed package or is provided by one (Provides, apk p:, rpm PROVIDENAME, or for rpm and apk a
// file path that a package owns). Among several candidates the one with
// the same architecture (or "all"/"noarch") is preferred, then the first
// in name order. Dependencies on packages that are not installed are
// dropped; so are self-dependencies.
func resolveDeps(comps []*sbom.Component, pkgOf map[*sbom.Component]*Package) []sbom.Dependency {
	if len(comps) == 0 {
		return nil
	}
	byName := map[string][]*sbom.Component{}
	provided := map[string][]*sbom.Component{}
	for _, c := range comps {
		p := pkgOf[c]
		byName[p.Name] = append(byName[p.Name], c)
		for _, v := range p.Provides {
			provided[v] = append(provided[v], c)
		}
		if p.Type == RPM || p.Type == APK {
			for _, f := range p.Files {
				provided[f] = append(provided[f], c)
			}
		}
	}
	pick := func(from *Package, cands []*sbom.Component) *sbom.Component {
		var best *sbom.Component
		for _, c := range cands {
			if archCompatible(from.Arch, pkgOf[c].Arch) && (best == nil || c.Ref < best.Ref) {
				best = c
			}
		}
		if best != nil {
			return best
		}
		for _, c := range cands {
			if best == nil || c.Ref < best.Ref {
				best = c
			}
		}
		return best
	}
	var out []sbom.Dependency
	for _, c := range comps {
		p := pkgOf[c]
		seen := map[string]bool{}
		var deps []string
		for _, grp := range p.Depends {
			var target *sbom.Component
			for _, alt := range grp {
				if cs := byName[alt]; len(cs) > 0 {
					target = pick(p, cs)
				} else if cs := provided[alt]; len(cs) > 0 {
					target = pick(p, cs)
				}
				if target != nil {
					break
				}
			}
			if target == nil || target == c || seen[target.Ref] {
				continue
			}
			seen[target.Ref] = true
			deps = append(deps, target.Ref)
		}
		if len(deps) > 0 {
			sort.Strings(deps)
			out = append(out, sbom.Dependency{Ref: c.Ref, DependsOn: deps})
		}
	}
	return out
}

// archCompatible reports whether a package of architecture b can satisfy
// a dependency of a package of architecture a.
func archCompatible(a, b string) bool {
	indep := func(x string) bool { return x == "" || x == "all" || x == "noarch" }
	return a == b || indep(a) || indep(b)
}
