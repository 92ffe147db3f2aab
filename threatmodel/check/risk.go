package check

import (
	"fmt"
	"strings"

	"github.com/premarket/premarket/cvss"
	"github.com/premarket/premarket/threatmodel"
)

const unassessed = "unassessed"

// riskMethod is the declared method, indexed.
type riskMethod struct {
	levels map[string]int // exploitability level -> column
	names  []string
	// bands is the derivation table as cvss bands; nil when the model's
	// table is malformed (TM-RISK-001 reports it and no level is derived).
	bands    []cvss.Band
	useBands bool
	worst    bool
	severity map[string]int // severity -> rank (declared order, mildest first)
	impact   map[string]int
	safety   map[string][]string
	security map[string][]string
}

func (c *checker) method() *riskMethod {
	rm := &c.m.RiskMethod
	r := &riskMethod{levels: map[string]int{}, severity: map[string]int{}, impact: map[string]int{},
		safety: rm.Acceptance.Safety, security: rm.Acceptance.Security, names: rm.Exploitability.Levels}
	for i, l := range rm.Exploitability.Levels {
		r.levels[l] = i
	}
	if d := rm.Exploitability.Derivation; d != nil && d.Method == "cvss-exploitability-bands" {
		r.useBands = true
		names := make([]string, len(d.Bands))
		var below []float64
		for i, b := range d.Bands {
			names[i] = b.Level
			if b.Below != nil {
				below = append(below, *b.Below)
			}
		}
		if bs, err := cvss.BandsFromUpperBounds(names, below); err == nil && len(below) == len(d.Bands)-1 && d.Bands[len(d.Bands)-1].Below == nil {
			r.bands = bs
		}
	}
	r.worst = rm.Exploitability.PremarketPolicy == "worst-case"
	for i, l := range rm.SafetySeverity.Levels {
		r.severity[l.ID] = i
	}
	if rm.SecurityImpact != nil {
		for i, l := range rm.SecurityImpact.Levels {
			r.impact[l] = i
		}
	}
	return r
}

// band maps an unrounded exploitability sub-score to a level ("" when the
// table is malformed).
func (r *riskMethod) band(score float64) string {
	lvl, _ := cvss.BandOf(r.bands, score)
	return lvl
}

// checkRiskMethod validates the declared method itself (TM-RISK-001).
func (c *checker) checkRiskMethod() {
	rm := &c.m.RiskMethod
	r := c.method()
	p := rm.Pos
	if d := rm.Exploitability.Derivation; d != nil {
		prevLevel := -1
		var prevBelow *float64
		for i, b := range d.Bands {
			at := p.Field(fmt.Sprintf("exploitability.derivation.bands.%d", i))
			idx, ok := r.levels[b.Level]
			if !ok {
				c.add("TM-RISK-001", at, b.Level, "band %d names level %q, which exploitability.levels does not declare", i+1, b.Level)
			} else if idx < prevLevel {
				c.add("TM-RISK-001", at, b.Level, "band %d (%s) is lower on the exploitability scale than the band before it; list bands from least to most exploitable", i+1, b.Level)
			}
			if ok {
				prevLevel = idx
			}
			last := i == len(d.Bands)-1
			switch {
			case b.Below == nil && !last:
				c.add("TM-RISK-001", at, b.Level, "only the last band may omit below; band %d (%s) has no upper bound", i+1, b.Level)
			case b.Below != nil && last:
				c.add("TM-RISK-001", at, b.Level, "the last band (%s) must omit below so that every score up to 3.89 maps to a level", b.Level)
			case b.Below != nil && prevBelow != nil && *b.Below <= *prevBelow:
				c.add("TM-RISK-001", at, b.Level, "band bounds must ascend: %v is not above %v", *b.Below, *prevBelow)
			}
			if b.Below != nil {
				prevBelow = b.Below
			}
		}
	}
	checkMatrix := func(name string, rows map[string][]string, scale map[string]int, scaleName string) {
		for _, key := range sortedKeys(rows) {
			row := rows[key]
			at := p.Field("acceptance." + name + "." + key)
			if _, ok := scale[key]; !ok {
				c.add("TM-RISK-001", at, key, "acceptance.%s row %q is not a declared %s level", name, key, scaleName)
			}
			if len(row) != len(r.names) {
				c.add("TM-RISK-001", at, key, "acceptance.%s row %q has %d cells; it needs one per exploitability level (%d: %s)", name, key, len(row), len(r.names), strings.Join(r.names, ", "))
			}
		}
		for _, key := range sortedKeys(scale) {
			if _, ok := rows[key]; !ok {
				c.add("TM-RISK-001", p.Field("acceptance."+name), key, "acceptance.%s has no row for %s level %q; add one", name, scaleName, key)
			}
		}
	}
	checkMatrix("safety", rm.Acceptance.Safety, r.severity, "safetySeverity")
	if rm.Acceptance.Security != nil || len(r.impact) > 0 {
		if rm.Acceptance.Security == nil {
			c.add("TM-RISK-001", p.Field("acceptance"), "acceptance.security", "securityImpact levels are declared but acceptance.security has no matrix; add one row per impact level")
		} else {
			checkMatrix("security", rm.Acceptance.Security, r.impact, "securityImpact")
		}
	}
}

// cell evaluates a risk point through the matrices; ok is false when a
// level is unknown or unassessed.
func (r *riskMethod) cell(p *threatmodel.RiskPoint) (string, bool) {
	col, ok := r.levels[p.Exploitability.Level]
	if !ok {
		return "", false
	}
	var row []string
	if p.Safety != nil {
		row = r.safety[p.Safety.Severity]
	} else {
		row = r.security[p.SecurityImpact]
	}
	if col >= len(row) {
		return "", false
	}
	return row[col], true
}

var exposureRank = map[string]int{"physical": 0, "local": 1, "adjacent": 2, "network": 3}
var avRank = map[string]int{"P": 0, "L": 1, "A": 2, "N": 3}
var avName = map[string]string{"P": "physical", "L": "local", "A": "adjacent", "N": "network"}

// checkThreatRisk runs checks 5, 6 and 7 on every threat.
func (c *checker) checkThreatRisk() {
	r := c.method()
	for _, t := range c.m.Threats {
		pre, post := t.Pre(), t.Post()
		if pre != nil {
			c.point(r, t, "pre", pre)
		}
		if post != nil {
			c.point(r, t, "post", post)
		}
		if t.Status == "not-applicable" {
			continue
		}
		c.evaluate(r, t)
		c.safety(t)
	}
}

// point checks one risk point: levels, evaluation, CVSS (checks 5, 6).
func (c *checker) point(r *riskMethod, t *threatmodel.Threat, which string, p *threatmodel.RiskPoint) {
	base := "risk." + which
	ex := p.Exploitability
	if ex.Level == unassessed {
		if t.Origin != "imported" {
			c.add("TM-RISK-007", t.Pos.Field(base+".exploitability.level"), t.ID, "threat %s: %s exploitability is unassessed; assess it (unassessed is only for imported threats)", t.ID, which)
		}
	} else if _, ok := r.levels[ex.Level]; !ok {
		c.add("TM-RISK-002", t.Pos.Field(base+".exploitability.level"), t.ID, "threat %s: %s exploitability level %q is not one of riskMethod.exploitability.levels (%s)", t.ID, which, ex.Level, strings.Join(r.names, ", "))
	}
	if p.Safety != nil {
		if _, ok := r.severity[p.Safety.Severity]; !ok {
			c.add("TM-RISK-002", t.Pos.Field(base+".safety.severity"), t.ID, "threat %s: %s severity %q is not a riskMethod.safetySeverity level", t.ID, which, p.Safety.Severity)
		}
	} else if p.SecurityImpact != "" {
		if _, ok := r.impact[p.SecurityImpact]; !ok {
			c.add("TM-RISK-002", t.Pos.Field(base+".securityImpact"), t.ID, "threat %s: %s security impact %q is not a riskMethod.securityImpact level", t.ID, which, p.SecurityImpact)
		}
	}
	if cell, ok := r.cell(p); ok && p.Evaluation != "" && p.Evaluation != cell {
		c.add("TM-RISK-002", t.Pos.Field(base+".evaluation"), t.ID, "threat %s: %s evaluation says %s but the acceptance matrix gives %s; correct the evaluation or the levels", t.ID, which, p.Evaluation, cell)
	}
	justified := !placeholder(ex.Rationale)
	var vecs []cvss.Vector
	for _, f := range []struct{ field, s string }{{"cvss", ex.CVSS}, {"cvss4", ex.CVSS4}} {
		if f.s == "" {
			continue
		}
		at := t.Pos.Field(base + ".exploitability." + f.field)
		v, err := cvss.Parse(f.s)
		if err != nil {
			c.add("TM-CVSS-001", at, t.ID, "threat %s: %v; write a complete, valid vector", t.ID, err)
			continue
		}
		vecs = append(vecs, v)
		if r.useBands && ex.Level != unassessed && !justified {
			score := v.Exploitability()
			if lvl := r.band(score); lvl != "" && lvl != ex.Level {
				c.add("TM-CVSS-002", at, t.ID, "threat %s: %s exploitability sub-score %.3f (unrounded) of %s falls in band %q but the stated level is %q; fix the level or vector, or give exploitability.rationale",
					t.ID, which, score, f.field, lvl, ex.Level)
			}
		}
		if which == "pre" && r.worst {
			if tm := temporalMetrics(v); len(tm) > 0 {
				c.add("TM-CVSS-006", at, t.ID, "threat %s: pre-mitigation %s sets %s, but premarketPolicy is worst-case; remove the threat/temporal metrics", t.ID, f.field, strings.Join(tm, ", "))
			}
		}
		if sm := safetyMetrics(v); len(sm) > 0 && p.Safety == nil {
			c.add("TM-SAFETY-002", at, t.ID, "threat %s: %s vector has %s (impact on safety) but the %s point has no safety block; use safety with severity and hazardRef", t.ID, which, strings.Join(sm, ", "), which)
		}
		c.attackVector(t, which, at, v, justified)
	}
	if r.useBands && len(vecs) == 0 && ex.Level != unassessed && !justified {
		c.add("TM-CVSS-003", t.Pos.Field(base+".exploitability"), t.ID, "threat %s: %s exploitability level %q has neither a CVSS vector nor a rationale; give cvss or explain the level in rationale", t.ID, which, ex.Level)
	}
}

// attackVector compares AV with the entry points and the threat actor.
func (c *checker) attackVector(t *threatmodel.Threat, which string, at threatmodel.Pos, v cvss.Vector, justified bool) {
	av := v.AttackVector()
	max, n := -1, 0
	for _, id := range t.EntryPoints {
		if f := c.ix.interfaces[id]; f != nil {
			n++
			if r := exposureRank[f.Exposure]; r > max {
				max = r
			}
		}
	}
	if n > 0 {
		switch {
		case avRank[av] > max:
			c.add("TM-CVSS-004", at, t.ID, "threat %s: %s vector says AV:%s (%s) but its most exposed entry point is only %s; the model has no such path, lower AV or add the entry point",
				t.ID, which, av, avName[av], exposureName(max))
		case avRank[av] < max && !justified:
			c.add("TM-CVSS-005", at, t.ID, "threat %s: %s vector says AV:%s (%s) but an entry point is %s; raise AV or give a rationale (under-scoring risk)",
				t.ID, which, av, avName[av], exposureName(max))
		}
	}
	if which != "pre" || t.ThreatActor == "" {
		return
	}
	if ta := c.ix.tactors[t.ThreatActor]; ta != nil {
		if _, cmp := exposureRank[ta.Access]; cmp && ta.Access != avName[av] && !justified {
			c.add("TM-CVSS-007", at, t.ID, "threat %s: threat actor %s has %s access but the pre vector says AV:%s (%s); align them or give a rationale", t.ID, ta.ID, ta.Access, av, avName[av])
		}
	}
}

func exposureName(rank int) string {
	for k, v := range exposureRank {
		if v == rank {
			return k
		}
	}
	return "unknown"
}

// evaluate applies the acceptance rules to a threat (check 6).
func (c *checker) evaluate(r *riskMethod, t *threatmodel.Threat) {
	post, acc := t.Post(), t.Acceptance()
	closed := t.Status != "open"
	if closed && acc != nil && acc.Decision == "not-accepted" {
		c.add("TM-RISK-005", t.Pos.Field("risk.acceptance.decision"), t.ID, "threat %s has status %s but its residual risk is not accepted; keep it open until further controls bring the risk to an acceptable level", t.ID, t.Status)
	}
	if post == nil || !closed {
		return
	}
	cell, ok := r.cell(post)
	if !ok {
		return
	}
	switch cell {
	case "U":
		c.add("TM-RISK-003", t.Pos.Field("risk.post"), t.ID, "threat %s: residual risk %s is unacceptable (U) but the status is %s; add controls until the post-mitigation cell is A or R, or set the status to open",
			t.ID, pointName(post), t.Status)
	case "R":
		if acc == nil || acc.Basis != "benefit-risk" || placeholder(acc.Rationale) || placeholder(acc.ApprovedBy) || acc.Date == "" {
			c.add("TM-RISK-004", t.Pos.Field("risk.acceptance"), t.ID, "threat %s: residual risk %s is R; record risk.acceptance with basis benefit-risk, a rationale, approvedBy and date",
				t.ID, pointName(post))
		}
	}
	pre := t.Pre()
	if pre == nil || len(t.Mitigations) == 0 {
		return
	}
	pe, ok1 := r.levels[pre.Exploitability.Level]
	qe, ok2 := r.levels[post.Exploitability.Level]
	if !ok1 || !ok2 {
		return
	}
	var ps, qs int
	switch {
	case pre.Safety != nil && post.Safety != nil:
		ps, ok1 = r.severity[pre.Safety.Severity]
		qs, ok2 = r.severity[post.Safety.Severity]
	case pre.Safety == nil && post.Safety == nil:
		ps, ok1 = r.impact[pre.SecurityImpact]
		qs, ok2 = r.impact[post.SecurityImpact]
	default:
		return
	}
	if ok1 && ok2 && qe >= pe && qs >= ps && !scoreDrops(pre, post) {
		c.add("TM-RISK-006", t.Pos.Field("risk.post"), t.ID, "threat %s credits %d control(s) but its post-mitigation point (%s) is no lower than the pre-mitigation point (%s) on exploitability (level or CVSS sub-score) or severity; revisit the worst-case pre point or the post point",
			t.ID, len(t.Mitigations), pointName(post), pointName(pre))
	}
}

// scoreDrops reports whether both points have v3.1 vectors and the
// post-mitigation exploitability sub-score is lower: a measurable
// reduction even when the level stays in the same band.
func scoreDrops(pre, post *threatmodel.RiskPoint) bool {
	a, err1 := cvss.Parse(pre.Exploitability.CVSS)
	b, err2 := cvss.Parse(post.Exploitability.CVSS)
	return err1 == nil && err2 == nil && b.Exploitability() < a.Exploitability()
}

func pointName(p *threatmodel.RiskPoint) string {
	if p.Safety != nil {
		return p.Exploitability.Level + " x " + p.Safety.Severity
	}
	return p.Exploitability.Level + " x " + p.SecurityImpact + " (security)"
}

// safety enforces the hazard link of check 7: a threat that harms a
// safety-relevant asset (its assets list or an asset target) through
// tampering, denial of service or elevation of privilege needs safety
// with hazardRef at every risk point it has.
func (c *checker) safety(t *threatmodel.Threat) {
	if !has(t.Stride, sTamp) && !has(t.Stride, sDoS) && !has(t.Stride, sEoP) {
		return
	}
	var hit string
	ids := append([]string(nil), t.Assets...)
	for _, tg := range t.Targets {
		if tg.Asset != "" {
			ids = append(ids, tg.Asset)
		}
	}
	for _, id := range ids {
		if a := c.ix.assets[id]; a != nil && a.SafetyRelevant {
			hit = id
			break
		}
	}
	if hit == "" {
		return
	}
	for _, w := range []struct {
		name string
		p    *threatmodel.RiskPoint
	}{{"pre", t.Pre()}, {"post", t.Post()}} {
		if w.p == nil {
			continue
		}
		if w.p.Safety == nil || placeholder(w.p.Safety.HazardRef) {
			c.add("TM-SAFETY-001", t.Pos.Field("risk."+w.name), t.ID, "threat %s harms safety-relevant asset %s through tampering, denial of service or elevation of privilege; its %s point needs safety with severity and hazardRef (the ISO 14971 hazard ID)",
				t.ID, hit, w.name)
		}
	}
}
