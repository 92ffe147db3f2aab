package pack

import (
	"context"
	"fmt"
	"github.com/premarket/premarket/internal/tmgen"
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
	for name, data := range map[string]string{
		"premarket.yaml": project, "build/license.manifest": m.String(), "components.yaml": c.String(), "threatmodel.yaml": tmgen.Model(nComp, nComp*2, nThreats),
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
