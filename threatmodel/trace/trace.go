// Package trace builds the traceability matrix of a threat model: threat
// -> control -> requirement -> evidence -> hazard -> SBOM component (FDA
// DOC-01 (d), App. 2 A2-17 and A2-19), with per-category (Appendix 1) and
// per-view summaries and the pre -> post residual-risk counts. The matrix
// is plain data; text, JSON and CSV writers are provided here and the PDF
// evidence pack renders the same structure.
package trace

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/premarket/premarket/fda"
	"github.com/premarket/premarket/finding"
	"github.com/premarket/premarket/threatmodel"
)

// Matrix is the traceability matrix of one model.
type Matrix struct {
	Model      string            `json:"model"`
	Title      string            `json:"title"`
	Revision   string            `json:"revision"`
	Rows       []Row             `json:"rows"`
	Categories []CategorySummary `json:"categories"`
	Views      []ViewSummary     `json:"views"`
	Risk       []RiskTransition  `json:"riskTransitions"`
}

// Row links one threat to one of its controls (a threat without controls
// has one row with an empty Control).
type Row struct {
	Threat         string           `json:"threat"`
	Title          string           `json:"title"`
	Status         string           `json:"status"`
	Pre            string           `json:"pre,omitempty"`  // e.g. "high x catastrophic = U"
	Post           string           `json:"post,omitempty"` // e.g. "low x catastrophic = R"
	Control        string           `json:"control,omitempty"`
	ControlStatus  string           `json:"controlStatus,omitempty"`
	FDACategories  []string         `json:"fdaCategories,omitempty"`
	Requirements   []string         `json:"requirements,omitempty"`
	Evidence       []string         `json:"evidence,omitempty"`
	Hazards        []string         `json:"hazards,omitempty"`
	SBOMComponents []string         `json:"sbomComponents,omitempty"` // "SBOM-ID:ref"
	Location       finding.Location `json:"location"`
}

// CategorySummary is the coverage of one Appendix 1 category.
type CategorySummary struct {
	Code            string   `json:"code"`
	Name            string   `json:"name"`
	Controls        []string `json:"controls,omitempty"`
	Recommendations []string `json:"recommendations,omitempty"` // cited by a control
	Uncovered       []string `json:"uncovered,omitempty"`       // neither cited nor explained
	Note            string   `json:"note,omitempty"`            // model.controlCategoryNotes
}

// ViewSummary is the state of one FDA view type.
type ViewSummary struct {
	Type   string   `json:"type"`
	Status string   `json:"status"` // present, not-applicable, missing
	Views  []string `json:"views,omitempty"`
	Detail string   `json:"detail,omitempty"`
}

// RiskTransition counts threats by (pre cell -> post cell).
type RiskTransition struct {
	Pre   string `json:"pre"`
	Post  string `json:"post"`
	Count int    `json:"count"`
}

// Build builds the matrix with the default FDA catalog.
func Build(m *threatmodel.Model) *Matrix {
	cat, _ := fda.Default()
	return BuildWith(m, cat)
}

// BuildWith builds the matrix with a given catalog (nil: no category
// names or recommendation coverage).
func BuildWith(m *threatmodel.Model, cat *fda.Catalog) *Matrix {
	mx := &Matrix{Model: m.Meta.ID, Title: m.Meta.Title, Revision: m.Meta.Revision}
	controls := map[string]*threatmodel.Control{}
	for _, c := range m.Controls {
		if _, ok := controls[c.ID]; !ok {
			controls[c.ID] = c
		}
	}
	comps := map[string]*threatmodel.Component{}
	ifOwner := map[string]string{}
	for _, c := range m.Components {
		comps[c.ID] = c
		for _, f := range c.Interfaces {
			ifOwner[f.ID] = c.ID
		}
	}
	flows := map[string]*threatmodel.Dataflow{}
	for _, f := range m.Dataflows {
		flows[f.ID] = f
	}
	vulns := map[string]*threatmodel.Vulnerability{}
	for _, v := range m.Vulnerabilities {
		vulns[v.ID] = v
	}
	trans := map[[2]string]int{}
	for _, t := range m.Threats {
		base := Row{Threat: t.ID, Title: t.Title, Status: t.Status, Location: t.Pos.Location()}
		var preCell, postCell string
		if p := t.Pre(); p != nil {
			base.Pre, preCell = point(&m.RiskMethod, p)
		}
		if p := t.Post(); p != nil {
			base.Post, postCell = point(&m.RiskMethod, p)
		}
		if preCell != "" || postCell != "" {
			trans[[2]string{preCell, postCell}]++
		}
		base.Hazards = hazards(t)
		base.SBOMComponents = sbomRefs(t, comps, ifOwner, flows, vulns)
		if len(t.Mitigations) == 0 {
			base.Evidence = uniq(t.Verification)
			mx.Rows = append(mx.Rows, base)
			continue
		}
		for _, mi := range t.Mitigations {
			r := base
			r.Control = mi.Control
			ev := append([]string(nil), t.Verification...)
			if c := controls[mi.Control]; c != nil {
				r.ControlStatus = c.Status
				r.FDACategories = c.FDACategories
				r.Requirements = c.Requirements
				ev = append(ev, c.VerifiedBy...)
			}
			r.Evidence = uniq(ev)
			mx.Rows = append(mx.Rows, r)
		}
	}
	for k, n := range trans {
		mx.Risk = append(mx.Risk, RiskTransition{Pre: k[0], Post: k[1], Count: n})
	}
	sort.Slice(mx.Risk, func(i, j int) bool {
		if mx.Risk[i].Pre != mx.Risk[j].Pre {
			return mx.Risk[i].Pre > mx.Risk[j].Pre // U, R, A
		}
		return mx.Risk[i].Post > mx.Risk[j].Post
	})
	mx.Categories = categories(m, cat)
	mx.Views = views(m)
	return mx
}

// point evaluates a risk point through the declared matrices.
func point(rm *threatmodel.RiskMethod, p *threatmodel.RiskPoint) (label, cell string) {
	row, axis := rm.Acceptance.Security[p.SecurityImpact], p.SecurityImpact+" (security)"
	if p.Safety != nil {
		row, axis = rm.Acceptance.Safety[p.Safety.Severity], p.Safety.Severity
	}
	for i, l := range rm.Exploitability.Levels {
		if l == p.Exploitability.Level && i < len(row) {
			cell = row[i]
		}
	}
	label = p.Exploitability.Level + " x " + axis
	if cell != "" {
		label += " = " + cell
	}
	return label, cell
}

func hazards(t *threatmodel.Threat) []string {
	var out []string
	for _, p := range []*threatmodel.RiskPoint{t.Pre(), t.Post()} {
		if p != nil && p.Safety != nil && p.Safety.HazardRef != "" {
			out = append(out, p.Safety.HazardRef)
		}
	}
	return uniq(out)
}

// sbomRefs lists the SBOM components behind the elements a threat
// touches: targeted components, interfaces and flow endpoints, entry
// points, and the components of its vulnerabilities.
func sbomRefs(t *threatmodel.Threat, comps map[string]*threatmodel.Component, ifOwner map[string]string, flows map[string]*threatmodel.Dataflow, vulns map[string]*threatmodel.Vulnerability) []string {
	touched := map[string]bool{}
	for _, tg := range t.Targets {
		touched[tg.Component] = true
		touched[ifOwner[tg.Interface]] = true
		if f := flows[tg.Dataflow]; f != nil {
			touched[f.From.Component] = true
			touched[f.To.Component] = true
		}
	}
	for _, ep := range t.EntryPoints {
		touched[ifOwner[ep]] = true
	}
	var out []string
	for id := range touched {
		if c := comps[id]; c != nil {
			for _, s := range c.Software {
				out = append(out, s.SBOM+":"+s.Ref)
			}
		}
	}
	for _, id := range t.Vulnerabilities {
		if v := vulns[id]; v != nil {
			out = append(out, v.Component.SBOM+":"+v.Component.Ref)
		}
	}
	return uniq(out)
}

func categories(m *threatmodel.Model, cat *fda.Catalog) []CategorySummary {
	codes := []string{"A", "B", "C", "D", "E", "F", "G", "H"}
	names := map[string]string{}
	if cat != nil {
		codes = nil
		for _, c := range cat.Categories() {
			codes = append(codes, c.Code)
			names[c.Code] = c.Name
		}
	}
	cited := map[string]bool{}
	for _, c := range m.Controls {
		for _, r := range c.Recommendations {
			cited[r] = true
		}
	}
	var out []CategorySummary
	for _, code := range codes {
		s := CategorySummary{Code: code, Name: names[code], Note: m.Meta.ControlCategoryNotes[code]}
		for _, c := range m.Controls {
			for _, fc := range c.FDACategories {
				if p, _, _ := strings.Cut(fc, "."); p == code {
					s.Controls = append(s.Controls, c.ID)
					break
				}
			}
		}
		if cat != nil {
			for _, it := range cat.Recommendations(code) {
				switch {
				case cited[it.ID]:
					s.Recommendations = append(s.Recommendations, it.ID)
				case m.Meta.RecommendationNotes[it.ID] == "":
					s.Uncovered = append(s.Uncovered, it.ID)
				}
			}
		}
		out = append(out, s)
	}
	return out
}

func views(m *threatmodel.Model) []ViewSummary {
	var out []ViewSummary
	for _, typ := range threatmodel.ViewTypes {
		s := ViewSummary{Type: typ, Status: "missing"}
		var details []string
		for _, v := range m.Views {
			if v.Type != typ {
				continue
			}
			s.Views = append(s.Views, v.ID)
			if v.NotApplicable != nil {
				if s.Status == "missing" {
					s.Status = "not-applicable"
				}
				details = append(details, v.ID+": "+v.NotApplicable.Reason)
				continue
			}
			s.Status = "present"
			switch typ {
			case threatmodel.ViewMultiPatient:
				details = append(details, fmt.Sprintf("%s: %d scenario(s), %d shared element(s)", v.ID, len(v.Scenarios), len(v.SharedElements)))
			case threatmodel.ViewUpdatability:
				details = append(details, fmt.Sprintf("%s: %d update path(s), %d not updatable", v.ID, len(v.Paths), len(v.NotUpdatable)))
			case threatmodel.ViewSecurityUseCse:
				details = append(details, fmt.Sprintf("%s: %s / %s, %d flow(s), %d threat(s)", v.ID, v.OperationalState, v.ClinicalState, len(v.Sequence), len(v.Threats)))
			}
		}
		s.Detail = strings.Join(details, "; ")
		out = append(out, s)
	}
	return out
}

func uniq(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// WriteJSON writes the matrix as indented JSON.
func (mx *Matrix) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(mx)
}

// csvHeader is the column order of WriteCSV.
var csvHeader = []string{"threat", "title", "status", "pre", "post", "control", "control_status", "fda_categories", "requirements", "evidence", "hazards", "sbom_components", "file", "line"}

// WriteCSV writes one line per row; list cells are joined with "; ".
func (mx *Matrix) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	j := func(s []string) string { return strings.Join(s, "; ") }
	for _, r := range mx.Rows {
		rec := []string{r.Threat, r.Title, r.Status, r.Pre, r.Post, r.Control, r.ControlStatus, j(r.FDACategories), j(r.Requirements), j(r.Evidence), j(r.Hazards), j(r.SBOMComponents), r.Location.File, fmt.Sprint(r.Location.Line)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteText writes the matrix and summaries as aligned plain text.
func (mx *Matrix) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "Traceability matrix: %s (%s, revision %s)\n\n", mx.Title, mx.Model, mx.Revision)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	dash := func(s []string) string {
		if len(s) == 0 {
			return "-"
		}
		return strings.Join(s, ", ")
	}
	or := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	fmt.Fprintln(tw, "THREAT\tSTATUS\tPRE\tPOST\tCONTROL\tREQUIREMENTS\tEVIDENCE\tHAZARDS\tSBOM COMPONENTS")
	for _, r := range mx.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Threat, r.Status, or(r.Pre), or(r.Post), or(r.Control), dash(r.Requirements), dash(r.Evidence), dash(r.Hazards), dash(r.SBOMComponents))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nResidual risk (threats by pre -> post cell):")
	for _, t := range mx.Risk {
		fmt.Fprintf(w, "  %s -> %s: %d\n", or(t.Pre), or(t.Post), t.Count)
	}
	fmt.Fprintln(w, "\nFDA Appendix 1 categories:")
	for _, c := range mx.Categories {
		line := fmt.Sprintf("  %s %s: controls %s", c.Code, c.Name, dash(c.Controls))
		if len(c.Recommendations) > 0 {
			line += "; recommendations " + dash(c.Recommendations)
		}
		if len(c.Uncovered) > 0 {
			line += "; not addressed " + dash(c.Uncovered)
		}
		if c.Note != "" {
			line += "; note: " + c.Note
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintln(w, "\nFDA architecture views:")
	for _, v := range mx.Views {
		fmt.Fprintf(w, "  %s: %s", v.Type, v.Status)
		if v.Detail != "" {
			fmt.Fprintf(w, " (%s)", v.Detail)
		}
		fmt.Fprintln(w)
	}
	return nil
}
