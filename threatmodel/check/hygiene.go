package check

import (
	"fmt"

	"github.com/premarket/premarket/threatmodel"
)

// checkHygiene: Playbook hygiene (check 12).
func (c *checker) checkHygiene() {
	m := c.m
	used := map[string]bool{}
	use := func(ids ...string) {
		for _, id := range ids {
			used[id] = true
		}
	}
	for _, a := range m.Assumptions {
		use(a.AppliesTo...)
		use(a.ValidatedBy...)
	}
	for _, k := range m.Components {
		use(k.Assets.Stored...)
		use(k.Assets.Processed...)
	}
	for _, f := range m.Dataflows {
		use(f.From.Actor, f.To.Actor)
		for _, cr := range f.Carries {
			use(cr.Asset)
		}
	}
	for _, v := range m.Views {
		use(v.SharedElements...)
		for _, s := range v.Scenarios {
			use(s.Containment...)
		}
		for _, p := range v.Paths {
			use(p.Authenticity...)
			use(p.RollbackProtection...)
			use(p.PipelineControls...)
		}
	}
	for _, k := range m.Controls {
		use(k.VerifiedBy...)
	}
	assumptionUsed := map[string]bool{}
	for _, t := range m.Threats {
		use(t.Assets...)
		use(t.ThreatActor)
		use(t.Verification...)
		for _, tg := range t.Targets {
			_, id := tg.Kind()
			use(id)
		}
		for _, mi := range t.Mitigations {
			use(mi.Control)
		}
		for _, a := range t.Assumptions {
			assumptionUsed[a] = true
		}
	}
	for _, v := range m.Vulnerabilities {
		use(v.DiscoveredBy...)
	}
	unused := func(kind, id string, p threatmodel.Pos) {
		if !used[id] {
			c.add("TM-HYG-001", p, id, "%s %s is not referenced by anything; use it or remove it", kind, id)
		}
	}
	for _, a := range m.Assets {
		unused("asset", a.ID, a.Pos)
	}
	for _, k := range m.Controls {
		unused("control", k.ID, k.Pos)
	}
	for _, e := range m.Evidence {
		unused("evidence", e.ID, e.Pos)
	}
	for _, a := range m.ThreatActors {
		unused("threat actor", a.ID, a.Pos)
	}
	for _, a := range m.Actors {
		unused("actor", a.ID, a.Pos)
	}
	for _, a := range m.Assumptions {
		if len(a.AppliesTo) == 0 && !assumptionUsed[a.ID] {
			c.add("TM-HYG-003", a.Pos, a.ID, "assumption %s applies to nothing; give appliesTo or list it in the assumptions of the threats that rely on it", a.ID)
		}
	}
	if m.Meta.Status == "approved" && len(m.Meta.Reviewers) == 0 {
		c.add("TM-HYG-004", m.Meta.Pos.Field("status"), m.Meta.ID, "the model is approved but names no reviewers; add model.reviewers")
	}
	c.placeholders()
	c.outOfScopeUse()
}

// placeholders reports rationales, reasons and notes that say nothing
// (TM-HYG-002). Empty strings are refused by the schema where the field
// is required; this catches "TBD" and friends everywhere.
func (c *checker) placeholders() {
	m := c.m
	check := func(p threatmodel.Pos, subject, field, s string) {
		if s != "" && placeholder(s) {
			c.add("TM-HYG-002", p.Field(field), subject, "%s of %s is a placeholder (%q); write the actual text", field, subject, s)
		}
	}
	check(m.Meta.Pos, m.Meta.ID, "methodologyRationale", m.Meta.MethodologyRationale)
	for _, code := range sortedKeys(m.Meta.ControlCategoryNotes) {
		check(m.Meta.Pos, m.Meta.ID, "controlCategoryNotes."+code, m.Meta.ControlCategoryNotes[code])
	}
	for _, id := range sortedKeys(m.Meta.RecommendationNotes) {
		check(m.Meta.Pos, m.Meta.ID, "recommendationNotes."+id, m.Meta.RecommendationNotes[id])
	}
	for _, k := range m.Components {
		check(k.Pos, k.ID, "outOfScopeReason", k.OutOfScopeReason)
		for i, f := range k.Interfaces {
			check(k.Pos, f.ID, fmt.Sprintf("interfaces.%d.notes", i), f.Notes)
		}
	}
	for _, f := range m.Dataflows {
		if f.Security != nil {
			check(f.Pos, f.ID, "security.none", f.Security.None)
		}
	}
	for _, v := range m.Views {
		if v.NotApplicable != nil {
			check(v.Pos, v.ID, "notApplicable.reason", v.NotApplicable.Reason)
		}
		for _, n := range v.NotUpdatable {
			check(n.Pos, n.Component, "reason", n.Reason)
		}
	}
	for _, t := range m.Threats {
		check(t.Pos, t.ID, "notApplicableReason", t.NotApplicable)
		if p := t.Pre(); p != nil {
			check(t.Pos, t.ID, "risk.pre.exploitability.rationale", p.Exploitability.Rationale)
		}
		if p := t.Post(); p != nil {
			check(t.Pos, t.ID, "risk.post.exploitability.rationale", p.Exploitability.Rationale)
		}
		if a := t.Acceptance(); a != nil {
			check(t.Pos, t.ID, "risk.acceptance.rationale", a.Rationale)
		}
	}
	for _, v := range m.Vulnerabilities {
		if v.Remediation != nil {
			check(v.Pos, v.ID, "remediation.plan", v.Remediation.Plan)
		}
	}
}
