package buildroot

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/premarket/premarket/sbom"
)

// Column names of manifest.csv.
const (
	colPackage  = "PACKAGE"
	colVersion  = "VERSION"
	colLicense  = "LICENSE"
	colLicFiles = "LICENSE FILES"
	colArchive  = "SOURCE ARCHIVE"
	colSite     = "SOURCE SITE"
	colDeps     = "DEPENDENCIES WITH LICENSES"
)

var requiredColumns = []string{colPackage, colVersion, colLicense, colLicFiles, colArchive, colSite}

var _ sbom.Reader = (*ManifestReader)(nil)

// ManifestReader reads legal-info/manifest.csv or host-manifest.csv.
type ManifestReader struct {
	host bool
}

// NewManifestReader returns a reader of legal-info/manifest.csv (target
// packages).
func NewManifestReader() *ManifestReader { return &ManifestReader{} }

// NewHostManifestReader returns a reader of legal-info/host-manifest.csv
// (host tools, marked premarket:build:scope=host).
func NewHostManifestReader() *ManifestReader { return &ManifestReader{host: true} }

// Kind implements sbom.Reader.
func (r *ManifestReader) Kind() string {
	if r.host {
		return KindHostManifest
	}
	return KindManifest
}

func (r *ManifestReader) human() string {
	if r.host {
		return "buildroot host manifest"
	}
	return "buildroot manifest"
}

// Detect reports whether head is a Buildroot legal-info manifest of this
// reader's scope (see the package documentation for host versus target).
func (r *ManifestReader) Detect(name string, head []byte) bool {
	head = trimBOM(head)
	nl := bytes.IndexByte(head, '\n')
	if nl < 0 {
		return false
	}
	header := strings.ReplaceAll(strings.TrimRight(string(head[:nl]), "\r"), `"`, "")
	if !strings.HasPrefix(header, "PACKAGE,VERSION,LICENSE,") {
		return false
	}
	rest := head[nl+1:]
	first := rest
	if i := bytes.IndexByte(rest, ','); i >= 0 {
		first = rest[:i]
	}
	host := strings.Contains(strings.ToLower(filepath.Base(name)), "host-manifest") ||
		strings.Trim(string(first), `"`) == "buildroot"
	return host == r.host
}

// Read implements sbom.Reader.
func (r *ManifestReader) Read(ctx context.Context, name string, data []byte) (*sbom.Document, error) {
	perr := func(line int, err error) error {
		return &sbom.ParseError{Kind: r.human(), File: name, Line: line, Err: err}
	}
	if len(data) > MaxInputSize {
		return nil, perr(0, fmt.Errorf("input is %d bytes, more than the limit of %d", len(data), MaxInputSize))
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, perr(1+bytes.Count(data[:i], []byte("\n")), errors.New("binary data (NUL byte): not a CSV manifest"))
	}
	cr := csv.NewReader(bytes.NewReader(trimBOM(data)))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	csvErr := func(err error) error {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return perr(pe.Line, fmt.Errorf("column %d: %w", pe.Column, pe.Err))
		}
		return perr(0, err)
	}
	header, err := cr.Read()
	if err == io.EOF {
		return nil, perr(0, errors.New("empty file: no header row"))
	}
	if err != nil {
		return nil, csvErr(err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToUpper(strings.TrimSpace(h))
		if _, dup := col[h]; dup {
			return nil, perr(1, fmt.Errorf("duplicate column %q", h))
		}
		col[h] = i
	}
	for _, c := range requiredColumns {
		if _, ok := col[c]; !ok {
			return nil, perr(1, fmt.Errorf("missing column %q (header has %q)", c, strings.Join(header, ",")))
		}
	}
	depCol, hasDeps := col[colDeps]
	ncol := len(header)
	scope := ScopeTarget
	if r.host {
		scope = ScopeHost
	}

	b := newBuilder(r.Kind(), name)
	doc := &sbom.Document{Format: r.Kind(), Source: name}
	type depRow struct {
		ref  string
		deps string
	}
	var deps []depRow
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvErr(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line inside quotes-free CSV
		}
		if len(rec) != ncol {
			return nil, perr(line, fmt.Errorf("%d fields, the header has %d", len(rec), ncol))
		}
		p := pkg{
			name:    strings.TrimSpace(rec[col[colPackage]]),
			version: strings.TrimSpace(rec[col[colVersion]]),
			licence: rec[col[colLicense]],
			scope:   scope,
			line:    line,
		}
		if p.name == "" {
			return nil, perr(line, fmt.Errorf("empty %s", colPackage))
		}
		if prev, dup := seen[p.name]; dup {
			return nil, perr(line, fmt.Errorf("package %q already listed at line %d", p.name, prev))
		}
		if len(seen) >= MaxPackages {
			return nil, perr(line, errors.New("too many packages"))
		}
		seen[p.name] = line
		p.downloadURL = joinURL(strings.TrimSpace(rec[col[colSite]]), strings.TrimSpace(rec[col[colArchive]]))
		c := b.component(p)
		doc.Components = append(doc.Components, c)
		if hasDeps && rec[depCol] != "" {
			deps = append(deps, depRow{ref: c.Ref, deps: rec[depCol]})
		}
		if len(doc.Components)%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	if len(doc.Components) == 0 {
		return nil, perr(0, errors.New("no packages listed"))
	}
	refs := make(map[string]bool, len(doc.Components))
	for _, c := range doc.Components {
		refs[c.Ref] = true
	}
	for _, d := range deps {
		var on []string
		for _, n := range dependencyNames(d.deps) {
			var target string
			if h, ok := strings.CutPrefix(n, "host-"); ok {
				target = ref(h, ScopeHost)
			} else {
				target = ref(n, ScopeTarget)
			}
			if refs[target] && target != d.ref {
				on = append(on, target)
			}
		}
		if len(on) > 0 {
			doc.Dependencies = append(doc.Dependencies, sbom.Dependency{Ref: d.ref, DependsOn: on})
		}
	}
	doc.SortComponents()
	return doc, nil
}

// dependencyNames extracts the package names of a DEPENDENCIES WITH
// LICENSES value: "libzlib [Zlib] util-linux [GPL-2.0+, BSD-4-Clause]".
// Licences are skipped by matching their brackets. Names are deduplicated
// in order of appearance.
func dependencyNames(s string) []string {
	var out []string
	seen := map[string]bool{}
	for i := 0; i < len(s); {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		j := i
		for j < len(s) && s[j] != ' ' && s[j] != '[' {
			j++
		}
		if j > i {
			n := s[i:j]
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
		for j < len(s) && s[j] == ' ' {
			j++
		}
		if j < len(s) && s[j] == '[' {
			depth := 0
			for ; j < len(s); j++ {
				if s[j] == '[' {
					depth++
				} else if s[j] == ']' {
					depth--
					if depth == 0 {
						j++
						break
					}
				}
			}
		}
		i = j
	}
	return out
}
