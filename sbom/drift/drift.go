// Package drift compares what a build declares with what a device image
// really holds — two SBOMs, typically premarket's SBOM of the build outputs
// (Yocto, Buildroot manifests) and its SBOM of the shipped image (package
// databases and binary identification) — and reports the differences as
// findings:
//
//	DRIFT-UNDECLARED        the image holds a component the build does not
//	                        declare (a vendor blob, an overlay, a statically
//	                        linked copy)
//	DRIFT-VERSION-MISMATCH  the image holds a declared component in another
//	                        version
//	DRIFT-ABSENT            a declared component was not found in the image
//	DRIFT-NOT-CHECKED       a part of the image could not be looked into, so
//	                        the comparison cannot vouch for it
//
// Compare is pure: documents in, findings out.
//
// # Matching
//
// An observed component matches a declared one when they have the same
// dedup key (sbom.Component.Key: PURL without qualifiers and name), or the
// same CPE vendor:product and normalised version, or the same normalised
// name and version (generate.NormalizeName / NormalizeVersion: epoch,
// leading "v" and distribution revision dropped, so Debian's
// 3.0.11-1~deb12u2 matches Yocto's 3.0.11). An observed component without
// a version matches any declared one of the same identity. Identity
// (without version) is: the same PURL type/namespace/name, the same CPE
// vendor:product, or the same normalised name.
//
// Observed components left over are version mismatches when a declared
// component of the same identity was not matched exactly by anything else,
// and undeclared otherwise (an additional copy in another version, next to
// the declared one, is undeclared software). Declared components neither
// matched nor part of a mismatch are absent.
//
// Not compared: build-host tools (premarket:build:scope host, they do not
// ship), the documents' primary components, components of type device,
// firmware components that only group others (type firmware without
// provenance in a document whose other components have provenance: the
// firmware entries of premarket.yaml), and components of type file
// (SPDX files, and the not-checked parts of images, which are reported
// as DRIFT-NOT-CHECKED instead).
package drift

import (
	"fmt"
	"sort"
	"strings"

	"github.com/premarket/premarket/finding"
	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/generate"
	"github.com/premarket/premarket/sbom/source/image"
)

// Rule IDs.
const (
	RuleUndeclared      = "DRIFT-UNDECLARED"
	RuleAbsent          = "DRIFT-ABSENT"
	RuleVersionMismatch = "DRIFT-VERSION-MISMATCH"
	RuleNotChecked      = "DRIFT-NOT-CHECKED"
)

// Rules describes the rules for renderers (SARIF) and help.
func Rules() []finding.Rule {
	return []finding.Rule{
		{ID: RuleUndeclared, Severity: finding.Error, Catalog: "FDA-SB7", Title: "Component in the image that the build does not declare",
			Help: "Add the component to the build's SBOM (vendor blobs and statically linked copies are software the device ships), or remove it from the image."},
		{ID: RuleVersionMismatch, Severity: finding.Error, Catalog: "FDA-SB8", Title: "Component in the image in another version than declared",
			Help: "The SBOM must describe the software as shipped: regenerate it from the build that produced the image, or rebuild the image."},
		{ID: RuleAbsent, Severity: finding.Warning, Catalog: "FDA-SB8", Title: "Declared component not found in the image",
			Help: "The component may be statically linked, renamed or dropped from the image; confirm and correct the SBOM."},
		{ID: RuleNotChecked, Severity: finding.Warning, Catalog: "FDA-SB4", Title: "Part of the image that could not be checked",
			Help: "premarket could not look into this part of the image (unsupported or encrypted format, a limit); justify its content in the submission or provide its SBOM."},
	}
}

// ParseFailOn parses a --fail-on list: rule IDs or their short names
// (undeclared, mismatch, absent, not-checked), "any" for all rules and
// "none" for none.
func ParseFailOn(list []string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, item := range list {
		for _, w := range strings.Split(item, ",") {
			switch strings.ToLower(strings.TrimSpace(w)) {
			case "":
			case "undeclared", strings.ToLower(RuleUndeclared):
				out[RuleUndeclared] = true
			case "mismatch", "version-mismatch", strings.ToLower(RuleVersionMismatch):
				out[RuleVersionMismatch] = true
			case "absent", strings.ToLower(RuleAbsent):
				out[RuleAbsent] = true
			case "not-checked", strings.ToLower(RuleNotChecked):
				out[RuleNotChecked] = true
			case "any", "all":
				for _, r := range Rules() {
					out[r.ID] = true
				}
			case "none":
			default:
				return nil, fmt.Errorf("--fail-on %q: want undeclared, mismatch, absent, not-checked, any or none", w)
			}
		}
	}
	return out, nil
}

// DefaultFailOn is the policy when none is given: undeclared components
// and version mismatches fail.
var DefaultFailOn = []string{"undeclared", "mismatch"}

// Options configure Compare.
type Options struct {
	// FailOn holds the rule IDs whose findings fail the comparison
	// (ParseFailOn); nil means DefaultFailOn.
	FailOn map[string]bool
}

// Result is the outcome of a comparison.
type Result struct {
	Findings []finding.Finding
	// Failed is true when a finding's rule is in Options.FailOn.
	Failed bool
	// Matched counts observed components that matched a declared one.
	Matched int
	// Counts per rule ID.
	Counts map[string]int
}

type comp struct {
	c       *sbom.Component
	key     string
	nn, nv  string
	vp      string // CPE vendor:product
	purl    string // PURL type/namespace/name
	matched bool   // declared: matched exactly by an observation
	seen    bool   // declared: part of a version mismatch
}

// Compare reports the drift between a declared and an observed document.
func Compare(declared, observed *sbom.Document, opts Options) Result {
	failOn := opts.FailOn
	if failOn == nil {
		failOn, _ = ParseFailOn(DefaultFailOn)
	}
	res := Result{Counts: map[string]int{}}
	var fs []finding.Finding
	add := func(f finding.Finding) {
		fs = append(fs, f)
		res.Counts[f.RuleID]++
	}

	// Not-checked parts, of either side.
	for _, d := range []*sbom.Document{observed, declared} {
		for _, c := range d.Components {
			if reason, ok := image.IsNotChecked(c); ok {
				add(finding.Finding{RuleID: RuleNotChecked, Severity: finding.Warning, Catalog: "FDA-SB4", Subject: c.Name,
					Message:  fmt.Sprintf("%s was not checked: %s", c.Name, reason),
					Location: location(c, d)})
			}
		}
	}

	decl := comparable(declared)
	obs := comparable(observed)
	byKey := map[string][]*comp{}
	byVPVer := map[string][]*comp{}
	byNameVer := map[string][]*comp{}
	byIdent := map[string][]*comp{}
	for _, d := range decl {
		byKey[d.key] = append(byKey[d.key], d)
		if d.vp != "" && d.nv != "" {
			byVPVer[d.vp+"@"+d.nv] = append(byVPVer[d.vp+"@"+d.nv], d)
		}
		if d.nv != "" {
			byNameVer[d.nn+"@"+d.nv] = append(byNameVer[d.nn+"@"+d.nv], d)
		}
		for _, id := range idents(d) {
			byIdent[id] = append(byIdent[id], d)
		}
	}
	identOf := func(o *comp) []*comp {
		seen := map[*comp]bool{}
		var out []*comp
		for _, id := range idents(o) {
			for _, d := range byIdent[id] {
				if !seen[d] {
					seen[d] = true
					out = append(out, d)
				}
			}
		}
		return out
	}

	// Pass 1: exact matches.
	var rest []*comp
	for _, o := range obs {
		var ms []*comp
		ms = append(ms, byKey[o.key]...)
		if o.nv != "" {
			if o.vp != "" {
				ms = append(ms, byVPVer[o.vp+"@"+o.nv]...)
			}
			ms = append(ms, byNameVer[o.nn+"@"+o.nv]...)
		} else {
			ms = append(ms, identOf(o)...)
		}
		if len(ms) == 0 {
			rest = append(rest, o)
			continue
		}
		res.Matched++
		for _, d := range ms {
			d.matched = true
		}
	}
	// Pass 2: mismatches and undeclared components.
	for _, o := range rest {
		var open []*comp
		for _, d := range identOf(o) {
			if !d.matched {
				open = append(open, d)
			}
		}
		if len(open) == 0 {
			add(finding.Finding{RuleID: RuleUndeclared, Severity: finding.Error, Catalog: "FDA-SB7", Subject: subject(o.c),
				Message:  fmt.Sprintf("%s is in the image but not declared by the build%s", subject(o.c), where(o.c)),
				Location: location(o.c, observed)})
			continue
		}
		var vs []string
		for _, d := range open {
			d.seen = true
			vs = append(vs, d.c.Name+" "+d.c.Version)
		}
		sort.Strings(vs)
		add(finding.Finding{RuleID: RuleVersionMismatch, Severity: finding.Error, Catalog: "FDA-SB8", Subject: subject(o.c),
			Message:  fmt.Sprintf("%s is in the image but the build declares %s%s", subject(o.c), strings.Join(vs, ", "), where(o.c)),
			Location: location(o.c, observed)})
	}
	for _, d := range decl {
		if d.matched || d.seen {
			continue
		}
		add(finding.Finding{RuleID: RuleAbsent, Severity: finding.Warning, Catalog: "FDA-SB8", Subject: subject(d.c),
			Message:  fmt.Sprintf("%s is declared by the build but was not found in the image", subject(d.c)),
			Location: location(d.c, declared)})
	}
	finding.Sort(fs)
	res.Findings = fs
	for _, f := range fs {
		if failOn[f.RuleID] {
			res.Failed = true
		}
	}
	return res
}

// comparable returns the components of d that take part in the
// comparison (see the package documentation).
func comparable(d *sbom.Document) []*comp {
	withOrigins := false
	for _, c := range d.Components {
		if len(c.Origins) > 0 {
			withOrigins = true
			break
		}
	}
	var out []*comp
	for _, c := range d.Components {
		if d.Primary != nil && c.Ref == d.Primary.Ref && c.Ref != "" {
			continue
		}
		if scope, _ := c.Property(sbom.PropBuildScope); scope == "host" {
			continue
		}
		switch c.Type {
		case sbom.TypeDevice, sbom.TypeFile:
			continue
		case sbom.TypeFirmware:
			if withOrigins && len(c.Origins) == 0 {
				continue
			}
		}
		out = append(out, &comp{c: c, key: c.Key(), nn: generate.NormalizeName(c.Name), nv: generate.NormalizeVersion(c.Version),
			vp: generate.CPEVendorProduct(c.CPE), purl: purlBase(c.PURL)})
	}
	return out
}

// idents lists the version-less identities of a component.
func idents(c *comp) []string {
	out := []string{"n:" + c.nn}
	if c.vp != "" {
		out = append(out, "c:"+c.vp)
	}
	if c.purl != "" {
		out = append(out, "p:"+c.purl)
	}
	return out
}

// purlBase returns "type/namespace/name" of a PURL, lower case, or "".
func purlBase(p string) string {
	if !strings.HasPrefix(p, "pkg:") {
		return ""
	}
	p = p[4:]
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if i := strings.LastIndexByte(p, '@'); i >= 0 {
		p = p[:i]
	}
	return strings.ToLower(p)
}

func subject(c *sbom.Component) string {
	if c.Version == "" {
		return c.Name
	}
	return c.Name + " " + c.Version
}

// where names up to three files the component was seen in.
func where(c *sbom.Component) string {
	var files []string
	seen := map[string]bool{}
	for _, e := range c.Evidence {
		if e.Location == "" {
			continue
		}
		f := e.Location
		if i := strings.LastIndex(f, "@0x"); i > 0 {
			f = f[:i]
		}
		if !seen[f] {
			seen[f] = true
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return ""
	}
	more := ""
	if len(files) > 3 {
		more = fmt.Sprintf(" and %d more", len(files)-3)
		files = files[:3]
	}
	return " (found in " + strings.Join(files, ", ") + more + ")"
}

// location points at the component's first origin, else at the document.
func location(c *sbom.Component, d *sbom.Document) finding.Location {
	if len(c.Origins) > 0 {
		o := c.Origins[0]
		return finding.Location{File: o.File, Line: o.Line, Path: o.Path}
	}
	if c.Loc.File != "" {
		return finding.Location{File: c.Loc.File, Line: c.Loc.Line, Column: c.Loc.Column, Path: c.Loc.Path}
	}
	return finding.Location{File: d.Source}
}
