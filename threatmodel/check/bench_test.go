package check

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/premarket/premarket/threatmodel"
	"github.com/premarket/premarket/yamlpos"
)

// generated writes a model with nc components, nf flows and nt threats.
func generated(nc, nf, nt int) string {
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
  acceptance: {safety: {minor: [A, A, A, R], serious: [A, R, R, U]}}
assets: [{id: A-1, name: Data, kind: data, safetyRelevant: true}]
trustBoundaries: [{id: TB-1, name: One, kind: device, owner: patient}, {id: TB-2, name: Two, kind: network, owner: hdo}]
controls: [{id: CTL-1, title: Control, fdaCategories: [A, B, C, D, E, F, G, H], kind: technical, status: implemented}]
views: []
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
    title: T%d
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

func loadGenerated(b *testing.B) *threatmodel.Model {
	path := filepath.Join(b.TempDir(), "big.yaml")
	if err := os.WriteFile(path, []byte(generated(2000, 5000, 10000)), 0o644); err != nil {
		b.Fatal(err)
	}
	m, fs, err := threatmodel.Load(path, threatmodel.LoadOptions{Limits: yamlpos.DefaultLimits})
	if err != nil || len(fs) > 0 {
		b.Fatalf("%v %v", err, fs[:min(3, len(fs))])
	}
	return m
}

// BenchmarkCheck checks a model of 2,000 components, 5,000 flows and
// 10,000 threats.
func BenchmarkCheck(b *testing.B) {
	m := loadGenerated(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Run(m, Options{SkipSBOM: true})
	}
}

// BenchmarkLoad parses, validates and decodes the same model.
func BenchmarkLoad(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.yaml")
	os.WriteFile(path, []byte(generated(2000, 5000, 10000)), 0o644)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := threatmodel.Load(path, threatmodel.LoadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzCheck(f *testing.F) {
	for _, n := range []string{"flawed.yaml", "insulink-proposal.yaml"} {
		if b, err := os.ReadFile(filepath.Join("..", "testdata", n)); err == nil {
			f.Add(b)
		}
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		m, _, err := threatmodel.LoadBytes(filepath.Join(dir, "fuzz.yaml"), data, threatmodel.LoadOptions{Limits: yamlpos.Limits{MaxBytes: 1 << 20, MaxDepth: 64, MaxNodes: 100000}})
		if err != nil || m == nil {
			return
		}
		Run(m, Options{SkipSBOM: true})
	})
}
