// Package buildroot reads the outputs of a Buildroot build that describe
// its packages:
//
//   - legal-info/manifest.csv (kind "buildroot-manifest") and
//     legal-info/host-manifest.csv (kind "buildroot-host-manifest"),
//     with the columns PACKAGE, VERSION, LICENSE, LICENSE FILES, SOURCE
//     ARCHIVE, SOURCE SITE and, since Buildroot 2017.x, DEPENDENCIES WITH
//     LICENSES. Both quoting styles are read: every field quoted (Buildroot's
//     own) and quoted only when needed (files rewritten by other tools);
//   - the JSON of "make show-info" (kind "buildroot-show-info"), which
//     adds the CPE id of each package and the dependency graph;
//   - the JSON of "support/scripts/pkg-stats --json" (kind
//     "buildroot-pkg-stats"), a per-package report of the Buildroot tree
//     with CPE ids.
//
// # Components
//
//   - Ref is "buildroot:<package>" for target packages and
//     "buildroot:host-<package>" for host packages, the names Buildroot
//     itself uses, so refs agree between the CSV and show-info readers.
//   - PURL is "pkg:generic/<package>@<version>", with a download_url
//     qualifier built from SOURCE SITE and SOURCE ARCHIVE when both were
//     saved. The purl specification has no Buildroot type, and Buildroot
//     package names are Buildroot's own (libopenssl, libzlib), so the
//     generic type is the honest one; the CPE carries the upstream
//     identity. Qualifiers are dropped by sbom.Component.Key, so the same
//     package read from manifest.csv and show-info deduplicates.
//   - CPE: show-info's and pkg-stats' cpe-id are used verbatim; otherwise
//     the sbom/cpe table gives one for well-known packages. Supplier and
//     Homepage come from the table too.
//   - Licences are normalised by sbom/license (Buildroot's "unknown" is
//     kept as a licence named "unknown").
//   - DownloadURL is SOURCE SITE + "/" + SOURCE ARCHIVE; "not saved" and
//     "unknown" are treated as absent.
//   - Type: "operating-system" for the kernel (linux, linux-headers),
//     "firmware" for packages whose name contains "firmware", "library"
//     otherwise.
//   - Properties: premarket:build:system=buildroot,
//     premarket:build:recipe=<package>, and premarket:build:scope=target
//     or host.
//
// # Host packages
//
// Host packages (host-manifest.csv, show-info entries of type "host") are
// tools that run on the build machine; they do not ship in the device
// image. They are kept, because they are part of the build's supply chain
// and a reviewer may want them, but marked premarket:build:scope=host so
// that the product SBOM can leave them out (sbom/generate decides).
// Telling host-manifest.csv from manifest.csv: the columns are identical,
// so the host reader claims a file whose name contains "host-manifest" or
// whose first package is "buildroot" (Buildroot lists itself first in
// host-manifest.csv); the target reader claims the others.
//
// # Dependencies
//
// DEPENDENCIES WITH LICENSES and show-info's "dependencies" are Buildroot's
// build dependencies of a package (libraries it links against, tools it
// needs). They become Document.Dependencies. Edges to packages that are not
// components of the document (virtual packages, skeletons without legal
// info, host tools absent from a target manifest) are dropped, except that
// show-info's virtual packages are resolved to the real packages behind
// them, so every ref in the graph names a component.
package buildroot

import (
	"bytes"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/cpe"
	"github.com/premarket/premarket/sbom/license"
)

// Kinds of input read by this package.
const (
	KindManifest     = "buildroot-manifest"
	KindHostManifest = "buildroot-host-manifest"
	KindShowInfo     = "buildroot-show-info"
	KindPkgStats     = "buildroot-pkg-stats"
)

// Limits on untrusted input.
const (
	// MaxInputSize is the largest input accepted.
	MaxInputSize = 256 << 20
	// MaxPackages is the largest number of packages accepted.
	MaxPackages = 1_000_000
)

// Scopes written to premarket:build:scope.
const (
	ScopeTarget = "target"
	ScopeHost   = "host"
)

// absent reports whether a Buildroot value means "no value".
func absent(v string) bool {
	return v == "" || strings.EqualFold(v, "not saved") || strings.EqualFold(v, "unknown")
}

// ref returns the document-local ref of a package.
func ref(name, scope string) string {
	if scope == ScopeHost {
		return "buildroot:host-" + name
	}
	return "buildroot:" + name
}

// builder holds the per-Read caches shared by the readers.
type builder struct {
	kind   string
	file   string
	lic    *license.Cache
	cpeTab *cpe.Table
}

func newBuilder(kind, file string) *builder {
	return &builder{kind: kind, file: file, lic: license.NewCache(), cpeTab: cpe.Default()}
}

// pkg is what the readers know of one package.
type pkg struct {
	name, version, licence, scope string
	cpe                           string // verbatim CPE, when the input has one
	downloadURL                   string
	homepage                      string
	line                          int
	path                          string
}

// component builds the component of a package.
func (b *builder) component(p pkg) *sbom.Component {
	c := &sbom.Component{
		Ref:         ref(p.name, p.scope),
		Type:        sbom.TypeLibrary,
		Name:        p.name,
		Version:     p.version,
		CPE:         p.cpe,
		DownloadURL: p.downloadURL,
		Homepage:    p.homepage,
		Origins:     []sbom.Origin{{Kind: b.kind, File: b.file, Line: p.line, Path: p.path}},
		Loc:         sbom.Location{File: b.file, Line: p.line, Path: p.path},
	}
	var q packageurl.Qualifiers
	if p.downloadURL != "" {
		q = packageurl.Qualifiers{{Key: "download_url", Value: p.downloadURL}}
	}
	version := p.version
	if absent(version) {
		version = ""
	}
	c.PURL = packageurl.NewPackageURL("generic", "", p.name, version, q, "").ToString()
	if l := b.lic.Normalize(p.licence); l.Declared != "" {
		c.Licenses = []sbom.License{l}
	}
	if e, ok := b.cpeTab.Lookup(p.name); ok {
		if c.CPE == "" {
			c.CPE = e.CPE(p.version)
		}
		c.Supplier = e.Supplier
		if c.Homepage == "" {
			c.Homepage = e.Homepage
		}
		if e.Part == "o" {
			c.Type = sbom.TypeOperatingSystem
		}
	}
	if c.Type == sbom.TypeLibrary && strings.Contains(p.name, "firmware") {
		c.Type = sbom.TypeFirmware
	}
	c.Properties = make([]sbom.Property, 0, 3)
	c.Properties = append(c.Properties,
		sbom.Property{Name: "premarket:build:system", Value: "buildroot"},
		sbom.Property{Name: "premarket:build:recipe", Value: p.name})
	if p.scope != "" {
		c.Properties = append(c.Properties, sbom.Property{Name: "premarket:build:scope", Value: p.scope})
	}
	return c
}

// joinURL joins a Buildroot SOURCE SITE and SOURCE ARCHIVE.
func joinURL(site, archive string) string {
	if absent(site) || absent(archive) {
		return ""
	}
	return strings.TrimRight(site, "/") + "/" + archive
}

// trimBOM removes a UTF-8 byte order mark.
func trimBOM(b []byte) []byte { return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) }
