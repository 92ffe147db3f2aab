package check

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/premarket/premarket/cvss"
	"github.com/premarket/premarket/finding"
	"github.com/premarket/premarket/threatmodel"
)

func load(t testing.TB, path string) *threatmodel.Model {
	t.Helper()
	m, fs, err := threatmodel.Load(path, threatmodel.LoadOptions{})
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	if len(fs) > 0 {
		t.Fatalf("load %s: schema findings: %v", path, fs)
	}
	return m
}

// expectations reads "# expect: RULE RULE" markers: rule -> lines.
func expectations(t *testing.T, path string) map[string][]int {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]int{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		_, after, ok := strings.Cut(sc.Text(), "# expect:")
		if !ok {
			continue
		}
		for _, r := range strings.Fields(after) {
			out[r] = append(out[r], n)
		}
	}
	return out
}

// TestFlawedTriggersEveryRule checks that each rule of Rules() fires on
// testdata/flawed.yaml (or, for the schema rule, flawed-schema.yaml) at
// the line marked "# expect: RULE".
func TestFlawedTriggersEveryRule(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "flawed*.yaml"))
	if err != nil || len(files) < 3 {
		t.Fatalf("flawed models: %v %v", files, err)
	}
	var got []finding.Finding
	exp := map[string][]int{}
	for _, path := range files {
		m, sf, err := threatmodel.Load(path, threatmodel.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if m != nil {
			sf = Run(m, Options{})
		}
		for _, f := range sf {
			f.Location.Line += lineBase(path)
			got = append(got, f)
		}
		for r, lines := range expectations(t, path) {
			for _, l := range lines {
				exp[r] = append(exp[r], l+lineBase(path))
			}
		}
	}
	at := map[string]map[int]bool{}
	for _, f := range got {
		if at[f.RuleID] == nil {
			at[f.RuleID] = map[int]bool{}
		}
		at[f.RuleID][f.Location.Line] = true
	}
	for _, r := range Rules() {
		if len(at[r.ID]) == 0 {
			t.Errorf("rule %s never fired", r.ID)
		}
		if r.ID == "TM-FDA-001" || r.ID == "TM-FDA-003" {
			continue // reported at the model section; no marker
		}
		if len(exp[r.ID]) == 0 {
			t.Errorf("rule %s has no '# expect:' marker in the flawed models", r.ID)
		}
	}
	for r, lines := range exp {
		if ruleByID[r] == nil {
			t.Errorf("marker names unknown rule %s", r)
		}
		for _, l := range lines {
			if !at[r][l] {
				t.Errorf("rule %s expected at line %d; fired at %v", r, l, keys(at[r]))
			}
		}
	}
}

// lineBase separates the line numbers of the flawed models so that one
// map can hold all of them.
func lineBase(path string) int {
	switch filepath.Base(path) {
	case "flawed-schema.yaml":
		return 100000
	case "flawed-views.yaml":
		return 200000
	}
	return 0
}

func keys(m map[int]bool) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestExampleCleanUnderSubmission: the InsuLink example has no errors
// under the submission profile (SBOM refs resolved against its Yocto
// manifest, since the generated SBOM is not committed).
func TestExampleCleanUnderSubmission(t *testing.T) {
	m := load(t, filepath.Join("..", "..", "examples", "infusion-pump", "threatmodel.yaml"))
	for _, f := range Run(m, Options{Profile: ProfileSubmission}) {
		if f.Severity == finding.Error {
			t.Errorf("%s %s: %s", f.Location, f.RuleID, f.Message)
		}
		if f.Severity == finding.Warning && f.RuleID != "TM-SBOM-003" {
			t.Errorf("unexpected warning %s %s: %s", f.Location, f.RuleID, f.Message)
		}
	}
}

// TestProposalExampleFindings: the proposal's own example has exactly the
// gaps the proposal says it has (STRIDE coverage, power-on and update use
// cases, UP-cloud pipeline controls) and they are errors under submission.
func TestProposalExampleFindings(t *testing.T) {
	m := load(t, filepath.Join("..", "testdata", "insulink-proposal.yaml"))
	fs := Run(m, Options{Profile: ProfileSubmission, SkipSBOM: true})
	want := map[string]bool{"TM-STRIDE-001": false, "TM-VIEW-013": false, "TM-VIEW-007": false}
	for _, f := range fs {
		if _, ok := want[f.RuleID]; ok {
			want[f.RuleID] = true
			if f.Severity != finding.Error {
				t.Errorf("%s should be an error under submission", f.RuleID)
			}
		}
	}
	for r, seen := range want {
		if !seen {
			t.Errorf("expected %s on the proposal example", r)
		}
	}
	def := Run(m, Options{SkipSBOM: true})
	for _, f := range def {
		if f.RuleID == "TM-STRIDE-001" && f.Severity != finding.Warning {
			t.Errorf("TM-STRIDE-001 should be a warning by default")
		}
	}
}

func TestRulesHaveHelp(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] {
			t.Errorf("duplicate rule %s", r.ID)
		}
		seen[r.ID] = true
		if r.Title == "" || r.Help == "" || r.Catalog == "" {
			t.Errorf("rule %s lacks title, help or catalog", r.ID)
		}
	}
}

// TestExploitabilityBands maps the cvss package's unrounded sub-scores
// through a model's band table: bounds are exclusive upper bounds, and a
// malformed table derives no level (TM-RISK-001 reports it instead).
func TestExploitabilityBands(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	m := &threatmodel.Model{}
	m.RiskMethod.Exploitability.Levels = []string{"low", "moderate", "high"}
	m.RiskMethod.Exploitability.Derivation = &struct {
		Method string             `yaml:"method"`
		Bands  []threatmodel.Band `yaml:"bands"`
	}{Method: "cvss-exploitability-bands", Bands: []threatmodel.Band{{Level: "low", Below: f(1.0)}, {Level: "moderate", Below: f(2.23)}, {Level: "high"}}}
	r := (&checker{m: m}).method()
	for _, c := range []struct {
		v    string
		want string
	}{
		{"CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:L/I:H/A:H", "high"},                        // 2.835
		{"CVSS:3.1/AV:A/AC:H/PR:H/UI:R/S:U/C:L/I:H/A:H", "low"},                         // 0.384
		{"CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "low"},                         // 0.907
		{"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H", "high"},                        // 2.295 (PR:H weighs 0.50 when S:C)
		{"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", "moderate"},                    // 1.234
		{"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", "moderate"},                    // 2.2212: unrounded, below 2.23 (Roundup would give 2.3)
		{"CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "moderate"}, // AT:P counts as AC:H
	} {
		v := cvss.MustParse(c.v)
		if got := r.band(v.Exploitability()); got != c.want {
			t.Errorf("%s: sub-score %.4f in band %q, want %q", c.v, v.Exploitability(), got, c.want)
		}
	}
	m.RiskMethod.Exploitability.Derivation.Bands[1].Below = f(0.5) // bounds no longer ascend
	if got := (&checker{m: m}).method().band(1.5); got != "" {
		t.Errorf("malformed table derived %q", got)
	}
}
