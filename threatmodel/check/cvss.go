package check

// This file is the only place that knows how CVSS vectors are parsed. It
// holds a small parser of its own for the metrics the checks need (the
// exploitability metrics and the worst-case / safety metrics); switch it
// to the cvss package's Parse once that package is available.

import (
	"fmt"
	"strings"
)

// vector is the part of a CVSS vector the checks use.
type vector struct {
	Version string            // "3.1" or "4.0"
	Metrics map[string]string // metric -> value, e.g. "AV" -> "N"
}

var cvssMetrics = map[string]struct {
	order   []string
	allowed map[string]string // metric -> allowed values
	base    int               // number of mandatory base metrics (in order)
}{
	"3.1": {
		order: []string{"AV", "AC", "PR", "UI", "S", "C", "I", "A"},
		base:  8,
		allowed: map[string]string{
			"AV": "NALP", "AC": "LH", "PR": "NLH", "UI": "NR", "S": "UC", "C": "HLN", "I": "HLN", "A": "HLN",
			"E": "XUPFH", "RL": "XOTWU", "RC": "XURC",
			"CR": "XLMH", "IR": "XLMH", "AR": "XLMH",
			"MAV": "XNALP", "MAC": "XLH", "MPR": "XNLH", "MUI": "XNR", "MS": "XUC", "MC": "XNLH", "MI": "XNLH", "MA": "XNLH",
		},
	},
	"4.0": {
		order: []string{"AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"},
		base:  11,
		allowed: map[string]string{
			"AV": "NALP", "AC": "LH", "AT": "NP", "PR": "NLH", "UI": "NPA",
			"VC": "HLN", "VI": "HLN", "VA": "HLN", "SC": "HLN", "SI": "HLN", "SA": "HLN",
			"E": "XAPU", "CR": "XHML", "IR": "XHML", "AR": "XHML",
			"MAV": "XNALP", "MAC": "XLH", "MAT": "XNP", "MPR": "XNLH", "MUI": "XNPA",
			"MVC": "XHLN", "MVI": "XHLN", "MVA": "XHLN", "MSC": "XHLN", "MSI": "XSHLN", "MSA": "XSHLN",
			"S": "XNP", "AU": "XNY", "R": "XAUI", "V": "XDC", "RE": "XLMH", "U": "X",
		},
	},
}

// parseVector parses and validates a CVSS v3.1 or v4.0 vector string:
// prefix, mandatory base metrics in order, known metrics and values, no
// duplicates.
func parseVector(s string) (*vector, error) {
	parts := strings.Split(s, "/")
	ver := strings.TrimPrefix(parts[0], "CVSS:")
	spec, ok := cvssMetrics[ver]
	if !ok || !strings.HasPrefix(parts[0], "CVSS:") {
		return nil, fmt.Errorf("vector %q must start with CVSS:3.1/ or CVSS:4.0/", s)
	}
	v := &vector{Version: ver, Metrics: map[string]string{}}
	for i, p := range parts[1:] {
		k, val, ok := strings.Cut(p, ":")
		if !ok || k == "" || val == "" {
			return nil, fmt.Errorf("vector %q: %q is not METRIC:VALUE", s, p)
		}
		allowed, known := spec.allowed[k]
		if !known {
			return nil, fmt.Errorf("vector %q: unknown CVSS %s metric %s", s, ver, k)
		}
		if _, dup := v.Metrics[k]; dup {
			return nil, fmt.Errorf("vector %q: metric %s appears twice", s, k)
		}
		if len(val) != 1 || !strings.Contains(allowed, val) {
			if !(k == "U" && ver == "4.0" && (val == "Clear" || val == "Green" || val == "Amber" || val == "Red")) {
				return nil, fmt.Errorf("vector %q: %s:%s is not a valid value (allowed: %s)", s, k, val, strings.Join(strings.Split(allowed, ""), ", "))
			}
		}
		if i < spec.base && k != spec.order[i] {
			return nil, fmt.Errorf("vector %q: base metric %d must be %s, found %s", s, i+1, spec.order[i], k)
		}
		v.Metrics[k] = val
	}
	for _, k := range spec.order {
		if _, ok := v.Metrics[k]; !ok {
			return nil, fmt.Errorf("vector %q: base metric %s is missing", s, k)
		}
	}
	return v, nil
}

// Exploitability returns the unrounded CVSS v3.1 exploitability sub-score
// 8.22 x AV x AC x PR x UI. For a v4.0 vector it applies the format's
// documented convention: AT:P counts as AC:H, UI:P and UI:A as UI:R, and
// PR takes the unchanged-scope weights (v4.0 has no scope).
func (v *vector) Exploitability() float64 {
	m := v.Metrics
	av := map[string]float64{"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2}[m["AV"]]
	ac := map[string]float64{"L": 0.77, "H": 0.44}[m["AC"]]
	ui := map[string]float64{"N": 0.85, "R": 0.62, "P": 0.62, "A": 0.62}[m["UI"]]
	changed := v.Version == "3.1" && m["S"] == "C"
	var pr float64
	switch m["PR"] {
	case "N":
		pr = 0.85
	case "L":
		pr = 0.62
		if changed {
			pr = 0.68
		}
	case "H":
		pr = 0.27
		if changed {
			pr = 0.50
		}
	}
	if v.Version == "4.0" && m["AT"] == "P" {
		ac = 0.44
	}
	return 8.22 * av * ac * pr * ui
}

// AttackVector returns N, A, L or P.
func (v *vector) AttackVector() string { return v.Metrics["AV"] }

// TemporalMetrics returns the threat/temporal metrics that are set to a
// value other than X (E, RL, RC for v3.1; E for v4.0).
func (v *vector) TemporalMetrics() []string {
	keys := []string{"E", "RL", "RC"}
	if v.Version == "4.0" {
		keys = []string{"E"}
	}
	var out []string
	for _, k := range keys {
		if val, ok := v.Metrics[k]; ok && val != "X" {
			out = append(out, k+":"+val)
		}
	}
	return out
}

// SafetyMetrics returns the v4.0 metrics that say the impact is on safety
// (MSI:S, MSA:S, S:P).
func (v *vector) SafetyMetrics() []string {
	if v.Version != "4.0" {
		return nil
	}
	var out []string
	if v.Metrics["MSI"] == "S" {
		out = append(out, "MSI:S")
	}
	if v.Metrics["MSA"] == "S" {
		out = append(out, "MSA:S")
	}
	if v.Metrics["S"] == "P" {
		out = append(out, "S:P")
	}
	return out
}
