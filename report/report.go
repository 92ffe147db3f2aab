// Package report renders a stream of findings as text, JSON, SARIF 2.1.0
// and JUnit XML. It is generic: it knows findings, rules and optional
// metrics, not SBOMs or threat models, so every premarket checker (sbom
// check, threat-model check, ...) uses the same renderers.
//
// Renderers never compute findings and never change the Report they are
// given. Output is deterministic: findings are sorted with finding.Sort
// and counts are recomputed from the findings.
package report

import (
	"sort"

	"github.com/premarket/premarket/finding"
)

// DefaultTool is the tool name used when Report.Tool is empty.
const DefaultTool = "premarket"

// InformationURI is premarket's home, written into SARIF tool.driver.
const InformationURI = "https://github.com/premarket/premarket"

// Report is one run of one checker over one or more inputs.
type Report struct {
	Tool    string // "premarket" when empty
	Version string // tool version, e.g. "0.3.0" or "devel"
	// Profile names the policy the run was judged by ("fda", "ntia",
	// "threat-model", ...); empty when the checker has none.
	Profile string
	// Inputs are the input paths as the user gave them, in the order given.
	Inputs   []string
	Findings []finding.Finding
	// Summary carries the counts and optional metrics. The counts are
	// recomputed by the renderers; Metrics are rendered as given.
	Summary Summary
	// Failed is the caller's verdict under Profile (renderers do not
	// apply a policy of their own).
	Failed bool
}

// Summary is the summary block of a report.
type Summary struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Info     int `json:"info"`
	// Metrics are checker-specific scores, e.g. sbom check's per-element
	// coverage (NTIA-F1 supplier 120/152). Rendered in the given order.
	Metrics []Metric `json:"metrics,omitempty"`
}

// Metric is one "how many satisfy X out of how many" score.
type Metric struct {
	ID        string  `json:"id"`
	Title     string  `json:"title"`
	Satisfied int     `json:"satisfied"`
	Total     int     `json:"total"`
	Justified int     `json:"justified,omitempty"`
	Percent   float64 `json:"percent"`
}

// New builds a report with its counts filled in.
func New(tool, version, profile string, inputs []string, fs []finding.Finding, metrics []Metric, failed bool) Report {
	r := Report{Tool: tool, Version: version, Profile: profile, Inputs: inputs, Findings: fs, Failed: failed}
	r.Summary.Metrics = metrics
	r.Summary = r.summary()
	return r
}

func (r Report) tool() string {
	if r.Tool == "" {
		return DefaultTool
	}
	return r.Tool
}

// sorted returns a sorted copy of the findings.
func (r Report) sorted() []finding.Finding {
	fs := append([]finding.Finding(nil), r.Findings...)
	finding.Sort(fs)
	return fs
}

// summary returns Summary with counts recomputed from the findings.
func (r Report) summary() Summary {
	c := finding.Count(r.Findings)
	return Summary{Errors: c[finding.Error], Warnings: c[finding.Warning], Info: c[finding.Info], Metrics: r.Summary.Metrics}
}

// ruleGroup is the findings of one rule, for renderers that group.
type ruleGroup struct {
	rule     string
	severity finding.Severity // highest severity in the group
	catalog  string
	findings []finding.Finding
}

// groupByRule groups sorted findings by rule, ordered by highest severity
// (errors first) and then rule ID.
func groupByRule(fs []finding.Finding) []ruleGroup {
	idx := map[string]int{}
	var gs []ruleGroup
	for _, f := range fs {
		i, ok := idx[f.RuleID]
		if !ok {
			i = len(gs)
			idx[f.RuleID] = i
			gs = append(gs, ruleGroup{rule: f.RuleID, severity: f.Severity, catalog: f.Catalog})
		}
		g := &gs[i]
		if f.Severity > g.severity {
			g.severity = f.Severity
		}
		if g.catalog == "" {
			g.catalog = f.Catalog
		}
		g.findings = append(g.findings, f)
	}
	sort.SliceStable(gs, func(i, j int) bool {
		if gs[i].severity != gs[j].severity {
			return gs[i].severity > gs[j].severity
		}
		return gs[i].rule < gs[j].rule
	})
	return gs
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
