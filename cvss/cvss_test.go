package cvss

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/premarket/premarket/internal/testfixtures"
)

// v3 vectors with published scores. The first block are examples from the
// FIRST CVSS v3.1 specification examples document; the second are from the
// Red Hat "cvss" library test data (base, temporal, environmental as scored
// by the FIRST v3.1 calculator), which include the v3.1 environmental
// formula difference for changed scope (9.6 base vs 9.7 environmental).
var v3Cases = []struct {
	vec                 string
	base, temporal, env float64
}{
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, 6.1, 6.1},  // CVE-2013-1937
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4, 6.4, 6.4},  // CVE-2013-0375
	{"CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1, 3.1, 3.1},  // CVE-2014-3566
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9, 9.9, 10.0}, // CVE-2012-1516
	{"CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L", 4.2, 4.2, 4.2},  // CVE-2009-0783
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8, 8.8, 8.8},  // CVE-2012-0384
	{"CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8, 7.8, 7.8},  // CVE-2015-1098
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5, 7.5, 7.5},  // CVE-2014-0160
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, 9.8, 9.8},  // CVE-2014-6271
	{"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 6.8, 6.8, 6.8},  // CVE-2008-1447
	{"CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 6.8, 6.8, 6.8},  // CVE-2014-2005
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", 5.8, 5.8, 5.8},  // CVE-2010-0467

	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, 10.0, 10.0},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:L/A:L", 9.9, 9.9, 9.9},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:L/A:L", 8.3, 8.3, 8.3},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N", 0, 0, 0},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L", 7.3, 7.3, 7.3},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 9.6, 9.6, 9.7},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:N/A:N", 4.7, 4.7, 4.7},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N", 5.4, 5.4, 5.4},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:H", 9.0, 9.0, 9.1},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:N/A:N", 4.1, 4.1, 4.1},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:N/A:N", 3.5, 3.5, 3.5},
	{"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:L/I:L/A:L", 6.6, 6.6, 6.6},
	{"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:L", 6.7, 6.7, 6.7},
	{"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:N/A:N", 4.9, 4.9, 4.9},
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestV3Scores(t *testing.T) {
	for _, c := range v3Cases {
		v, err := Parse(c.vec)
		if err != nil {
			t.Fatalf("%s: %v", c.vec, err)
		}
		s := v.Scores()
		if !near(s.Base, c.base) || !near(s.Temporal, c.temporal) || !near(s.Environmental, c.env) {
			t.Errorf("%s: got base %.1f temporal %.1f env %.1f, want %.1f %.1f %.1f", c.vec, s.Base, s.Temporal, s.Environmental, c.base, c.temporal, c.env)
		}
		if !near(s.Overall, c.base) {
			t.Errorf("%s: overall %.1f, want base %.1f (no temporal/env metrics given)", c.vec, s.Overall, c.base)
		}
		if !near(v.BaseScore(), c.base) {
			t.Errorf("%s: BaseScore %.1f", c.vec, v.BaseScore())
		}
	}
}

func TestV3TemporalEnvironmental(t *testing.T) {
	cases := []struct {
		vec                 string
		base, temporal, env float64
		overall             float64
	}{
		// Temporal: 9.8 × 0.94 × 0.95 × 0.96 = 8.401... -> 8.5 (Roundup).
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:R", 9.8, 8.5, 8.5, 8.5},
		// Environmental: AV modified to physical, confidentiality requirement
		// low: MISS = 1-(1-.5*.56)(1-.56)(1-.56) = .860608; MI = 5.525;
		// ME = 8.22*.2*.77*.85*.85 = .9149...; env = Roundup(6.44) = 6.5.
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/CR:L/MAV:P", 9.8, 9.8, 6.5, 6.5},
		// Explicit X values do not make the environmental score the overall one.
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/CR:X", 9.8, 9.8, 9.8, 9.8},
	}
	for _, c := range cases {
		s := MustParse(c.vec).Scores()
		if !near(s.Base, c.base) || !near(s.Temporal, c.temporal) || !near(s.Environmental, c.env) || !near(s.Overall, c.overall) {
			t.Errorf("%s: got %+v", c.vec, s)
		}
	}
}

func TestRoundup31(t *testing.T) {
	cases := map[float64]float64{
		4.000000000000001: 4.0, // Appendix A: naive ceiling would give 4.1
		4.02:              4.1,
		4.0:               4.0,
		0.0:               0.0,
		9.9999:            10.0,
		6.11:              6.2,
	}
	for in, want := range cases {
		if got := roundup31(in); !near(got, want) {
			t.Errorf("roundup31(%v) = %v, want %v", in, got, want)
		}
	}
	if got := roundup30(4.000000000000001); !near(got, 4.1) {
		t.Errorf("roundup30 keeps the v3.0 behaviour: got %v", got)
	}
}

func TestV30Accepted(t *testing.T) {
	v := MustParse("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
	if v.Version() != "3.0" || v.IsV4() || !near(v.BaseScore(), 9.8) {
		t.Fatalf("3.0 vector: version %s score %v", v.Version(), v.BaseScore())
	}
}

// v4 vectors with published scores: the worked examples and regression
// vectors of FIRST's calculator and pandatix/go-cvss, plus Red Hat cvss
// library test data computed with the FIRST v4.0 calculator.
var v4Cases = []struct {
	vec   string
	score float64
	nom   string
}{
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:H/SI:H/SA:H", 7.9, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U", 9.1, "CVSS-BT"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/MVI:L/MSA:S", 9.8, "CVSS-BE"},
	{"CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", 1.0, "CVSS-B"},
	{"CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:P/VC:N/VI:H/VA:H/SC:N/SI:L/SA:L", 5.2, "CVSS-B"},
	{"CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:P/VC:N/VI:H/VA:H/SC:N/SI:L/SA:L/E:P/CR:H/IR:M/AR:H/MAV:A/MAT:P/MPR:N/MVI:H/MVA:N/MSI:H/MSA:N/S:N/V:C/U:Amber", 4.7, "CVSS-BTE"},
	{"CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:N/VC:N/VI:N/VA:H/SC:H/SI:H/SA:H/CR:L/IR:L/AR:L", 5.8, "CVSS-BE"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/E:A", 5.1, "CVSS-BT"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:N/SI:N/SA:N/E:A/MAV:A", 8.7, "CVSS-BTE"},

	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L", 9.2, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:L/SA:N", 6.9, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:L/VI:N/VA:N/SC:L/SI:N/SA:L", 5.3, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.6, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:L/VI:L/VA:N/SC:H/SI:L/SA:L", 6.4, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:P/VC:L/VI:L/VA:N/SC:L/SI:N/SA:N", 4.8, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:N/SA:N", 2.1, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:N/VI:N/VA:N/SC:N/SI:L/SA:N", 2.3, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:L/VA:L/SC:L/SI:N/SA:N", 1.8, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:L/VI:N/VA:L/SC:L/SI:H/SA:N", 4.3, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:L/SI:H/SA:L", 9.4, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:H/SA:N", 4.0, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:L/SA:N", 9.5, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:P/VC:L/VI:N/VA:L/SC:N/SI:N/SA:N", 2.1, "CVSS-B"},

	{"CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/IR:H/AR:H", 7.3, "CVSS-BE"},
	{"CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/IR:M/AR:L", 7.1, "CVSS-BE"},
	{"CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:M/IR:M/AR:M", 5.5, "CVSS-BE"},
	{"CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:L/IR:H/AR:M", 7.1, "CVSS-BE"},
	{"CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:L/IR:L/AR:L", 5.4, "CVSS-BE"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/CR:H/IR:H/AR:H", 0.0, "CVSS-BE"},
}

func TestV4Scores(t *testing.T) {
	severities := map[string]bool{}
	for _, c := range v4Cases {
		v, err := Parse(c.vec)
		if err != nil {
			t.Fatalf("%s: %v", c.vec, err)
		}
		s := v.Scores()
		if !near(s.Overall, c.score) || s.Nomenclature != c.nom {
			t.Errorf("%s: got %.1f %s (macrovector %s), want %.1f %s", c.vec, s.Overall, s.Nomenclature, s.MacroVector, c.score, c.nom)
		}
		if s.Severity != Severity(c.score) {
			t.Errorf("%s: severity %s", c.vec, s.Severity)
		}
		severities[s.Severity] = true
	}
	if len(severities) != 5 {
		t.Errorf("test vectors cover severities %v, want all five", severities)
	}
}

func TestV4BaseIgnoresThreatAndEnvironment(t *testing.T) {
	v := MustParse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U")
	if !near(v.BaseScore(), 10.0) || !near(v.Score(), 9.1) {
		t.Errorf("base %v overall %v, want 10.0 and 9.1", v.BaseScore(), v.Score())
	}
	if v.MacroVector() != "000120" {
		t.Errorf("MacroVector = %s", v.MacroVector())
	}
}

func TestMacroVectorTable(t *testing.T) {
	tb, err := tables()
	if err != nil {
		t.Fatal(err)
	}
	if tb.count != 270 {
		t.Fatalf("lookup has %d MacroVectors, want 270", tb.count)
	}
	// EQ3=2 with EQ6=0 is impossible (no high vulnerable-system impact
	// cannot combine with a high requirement on a high impact).
	if !math.IsNaN(tb.lookup[0][0][2][0][0][0]) {
		t.Error("MacroVector 002000 must not exist")
	}
	if tb.lookup[0][0][0][0][0][0] != 10 || tb.lookup[2][1][2][2][2][1] != 0.1 {
		t.Error("table corners wrong")
	}
	for _, eq := range []string{"eq1", "eq2", "eq3eq6", "eq4", "eq5"} {
		if len(tb.maxComposed[eq]) == 0 || len(tb.maxSeverity[eq]) == 0 {
			t.Errorf("%s: missing max vectors or depths", eq)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		in   string
		want error
	}{
		{"", ErrVersion},
		{"AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", ErrVersion},
		{"CVSS:2.0/AV:N", ErrVersion},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", ErrMissingMetric},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:N", ErrDuplicateMetric},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q", ErrInvalidValue},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:N", ErrUnknownMetric},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", ErrSyntax},
		{"CVSS:3.1/AV:N//AC:L", ErrSyntax},
		{"CVSS:3.1/AV", ErrSyntax},
		{"CVSS:3.1/av:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", ErrUnknownMetric},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MS:S", ErrInvalidValue},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:X/C:H/I:H/A:H", ErrInvalidValue},
		{"CVSS:4.0/AV:F/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N", ErrInvalidValue},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:A/E:X", ErrDuplicateMetric},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/ui:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N", ErrUnknownMetric},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/SC:N/SI:N/SA:N", ErrMissingMetric},
		{"CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N", ErrOrder},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/CR:H/E:A", ErrOrder},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N", ErrInvalidValue},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", ErrInvalidValue},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:N/U:green", ErrInvalidValue},
		{"CVSS:3.1/" + strings.Repeat("AV:N/", 200), ErrTooLong},
	}
	for _, c := range cases {
		_, err := Parse(c.in)
		if !errors.Is(err, c.want) {
			t.Errorf("Parse(%q) = %v, want %v", c.in, err, c.want)
			continue
		}
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), "cvss: ") {
			t.Errorf("Parse(%q): error is not a *ParseError: %v", c.in, err)
		}
	}
	// The error names the metric and its offset.
	_, err := Parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q")
	if got := err.Error(); !strings.Contains(got, "metric value A at offset 41") {
		t.Errorf("error text %q lacks metric and offset", got)
	}
}

func TestParseOrderAndCanonicalString(t *testing.T) {
	// v3.x: any order is accepted; String re-emits the specification order.
	v := MustParse("CVSS:3.1/S:U/AV:N/A:H/AC:L/PR:N/UI:N/C:H/I:H/RC:C")
	if got := v.String(); got != "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/RC:C" {
		t.Errorf("String() = %s", got)
	}
	full := "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/E:U/CR:L/IR:H/AR:L/MAV:A/MAC:H/MAT:N/MPR:N/MUI:P/MVC:H/MVI:N/MVA:H/MSC:N/MSI:L/MSA:S/S:N/AU:N/R:I/V:C/RE:H/U:Green"
	if got := MustParse(full).String(); got != full {
		t.Errorf("v4 round trip: %s", got)
	}
	if val, ok := MustParse(full).Metric("U"); !ok || val != "Green" {
		t.Errorf("Metric(U) = %q, %v", val, ok)
	}
	if _, ok := MustParse(full).Metric("XX"); ok {
		t.Error("Metric of unknown key reported present")
	}
}

func TestExploitability(t *testing.T) {
	cases := []struct {
		vec  string
		want float64
		av   string
	}{
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.22 * .85 * .77 * .85 * .85, "N"},
		{"CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:H/I:H/A:H", 8.22 * .2 * .44 * .27 * .62, "P"},
		{"CVSS:3.1/AV:A/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 8.22 * .62 * .77 * .68 * .85, "A"},
		// v4: AT:P counts as AC:H, UI:P as UI:R, PR unchanged-scope weight.
		{"CVSS:4.0/AV:A/AC:L/AT:P/PR:L/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.22 * .62 * .44 * .62 * .62, "A"},
		{"CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U", 8.22 * .55 * .77 * .85 * .62, "L"},
	}
	for _, c := range cases {
		v := MustParse(c.vec)
		if got := v.Exploitability(); !near(got, c.want) {
			t.Errorf("%s: Exploitability = %v, want %v", c.vec, got, c.want)
		}
		if v.AttackVector() != c.av {
			t.Errorf("%s: AttackVector = %s", c.vec, v.AttackVector())
		}
	}
	// v4 with E: the threat metric must not change exploitability.
	a := MustParse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
	b := MustParse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U")
	if a.Exploitability() != b.Exploitability() {
		t.Error("E changed the exploitability measure")
	}
	var zero Vector
	if zero.Exploitability() != 0 || zero.String() != "" || zero.Score() != 0 {
		t.Error("zero Vector must score 0")
	}
}

func TestBands(t *testing.T) {
	bands := []Band{{"low", 0, 1.0}, {"moderate", 1.0, 2.0}, {"high", 2.0, 3.0}, {"very-high", 3.0, math.Inf(1)}}
	if err := ValidateBands(bands); err != nil {
		t.Fatal(err)
	}
	cases := map[float64]string{0.12: "low", 0.999: "low", 1.0: "moderate", 2.221: "high", 3.0: "very-high", 3.887: "very-high"}
	for v, want := range cases {
		if got, ok := BandOf(bands, v); !ok || got != want {
			t.Errorf("BandOf(%v) = %q,%v want %q", v, got, ok, want)
		}
	}
	if _, ok := BandOf(bands, -1); ok {
		t.Error("value below all bands matched")
	}
	if _, ok := BandOf(bands, math.NaN()); ok {
		t.Error("NaN matched")
	}
	bad := [][]Band{
		nil,
		{{"", 0, 1}},
		{{"a", 1, 1}},
		{{"a", 0, 2}, {"b", 1, 3}},
		{{"a", 0, 1}, {"b", 1.5, 3}},
		{{"a", 0, 1}, {"a", 1, 3}},
	}
	for i, b := range bad {
		if err := ValidateBands(b); err == nil {
			t.Errorf("bad bands %d accepted", i)
		}
	}
	ub, err := BandsFromUpperBounds([]string{"low", "moderate", "high"}, []float64{1.0, 2.0})
	if err != nil || len(ub) != 3 || ub[2].Max != math.Inf(1) || ub[1].Min != 1.0 {
		t.Errorf("BandsFromUpperBounds = %+v, %v", ub, err)
	}
	if _, err := BandsFromUpperBounds([]string{"a", "b"}, []float64{2, 1, 3}); err == nil {
		t.Error("mismatched bounds accepted")
	}
}

// collectScored walks decoded JSON and returns every object that carries a
// CVSS vectorString and a numeric baseScore, with the NVD sub-scores of its
// parent when present.
type scored struct {
	vector                   string
	base                     float64
	exploitability, impact   float64
	hasExploitability, hasIm bool
}

func collectScored(node any, parent map[string]any, out *[]scored) {
	switch n := node.(type) {
	case map[string]any:
		if vs, ok := n["vectorString"].(string); ok {
			if bs, ok := n["baseScore"].(float64); ok && strings.HasPrefix(vs, "CVSS:") {
				s := scored{vector: vs, base: bs}
				if parent != nil {
					s.exploitability, s.hasExploitability = parent["exploitabilityScore"].(float64)
					s.impact, s.hasIm = parent["impactScore"].(float64)
				}
				*out = append(*out, s)
			}
		}
		for _, child := range n {
			collectScored(child, n, out)
		}
	case []any:
		for _, child := range n {
			collectScored(child, parent, out)
		}
	}
}

func TestFixtureVectors(t *testing.T) {
	root := testfixtures.Dir(t)
	files := []string{"nvd2_CVE-2023-0286_openssl.json", "csaf-vex_redhat-rhsa-openssl.json", "cisa-kev_known_exploited_vulnerabilities.json", "osv_GO-2022-0969.json"}
	total := 0
	for _, f := range files {
		raw, err := os.ReadFile(filepath.Join(root, "vuln", f))
		if err != nil {
			t.Logf("%s: %v (skipped)", f, err)
			continue
		}
		var doc any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var found []scored
		collectScored(doc, nil, &found)
		for _, s := range found {
			v, err := Parse(s.vector)
			if err != nil {
				t.Errorf("%s: %s: %v", f, s.vector, err)
				continue
			}
			total++
			if got := v.BaseScore(); !near(got, s.base) {
				t.Errorf("%s: %s base %.1f, fixture says %.1f", f, s.vector, got, s.base)
			}
			sc := v.Scores()
			if s.hasExploitability && !near(round1(sc.Exploitability), s.exploitability) {
				t.Errorf("%s: %s exploitability %.3f, fixture says %.1f", f, s.vector, sc.Exploitability, s.exploitability)
			}
			if s.hasIm && !v.IsV4() && !near(round1(sc.Impact), s.impact) {
				t.Errorf("%s: %s impact %.3f, fixture says %.1f", f, s.vector, sc.Impact, s.impact)
			}
		}
	}
	if total == 0 {
		t.Fatal("no scored CVSS vectors found in the vulnerability fixtures")
	}
	t.Logf("checked %d fixture vectors", total)
}

func FuzzParse(f *testing.F) {
	for _, c := range v3Cases {
		f.Add(c.vec)
	}
	for _, c := range v4Cases {
		f.Add(c.vec)
	}
	f.Add("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H/E:U/RL:O/RC:R/CR:H/IR:L/AR:M/MAV:P/MAC:H/MPR:H/MUI:R/MS:U/MC:N/MI:L/MA:H")
	f.Add("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSI:S/MSA:S")
	f.Add("CVSS:4.0/")
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		sc := v.Scores()
		for _, x := range []float64{sc.Base, sc.Overall, sc.Temporal, sc.Environmental} {
			if math.IsNaN(x) || x < 0 || x > 10 {
				t.Fatalf("%q: score out of range: %+v", s, sc)
			}
		}
		if e := v.Exploitability(); e < 0.1 || e > 3.9 {
			t.Fatalf("%q: exploitability %v", s, e)
		}
		// The canonical string must parse to the same vector.
		again, err := Parse(v.String())
		if err != nil || again != v {
			t.Fatalf("%q: canonical %q does not round-trip: %v", s, v.String(), err)
		}
	})
}

func BenchmarkParseScoreV31(b *testing.B) {
	for b.Loop() {
		v, err := Parse("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H/E:P/RL:O/RC:C/CR:H/MAV:A")
		if err != nil {
			b.Fatal(err)
		}
		_ = v.Scores()
	}
}

func BenchmarkParseScoreV40(b *testing.B) {
	for b.Loop() {
		v, err := Parse("CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:P/VC:N/VI:H/VA:H/SC:N/SI:L/SA:L/E:P/CR:H/IR:M/AR:H/MAV:A/MAT:P/MPR:N/MVI:H/MVA:N/MSI:H/MSA:N")
		if err != nil {
			b.Fatal(err)
		}
		_ = v.Scores()
	}
}
