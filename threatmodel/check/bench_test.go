package check

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/premarket/premarket/internal/tmgen"
	"github.com/premarket/premarket/threatmodel"
	"github.com/premarket/premarket/yamlpos"
)

func loadGenerated(b *testing.B) *threatmodel.Model {
	path := filepath.Join(b.TempDir(), "big.yaml")
	if err := os.WriteFile(path, []byte(tmgen.Model(2000, 5000, 10000)), 0o644); err != nil {
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
	os.WriteFile(path, []byte(tmgen.Model(2000, 5000, 10000)), 0o644)
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
