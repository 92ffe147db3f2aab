package check

import (
	"fmt"
	"strings"

	"github.com/premarket/premarket/threatmodel"
)

// Component kinds with special roles in the view checks.
var (
	sharedKinds  = map[string]bool{"cloud-service": true, "hsm": true, "gateway": true, "build-system": true}
	fieldedKinds = map[string]bool{"device": true, "accessory": true, "mobile-app": true, "desktop-app": true, "web-client": true, "gateway": true, "third-party-device": true, "hdo-system": true}
	deviceKinds  = map[string]bool{"device": true, "accessory": true, "gateway": true, "third-party-device": true}
	cloudKinds   = map[string]bool{"cloud-service": true, "datastore": true, "hsm": true, "build-system": true}
	signingKinds = map[string]bool{"hsm": true, "build-system": true}
)

// checkViews: all four views present or explained, and the view-specific
// checks of §4.4 (check 10).
func (c *checker) checkViews() {
	byType := map[string][]*threatmodel.View{}
	for _, v := range c.m.Views {
		if v.NotApplicable == nil {
			byType[v.Type] = append(byType[v.Type], v)
		}
	}
	present := map[string]bool{}
	for _, v := range c.m.Views {
		present[v.Type] = true
		if v.NotApplicable != nil {
			continue
		}
		var miss []string
		if v.Diagram == nil {
			miss = append(miss, "diagram")
		}
		if placeholder(v.Description) {
			miss = append(miss, "explanatory text (description)")
		}
		if len(miss) > 0 {
			c.add("TM-VIEW-016", v.Pos, v.ID, "view %s has no %s; FDA asks for diagrams and explanatory text for each view (§V.B.2)", v.ID, strings.Join(miss, " and "))
		}
	}
	for _, t := range threatmodel.ViewTypes {
		if !present[t] {
			c.add("TM-VIEW-001", c.m.Pos.Field("views"), t, "the model has no %s view; add one, or add it with notApplicable.reason explaining why it does not apply", t)
		}
	}
	for _, v := range byType[threatmodel.ViewGlobal] {
		c.globalView(v)
	}
	if len(byType[threatmodel.ViewGlobal]) > 0 {
		c.infrastructure()
	}
	c.multiPatient(byType[threatmodel.ViewMultiPatient])
	c.updatability(byType[threatmodel.ViewUpdatability])
	c.useCases(byType[threatmodel.ViewSecurityUseCse])
}

func (c *checker) globalView(v *threatmodel.View) {
	allC, allF := v.Scope == nil, v.Scope == nil
	inC, inF := map[string]bool{}, map[string]bool{}
	if v.Scope != nil {
		for _, id := range v.Scope.Components {
			allC = allC || id == "*"
			inC[id] = true
		}
		for _, id := range v.Scope.Dataflows {
			allF = allF || id == "*"
			inF[id] = true
		}
	}
	var miss []string
	if !allC {
		for _, k := range c.m.Components {
			if k.IsInScope() && !inC[k.ID] {
				miss = append(miss, "component "+k.ID)
			}
		}
	}
	if !allF {
		for _, f := range c.m.Dataflows {
			if !inF[f.ID] {
				miss = append(miss, "flow "+f.ID)
			}
		}
	}
	if len(miss) > 0 {
		c.add("TM-VIEW-014", v.Pos.Field("scope"), v.ID, "global system view %s leaves out %s; add them to scope (or use \"*\")", v.ID, listSome(miss))
	}
}

// infrastructure warns when a networked system shows no update or cloud
// infrastructure (TM-VIEW-015).
func (c *checker) infrastructure() {
	networked, infra, code := false, false, false
	for _, k := range c.m.Components {
		if sharedKinds[k.Kind] {
			infra = true
		}
		for _, f := range k.Interfaces {
			if f.EnabledInProduction && (f.Exposure == "network" || f.Exposure == "adjacent") {
				networked = true
			}
		}
	}
	for _, f := range c.m.Dataflows {
		for _, cr := range f.Carries {
			if cr.Kind == "code" {
				code = true
			}
		}
	}
	if networked && (!infra || !code) {
		what := "no flow that carries code (an update delivery)"
		if !infra {
			what = "no update, cloud or gateway component"
		}
		c.add("TM-VIEW-015", c.m.Pos.Field("components"), "global-system", "the system has network or radio interfaces but the model shows %s; FDA expects update infrastructure and cloud services in the global system view", what)
	}
}

func (c *checker) multiPatient(views []*threatmodel.View) {
	inScenario := map[string]bool{}
	shared := map[string]bool{}
	for _, v := range views {
		for _, id := range v.SharedElements {
			shared[id] = true
		}
		for _, s := range v.Scenarios {
			for _, id := range s.Threats {
				inScenario[id] = true
			}
			for _, fid := range s.Path {
				if f := c.ix.flows[fid]; f != nil {
					shared[endpointID(f.From)] = true
					shared[endpointID(f.To)] = true
					shared[fid] = true
				}
			}
			if s.Reach == "fleet" && !c.hasCategory(s.Containment, "B", "C", "D") {
				c.add("TM-VIEW-003", s.Pos, s.ID, "scenario %s can reach the whole fleet but names no containment control in category B, C or D; add the authorization, cryptography or integrity controls that stop it spreading", s.ID)
			}
		}
	}
	for _, t := range c.m.Threats {
		if t.MultiPatient && t.Status != "not-applicable" && !inScenario[t.ID] {
			c.add("TM-VIEW-002", t.Pos.Field("multiPatient"), t.ID, "threat %s is multi-patient but no multi-patient harm scenario lists it; add it to a scenario's threats", t.ID)
		}
	}
	if len(views) == 0 {
		return
	}
	for _, k := range c.m.Components {
		if k.IsInScope() && sharedKinds[k.Kind] && !shared[k.ID] {
			c.add("TM-VIEW-004", k.Pos, k.ID, "component %s (%s) is shared by many patients but no multi-patient harm view lists it in sharedElements or on a scenario path; consider the scenario or list it", k.ID, k.Kind)
		}
	}
}

// hasCategory reports whether any of the controls is in one of the
// categories (a subcategory counts for its parent).
func (c *checker) hasCategory(ids []string, cats ...string) bool {
	for _, id := range ids {
		k := c.ix.controls[id]
		if k == nil {
			continue
		}
		for _, code := range categories(k) {
			parent, _, _ := strings.Cut(code, ".")
			if has(cats, code) || has(cats, parent) {
				return true
			}
		}
	}
	return false
}

func (c *checker) updatability(views []*threatmodel.View) {
	if len(views) == 0 {
		return
	}
	covered := map[string]bool{}
	for _, v := range views {
		for _, n := range v.NotUpdatable {
			covered[n.Component] = true
		}
		for _, p := range v.Paths {
			covered[p.Target] = true
			c.updatePath(p)
		}
	}
	for _, k := range c.m.Components {
		if k.IsInScope() && len(k.Software) > 0 && !covered[k.ID] {
			c.add("TM-VIEW-005", k.Pos, k.ID, "component %s has software but no update path targets it and no notUpdatable entry explains why; add one to the updatability view", k.ID)
		}
	}
}

func (c *checker) updatePath(p *threatmodel.UpdatePath) {
	target := c.ix.components[p.Target]
	if target == nil {
		return
	}
	switch {
	case fieldedKinds[target.Kind]:
		if !c.hasCategory(p.Authenticity, "D.code", "H") && !c.hasCategoryExact(p.Authenticity, "D") {
			c.add("TM-VIEW-006", p.Pos.Field("authenticity"), p.ID, "update path %s delivers code to %s (%s) but names no authenticity control in category D.code or H; add the code-signing / verified-update control (AUTH-7, INT-2, INT-4)", p.ID, target.ID, target.Kind)
		}
		if deviceKinds[target.Kind] && len(p.RollbackProtection) == 0 {
			c.add("TM-VIEW-010", p.Pos, p.ID, "update path %s delivers code to device %s but names no rollbackProtection control; add the anti-rollback control (CRYPT-6, INT-4)", p.ID, target.ID)
		}
	case cloudKinds[target.Kind]:
		if len(p.PipelineControls) == 0 && len(p.Authenticity) == 0 {
			c.add("TM-VIEW-007", p.Pos, p.ID, "update path %s deploys the manufacturer's cloud service %s but names no pipeline controls; document the build and deployment pipeline controls in pipelineControls", p.ID, target.ID)
		}
	}
	for i, id := range p.Steps {
		f := c.ix.flows[id]
		if f == nil {
			continue
		}
		code := false
		for _, cr := range f.Carries {
			code = code || cr.Kind == "code"
		}
		if !code {
			c.add("TM-VIEW-008", p.Pos.Field(fmt.Sprintf("steps.%d", i)), p.ID, "update path %s step %s carries no code; update steps must carry an asset with kind code", p.ID, id)
		}
	}
	if len(p.Steps) == 0 {
		if deviceKinds[target.Kind] || placeholder(p.ThirdPartyPath) {
			c.add("TM-VIEW-009", p.Pos, p.ID, "update path %s has no steps; list the flows from the signing environment to %s (or, for third-party distribution, describe thirdPartyPath)", p.ID, target.ID)
		}
		return
	}
	cur := p.Source
	for i, id := range p.Steps {
		f := c.ix.flows[id]
		if f == nil {
			return
		}
		from, to := endpointID(f.From), endpointID(f.To)
		if i == 0 && cur == "" {
			cur = from
			if k := c.ix.components[cur]; k == nil || !signingKinds[k.Kind] {
				c.add("TM-VIEW-009", p.Pos.Field("steps.0"), p.ID, "update path %s starts at %s, which is not a signing environment (an hsm or build-system component); start the steps there or name it in source", p.ID, cur)
			}
		}
		switch {
		case from == cur:
			cur = to
		case f.Bidirectional && to == cur:
			cur = from
		default:
			c.add("TM-VIEW-009", p.Pos.Field(fmt.Sprintf("steps.%d", i)), p.ID, "update path %s: step %s runs %s -> %s but the previous step ended at %s; the steps must connect end to end", p.ID, id, from, to, cur)
			return
		}
	}
	if cur != p.Target {
		c.add("TM-VIEW-009", p.Pos.Field("steps"), p.ID, "update path %s ends at %s, not at its target %s; add the remaining steps", p.ID, cur, p.Target)
	}
}

func (c *checker) hasCategoryExact(ids []string, cat string) bool {
	for _, id := range ids {
		if k := c.ix.controls[id]; k != nil && has(categories(k), cat) {
			return true
		}
	}
	return false
}

// useCases: safety-critical functions covered, sequences connected,
// power-on, transition and update states covered.
func (c *checker) useCases(views []*threatmodel.View) {
	if len(views) == 0 {
		return
	}
	fn := map[string]bool{}
	states := map[string]bool{}
	for _, v := range views {
		for _, f := range v.ClinicalFunctions {
			fn[f] = true
		}
		states[v.OperationalState] = true
		for _, s := range v.AdditionalStates {
			states[s] = true
		}
		for i := 1; i < len(v.Sequence); i++ {
			a, b := c.ix.flows[v.Sequence[i-1]], c.ix.flows[v.Sequence[i]]
			if a == nil || b == nil {
				continue
			}
			if !shareNode(a, b) {
				c.add("TM-VIEW-012", v.Pos.Field(fmt.Sprintf("sequence.%d", i)), v.ID, "use case %s: flow %s does not share a component or actor with the previous flow %s; insert the connecting flow", v.ID, b.ID, a.ID)
			}
		}
	}
	for _, f := range c.m.Device.ClinicalFunctions {
		if f.SafetyCritical && !fn[f.ID] {
			c.add("TM-VIEW-011", f.Pos, f.ID, "safety-critical clinical function %s (%s) is covered by no security use case view; add a use case listing it in clinicalFunctions", f.ID, f.Name)
		}
	}
	for _, s := range []string{"power-on", "transition", "update"} {
		if !states[s] {
			c.add("TM-VIEW-013", views[0].Pos.Field("operationalState"), s, "no security use case covers the %s operational state; add one (operationalState: %s) or list the state in additionalStates of a use case that covers it", s, s)
		}
	}
}

func shareNode(a, b *threatmodel.Dataflow) bool {
	x := []string{endpointID(a.From), endpointID(a.To)}
	return has(x, endpointID(b.From)) || has(x, endpointID(b.To))
}

// listSome joins up to eight items and says how many more there are.
func listSome(items []string) string {
	if len(items) <= 8 {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:8], ", ") + fmt.Sprintf(" and %d more", len(items)-8)
}
