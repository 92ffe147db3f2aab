package check

import (
	"fmt"
	"strings"

	"github.com/premarket/premarket/threatmodel"
)

// checkIDs reports duplicate IDs (TM-ID-001) in the shared element
// namespace and in the nested namespaces.
func (c *checker) checkIDs() {
	for _, e := range c.ix.all {
		first := c.ix.byID[e.id]
		if first.pos == e.pos {
			continue
		}
		c.add("TM-ID-001", e.pos.Field("id"), e.id, "ID %q of this %s is already used by the %s at %s; element IDs share one namespace per model, rename one of them",
			e.id, e.kind, first.kind, where(first.pos))
	}
	type nested struct {
		id  string
		pos threatmodel.Pos
	}
	dups := func(what string, items []nested) {
		seen := map[string]threatmodel.Pos{}
		for _, it := range items {
			if p, ok := seen[it.id]; ok {
				c.add("TM-ID-001", it.pos, it.id, "%s ID %q is already used at %s; make it unique", what, it.id, where(p))
				continue
			}
			seen[it.id] = it.pos
		}
	}
	var fns, scen, paths, sev, docs []nested
	for _, f := range c.m.Device.ClinicalFunctions {
		fns = append(fns, nested{f.ID, f.Pos.Field("id")})
	}
	for _, v := range c.m.Views {
		for _, s := range v.Scenarios {
			scen = append(scen, nested{s.ID, s.Pos.Field("id")})
		}
		for _, p := range v.Paths {
			paths = append(paths, nested{p.ID, p.Pos.Field("id")})
		}
	}
	for i, l := range c.m.RiskMethod.SafetySeverity.Levels {
		sev = append(sev, nested{l.ID, c.m.RiskMethod.Pos.Field(fmt.Sprintf("safetySeverity.levels.%d", i))})
	}
	for i, d := range c.m.Meta.RelatedDocuments {
		docs = append(docs, nested{d.ID, c.m.Meta.Pos.Field(fmt.Sprintf("relatedDocuments.%d", i))})
	}
	dups("clinical function", fns)
	dups("multi-patient scenario", scen)
	dups("update path", paths)
	dups("severity level", sev)
	dups("related document", docs)
}

// where formats a position for messages.
func where(p threatmodel.Pos) string {
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// ref checks that id names an element of one of the wanted kinds
// (TM-ID-002, TM-ID-003). An empty want accepts any kind.
func (c *checker) ref(p threatmodel.Pos, field, id string, want ...string) bool {
	if id == "" {
		return false
	}
	kind := c.ix.kindOf(id)
	if kind == "" {
		c.add("TM-ID-002", p.Field(field), id, "%s names %q, which no element defines; fix the ID or add the %s", field, id, strings.Join(want, " or "))
		return false
	}
	if len(want) > 0 && !has(want, kind) {
		c.add("TM-ID-003", p.Field(field), id, "%s names %q, which is a %s; it must be a %s", field, id, kind, strings.Join(want, " or "))
		return false
	}
	return true
}

func (c *checker) refs(p threatmodel.Pos, field string, ids []string, want ...string) {
	for i, id := range ids {
		c.ref(p, fmt.Sprintf("%s.%d", field, i), id, want...)
	}
}

func (c *checker) functionRef(p threatmodel.Pos, field, id string) {
	if _, ok := c.ix.functions[id]; !ok {
		c.add("TM-ID-002", p.Field(field), id, "%s names clinical function %q, which device.clinicalFunctions does not define", field, id)
	}
}

// checkRefs resolves every reference of the model (check 1).
func (c *checker) checkRefs() {
	m := c.m
	for _, a := range m.Assumptions {
		c.refs(a.Pos, "appliesTo", a.AppliesTo)
		c.refs(a.Pos, "validatedBy", a.ValidatedBy, kEvidence)
	}
	for _, b := range m.TrustBoundaries {
		c.ref(b.Pos, "parent", b.Parent, kBoundary)
	}
	for _, k := range m.Components {
		c.ref(k.Pos, "boundary", k.Boundary, kBoundary)
		c.ref(k.Pos, "parent", k.Parent, kComponent)
		for i, f := range k.ClinicalFunctions {
			c.functionRef(k.Pos, fmt.Sprintf("clinicalFunctions.%d", i), f)
		}
		c.refs(k.Pos, "assets.stored", k.Assets.Stored, kAsset)
		c.refs(k.Pos, "assets.processed", k.Assets.Processed, kAsset)
		for _, s := range k.Software {
			c.ref(s.Pos, "sbom", s.SBOM, kSBOM)
		}
	}
	for _, f := range m.Dataflows {
		c.endpoint(f, "from", f.From)
		c.endpoint(f, "to", f.To)
		for i, cr := range f.Carries {
			c.ref(f.Pos, fmt.Sprintf("carries.%d.asset", i), cr.Asset, kAsset)
		}
		c.ref(f.Pos, "handoffFrom", f.HandoffFrom, kFlow)
	}
	for _, v := range m.Views {
		if v.Scope != nil {
			for i, id := range v.Scope.Components {
				if id != "*" {
					c.ref(v.Pos, fmt.Sprintf("scope.components.%d", i), id, kComponent)
				}
			}
			for i, id := range v.Scope.Dataflows {
				if id != "*" {
					c.ref(v.Pos, fmt.Sprintf("scope.dataflows.%d", i), id, kFlow)
				}
			}
		}
		c.refs(v.Pos, "sharedElements", v.SharedElements, kComponent, kInterface, kFlow, kAsset)
		for _, s := range v.Scenarios {
			c.refs(s.Pos, "path", s.Path, kFlow)
			c.refs(s.Pos, "threats", s.Threats, kThreat)
			c.refs(s.Pos, "containment", s.Containment, kControl)
		}
		for _, p := range v.Paths {
			c.ref(p.Pos, "target", p.Target, kComponent)
			c.ref(p.Pos, "source", p.Source, kComponent)
			c.refs(p.Pos, "steps", p.Steps, kFlow)
			c.refs(p.Pos, "authenticity", p.Authenticity, kControl)
			c.refs(p.Pos, "rollbackProtection", p.RollbackProtection, kControl)
			c.refs(p.Pos, "pipelineControls", p.PipelineControls, kControl)
		}
		for _, n := range v.NotUpdatable {
			c.ref(n.Pos, "component", n.Component, kComponent)
		}
		c.refs(v.Pos, "sequence", v.Sequence, kFlow)
		c.refs(v.Pos, "threats", v.Threats, kThreat)
		for i, f := range v.ClinicalFunctions {
			c.functionRef(v.Pos, fmt.Sprintf("clinicalFunctions.%d", i), f)
		}
	}
	for _, k := range m.Controls {
		c.refs(k.Pos, "implementedIn", k.ImplementedIn, kComponent)
		c.refs(k.Pos, "verifiedBy", k.VerifiedBy, kEvidence)
	}
	targetKinds := map[string]string{"component": kComponent, "dataflow": kFlow, "interface": kInterface, "asset": kAsset, "trustBoundary": kBoundary, "actor": kActor}
	for _, t := range m.Threats {
		for i, tg := range t.Targets {
			kind, id := tg.Kind()
			c.ref(t.Pos, fmt.Sprintf("targets.%d.%s", i, kind), id, targetKinds[kind])
		}
		c.refs(t.Pos, "entryPoints", t.EntryPoints, kInterface)
		c.ref(t.Pos, "threatActor", t.ThreatActor, kThreatActor)
		c.refs(t.Pos, "assets", t.Assets, kAsset)
		c.refs(t.Pos, "assumptions", t.Assumptions, kAssumption)
		c.refs(t.Pos, "vulnerabilities", t.Vulnerabilities, kVuln)
		for i, mi := range t.Mitigations {
			c.ref(t.Pos, fmt.Sprintf("mitigations.%d.control", i), mi.Control, kControl)
		}
		c.refs(t.Pos, "verification", t.Verification, kEvidence)
	}
	for _, s := range m.SBOMs {
		c.ref(s.Pos, "describes", s.Describes, kComponent)
	}
	for _, v := range m.Vulnerabilities {
		c.ref(v.Pos, "component.sbom", v.Component.SBOM, kSBOM)
		c.refs(v.Pos, "affects", v.Affects, kComponent)
		c.refs(v.Pos, "discoveredBy", v.DiscoveredBy, kEvidence)
		c.refs(v.Pos, "assessedIn", v.AssessedIn, kThreat)
	}
}

// endpoint checks a flow endpoint: the component or actor exists and a
// named interface belongs to the component (TM-ID-004).
func (c *checker) endpoint(f *threatmodel.Dataflow, side string, e threatmodel.Endpoint) {
	if e.Actor != "" {
		c.ref(f.Pos, side+".actor", e.Actor, kActor)
		return
	}
	okComp := c.ref(f.Pos, side+".component", e.Component, kComponent)
	if e.Interface == "" {
		return
	}
	if !c.ref(f.Pos, side+".interface", e.Interface, kInterface) || !okComp {
		return
	}
	if ifc := c.ix.interfaces[e.Interface]; ifc != nil && ifc.Component != e.Component {
		c.add("TM-ID-004", f.Pos.Field(side+".interface"), f.ID, "flow %s: interface %s belongs to component %s, not %s; name the right component or interface",
			f.ID, e.Interface, ifc.Component, e.Component)
	}
}
