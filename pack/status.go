package pack

import (
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
	// Source says who decided the status: "derived" (from what premarket
	// generated or checked) or "declared" (premarket.yaml documents).
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

// docSections maps each documentation element to the template section
// of the pack that answers it.
var docSections = map[string]string{
	"DOC-01": "traceability", "DOC-02": "threat-model", "DOC-03": "risk-method", "DOC-05": "components",
	"DOC-06": "sbom-summary", "DOC-07": "support", "DOC-08": "vulnerabilities", "DOC-11": "appendix1",
	"DOC-12": "global-system", "DOC-13": "multi-patient-harm", "DOC-14": "updatability", "DOC-15": "security-use-cases",
	"DOC-16": "testing", "DOC-17": "labeling", "DOC-18": "management-plan", "DOC-19": "architecture",
}

// DocStatuses derives the status of DOC-01..DOC-19. Elements premarket
// produces or checks (threat model, risk assessment, SBOM, support data,
// controls, views, testing, labeling, plan) get their status from that
// evidence; the others from premarket.yaml documents. A premarket.yaml
// reference is always kept, so a reviewer can find the full document.
func (e *Evidence) DocStatuses() []DocStatus {
	w := e.words
	var out []DocStatus
	for _, it := range e.Catalog.Docs() {
		y, listed := e.Project.Documents[it.ID]
		ds := DocStatus{Item: it, Reference: y.Reference, Reason: y.Reason}
		if id, ok := docSections[it.ID]; ok {
			ds.Section = anchorOf(id)
		}
		if listed {
			ds.Status, ds.Source = y.Status, "declared"
			if ds.Status == "" {
				ds.Status = project.StatusProvided
			}
		} else {
			ds.Status, ds.Source = project.StatusMissing, "declared"
			ds.Reason = w.say("doc-checklist", "not_listed", nil)
		}
		if st, reason, ok := e.derivedDocStatus(it); ok {
			ds.Status, ds.Source = st, "derived"
			if ds.Reference == "" && st != project.StatusMissing {
				ds.Reference = e.derivedReference(it)
			}
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

// derivedReference says where the evidence premarket derived a status
// from is, for elements premarket.yaml gives no reference for.
func (e *Evidence) derivedReference(it fda.Item) string {
	m, w := e.Model, e.words
	say := func(key string, data any) string { return w.say("doc-checklist", key, data) }
	views := func(vt string) string {
		var ids []string
		for _, v := range m.Views {
			if vt == "" || v.Type == vt {
				ids = append(ids, v.ID)
			}
		}
		return say("ref_views", map[string]any{"Model": e.ModelPath, "Views": strings.Join(ids, ", ")})
	}
	switch it.ID {
	case "DOC-02", "DOC-03":
		return say("ref_risk", map[string]any{"Model": e.ModelPath, "Revision": m.Meta.Revision, "Threats": len(m.Threats), "Procedure": m.RiskMethod.Procedure})
	case "DOC-06":
		return say("ref_sbom", map[string]any{"Spec": e.SBOMSpec, "Components": len(e.SBOM.Components)})
	case "DOC-07":
		if e.Project.SBOM.Components != "" {
			return say("ref_support_file", map[string]any{"File": e.rel(e.Project.SBOM.Components)})
		}
		return say("ref_support_inputs", nil)
	case "DOC-11":
		return say("ref_controls", map[string]any{"Model": e.ModelPath, "Controls": len(m.Controls)})
	case "DOC-12", "DOC-13", "DOC-14", "DOC-15":
		return views(it.ViewType)
	case "DOC-19":
		return views("")
	case "DOC-16":
		return say("ref_testing", nil)
	case "DOC-17":
		return say("ref_labeling", nil)
	case "DOC-18":
		return say("ref_plan", nil)
	}
	return ""
}

// derivedDocStatus returns the status premarket can establish itself.
func (e *Evidence) derivedDocStatus(it fda.Item) (status, reason string, ok bool) {
	m, w := e.Model, e.words
	say := func(key string, data any) string { return w.say("doc-checklist", key, data) }
	switch it.ID {
	case "DOC-02":
		switch {
		case m == nil:
			return project.StatusMissing, e.ModelError, true
		case finding.Fails(e.TMFindings, finding.Error):
			return project.StatusPartial, say("reason_model_errors", map[string]any{"Errors": finding.Count(e.TMFindings)[finding.Error], "Profile": string(e.Options.Profile.ThreatModel)}), true
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
			return project.StatusMissing, say("reason_no_risk", nil), true
		case withRisk < n || len(m.RiskMethod.Acceptance.Safety)+len(m.RiskMethod.Acceptance.Security) == 0:
			return project.StatusPartial, say("reason_partial_risk", map[string]any{"WithRisk": withRisk, "Threats": n, "Matrices": len(m.RiskMethod.Acceptance.Safety) + len(m.RiskMethod.Acceptance.Security)}), true
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
			return project.StatusPartial, say("reason_sbom_errors", count(c)), true
		}
		return project.StatusProvided, "", true
	case "DOC-07":
		if e.SBOM == nil {
			return project.StatusMissing, say("reason_no_sbom", nil), true
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
			return project.StatusMissing, say("reason_no_support", nil), true
		}
		return project.StatusPartial, say("reason_partial_support", map[string]any{"Level": lvl.Satisfied + lvl.Justified, "LevelTotal": lvl.Total, "EOS": eos.Satisfied + eos.Justified, "EOSTotal": eos.Total}), true
	case "DOC-08":
		// premarket does not assess vulnerabilities; it shows what the
		// model lists and leaves the status to premarket.yaml.
		return "", "", false
	case "DOC-11":
		if m == nil {
			return project.StatusMissing, e.ModelError, true
		}
		if len(m.Controls) == 0 {
			return project.StatusMissing, say("reason_no_controls", nil), true
		}
		if hasRuleError(e.TMFindings, "TM-FDA-", "TM-CTL-") {
			return project.StatusPartial, say("reason_control_errors", nil), true
		}
		return project.StatusProvided, "", true
	case "DOC-12", "DOC-13", "DOC-14", "DOC-15":
		if m == nil {
			return project.StatusMissing, e.ModelError, true
		}
		return viewStatus(w, m, it.ViewType)
	case "DOC-19":
		if m == nil {
			return project.StatusMissing, e.ModelError, true
		}
		missing := 0
		for _, vt := range e.Catalog.ViewTypes() {
			if st, _, _ := viewStatus(w, m, vt); st == project.StatusMissing {
				missing++
			}
		}
		switch {
		case missing == len(e.Catalog.ViewTypes()):
			return project.StatusMissing, say("reason_no_views", nil), true
		case missing > 0:
			return project.StatusPartial, say("reason_views_missing", map[string]any{"Missing": missing, "Types": len(e.Catalog.ViewTypes())}), true
		case hasRuleError(e.TMFindings, "TM-VIEW-"):
			return project.StatusPartial, say("reason_view_errors", nil), true
		}
		return project.StatusProvided, "", true
	case "DOC-16":
		var items map[string]project.Item
		if e.Project.Testing != nil {
			items = e.Project.Testing.Items
		}
		return aggregate(w, e.Catalog.Testing(), items)
	case "DOC-17":
		return aggregate(w, e.Catalog.Labeling(), e.Project.Labeling)
	case "DOC-18":
		return aggregate(w, e.Catalog.ManagementPlan(), e.Project.ManagementPlan)
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
func viewStatus(w *wording, m *threatmodel.Model, vt string) (string, string, bool) {
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
			return project.StatusPartial, w.say("doc-checklist", "reason_view_no_text", map[string]any{"View": v.ID}), true
		}
		return project.StatusProvided, "", true
	}
	if na != "" {
		return project.StatusNotApplicable, na, true
	}
	return project.StatusMissing, w.say("doc-checklist", "reason_no_view", map[string]any{"Type": vt}), true
}

// aggregate summarises item statuses: provided when every item is provided
// or not applicable, missing when none is, partial otherwise.
func aggregate(w *wording, items []fda.Item, got map[string]project.Item) (string, string, bool) {
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
		return project.StatusMissing, w.say("doc-checklist", "reason_no_items", nil), true
	}
	return project.StatusPartial, w.say("doc-checklist", "reason_partial_items", map[string]any{"OK": ok, "Items": len(items), "Missing": strings.Join(miss, ", ")}), true
}
