package check

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/premarket/premarket/finding"
	"github.com/premarket/premarket/sbom"
)

// Profile selects which missing elements fail the check.
type Profile string

// Profiles. The zero value means ProfileFDA.
const (
	// ProfileNTIA fails on missing NTIA minimum elements; FDA support
	// data is reported as warnings.
	ProfileNTIA Profile = "ntia"
	// ProfileFDA additionally fails on missing support level and
	// end-of-support date (or justification). It is the default.
	ProfileFDA Profile = "fda"
)

func (p Profile) normalize() Profile {
	if strings.EqualFold(string(p), string(ProfileNTIA)) {
		return ProfileNTIA
	}
	return ProfileFDA
}

// ParseProfile parses "ntia" or "fda" (case-insensitive); "" is fda.
func ParseProfile(s string) (Profile, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "fda":
		return ProfileFDA, nil
	case "ntia":
		return ProfileNTIA, nil
	}
	return ProfileFDA, fmt.Errorf("unknown SBOM check profile %q (want ntia or fda)", s)
}

// Options configures Run.
type Options struct {
	// Profile is "ntia" or "fda"; empty means fda.
	Profile Profile
	// Now is the date the check is made, used only by SBOM-FDA-EOS-PASSED.
	// The zero value disables that rule, which keeps runs reproducible
	// unless the caller opts in (e.g. from SOURCE_DATE_EPOCH).
	Now time.Time
}

// Element keys of Result.Scores, in the order they are reported.
const (
	ElemSupplier     = "NTIA-F1"
	ElemName         = "NTIA-F2"
	ElemVersion      = "NTIA-F3"
	ElemIdentifier   = "NTIA-F4"
	ElemDependency   = "NTIA-F5"
	ElemAuthor       = "NTIA-F6"
	ElemTimestamp    = "NTIA-F7"
	ElemSupportLevel = "FDA-SB1"
	ElemEndOfSupport = "FDA-SB2"
	ElemVulnID       = "VULN-ID"
	ElemHash         = "HASH"
	ElemLicense      = "LICENSE"
)

// ElementScore says how many components satisfy one element.
type ElementScore struct {
	ID    string `json:"id"`    // catalog ID or one of the Elem* keys
	Title string `json:"title"` // short human name
	// Satisfied counts components that fully satisfy the element (a
	// present, well-formed value); Total counts the components the element
	// applies to. Document-level elements (NTIA-F6, NTIA-F7) count the
	// document: 0/1 or 1/1.
	Satisfied int `json:"satisfied"`
	Total     int `json:"total"`
	// Justified counts components that lack the value but carry a
	// justification (FDA-SB4); only for FDA-SB1 and FDA-SB2.
	Justified int `json:"justified,omitempty"`
	// Percent is 100*Satisfied/Total rounded to one decimal, 0 when Total
	// is 0 (renderers should show "n/a" then).
	Percent float64 `json:"percent"`
}

// Result is what Run found in one document.
type Result struct {
	Profile Profile
	// Findings are sorted with finding.Sort; one per rule per element.
	Findings []finding.Finding
	// Scores lists the elements in a fixed order: NTIA-F1..F7, FDA-SB1,
	// FDA-SB2, VULN-ID (valid PURL or CPE), HASH, LICENSE.
	Scores []ElementScore
}

// Failed reports whether the document fails its profile: whether any
// finding is an error.
func (r Result) Failed() bool { return finding.Fails(r.Findings, finding.Error) }

// componentClass decides which rules apply to a component.
type componentClass int

const (
	classSoftware    componentClass = iota // every rule
	classHardware                          // type device: supplier, name, version (warning) only
	classNonSoftware                       // cryptographic-asset, data: name only, not scored
)

func classify(c *sbom.Component) componentClass {
	switch c.Type {
	case sbom.TypeDevice:
		return classHardware
	case sbom.TypeCryptoAsset, sbom.TypeData:
		return classNonSoftware
	}
	return classSoftware
}

// propNotChecked marks a part of an image that could not be examined
// (written by sbom/source/image; the name is repeated here so that the
// checks do not depend on the image reader).
const propNotChecked = "premarket:image:not-checked"

// checker holds the state of one Run.
type checker struct {
	doc     *sbom.Document
	opts    Options
	profile Profile
	spdx    bool
	out     []finding.Finding
	scores  map[string]*ElementScore
}

// Run checks one document against the NTIA minimum elements and FDA's
// additions and returns its findings and per-element scores. It never
// fails: a nil document yields an empty, passing result.
func Run(doc *sbom.Document, opts Options) Result {
	ck := &checker{doc: doc, opts: opts, profile: opts.Profile.normalize(), scores: map[string]*ElementScore{}}
	order := []struct{ id, title string }{
		{ElemSupplier, "supplier"}, {ElemName, "name"}, {ElemVersion, "version"},
		{ElemIdentifier, "unique identifier"}, {ElemDependency, "dependency relationship"},
		{ElemAuthor, "SBOM author"}, {ElemTimestamp, "timestamp"},
		{ElemSupportLevel, "support level"}, {ElemEndOfSupport, "end of support"},
		{ElemVulnID, "valid PURL or CPE"}, {ElemHash, "hashes"}, {ElemLicense, "licences"},
	}
	for _, o := range order {
		ck.scores[o.id] = &ElementScore{ID: o.id, Title: o.title}
	}
	if doc != nil {
		ck.spdx = strings.Contains(strings.ToUpper(doc.Format+" "+doc.SpecVersion), "SPDX")
		ck.document()
		deps := ck.dependencies()
		if doc.Primary != nil {
			ck.component(doc.Primary, true, deps)
		}
		for _, c := range doc.Components {
			if c != nil {
				ck.component(c, false, deps)
			}
		}
	}
	finding.Sort(ck.out)
	res := Result{Profile: ck.profile, Findings: ck.out}
	for _, o := range order {
		s := ck.scores[o.id]
		if s.Total > 0 {
			s.Percent = math.Round(1000*float64(s.Satisfied)/float64(s.Total)) / 10
		}
		res.Scores = append(res.Scores, *s)
	}
	return res
}

// score records one component's outcome for an element.
func (ck *checker) score(id string, ok bool) {
	s := ck.scores[id]
	s.Total++
	if ok {
		s.Satisfied++
	}
}

// field names the place to fix something, in the document's own format.
func (ck *checker) field(cdx, spdx string) string {
	if ck.spdx {
		return spdx
	}
	return cdx
}

func (ck *checker) location(l sbom.Location) finding.Location {
	file := l.File
	if file == "" {
		file = ck.doc.Source
	}
	if file == "" {
		file = ck.doc.Loc.File
	}
	return finding.Location{File: file, Line: l.Line, Column: l.Column, Path: l.Path}
}

// add appends a finding of rule id with the severity the profile gives it,
// lowered to max when max is lower (documented per rule).
func (ck *checker) add(id string, max finding.Severity, subject string, loc sbom.Location, format string, args ...any) {
	r := ruleByID(id)
	sev := r.fda
	if ck.profile == ProfileNTIA {
		sev = r.ntia
	}
	if max < sev {
		sev = max
	}
	ck.out = append(ck.out, finding.Finding{
		RuleID:   id,
		Severity: sev,
		Catalog:  r.catalog,
		Subject:  subject,
		Message:  fmt.Sprintf(format, args...),
		Location: ck.location(loc),
	})
}

// docSubject names the document in findings about the document itself.
func (ck *checker) docSubject() string {
	switch {
	case ck.doc.Name != "":
		return ck.doc.Name
	case ck.doc.Primary != nil && ck.doc.Primary.Name != "":
		return subjectOf(ck.doc.Primary)
	}
	return "SBOM"
}

// subjectOf names a component as name@version (or its ref).
func subjectOf(c *sbom.Component) string {
	name := c.Name
	if c.Group != "" && name != "" {
		name = c.Group + "/" + name
	}
	switch {
	case name != "" && c.Version != "":
		return name + "@" + c.Version
	case name != "":
		return name
	case c.Ref != "":
		return "ref " + c.Ref
	}
	return "unnamed component"
}

func (ck *checker) document() {
	d := ck.doc
	subj := ck.docSubject()
	authors := nonEmpty(d.Authors)
	switch {
	case authors:
		ck.score(ElemAuthor, true)
	case nonEmpty(d.Tools) || strings.TrimSpace(d.Supplier) != "":
		ck.score(ElemAuthor, false)
		var have []string
		if nonEmpty(d.Tools) {
			have = append(have, "tool "+strings.Join(d.Tools, ", "))
		}
		if strings.TrimSpace(d.Supplier) != "" {
			have = append(have, "manufacturer "+d.Supplier)
		}
		ck.add(RuleAuthorToolOnly, finding.Error, subj, d.Loc,
			"SBOM names %s but no author of the SBOM data: add %s (NTIA-F6)",
			strings.Join(have, " and "), ck.field("metadata.authors", "a creationInfo.creators entry 'Organization: ...' or 'Person: ...'"))
	default:
		ck.score(ElemAuthor, false)
		ck.add(RuleAuthor, finding.Error, subj, d.Loc,
			"SBOM has no author: add %s naming who produced the SBOM data (NTIA-F6)",
			ck.field("metadata.authors", "a creationInfo.creators entry 'Organization: ...' or 'Person: ...'"))
	}

	ts := strings.TrimSpace(d.Timestamp)
	switch {
	case ts == "":
		ck.score(ElemTimestamp, false)
		ck.add(RuleTimestamp, finding.Error, subj, d.Loc,
			"SBOM has no timestamp: add %s as an RFC 3339 date-time such as 2024-05-01T12:00:00Z (NTIA-F7)",
			ck.field("metadata.timestamp", "creationInfo.created"))
	default:
		if _, err := time.Parse(time.RFC3339, ts); err != nil {
			ck.score(ElemTimestamp, false)
			ck.add(RuleTimestampFormat, finding.Error, subj, d.Loc,
				"SBOM timestamp %q is not an RFC 3339 date-time: write it like 2024-05-01T12:00:00Z (NTIA-F7)", ts)
		} else {
			ck.score(ElemTimestamp, true)
		}
	}

	if d.Primary == nil {
		ck.add(RulePrimary, finding.Error, subj, d.Loc,
			"SBOM does not name its primary component: add %s describing the device or product (NTIA-F5)",
			ck.field("metadata.component", "documentDescribes or a DESCRIBES relationship"))
	}
	if strings.TrimSpace(d.SerialNumber) == "" {
		ck.add(RuleSerial, finding.Error, subj, d.Loc,
			"SBOM has no serial number: add %s so this revision can be identified (FDA-SB8)",
			ck.field("serialNumber (urn:uuid:...)", "documentNamespace"))
	}
	count := 0
	for _, c := range d.Components {
		if c != nil {
			count++
		}
	}
	if count == 0 {
		ck.add(RuleEmpty, finding.Error, subj, d.Loc,
			"SBOM lists no components: list every software component of the product (DOC-06)")
	}
}

func nonEmpty(xs []string) bool {
	for _, x := range xs {
		if strings.TrimSpace(x) != "" {
			return true
		}
	}
	return false
}

// depGraph is the dependency graph indexed by ref.
type depGraph struct {
	// entries maps a ref to whether it has an entry of its own.
	entries map[string]bool
	// included maps a ref to whether some entry lists it in dependsOn:
	// the component is related to the product ("X is included in Y",
	// NTIA-F5), even when its own dependencies are unknown.
	included map[string]bool
	// empty is true when the document has no relationships at all, in
	// which case one document-level error stands for every component.
	empty bool
}

func (ck *checker) dependencies() depGraph {
	d := ck.doc
	g := depGraph{entries: map[string]bool{}, included: map[string]bool{}}
	known := map[string]bool{}
	if d.Primary != nil && d.Primary.Ref != "" {
		known[d.Primary.Ref] = true
	}
	for _, c := range d.Components {
		if c != nil && c.Ref != "" {
			known[c.Ref] = true
		}
	}
	edges := 0
	dangling := map[string]bool{}
	for _, dep := range d.Dependencies {
		g.entries[dep.Ref] = true
		edges += len(dep.DependsOn)
		for _, to := range dep.DependsOn {
			g.included[to] = true
		}
		for _, r := range append([]string{dep.Ref}, dep.DependsOn...) {
			if r != "" && !known[r] {
				dangling[r] = true
			}
		}
	}
	subj := ck.docSubject()
	hasComponents := false
	for _, c := range d.Components {
		if c != nil {
			hasComponents = true
			break
		}
	}
	if edges == 0 {
		g.empty = true
		if hasComponents {
			ck.add(RuleDependencies, finding.Error, subj, d.Loc,
				"SBOM has no dependency relationships: add %s, at least for the primary component's direct components (NTIA-F5)",
				ck.field("a dependencies[] entry per component (dependsOn: [] when it has none)", "CONTAINS or DEPENDS_ON relationships"))
		}
	} else if d.Primary != nil && hasComponents {
		hasPrimaryEdges := false
		for _, dep := range d.Dependencies {
			if dep.Ref == d.Primary.Ref && len(dep.DependsOn) > 0 {
				hasPrimaryEdges = true
			}
		}
		if !hasPrimaryEdges {
			ck.add(RuleDependencies, finding.Error, subjectOf(d.Primary), d.Primary.Loc,
				"primary component %s has no dependency relationships: list its direct components in %s (NTIA-F5)",
				subjectOf(d.Primary), ck.field(fmt.Sprintf("the dependencies[] entry with ref %q", d.Primary.Ref), "CONTAINS or DEPENDS_ON relationships from it"))
		}
	}
	refs := make([]string, 0, len(dangling))
	for r := range dangling {
		refs = append(refs, r)
	}
	sort.Strings(refs)
	for _, r := range refs {
		ck.add(RuleDependencyDangle, finding.Error, r, d.Loc,
			"dependency graph refers to %q, which is neither the primary component nor a listed component: fix the ref or add the component (NTIA-F5)", r)
	}
	return g
}

func (ck *checker) component(c *sbom.Component, primary bool, deps depGraph) {
	// A part of an image the scan could not examine is not a software
	// component with a supplier or version: it is a gap in the analysis,
	// reported as such and left out of the element scores.
	if reason, ok := c.Property(propNotChecked); ok && !primary {
		ck.add(RuleNotChecked, finding.Warning, subjectOf(c), c.Loc,
			"%s was not examined (%s): account for the software it holds by other means, or record why it holds none (TST-3)", c.Name, reason)
		return
	}
	class := classify(c)
	scored := !primary && class != classNonSoftware
	subj := subjectOf(c)
	loc := c.Loc
	what := "component"
	if primary {
		what = "primary component"
	}

	// NTIA-F2 name.
	name := strings.TrimSpace(c.Name) != ""
	if !name {
		ck.add(RuleName, finding.Error, subj, loc, "%s %s has no name: add %s (NTIA-F2)", what, subj, ck.field("name", "PackageName"))
	}
	if !primary && class != classNonSoftware {
		ck.score(ElemName, name)
	}
	if class == classNonSoftware {
		return
	}

	// NTIA-F1 supplier.
	supplier := strings.TrimSpace(c.Supplier) != "" || (primary && strings.TrimSpace(ck.doc.Supplier) != "")
	if !supplier {
		hint := ck.field("supplier.name", "PackageSupplier")
		if strings.TrimSpace(c.Author) != "" {
			ck.add(RuleSupplier, finding.Warning, subj, loc,
				"%s %s has an author (%s) but no supplier: add %s (NTIA-F1), or the supplier override in components.yaml", what, subj, c.Author, hint)
		} else {
			ck.add(RuleSupplier, finding.Error, subj, loc,
				"%s %s has no supplier: add %s (NTIA-F1), or the supplier override in components.yaml", what, subj, hint)
		}
	}
	if scored {
		ck.score(ElemSupplier, supplier)
	}

	// NTIA-F3 version.
	version := strings.TrimSpace(c.Version) != ""
	if !version {
		max := finding.Error
		if class == classHardware {
			max = finding.Warning
		}
		ck.add(RuleVersion, max, subj, loc, "%s %s has no version: add %s (NTIA-F3), or the version override in components.yaml",
			what, subj, ck.field("version", "PackageVersion"))
	}
	if scored {
		ck.score(ElemVersion, version)
	}

	// NTIA-F5: the component takes part in the dependency graph, either as
	// included in another component or with an entry of its own. A
	// missing own entry is a known unknown (NTIA-P3), reported as info.
	if !primary {
		has := c.Ref != "" && deps.entries[c.Ref]
		ck.score(ElemDependency, has || (c.Ref != "" && deps.included[c.Ref]))
		if !has && !deps.empty {
			ck.add(RuleDependencyUnknown, finding.Info, subj, loc,
				"component %s has no dependency entry of its own, so its dependencies are unknown: add %s (NTIA-P3)",
				subj, ck.field("a dependencies[] entry for it (dependsOn: [] when it has none)", "its DEPENDS_ON relationships, or NONE"))
		}
	}
	if class == classHardware {
		return
	}

	// NTIA-F4 identifiers.
	ck.identifiers(c, primary, subj, what)
	if primary {
		return
	}

	// Hashes and licences.
	ck.score(ElemHash, len(c.Hashes) > 0)
	if len(c.Hashes) == 0 {
		ck.add(RuleHash, finding.Error, subj, loc, "component %s has no hash: add a SHA-256 (or stronger) hash of its artefact", subj)
	}
	hasLicense, spdxOnly := false, true
	var unmapped string
	for _, l := range c.Licenses {
		if strings.TrimSpace(l.Expression) != "" {
			hasLicense = true
		} else if strings.TrimSpace(l.Name) != "" {
			hasLicense = true
			spdxOnly = false
			if unmapped == "" {
				unmapped = l.Name
			}
		}
	}
	ck.score(ElemLicense, hasLicense)
	if !hasLicense {
		ck.add(RuleLicense, finding.Error, subj, loc, "component %s has no licence: declare its licence (or NOASSERTION) in the SBOM or components.yaml", subj)
	} else if !spdxOnly {
		ck.add(RuleLicenseNotSPDX, finding.Error, subj, loc,
			"component %s licence %q is not an SPDX licence expression: map it to SPDX licence IDs in components.yaml", subj, unmapped)
	}

	ck.support(c, subj)
}

func (ck *checker) identifiers(c *sbom.Component, primary bool, subj, what string) {
	loc := c.Loc
	purl := strings.TrimSpace(c.PURL)
	cpe := strings.TrimSpace(c.CPE)
	swid := hasSWID(c)
	matchable := false
	if purl != "" {
		if err := ValidatePURL(purl); err != nil {
			ck.add(RulePURLInvalid, finding.Error, subj, loc,
				"%s %s has an invalid PURL %q: %v; fix it to the form pkg:type/namespace/name@version (NTIA-F4)", what, subj, purl, err)
		} else {
			matchable = true
		}
	}
	if cpe != "" {
		kind, err := ClassifyCPE(cpe)
		switch kind {
		case CPE23:
			matchable = true
		case CPE22:
			matchable = true
			ck.add(RuleCPE22, finding.Error, subj, loc,
				"%s %s has a CPE 2.2 URI %q: convert it to a CPE 2.3 formatted string (cpe:2.3:part:vendor:product:version:...) (NTIA-F4)", what, subj, cpe)
		default:
			ck.add(RuleCPEInvalid, finding.Error, subj, loc,
				"%s %s has a malformed CPE %q: it %v (NTIA-F4)", what, subj, cpe, err)
		}
	}
	present := purl != "" || cpe != "" || swid
	if !present {
		max := finding.Error
		if primary {
			max = finding.Warning
		}
		ck.add(RuleIdentifier, max, subj, loc,
			"%s %s has no PURL, CPE or SWID: add %s (NTIA-F4), or the purl/cpe override in components.yaml",
			what, subj, ck.field("purl or cpe", "an externalRef of category PACKAGE-MANAGER (purl) or SECURITY (cpe23Type)"))
	}
	if !primary {
		ck.score(ElemIdentifier, present)
		ck.score(ElemVulnID, matchable)
	}
}

// hasSWID reports a SWID tag: the model's SWIDTagID, or a property whose
// last segment squashes to "swid" or "swidtagid" (e.g. "cdx:swid:tagId"),
// as some converters write it.
func hasSWID(c *sbom.Component) bool {
	if strings.TrimSpace(c.SWIDTagID) != "" {
		return true
	}
	for _, p := range c.Properties {
		last, lastTwo := propertyKeys(p.Name)
		if strings.TrimSpace(p.Value) != "" && (last == "swid" || last == "swidtagid" || lastTwo == "swidtagid") {
			return true
		}
	}
	return false
}

func (ck *checker) support(c *sbom.Component, subj string) {
	loc := c.Loc
	s := ResolveSupport(c)
	justified := s.Justification != ""

	// FDA-SB1 support level.
	level, levelOK := "", false
	switch {
	case s.Level == "":
		if !justified {
			ck.add(RuleSupportLevel, finding.Error, subj, loc,
				"component %s has no support level: add property premarket:support:level (actively-maintained, no-longer-maintained or abandoned) or support.level in components.yaml, or give premarket:support:justification (FDA-SB1, FDA-SB4)", subj)
		}
	default:
		level, levelOK = NormalizeLevel(s.Level)
		if !levelOK {
			ck.add(RuleSupportLevelValue, finding.Error, subj, loc,
				"component %s support level %q (%s) is not one of actively-maintained, no-longer-maintained, abandoned: use one of FDA's three levels (FDA-SB1)", subj, s.Level, s.LevelSource)
		}
	}
	ck.score(ElemSupportLevel, levelOK)
	if !levelOK && justified {
		ck.scores[ElemSupportLevel].Justified++
	}

	// FDA-SB2 end of support.
	eosOK := false
	switch {
	case s.EndOfSupport == "":
		if !justified {
			hint := ""
			if s.ValidUntil != "" {
				hint = fmt.Sprintf("; its SPDX validUntilDate %s is not an end-of-support date, copy it only if it is one", s.ValidUntil)
			}
			ck.add(RuleEOS, finding.Error, subj, loc,
				"component %s has no end-of-support date: add property premarket:support:end-of-support (YYYY-MM-DD) or support.endOfSupport in components.yaml, or give premarket:support:justification (FDA-SB2, FDA-SB4)%s", subj, hint)
		}
	default:
		t, ok := ParseEndOfSupport(s.EndOfSupport)
		eosOK = ok
		if !ok && !justified {
			ck.add(RuleEOSFormat, finding.Error, subj, loc,
				"component %s end-of-support %q (%s) is not a date: give YYYY-MM-DD, or add premarket:support:justification explaining how support is assured (FDA-SB2, FDA-SB4)", subj, s.EndOfSupport, s.EndOfSupportSource)
		}
		if ok && !ck.opts.Now.IsZero() && levelOK && level == sbom.SupportActive && t.Before(ck.opts.Now) {
			ck.add(RuleEOSPassed, finding.Error, subj, loc,
				"component %s is marked actively maintained but its end of support %s is before %s: update the support level or the date (FDA-SB1, FDA-SB2)",
				subj, s.EndOfSupport, ck.opts.Now.UTC().Format("2006-01-02"))
		}
	}
	ck.score(ElemEndOfSupport, eosOK)
	if !eosOK && justified {
		ck.scores[ElemEndOfSupport].Justified++
	}
}
