package west

import (
	"bytes"
	"context"
	"regexp"
	"strings"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/source/mcu/internal/common"
	"github.com/premarket/premarket/sbom/spdx"
)

// SPDXReader reads the SPDX 2.2/2.3 tag-value documents "west spdx"
// writes into build/spdx: zephyr.spdx (document "zephyr-sources": the
// Zephyr tree and one "<module>-sources" package per module), app.spdx
// ("app-sources"), build.spdx ("build": one package per CMake target,
// zephyr_final described), modules-deps.spdx ("modules-deps": one
// "<module>-deps" package per module, carrying the module.yml
// security.external-references) and sdk.spdx.
//
// Parsing is sbom/spdx's tag-value reader; this reader then adds what
// west spdx leaves out or writes in a form scanners do not match:
//
//   - "zephyr-sources" becomes component "zephyr" (operating-system) and
//     "<module>-sources" / "<module>-deps" become "<module>"; the SPDX
//     package name is kept as premarket:zephyr:spdx-package and the
//     document as premarket:zephyr:spdx-document.
//   - The git URL and revision are read back from PackageDownloadLocation
//     ("git+<url>@<revision>", as west spdx writes it) into
//     premarket:vcs:url / premarket:vcs:revision.
//   - PURL: west spdx builds "pkg:<host>/<owner>/<repo>@<tag>", e.g.
//     "pkg:github.com/zephyrproject-rtos/zephyr@v3.7.0", whose type is not
//     a purl type. Such a PURL is replaced by "pkg:github/<owner>/<repo>"
//     (or pkg:generic with vcs_url for other hosts) and kept verbatim as
//     premarket:zephyr:spdx-purl. Packages without a PURL get one from
//     their git URL and revision. Module "-deps" packages keep the PURLs
//     module.yml declared.
//   - CPE: Zephyr's own cpe:2.3:o:zephyrproject:zephyr:<version> is kept;
//     well-known modules get one from the MCU table when their version is
//     a release.
//   - Build targets (document "build") get premarket:zephyr:build-target
//     and, for zephyr_final, type firmware: they are the build's outputs,
//     not third-party components, and a consumer can tell them apart.
type SPDXReader struct {
	Options spdx.ReadOptions
}

var _ sbom.Reader = (*SPDXReader)(nil)

// NewSPDXReader returns a reader of west spdx output. It must be tried
// before the generic SPDX tag-value reader, which also accepts these
// documents.
func NewSPDXReader() *SPDXReader { return &SPDXReader{} }

// Kind implements sbom.Reader.
func (*SPDXReader) Kind() string { return KindSPDX }

var (
	spdxMarker = regexp.MustCompile(`(?m)^\s*SPDXVersion\s*:\s*SPDX-2\.`)
	zephyrTool = regexp.MustCompile(`(?m)^\s*Creator\s*:\s*Tool\s*:\s*Zephyr SPDX builder\s*\r?$`)
)

// Detect reports whether head is an SPDX 2.x tag-value document created
// by "Tool: Zephyr SPDX builder".
func (*SPDXReader) Detect(_ string, head []byte) bool {
	return bytes.IndexByte(head, 0) < 0 && spdxMarker.Match(head) && zephyrTool.Match(head)
}

// Read implements sbom.Reader.
func (r *SPDXReader) Read(ctx context.Context, name string, data []byte) (*sbom.Document, error) {
	doc, err := (&spdx.TagValueReader{Options: r.Options}).Read(ctx, name, data)
	if err != nil {
		return nil, err
	}
	if !zephyrTool.Match(data) {
		return nil, common.Errf("west spdx document", name, 0, "not written by the Zephyr SPDX builder (no \"Creator: Tool: Zephyr SPDX builder\")")
	}
	docName := doc.Name
	all := doc.Components
	if doc.Primary != nil {
		all = append([]*sbom.Component{doc.Primary}, all...)
	}
	for _, c := range all {
		enrich(c, docName)
	}
	// west spdx's zephyr.spdx and app.spdx DESCRIBE every package they
	// hold: none of them is "the" product, so all are components. Only a
	// build document (build.spdx) describes one thing, the build target.
	if doc.Primary != nil && describesSeveral(data) {
		doc.Components = all
		doc.Primary = nil
	}
	return doc, nil
}

// describesSeveral reports whether the document has more than one
// "Relationship: SPDXRef-DOCUMENT DESCRIBES ..." line.
func describesSeveral(data []byte) bool {
	return len(describesLine.FindAll(data, 2)) > 1
}

var describesLine = regexp.MustCompile(`(?m)^Relationship:\s*SPDXRef-DOCUMENT\s+DESCRIBES\s`)

// hostPURL matches the PURLs west spdx builds from a git URL.
var hostPURL = regexp.MustCompile(`^pkg:([a-z0-9-]+(?:\.[a-z0-9-]+)+)/`)

// enrich adds the identifiers and properties described on SPDXReader.
func enrich(c *sbom.Component, docName string) {
	for i := range c.Origins {
		c.Origins[i].Kind = KindSPDX
	}
	pkg := c.Name
	c.SetProperty(common.PropBuildSystem, "zephyr")
	c.SetProperty("premarket:zephyr:spdx-package", pkg)
	if docName != "" {
		c.SetProperty("premarket:zephyr:spdx-document", docName)
	}
	url, rev := splitDownload(c.DownloadURL)
	if url != "" {
		c.DownloadURL = url
	}
	if rev == "" {
		rev = c.Version
	}
	switch {
	case docName == "build":
		c.SetProperty("premarket:zephyr:build-target", pkg)
		if pkg == "zephyr_final" {
			c.Type = sbom.TypeFirmware
		}
		return
	case pkg == "app-sources":
		c.Type = sbom.TypeApplication
		return
	case pkg == "zephyr-sources":
		c.Name = "zephyr"
		c.Type = sbom.TypeOperatingSystem
	case strings.HasSuffix(pkg, "-sources"):
		c.Name = strings.TrimSuffix(pkg, "-sources")
	case strings.HasSuffix(pkg, "-deps") && docName == "modules-deps":
		c.Name = strings.TrimSuffix(pkg, "-deps")
		c.SetProperty("premarket:zephyr:module", c.Name)
		return // its PURLs and CPEs are the module's declared upstream
	default:
		return
	}
	common.SetVCS(c, url, rev)
	if c.PURL != "" && hostPURL.MatchString(c.PURL) {
		c.SetProperty("premarket:zephyr:spdx-purl", c.PURL)
		c.PURL = ""
	}
	if c.PURL == "" && url != "" {
		c.PURL = common.GitPURL(url, c.Name, rev)
	}
	version := common.ReleaseVersion(c.Version)
	if version == "" {
		version = common.ReleaseVersion(rev)
	}
	common.Identify(c, url, version)
}

// splitDownload splits west spdx's "git+<url>@<revision>".
func splitDownload(loc string) (url, rev string) {
	if !strings.HasPrefix(loc, "git+") {
		return "", ""
	}
	loc = strings.TrimPrefix(loc, "git+")
	slash := strings.LastIndexByte(loc, '/')
	if at := strings.LastIndexByte(loc, '@'); at > slash && slash >= 0 {
		return loc[:at], loc[at+1:]
	}
	return loc, ""
}
