package cvss

import "math"

// v3Defs lists the CVSS v3.x metrics in specification order (v3.1 Table 15).
var v3Defs = []metricDef{
	{"AV", []string{"N", "A", "L", "P"}, groupBase},
	{"AC", []string{"L", "H"}, groupBase},
	{"PR", []string{"N", "L", "H"}, groupBase},
	{"UI", []string{"N", "R"}, groupBase},
	{"S", []string{"U", "C"}, groupBase},
	{"C", []string{"H", "L", "N"}, groupBase},
	{"I", []string{"H", "L", "N"}, groupBase},
	{"A", []string{"H", "L", "N"}, groupBase},
	{"E", []string{"X", "H", "F", "P", "U"}, groupTemporal},
	{"RL", []string{"X", "U", "W", "T", "O"}, groupTemporal},
	{"RC", []string{"X", "C", "R", "U"}, groupTemporal},
	{"CR", []string{"X", "H", "M", "L"}, groupEnvironmental},
	{"IR", []string{"X", "H", "M", "L"}, groupEnvironmental},
	{"AR", []string{"X", "H", "M", "L"}, groupEnvironmental},
	{"MAV", []string{"X", "N", "A", "L", "P"}, groupEnvironmental},
	{"MAC", []string{"X", "L", "H"}, groupEnvironmental},
	{"MPR", []string{"X", "N", "L", "H"}, groupEnvironmental},
	{"MUI", []string{"X", "N", "R"}, groupEnvironmental},
	{"MS", []string{"X", "U", "C"}, groupEnvironmental},
	{"MC", []string{"X", "H", "L", "N"}, groupEnvironmental},
	{"MI", []string{"X", "H", "L", "N"}, groupEnvironmental},
	{"MA", []string{"X", "H", "L", "N"}, groupEnvironmental},
}

// v3.1 metric weights (specification section 7.4).
func weightAV(v string) float64 {
	switch v {
	case "N":
		return 0.85
	case "A":
		return 0.62
	case "L":
		return 0.55
	default: // P
		return 0.2
	}
}

func weightAC(v string) float64 {
	if v == "L" {
		return 0.77
	}
	return 0.44
}

func weightPR(v string, scopeChanged bool) float64 {
	switch v {
	case "N":
		return 0.85
	case "L":
		if scopeChanged {
			return 0.68
		}
		return 0.62
	default: // H
		if scopeChanged {
			return 0.5
		}
		return 0.27
	}
}

func weightUI(v string) float64 {
	if v == "N" {
		return 0.85
	}
	return 0.62
}

func weightCIA(v string) float64 {
	switch v {
	case "H":
		return 0.56
	case "L":
		return 0.22
	default:
		return 0
	}
}

func weightE(v string) float64 {
	switch v {
	case "F":
		return 0.97
	case "P":
		return 0.94
	case "U":
		return 0.91
	default: // X, H
		return 1
	}
}

func weightRL(v string) float64 {
	switch v {
	case "W":
		return 0.97
	case "T":
		return 0.96
	case "O":
		return 0.95
	default: // X, U
		return 1
	}
}

func weightRC(v string) float64 {
	switch v {
	case "R":
		return 0.96
	case "U":
		return 0.92
	default: // X, C
		return 1
	}
}

func weightReq(v string) float64 {
	switch v {
	case "H":
		return 1.5
	case "L":
		return 0.5
	default: // X, M
		return 1
	}
}

// roundup31 is the v3.1 Appendix A Roundup: the smallest number with one
// decimal place that is >= x, computed on integers to avoid floating-point
// artefacts such as 4.000000000000001 rounding to 4.1.
func roundup31(x float64) float64 {
	i := int64(math.Round(x * 100000))
	if i%10000 == 0 {
		return float64(i) / 100000
	}
	return float64(i/10000+1) / 10
}

// roundup30 is the v3.0 Roundup: ceiling to one decimal place.
func roundup30(x float64) float64 { return math.Ceil(x*10) / 10 }

func (v Vector) roundup(x float64) float64 {
	if v.ver == v30 {
		return roundup30(x)
	}
	return roundup31(x)
}

type base3Result struct {
	score, impact, exploitability float64
}

// base3 computes the v3.x base score and sub-scores.
func (v Vector) base3() base3Result {
	changed := v.get("S") == "C"
	iss := 1 - (1-weightCIA(v.get("C")))*(1-weightCIA(v.get("I")))*(1-weightCIA(v.get("A")))
	var impact float64
	if changed {
		impact = 7.52*(iss-0.029) - 3.25*math.Pow(iss-0.02, 15)
	} else {
		impact = 6.42 * iss
	}
	expl := 8.22 * weightAV(v.get("AV")) * weightAC(v.get("AC")) * weightPR(v.get("PR"), changed) * weightUI(v.get("UI"))
	var score float64
	switch {
	case impact <= 0:
		score = 0
	case changed:
		score = v.roundup(math.Min(1.08*(impact+expl), 10))
	default:
		score = v.roundup(math.Min(impact+expl, 10))
	}
	return base3Result{score: score, impact: impact, exploitability: expl}
}

// modified returns the modified metric's value, or the base value when the
// modified metric is absent or X.
func (v Vector) modified(base string) string {
	if m := v.get("M" + base); m != "X" {
		return m
	}
	return v.get(base)
}

func (v Vector) scores3() Scores {
	b := v.base3()
	tm := weightE(v.get("E")) * weightRL(v.get("RL")) * weightRC(v.get("RC"))
	temporal := v.roundup(b.score * tm)

	// Environmental score (v3.1 section 7.3; v3.0 differs in the
	// changed-scope modified impact).
	changed := v.modified("S") == "C"
	miss := math.Min(1-
		(1-weightReq(v.get("CR"))*weightCIA(v.modified("C")))*
			(1-weightReq(v.get("IR"))*weightCIA(v.modified("I")))*
			(1-weightReq(v.get("AR"))*weightCIA(v.modified("A"))), 0.915)
	var mImpact float64
	switch {
	case !changed:
		mImpact = 6.42 * miss
	case v.ver == v30:
		mImpact = 7.52*(miss-0.029) - 3.25*math.Pow(miss-0.02, 15)
	default:
		mImpact = 7.52*(miss-0.029) - 3.25*math.Pow(miss*0.9731-0.02, 13)
	}
	mExpl := 8.22 * weightAV(v.modified("AV")) * weightAC(v.modified("AC")) *
		weightPR(v.modified("PR"), changed) * weightUI(v.modified("UI"))
	var env float64
	switch {
	case mImpact <= 0:
		env = 0
	case changed:
		env = v.roundup(v.roundup(math.Min(1.08*(mImpact+mExpl), 10)) * tm)
	default:
		env = v.roundup(v.roundup(math.Min(mImpact+mExpl, 10)) * tm)
	}

	s := Scores{
		Version: v.Version(), Base: b.score, Impact: b.impact, Exploitability: b.exploitability,
		Temporal: temporal, Environmental: env, Overall: b.score,
	}
	switch {
	case v.hasGroup(groupEnvironmental):
		s.Overall = env
	case v.hasGroup(groupTemporal):
		s.Overall = temporal
	}
	s.Severity = Severity(s.Overall)
	return s
}
