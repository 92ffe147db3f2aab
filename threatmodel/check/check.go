// Package check runs the semantic checks of a device threat model (DTM)
// after schema validation: references, coverage (boundary crossings,
// STRIDE per element, Appendix 1 categories, the four FDA views), CVSS
// exploitability bands, risk acceptance, safety linkage, controls and
// evidence, known vulnerabilities and SBOM references, and hygiene.
//
// Every finding carries a stable rule ID (see Rules), the FDA catalog ID
// or guidance section it comes from, a message that says what to do, and
// the file and line of the element it is about.
package check

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/premarket/premarket/fda"
	"github.com/premarket/premarket/finding"
	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/threatmodel"
)

// Profile selects severities. ProfileDefault suits work in progress;
// ProfileSubmission turns the coverage warnings FDA reviewers care about
// (STRIDE coverage, unexplained interfaces, view completeness) into errors.
type Profile string

// Profiles.
const (
	ProfileDefault    Profile = "default"
	ProfileSubmission Profile = "submission"
)

// ParseProfile accepts "default" (or "") and "submission".
func ParseProfile(s string) (Profile, error) {
	switch s {
	case "", "default":
		return ProfileDefault, nil
	case "submission":
		return ProfileSubmission, nil
	}
	return "", fmt.Errorf("unknown threat-model profile %q (want default or submission)", s)
}

// SBOMReader reads the SBOM (or build manifest) at path. The CLI passes
// one backed by premarket's readers; see DefaultSBOMReader.
type SBOMReader func(ctx context.Context, path string) (*sbom.Document, error)

// Options configure Run.
type Options struct {
	Profile Profile
	// Catalog is the FDA catalog; nil means fda.Default().
	Catalog *fda.Catalog
	// SBOMs supplies already-read SBOM documents by sboms[].id (for
	// example the file given with --sbom). They take precedence over the
	// files the model names.
	SBOMs map[string]*sbom.Document
	// ReadSBOM reads the files named by sboms[].path (or .source when path
	// does not exist). Nil means DefaultSBOMReader.
	ReadSBOM SBOMReader
	// SkipSBOM disables the SBOM checks (TM-SBOM-*) entirely.
	SkipSBOM bool
	// Context bounds long work (reading SBOMs); nil means Background.
	Context context.Context
}

// checker holds one run's state.
type checker struct {
	m    *threatmodel.Model
	opts Options
	cat  *fda.Catalog
	ix   *index
	out  []finding.Finding
}

// Run checks a loaded model and returns its findings, sorted.
func Run(m *threatmodel.Model, opts Options) []finding.Finding {
	if opts.Profile == "" {
		opts.Profile = ProfileDefault
	}
	if opts.Context == nil {
		opts.Context = context.Background()
	}
	c := &checker{m: m, opts: opts, cat: opts.Catalog}
	if c.cat == nil {
		if cat, err := fda.Default(); err == nil {
			c.cat = cat
		}
	}
	c.ix = buildIndex(m)
	c.checkIDs()
	c.checkRefs()
	c.checkRiskMethod()
	c.checkFlows()
	c.checkStride()
	c.checkInterfaces()
	c.checkThreatRisk()
	c.checkControls()
	c.checkFDA()
	c.checkViews()
	c.checkVulns()
	if !opts.SkipSBOM {
		c.checkSBOMs()
	}
	c.checkHygiene()
	finding.Sort(c.out)
	return c.out
}

// add records a finding of a rule at a position.
func (c *checker) add(ruleID string, p threatmodel.Pos, subject, format string, args ...any) {
	r := ruleByID[ruleID]
	if r == nil {
		panic("check: unknown rule " + ruleID) // programming error, caught by tests
	}
	s := r.Severity
	if c.opts.Profile == ProfileSubmission && r.Submission != nil {
		s = *r.Submission
	}
	c.out = append(c.out, finding.Finding{
		RuleID:   ruleID,
		Severity: s,
		Catalog:  r.Catalog,
		Subject:  subject,
		Message:  fmt.Sprintf(format, args...),
		Location: p.Location(),
	})
}

// element is one ID-bearing element of the model.
type element struct {
	kind string
	id   string
	pos  threatmodel.Pos
}

// index resolves IDs. The first definition of an ID wins.
type index struct {
	byID       map[string]element
	all        []element
	components map[string]*threatmodel.Component
	interfaces map[string]*threatmodel.Interface
	flows      map[string]*threatmodel.Dataflow
	assets     map[string]*threatmodel.Asset
	actors     map[string]*threatmodel.Actor
	controls   map[string]*threatmodel.Control
	threats    map[string]*threatmodel.Threat
	evidence   map[string]*threatmodel.Evidence
	vulns      map[string]*threatmodel.Vulnerability
	sboms      map[string]*threatmodel.SBOMRef
	boundaries map[string]*threatmodel.TrustBoundary
	tactors    map[string]*threatmodel.ThreatActor
	functions  map[string]*threatmodel.ClinicalFunction
	// threatsByTarget lists threats per target ID (components, flows,
	// interfaces' components, actors).
	threatsByTarget map[string][]*threatmodel.Threat
}

// Element kinds as they appear in messages.
const (
	kAssumption  = "assumption"
	kActor       = "actor"
	kThreatActor = "threat actor"
	kAsset       = "asset"
	kBoundary    = "trust boundary"
	kComponent   = "component"
	kInterface   = "interface"
	kFlow        = "data flow"
	kView        = "view"
	kControl     = "control"
	kThreat      = "threat"
	kEvidence    = "evidence"
	kSBOM        = "SBOM"
	kVuln        = "vulnerability"
)

func buildIndex(m *threatmodel.Model) *index {
	ix := &index{
		byID:            map[string]element{},
		components:      map[string]*threatmodel.Component{},
		interfaces:      map[string]*threatmodel.Interface{},
		flows:           map[string]*threatmodel.Dataflow{},
		assets:          map[string]*threatmodel.Asset{},
		actors:          map[string]*threatmodel.Actor{},
		controls:        map[string]*threatmodel.Control{},
		threats:         map[string]*threatmodel.Threat{},
		evidence:        map[string]*threatmodel.Evidence{},
		vulns:           map[string]*threatmodel.Vulnerability{},
		sboms:           map[string]*threatmodel.SBOMRef{},
		boundaries:      map[string]*threatmodel.TrustBoundary{},
		tactors:         map[string]*threatmodel.ThreatActor{},
		functions:       map[string]*threatmodel.ClinicalFunction{},
		threatsByTarget: map[string][]*threatmodel.Threat{},
	}
	add := func(kind, id string, p threatmodel.Pos) bool {
		ix.all = append(ix.all, element{kind, id, p})
		if _, dup := ix.byID[id]; dup {
			return false
		}
		ix.byID[id] = element{kind, id, p}
		return true
	}
	for _, x := range m.Assumptions {
		add(kAssumption, x.ID, x.Pos)
	}
	for _, x := range m.Actors {
		if add(kActor, x.ID, x.Pos) {
			ix.actors[x.ID] = x
		}
	}
	for _, x := range m.ThreatActors {
		if add(kThreatActor, x.ID, x.Pos) {
			ix.tactors[x.ID] = x
		}
	}
	for _, x := range m.Assets {
		if add(kAsset, x.ID, x.Pos) {
			ix.assets[x.ID] = x
		}
	}
	for _, x := range m.TrustBoundaries {
		if add(kBoundary, x.ID, x.Pos) {
			ix.boundaries[x.ID] = x
		}
	}
	for _, x := range m.Components {
		if add(kComponent, x.ID, x.Pos) {
			ix.components[x.ID] = x
		}
		for _, f := range x.Interfaces {
			if add(kInterface, f.ID, f.Pos) {
				ix.interfaces[f.ID] = f
			}
		}
	}
	for _, x := range m.Dataflows {
		if add(kFlow, x.ID, x.Pos) {
			ix.flows[x.ID] = x
		}
	}
	for _, x := range m.Views {
		add(kView, x.ID, x.Pos)
	}
	for _, x := range m.Controls {
		if add(kControl, x.ID, x.Pos) {
			ix.controls[x.ID] = x
		}
	}
	for _, x := range m.Threats {
		if add(kThreat, x.ID, x.Pos) {
			ix.threats[x.ID] = x
		}
	}
	for _, x := range m.Evidence {
		if add(kEvidence, x.ID, x.Pos) {
			ix.evidence[x.ID] = x
		}
	}
	for _, x := range m.SBOMs {
		if add(kSBOM, x.ID, x.Pos) {
			ix.sboms[x.ID] = x
		}
	}
	for _, x := range m.Vulnerabilities {
		if add(kVuln, x.ID, x.Pos) {
			ix.vulns[x.ID] = x
		}
	}
	for _, f := range m.Device.ClinicalFunctions {
		if _, ok := ix.functions[f.ID]; !ok {
			ix.functions[f.ID] = f
		}
	}
	for _, t := range m.Threats {
		seen := map[string]bool{}
		for _, tg := range t.Targets {
			kind, id := tg.Kind()
			if kind == "interface" {
				if f := ix.interfaces[id]; f != nil {
					id = f.Component
				}
			}
			if id != "" && !seen[id] {
				seen[id] = true
				ix.threatsByTarget[id] = append(ix.threatsByTarget[id], t)
			}
		}
	}
	return ix
}

// kindOf returns the kind of the element with the ID, or "".
func (ix *index) kindOf(id string) string { return ix.byID[id].kind }

// boundaryOf returns the trust boundary of a flow endpoint; actors sit
// outside every boundary ("").
func (ix *index) boundaryOf(e threatmodel.Endpoint) string {
	if e.Actor != "" {
		return ""
	}
	if c := ix.components[e.Component]; c != nil {
		return c.Boundary
	}
	return ""
}

// endpointID names the node of a flow endpoint (component or actor).
func endpointID(e threatmodel.Endpoint) string {
	if e.Actor != "" {
		return e.Actor
	}
	return e.Component
}

// crosses reports whether a flow's endpoints sit in different trust
// boundaries (a flow to or from an actor always crosses).
func (ix *index) crosses(f *threatmodel.Dataflow) bool {
	if f.From.Actor != "" || f.To.Actor != "" {
		return true
	}
	return ix.boundaryOf(f.From) != ix.boundaryOf(f.To)
}

// placeholder reports whether s is empty or a placeholder such as TBD.
func placeholder(s string) bool {
	t := strings.ToLower(strings.Trim(strings.TrimSpace(s), ".!?:;"))
	switch t {
	case "", "-", "--", "tbd", "tbc", "todo", "fixme", "n/a", "na", "none", "xxx", "?", "...", "see above", "later":
		return true
	}
	return false
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
