package pack

import (
	"fmt"
	"strings"

	"github.com/premarket/premarket/fda"
	"github.com/premarket/premarket/finding"
	"github.com/premarket/premarket/project"
	"github.com/premarket/premarket/sbom/check"
	"github.com/premarket/premarket/threatmodel"
)

// DocStatus is the status of one documentation element (DOC-nn) as the
// pack shows it in its checklist.
type DocStatus struct {
	Item   fda.Item
	Status string // project.Status* values
	// Source says who decided the status: "premarket" (derived from what
	// premarket generated or checked) or "premarket.yaml".
	Source string
	// Reference is where the evidence is (a document in the design
	// history file, or a section of this pack); Reason explains a partial,
	// missing or not-applicable status.
	Reference string
	Reason    string
	// Section is the anchor of the pack section that answers the item, ""
	// when the pack has none.
	Section string
}

// Section anchors of the PDF.
const (
	secStatute    = "sec-524b"
	secChecklist  = "sec-checklist"
	secThreat     = "sec-threat-model"
	secRisk       = "sec-risk"
	secSBOM       = "sec-sbom"
	secSupport    = "sec-support"
	secVulns      = "sec-vulns"
	secTrace      = "sec-trace"
	secControls   = "sec-controls"
	secViews      = "sec-views"
	secTesting    = "sec-testing"
	secLabeling   = "sec-labeling"
	secPlan       = "sec-plan"
	secFindings   = "sec-findings"
	secDocControl = "sec-doc-control"
)

// docSections maps each documentation element to the pack section that
// answers it.
var docSections = map[string]string{
	"DOC-01": secTrace, "DOC-02": secThreat, "DOC-03": secRisk, "DOC-05": secSBOM,
	"DOC-06": secSBOM, "DOC-07": secSupport, "DOC-08": secVulns, "DOC-11": secControls,
	"DOC-12": secViews + "-global-system", "DOC-13": secViews + "-multi-patient-harm",
	"DOC-14": secViews + "-updatability-patchability", "DOC-15": secViews + "-security-use-case",
	"DOC-16": secTesting, "DOC-17": secLabeling, "DOC-18": secPlan, "DOC-19": secViews,
}

// DocStatuses derives the status of DOC-01..DOC-19. Elements premarket
// produces or checks (threat model, risk assessment, SBOM, support data,
// controls, views, testing, labeling, plan) get their status from that
// evidence; the others from premarket.yaml documents. A premarket.yaml
// reference is always kept, so a reviewer can find the full document.
func (e *Evidence) DocStatuses() []DocStatus {
	var out []DocStatus
	for _, it := range e.Catalog.Docs() {
		y, listed := e.Project.Documents[it.ID]
		ds := DocStatus{Item: it, Section: docSections[it.ID], Reference: y.Reference, Reason: y.Reason}
		if listed {
			ds.Status, ds.Source = y.Status, "premarket.yaml"
			if ds.Status == "" {
				ds.Status = project.StatusProvided
			}
		} else {
			ds.Status, ds.Source = project.StatusMissing, "premarket.yaml"
			ds.Reason = "not listed in premarket.yaml documents"
		}
		if st, reason, ok := e.derivedDocStatus(it); ok {
			ds.Status, ds.Source = st, "premarket"
			if reason != "" {
				ds.Reason = reason
			} else if st == project.StatusProvided {
				ds.Reason = ""
			}
		}
		out = append(out, ds)
	}
	return out
}

// derivedDocStatus returns the status premarket can establish itself.
func (e *Evidence) derivedDocStatus(it fda.Item) (status, reason string, ok bool) {
	m := e.Model
	switch it.ID {
	case "DOC-02":
		switch {
		case m == nil:
			return project.StatusMissing, e.ModelError, true
		case finding.Fails(e.TMFindings, finding.Error):
			return project.StatusPartial, fmt.Sprintf("the threat model has %d error findings under the %s profile", finding.Count(e.TMFindings)[finding.Error], e.Options.Profile.ThreatModel), true
		}
		return project.StatusProvided, "", true
	case "DOC-03":
		if m == nil {
			return project.StatusMissing, e.ModelError, true
		}
		n, withRisk := 0, 0
		for _, t := range m.Threats {
			if t.Status == "not-applicable" {
				continue
			}
			n++
			if t.Pre() != nil && t.Post() != nil {
				withRisk++
			}
		}
		switch {
		case n == 0 || withRisk == 0:
			return project.StatusMissing, "no threat carries a pre- and post-mitigation risk", true
		case withRisk < n || len(m.RiskMethod.Acceptance.Safety)+len(m.RiskMethod.Acceptance.Security) == 0:
			return project.StatusPartial, fmt.Sprintf("%d of %d threats carry pre- and post-mitigation risk; acceptance matrices: %d", withRisk, n, len(m.RiskMethod.Acceptance.Safety)+len(m.RiskMethod.Acceptance.Security)), true
		}
		return project.StatusProvided, "", true
	case "DOC-06":
		switch {
		case e.SBOM == nil:
			return project.StatusMissing, e.SBOMError, true
		case finding.Fails(e.SBOMFindings, finding.Error):
			c := 0
			for _, f := range e.SBOMFindings {
				if f.Severity == finding.Error && f.Catalog != check.ElemSupportLevel && f.Catalog != check.ElemEndOfSupport {
					c++
				}
			}
			if c == 0 {
				// only support data is missing: that is DOC-07's gap
				return project.StatusProvided, "", true
			}
			return project.StatusPartial, fmt.Sprintf("generated and schema-checked; %d NTIA or schema error findings remain", c), true
		}
		return project.StatusProvided, "", true
	case "DOC-07":
		if e.SBOM == nil {
			return project.StatusMissing, "no SBOM to attach support data to", true
		}
		var lvl, eos check.ElementScore
		for _, s := range e.SBOMResult.Scores {
			switch s.ID {
			case check.ElemSupportLevel:
				lvl = s
			case check.ElemEndOfSupport:
				eos = s
			}
		}
		total := lvl.Total + eos.Total
		got := lvl.Satisfied + lvl.Justified + eos.Satisfied + eos.Justified
		switch {
		case total == 0 || got == total:
			return project.StatusProvided, "", true
		case got == 0:
			return project.StatusMissing, "no component carries a support level or end-of-support date", true
		}
		return project.StatusPartial, fmt.Sprintf("support level for %d of %d components, end of support for %d of %d (justified included)", lvl.Satisfied+lvl.Justified, lvl.Total, eos.Satisfied+eos.Justified, eos.Total), true
	case "DOC-08":
		// premarket does not assess vulnerabilities; it shows what the
		// model lists and leaves the status to premarket.yaml.
		return "", "", false
	case "DOC-11":
		if m == nil {
			return project.StatusMissing, e.ModelError, true
		}
		if len(m.Controls) == 0 {
			return project.StatusMissing, "the threat model lists no controls", true
		}
		if hasRuleError(e.TMFindings, "TM-FDA-", "TM-CTL-") {
			return project.StatusPartial, "controls are listed; Appendix 1 or control findings at error level remain", true
		}
		return project.StatusProvided, "", true
	case "DOC-12", "DOC-13", "DOC-14", "DOC-15":
		if m == nil {
			return project.StatusMissing, e.ModelError, true
		}
		return viewStatus(m, it.ViewType)
	case "DOC-19":
		if m == nil {
			return project.StatusMissing, e.ModelError, true
		}
		missing := 0
		for _, vt := range e.Catalog.ViewTypes() {
			if st, _, _ := viewStatus(m, vt); st == project.StatusMissing {
				missing++
			}
		}
		switch {
		case missing == len(e.Catalog.ViewTypes()):
			return project.StatusMissing, "the threat model has no architecture views", true
		case missing > 0 || hasRuleError(e.TMFindings, "TM-VIEW-"):
			return project.StatusPartial, fmt.Sprintf("%d view types missing; view findings at error level: %t", missing, hasRuleError(e.TMFindings, "TM-VIEW-")), true
		}
		return project.StatusProvided, "", true
	case "DOC-16":
		var items map[string]project.Item
		if e.Project.Testing != nil {
			items = e.Project.Testing.Items
		}
		return aggregate(e.Catalog.Testing(), items)
	case "DOC-17":
		return aggregate(e.Catalog.Labeling(), e.Project.Labeling)
	case "DOC-18":
		return aggregate(e.Catalog.ManagementPlan(), e.Project.ManagementPlan)
	}
	return "", "", false
}

func hasRuleError(fs []finding.Finding, prefixes ...string) bool {
	for _, f := range fs {
		if f.Severity != finding.Error {
			continue
		}
		for _, p := range prefixes {
			if strings.HasPrefix(f.RuleID, p) {
				return true
			}
		}
	}
	return false
}

// viewStatus is provided when the model has a view of the type with text,
// not-applicable when it declares the type not applicable with a reason.
func viewStatus(m *threatmodel.Model, vt string) (string, string, bool) {
	na := ""
	for _, v := range m.Views {
		if v.Type != vt {
			continue
		}
		if v.NotApplicable != nil {
			na = v.NotApplicable.Reason
			continue
		}
		if strings.TrimSpace(v.Description) == "" {
			return project.StatusPartial, "view " + v.ID + " has no explanatory text", true
		}
		return project.StatusProvided, "", true
	}
	if na != "" {
		return project.StatusNotApplicable, na, true
	}
	return project.StatusMissing, "the threat model has no " + vt + " view", true
}

// aggregate summarises item statuses: provided when every item is provided
// or not applicable, missing when none is, partial otherwise.
func aggregate(items []fda.Item, got map[string]project.Item) (string, string, bool) {
	ok, missing := 0, 0
	var miss []string
	for _, it := range items {
		switch got[it.ID].Status {
		case project.StatusProvided, project.StatusNotApplicable:
			ok++
		case project.StatusPartial:
		default:
			missing++
			miss = append(miss, it.ID)
		}
	}
	switch {
	case ok == len(items):
		return project.StatusProvided, "", true
	case missing == len(items):
		return project.StatusMissing, "no item is provided", true
	}
	r := fmt.Sprintf("%d of %d items provided", ok, len(items))
	if len(miss) > 0 {
		r += "; missing: " + strings.Join(miss, ", ")
	}
	return project.StatusPartial, r, true
}
