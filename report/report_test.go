package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/premarket/premarket/finding"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// sampleRules is a generic rule set (not sbom check's), so the renderers
// are tested as the threat-model checker will use them too.
var sampleRules = []finding.Rule{
	{ID: "SBOM-NTIA-SUPPLIER", Severity: finding.Error, Catalog: "NTIA-F1", Title: "component has no supplier", Help: "Add supplier.name."},
	{ID: "SBOM-FDA-EOS-FORMAT", Severity: finding.Warning, Catalog: "FDA-SB2", Title: "end-of-support is not a date", Help: "Give YYYY-MM-DD or a justification."},
	{ID: "SBOM-COMPONENT-HASH", Severity: finding.Info, Catalog: "DOC-06", Title: "component has no hash"},
	{ID: "TM-VIEW-002", Severity: finding.Error, Catalog: "DOC-13", Title: "multi-patient harm view missing", Help: "Add the view or explain why it does not apply."},
	{ID: "SBOM-NTIA-SUPPLIER", Severity: finding.Error, Title: "duplicate, must be dropped"},
}

// sampleReport has findings in two files and none, with and without
// line, column and path, of every severity, with characters that JSON,
// XML and URIs must escape, and one rule that is not in sampleRules.
func sampleReport() Report {
	fs := []finding.Finding{
		{RuleID: "SBOM-NTIA-SUPPLIER", Severity: finding.Error, Catalog: "NTIA-F1", Subject: "busybox@1.36.1",
			Message:  "component busybox@1.36.1 has no supplier: add supplier.name (NTIA-F1), or the supplier override in components.yaml",
			Location: finding.Location{File: "sboms/pump fw.cdx.json", Line: 20, Column: 7, Path: "/components/0"}},
		{RuleID: "SBOM-NTIA-SUPPLIER", Severity: finding.Error, Catalog: "NTIA-F1", Subject: "openssl@3.0.13",
			Message:  "component openssl@3.0.13 has no supplier: add supplier.name (NTIA-F1), or the supplier override in components.yaml",
			Location: finding.Location{File: "sboms/pump fw.cdx.json", Line: 41, Column: 7, Path: "/components/1"}},
		{RuleID: "SBOM-NTIA-SUPPLIER", Severity: finding.Warning, Catalog: "NTIA-F1", Subject: "zlib@1.3",
			Message:  "component zlib@1.3 has an author (Jean-loup Gailly & Mark Adler) but no supplier: add supplier.name (NTIA-F1)",
			Location: finding.Location{File: "sboms/pump fw.cdx.json", Line: 60, Column: 7, Path: "/components/2"}},
		{RuleID: "SBOM-FDA-EOS-FORMAT", Severity: finding.Warning, Catalog: "FDA-SB2", Subject: "busybox@1.36.1",
			Message:  `component busybox@1.36.1 end-of-support "<until hardware support ends>" (property End-of-Support) is not a date: give YYYY-MM-DD`,
			Location: finding.Location{File: "sboms/pump fw.cdx.json", Line: 30, Column: 11}},
		{RuleID: "SBOM-COMPONENT-HASH", Severity: finding.Info, Catalog: "DOC-06", Subject: "busybox@1.36.1",
			Message:  "component busybox@1.36.1 has no hash: add a SHA-256 (or stronger) hash of its artefact",
			Location: finding.Location{File: "sboms/pump fw.cdx.json", Line: 20, Column: 7, Path: "/components/0"}},
		{RuleID: "SBOM-COMPONENT-HASH", Severity: finding.Info, Catalog: "DOC-06", Subject: "libc6@2.36",
			Message:  "component libc6@2.36 has no hash: add a SHA-256 (or stronger) hash of its artefact",
			Location: finding.Location{File: `build\alpine.spdx.json`, Path: "SPDXRef-Package-libc6"}},
		{RuleID: "TM-VIEW-002", Severity: finding.Error, Catalog: "DOC-13", Subject: "threat model",
			Message:  "no multi-patient harm view: add one or explain why it does not apply (DOC-13)",
			Location: finding.Location{}},
		{RuleID: "X-UNLISTED", Severity: finding.Warning, Subject: "ünïcode-lib@1.0",
			Message:  "a rule the caller did not list; message with a tab\tand a newline\nin it",
			Location: finding.Location{File: "/abs/path/sbom.json", Line: 3}},
	}
	metrics := []Metric{
		{ID: "NTIA-F1", Title: "supplier", Satisfied: 1, Total: 4, Percent: 25},
		{ID: "FDA-SB1", Title: "support level", Satisfied: 0, Total: 4, Justified: 1, Percent: 0},
		{ID: "HASH", Title: "hashes", Satisfied: 0, Total: 0},
	}
	// Inputs in user order; findings deliberately unsorted.
	return New("premarket", "0.1.0-test", "fda", []string{"sboms/pump fw.cdx.json", `build\alpine.spdx.json`}, fs, metrics, true)
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file (run go test ./report -update and review the diff)\n--- got ---\n%s", name, got)
	}
}

func render(t *testing.T, f func(*bytes.Buffer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := f(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGoldenText(t *testing.T) {
	r := sampleReport()
	golden(t, "text.txt", render(t, func(b *bytes.Buffer) error { return Text(b, r, TextOptions{}) }))
	golden(t, "text-quiet.txt", render(t, func(b *bytes.Buffer) error { return Text(b, r, TextOptions{Quiet: true}) }))
	golden(t, "text-color.txt", render(t, func(b *bytes.Buffer) error { return Text(b, r, TextOptions{Color: true, MaxPerRule: 1}) }))
}

func TestGoldenJSON(t *testing.T) {
	golden(t, "report.json", render(t, func(b *bytes.Buffer) error { return JSON(b, sampleReport()) }))
}

func TestGoldenSARIF(t *testing.T) {
	golden(t, "report.sarif", render(t, func(b *bytes.Buffer) error { return SARIF(b, sampleReport(), sampleRules) }))
}

func TestGoldenJUnit(t *testing.T) {
	golden(t, "report.junit.xml", render(t, func(b *bytes.Buffer) error { return JUnit(b, sampleReport()) }))
}

// Renderers must not depend on the order findings arrive in, and must
// not modify the report.
func TestDeterministic(t *testing.T) {
	a := sampleReport()
	b := sampleReport()
	for i, j := 0, len(b.Findings)-1; i < j; i, j = i+1, j-1 {
		b.Findings[i], b.Findings[j] = b.Findings[j], b.Findings[i]
	}
	before := append([]finding.Finding(nil), b.Findings...)
	renderers := map[string]func(*bytes.Buffer, Report) error{
		"text":  func(w *bytes.Buffer, r Report) error { return Text(w, r, TextOptions{}) },
		"json":  func(w *bytes.Buffer, r Report) error { return JSON(w, r) },
		"sarif": func(w *bytes.Buffer, r Report) error { return SARIF(w, r, sampleRules) },
		"junit": func(w *bytes.Buffer, r Report) error { return JUnit(w, r) },
	}
	for name, f := range renderers {
		var x, y bytes.Buffer
		if err := f(&x, a); err != nil {
			t.Fatal(err)
		}
		if err := f(&y, b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x.Bytes(), y.Bytes()) {
			t.Errorf("%s output depends on finding order", name)
		}
	}
	for i := range before {
		if before[i] != b.Findings[i] {
			t.Fatal("renderers reordered the caller's findings")
		}
	}
}

func TestTextSummaryLine(t *testing.T) {
	out := string(render(t, func(b *bytes.Buffer) error { return Text(b, sampleReport(), TextOptions{}) }))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if got, want := lines[len(lines)-1], "3 errors, 3 warnings, 2 info in 2 documents; profile fda: FAIL"; got != want {
		t.Errorf("summary = %q, want %q", got, want)
	}
	r := New("", "", "", []string{"one.json"}, nil, nil, false)
	out = string(render(t, func(b *bytes.Buffer) error { return Text(b, r, TextOptions{}) }))
	if out != "0 errors, 0 warnings, 0 info in 1 document: PASS\n" {
		t.Errorf("empty report = %q", out)
	}
	if strings.Contains(string(render(t, func(b *bytes.Buffer) error { return Text(b, sampleReport(), TextOptions{}) })), "\x1b[") {
		t.Error("colour codes without Color")
	}
}

func TestTextBoundsLargeGroups(t *testing.T) {
	var fs []finding.Finding
	for i := 0; i < 10000; i++ {
		fs = append(fs, finding.Finding{RuleID: "SBOM-NTIA-SUPPLIER", Severity: finding.Error, Subject: "c",
			Message: "component has no supplier", Location: finding.Location{File: "big.json", Line: i + 1}})
	}
	out := string(render(t, func(b *bytes.Buffer) error {
		return Text(b, New("", "", "fda", []string{"big.json"}, fs, nil, true), TextOptions{})
	}))
	if n := strings.Count(out, "component has no supplier"); n != DefaultMaxPerRule {
		t.Errorf("listed %d findings, want %d", n, DefaultMaxPerRule)
	}
	if !strings.Contains(out, "... and 9990 more SBOM-NTIA-SUPPLIER findings") || !strings.Contains(out, "10000 findings") {
		t.Errorf("no elision line:\n%s", out)
	}
	out = string(render(t, func(b *bytes.Buffer) error {
		return Text(b, New("", "", "", nil, fs, nil, true), TextOptions{MaxPerRule: -1})
	}))
	if n := strings.Count(out, "component has no supplier"); n != 10000 {
		t.Errorf("unlimited listed %d", n)
	}
}

func TestJSONShape(t *testing.T) {
	var v struct {
		SchemaVersion string            `json:"schemaVersion"`
		Tool          map[string]string `json:"tool"`
		Inputs        []string          `json:"inputs"`
		Failed        bool              `json:"failed"`
		Summary       Summary           `json:"summary"`
		Findings      []finding.Finding `json:"findings"`
	}
	if err := json.Unmarshal(render(t, func(b *bytes.Buffer) error { return JSON(b, sampleReport()) }), &v); err != nil {
		t.Fatal(err)
	}
	if v.SchemaVersion != JSONSchemaVersion || v.Tool["name"] != "premarket" || !v.Failed || len(v.Findings) != 8 ||
		v.Summary.Errors != 3 || v.Summary.Warnings != 3 || v.Summary.Info != 2 || len(v.Summary.Metrics) != 3 {
		t.Errorf("JSON = %+v", v)
	}
	// Empty reports have empty arrays, not null.
	out := string(render(t, func(b *bytes.Buffer) error { return JSON(b, Report{}) }))
	if !strings.Contains(out, `"findings": []`) || !strings.Contains(out, `"inputs": []`) {
		t.Errorf("empty JSON:\n%s", out)
	}
}

func TestJUnitParses(t *testing.T) {
	type tc struct {
		Name      string `xml:"name,attr"`
		Classname string `xml:"classname,attr"`
		Failure   *struct {
			Message string `xml:"message,attr"`
			Text    string `xml:",chardata"`
		} `xml:"failure"`
		SystemOut string `xml:"system-out"`
	}
	var doc struct {
		XMLName  xml.Name `xml:"testsuites"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Suites   []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Cases    []tc   `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(render(t, func(b *bytes.Buffer) error { return JUnit(b, sampleReport()) }), &doc); err != nil {
		t.Fatal(err)
	}
	// Info findings are left out: SBOM-COMPONENT-HASH has no suite.
	names := []string{}
	for _, s := range doc.Suites {
		names = append(names, s.Name)
		if s.Tests != len(s.Cases) {
			t.Errorf("suite %s tests=%d but %d cases", s.Name, s.Tests, len(s.Cases))
		}
	}
	if got := strings.Join(names, ","); got != "SBOM-FDA-EOS-FORMAT,SBOM-NTIA-SUPPLIER,TM-VIEW-002,X-UNLISTED" {
		t.Errorf("suites = %s", got)
	}
	if doc.Tests != 6 || doc.Failures != 3 {
		t.Errorf("tests=%d failures=%d, want 6 and 3", doc.Tests, doc.Failures)
	}
	var zlib tc
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if c.Name == "zlib@1.3" {
				zlib = c
			}
		}
	}
	if zlib.Failure != nil || !strings.Contains(zlib.SystemOut, "warning: sboms/pump fw.cdx.json:60:7") {
		t.Errorf("warning case = %+v", zlib)
	}
	// No findings: one passing case so CI sees the check ran.
	doc.Suites = nil
	if err := xml.Unmarshal(render(t, func(b *bytes.Buffer) error { return JUnit(b, Report{}) }), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != 1 || doc.Failures != 0 || len(doc.Suites) != 1 {
		t.Errorf("empty JUnit = %+v", doc)
	}
}

func TestJUnitEscapesInvalidXML(t *testing.T) {
	r := New("", "", "", nil, []finding.Finding{{RuleID: "R", Severity: finding.Error, Subject: "a\x00b<&>", Message: "bad \x01 char ]]>"}}, nil, true)
	var doc struct {
		XMLName xml.Name `xml:"testsuites"`
	}
	if err := xml.Unmarshal(render(t, func(b *bytes.Buffer) error { return JUnit(b, r) }), &doc); err != nil {
		t.Fatalf("JUnit with control characters does not parse: %v", err)
	}
}

func benchReport(n int) Report {
	fs := make([]finding.Finding, n)
	for i := range fs {
		fs[i] = finding.Finding{RuleID: "SBOM-NTIA-SUPPLIER", Severity: finding.Severity(i % 3), Catalog: "NTIA-F1", Subject: "lib@1",
			Message: "component lib@1 has no supplier: add supplier.name (NTIA-F1)", Location: finding.Location{File: "big.cdx.json", Line: i + 1, Column: 5, Path: "/components/1"}}
	}
	return New("", "", "fda", []string{"big.cdx.json"}, fs, nil, true)
}

func BenchmarkRenderers40k(b *testing.B) {
	r := benchReport(40000)
	for name, f := range map[string]func(*bytes.Buffer) error{
		"text":  func(w *bytes.Buffer) error { return Text(w, r, TextOptions{}) },
		"json":  func(w *bytes.Buffer) error { return JSON(w, r) },
		"sarif": func(w *bytes.Buffer) error { return SARIF(w, r, sampleRules) },
		"junit": func(w *bytes.Buffer) error { return JUnit(w, r) },
	} {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				var w bytes.Buffer
				if err := f(&w); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
