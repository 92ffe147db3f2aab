package check

// CVSS vectors are parsed, validated and scored by the cvss package; this
// file only names the metrics the checks look at.

import (
	"github.com/premarket/premarket/cvss"
)

// temporalMetrics returns the threat/temporal metrics of a vector that are
// set to a value other than X (E, RL, RC for v3.x; E for v4.0): a
// worst-case pre-mitigation vector must leave them unset (TM-CVSS-006).
func temporalMetrics(v cvss.Vector) []string {
	keys := []string{"E", "RL", "RC"}
	if v.IsV4() {
		keys = []string{"E"}
	}
	var out []string
	for _, k := range keys {
		if val, ok := v.Metric(k); ok && val != "X" {
			out = append(out, k+":"+val)
		}
	}
	return out
}

// safetyMetrics returns the v4.0 metrics that say the impact reaches
// safety (MSI:S, MSA:S, S:P), which require a safety block (TM-SAFETY-002).
func safetyMetrics(v cvss.Vector) []string {
	if !v.IsV4() {
		return nil
	}
	var out []string
	for _, m := range [...]struct{ key, val string }{{"MSI", "S"}, {"MSA", "S"}, {"S", "P"}} {
		if val, ok := v.Metric(m.key); ok && val == m.val {
			out = append(out, m.key+":"+m.val)
		}
	}
	return out
}
