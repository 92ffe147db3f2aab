// Package tmgen writes large, schema-valid threat models for benchmarks and
// scale tests: one generator, so the threat-model and pack benchmarks
// measure the same kind of model.
package tmgen

import (
	"fmt"
	"strings"
)

// Model returns a threat model with nc components (each with one Wi-Fi
// interface, alternating between two trust boundaries), nf data flows and
// nt mitigated threats, all with CVSS vectors and an accepted residual
// risk, and one global-system view.
func Model(nc, nf, nt int) string {
	var b strings.Builder
	b.WriteString(`dtmVersion: "0.1"
model: {id: big, title: Big, revision: "1", methodology: [stride-per-element]}
device: {name: X, intendedUse: Y, useEnvironments: [home]}
riskMethod:
  exploitability:
    levels: [low, moderate, high, very-high]
    derivation: {method: cvss-exploitability-bands, bands: [{level: low, below: 1.0}, {level: moderate, below: 2.0}, {level: high, below: 3.0}, {level: very-high}]}
    premarketPolicy: worst-case
  safetySeverity: {levels: [{id: minor}, {id: serious}]}
  acceptance: {legend: {A: acceptable, R: acceptable only with rationale, U: unacceptable}, safety: {minor: [A, A, A, R], serious: [A, R, R, U]}}
assets: [{id: A-1, name: Data, kind: data, safetyRelevant: true}]
trustBoundaries: [{id: TB-1, name: One, kind: device, owner: patient}, {id: TB-2, name: Two, kind: network, owner: hdo}]
controls: [{id: CTL-1, title: Control, fdaCategories: [A, B, C, D, E, F, G, H], kind: technical, status: implemented}]
views: [{id: V-1, type: global-system, title: Global, description: Everything., scope: {components: ["*"], dataflows: ["*"]}}]
components:
`)
	for i := 0; i < nc; i++ {
		fmt.Fprintf(&b, "  - {id: C-%d, name: C%d, kind: device, dfdType: process, boundary: TB-%d, interfaces: [{id: IF-%d, type: wifi, exposure: network, enabledInProduction: true}]}\n", i, i, i%2+1, i)
	}
	b.WriteString("dataflows:\n")
	for i := 0; i < nf; i++ {
		a, z := i%nc, (i*7+1)%nc
		fmt.Fprintf(&b, "  - {id: DF-%d, name: F%d, from: {component: C-%d, interface: IF-%d}, to: {component: C-%d}, carries: [{asset: A-1, kind: data}]}\n", i, i, a, a, z)
	}
	b.WriteString("threats:\n")
	for i := 0; i < nt; i++ {
		fmt.Fprintf(&b, `  - id: T-%d
    title: Generated threat number %d against a data flow and a component
    stride: [tampering, denial-of-service]
    targets: [{dataflow: DF-%d}, {component: C-%d}]
    entryPoints: [IF-%d]
    assets: [A-1]
    status: mitigated
    mitigations: [{control: CTL-1}]
    risk:
      pre: {exploitability: {level: very-high, cvss: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}, safety: {severity: serious, hazardRef: H-1}}
      post: {exploitability: {level: moderate, cvss: "CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:H"}, safety: {severity: serious, hazardRef: H-1}}
      acceptance: {decision: accepted, basis: benefit-risk, rationale: Because., approvedBy: Board, date: "2026-01-01"}
`, i, i, i%nf, i%nc, i%nc)
	}
	return b.String()
}
