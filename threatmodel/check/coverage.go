package check

import (
	"fmt"
	"strings"

	"github.com/premarket/premarket/threatmodel"
)

// STRIDE category names as the schema spells them.
const (
	sSpoof = "spoofing"
	sTamp  = "tampering"
	sRepud = "repudiation"
	sInfo  = "information-disclosure"
	sDoS   = "denial-of-service"
	sEoP   = "elevation-of-privilege"
)

// strideFor is Threat Dragon's STRIDE-per-element table.
var strideFor = map[string][]string{
	"process":         {sSpoof, sTamp, sRepud, sInfo, sDoS, sEoP},
	"datastore":       {sTamp, sRepud, sInfo, sDoS},
	"external-entity": {sSpoof, sRepud},
	"flow":            {sTamp, sInfo, sDoS},
}

// checkFlows: boundary-crossing flows have threats and a security
// description (check 2).
func (c *checker) checkFlows() {
	for _, f := range c.m.Dataflows {
		if !c.ix.crosses(f) {
			continue
		}
		if len(c.ix.threatsByTarget[f.ID]) == 0 {
			c.add("TM-FLOW-001", f.Pos, f.ID, "flow %s crosses from %s to %s (different trust boundaries) but no threat targets it; add a threat with target {dataflow: %s} or a not-applicable record with the reason",
				f.ID, c.describeEnd(f.From), c.describeEnd(f.To), f.ID)
		}
		sec := f.Security
		if sec == nil || (sec.Authentication == nil && sec.Integrity == nil && sec.Encryption == nil && sec.None == "") {
			c.add("TM-FLOW-002", f.Pos, f.ID, "flow %s crosses a trust boundary but has no security description; give security.authentication/integrity/encryption (algorithm, key length), or security.none with the reason it is unprotected", f.ID)
		}
	}
}

func (c *checker) describeEnd(e threatmodel.Endpoint) string {
	if e.Actor != "" {
		return "actor " + e.Actor
	}
	b := c.ix.boundaryOf(e)
	if b == "" {
		return e.Component
	}
	return e.Component + " (" + b + ")"
}

// checkStride: STRIDE per element (check 3).
func (c *checker) checkStride() {
	covered := func(id string) map[string]bool {
		got := map[string]bool{}
		for _, t := range c.ix.threatsByTarget[id] {
			for _, s := range t.Stride {
				got[s] = true
			}
		}
		return got
	}
	report := func(p threatmodel.Pos, kind, id, elemType string) {
		got := covered(id)
		var miss []string
		for _, s := range strideFor[elemType] {
			if !got[s] {
				miss = append(miss, s)
			}
		}
		if len(miss) > 0 {
			c.add("TM-STRIDE-001", p, id, "%s %s (%s) has no threat for %s; add threats targeting it or not-applicable records with reasons",
				kind, id, elemType, strings.Join(miss, ", "))
		}
	}
	for _, k := range c.m.Components {
		if !k.IsInScope() {
			continue
		}
		report(k.Pos, "component", k.ID, k.DFDType)
	}
	endpointActors := map[string]bool{}
	for _, f := range c.m.Dataflows {
		if f.From.Actor != "" {
			endpointActors[f.From.Actor] = true
		}
		if f.To.Actor != "" {
			endpointActors[f.To.Actor] = true
		}
		if c.outOfScope(f.From) || c.outOfScope(f.To) {
			continue
		}
		report(f.Pos, "flow", f.ID, "flow")
	}
	for _, a := range c.m.Actors {
		if endpointActors[a.ID] {
			report(a.Pos, "actor", a.ID, "external-entity")
		}
	}
}

func (c *checker) outOfScope(e threatmodel.Endpoint) bool {
	k := c.ix.components[e.Component]
	return k != nil && !k.IsInScope()
}

// checkInterfaces: enabled interfaces are used or explained, disabled
// ones explained (check 4).
func (c *checker) checkInterfaces() {
	used := map[string]bool{}
	for _, f := range c.m.Dataflows {
		used[f.From.Interface] = true
		used[f.To.Interface] = true
	}
	for _, k := range c.m.Components {
		if !k.IsInScope() {
			continue
		}
		for _, f := range k.Interfaces {
			switch {
			case f.EnabledInProduction && !used[f.ID] && placeholder(f.Notes):
				c.add("TM-IF-001", f.Pos, f.ID, "interface %s of %s is enabled in production but no flow uses it; add the flow, disable the interface, or explain in notes why it is there", f.ID, k.ID)
			case !f.EnabledInProduction && placeholder(f.Notes):
				c.add("TM-IF-002", f.Pos, f.ID, "interface %s of %s is disabled in production; say in notes how it is disabled and why it cannot be re-enabled (App. 2 A2-4)", f.ID, k.ID)
			}
		}
	}
}

// outOfScopeUse reports out-of-scope components still used (TM-HYG-005).
func (c *checker) outOfScopeUse() {
	for _, f := range c.m.Dataflows {
		for _, e := range []threatmodel.Endpoint{f.From, f.To} {
			if c.outOfScope(e) {
				c.add("TM-HYG-005", f.Pos, f.ID, "flow %s ends at %s, which is marked inScope: false; bring the component in scope or remove the flow", f.ID, e.Component)
			}
		}
	}
	for _, t := range c.m.Threats {
		for i, tg := range t.Targets {
			if k := c.ix.components[tg.Component]; k != nil && !k.IsInScope() {
				c.add("TM-HYG-005", t.Pos.Field(fmt.Sprintf("targets.%d", i)), t.ID, "threat %s targets %s, which is marked inScope: false", t.ID, k.ID)
			}
		}
	}
}
