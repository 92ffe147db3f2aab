package trace

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/premarket/premarket/threatmodel"
)

var update = flag.Bool("update", false, "rewrite golden files")

func example(t *testing.T) *Matrix {
	m, fs, err := threatmodel.Load(filepath.Join("..", "..", "examples", "infusion-pump", "threatmodel.yaml"), threatmodel.LoadOptions{})
	if err != nil || len(fs) > 0 {
		t.Fatalf("%v %v", err, fs)
	}
	return Build(m)
}

func TestBuildExample(t *testing.T) {
	mx := example(t)
	var t01 []Row
	for _, r := range mx.Rows {
		if r.Threat == "T-01" {
			t01 = append(t01, r)
		}
	}
	if len(t01) != 5 {
		t.Fatalf("T-01 rows %d, want one per mitigation (5)", len(t01))
	}
	r := t01[0]
	if r.Control != "CTL-01" || r.Pre != "high x catastrophic = U" || r.Post != "low x catastrophic = R" ||
		strings.Join(r.Hazards, ",") != "HAZ-014" || !contains(r.Evidence, "EV-06") || !contains(r.Requirements, "SEC-REQ-010") ||
		!contains(r.SBOMComponents, "SBOM-PUMP:bluez5@5.72") {
		t.Errorf("T-01/CTL-01 row %+v", r)
	}
	for _, v := range mx.Views {
		if v.Status != "present" {
			t.Errorf("view %s %s", v.Type, v.Status)
		}
	}
	if len(mx.Categories) != 8 {
		t.Errorf("categories %d", len(mx.Categories))
	}
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func TestWritersGolden(t *testing.T) {
	mx := example(t)
	for _, w := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"example.txt", func(b *bytes.Buffer) error { return mx.WriteText(b) }},
		{"example.json", func(b *bytes.Buffer) error { return mx.WriteJSON(b) }},
		{"example.csv", func(b *bytes.Buffer) error { return mx.WriteCSV(b) }},
	} {
		var b bytes.Buffer
		if err := w.write(&b); err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", w.name)
		if *update {
			os.MkdirAll("testdata", 0o755)
			os.WriteFile(golden, b.Bytes(), 0o644)
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update)", err)
		}
		if !bytes.Equal(b.Bytes(), want) {
			t.Errorf("%s differs from golden (run go test ./threatmodel/trace -update and review)", w.name)
		}
	}
	var js Matrix
	var b bytes.Buffer
	mx.WriteJSON(&b)
	if err := json.Unmarshal(b.Bytes(), &js); err != nil || len(js.Rows) != len(mx.Rows) {
		t.Errorf("JSON round trip: %v", err)
	}
	b.Reset()
	mx.WriteCSV(&b)
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(recs) != len(mx.Rows)+1 {
		t.Errorf("CSV: %v, %d records", err, len(recs))
	}
}
