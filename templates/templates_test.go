package templates

import (
	"strings"
	"testing"
)

func TestPack(t *testing.T) {
	p, err := Pack()
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range RequiredSections {
		if p.Sections[i].ID != id {
			t.Errorf("section %d = %q, want %q", i, p.Sections[i].ID, id)
		}
	}
	arch, err := p.Section("architecture")
	if err != nil {
		t.Fatal(err)
	}
	var subs []string
	for _, s := range arch.Subsections {
		subs = append(subs, s.ID)
	}
	if got := strings.Join(subs, ","); got != "global-system,multi-patient-harm,updatability,security-use-cases" {
		t.Errorf("architecture views = %s", got)
	}
	if _, err := p.Section("acceptance-matrices"); err != nil {
		t.Errorf("nested section lookup: %v", err)
	}
	if _, err := p.Section("nope"); err == nil {
		t.Errorf("unknown section found")
	}
	if s, err := p.Status("not-applicable"); err != nil || s.Label == "" {
		t.Errorf("status: %+v %v", s, err)
	}
	// every section but cover/toc names the guidance it answers or is
	// framing (open findings, document control)
	for _, s := range p.Sections[2:15] {
		if len(s.Guidance) == 0 {
			t.Errorf("section %q names no guidance section", s.ID)
		}
	}
	// a fresh value each call
	q, _ := Pack()
	q.Sections[0].Title = "changed"
	if r, _ := Pack(); r.Sections[0].Title == "changed" {
		t.Errorf("Pack shares state between calls")
	}
}

func Test524BStatement(t *testing.T) {
	p, _ := Pack()
	s, _ := p.Section("statement-524b")
	data := map[string]any{"Manufacturer": "Example Medical", "DeviceName": "InfuPump X", "ConnectionPaths": "BLE and USB", "Section": "Cybersecurity management plan"}
	txt, err := s.Text("is_cyber_device")
	if err != nil {
		t.Fatal(err)
	}
	out, err := Expand(txt, data)
	if err != nil || !strings.Contains(out, "InfuPump X") || !strings.Contains(out, "524B(c)") || !strings.Contains(out, "BLE and USB") {
		t.Errorf("statement = %q, %v", out, err)
	}
	for _, k := range []string{"b1", "b2", "b3", "b4"} {
		txt, err := s.Text(k)
		if err != nil {
			t.Fatal(err)
		}
		out, err := Expand(txt, data)
		if err != nil || !strings.Contains(out, "524B(b)("+k[1:]+")") {
			t.Errorf("%s = %q, %v", k, out, err)
		}
	}
	if _, err := s.Text("typo"); err == nil || !strings.Contains(err.Error(), "statement-524b") {
		t.Errorf("missing text error: %v", err)
	}
	if _, err := Expand("{{.Missing}}", map[string]any{}); err == nil {
		t.Errorf("missing field expanded silently")
	}
}

func TestParseRejects(t *testing.T) {
	cases := map[string]string{
		`{"version":1,"bogus":1}`: "unknown field",
		`{"version":1,"document":{"title":"t","toc_title":"c","footer_format":"%d of %d"},"statuses":[],"sections":[{"id":"cover","title":"{{.X"}]}`: "unclosed action",
		`{"version":1,"document":{"title":"t","toc_title":"c","footer_format":"Page %d"},"statuses":[],"sections":[]}`:                               "footer_format",
	}
	for in, want := range cases {
		_, err := parse([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", in, err, want)
		}
	}
}

// TestTables: every table of the layout has columns, each with a header
// and a positive relative width, and a caption that expands with a count.
func TestTables(t *testing.T) {
	p, err := Pack()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	checkTable := func(where, key string, tb Table) {
		n++
		if len(tb.Columns) == 0 {
			t.Errorf("%s table %q has no columns", where, key)
		}
		for i, c := range tb.Columns {
			if strings.TrimSpace(c.Header) == "" {
				t.Errorf("%s table %q column %d has no header", where, key, i+1)
			}
			if !(c.Width > 0) {
				t.Errorf("%s table %q column %d (%q) has width %g", where, key, i+1, c.Header, c.Width)
			}
		}
		data := map[string]any{"Count": 3, "View": "V-1", "Title": "T"}
		if out, err := Expand(tb.Caption, data); err != nil || strings.TrimSpace(out) == "" {
			t.Errorf("%s table %q caption %q: %q, %v", where, key, tb.Caption, out, err)
		}
	}
	var walk func([]Section)
	walk = func(secs []Section) {
		for _, s := range secs {
			for k, tb := range s.Tables {
				checkTable("section "+s.ID, k, tb)
			}
			walk(s.Subsections)
		}
	}
	walk(p.Sections)
	for k, tb := range p.Document.Tables {
		checkTable("document", k, tb)
	}
	if n < 30 {
		t.Errorf("%d tables in the layout, want the pack's 30 or more", n)
	}
	s, _ := p.Section("threats")
	if _, err := s.Table("threats"); err != nil {
		t.Error(err)
	}
	if _, err := s.Table("nope"); err == nil || !strings.Contains(err.Error(), `"threats"`) {
		t.Errorf("missing table error: %v", err)
	}
	if _, err := p.Document.Text("nope"); err == nil {
		t.Errorf("missing document text found")
	}
}

// TestParseRejectsTables: the loader refuses tables without columns, with
// an empty header, a width that is not positive, an unknown alignment or a
// caption that does not parse.
func TestParseRejectsTables(t *testing.T) {
	doc := `"document":{"title":"t","toc_title":"c","footer_format":"%d of %d"},"statuses":[]`
	for tables, want := range map[string]string{
		`{"x":{"caption":"c","columns":[]}}`:                                     "no columns",
		`{"x":{"caption":"c","columns":[{"header":" ","width":1}]}}`:             "no header",
		`{"x":{"caption":"c","columns":[{"header":"H","width":0}]}}`:             "width 0",
		`{"x":{"caption":"c","columns":[{"header":"H","width":-1}]}}`:            "width -1",
		`{"x":{"caption":"c","columns":[{"header":"H","width":1,"align":"X"}]}}`: "align",
		`{"x":{"caption":"{{.C","columns":[{"header":"H","width":1}]}}`:          "caption",
		`{"x":{"caption":"c","columns":[{"header":"H","width":1,"colour":1}]}}`:  "unknown field",
	} {
		in := `{"version":1,` + doc + `,"sections":[{"id":"cover","title":"C","tables":` + tables + `}]}`
		_, err := parse([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", tables, err, want)
		}
	}
	// document-level tables are checked too
	in := `{"version":1,"document":{"title":"t","toc_title":"c","footer_format":"%d of %d","tables":{"p":{"caption":"c","columns":[{"header":"","width":1}]}}},"statuses":[],"sections":[]}`
	if _, err := parse([]byte(in)); err == nil || !strings.Contains(err.Error(), "no header") {
		t.Errorf("document table: error %v", err)
	}
}

// TestParsed: a text parsed once expands many times, and fails on a
// missing field like Expand.
func TestParsed(t *testing.T) {
	p, err := Parse("not applicable: {{.Reason}}")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"a", "b"} {
		if out, err := p.Expand(map[string]any{"Reason": r}); err != nil || out != "not applicable: "+r {
			t.Errorf("Expand = %q, %v", out, err)
		}
	}
	if _, err := p.Expand(map[string]any{}); err == nil {
		t.Errorf("missing field expanded silently")
	}
	if _, err := Parse("{{.X"); err == nil {
		t.Errorf("bad template parsed")
	}
}
