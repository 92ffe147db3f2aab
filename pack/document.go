package pack

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/premarket/premarket/fda"
	"github.com/premarket/premarket/finding"
	"github.com/premarket/premarket/pack/pdf"
	"github.com/premarket/premarket/project"
	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/check"
	"github.com/premarket/premarket/templates"
	"github.com/premarket/premarket/threatmodel"
)

// maxFindingRows bounds the open-findings table; the full list is in the
// zip's check results.
const maxFindingRows = 2000

// maxThreatBars is the largest model that gets one risk bar per threat;
// larger models get the per-class chart only.
const maxThreatBars = 60

// Document lays the evidence out as a PDF document, in the section order
// and with the fixed texts of the templates package (the order of the FDA
// documentation list). It computes nothing: every status and finding comes
// from Evidence.
func (e *Evidence) Document(fonts pdf.Fonts) (*pdf.Document, error) {
	t, err := templates.Pack()
	if err != nil {
		return nil, err
	}
	p := e.Project
	b := &builder{e: e, t: t}
	b.data = tmplData{Manufacturer: p.Manufacturer.Name, DeviceName: p.Device.Name, DeviceVersion: p.Device.SoftwareVersion,
		Justification: p.Submission.CyberDeviceRationale, GuidanceEdition: e.Catalog.Edition, ConnectionPaths: connectionPaths(e.Model)}
	kw := append(append([]string{}, t.Document.Keywords...), e.Catalog.Edition)
	b.d = pdf.New(pdf.Options{
		Title:          p.Submission.DocumentName,
		Author:         p.Manufacturer.Name,
		Subject:        b.expand(t.Document.Subject),
		Keywords:       kw,
		Creator:        "premarket " + e.Options.ToolVersion,
		Producer:       "premarket " + e.Options.ToolVersion + " (go-pdf/fpdf)",
		DeviceName:     strings.TrimSpace(p.Device.Name + " " + p.Device.Model),
		DeviceVersion:  "v" + p.Device.SoftwareVersion,
		Created:        e.Options.Time,
		Fonts:          fonts,
		TOCTitle:       t.Document.TOCTitle,
		TOCDepth:       2,
		FooterFormat:   t.Document.FooterFormat,
		NumberHeadings: true,
	})
	b.cover()
	b.d.Add(pdf.TOC{})
	b.statute()
	b.checklist()
	b.sbomSection()
	b.componentsSection()
	b.supportSection()
	b.vulnSection()
	b.threatModel()
	b.riskAssessment()
	b.viewsSection()
	b.controlsSection()
	b.traceSection()
	b.testingSection()
	b.itemsSection("labeling", e.Catalog.Labeling(), p.Labeling)
	b.itemsSection("management-plan", e.Catalog.ManagementPlan(), p.ManagementPlan)
	b.findingsSection()
	b.docControl()
	b.fail(e.words.err) // statuses worded by DocStatuses
	if b.err != nil {
		return nil, b.err
	}
	return b.d, nil
}

// tmplData is what the templates' texts may refer to.
type tmplData struct {
	Manufacturer, DeviceName, DeviceVersion, Justification, GuidanceEdition, ConnectionPaths, Section string
}

// connectionPaths lists the kinds of the model's production interfaces
// reachable over a network or radio ("ble, wifi") for the cyber device
// statement.
func connectionPaths(m *threatmodel.Model) string {
	if m == nil {
		return ""
	}
	var out []string
	for _, c := range m.Components {
		for _, f := range c.Interfaces {
			remote := f.Exposure == "network" || f.Exposure == "adjacent"
			if f.EnabledInProduction && remote && f.Type != "" && !slices.Contains(out, f.Type) {
				out = append(out, f.Type)
			}
		}
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

type builder struct {
	e    *Evidence
	d    *pdf.Document
	t    *templates.PackLayout
	data tmplData
	err  error // first template error; Document returns it
}

func (b *builder) fail(err error) {
	if b.err == nil && err != nil {
		b.err = err
	}
}

// expand fills a template text; errors are collected, not printed.
func (b *builder) expand(text string) string {
	out, err := templates.Expand(text, b.data)
	b.fail(err)
	return out
}

// text returns a fixed text of a template section, expanded.
func (b *builder) text(section, key string) string {
	s, err := b.t.Section(section)
	if err != nil {
		b.fail(err)
		return ""
	}
	v, err := s.Text(key)
	if err != nil {
		b.fail(err)
		return ""
	}
	return b.expand(v)
}

// title returns a template section's title.
func (b *builder) title(section string) string {
	s, err := b.t.Section(section)
	if err != nil {
		b.fail(err)
		return section
	}
	return s.Title
}

// h starts a template section: its heading (anchor "sec-" + id), then the
// guidance sections and catalog items it answers and its intro.
func (b *builder) h(level int, id string) {
	s, err := b.t.Section(id)
	if err != nil {
		b.fail(err)
		return
	}
	b.d.Add(pdf.Heading{Level: level, Title: s.Title, Anchor: anchorOf(id)})
	var spans []pdf.Span
	if len(s.Guidance) > 0 {
		cite := strings.Join(s.Guidance, "; ")
		if len(s.Catalog) > 0 {
			cite += " (" + strings.Join(s.Catalog, ", ") + ")"
		}
		spans = append(spans, pdf.Span{Text: b.doc("answers", nil) + " ", Bold: true}, pdf.Span{Text: cite, Italic: true}, pdf.Span{Text: ". "})
	}
	if intro := b.expand(s.Intro); intro != "" {
		spans = append(spans, pdf.Span{Text: intro})
	}
	if len(spans) > 0 {
		b.d.Add(pdf.Paragraph{Spans: spans})
	}
}

func anchorOf(id string) string { return "sec-" + id }

// viewSections maps the FDA view types to their template sections.
var viewSections = map[string]string{
	threatmodel.ViewGlobal:         "global-system",
	threatmodel.ViewMultiPatient:   "multi-patient-harm",
	threatmodel.ViewUpdatability:   "updatability",
	threatmodel.ViewSecurityUseCse: "security-use-cases",
}

func (b *builder) para(s string) { b.d.Paragraph(s) }

// gap marks a missing item in the text: bold, with the word MISSING, so
// the mark survives greyscale printing and text extraction.
func (b *builder) gap(what string) {
	b.d.Add(pdf.Table{Columns: []pdf.Column{{Width: 1}, {Width: 6}}, NoHeader: true,
		Rows: [][]pdf.Cell{{b.status(pdf.StatusMissing), {Text: what, Bold: true}}}})
}

// status is a status cell labelled with the status legend of the
// templates (pdf.Status values are the legend's IDs).
func (b *builder) status(st pdf.Status) pdf.Cell {
	s, err := b.t.Status(string(st))
	b.fail(err)
	return pdf.Cell{Text: s.Label, Status: st}
}

// statusCell is the cell of a project status (project.Status* values);
// an unknown status shows as missing.
func (b *builder) statusCell(st string) pdf.Cell {
	switch st {
	case project.StatusProvided:
		return b.status(pdf.StatusProvided)
	case project.StatusPartial:
		return b.status(pdf.StatusPartial)
	case project.StatusNotApplicable:
		return b.status(pdf.StatusNotApplicable)
	}
	return b.status(pdf.StatusMissing)
}

// sentence capitalises the first letter of a message used as a sentence,
// leaving file names such as premarket.yaml alone.
func sentence(s string) string {
	if s == "" || strings.HasPrefix(s, "premarket.yaml") || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

func (b *builder) cover() {
	e, p := b.e, b.e.Project
	label := b.coverLabel
	fields := []pdf.KV{
		{Key: label("device"), Value: p.Device.Name},
		{Key: label("model"), Value: orDash(p.Device.Model)},
		{Key: label("version"), Value: orDash(p.Device.SoftwareVersion)},
		{Key: label("submission"), Value: orDash(p.Submission.Type)},
	}
	if p.Submission.ProductCode != "" {
		fields = append(fields, pdf.KV{Key: label("product_code"), Value: p.Submission.ProductCode})
	}
	if p.Submission.RegulationNumber != "" {
		fields = append(fields, pdf.KV{Key: label("regulation_number"), Value: p.Submission.RegulationNumber})
	}
	fields = append(fields,
		pdf.KV{Key: label("manufacturer"), Value: p.Manufacturer.Name, URL: p.Manufacturer.URL},
		pdf.KV{Key: label("generated"), Value: e.Options.Time.UTC().Format("2006-01-02")},
		pdf.KV{Key: label("tool"), Value: "premarket " + e.Options.ToolVersion},
		pdf.KV{Key: label("catalog"), Value: e.Catalog.Edition + ": " + e.Catalog.Title + " (" + e.Catalog.Issued + ")"},
		pdf.KV{Key: label("inputs"), Value: b.doc("cover_inputs", map[string]any{"Count": len(e.Inputs), "Section": b.title("document-control")})},
		pdf.KV{Key: label("digest"), Value: e.InputsDigest()},
	)
	notice := b.expand(b.t.Document.CoverNotice) + " " + b.doc("cover_files", nil)
	b.d.Add(pdf.Cover{Title: p.Submission.DocumentName, Subtitle: b.expand(b.t.Document.Subtitle), Fields: fields, Notice: notice})
}

func (b *builder) statute() {
	e, p := b.e, b.e.Project
	b.h(1, "statement-524b")
	if p.Submission.CyberDevice {
		b.d.Add(pdf.Paragraph{Spans: []pdf.Span{{Text: b.text("statement-524b", "is_cyber_device")}}})
		if p.Submission.CyberDeviceRationale != "" {
			b.d.Add(pdf.Paragraph{Spans: []pdf.Span{{Text: b.say("statement-524b", "rationale_label", nil) + " ", Bold: true}, {Text: p.Submission.CyberDeviceRationale}}})
		} else {
			b.gap(b.say("statement-524b", "missing_rationale", nil))
		}
		if p.Submission.Subject524B() {
			b.para(b.say("statement-524b", "subject_yes", map[string]any{"Type": orDash(p.Submission.Type)}))
		} else {
			b.para(b.say("statement-524b", "subject_no", map[string]any{"Type": orDash(p.Submission.Type)}))
		}
	} else {
		if p.Submission.CyberDeviceRationale != "" {
			b.para(b.text("statement-524b", "not_cyber_device"))
		} else {
			b.gap(b.say("statement-524b", "missing_justification", nil))
		}
	}
	docs := map[string]DocStatus{}
	for _, ds := range e.DocStatuses() {
		docs[ds.Item.ID] = ds
	}
	type stat struct {
		id, key, section string
		docs             []string
	}
	items := []stat{
		{"524B(b)(1)", "b1", "management-plan", []string{"DOC-18"}},
		{"524B(b)(2)", "b2", "threat-model", []string{"DOC-01", "DOC-02", "DOC-03", "DOC-11", "DOC-16", "DOC-18"}},
		{"524B(b)(3)", "b3", "sbom-summary", []string{"DOC-06", "DOC-07"}},
		{"524B(b)(4)", "b4", "", nil},
	}
	paraphrase := map[string]string{}
	for _, it := range e.Catalog.Statutory524B() {
		paraphrase[it.ID] = it.Paraphrase
	}
	var rows [][]pdf.Cell
	for _, it := range items {
		data := b.data
		if it.section != "" {
			data.Section = b.title(it.section)
		}
		where, err := templates.Expand(b.text2("statement-524b", it.key), data)
		b.fail(err)
		st := project.StatusNotApplicable
		page := pdf.Cell{Text: "-"}
		if len(it.docs) > 0 {
			st = project.StatusProvided
			var ids []string
			for _, id := range it.docs {
				st = worse(st, docs[id].Status)
				ids = append(ids, id)
			}
			where += " [" + strings.Join(ids, ", ") + "]"
			page = pdf.Cell{Text: "p. ", PageOf: anchorOf(it.section)}
		}
		rows = append(rows, []pdf.Cell{{Text: it.id, Bold: true}, {Text: orDash(paraphrase[it.id])}, {Text: where}, b.statusCell(st), page})
	}
	b.d.Add(b.tab("statement-524b", "statute", nil, pdf.Table{Rows: rows, Size: 8.5}))
}

// text2 returns a template text without expanding it.
func (b *builder) text2(section, key string) string {
	s, err := b.t.Section(section)
	if err != nil {
		b.fail(err)
		return ""
	}
	v, err := s.Text(key)
	b.fail(err)
	return v
}

// worse returns the weaker of two statuses.
func worse(a, b string) string {
	rank := map[string]int{project.StatusProvided: 0, project.StatusNotApplicable: 0, project.StatusPartial: 1, project.StatusMissing: 2}
	ra, okA := rank[a]
	rb, okB := rank[b]
	if !okA {
		ra = 2
	}
	if !okB {
		rb = 2
	}
	if rb > ra {
		return b
	}
	return a
}

func (b *builder) checklist() {
	e := b.e
	b.h(1, "doc-checklist")
	b.para(b.say("doc-checklist", "status_note", nil))
	var rows [][]pdf.Cell
	counts := map[string]int{}
	for _, ds := range e.DocStatuses() {
		counts[ds.Status]++
		where := ds.Reference
		if ds.Reason != "" {
			if where != "" {
				where += ". "
			}
			where += sentence(ds.Reason)
		}
		page := pdf.Cell{Text: "-"}
		if ds.Section != "" {
			page = pdf.Cell{Text: "p. ", PageOf: ds.Section}
		}
		rows = append(rows, []pdf.Cell{{Text: ds.Item.ID, Bold: true}, {Text: ds.Item.Title}, {Text: ds.Item.Section}, b.statusCell(ds.Status), {Text: orDash(where)}, {Text: ds.Source}, page})
	}
	b.para(b.say("doc-checklist", "summary", map[string]any{"Provided": counts[project.StatusProvided], "Partial": counts[project.StatusPartial], "Missing": counts[project.StatusMissing], "NotApplicable": counts[project.StatusNotApplicable]}))
	b.d.Add(b.tab("doc-checklist", "elements", nil, pdf.Table{Rows: rows, Size: 8.5}))
	if len(e.Gaps) > 0 {
		var gr [][]pdf.Cell
		for _, g := range e.Gaps {
			gr = append(gr, []pdf.Cell{{Text: g.ID, Bold: true}, {Text: g.What}, {Text: orDash(sentence(g.Reason))}})
		}
		b.d.Add(b.tab("doc-checklist", "gaps", count(len(e.Gaps)), pdf.Table{Rows: gr}))
	}
}

func (b *builder) threatModel() {
	e, m := b.e, b.e.Model
	b.h(1, "threat-model")
	if m == nil {
		b.gap("Threat model: " + e.ModelError)
		return
	}
	l := func(key string) string { return b.say("threat-model", key, nil) }
	kv := []pdf.KV{
		{Key: l("kv_model"), Value: orDash(m.Meta.Title) + " (" + orDash(m.Meta.ID) + ")"},
		{Key: l("kv_revision"), Value: orDash(m.Meta.Revision) + ", " + orDash(m.Meta.Date) + ", " + orDash(m.Meta.Status)},
		{Key: l("kv_file"), Value: e.ModelPath},
		{Key: l("kv_methodology"), Value: orDash(strings.Join(m.Meta.Methodology, ", "))},
		{Key: l("kv_rationale"), Value: orDash(m.Meta.MethodologyRationale)},
		{Key: l("kv_intended_use"), Value: orDash(m.Device.IntendedUse)},
		{Key: l("kv_use_environments"), Value: orDash(strings.Join(m.Device.UseEnvironments, ", "))},
		{Key: l("kv_contents"), Value: b.say("threat-model", "contents", map[string]any{"Components": len(m.Components), "Dataflows": len(m.Dataflows),
			"Boundaries": len(m.TrustBoundaries), "Assets": len(m.Assets), "Threats": len(m.Threats), "Controls": len(m.Controls), "Evidence": len(m.Evidence), "Views": len(m.Views)})},
		{Key: l("kv_check"), Value: b.checkResult(e.TMFindings, string(e.Options.Profile.ThreatModel))},
	}
	b.d.Add(pdf.KeyValues{Pairs: kv})
	if len(m.Assumptions) > 0 {
		var rows [][]pdf.Cell
		for _, a := range m.Assumptions {
			rows = append(rows, []pdf.Cell{{Text: a.ID, Bold: true}, {Text: a.Text}, {Text: strings.Join(a.AppliesTo, ", ")}, {Text: orDash(strings.Join(a.ValidatedBy, ", "))}})
		}
		b.d.Add(b.tab("threat-model", "assumptions", nil, pdf.Table{Rows: rows}))
	}
	if len(m.Assets) > 0 {
		var rows [][]pdf.Cell
		for _, a := range m.Assets {
			sr := "no"
			if a.SafetyRelevant {
				sr = "yes"
			}
			rows = append(rows, []pdf.Cell{{Text: a.ID, Bold: true}, {Text: a.Name}, {Text: orDash(a.Kind)}, {Text: sr}, {Text: strings.Join(a.Objectives, ", ")}})
		}
		b.d.Add(b.tab("threat-model", "assets", nil, pdf.Table{Rows: rows}))
	}
}

func orNotGiven(s string) string {
	if s == "" {
		return "not given"
	}
	return s
}

// classColor colours an acceptance class by its legend meaning.
func classColor(legend string) pdf.Color {
	l := strings.ToLower(legend)
	switch {
	case strings.HasPrefix(l, "unacceptable"):
		return pdf.Color{R: 198, G: 40, B: 40}
	case strings.HasPrefix(l, "acceptable only"), strings.Contains(l, "rationale"), strings.Contains(l, "alarp"):
		return pdf.Color{R: 249, G: 168, B: 37}
	case strings.HasPrefix(l, "acceptable"):
		return pdf.Color{R: 46, G: 125, B: 50}
	}
	return pdf.Color{R: 158, G: 158, B: 158}
}

func (b *builder) riskAssessment() {
	e, m := b.e, b.e.Model
	if m == nil {
		b.h(2, "risk-method")
		b.gap(b.say("risk-method", "gap_no_model", map[string]any{"Error": e.ModelError}))
		return
	}
	rm := m.RiskMethod
	b.h(2, "risk-method")
	l := func(key string) string { return b.say("risk-method", key, nil) }
	kv := []pdf.KV{
		{Key: l("kv_procedure"), Value: orDash(rm.Procedure)},
		{Key: l("kv_exploitability"), Value: orDash(strings.Join(rm.Exploitability.Levels, ", "))},
		{Key: l("kv_premarket_policy"), Value: orDash(rm.Exploitability.PremarketPolicy)},
		{Key: l("kv_rubric"), Value: orDash(rm.Exploitability.Rubric)},
	}
	if d := rm.Exploitability.Derivation; d != nil {
		var bands []string
		for _, bd := range d.Bands {
			if bd.Below != nil {
				bands = append(bands, b.say("risk-method", "band_below", map[string]any{"Level": bd.Level, "Below": *bd.Below}))
			} else {
				bands = append(bands, b.say("risk-method", "band_otherwise", map[string]any{"Level": bd.Level}))
			}
		}
		kv = append(kv, pdf.KV{Key: l("kv_derivation"), Value: d.Method + ": " + strings.Join(bands, "; ")})
	}
	if rm.SecurityImpact != nil {
		kv = append(kv, pdf.KV{Key: l("kv_security_impact"), Value: strings.Join(rm.SecurityImpact.Levels, ", ")})
	}
	var sev []string
	for _, l := range rm.SafetySeverity.Levels {
		sev = append(sev, l.ID+" ("+l.Definition+")")
	}
	kv = append(kv, pdf.KV{Key: l("kv_safety_severity"), Value: orDash(strings.Join(sev, "; "))},
		pdf.KV{Key: l("kv_transfer"), Value: orDash(rm.TransferToSafety)})
	b.d.Add(pdf.KeyValues{Pairs: kv})

	legendKeys := make([]string, 0, len(rm.Acceptance.Legend))
	for k := range rm.Acceptance.Legend {
		legendKeys = append(legendKeys, k)
	}
	sort.Strings(legendKeys)
	var leg []string
	for _, k := range legendKeys {
		leg = append(leg, k+" = "+rm.Acceptance.Legend[k])
	}
	b.h(2, "acceptance-matrices")
	if len(leg) > 0 {
		b.para(b.say("acceptance-matrices", "legend", map[string]any{"Legend": strings.Join(leg, "; ")}))
	}
	grid := func(caption, axis string, rows []string, matrix map[string][]string) {
		if len(matrix) == 0 {
			return
		}
		g := pdf.Grid{Caption: caption, RowAxis: axis, ColAxis: b.say("acceptance-matrices", "axis_exploitability", nil), ColLabels: rm.Exploitability.Levels}
		for _, r := range rows {
			cells, ok := matrix[r]
			if !ok {
				continue
			}
			g.RowLabels = append(g.RowLabels, r)
			var gc []pdf.GridCell
			for _, c := range cells {
				gc = append(gc, pdf.GridCell{Text: c, Fill: classColor(rm.Acceptance.Legend[c])})
			}
			g.Cells = append(g.Cells, gc)
		}
		b.d.Add(g)
	}
	var sevRows []string
	for _, l := range rm.SafetySeverity.Levels {
		sevRows = append(sevRows, l.ID)
	}
	am := func(key string) string { return b.say("acceptance-matrices", key, nil) }
	grid(am("safety_caption"), am("axis_severity"), sevRows, rm.Acceptance.Safety)
	if rm.SecurityImpact != nil {
		grid(am("security_caption"), am("axis_impact"), rm.SecurityImpact.Levels, rm.Acceptance.Security)
	}

	b.h(2, "threats")
	mx := b.e.Trace()
	pre, post := map[string]float64{}, map[string]float64{}
	for _, tr := range mx.Risk {
		if tr.Pre != "" {
			pre[tr.Pre] += float64(tr.Count)
		}
		if tr.Post != "" {
			post[tr.Post] += float64(tr.Count)
		}
	}
	var rows [][]pdf.Cell
	notApplicable := b.parsed("threats", "not_applicable")
	labels := map[string][2]string{}
	for _, r := range mx.Rows {
		if _, ok := labels[r.Threat]; !ok {
			labels[r.Threat] = [2]string{r.Pre, r.Post}
		}
	}
	for _, t := range m.Threats {
		if t.Status == "not-applicable" {
			rows = append(rows, []pdf.Cell{{Text: t.ID, Bold: true}, {Text: t.Title}, {Text: b.fill(notApplicable, map[string]any{"Reason": t.NotApplicable})}, {Text: "-"}, {Text: "-"}, {Text: orDash(t.Status)}})
			continue
		}
		var ctl []string
		for _, mi := range t.Mitigations {
			ctl = append(ctl, mi.Control)
		}
		l := labels[t.ID]
		rows = append(rows, []pdf.Cell{{Text: t.ID, Bold: true}, {Text: t.Title}, {Text: orNotGiven(l[0])}, {Text: orDash(strings.Join(ctl, ", "))}, {Text: orNotGiven(l[1])}, {Text: orDash(t.Status)}})
	}
	b.d.Add(b.tab("threats", "threats", count(len(m.Threats)), pdf.Table{Rows: rows, Zebra: true, Size: 8}))
	// residual risk acceptance
	var acc [][]pdf.Cell
	for _, t := range m.Threats {
		a := t.Acceptance()
		if a == nil {
			continue
		}
		acc = append(acc, []pdf.Cell{{Text: t.ID, Bold: true}, {Text: orDash(a.Decision)}, {Text: orDash(a.Basis)}, {Text: orDash(a.Rationale)}, {Text: orDash(strings.TrimSpace(a.ApprovedBy + " " + a.Date))}})
	}
	if len(acc) > 0 {
		b.d.Add(b.tab("threats", "acceptance", nil, pdf.Table{Rows: acc, Size: 8}))
	}
	b.h(2, "risk-reduction")
	rr := func(key string) string { return b.say("risk-reduction", key, nil) }
	if len(legendKeys) > 0 {
		ch := pdf.BarChart{Caption: rr("class_chart"), BeforeLabel: rr("before"), AfterLabel: rr("after")}
		for _, k := range legendKeys {
			ch.Bars = append(ch.Bars, pdf.Bar{Label: k + " (" + rm.Acceptance.Legend[k] + ")", Before: pre[k], After: post[k]})
			ch.Max = max(ch.Max, pre[k], post[k])
		}
		if ch.Max > 0 {
			b.d.Add(ch)
		}
	}
	// Per threat, for models small enough to read one bar per threat:
	// the exploitability level (the axis mitigations act on), as its rank
	// in the model's level list.
	if n := len(m.Threats); n > 0 && n <= maxThreatBars && len(rm.Exploitability.Levels) > 0 {
		rank := map[string]float64{}
		for i, l := range rm.Exploitability.Levels {
			rank[l] = float64(i + 1)
		}
		lv := rm.Exploitability.Levels
		ch := pdf.BarChart{Caption: b.say("risk-reduction", "threat_chart", map[string]any{"First": lv[0], "N": len(lv), "Last": lv[len(lv)-1]}),
			BeforeLabel: rr("before"), AfterLabel: rr("after"), Max: float64(len(lv))}
		for _, t := range m.Threats {
			if t.Pre() == nil || t.Post() == nil {
				continue
			}
			ch.Bars = append(ch.Bars, pdf.Bar{Label: t.ID, Before: rank[t.Pre().Exploitability.Level], After: rank[t.Post().Exploitability.Level]})
		}
		if len(ch.Bars) > 0 {
			b.d.Add(ch)
		}
	}
	var trans []string
	for _, tr := range mx.Risk {
		trans = append(trans, fmt.Sprintf("%s → %s: %d", orDash(tr.Pre), orDash(tr.Post), tr.Count))
	}
	if len(trans) > 0 {
		b.para(b.say("risk-reduction", "class_changes", map[string]any{"Changes": strings.Join(trans, "; ")}))
	}
}

// countText counts findings by severity ("2 errors, 0 warnings, 5 info").
func (b *builder) countText(fs []finding.Finding) string {
	c := finding.Count(fs)
	return b.doc("counts", map[string]any{"Errors": c[finding.Error], "Warnings": c[finding.Warning], "Info": c[finding.Info]})
}

// checkResult is the result of a check: its counts and profile.
func (b *builder) checkResult(fs []finding.Finding, profile string) string {
	return b.doc("check_result", map[string]any{"Counts": b.countText(fs), "Profile": profile})
}

func licenseText(c *sbom.Component) string {
	var ls []string
	for _, l := range c.Licenses {
		switch {
		case l.Expression != "":
			ls = append(ls, l.Expression)
		case l.Name != "":
			ls = append(ls, l.Name)
		}
	}
	return strings.Join(ls, " AND ")
}

func (b *builder) sbomSection() {
	e, doc := b.e, b.e.SBOM
	b.h(1, "sbom-summary")
	if doc == nil {
		b.gap(b.say("sbom-summary", "gap_no_sbom", map[string]any{"Error": e.SBOMError}))
		return
	}
	l := func(key string) string { return b.say("sbom-summary", key, nil) }
	b.d.Add(pdf.KeyValues{Pairs: []pdf.KV{
		{Key: l("kv_format"), Value: b.say("sbom-summary", "format", map[string]any{"Spec": e.SBOMSpec, "File": sbomFileName(e.Project)})},
		{Key: l("kv_serial"), Value: orDash(doc.SerialNumber)},
		{Key: l("kv_timestamp"), Value: orDash(displayTime(doc.Timestamp))},
		{Key: l("kv_authors"), Value: orDash(strings.Join(doc.Authors, ", "))},
		{Key: l("kv_components"), Value: strconv.Itoa(len(doc.Components))},
		{Key: l("kv_check"), Value: b.checkResult(e.SBOMFindings, string(e.Options.Profile.SBOM))},
	}})
	// element scores
	var sr [][]pdf.Cell
	for _, s := range e.SBOMResult.Scores {
		pct := "n/a"
		if s.Total > 0 {
			pct = strconv.FormatFloat(s.Percent, 'f', 1, 64) + "%"
		}
		just := ""
		if s.Justified > 0 {
			just = strconv.Itoa(s.Justified)
		}
		sr = append(sr, []pdf.Cell{{Text: s.ID, Bold: true}, {Text: s.Title}, {Text: fmt.Sprintf("%d / %d", s.Satisfied, s.Total), Align: "R"}, {Text: orDash(just), Align: "R"}, {Text: pct, Align: "R"}})
	}
	b.d.Add(b.tab("sbom-summary", "elements", nil, pdf.Table{Rows: sr}))
	// counts by type, licence, support level
	byType, byLic, byLevel := map[string]int{}, map[string]int{}, map[string]int{}
	var noID []*sbom.Component
	for _, c := range doc.Components {
		byType[string(c.Type)]++
		l := licenseText(c)
		if l == "" {
			l = "(none declared)"
		}
		byLic[l]++
		si := check.ResolveSupport(c)
		lv := si.Level
		if n, ok := check.NormalizeLevel(lv); ok {
			lv = n
		}
		if lv == "" {
			lv = "(not given)"
		}
		byLevel[lv]++
		if c.PURL == "" && c.CPE == "" {
			noID = append(noID, c)
		}
	}
	b.d.Add(b.countTable("by_type", byType, 0))
	b.d.Add(b.countTable("by_level", byLevel, 0))
	b.d.Add(b.countTable("by_licence", byLic, 30))
	if len(noID) > 0 {
		reason := b.say("sbom-summary", "not_checked_reason", nil)
		var rows [][]pdf.Cell
		for _, c := range noID {
			rows = append(rows, []pdf.Cell{{Text: c.Name}, {Text: orDash(c.Version), Mono: true}, {Text: reason}})
		}
		b.d.Add(b.tab("sbom-summary", "not_checked", count(len(noID)), pdf.Table{Rows: rows}))
	}
}

func (b *builder) componentsSection() {
	e, doc := b.e, b.e.SBOM
	b.h(1, "components")
	if doc == nil {
		b.gap("Component inventory: " + e.SBOMError)
		return
	}
	rows := make([][]pdf.Cell, 0, len(doc.Components))
	for _, c := range doc.Components {
		si := check.ResolveSupport(c)
		id := c.PURL
		if c.CPE != "" {
			if id != "" {
				id += " "
			}
			id += c.CPE
		}
		rows = append(rows, []pdf.Cell{{Text: c.Name}, {Text: orDash(c.Version), Mono: true}, {Text: orDash(c.Supplier)}, {Text: orDash(id), Mono: true}, {Text: orDash(si.Level)}, {Text: orDash(si.EndOfSupport)}})
	}
	b.d.Add(b.tab("components", "components", count(len(doc.Components)), pdf.Table{Rows: rows, Zebra: true, Size: 7.5}))
}

// countTable is table key of the SBOM summary: one row per value of m,
// most frequent first, the first limit (0: all) shown and the rest summed.
func (b *builder) countTable(key string, m map[string]int, limit int) pdf.Table {
	type kv struct {
		k string
		n int
	}
	var l []kv
	total := 0
	for k, n := range m {
		l = append(l, kv{k, n})
		total += n
	}
	sort.Slice(l, func(i, j int) bool {
		if l[i].n != l[j].n {
			return l[i].n > l[j].n
		}
		return l[i].k < l[j].k
	})
	var rows [][]pdf.Cell
	rest := 0
	for i, x := range l {
		if limit > 0 && i >= limit {
			rest += x.n
			continue
		}
		rows = append(rows, []pdf.Cell{{Text: x.k}, {Text: strconv.Itoa(x.n), Align: "R"}})
	}
	if rest > 0 {
		rows = append(rows, []pdf.Cell{{Text: b.say("sbom-summary", "count_other", count(len(l)-limit))}, {Text: strconv.Itoa(rest), Align: "R"}})
	}
	rows = append(rows, []pdf.Cell{{Text: b.say("sbom-summary", "count_total", nil), Bold: true}, {Text: strconv.Itoa(total), Align: "R", Bold: true}})
	return b.tab("sbom-summary", key, nil, pdf.Table{Rows: rows})
}

func (b *builder) supportSection() {
	e, doc := b.e, b.e.SBOM
	b.h(1, "support")
	if doc == nil {
		b.gap(b.say("support", "gap_no_sbom", nil))
		return
	}
	if e.Project.SBOM.Components == "" || !exists(e.Project.SBOM.Components) {
		b.gap(b.say("support", "gap_no_file", nil))
	}
	if e.Apply != nil {
		b.para(b.say("support", "applied", map[string]any{"File": e.rel(e.Project.SBOM.Components),
			"Applied": len(e.Apply.Applied), "Uncovered": len(e.Apply.Uncovered), "Unused": len(e.Apply.Unused)}))
	}
	rows := make([][]pdf.Cell, 0, len(doc.Components))
	for _, c := range doc.Components {
		si := check.ResolveSupport(c)
		lvl := pdf.Cell{Text: orDash(si.Level)}
		if si.Level == "" && si.Justification == "" {
			lvl = b.status(pdf.StatusMissing)
		}
		rows = append(rows, []pdf.Cell{{Text: c.Name}, {Text: orDash(c.Version), Mono: true}, lvl, {Text: orDash(si.EndOfSupport)}, {Text: orDash(si.Justification)}})
	}
	b.d.Add(b.tab("support", "support", nil, pdf.Table{Rows: rows, Zebra: true, Size: 7.5}))
}

func (b *builder) vulnSection() {
	e, m := b.e, b.e.Model
	b.h(1, "vulnerabilities")
	b.d.Add(pdf.Paragraph{Spans: []pdf.Span{{Text: b.say("vulnerabilities", "no_data", nil), Bold: true}}})
	if y, ok := e.Project.Documents["DOC-08"]; ok {
		b.para(b.say("vulnerabilities", "declared", map[string]any{"Status": y.Status, "Reference": y.Reference,
			"HasReason": y.Reason != "", "Reason": strings.TrimSuffix(y.Reason, ".")}))
	}
	if m == nil || len(m.Vulnerabilities) == 0 {
		b.para(b.say("vulnerabilities", "none", nil))
		return
	}
	var rows [][]pdf.Cell
	for _, v := range m.Vulnerabilities {
		kev := "no"
		if v.KEV {
			kev = "YES"
		}
		rem := "-"
		if v.Remediation != nil {
			rem = strings.TrimSpace(v.Remediation.Plan + " " + v.Remediation.TargetRelease + " " + v.Remediation.TargetDate)
		}
		comp := v.Component.Ref
		if v.Component.SBOM != "" {
			comp = v.Component.SBOM + ": " + comp
		}
		rows = append(rows, []pdf.Cell{{Text: v.ID, Bold: true}, {Text: comp, Mono: true}, {Text: kev}, {Text: orDash(v.Status)}, {Text: orDash(strings.Join(v.DiscoveredBy, ", "))}, {Text: orDash(strings.Join(v.AssessedIn, ", "))}, {Text: orDash(v.Justification)}, {Text: rem}})
	}
	b.d.Add(b.tab("vulnerabilities", "vulnerabilities", nil, pdf.Table{Rows: rows, Size: 8}))
}

func (b *builder) traceSection() {
	e, m := b.e, b.e.Model
	b.h(1, "traceability")
	if m == nil {
		b.gap("Traceability: " + e.ModelError)
		return
	}
	mx := e.Trace()
	// One row per threat: the matrix has one row per threat and control.
	type agg struct {
		id                                    string
		controls, reqs, evidence, hazards, sw []string
		unverified                            bool
	}
	var order []*agg
	byID := map[string]*agg{}
	add := func(l []string, v ...string) []string {
		for _, x := range v {
			if x != "" && !slices.Contains(l, x) {
				l = append(l, x)
			}
		}
		return l
	}
	for _, r := range mx.Rows {
		a := byID[r.Threat]
		if a == nil {
			a = &agg{id: r.Threat}
			byID[r.Threat] = a
			order = append(order, a)
		}
		a.controls = add(a.controls, r.Control)
		a.reqs = add(a.reqs, r.Requirements...)
		a.evidence = add(a.evidence, r.Evidence...)
		a.hazards = add(a.hazards, r.Hazards...)
		a.sw = add(a.sw, r.SBOMComponents...)
		if r.Control != "" && len(r.Evidence) == 0 {
			a.unverified = true
		}
	}
	var rows [][]pdf.Cell
	var untraced []string
	for _, a := range order {
		if a.unverified {
			untraced = append(untraced, a.id)
		}
		rows = append(rows, []pdf.Cell{{Text: a.id, Bold: true}, {Text: orDash(strings.Join(a.controls, ", "))}, {Text: orDash(strings.Join(a.reqs, ", "))}, {Text: orDash(strings.Join(a.evidence, ", "))}, {Text: orDash(strings.Join(a.hazards, ", "))}, {Text: orDash(strings.Join(a.sw, ", ")), Mono: true}})
	}
	b.d.Add(b.tab("traceability", "trace", nil, pdf.Table{Rows: rows, Zebra: true, Size: 7.5}))
	if len(untraced) > 0 {
		b.para(b.say("traceability", "unverified", map[string]any{"Count": len(untraced), "Threats": shortList(untraced, 60)}))
	}
	b.para(b.say("traceability", "full_matrix", nil))
}

func shortList(l []string, n int) string {
	if len(l) <= n {
		return strings.Join(l, ", ")
	}
	return strings.Join(l[:n], ", ") + fmt.Sprintf(" and %d more", len(l)-n)
}

func (b *builder) controlsSection() {
	e, m := b.e, b.e.Model
	b.h(1, "appendix1")
	if m == nil {
		b.gap("Security controls: " + e.ModelError)
		return
	}
	mx := e.Trace()
	verified := map[string][]string{}
	citing := map[string][]string{}
	for _, c := range m.Controls {
		verified[c.ID] = c.VerifiedBy
		for _, r := range c.Recommendations {
			citing[r] = append(citing[r], c.ID)
		}
	}
	var rows [][]pdf.Cell
	for _, c := range mx.Categories {
		var ev []string
		seen := map[string]bool{}
		for _, id := range c.Controls {
			for _, v := range verified[id] {
				if !seen[v] {
					seen[v] = true
					ev = append(ev, v)
				}
			}
		}
		sort.Strings(ev)
		st := pdf.Cell{Text: "Covered", Status: pdf.StatusProvided}
		switch {
		case len(c.Controls) == 0 && c.Note != "":
			st = pdf.Cell{Text: "Explained", Status: pdf.StatusNotApplicable}
		case len(c.Controls) == 0:
			st = b.status(pdf.StatusMissing)
		case len(ev) == 0 || len(c.Uncovered) > 0:
			st = b.status(pdf.StatusPartial)
		}
		total := len(e.Catalog.Recommendations(c.Code))
		rows = append(rows, []pdf.Cell{{Text: c.Code + " " + c.Name, Bold: true}, {Text: orDash(shortList(c.Controls, 40))}, {Text: orDash(shortList(ev, 40))}, {Text: fmt.Sprintf("%d / %d", len(c.Recommendations), total), Align: "R"}, {Text: orDash(shortList(c.Uncovered, 20))}, st})
	}
	b.d.Add(b.tab("appendix1", "categories", nil, pdf.Table{Rows: rows, Size: 8}))
	var rr [][]pdf.Cell
	for _, cat := range e.Catalog.Categories() {
		for _, it := range e.Catalog.Recommendations(cat.Code) {
			note := m.Meta.RecommendationNotes[it.ID]
			ctl := citing[it.ID]
			st := pdf.Cell{Text: "Cited", Status: pdf.StatusProvided}
			if len(ctl) == 0 {
				if note != "" {
					st = pdf.Cell{Text: "Explained", Status: pdf.StatusNotApplicable}
				} else {
					st = pdf.Cell{Text: "Not cited", Status: pdf.StatusMissing}
				}
			}
			rr = append(rr, []pdf.Cell{{Text: it.ID, Bold: true}, {Text: it.Title}, {Text: orDash(shortList(ctl, 30))}, {Text: orDash(note)}, st})
		}
	}
	b.d.Add(b.tab("appendix1", "recommendations", nil, pdf.Table{Rows: rr, Size: 8}))
	var cr [][]pdf.Cell
	for _, c := range m.Controls {
		cr = append(cr, []pdf.Cell{{Text: c.ID, Bold: true}, {Text: c.Title}, {Text: strings.Join(c.FDACategories, ", ")}, {Text: orDash(strings.Join(c.ImplementedIn, ", "))}, {Text: orDash(c.Status)}, {Text: orDash(strings.Join(c.VerifiedBy, ", "))}})
	}
	b.d.Add(b.tab("appendix1", "controls", count(len(m.Controls)), pdf.Table{Rows: cr, Zebra: true, Size: 8}))
}

func (b *builder) viewsSection() {
	e, m := b.e, b.e.Model
	b.h(1, "architecture")
	for _, it := range e.Catalog.Views() {
		b.h(2, viewSections[it.ViewType])
		b.para(it.Section + ": " + it.Paraphrase)
		if m == nil {
			b.gap(it.Title + ": " + e.ModelError)
			continue
		}
		found := false
		for _, v := range m.Views {
			if v.Type != it.ViewType {
				continue
			}
			found = true
			b.view(m, v)
		}
		if !found {
			b.gap(b.say("architecture", "no_view", map[string]any{"Title": it.Title, "Type": it.ViewType}))
		}
		if it.ViewType == threatmodel.ViewGlobal && len(m.Components) > 0 {
			b.d.Add(b.dataflowDiagram(m))
		}
	}
}

func (b *builder) view(m *threatmodel.Model, v *threatmodel.View) {
	b.d.H3(v.ID+": "+orDash(v.Title), "")
	if v.NotApplicable != nil {
		b.d.Add(pdf.Table{Columns: []pdf.Column{{Width: 1.3}, {Width: 6}}, NoHeader: true,
			Rows: [][]pdf.Cell{{b.status(pdf.StatusNotApplicable), {Text: v.NotApplicable.Reason}}}})
		return
	}
	if v.Description != "" {
		b.para(v.Description)
	} else {
		b.gap(b.say("architecture", "no_description", map[string]any{"View": v.ID}))
	}
	l := func(key string) string { return b.say("architecture", key, nil) }
	var kv []pdf.KV
	if v.Diagram != nil && v.Diagram.Path != "" {
		kv = append(kv, pdf.KV{Key: l("kv_diagram"), Value: b.say("architecture", "diagram_file", map[string]any{"Path": v.Diagram.Path})})
	}
	if v.Scope != nil {
		kv = append(kv, pdf.KV{Key: l("kv_components"), Value: shortList(expandStar(v.Scope.Components, componentIDs(m)), 80)},
			pdf.KV{Key: l("kv_dataflows"), Value: shortList(expandStar(v.Scope.Dataflows, flowIDs(m)), 80)})
	}
	if len(v.SharedElements) > 0 {
		kv = append(kv, pdf.KV{Key: l("kv_shared"), Value: strings.Join(v.SharedElements, ", ")})
	}
	if v.OperationalState != "" || v.ClinicalState != "" {
		kv = append(kv, pdf.KV{Key: l("kv_states"), Value: strings.TrimSpace(v.OperationalState + " " + strings.Join(v.AdditionalStates, ", ") + "; clinical: " + v.ClinicalState)})
	}
	if len(v.ClinicalFunctions) > 0 {
		kv = append(kv, pdf.KV{Key: l("kv_clinical_functions"), Value: strings.Join(v.ClinicalFunctions, ", ")})
	}
	if len(v.Sequence) > 0 {
		kv = append(kv, pdf.KV{Key: l("kv_sequence"), Value: strings.Join(v.Sequence, " → ")})
	}
	if len(v.Threats) > 0 {
		kv = append(kv, pdf.KV{Key: l("kv_threats"), Value: shortList(v.Threats, 80)})
	}
	if len(kv) > 0 {
		b.d.Add(pdf.KeyValues{Pairs: kv})
	}
	if len(v.Scenarios) > 0 {
		var rows [][]pdf.Cell
		for _, s := range v.Scenarios {
			rows = append(rows, []pdf.Cell{{Text: s.ID, Bold: true}, {Text: s.Description}, {Text: orDash(strings.Join(s.Path, " → "))}, {Text: orDash(s.Reach)}, {Text: orDash(strings.Join(s.Containment, ", "))}})
		}
		b.d.Add(b.tab("architecture", "scenarios", map[string]any{"View": v.ID}, pdf.Table{Rows: rows, Size: 8}))
	}
	if len(v.Paths) > 0 {
		var rows [][]pdf.Cell
		for _, p := range v.Paths {
			rows = append(rows, []pdf.Cell{{Text: p.ID, Bold: true}, {Text: orDash(p.Source) + " → " + orDash(p.Target)}, {Text: orDash(strings.Join(p.Steps, " → "))}, {Text: orDash(strings.Join(p.Authenticity, ", "))}, {Text: orDash(strings.Join(p.RollbackProtection, ", "))}, {Text: orDash(p.FailureBehaviour)}})
		}
		b.d.Add(b.tab("architecture", "update_paths", map[string]any{"View": v.ID}, pdf.Table{Rows: rows, Size: 8}))
	}
	if len(v.NotUpdatable) > 0 {
		var rows [][]pdf.Cell
		for _, n := range v.NotUpdatable {
			rows = append(rows, []pdf.Cell{{Text: n.Component, Bold: true}, {Text: n.Reason}})
		}
		b.d.Add(b.tab("architecture", "not_updatable", nil, pdf.Table{Rows: rows}))
	}
}

func componentIDs(m *threatmodel.Model) []string {
	var out []string
	for _, c := range m.Components {
		out = append(out, c.ID)
	}
	return out
}

func flowIDs(m *threatmodel.Model) []string {
	var out []string
	for _, f := range m.Dataflows {
		out = append(out, f.ID)
	}
	return out
}

func expandStar(l, all []string) []string {
	for _, s := range l {
		if s == "*" {
			return all
		}
	}
	return l
}

// dataflowDiagram draws the global system view: components inside their
// trust boundaries, flows as arrows. Large models are cut to the engine's
// limits, in model order, with the cut said in the caption.
func (b *builder) dataflowDiagram(m *threatmodel.Model) pdf.Diagram {
	d := pdf.Diagram{Caption: b.say("global-system", "diagram_caption", nil)}
	for _, tb := range m.TrustBoundaries {
		d.Groups = append(d.Groups, pdf.DiagramGroup{ID: tb.ID, Label: tb.Name})
	}
	nodes := map[string]bool{}
	for _, c := range m.Components {
		if len(d.Nodes) >= pdf.MaxDiagramNodes {
			break
		}
		d.Nodes = append(d.Nodes, pdf.DiagramNode{ID: c.ID, Label: orDash(c.Name), Group: c.Boundary})
		nodes[c.ID] = true
	}
	for _, a := range m.Actors {
		if len(d.Nodes) >= pdf.MaxDiagramNodes {
			break
		}
		if usedActor(m, a.ID) {
			d.Nodes = append(d.Nodes, pdf.DiagramNode{ID: "actor:" + a.ID, Label: a.Name})
			nodes["actor:"+a.ID] = true
		}
	}
	end := func(ep threatmodel.Endpoint) string {
		if ep.Actor != "" {
			return "actor:" + ep.Actor
		}
		return ep.Component
	}
	for _, f := range m.Dataflows {
		if len(d.Edges) >= pdf.MaxDiagramEdges {
			break
		}
		from, to := end(f.From), end(f.To)
		if !nodes[from] || !nodes[to] {
			continue
		}
		d.Edges = append(d.Edges, pdf.DiagramEdge{From: from, To: to, Label: f.ID})
	}
	// Groups must be known; drop groups of nodes that name unknown ones.
	known := map[string]bool{}
	for _, g := range d.Groups {
		known[g.ID] = true
	}
	for i := range d.Nodes {
		if !known[d.Nodes[i].Group] {
			d.Nodes[i].Group = ""
		}
	}
	if len(m.Components) > pdf.MaxDiagramNodes || len(m.Dataflows) > pdf.MaxDiagramEdges {
		d.Caption += b.say("global-system", "diagram_cut", map[string]any{"Nodes": len(d.Nodes), "Edges": len(d.Edges), "Components": len(m.Components), "Dataflows": len(m.Dataflows)})
	}
	return d
}

func usedActor(m *threatmodel.Model, id string) bool {
	for _, f := range m.Dataflows {
		if f.From.Actor == id || f.To.Actor == id {
			return true
		}
	}
	return false
}

func (b *builder) testingSection() {
	e, p := b.e, b.e.Project
	b.h(1, "testing")
	var items map[string]project.Item
	if p.Testing != nil {
		items = p.Testing.Items
	}
	b.d.Add(b.itemTable("testing", e.Catalog.Testing(), items))
	if p.Testing == nil || len(p.Testing.Tools) == 0 {
		b.gap(b.say("testing", "gap_tools", nil))
	} else {
		var rows [][]pdf.Cell
		for _, t := range p.Testing.Tools {
			rows = append(rows, []pdf.Cell{{Text: t.Name, Bold: true}, {Text: orDash(t.Version), Mono: true}, {Text: orDash(t.Configuration)}, {Text: orDash(strings.Join(t.UsedFor, ", "))}})
		}
		b.d.Add(b.tab("testing", "tools", nil, pdf.Table{Rows: rows}))
	}
	if m := e.Model; m != nil && len(m.Evidence) > 0 {
		var rows [][]pdf.Cell
		for _, ev := range m.Evidence {
			by := "-"
			if ev.PerformedBy != nil {
				by = strings.TrimSpace(ev.PerformedBy.Organization + " (" + ev.PerformedBy.Independence + ")")
			}
			var tools []string
			for _, t := range ev.Tools {
				tools = append(tools, strings.TrimSpace(t.Name+" "+t.Version))
			}
			rows = append(rows, []pdf.Cell{{Text: ev.ID, Bold: true}, {Text: orDash(ev.Kind)}, {Text: orDash(ev.Title)}, {Text: orDash(strings.TrimSpace(ev.Document.ID + " " + ev.Document.Version))}, {Text: by}, {Text: orDash(strings.Join(tools, ", "))}, {Text: orDash(ev.Result)}})
		}
		b.d.Add(b.tab("testing", "evidence", nil, pdf.Table{Rows: rows, Size: 8}))
	}
}

// itemTable is the table "items" of a template section: one row per
// catalog item with the status and reference premarket.yaml gives it.
func (b *builder) itemTable(section string, items []fda.Item, got map[string]project.Item) pdf.Table {
	notListed := b.say(section, "not_listed", nil)
	var rows [][]pdf.Cell
	for _, it := range items {
		y, ok := got[it.ID]
		st := y.Status
		ref := y.Reference
		if y.Reason != "" {
			if ref != "" {
				ref += ". "
			}
			ref += y.Reason
		}
		if !ok {
			st = project.StatusMissing
			ref = notListed
		}
		rows = append(rows, []pdf.Cell{{Text: it.ID, Bold: true}, {Text: it.Title}, b.statusCell(st), {Text: orDash(ref)}})
	}
	return b.tab(section, "items", map[string]any{"Title": b.title(section)}, pdf.Table{Rows: rows, Size: 8.5})
}

func (b *builder) itemsSection(id string, items []fda.Item, got map[string]project.Item) {
	b.h(1, id)
	b.d.Add(b.itemTable(id, items, got))
}

func (b *builder) findingsSection() {
	e := b.e
	b.h(1, "open-findings")
	var open []finding.Finding
	for _, f := range e.AllFindings() {
		if f.Severity >= finding.Warning {
			open = append(open, f)
		}
	}
	c := finding.Count(e.AllFindings())
	b.para(b.say("open-findings", "summary", map[string]any{"SBOMProfile": string(e.Options.Profile.SBOM), "SBOMCounts": b.countText(e.SBOMFindings),
		"TMProfile": string(e.Options.Profile.ThreatModel), "TMCounts": b.countText(e.TMFindings), "Info": c[finding.Info]}))
	if len(open) == 0 {
		b.para(b.say("open-findings", "none", nil))
		return
	}
	sort.SliceStable(open, func(i, j int) bool { return open[i].Severity > open[j].Severity })
	shown := open
	if len(shown) > maxFindingRows {
		shown = shown[:maxFindingRows]
	}
	var rows [][]pdf.Cell
	for _, f := range shown {
		sev := pdf.Cell{Text: "Error", Status: pdf.StatusMissing}
		if f.Severity == finding.Warning {
			sev = pdf.Cell{Text: "Warning", Status: pdf.StatusPartial}
		}
		loc := f.Location.File
		if loc != "" && exists(loc) {
			loc = e.rel(loc)
		}
		if f.Location.Line > 0 {
			loc += ":" + strconv.Itoa(f.Location.Line)
		}
		rows = append(rows, []pdf.Cell{sev, {Text: f.RuleID, Mono: true}, {Text: orDash(f.Catalog)}, {Text: orDash(f.Subject)}, {Text: f.Message}, {Text: orDash(loc), Mono: true}})
	}
	b.d.Add(b.tab("open-findings", "findings", count(len(open)), pdf.Table{Rows: rows, Size: 7.5}))
	if len(open) > len(shown) {
		b.para(b.say("open-findings", "more", count(len(open)-len(shown))))
	}
}

func (b *builder) docControl() {
	e := b.e
	b.h(1, "document-control")
	dc := "document-control"
	l := func(key string) string { return b.say(dc, key, nil) }
	b.para(l("reproducible"))
	b.d.Add(pdf.KeyValues{Pairs: []pdf.KV{
		{Key: l("kv_document"), Value: e.Project.Submission.DocumentName},
		{Key: l("kv_generated_by"), Value: "premarket " + e.Options.ToolVersion},
		{Key: l("kv_timestamp"), Value: b.say(dc, "timestamp", map[string]any{"Time": e.Options.Time.UTC().Format(timeLayout)})},
		{Key: l("kv_catalog"), Value: e.Catalog.Edition + " (" + e.Catalog.Issued + ")"},
		{Key: l("kv_profile"), Value: b.say(dc, "profile", map[string]any{"Name": e.Options.Profile.Name, "SBOM": string(e.Options.Profile.SBOM), "ThreatModel": string(e.Options.Profile.ThreatModel)})},
		{Key: l("kv_digest"), Value: e.InputsDigest()},
	}})
	var rows [][]pdf.Cell
	for _, in := range e.Inputs {
		rows = append(rows, []pdf.Cell{{Text: in.Role}, {Text: in.Path, Mono: true}, {Text: strconv.FormatInt(in.Size, 10), Align: "R"}, {Text: in.SHA256, Mono: true}})
	}
	b.d.Add(b.tab("document-control", "inputs", nil, pdf.Table{Rows: rows, Size: 7.5}))
	b.para(l("files"))
}

// timeLayout is how the pack shows a point in time; dates alone are
// shown as YYYY-MM-DD (ISO 8601) throughout.
const timeLayout = "2006-01-02 15:04:05 UTC"

// displayTime shows an RFC 3339 timestamp in UTC with timeLayout, and
// any other text unchanged.
func displayTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.UTC().Format(timeLayout)
}
