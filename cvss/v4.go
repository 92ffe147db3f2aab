package cvss

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"
)

// v4Defs lists the CVSS v4.0 metrics in the fixed order of the
// specification's vector-string table: base, threat, environmental,
// supplemental.
var v4Defs = []metricDef{
	{"AV", []string{"N", "A", "L", "P"}, groupBase},
	{"AC", []string{"L", "H"}, groupBase},
	{"AT", []string{"N", "P"}, groupBase},
	{"PR", []string{"N", "L", "H"}, groupBase},
	{"UI", []string{"N", "P", "A"}, groupBase},
	{"VC", []string{"H", "L", "N"}, groupBase},
	{"VI", []string{"H", "L", "N"}, groupBase},
	{"VA", []string{"H", "L", "N"}, groupBase},
	{"SC", []string{"H", "L", "N"}, groupBase},
	{"SI", []string{"H", "L", "N"}, groupBase},
	{"SA", []string{"H", "L", "N"}, groupBase},
	{"E", []string{"X", "A", "P", "U"}, groupTemporal},
	{"CR", []string{"X", "H", "M", "L"}, groupEnvironmental},
	{"IR", []string{"X", "H", "M", "L"}, groupEnvironmental},
	{"AR", []string{"X", "H", "M", "L"}, groupEnvironmental},
	{"MAV", []string{"X", "N", "A", "L", "P"}, groupEnvironmental},
	{"MAC", []string{"X", "L", "H"}, groupEnvironmental},
	{"MAT", []string{"X", "N", "P"}, groupEnvironmental},
	{"MPR", []string{"X", "N", "L", "H"}, groupEnvironmental},
	{"MUI", []string{"X", "N", "P", "A"}, groupEnvironmental},
	{"MVC", []string{"X", "H", "L", "N"}, groupEnvironmental},
	{"MVI", []string{"X", "H", "L", "N"}, groupEnvironmental},
	{"MVA", []string{"X", "H", "L", "N"}, groupEnvironmental},
	{"MSC", []string{"X", "H", "L", "N"}, groupEnvironmental},
	{"MSI", []string{"X", "S", "H", "L", "N"}, groupEnvironmental},
	{"MSA", []string{"X", "S", "H", "L", "N"}, groupEnvironmental},
	{"S", []string{"X", "N", "P"}, groupSupplemental},
	{"AU", []string{"X", "N", "Y"}, groupSupplemental},
	{"R", []string{"X", "A", "U", "I"}, groupSupplemental},
	{"V", []string{"X", "D", "C"}, groupSupplemental},
	{"RE", []string{"X", "L", "M", "H"}, groupSupplemental},
	{"U", []string{"X", "Clear", "Green", "Amber", "Red"}, groupSupplemental},
}

//go:embed data/v4_macrovectors.json
var macroVectorJSON []byte

// macroTables is the decoded data/v4_macrovectors.json.
type macroTables struct {
	// lookup[eq1][eq2][eq3][eq4][eq5][eq6]; NaN where no MacroVector exists.
	lookup [3][2][3][3][3][2]float64
	count  int
	// maxComposed[eq][level]: highest-severity partial vectors, as metric maps.
	// eq3 and eq6 are combined under the key "eq3eq6" with levels "00".."21".
	maxComposed map[string]map[string][]map[string]string
	// maxSeverity[eq][level]: depth of the MacroVector in 0.1 steps.
	maxSeverity map[string]map[string]float64
}

// tables decodes the embedded MacroVector data once. The result is never
// modified after construction.
var tables = sync.OnceValues(func() (*macroTables, error) {
	var raw struct {
		Lookup      map[string]float64             `json:"lookup"`
		MaxComposed map[string]map[string][]string `json:"maxComposed"`
		MaxSeverity map[string]map[string]float64  `json:"maxSeverity"`
	}
	if err := json.Unmarshal(macroVectorJSON, &raw); err != nil {
		return nil, fmt.Errorf("cvss: data/v4_macrovectors.json: %w", err)
	}
	t := &macroTables{maxSeverity: raw.MaxSeverity, maxComposed: map[string]map[string][]map[string]string{}}
	for a := range t.lookup {
		for b := range t.lookup[a] {
			for c := range t.lookup[a][b] {
				for d := range t.lookup[a][b][c] {
					for e := range t.lookup[a][b][c][d] {
						for f := range t.lookup[a][b][c][d][e] {
							t.lookup[a][b][c][d][e][f] = math.NaN()
						}
					}
				}
			}
		}
	}
	for key, score := range raw.Lookup {
		var eq [6]int
		if len(key) != 6 {
			return nil, fmt.Errorf("cvss: data/v4_macrovectors.json: bad MacroVector %q", key)
		}
		for i := range eq {
			eq[i] = int(key[i] - '0')
		}
		if eq[0] > 2 || eq[1] > 1 || eq[2] > 2 || eq[3] > 2 || eq[4] > 2 || eq[5] > 1 || score < 0 || score > 10 {
			return nil, fmt.Errorf("cvss: data/v4_macrovectors.json: MacroVector %q out of range", key)
		}
		t.lookup[eq[0]][eq[1]][eq[2]][eq[3]][eq[4]][eq[5]] = score
		t.count++
	}
	for eq, levels := range raw.MaxComposed {
		t.maxComposed[eq] = map[string][]map[string]string{}
		for lvl, vecs := range levels {
			for _, s := range vecs {
				m := map[string]string{}
				for _, comp := range strings.Split(s, "/") {
					k, val, ok := strings.Cut(comp, ":")
					if !ok {
						return nil, fmt.Errorf("cvss: data/v4_macrovectors.json: bad max vector %q", s)
					}
					m[k] = val
				}
				t.maxComposed[eq][lvl] = append(t.maxComposed[eq][lvl], m)
			}
		}
	}
	return t, nil
})

func mustTables() *macroTables {
	t, err := tables()
	if err != nil {
		// The data file is embedded and covered by tests; failure here is a
		// build defect, not an input error.
		panic(err)
	}
	return t
}

// eff returns the effective value of a metric for v4.0 scoring: threat and
// security-requirement metrics default to their worst case (E:A, CR/IR/AR:H)
// when not defined, and a defined modified metric M<x> overrides base <x>.
func (v Vector) eff(key string) string {
	val := v.get(key)
	if val == "X" {
		switch key {
		case "E":
			return "A"
		case "CR", "IR", "AR":
			return "H"
		}
	}
	if m := v.get("M" + key); m != "X" && m != "" {
		return m
	}
	return val
}

// macroEQ computes the six equivalence-class levels.
func (v Vector) macroEQ() [6]int {
	var eq [6]int
	av, pr, ui := v.eff("AV"), v.eff("PR"), v.eff("UI")
	switch {
	case av == "N" && pr == "N" && ui == "N":
		eq[0] = 0
	case (av == "N" || pr == "N" || ui == "N") && av != "P":
		eq[0] = 1
	default:
		eq[0] = 2
	}
	if !(v.eff("AC") == "L" && v.eff("AT") == "N") {
		eq[1] = 1
	}
	vc, vi, va := v.eff("VC"), v.eff("VI"), v.eff("VA")
	switch {
	case vc == "H" && vi == "H":
		eq[2] = 0
	case vc == "H" || vi == "H" || va == "H":
		eq[2] = 1
	default:
		eq[2] = 2
	}
	msi, msa := v.eff("MSI"), v.eff("MSA")
	switch {
	case msi == "S" || msa == "S":
		eq[3] = 0
	case v.eff("SC") == "H" || v.eff("SI") == "H" || v.eff("SA") == "H":
		eq[3] = 1
	default:
		eq[3] = 2
	}
	switch v.eff("E") {
	case "A":
		eq[4] = 0
	case "P":
		eq[4] = 1
	default: // U
		eq[4] = 2
	}
	if !((v.eff("CR") == "H" && vc == "H") || (v.eff("IR") == "H" && vi == "H") || (v.eff("AR") == "H" && va == "H")) {
		eq[5] = 1
	}
	return eq
}

func (v Vector) macroVector() string {
	eq := v.macroEQ()
	b := make([]byte, 6)
	for i, e := range eq {
		b[i] = byte('0' + e)
	}
	return string(b)
}

// levels4 gives each metric value's severity position, in steps of 0.1,
// used to measure the distance from the highest-severity vector.
var levels4 = map[string]map[string]float64{
	"AV": {"N": 0.0, "A": 0.1, "L": 0.2, "P": 0.3},
	"PR": {"N": 0.0, "L": 0.1, "H": 0.2},
	"UI": {"N": 0.0, "P": 0.1, "A": 0.2},
	"AC": {"L": 0.0, "H": 0.1},
	"AT": {"N": 0.0, "P": 0.1},
	"VC": {"H": 0.0, "L": 0.1, "N": 0.2},
	"VI": {"H": 0.0, "L": 0.1, "N": 0.2},
	"VA": {"H": 0.0, "L": 0.1, "N": 0.2},
	"SC": {"H": 0.1, "L": 0.2, "N": 0.3},
	"SI": {"S": 0.0, "H": 0.1, "L": 0.2, "N": 0.3},
	"SA": {"S": 0.0, "H": 0.1, "L": 0.2, "N": 0.3},
	"CR": {"H": 0.0, "M": 0.1, "L": 0.2},
	"IR": {"H": 0.0, "M": 0.1, "L": 0.2},
	"AR": {"H": 0.0, "M": 0.1, "L": 0.2},
	"E":  {"U": 0.2, "P": 0.1, "A": 0},
}

// distanceOrder fixes the iteration order over levels4 for determinism.
var distanceOrder = []string{"AV", "PR", "UI", "AC", "AT", "VC", "VI", "VA", "SC", "SI", "SA", "CR", "IR", "AR", "E"}

func lookupScore(t *macroTables, eq [6]int) float64 {
	if eq[0] > 2 || eq[1] > 1 || eq[2] > 2 || eq[3] > 2 || eq[4] > 2 || eq[5] > 1 {
		return math.NaN()
	}
	return t.lookup[eq[0]][eq[1]][eq[2]][eq[3]][eq[4]][eq[5]]
}

// score4 implements the CVSS v4.0 scoring algorithm of the FIRST reference
// calculator: the MacroVector score, lowered by the mean of the per-EQ
// proportional severity distances towards the next lower MacroVector.
func (v Vector) score4() float64 {
	allNone := true
	for _, k := range []string{"VC", "VI", "VA", "SC", "SI", "SA"} {
		if v.eff(k) != "N" {
			allNone = false
			break
		}
	}
	if allNone {
		return 0
	}
	t := mustTables()
	eq := v.macroEQ()
	value := lookupScore(t, eq)

	next := func(i int) [6]int { n := eq; n[i]++; return n }
	scoreEQ1 := lookupScore(t, next(0))
	scoreEQ2 := lookupScore(t, next(1))
	var scoreEQ36 float64
	switch {
	case eq[2] == 1 && eq[5] == 1, eq[2] == 0 && eq[5] == 1:
		scoreEQ36 = lookupScore(t, next(2))
	case eq[2] == 1 && eq[5] == 0:
		scoreEQ36 = lookupScore(t, next(5))
	case eq[2] == 0 && eq[5] == 0:
		left, right := lookupScore(t, next(5)), lookupScore(t, next(2))
		scoreEQ36 = math.Max(left, right) // NaN if either is missing, as in the reference
	default: // 21 -> 32 does not exist
		scoreEQ36 = math.NaN()
	}
	scoreEQ4 := lookupScore(t, next(3))
	scoreEQ5 := lookupScore(t, next(4))

	lvl := func(e int) string { return string(rune('0' + e)) }
	eqMaxes := [5][]map[string]string{
		t.maxComposed["eq1"][lvl(eq[0])],
		t.maxComposed["eq2"][lvl(eq[1])],
		t.maxComposed["eq3eq6"][lvl(eq[2])+lvl(eq[5])],
		t.maxComposed["eq4"][lvl(eq[3])],
		t.maxComposed["eq5"][lvl(eq[4])],
	}
	// Current effective values, looked up once.
	cur := make(map[string]float64, len(distanceOrder))
	for _, k := range distanceOrder {
		cur[k] = levels4[k][v.eff(k)]
	}
	// Find the first composed highest-severity vector that is at least as
	// severe as v in every metric; as in the reference, if none qualifies
	// the distances of the last candidate are used.
	dist := make(map[string]float64, len(distanceOrder))
	maxOf := func(k string, parts [5]map[string]string) string {
		for _, p := range parts {
			if val, ok := p[k]; ok {
				return val
			}
		}
		return ""
	}
search:
	for _, m1 := range eqMaxes[0] {
		for _, m2 := range eqMaxes[1] {
			for _, m3 := range eqMaxes[2] {
				for _, m4 := range eqMaxes[3] {
					for _, m5 := range eqMaxes[4] {
						parts := [5]map[string]string{m1, m2, m3, m4, m5}
						ok := true
						for _, k := range distanceOrder {
							d := cur[k] - levels4[k][maxOf(k, parts)]
							dist[k] = d
							if d < 0 {
								ok = false
							}
						}
						if ok {
							break search
						}
					}
				}
			}
		}
	}
	const step = 0.1
	curEQ1 := dist["AV"] + dist["PR"] + dist["UI"]
	curEQ2 := dist["AC"] + dist["AT"]
	curEQ36 := dist["VC"] + dist["VI"] + dist["VA"] + dist["CR"] + dist["IR"] + dist["AR"]
	curEQ4 := dist["SC"] + dist["SI"] + dist["SA"]

	maxSev := func(eqName, level string) float64 { return t.maxSeverity[eqName][level] * step }
	n := 0
	var sum float64
	add := func(available, current, depth float64) {
		if math.IsNaN(available) {
			return
		}
		n++
		sum += available * (current / depth)
	}
	add(value-scoreEQ1, curEQ1, maxSev("eq1", lvl(eq[0])))
	add(value-scoreEQ2, curEQ2, maxSev("eq2", lvl(eq[1])))
	add(value-scoreEQ36, curEQ36, maxSev("eq3eq6", lvl(eq[2])+lvl(eq[5])))
	add(value-scoreEQ4, curEQ4, maxSev("eq4", lvl(eq[3])))
	if !math.IsNaN(value - scoreEQ5) {
		n++ // EQ5 has depth zero: it counts in the mean with proportion 0
	}
	mean := 0.0
	if n > 0 {
		mean = sum / float64(n)
	}
	return round1(math.Max(0, math.Min(10, value-mean)))
}

// baseOnly4 returns a copy of v with threat, environmental and supplemental
// metrics removed, for the CVSS-B score.
func (v Vector) baseOnly4() Vector {
	b := Vector{ver: v.ver}
	for i, d := range v4Defs {
		if d.group == groupBase {
			b.vals[i] = v.vals[i]
		}
	}
	return b
}

func (v Vector) scores4() Scores {
	nom := "CVSS-B"
	if v.hasGroup(groupTemporal) {
		nom += "T"
	}
	if v.hasGroup(groupEnvironmental) {
		nom += "E"
	}
	overall := v.score4()
	return Scores{
		Version:        v.Version(),
		Base:           v.baseOnly4().score4(),
		Exploitability: v.exploitability4(),
		Overall:        overall,
		Nomenclature:   nom,
		MacroVector:    v.macroVector(),
		Severity:       Severity(overall),
	}
}

// exploitability4 is the documented v4.0 exploitability measure: the v3.1
// exploitability sub-score over the base AV, AC, AT, PR and UI, with AT:P
// counted as AC:H, UI:P and UI:A counted as UI:R, and PR weighted for
// unchanged scope.
func (v Vector) exploitability4() float64 {
	ac := v.get("AC")
	if v.get("AT") == "P" {
		ac = "H"
	}
	ui := "N"
	if v.get("UI") != "N" {
		ui = "R"
	}
	return 8.22 * weightAV(v.get("AV")) * weightAC(ac) * weightPR(v.get("PR"), false) * weightUI(ui)
}
