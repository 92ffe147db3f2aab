package check

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/premarket/premarket/finding"
	"github.com/premarket/premarket/report"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestReportGolden renders the findings of the flawed model with every
// renderer and compares with golden files, so a change in any message,
// location or rule text shows up in review.
func TestReportGolden(t *testing.T) {
	path := filepath.Join("..", "testdata", "flawed.yaml")
	m := load(t, path)
	fs := Run(m, Options{Profile: ProfileSubmission})
	for i := range fs { // golden files must not depend on the checkout path
		fs[i].Location.File = filepath.ToSlash(fs[i].Location.File)
	}
	r := report.New("premarket", "test", string(ProfileSubmission), []string{filepath.ToSlash(path)}, fs, nil, finding.Fails(fs, finding.Error))
	for _, g := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"flawed.txt", func(b *bytes.Buffer) error { return report.Text(b, r, report.TextOptions{}) }},
		{"flawed.json", func(b *bytes.Buffer) error { return report.JSON(b, r) }},
		{"flawed.sarif", func(b *bytes.Buffer) error { return report.SARIF(b, r, Rules()) }},
		{"flawed.junit.xml", func(b *bytes.Buffer) error { return report.JUnit(b, r) }},
	} {
		var b bytes.Buffer
		if err := g.write(&b); err != nil {
			t.Fatalf("%s: %v", g.name, err)
		}
		golden := filepath.Join("testdata", g.name)
		if *update {
			os.MkdirAll("testdata", 0o755)
			if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test ./threatmodel/check -run TestReportGolden -update)", err)
		}
		if !bytes.Equal(b.Bytes(), want) {
			t.Errorf("%s differs from golden; run with -update and review the diff", g.name)
		}
	}
}
