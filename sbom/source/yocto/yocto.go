// Package yocto reads the licence manifests that a Yocto Project (OpenEmbedded)
// image build writes to tmp/deploy/licenses/<image>/:
//
//   - license.manifest: one block per installed binary package,
//     "PACKAGE NAME / PACKAGE VERSION / RECIPE NAME / LICENSE", blocks
//     separated by blank lines (kind "yocto-license-manifest");
//   - image_license.manifest: one block per artefact deployed beside the
//     root filesystem (boot loader, kernel), "RECIPE NAME / VERSION /
//     LICENSE / FILES" (kind "yocto-image-license-manifest").
//
// Neither file records dependencies between packages, so the documents
// these readers produce have no dependency graph.
//
// # Components
//
// Each block becomes one component:
//
//   - Name is the binary package name (license.manifest) or the recipe
//     name (image_license.manifest); Version is the manifest's version.
//   - PURL is "pkg:yocto/<recipe>@<version>". The purl specification has a
//     registered "yocto" type whose name is the recipe (BPN) and whose
//     version is PV; its namespace, the layer, is not in these files and is
//     left out. A PURL identifies the recipe's source, so the several binary
//     packages of one recipe (acl, acl-locale-de, ...) share a PURL: they
//     are one piece of upstream software split into packages. The package
//     name stays in Name and the recipe in the premarket:build:recipe
//     property.
//   - CPE, Supplier and Homepage come from sbom/cpe when the recipe is a
//     well-known upstream project.
//   - Licences are normalised by sbom/license; the text as written is kept
//     in License.Declared.
//   - Type: "operating-system" for packages of a kernel recipe (the CPE
//     table's part "o"), "firmware" when the recipe name contains
//     "firmware" (linux-firmware, firmware-imx, ...), and "library"
//     otherwise. Items of image_license.manifest that are not a kernel are
//     "firmware": they are boot loaders and blobs written beside the root
//     filesystem.
//   - Properties premarket:build:system=yocto and
//     premarket:build:recipe=<recipe>; an Origin with the line of the
//     block's first line.
//
// # Errors
//
// A block missing a field, an unknown or duplicated field, a line that is
// not "FIELD: value", binary data and inputs beyond the limits are reported
// as *sbom.ParseError with the file and line.
package yocto

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/cpe"
	"github.com/premarket/premarket/sbom/license"
)

// Kinds of input read by this package.
const (
	KindLicenseManifest      = "yocto-license-manifest"
	KindImageLicenseManifest = "yocto-image-license-manifest"
)

// Limits on untrusted input.
const (
	// MaxInputSize is the largest manifest accepted (a 20,000-package
	// license.manifest is about 2 MB).
	MaxInputSize = 256 << 20
	// MaxLineLength is the longest line accepted.
	MaxLineLength = 1 << 20
	// MaxBlocks is the largest number of blocks accepted.
	MaxBlocks = 1_000_000
)

// format describes one of the two block formats.
type format struct {
	kind    string // source kind
	human   string // name used in errors
	fields  []string
	nameIdx int // field holding the component name
	verIdx  int
	recIdx  int
	licIdx  int
	image   bool // image_license.manifest
}

var _ sbom.Reader = (*LicenseManifestReader)(nil)
var _ sbom.Reader = (*ImageLicenseManifestReader)(nil)

// LicenseManifestReader reads license.manifest.
type LicenseManifestReader struct{ f format }

// NewLicenseManifestReader returns a reader of Yocto license.manifest files.
func NewLicenseManifestReader() *LicenseManifestReader {
	return &LicenseManifestReader{f: format{
		kind:   KindLicenseManifest,
		human:  "yocto license manifest",
		fields: []string{"PACKAGE NAME", "PACKAGE VERSION", "RECIPE NAME", "LICENSE"},
		// name, version, recipe, licence
		nameIdx: 0, verIdx: 1, recIdx: 2, licIdx: 3,
	}}
}

// Kind implements sbom.Reader.
func (r *LicenseManifestReader) Kind() string { return r.f.kind }

// Detect reports whether head starts with a "PACKAGE NAME:" block that
// has a "RECIPE NAME:" field.
func (r *LicenseManifestReader) Detect(name string, head []byte) bool {
	return detect(head, "PACKAGE NAME:", "RECIPE NAME:")
}

// Read implements sbom.Reader.
func (r *LicenseManifestReader) Read(ctx context.Context, name string, data []byte) (*sbom.Document, error) {
	return read(ctx, &r.f, name, data)
}

// ImageLicenseManifestReader reads image_license.manifest.
type ImageLicenseManifestReader struct{ f format }

// NewImageLicenseManifestReader returns a reader of Yocto
// image_license.manifest files.
func NewImageLicenseManifestReader() *ImageLicenseManifestReader {
	return &ImageLicenseManifestReader{f: format{
		kind:    KindImageLicenseManifest,
		human:   "yocto image license manifest",
		fields:  []string{"RECIPE NAME", "VERSION", "LICENSE", "FILES"},
		nameIdx: 0, verIdx: 1, recIdx: 0, licIdx: 2,
		image: true,
	}}
}

// Kind implements sbom.Reader.
func (r *ImageLicenseManifestReader) Kind() string { return r.f.kind }

// Detect reports whether head starts with a "RECIPE NAME:" block that has
// a "FILES:" field.
func (r *ImageLicenseManifestReader) Detect(name string, head []byte) bool {
	return detect(head, "RECIPE NAME:", "FILES:")
}

// Read implements sbom.Reader.
func (r *ImageLicenseManifestReader) Read(ctx context.Context, name string, data []byte) (*sbom.Document, error) {
	return read(ctx, &r.f, name, data)
}

// detect checks that the first non-blank line starts with first and that
// some line of head starts with other.
func detect(head []byte, first, other string) bool {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.TrimLeft(head, " \t\r\n")
	if !bytes.HasPrefix(head, []byte(first)) || bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	return bytes.Contains(head, []byte("\n"+other))
}

// block is one manifest block being read.
type block struct {
	line   int      // line of the block's first field
	values []string // by field index
	lines  []int    // line of each field, 0 when absent
}

func (b *block) reset(n int) {
	b.line = 0
	for i := 0; i < n; i++ {
		b.values[i] = ""
		b.lines[i] = 0
	}
}

// read parses data in format f.
func read(ctx context.Context, f *format, name string, data []byte) (*sbom.Document, error) {
	perr := func(line int, format string, args ...any) error {
		return &sbom.ParseError{Kind: f.human, File: name, Line: line, Err: fmt.Errorf(format, args...)}
	}
	if len(data) > MaxInputSize {
		return nil, perr(0, "input is %d bytes, more than the limit of %d", len(data), MaxInputSize)
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, perr(1+bytes.Count(data[:i], []byte("\n")), "binary data (NUL byte): not a text manifest")
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))

	doc := &sbom.Document{Format: f.kind, Source: name}
	st := &state{
		f:       f,
		name:    name,
		lic:     license.NewCache(),
		recipes: make(map[recipeKey]recipeInfo),
		seen:    make(map[string]int),
		doc:     doc,
		cpeTab:  cpe.Default(),
	}
	nf := len(f.fields)
	b := block{values: make([]string, nf), lines: make([]int, nf)}
	lineNo := 0
	for len(data) > 0 {
		lineNo++
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		if len(line) > MaxLineLength {
			return nil, perr(lineNo, "line is %d bytes, more than the limit of %d", len(line), MaxLineLength)
		}
		line = bytes.TrimRight(line, " \t\r")
		if len(bytes.TrimLeft(line, " \t")) == 0 {
			if b.line != 0 {
				if err := st.finish(&b); err != nil {
					return nil, err
				}
				b.reset(nf)
				if len(doc.Components)%4096 == 0 {
					if err := ctx.Err(); err != nil {
						return nil, err
					}
				}
			}
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			return nil, perr(lineNo, "expected \"FIELD: value\", got %q", truncate(line))
		}
		key := line[:colon]
		idx := -1
		for i, fld := range f.fields {
			if string(key) == fld {
				idx = i
				break
			}
		}
		if idx < 0 {
			return nil, perr(lineNo, "unknown field %q (want one of %s)", truncate(key), strings.Join(f.fields, ", "))
		}
		if b.lines[idx] != 0 {
			return nil, perr(lineNo, "duplicate field %q in the block starting at line %d (first at line %d)", f.fields[idx], b.line, b.lines[idx])
		}
		if b.line == 0 {
			b.line = lineNo
		}
		b.lines[idx] = lineNo
		b.values[idx] = string(bytes.TrimSpace(line[colon+1:]))
	}
	if b.line != 0 {
		if err := st.finish(&b); err != nil {
			return nil, err
		}
	}
	if len(doc.Components) == 0 {
		return nil, perr(0, "no %s blocks found", f.fields[0])
	}
	return doc, nil
}

// state is the per-Read context shared by the blocks.
type state struct {
	f       *format
	name    string
	lic     *license.Cache
	recipes map[recipeKey]recipeInfo
	seen    map[string]int // component name -> line
	doc     *sbom.Document
	cpeTab  *cpe.Table
}

// finish validates a complete block and appends its component.
func (st *state) finish(b *block) error {
	f := st.f
	var missing []string
	for i, fld := range f.fields {
		if b.lines[i] == 0 {
			missing = append(missing, fld)
		}
	}
	if len(missing) > 0 {
		return &sbom.ParseError{Kind: f.human, File: st.name, Line: b.line,
			Err: fmt.Errorf("block is missing %s (truncated?)", strings.Join(missing, ", "))}
	}
	name := b.values[f.nameIdx]
	recipe := b.values[f.recIdx]
	version := b.values[f.verIdx]
	if name == "" || recipe == "" {
		field := f.fields[f.nameIdx]
		line := b.lines[f.nameIdx]
		if name != "" {
			field, line = f.fields[f.recIdx], b.lines[f.recIdx]
		}
		return &sbom.ParseError{Kind: f.human, File: st.name, Line: line, Err: fmt.Errorf("empty %s", field)}
	}
	if prev, dup := st.seen[name]; dup {
		return &sbom.ParseError{Kind: f.human, File: st.name, Line: b.lines[f.nameIdx],
			Err: fmt.Errorf("%s %q already listed at line %d", f.fields[f.nameIdx], name, prev)}
	}
	if len(st.seen) >= MaxBlocks {
		return &sbom.ParseError{Kind: f.human, File: st.name, Line: b.line, Err: errors.New("too many blocks")}
	}
	st.seen[name] = b.lines[f.nameIdx]

	info := st.recipe(recipe, version)
	c := &sbom.Component{
		Ref:     f.kind + ":" + name,
		Type:    sbom.TypeLibrary,
		Name:    name,
		Version: version,
		PURL:    info.purl,
		CPE:     info.cpe,
		Properties: []sbom.Property{
			{Name: "premarket:build:system", Value: "yocto"},
			{Name: "premarket:build:recipe", Value: recipe},
		},
		Origins: []sbom.Origin{{Kind: f.kind, File: st.name, Line: b.line}},
		Loc:     sbom.Location{File: st.name, Line: b.line},
	}
	if l := st.lic.Normalize(b.values[f.licIdx]); l.Declared != "" {
		c.Licenses = []sbom.License{l}
	}
	if info.known {
		c.Supplier = info.entry.Supplier
		c.Homepage = info.entry.Homepage
	}
	switch {
	case info.known && info.entry.Part == "o":
		c.Type = sbom.TypeOperatingSystem
	case f.image || strings.Contains(recipe, "firmware"):
		c.Type = sbom.TypeFirmware
	}
	st.doc.Components = append(st.doc.Components, c)
	return nil
}

type recipeKey struct{ recipe, version string }

// recipeInfo is what one recipe at one version contributes to each of its
// packages.
type recipeInfo struct {
	purl  string
	cpe   string
	entry cpe.Entry
	known bool
}

// recipe returns the PURL pkg:yocto/<recipe>@<version> and the CPE table
// facts, memoised per recipe and version.
func (st *state) recipe(recipe, version string) recipeInfo {
	k := recipeKey{recipe, version}
	if ri, ok := st.recipes[k]; ok {
		return ri
	}
	ri := recipeInfo{purl: packageurl.NewPackageURL("yocto", "", recipe, version, nil, "").ToString()}
	ri.entry, ri.known = st.cpeTab.Lookup(recipe)
	if ri.known {
		ri.cpe = ri.entry.CPE(version)
	}
	st.recipes[k] = ri
	return ri
}

// truncate shortens input quoted in error messages.
func truncate(b []byte) string {
	if len(b) > 80 {
		return string(b[:80]) + "..."
	}
	return string(b)
}
