// Package cvss parses, validates and scores CVSS v3.0, v3.1 and v4.0 vector
// strings, and derives the exploitability measure used by threat-model checks.
//
// # Parsing rules
//
// Parse detects the version from the prefix: "CVSS:3.0/" and "CVSS:3.1/"
// (both scored with the v3 equations; 3.0 uses its own Roundup and
// environmental formula) and "CVSS:4.0/". Metric names and values are
// case-sensitive, every metric may appear at most once, all base metrics are
// mandatory, and the optional metrics accept the value X (Not Defined).
//
//   - v3.x: the specification lists a preferred order but does not require it,
//     so any order is accepted; String() re-emits the specification order.
//   - v4.0: the specification fixes the order of metrics (base, threat,
//     environmental, supplemental as in its vector-string table), so a metric
//     out of order is rejected with ErrOrder.
//
// Input longer than MaxVectorLen bytes is rejected before parsing.
//
// # Scores
//
// v3.x: base, impact and exploitability sub-scores, temporal and
// environmental scores with the specification's Roundup (v3.1 Appendix A, the
// floating-point-safe version). v4.0: the CVSS-B/BT/BE/BTE score from the
// MacroVector algorithm (EQ1..EQ6 equivalence classes, the 270-entry lookup
// table embedded from data/v4_macrovectors.json, and severity-distance
// interpolation) exactly as in FIRST's reference calculator.
//
// # Exploitability
//
// Vector.Exploitability returns, for v3.x, the unrounded exploitability
// sub-score 8.22 × AV × AC × PR × UI (about 0.12 to 3.89). CVSS v4.0 has no
// such sub-score; for it the package uses the convention of the project's
// threat-model format (reference §3.7 item 6): AT:P counts like AC:H, UI:P and
// UI:A count like UI:R, and the v3.1 weights are applied, with PR weighted as
// for unchanged scope because v4.0 has no Scope metric. This keeps one band
// table valid for both versions and depends only on the attacker-side base
// metrics AV, AC, AT, PR and UI. Threat (E) and environmental metrics are
// deliberately not folded in: the v3.1 sub-score does not include them
// either, and a premarket worst-case assessment must not credit exploit
// immaturity. Bands map the unrounded value to a level (see Band, BandOf).
package cvss

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// MaxVectorLen is the longest vector string Parse accepts. The longest
// well-formed v4.0 vector (every metric present) is under 200 bytes.
const MaxVectorLen = 512

// Sentinel errors; every Parse error wraps one of them in a *ParseError.
var (
	ErrTooLong         = errors.New("vector too long")
	ErrVersion         = errors.New("missing or unsupported CVSS version prefix")
	ErrSyntax          = errors.New("malformed metric")
	ErrUnknownMetric   = errors.New("unknown metric")
	ErrDuplicateMetric = errors.New("duplicate metric")
	ErrInvalidValue    = errors.New("invalid metric value")
	ErrMissingMetric   = errors.New("missing mandatory base metric")
	ErrOrder           = errors.New("metric out of order")
)

// ParseError reports where and why a vector string was rejected.
type ParseError struct {
	Vector string // the input, truncated to 80 bytes
	Offset int    // byte offset of the offending component, or -1
	Metric string // metric name involved, if any
	Err    error  // one of the Err* sentinels
	Detail string // human-readable specifics
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("cvss: ")
	b.WriteString(e.Err.Error())
	if e.Metric != "" {
		fmt.Fprintf(&b, " %s", e.Metric)
	}
	if e.Offset >= 0 {
		fmt.Fprintf(&b, " at offset %d", e.Offset)
	}
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	fmt.Fprintf(&b, " in %q", e.Vector)
	return b.String()
}

// Unwrap returns the sentinel error.
func (e *ParseError) Unwrap() error { return e.Err }

// version identifies the CVSS version of a vector.
type version uint8

const (
	v30 version = iota + 1
	v31
	v40
)

// group classifies metrics.
type group uint8

const (
	groupBase group = iota
	groupTemporal
	groupEnvironmental
	groupSupplemental
)

type metricDef struct {
	key    string
	values []string // allowed values; for optional metrics the first is "X"
	group  group
}

// maxMetrics is the size of the fixed value array (v4.0 has 32 metrics).
const maxMetrics = 32

// Vector is a parsed, validated CVSS vector. The zero Vector is invalid; use
// Parse. Vector is a small comparable value and safe to copy.
type Vector struct {
	ver  version
	vals [maxMetrics]uint8 // 1 + index into defs[i].values; 0 = absent
}

func (v Vector) defs() []metricDef {
	if v.ver == v40 {
		return v4Defs
	}
	return v3Defs
}

// Parse parses a CVSS v3.0, v3.1 or v4.0 vector string.
func Parse(s string) (Vector, error) {
	trunc := s
	if len(trunc) > 80 {
		trunc = trunc[:80] + "..."
	}
	fail := func(off int, metric string, err error, format string, a ...any) (Vector, error) {
		return Vector{}, &ParseError{Vector: trunc, Offset: off, Metric: metric, Err: err, Detail: fmt.Sprintf(format, a...)}
	}
	if len(s) > MaxVectorLen {
		return fail(-1, "", ErrTooLong, "%d bytes, limit %d", len(s), MaxVectorLen)
	}
	var v Vector
	var rest string
	switch {
	case strings.HasPrefix(s, "CVSS:3.1/"):
		v.ver, rest = v31, s[len("CVSS:3.1/"):]
	case strings.HasPrefix(s, "CVSS:3.0/"):
		v.ver, rest = v30, s[len("CVSS:3.0/"):]
	case strings.HasPrefix(s, "CVSS:4.0/"):
		v.ver, rest = v40, s[len("CVSS:4.0/"):]
	default:
		head, _, _ := strings.Cut(s, "/")
		return fail(0, "", ErrVersion, "got %q, want CVSS:3.0, CVSS:3.1 or CVSS:4.0", head)
	}
	defs := v.defs()
	off := len(s) - len(rest)
	last := -1 // index of the previous metric, for v4.0 ordering
	for {
		comp, next, more := strings.Cut(rest, "/")
		key, val, ok := strings.Cut(comp, ":")
		if !ok || key == "" || val == "" {
			return fail(off, "", ErrSyntax, "component %q is not NAME:VALUE", comp)
		}
		idx := -1
		for i := range defs {
			if defs[i].key == key {
				idx = i
				break
			}
		}
		if idx < 0 {
			return fail(off, key, ErrUnknownMetric, "not a CVSS %s metric", v.Version())
		}
		if v.vals[idx] != 0 {
			return fail(off, key, ErrDuplicateMetric, "already given")
		}
		vi := -1
		for i, allowed := range defs[idx].values {
			if allowed == val {
				vi = i
				break
			}
		}
		if vi < 0 {
			return fail(off, key, ErrInvalidValue, "%q, want one of %s", val, strings.Join(defs[idx].values, ", "))
		}
		if v.ver == v40 {
			if idx < last {
				return fail(off, key, ErrOrder, "CVSS 4.0 requires %s before %s", key, defs[last].key)
			}
			for j := last + 1; j < idx; j++ {
				if defs[j].group != groupBase {
					continue
				}
				if laterHas(rest, defs[j].key) {
					return fail(off, key, ErrOrder, "CVSS 4.0 requires %s before %s", defs[j].key, key)
				}
				return fail(off, defs[j].key, ErrMissingMetric, "expected before %s", key)
			}
			last = idx
		}
		v.vals[idx] = uint8(vi + 1)
		if !more {
			break
		}
		off += len(comp) + 1
		rest = next
	}
	var missing []string
	for i, d := range defs {
		if d.group == groupBase && v.vals[i] == 0 {
			missing = append(missing, d.key)
		}
	}
	if len(missing) > 0 {
		return fail(-1, missing[0], ErrMissingMetric, "missing %s", strings.Join(missing, ", "))
	}
	return v, nil
}

// laterHas reports whether the components in rest (starting with the
// current one) contain metric key.
func laterHas(rest, key string) bool {
	for comp := range strings.SplitSeq(rest, "/") {
		if k, _, _ := strings.Cut(comp, ":"); k == key {
			return true
		}
	}
	return false
}

// MustParse is Parse for vectors known to be valid (tests, constants); it
// panics on error.
func MustParse(s string) Vector {
	v, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

// Version returns "3.0", "3.1" or "4.0" ("" for the zero Vector).
func (v Vector) Version() string {
	switch v.ver {
	case v30:
		return "3.0"
	case v31:
		return "3.1"
	case v40:
		return "4.0"
	}
	return ""
}

// IsV4 reports whether v is a CVSS v4.0 vector.
func (v Vector) IsV4() bool { return v.ver == v40 }

// Metric returns the value given for a metric in the vector string (e.g.
// Metric("AV") = "N"). ok is false when the metric was not given.
func (v Vector) Metric(key string) (value string, ok bool) {
	if v.ver == 0 {
		return "", false
	}
	defs := v.defs()
	for i := range defs {
		if defs[i].key == key {
			if v.vals[i] == 0 {
				return "", false
			}
			return defs[i].values[v.vals[i]-1], true
		}
	}
	return "", false
}

// get returns the given value of a metric or "X" when absent.
func (v Vector) get(key string) string {
	if val, ok := v.Metric(key); ok {
		return val
	}
	return "X"
}

// String returns the vector in the specification's metric order, with the
// metrics that were given (X values included).
func (v Vector) String() string {
	if v.ver == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("CVSS:")
	b.WriteString(v.Version())
	for i, d := range v.defs() {
		if v.vals[i] != 0 {
			b.WriteByte('/')
			b.WriteString(d.key)
			b.WriteByte(':')
			b.WriteString(d.values[v.vals[i]-1])
		}
	}
	return b.String()
}

// AttackVector returns the base Attack Vector value: "N", "A", "L" or "P".
// The modified MAV, when present, is not applied: callers compare the
// vector's claimed access path with the model's entry points.
func (v Vector) AttackVector() string { return v.get("AV") }

// hasGroup reports whether any metric of group g is given with a value other
// than X.
func (v Vector) hasGroup(g group) bool {
	for i, d := range v.defs() {
		if d.group == g && v.vals[i] != 0 && d.values[v.vals[i]-1] != "X" {
			return true
		}
	}
	return false
}

// Scores holds every score computed for a vector.
type Scores struct {
	Version string
	// Base is the base score (v4.0: CVSS-B, with threat and environmental
	// metrics ignored).
	Base float64
	// Impact is the v3.x impact sub-score, unrounded (0 for v4.0).
	Impact float64
	// Exploitability is the unrounded exploitability measure (see package doc).
	Exploitability float64
	// Temporal is the v3.x temporal score (equal to Base when no temporal
	// metric is given; 0 for v4.0).
	Temporal float64
	// Environmental is the v3.x environmental score computed with absent
	// metrics Not Defined (0 for v4.0).
	Environmental float64
	// Overall is the most specific score: v3.x environmental if an
	// environmental metric is given, else temporal if a temporal metric is
	// given, else base; v4.0 the score over all given metrics.
	Overall float64
	// Nomenclature is "CVSS-B", "CVSS-BT", "CVSS-BE" or "CVSS-BTE" for v4.0
	// and "" for v3.x.
	Nomenclature string
	// MacroVector is the v4.0 EQ1..EQ6 string for all given metrics.
	MacroVector string
	// Severity is the qualitative rating of Overall.
	Severity string
}

// Scores computes all scores of the vector.
func (v Vector) Scores() Scores {
	switch v.ver {
	case v30, v31:
		return v.scores3()
	case v40:
		return v.scores4()
	}
	return Scores{}
}

// Score returns the most specific score (Scores().Overall).
func (v Vector) Score() float64 { return v.Scores().Overall }

// BaseScore returns the base score (v4.0: CVSS-B).
func (v Vector) BaseScore() float64 {
	switch v.ver {
	case v30, v31:
		return v.base3().score
	case v40:
		return v.baseOnly4().score4()
	}
	return 0
}

// Exploitability returns the unrounded exploitability measure: the v3.x
// exploitability sub-score, or for v4.0 the documented v3.1-weight
// conversion (see the package documentation). Range about 0.12 to 3.89.
func (v Vector) Exploitability() float64 {
	switch v.ver {
	case v30, v31:
		return v.base3().exploitability
	case v40:
		return v.exploitability4()
	}
	return 0
}

// MacroVector returns the v4.0 EQ1..EQ6 MacroVector string ("" for v3.x).
func (v Vector) MacroVector() string {
	if v.ver != v40 {
		return ""
	}
	return v.macroVector()
}

// Severity maps a score to the CVSS qualitative rating: None (0.0), Low
// (0.1-3.9), Medium (4.0-6.9), High (7.0-8.9), Critical (9.0-10.0).
func Severity(score float64) string {
	switch {
	case score <= 0:
		return "None"
	case score < 4.0:
		return "Low"
	case score < 7.0:
		return "Medium"
	case score < 9.0:
		return "High"
	default:
		return "Critical"
	}
}

// round1 rounds half up to one decimal, as the v4.0 calculator does.
func round1(x float64) float64 { return math.Floor(x*10+0.5) / 10 }
