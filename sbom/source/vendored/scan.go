// Package vendored finds third-party libraries copied into a firmware
// source tree ("vendored") and reports each copy as an SBOM component with
// its pedigree.
//
// # Identification
//
// A library is recognised by the version macros DEFINED in its own
// headers, never by folder name: the embedded rule table (rules.json, see
// Rule) names, per library, the header path relative to the library root
// (e.g. include/mbedtls/build_info.h), the macros that carry the version
// and how to assemble it (a string literal, integer parts, hex fields, a
// revision-ID table), macros that must also be defined, and companion
// files that must sit beside it (ff.c next to ff.h). The header is parsed
// for "#define NAME value" lines (ParseDefines); a project header that
// only #includes <mbedtls/version.h> or uses MBEDTLS_VERSION_STRING
// defines nothing and is not a hit, and a file is only read when its path
// ends with a rule's path. The library root is the part of the path before
// the rule's path.
//
// # Copies in test, example and documentation folders
//
// A library's own tests/, examples/, docs/ (and similar) folders sometimes
// hold further copies or fake version headers. A hit of the same library
// inside such a folder of an already identified root of that library is
// dropped and listed on the enclosing copy in
// premarket:vendored:ignored-copies. A hit inside such a folder that is
// not enclosed by another copy of the same library is kept but marked
// premarket:vendored:confidence=low. Two copies of one library elsewhere
// (different versions or not) are two components.
//
// # Pristine comparison (was the copy modified?)
//
// Where the tree also holds a record of the pristine upstream release, the
// copy is compared with it file by file (SHA-256). The convention:
//
//   - <libroot>/.premarket-pristine.sha256: sha256sum output ("<hex>  <path>"
//     or "<hex> *<path>") with paths relative to the library root;
//   - else a release tarball (gzip-compressed tar): <libroot>/.premarket-pristine.tar.gz,
//     or beside the copy <libroot>.tar.gz / .tgz, or <parent>/<name>-<version>.tar.gz / .tgz.
//     A single top-level folder common to all entries is stripped.
//
// The result is premarket:vendored:modified=true|false (unknown without a
// reference) and premarket:vendored:changed-files listing "M path"
// (modified), "A path" (added), "D path" (deleted), sorted, at most 100.
//
// # Output
//
// Scan returns a document whose primary component is the source tree and
// whose components are the copies found. Each carries the properties
// premarket:vendored=true, premarket:vendored:path (library root relative
// to the scanned root, "." for the root itself), premarket:vendored:rule,
// premarket:vendored:evidence ("file:line MACRO=value ..."),
// premarket:vendored:modified, and premarket:vendored:carrier when the copy
// sits inside another identified library (ESP-IDF's lwIP); the dependency
// graph follows that nesting. These properties are the CycloneDX encoding
// of the copy's pedigree.
//
// # Limits
//
// The walk never follows symbolic links (it opens everything through an
// os.Root), skips .git, .hg, .svn and .repo folders, and stops with an
// error beyond Options.MaxFiles files or Options.MaxDepth levels. At most
// Options.MaxHeaderBytes of a candidate header are read; pristine
// references and hashing are bounded by MaxPristineBytes and MaxHashBytes.
package vendored

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/cpe"
	"github.com/premarket/premarket/sbom/license"
)

// KindSourceTree is the input kind of a source-tree scan.
const KindSourceTree = "source-tree"

// Property names written by Scan.
const (
	PropVendored       = "premarket:vendored"
	PropPath           = "premarket:vendored:path"
	PropRule           = "premarket:vendored:rule"
	PropEvidence       = "premarket:vendored:evidence"
	PropModified       = "premarket:vendored:modified"
	PropChangedFiles   = "premarket:vendored:changed-files"
	PropPristine       = "premarket:vendored:pristine-reference"
	PropConfidence     = "premarket:vendored:confidence"
	PropCarrier        = "premarket:vendored:carrier"
	PropIgnoredCopies  = "premarket:vendored:ignored-copies"
	PristineSHA256File = ".premarket-pristine.sha256"
	PristineTarball    = ".premarket-pristine.tar.gz"
)

// Default limits.
const (
	DefaultMaxFiles         = 1_000_000
	DefaultMaxDepth         = 128
	DefaultMaxHeaderBytes   = 1 << 20
	DefaultMaxPristineBytes = 512 << 20
	DefaultMaxHashBytes     = 4 << 30
	maxChangedListed        = 100
	maxPristineEntries      = 500_000
)

// ErrLimit is wrapped by errors about exceeded limits.
var ErrLimit = errors.New("limit exceeded")

// Options tune Scan. The zero value uses the defaults and the embedded
// rule table.
type Options struct {
	MaxFiles         int
	MaxDepth         int
	MaxHeaderBytes   int64
	MaxPristineBytes int64 // largest checksum file or tarball read
	MaxHashBytes     int64 // total bytes hashed for pristine comparisons
	// Rules replaces the embedded table (tests, site-specific rules).
	Rules *Table
	// Name is the primary component's name; default the root's base name.
	Name string
}

func (o *Options) defaults() {
	if o.MaxFiles <= 0 {
		o.MaxFiles = DefaultMaxFiles
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	if o.MaxHeaderBytes <= 0 {
		o.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if o.MaxPristineBytes <= 0 {
		o.MaxPristineBytes = DefaultMaxPristineBytes
	}
	if o.MaxHashBytes <= 0 {
		o.MaxHashBytes = DefaultMaxHashBytes
	}
	if o.Rules == nil {
		o.Rules = DefaultRules()
	}
}

// skipDirs are version-control folders never descended into.
var skipDirs = map[string]bool{".git": true, ".hg": true, ".svn": true, ".repo": true}

// auxDirs name folders that hold a library's tests, examples or
// documentation rather than the library itself.
var auxDirs = map[string]bool{
	"test": true, "tests": true, "testing": true, "testdata": true, "unittest": true, "unittests": true,
	"example": true, "examples": true, "sample": true, "samples": true, "demo": true, "demos": true,
	"doc": true, "docs": true, "documentation": true, "fuzz": true, "fuzzing": true,
}

// hit is one identified copy.
type hit struct {
	cand     candidate
	rule     *Rule
	name     string
	version  string
	ev       evidence
	aux      bool     // sits in a test/example/doc folder
	ignored  []string // roots of dropped copies inside this one's aux folders
	carrier  *hit
	modified string
	changes  []string
	pristine string
	license  string // SPDX-License-Identifier of the identifying file
}

// Stats reports what a scan did (for benchmarks and logs).
type Stats struct {
	Files      int // regular files seen
	Candidates int // files whose path matched a rule
	Hits       int // copies reported
}

// Scan walks the source tree at root and returns the vendored libraries
// found, as described in the package documentation.
func Scan(ctx context.Context, root string, opts Options) (*sbom.Document, error) {
	doc, _, err := ScanStats(ctx, root, opts)
	return doc, err
}

// ScanStats is Scan that also returns counters.
func ScanStats(ctx context.Context, root string, opts Options) (*sbom.Document, Stats, error) {
	opts.defaults()
	var st Stats
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, st, fmt.Errorf("source tree %s: %w", root, err)
	}
	defer r.Close()
	fsys := r.FS()

	files := make(map[string]struct{}, 1024)
	var cands []candidate
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("source tree %s: %w", filepath.Join(root, filepath.FromSlash(p)), err)
		}
		if d.IsDir() {
			if p == "." {
				return nil
			}
			if skipDirs[d.Name()] {
				return fs.SkipDir
			}
			if strings.Count(p, "/")+1 > opts.MaxDepth {
				return fmt.Errorf("source tree %s: %s is more than %d folders deep: %w", root, p, opts.MaxDepth, ErrLimit)
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil // symbolic links, devices, sockets: never followed
		}
		st.Files++
		if st.Files%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if st.Files > opts.MaxFiles {
			return fmt.Errorf("source tree %s: more than %d files: %w", root, opts.MaxFiles, ErrLimit)
		}
		files[p] = struct{}{}
		cands = append(cands, opts.Rules.match(p)...)
		return nil
	})
	if err != nil {
		return nil, st, err
	}
	st.Candidates = len(cands)

	var hits []*hit
	for _, c := range cands {
		if err := ctx.Err(); err != nil {
			return nil, st, err
		}
		h, err := identify(fsys, root, c, opts, files)
		if err != nil {
			return nil, st, err
		}
		if h != nil {
			hits = append(hits, h)
		}
	}
	hits = dedupe(hits)
	hits = dropAuxCopies(hits)
	assignCarriers(hits)
	budget := opts.MaxHashBytes
	for _, h := range hits {
		if err := ctx.Err(); err != nil {
			return nil, st, err
		}
		comparePristine(fsys, h, files, opts, &budget)
	}
	st.Hits = len(hits)
	return buildDocument(root, opts, hits), st, nil
}

// identify reads a candidate file and applies its rule.
func identify(fsys fs.FS, root string, c candidate, opts Options, files map[string]struct{}) (*hit, error) {
	rule := &opts.Rules.rules[c.rule]
	spec := &rule.Files[c.file]
	if len(spec.Companions) > 0 {
		found := false
		for _, comp := range spec.Companions {
			if _, ok := files[joinRel(c.root, comp)]; ok {
				found = true
				break
			}
		}
		if !found {
			return nil, nil
		}
	}
	data, err := readHead(fsys, c.rel, opts.MaxHeaderBytes)
	if err != nil {
		return nil, fmt.Errorf("source tree %s: %w", filepath.Join(root, filepath.FromSlash(c.rel)), err)
	}
	if strings.IndexByte(string(data[:min(len(data), 8192)]), 0) >= 0 {
		return nil, nil // binary
	}
	var defs defines
	switch spec.Syntax {
	case "assign":
		defs = indexDefines(parseAssignments(data))
	case "line":
		defs = defines{}
		for i, l := range strings.Split(string(data), "\n") {
			if s := strings.TrimSpace(l); s != "" {
				defs[lineKey] = Define{Name: "VERSION", Value: s, Line: i + 1}
				break
			}
		}
	default:
		defs = indexDefines(ParseDefines(data))
	}
	for _, m := range spec.Require {
		if _, ok := defs[expand(m, c.wild)]; !ok {
			return nil, nil
		}
	}
	head := data[:min(len(data), 4096)]
	for i := range spec.Versions {
		v, ev, ok := spec.Versions[i].version(defs, head, c.wild)
		if !ok {
			continue
		}
		if v != "" && !plausibleVersion(v) {
			continue // "@PROJECT_VERSION@", "##MQTTCLIENT_VERSION_TAG##": a template, not a release
		}
		return &hit{cand: c, rule: rule, name: expand(rule.Name, c.wild), version: v, ev: ev, license: spdxLicenseID(head)}, nil
	}
	return nil, nil
}

// spdxLicenseID returns the licence a file declares in its own header with
// an "SPDX-License-Identifier:" tag (the REUSE convention most embedded
// libraries follow), or "".
func spdxLicenseID(head []byte) string {
	const tag = "SPDX-License-Identifier:"
	i := strings.Index(string(head), tag)
	if i < 0 {
		return ""
	}
	rest := string(head[i+len(tag):])
	if j := strings.IndexAny(rest, "\r\n"); j >= 0 {
		rest = rest[:j]
	}
	rest = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "*/"))
	return strings.TrimSpace(rest)
}

// plausibleVersion accepts versions with a digit and only version-like
// characters.
func plausibleVersion(v string) bool {
	digit := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '.', c == '-', c == '+', c == '_', c == '~':
		default:
			return false
		}
	}
	return digit && len(v) <= 64
}

func readHead(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}

func joinRel(root, p string) string {
	if root == "" {
		return p
	}
	return root + "/" + p
}

// dedupe keeps one hit per rule and root (the rule's most specific file).
func dedupe(hits []*hit) []*hit {
	best := map[[2]string]*hit{}
	var order [][2]string
	for _, h := range hits {
		k := [2]string{h.rule.ID, h.cand.root}
		if b, ok := best[k]; ok {
			if h.cand.file < b.cand.file {
				best[k] = h
			}
			continue
		}
		best[k] = h
		order = append(order, k)
	}
	out := make([]*hit, 0, len(order))
	for _, k := range order {
		out = append(out, best[k])
	}
	return out
}

// under reports whether p lies strictly inside dir ("" is the scan root).
func under(p, dir string) (rest string, ok bool) {
	if dir == "" {
		return p, p != ""
	}
	if strings.HasPrefix(p, dir+"/") {
		return p[len(dir)+1:], true
	}
	return "", false
}

func hasAuxSegment(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if auxDirs[strings.ToLower(seg)] {
			return true
		}
	}
	return false
}

// dropAuxCopies removes copies found in a test, example or doc folder of
// another copy of the same library, and marks other copies in such
// folders as low-confidence.
func dropAuxCopies(hits []*hit) []*hit {
	var out []*hit
	for _, h := range hits {
		var enclosing *hit
		for _, g := range hits {
			if g == h || g.rule != h.rule {
				continue
			}
			if rest, ok := under(h.cand.root, g.cand.root); ok && hasAuxSegment(rest) {
				if enclosing == nil || len(g.cand.root) > len(enclosing.cand.root) {
					enclosing = g
				}
			}
		}
		if enclosing != nil {
			enclosing.ignored = append(enclosing.ignored, rootLabel(h.cand.root))
			continue
		}
		h.aux = hasAuxSegment(h.cand.root)
		out = append(out, h)
	}
	return out
}

// assignCarriers links each copy to the innermost other copy containing it.
func assignCarriers(hits []*hit) {
	for _, h := range hits {
		for _, g := range hits {
			if g == h {
				continue
			}
			if _, ok := under(h.cand.root, g.cand.root); ok {
				if h.carrier == nil || len(g.cand.root) > len(h.carrier.cand.root) {
					h.carrier = g
				}
			}
		}
	}
}

func rootLabel(root string) string {
	if root == "" {
		return "."
	}
	return root
}

func (h *hit) ref() string {
	return "vendored:" + h.rule.ID + "@" + rootLabel(h.cand.root)
}

// buildDocument turns hits into the model.
func buildDocument(root string, opts Options, hits []*hit) *sbom.Document {
	name := opts.Name
	if name == "" {
		if abs, err := filepath.Abs(root); err == nil {
			name = filepath.Base(abs)
		} else {
			name = filepath.Base(root)
		}
	}
	doc := &sbom.Document{
		Format: KindSourceTree,
		Name:   name,
		Source: root,
		Primary: &sbom.Component{
			Ref:  "source-tree",
			Type: sbom.TypeApplication,
			Name: name,
			Properties: []sbom.Property{
				{Name: "premarket:source:kind", Value: KindSourceTree},
			},
			Origins: []sbom.Origin{{Kind: KindSourceTree, File: root}},
		},
	}
	deps := map[string][]string{}
	for _, h := range hits {
		c := component(root, h)
		doc.Components = append(doc.Components, c)
		parent := doc.Primary.Ref
		if h.carrier != nil {
			parent = h.carrier.ref()
		}
		deps[parent] = append(deps[parent], c.Ref)
	}
	for ref, on := range deps {
		doc.Dependencies = append(doc.Dependencies, sbom.Dependency{Ref: ref, DependsOn: on})
	}
	doc.SortComponents()
	return doc
}

func component(root string, h *hit) *sbom.Component {
	typ := sbom.ComponentType(h.rule.Type)
	if typ == "" {
		typ = sbom.TypeLibrary
	}
	c := &sbom.Component{
		Ref:         h.ref(),
		Type:        typ,
		Name:        h.name,
		Version:     h.version,
		Supplier:    h.rule.Supplier,
		Description: fmt.Sprintf("%s copied into the source tree at %s", h.name, rootLabel(h.cand.root)),
		Origins: []sbom.Origin{{
			Kind: KindSourceTree,
			File: filepath.Join(root, filepath.FromSlash(h.cand.rel)),
			Line: h.ev.Line,
		}},
	}
	if p, err := packageurl.FromString(expand(h.rule.PURL, h.cand.wild)); err == nil {
		p.Version = h.version
		c.PURL = p.ToString()
	}
	if h.license != "" {
		c.Licenses = []sbom.License{license.Normalize(h.license)}
	}
	if h.rule.CPE != nil {
		if v := cpe.Version(h.version); v != "" {
			c.CPE = cpe.Format(h.rule.CPE.Part, h.rule.CPE.Vendor, h.rule.CPE.Product, v)
		}
	}
	conf := "high"
	if h.aux || h.version == "" {
		conf = "low"
	}
	ev := h.cand.rel
	if h.ev.Line > 0 {
		ev += fmt.Sprintf(":%d", h.ev.Line)
	}
	if len(h.ev.Macros) > 0 {
		ev += " " + strings.Join(h.ev.Macros, " ")
	}
	props := []sbom.Property{
		{Name: PropVendored, Value: "true"},
		{Name: PropPath, Value: rootLabel(h.cand.root)},
		{Name: PropRule, Value: h.rule.ID},
		{Name: PropEvidence, Value: ev},
		{Name: PropConfidence, Value: conf},
		{Name: PropModified, Value: h.modified},
	}
	if h.pristine != "" {
		props = append(props, sbom.Property{Name: PropPristine, Value: h.pristine})
	}
	if len(h.changes) > 0 {
		list := h.changes
		more := ""
		if len(list) > maxChangedListed {
			more = fmt.Sprintf("; and %d more", len(list)-maxChangedListed)
			list = list[:maxChangedListed]
		}
		props = append(props, sbom.Property{Name: PropChangedFiles, Value: strings.Join(list, "; ") + more})
	}
	if h.carrier != nil {
		props = append(props, sbom.Property{Name: PropCarrier, Value: h.carrier.ref()})
	}
	if len(h.ignored) > 0 {
		ig := append([]string(nil), h.ignored...)
		sort.Strings(ig)
		props = append(props, sbom.Property{Name: PropIgnoredCopies, Value: strings.Join(ig, "; ")})
	}
	c.Properties = props
	return c
}

// cleanRel validates a path from a checksum list or tarball: relative,
// no "..", slash separated; "" when unusable.
func cleanRel(p string) string {
	p = strings.TrimPrefix(strings.ReplaceAll(p, "\\", "/"), "./")
	if p == "" || strings.HasPrefix(p, "/") {
		return ""
	}
	c := path.Clean(p)
	if c == "." || c == ".." || strings.HasPrefix(c, "../") {
		return ""
	}
	return c
}
