package pack

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// genProject writes a project with nPkg build packages (SBOM components)
// and a threat model with nThreats threats over nComp components.
func genProject(t testing.TB, dir string, nPkg, nComp, nThreats int) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "build"), 0o755); err != nil {
		t.Fatal(err)
	}
	var m strings.Builder
	for i := 0; i < nPkg; i++ {
		fmt.Fprintf(&m, "PACKAGE NAME: pkg-%05d\nPACKAGE VERSION: 1.%d.%d\nRECIPE NAME: recipe-%04d\nLICENSE: MIT\n\n", i, i%50, i%7, i/3)
	}
	var c strings.Builder
	c.WriteString("components:\n")
	for i := 0; i < nPkg/3; i += 2 {
		fmt.Fprintf(&c, "  - match: {name: recipe-%04d}\n    supportLevel: actively-maintained\n    endOfSupport: \"2030-12-31\"\n", i)
	}
	project := `premarketVersion: 1
device: {name: BigDevice, model: BD-1, softwareVersion: "1.0.0", type: firmware, description: Generated device for the pack benchmark.}
manufacturer: {name: Bench Inc., contacts: [{name: Bench, email: bench@bench.example}]}
submission: {type: 510(k), cyberDevice: true, cyberDeviceRationale: Generated., documentName: BigDevice Evidence Pack}
sbom: {authors: [Bench], inputs: [{path: build/license.manifest}], components: components.yaml}
threatModel: threatmodel.yaml
`
	var tm strings.Builder
	tm.WriteString(`dtmVersion: "0.1"
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
	for i := 0; i < nComp; i++ {
		fmt.Fprintf(&tm, "  - {id: C-%d, name: C%d, kind: device, dfdType: process, boundary: TB-%d, interfaces: [{id: IF-%d, type: wifi, exposure: network, enabledInProduction: true}]}\n", i, i, i%2+1, i)
	}
	tm.WriteString("dataflows:\n")
	nf := nComp * 2
	for i := 0; i < nf; i++ {
		a, z := i%nComp, (i*7+1)%nComp
		fmt.Fprintf(&tm, "  - {id: DF-%d, name: F%d, from: {component: C-%d, interface: IF-%d}, to: {component: C-%d}, carries: [{asset: A-1, kind: data}]}\n", i, i, a, a, z)
	}
	tm.WriteString("threats:\n")
	for i := 0; i < nThreats; i++ {
		fmt.Fprintf(&tm, `  - id: T-%d
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
`, i, i, i%nf, i%nComp, i%nComp)
	}
	for name, data := range map[string]string{
		"premarket.yaml": project, "build/license.manifest": m.String(), "components.yaml": c.String(), "threatmodel.yaml": tm.String(),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkPack builds the whole pack (SBOM generation and check, threat
// model load and check, trace, PDF, zip, manifest) for 10,000 SBOM
// components and 10,000 threats, and reports pages and the heap peak
// seen by the runtime (Sys: memory obtained from the OS).
//
// To measure the CLI's peak RSS instead, write the project with
// PACK_BENCH_PROJECT=DIR go test ./pack -run TestWriteBenchProject and run
// /usr/bin/time -v premarket pack DIR --out OUT.
func BenchmarkPack(b *testing.B) {
	dir := b.TempDir()
	genProject(b, filepath.Join(dir, "p"), 10000, 200, 10000)
	prof, _ := ParseProfile("")
	b.ReportAllocs()
	b.ResetTimer()
	var pages int
	for i := 0; i < b.N; i++ {
		e, err := Collect(context.Background(), Options{ProjectDir: filepath.Join(dir, "p"), Profile: prof, Time: testTime, ToolVersion: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		res, err := Build(context.Background(), e, filepath.Join(dir, "out"))
		if err != nil {
			b.Fatal(err)
		}
		pages = res.Pages
	}
	b.StopTimer()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(pages), "pages")
	b.ReportMetric(float64(ms.Sys)/(1<<20), "MB-sys")
}

// TestWriteBenchProject writes the benchmark's project to
// $PACK_BENCH_PROJECT, for measuring the CLI with /usr/bin/time -v.
func TestWriteBenchProject(t *testing.T) {
	dir := os.Getenv("PACK_BENCH_PROJECT")
	if dir == "" {
		t.Skip("set PACK_BENCH_PROJECT=DIR to write the 10k/10k benchmark project")
	}
	genProject(t, dir, 10000, 200, 10000)
}

// TestLargePack builds a mid-sized generated pack in the normal test run:
// 2,000 components and 1,000 threats render within seconds, tables break
// across pages and the layout settles.
func TestLargePack(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dir := t.TempDir()
	genProject(t, filepath.Join(dir, "p"), 2000, 50, 1000)
	start := time.Now()
	_, res := buildPack(t, filepath.Join(dir, "p"), filepath.Join(dir, "out"))
	if res.Pages < 100 {
		t.Errorf("%d pages for 2,000 components and 1,000 threats; expected well over 100", res.Pages)
	}
	if d := time.Since(start); d > 60*time.Second {
		t.Errorf("took %v", d)
	}
}
