// Package yoctospdx reads the SBOMs that the Yocto Project writes itself:
//
//   - the SPDX 2.2 JSON documents of the create-spdx (create-spdx-2.2)
//     class in a deploy directory, one per recipe, binary package and
//     runtime-dependency set plus one per image, linked to each other by
//     externalDocumentRefs (ReadDeployDir);
//   - SPDX 3.0.1 JSON-LD, as written by create-spdx-3.0 (Yocto styhead and
//     later), read by SPDX3Reader (kind "spdx3-jsonld").
//
// # Deploy directory (SPDX 2.2)
//
// ReadDeployDir walks a directory (give tmp/deploy, so that both
// tmp/deploy/spdx/<machine>/{recipes,packages,runtime}/ and the image
// document in tmp/deploy/images/<machine>/ are seen) and reads every
// regular *.spdx.json file; symbolic links (the by-namespace/ index) are
// not followed. Documents are indexed by documentNamespace, and a
// reference "DocumentRef-x:SPDXRef-y" is resolved through the referring
// document's externalDocumentRefs entry for x: its spdxDocument namespace
// and SHA-1 checksum. When several documents share a namespace the one
// whose SHA-1 matches is used; when none matches the first is used and the
// component gets premarket:yocto:spdx-checksum=mismatch; a reference to a
// document that is not in the directory yields a component named after the
// element with premarket:yocto:unresolved=<namespace>.
//
// The image document (a package "SPDXRef-Image-..." that CONTAINS
// packages of other documents) becomes the Primary component, and each
// package it contains a component:
//
//   - Name, Version and licence from the package document;
//   - the recipe, found through the package's GENERATED_FROM relationship
//     into its recipe document: premarket:build:recipe, PURL
//     pkg:yocto/<recipe>@<PV> (the convention of sbom/source/yocto), the
//     CPE Yocto wrote (externalRefs SECURITY cpe23Type; all of them in
//     premarket:yocto:cpe when there are several; a CPE whose vendor is "*"
//     is replaced by the sbom/cpe table's when the recipe is known there),
//     homepage, summary, the recipe's source download location;
//   - CVE status: create-spdx 2.2 records the CVEs fixed by the recipe's
//     patches in the recipe's sourceInfo ("CVEs fixed: CVE-... CVE-..."),
//     written as one property premarket:yocto:cve:<id>=fixed each;
//   - annotations: "isNative" becomes premarket:build:scope=host, custom
//     annotation variables "VAR=value" premarket:yocto:annotation:VAR.
//
// Recipes are also components (property premarket:yocto:element=recipe)
// that their packages depend on, unless DeployOptions.OmitRecipes is set.
// RUNTIME_DEPENDENCY_OF relationships of the runtime-* documents become
// dependencies between the packages. Without an image document, every
// binary package document in the directory is read and the primary
// component is left empty. When the directory holds several images,
// DeployOptions.Image selects one.
//
// When the directory holds no SPDX 2 image document but an SPDX 3.0 image
// SBOM (a JSON-LD file with a software_Sbom element), that file is read
// with SPDX3Reader.
package yoctospdx

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/premarket/premarket/internal/jsonpos"
	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/cpe"
	"github.com/premarket/premarket/sbom/license"
	"github.com/premarket/premarket/sbom/spdx"
)

// KindDeployDir is the input kind of a Yocto SPDX deploy directory.
const KindDeployDir = "yocto-spdx-deploy"

// Property names.
const (
	PropCVEPrefix  = "premarket:yocto:cve:" // + CVE id; value fixed | not_affected | affected | under_investigation
	PropElement    = "premarket:yocto:element"
	PropCPEs       = "premarket:yocto:cpe"
	PropUnresolved = "premarket:yocto:unresolved"
	PropChecksum   = "premarket:yocto:spdx-checksum"
	PropAnnotation = "premarket:yocto:annotation:"
)

// Default limits of ReadDeployDir.
const (
	DefaultMaxDocs      = 200_000
	DefaultMaxDocBytes  = 256 << 20
	DefaultMaxTotalSize = 8 << 30
)

// ErrLimit is wrapped by errors about exceeded limits.
var ErrLimit = errors.New("limit exceeded")

// DeployOptions tune ReadDeployDirOptions.
type DeployOptions struct {
	MaxDocs      int   // most *.spdx.json files read
	MaxDocBytes  int64 // largest single document
	MaxTotalSize int64 // all documents together
	// Image selects the image document by its name (the document name or
	// the image package name) when there are several.
	Image string
	// OmitRecipes leaves recipes out of the components.
	OmitRecipes bool
}

func (o *DeployOptions) defaults() {
	if o.MaxDocs <= 0 {
		o.MaxDocs = DefaultMaxDocs
	}
	if o.MaxDocBytes <= 0 {
		o.MaxDocBytes = DefaultMaxDocBytes
	}
	if o.MaxTotalSize <= 0 {
		o.MaxTotalSize = DefaultMaxTotalSize
	}
}

// SPDX 2.2 JSON as create-spdx writes it (the fields used here).
type doc22 struct {
	SPDXID            string `json:"SPDXID"`
	SPDXVersion       string `json:"spdxVersion"`
	Name              string `json:"name"`
	DocumentNamespace string `json:"documentNamespace"`
	CreationInfo      struct {
		Created  string   `json:"created"`
		Creators []string `json:"creators"`
		Comment  string   `json:"comment"`
	} `json:"creationInfo"`
	ExternalDocumentRefs []struct {
		ID       string `json:"externalDocumentId"`
		Document string `json:"spdxDocument"`
		Checksum struct {
			Algorithm string `json:"algorithm"`
			Value     string `json:"checksumValue"`
		} `json:"checksum"`
	} `json:"externalDocumentRefs"`
	Packages      []pkg22 `json:"packages"`
	Relationships []struct {
		From    string `json:"spdxElementId"`
		Type    string `json:"relationshipType"`
		To      string `json:"relatedSpdxElement"`
		Comment string `json:"comment"`
	} `json:"relationships"`
}

type pkg22 struct {
	SPDXID           string `json:"SPDXID"`
	Name             string `json:"name"`
	VersionInfo      string `json:"versionInfo"`
	Supplier         string `json:"supplier"`
	Homepage         string `json:"homepage"`
	DownloadLocation string `json:"downloadLocation"`
	LicenseDeclared  string `json:"licenseDeclared"`
	LicenseConcluded string `json:"licenseConcluded"`
	Summary          string `json:"summary"`
	Description      string `json:"description"`
	SourceInfo       string `json:"sourceInfo"`
	Comment          string `json:"comment"`
	ExternalRefs     []struct {
		Category string `json:"referenceCategory"`
		Type     string `json:"referenceType"`
		Locator  string `json:"referenceLocator"`
	} `json:"externalRefs"`
	Annotations []struct {
		Type      string `json:"annotationType"`
		Annotator string `json:"annotator"`
		Comment   string `json:"comment"`
	} `json:"annotations"`
}

// loaded is one document read from the directory.
type loaded struct {
	path string // as given by the user (dir joined)
	rel  string // relative to the directory
	sha1 string
	doc  doc22
	pkgs map[string]int // SPDXID -> index in doc.Packages
}

// ReadDeployDir reads a Yocto deploy directory with default options.
func ReadDeployDir(ctx context.Context, dir string) (*sbom.Document, error) {
	return ReadDeployDirOptions(ctx, dir, DeployOptions{})
}

// ReadDeployDirOptions reads a Yocto deploy directory as described in the
// package documentation.
func ReadDeployDirOptions(ctx context.Context, dir string, opts DeployOptions) (*sbom.Document, error) {
	opts.defaults()
	docs, spdx3, err := loadDir(ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	b := newBuilder(dir, opts)
	for _, l := range docs {
		b.byNS[l.doc.DocumentNamespace] = append(b.byNS[l.doc.DocumentNamespace], l)
	}
	var images []*loaded
	for _, l := range docs {
		if isImageDoc(l) {
			images = append(images, l)
		}
	}
	if len(images) == 0 && len(spdx3) > 0 {
		return readSPDX3Image(ctx, spdx3)
	}
	if len(images) > 1 {
		var sel []*loaded
		var names []string
		for _, l := range images {
			names = append(names, l.doc.Name)
			if opts.Image != "" && (l.doc.Name == opts.Image || imagePackageName(l) == opts.Image) {
				sel = append(sel, l)
			}
		}
		if len(sel) != 1 {
			return nil, fmt.Errorf("yocto spdx deploy %s: %d image documents (%s): choose one", dir, len(images), strings.Join(names, ", "))
		}
		images = sel
	}
	out := &sbom.Document{Format: KindDeployDir, SpecVersion: "SPDX-2.2", Source: dir, Name: filepath.Base(filepath.Clean(dir))}
	if len(images) == 1 {
		if err := b.image(images[0], out); err != nil {
			return nil, err
		}
	} else {
		for _, l := range docs {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			for i := range l.doc.Packages {
				p := &l.doc.Packages[i]
				if strings.HasPrefix(p.SPDXID, "SPDXRef-Package-") && b.generatedFrom(l, p) != "" {
					b.pkg(l, p)
				}
			}
		}
	}
	b.runtimeDeps(docs)
	for _, c := range b.comps {
		out.Components = append(out.Components, c)
	}
	for from, set := range b.deps {
		d := sbom.Dependency{Ref: from, DependsOn: []string{}}
		for to := range set {
			d.DependsOn = append(d.DependsOn, to)
		}
		out.Dependencies = append(out.Dependencies, d)
	}
	out.SortComponents()
	return out, nil
}

// loadDir reads every regular *.spdx.json under dir.
func loadDir(ctx context.Context, dir string, opts DeployOptions) ([]*loaded, []string, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("yocto spdx deploy %s: %w", dir, err)
	}
	defer root.Close()
	fsys := root.FS()
	var docs []*loaded
	var spdx3 []string
	var total int64
	n := 0
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("yocto spdx deploy %s: %w", filepath.Join(dir, filepath.FromSlash(p)), err)
		}
		if d.IsDir() || !d.Type().IsRegular() || !strings.HasSuffix(p, ".spdx.json") {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		n++
		if n > opts.MaxDocs {
			return fmt.Errorf("yocto spdx deploy %s: more than %d documents: %w", dir, opts.MaxDocs, ErrLimit)
		}
		data, err := readLimited(fsys, p, opts.MaxDocBytes)
		if err != nil {
			return &sbom.ParseError{Kind: "yocto SPDX", File: full, Err: err}
		}
		total += int64(len(data))
		if total > opts.MaxTotalSize {
			return fmt.Errorf("yocto spdx deploy %s: documents larger than %d bytes together: %w", dir, opts.MaxTotalSize, ErrLimit)
		}
		if (&SPDX3Reader{}).Detect(p, data[:min(len(data), 64<<10)]) {
			if bytes.Contains(data, []byte(`"software_Sbom"`)) {
				spdx3 = append(spdx3, full)
			}
			return nil
		}
		l, err := parse22(full, data)
		if err != nil {
			return err
		}
		l.rel = p
		docs = append(docs, l)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return docs, spdx3, nil
}

func readLimited(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("file is larger than the limit of %d bytes: %w", limit, ErrLimit)
	}
	return data, nil
}

// parse22 decodes one create-spdx document.
func parse22(name string, data []byte) (*loaded, error) {
	perr := func(line int, err error) error {
		return &sbom.ParseError{Kind: "yocto SPDX 2.2 JSON", File: name, Line: line, Err: err}
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, perr(bytes.Count(data[:i], []byte("\n"))+1, errors.New("binary data (NUL byte)"))
	}
	var d doc22
	if err := json.Unmarshal(data, &d); err != nil {
		if line, msg, ok := jsonpos.Describe(data, err); ok {
			return nil, perr(line, msg)
		}
		return nil, perr(0, err)
	}
	if !strings.HasPrefix(d.SPDXVersion, "SPDX-2.") {
		return nil, perr(0, fmt.Errorf("spdxVersion is %q, want SPDX-2.x", d.SPDXVersion))
	}
	if d.DocumentNamespace == "" {
		return nil, perr(0, errors.New("documentNamespace is missing"))
	}
	sum := sha1.Sum(data)
	l := &loaded{path: name, sha1: hex.EncodeToString(sum[:]), doc: d, pkgs: map[string]int{}}
	for i, p := range d.Packages {
		if _, dup := l.pkgs[p.SPDXID]; !dup {
			l.pkgs[p.SPDXID] = i
		}
	}
	return l, nil
}

func isImageDoc(l *loaded) bool {
	for _, p := range l.doc.Packages {
		if strings.HasPrefix(p.SPDXID, "SPDXRef-Image-") {
			return true
		}
	}
	return false
}

func imagePackageName(l *loaded) string {
	for _, p := range l.doc.Packages {
		if strings.HasPrefix(p.SPDXID, "SPDXRef-Image-") {
			return p.Name
		}
	}
	return ""
}

// builder assembles the product document.
type builder struct {
	dir   string
	opts  DeployOptions
	byNS  map[string][]*loaded
	lic   *license.Cache
	cpes  *cpe.Table
	comps map[string]*sbom.Component
	deps  map[string]map[string]bool
}

func newBuilder(dir string, opts DeployOptions) *builder {
	return &builder{
		dir: dir, opts: opts, byNS: map[string][]*loaded{}, lic: license.NewCache(), cpes: cpe.Default(),
		comps: map[string]*sbom.Component{}, deps: map[string]map[string]bool{},
	}
}

func (b *builder) addDep(from, to string) {
	if from == to {
		return
	}
	if b.deps[from] == nil {
		b.deps[from] = map[string]bool{}
	}
	b.deps[from][to] = true
}

// resolution is where a cross-document reference leads.
type resolution struct {
	doc      *loaded
	pkg      *pkg22
	ns       string // target namespace
	id       string // target SPDXID
	mismatch bool   // no document with the recorded SHA-1
}

// resolve follows "DocumentRef-x:SPDXRef-y" (or a local "SPDXRef-y") from l.
func (b *builder) resolve(l *loaded, ref string) resolution {
	docRef, id, ok := strings.Cut(ref, ":")
	if !ok {
		r := resolution{doc: l, ns: l.doc.DocumentNamespace, id: ref}
		if i, ok := l.pkgs[ref]; ok {
			r.pkg = &l.doc.Packages[i]
		}
		return r
	}
	r := resolution{id: id}
	for _, e := range l.doc.ExternalDocumentRefs {
		if e.ID != docRef {
			continue
		}
		r.ns = e.Document
		cands := b.byNS[e.Document]
		for _, c := range cands {
			if strings.EqualFold(c.sha1, e.Checksum.Value) {
				r.doc = c
				break
			}
		}
		if r.doc == nil && len(cands) > 0 {
			r.doc, r.mismatch = cands[0], true
		}
		break
	}
	if r.doc != nil {
		if i, ok := r.doc.pkgs[id]; ok {
			r.pkg = &r.doc.doc.Packages[i]
		}
	}
	return r
}

// image builds the primary component from the image document.
func (b *builder) image(l *loaded, out *sbom.Document) error {
	d := &l.doc
	out.Name = d.Name
	out.SerialNumber = d.DocumentNamespace
	out.Timestamp = d.CreationInfo.Created
	addCreators(out, d.CreationInfo.Creators)
	var img *pkg22
	imgIdx := 0
	for i := range d.Packages {
		if strings.HasPrefix(d.Packages[i].SPDXID, "SPDXRef-Image-") {
			img, imgIdx = &d.Packages[i], i
			break
		}
	}
	out.Primary = &sbom.Component{
		Ref:      ref(l, img.SPDXID),
		Type:     sbom.TypeFirmware,
		Name:     img.Name,
		Version:  spdx.Value(img.VersionInfo),
		Supplier: spdx.Party(img.Supplier),
		Properties: []sbom.Property{
			{Name: "premarket:build:system", Value: "yocto"},
			{Name: PropElement, Value: "image"},
		},
		Origins: []sbom.Origin{{Kind: KindDeployDir, File: l.path, Path: "packages[" + strconv.Itoa(imgIdx) + "]"}},
	}
	out.Supplier = out.Primary.Supplier
	for _, r := range d.Relationships {
		if r.From != img.SPDXID || !strings.EqualFold(r.Type, "CONTAINS") {
			continue
		}
		res := b.resolve(l, r.To)
		var c *sbom.Component
		if res.pkg == nil {
			c = b.unresolved(l, res, r.To)
		} else {
			c = b.pkg(res.doc, res.pkg)
			if res.mismatch {
				c.SetProperty(PropChecksum, "mismatch")
			}
		}
		b.addDep(out.Primary.Ref, c.Ref)
	}
	return nil
}

// unresolved records a reference whose document is not in the directory.
func (b *builder) unresolved(l *loaded, res resolution, rawRef string) *sbom.Component {
	name := strings.TrimPrefix(strings.TrimPrefix(res.id, "SPDXRef-Package-"), "SPDXRef-")
	key := res.ns + "#" + res.id
	if c, ok := b.comps[key]; ok {
		return c
	}
	c := &sbom.Component{
		Ref:  key,
		Type: sbom.TypeLibrary,
		Name: name,
		Properties: []sbom.Property{
			{Name: "premarket:build:system", Value: "yocto"},
			{Name: PropUnresolved, Value: firstNonEmpty(res.ns, rawRef)},
		},
		Origins: []sbom.Origin{{Kind: KindDeployDir, File: l.path}},
	}
	b.comps[key] = c
	return c
}

func ref(l *loaded, id string) string { return l.doc.DocumentNamespace + "#" + id }

// generatedFrom returns the GENERATED_FROM target of a package, "" if none.
func (b *builder) generatedFrom(l *loaded, p *pkg22) string {
	for _, r := range l.doc.Relationships {
		if r.From == p.SPDXID && strings.EqualFold(r.Type, "GENERATED_FROM") {
			return r.To
		}
	}
	return ""
}

// pkg returns (creating once) the component of a binary package.
func (b *builder) pkg(l *loaded, p *pkg22) *sbom.Component {
	key := ref(l, p.SPDXID)
	if c, ok := b.comps[key]; ok {
		return c
	}
	c := &sbom.Component{
		Ref:         key,
		Type:        sbom.TypeLibrary,
		Name:        p.Name,
		Version:     spdx.Value(p.VersionInfo),
		Supplier:    spdx.Party(p.Supplier),
		Description: firstNonEmpty(spdx.Value(p.Summary), spdx.Value(p.Description)),
		Homepage:    spdx.Value(p.Homepage),
		Properties:  []sbom.Property{{Name: "premarket:build:system", Value: "yocto"}},
		Origins:     []sbom.Origin{{Kind: KindDeployDir, File: l.path, Path: "packages[" + strconv.Itoa(l.pkgs[p.SPDXID]) + "]"}},
	}
	if lic := spdx.Licence(b.lic, p.LicenseDeclared, p.LicenseConcluded); lic != nil {
		c.Licenses = []sbom.License{*lic}
	}
	b.comps[key] = c
	if to := b.generatedFrom(l, p); to != "" {
		res := b.resolve(l, to)
		if res.pkg != nil {
			b.applyRecipe(c, res.doc, res.pkg)
			if res.mismatch {
				c.SetProperty(PropChecksum, "mismatch")
			}
			if !b.opts.OmitRecipes {
				rc := b.recipe(res.doc, res.pkg)
				b.addDep(c.Ref, rc.Ref)
			}
		} else if res.ns != "" {
			c.SetProperty(PropUnresolved, res.ns)
		}
	}
	return c
}

// recipe returns (creating once) the component of a recipe.
func (b *builder) recipe(l *loaded, p *pkg22) *sbom.Component {
	key := ref(l, p.SPDXID)
	if c, ok := b.comps[key]; ok {
		return c
	}
	c := &sbom.Component{
		Ref:         key,
		Type:        sbom.TypeLibrary,
		Name:        p.Name,
		Version:     spdx.Value(p.VersionInfo),
		Supplier:    spdx.Party(p.Supplier),
		Description: firstNonEmpty(spdx.Value(p.Summary), spdx.Value(p.Description)),
		Properties: []sbom.Property{
			{Name: "premarket:build:system", Value: "yocto"},
			{Name: PropElement, Value: "recipe"},
		},
		Origins: []sbom.Origin{{Kind: KindDeployDir, File: l.path, Path: "packages[" + strconv.Itoa(l.pkgs[p.SPDXID]) + "]"}},
	}
	if lic := spdx.Licence(b.lic, p.LicenseDeclared, p.LicenseConcluded); lic != nil {
		c.Licenses = []sbom.License{*lic}
	}
	b.applyRecipe(c, l, p)
	b.comps[key] = c
	return c
}

var cveRe = regexp.MustCompile(`CVE-[0-9]{4}-[0-9]{4,}`)

// applyRecipe copies what the recipe says to a component.
func (b *builder) applyRecipe(c *sbom.Component, l *loaded, r *pkg22) {
	c.SetProperty("premarket:build:recipe", r.Name)
	ver := firstNonEmpty(spdx.Value(r.VersionInfo), c.Version)
	if p, err := packageurl.FromString("pkg:yocto/" + r.Name); err == nil && r.Name != "" {
		p.Version = ver
		c.PURL = p.ToString()
	}
	var cpes []string
	for _, e := range r.ExternalRefs {
		t := e.Type
		if i := strings.LastIndexByte(t, '/'); i >= 0 {
			t = t[i+1:]
		}
		if t == "cpe23Type" && e.Locator != "" {
			cpes = append(cpes, e.Locator)
		}
	}
	entry, known := b.cpes.Lookup(r.Name)
	if len(cpes) > 0 {
		c.CPE = cpes[0]
		if len(cpes) > 1 {
			c.SetProperty(PropCPEs, strings.Join(cpes, " "))
		}
	}
	if known {
		if c.CPE == "" || strings.HasPrefix(c.CPE, "cpe:2.3:*:*:") {
			if s := entry.CPE(ver); s != "" {
				c.CPE = s
			}
		}
		c.Supplier = entry.Supplier
		if c.Homepage == "" {
			c.Homepage = entry.Homepage
		}
	}
	if c.Homepage == "" {
		c.Homepage = spdx.Value(r.Homepage)
	}
	if c.Description == "" {
		c.Description = firstNonEmpty(spdx.Value(r.Summary), spdx.Value(r.Description))
	}
	// The recipe's source download.
	for i := range l.doc.Packages {
		dp := &l.doc.Packages[i]
		if strings.HasPrefix(dp.SPDXID, "SPDXRef-Download-") {
			if u := spdx.Value(dp.DownloadLocation); u != "" && c.DownloadURL == "" {
				c.DownloadURL = u
			}
		}
	}
	// CVE status.
	if _, rest, ok := strings.Cut(r.SourceInfo, "CVEs fixed:"); ok {
		ids := cveRe.FindAllString(rest, -1)
		sort.Strings(ids)
		for _, id := range ids {
			c.SetProperty(PropCVEPrefix+id, "fixed")
		}
	}
	for _, a := range r.Annotations {
		switch {
		case a.Comment == "isNative":
			c.SetProperty(sbom.PropBuildScope, "host")
		case strings.Contains(a.Comment, "="):
			k, v, _ := strings.Cut(a.Comment, "=")
			c.SetProperty(PropAnnotation+strings.TrimSpace(k), strings.TrimSpace(v))
		}
	}
}

// runtimeDeps adds "X RUNTIME_DEPENDENCY_OF Y" (Y depends on X) between
// package components.
func (b *builder) runtimeDeps(docs []*loaded) {
	for _, l := range docs {
		for _, r := range l.doc.Relationships {
			if !strings.EqualFold(r.Type, "RUNTIME_DEPENDENCY_OF") {
				continue
			}
			from, to := b.resolve(l, r.To), b.resolve(l, r.From)
			if from.doc == nil || to.doc == nil {
				continue
			}
			fk, tk := ref(from.doc, from.id), ref(to.doc, to.id)
			if b.comps[fk] != nil && b.comps[tk] != nil {
				b.addDep(fk, tk)
			}
		}
	}
}

func addCreators(out *sbom.Document, creators []string) {
	for _, c := range creators {
		typ, val, _ := strings.Cut(c, ":")
		val = spdx.StripEmail(val)
		if val == "" || strings.EqualFold(val, "N/A") {
			continue
		}
		switch strings.TrimSpace(typ) {
		case "Tool":
			out.Tools = append(out.Tools, val)
		case "Organization", "Person":
			out.Authors = append(out.Authors, val)
		}
	}
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
