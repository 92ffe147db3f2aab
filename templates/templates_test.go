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
