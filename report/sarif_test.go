package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/premarket/premarket/finding"
	"github.com/premarket/premarket/sbom/check"
)

// compileSARIFSchema compiles the official SARIF 2.1.0 schema from
// testdata (see testdata/README.md for its source). It is a draft-04
// schema; the library asserts draft-04 formats such as "uri".
func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c := jsonschema.NewCompiler()
	if err := c.AddResource(sarifSchema, f); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(sarifSchema)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validateSARIF(t *testing.T, s *jsonschema.Schema, data []byte) error {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("SARIF is not JSON: %v", err)
	}
	return s.Validate(v)
}

func TestSARIFValidatesAgainstOfficialSchema(t *testing.T) {
	s := compileSARIFSchema(t)
	reports := map[string]struct {
		r     Report
		rules []finding.Rule
	}{
		"sample":           {sampleReport(), sampleRules},
		"empty":            {Report{}, nil},
		"sbom check rules": {sampleReport(), check.Rules()},
		"windows and odd paths": {New("", "", "", nil, []finding.Finding{
			{RuleID: "R", Severity: finding.Error, Message: "m", Location: finding.Location{File: `C:\work\sbom.json`, Line: 1}},
			{RuleID: "R", Severity: finding.Info, Message: "m", Location: finding.Location{File: "./a:b/c#d?.json", Column: 4}},
			{RuleID: "R", Severity: finding.Warning, Message: "m", Location: finding.Location{File: "dir/%41 100%.json", Line: 2, Column: 1}},
		}, nil, false), nil},
	}
	for name, c := range reports {
		out := render(t, func(b *bytes.Buffer) error { return SARIF(b, c.r, c.rules) })
		if err := validateSARIF(t, s, out); err != nil {
			t.Errorf("%s: SARIF does not validate: %v\n%s", name, err, out)
		}
	}
}

// The validation must be able to fail: a level SARIF does not know is
// rejected.
func TestSARIFSchemaRejectsInvalid(t *testing.T) {
	s := compileSARIFSchema(t)
	out := render(t, func(b *bytes.Buffer) error { return SARIF(b, sampleReport(), sampleRules) })
	bad := bytes.Replace(out, []byte(`"level": "note"`), []byte(`"level": "info"`), 1)
	if bytes.Equal(bad, out) {
		t.Fatal("sample has no note-level result to corrupt")
	}
	if err := validateSARIF(t, s, bad); err == nil {
		t.Error("schema accepted level \"info\"")
	}
	// Draft-04 formats are asserted: a relative informationUri (format
	// "uri") is rejected. ("uri-reference", used by artifactLocation.uri,
	// is not a draft-04 format and is not checked by the validator;
	// TestSARIFURI covers its escaping.)
	bad = bytes.Replace(out, []byte(`"informationUri": "`+InformationURI+`"`), []byte(`"informationUri": "premarket home"`), 1)
	if bytes.Equal(bad, out) {
		t.Fatal("sample has no informationUri to corrupt")
	}
	if err := validateSARIF(t, s, bad); err == nil {
		t.Error("schema accepted a relative informationUri")
	}
}

func TestSARIFContent(t *testing.T) {
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Name, Version, InformationURI string
					Rules                         []struct {
						ID                   string
						DefaultConfiguration struct{ Level string }
						Properties           struct{ Catalog string }
					}
				}
			}
			Results []struct {
				RuleID    string
				RuleIndex int
				Level     string
				Locations []struct {
					PhysicalLocation *struct {
						ArtifactLocation struct{ URI, URIBaseID string }
						Region           *struct{ StartLine, StartColumn int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(render(t, func(b *bytes.Buffer) error { return SARIF(b, sampleReport(), sampleRules) }), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	d := run.Tool.Driver
	if d.Name != "premarket" || d.Version != "0.1.0-test" || d.InformationURI != InformationURI {
		t.Errorf("driver = %+v", d)
	}
	// 4 distinct listed rules + 1 appended for the unlisted finding.
	if len(d.Rules) != 5 || d.Rules[4].ID != "X-UNLISTED" || d.Rules[0].Properties.Catalog != "NTIA-F1" || d.Rules[2].DefaultConfiguration.Level != "note" {
		t.Errorf("rules = %+v", d.Rules)
	}
	levels := map[string]int{}
	for _, r := range run.Results {
		levels[r.Level]++
		if d.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s has ruleIndex %d (%s)", r.RuleID, r.RuleIndex, d.Rules[r.RuleIndex].ID)
		}
		for _, l := range r.Locations {
			if p := l.PhysicalLocation; p != nil {
				if strings.Contains(p.ArtifactLocation.URI, `\`) || strings.Contains(p.ArtifactLocation.URI, " ") {
					t.Errorf("uri %q not normalised", p.ArtifactLocation.URI)
				}
				if p.Region != nil && p.Region.StartLine < 1 {
					t.Errorf("region without line: %+v", p.Region)
				}
			}
		}
	}
	if levels["error"] != 3 || levels["warning"] != 3 || levels["note"] != 2 {
		t.Errorf("levels = %v", levels)
	}
}

func TestSARIFURI(t *testing.T) {
	cases := []struct{ in, uri, base string }{
		{"sboms/pump.cdx.json", "sboms/pump.cdx.json", SRCROOT},
		{"./sboms/pump fw.json", "sboms/pump%20fw.json", SRCROOT},
		{`build\out\sbom.json`, "build/out/sbom.json", SRCROOT},
		{"a:b.json", "./a:b.json", SRCROOT},
		{"/abs/sbom.json", "file:///abs/sbom.json", ""},
		{`C:\work\sbom.json`, "file:///C:/work/sbom.json", ""},
	}
	for _, c := range cases {
		uri, base := sarifURI(c.in)
		if uri != c.uri || base != c.base {
			t.Errorf("sarifURI(%q) = %q, %q; want %q, %q", c.in, uri, base, c.uri, c.base)
		}
	}
}
