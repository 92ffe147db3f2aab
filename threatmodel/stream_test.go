package threatmodel

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/premarket/premarket/finding"
	"github.com/premarket/premarket/yamlpos"
)

// flowModel is a large model written the way generators write it: flow
// mappings one per line, a block threat list, compact (unindented) items.
func flowModel(n int, compact bool) string {
	var b strings.Builder
	b.WriteString(`# generated
dtmVersion: "0.1"
model: {id: big, title: Big, revision: "1", methodology: [stride-per-element]}
device: {name: X, intendedUse: Y, useEnvironments: [home]}
riskMethod:
  exploitability: {levels: [low, high]}
  safetySeverity: {levels: [{id: minor}, {id: serious}]}
  acceptance: {safety: {minor: [A, A], serious: [A, R]}}
assets: [{id: A-1, name: Data, kind: data, safetyRelevant: true}]
controls: [{id: CTL-1, title: Control, fdaCategories: [A], kind: technical, status: implemented}]
views: []
components:
`)
	ind := "  "
	if compact {
		ind = ""
	}
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%s- {id: C-%d, name: C%d, kind: device, dfdType: process, boundary: TB, interfaces: [{id: IF-%d, type: wifi, exposure: network, enabledInProduction: true}]}\n", ind, i, i, i)
	}
	b.WriteString("dataflows:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%s- {id: DF-%d, name: F%d, from: {component: C-%d}, to: {component: C-0}}\n", ind, i, i, i)
		if i%50 == 7 {
			b.WriteString("\n# a comment between items\n")
		}
	}
	b.WriteString("threats:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%s- id: T-%d\n%s  title: |\n%s    T%d\n%s    more\n%s  stride: [tampering]\n%s  targets: [{component: C-%d}]\n%s  status: open\n", ind, i, ind, ind, i, ind, ind, ind, i, ind)
	}
	return b.String()
}

// TestStreamEquivalent: loading a model in text chunks gives exactly what
// parsing it whole gives: the same model (every position included), the
// same schema findings, the same error; texts the cut cannot handle fall
// back to the whole parse.
func TestStreamEquivalent(t *testing.T) {
	texts := map[string]string{
		"flow":    flowModel(300, false),
		"compact": flowModel(300, true),
	}
	for seed := int64(1); seed <= 3; seed++ {
		root := bigModel(t, 200)
		if seed > 1 {
			mutate(root, rand.New(rand.NewSource(seed)), 0.01*float64(seed))
		}
		b, err := yaml.Marshal(root)
		if err != nil {
			t.Fatal(err)
		}
		texts[fmt.Sprintf("proposal-%d", seed)] = string(b)
	}
	flow := texts["flow"]
	item := "  - id: T-150\n"
	texts["quoted across items"] = strings.Replace(flow, item, "  - id: T-150\n    description: \"two\n  - lines\"\n", 1)
	texts["flow across items"] = strings.Replace(flow, item, "  - id: T-150\n    stride: [tampering,\n  - x]\n", 1)
	texts["anchor across chunks"] = strings.Replace(strings.Replace(flow, "  - id: T-1\n", "  - id: T-1\n    assets: &as [A-1]\n", 1), item, item+"    assets: *as\n", 1)
	texts["duplicate key"] = strings.Replace(flow, item, item+"    id: again\n", 1)
	texts["duplicate section"] = flow + "views: []\n"
	texts["decode error"] = strings.Replace(flow, "{id: DF-200,", "{id: DF-200, x-n: 1, ", 1)
	texts["bad indent"] = strings.Replace(flow, item, " - id: T-150\n", 1)
	texts["syntax error"] = strings.Replace(flow, item, "  - id: [T-150\n", 1)
	texts["second document"] = flow + "---\na: 1\n"
	texts["document end"] = strings.Replace(flow, "threats:\n", "...\nthreats:\n", 1)
	texts["tab"] = strings.Replace(flow, item, "\t- id: T-150\n", 1)
	texts["crlf"] = strings.ReplaceAll(flow, "\n", "\r\n")
	streamed := 0
	dir := t.TempDir()
	for name, text := range texts {
		file := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".yaml")
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		plan, _ := splitPlan()
		if pieces, ok := streamable([]byte(text), plan); ok {
			if _, _, ok := loadStream(file, []byte(text), pieces, plan, LoadOptions{}, 2); ok {
				streamed++
				t.Logf("%s: streamed", name)
			}
		}
		want, wantFs, wantErr := func() (*Model, []finding.Finding, error) {
			doc, err := yamlpos.Parse(file, []byte(text), yamlpos.DefaultLimits)
			if err != nil {
				return nil, nil, err
			}
			return loadWith(doc, LoadOptions{}, 1)
		}()
		t.Logf("%s: %d findings, error %v", name, len(wantFs), wantErr)
		for _, workers := range []int{1, 2} {
			got, gotFs, gotErr := loadBytes(file, []byte(text), LoadOptions{}, workers)
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Fatalf("%s: error %v, want %v", name, gotErr, wantErr)
			}
			if !reflect.DeepEqual(gotFs, wantFs) {
				t.Fatalf("%s: findings differ:\n got  %v\n want %v", name, gotFs, wantFs)
			}
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(want)
			if string(gj) != string(wj) {
				t.Fatalf("%s workers %d: model differs from the whole parse", name, workers)
			}
			if got != nil {
				doc, _ := yamlpos.Parse(file, []byte(text), yamlpos.DefaultLimits)
				checkPositions(t, name, got, doc.Root)
			}
		}
	}
	if streamed < 5 {
		t.Errorf("only %d texts streamed; the cut no longer applies to plain models", streamed)
	}
}

// FuzzStreamEquivalent: whatever the text, chunked loading gives the same
// model, findings and error as parsing the whole file.
func FuzzStreamEquivalent(f *testing.F) {
	f.Add(flowModel(70, false))
	f.Add(flowModel(70, true))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 1<<20 {
			return
		}
		file := filepath.Join(dir, "m.yaml")
		want, wantFs, wantErr := func() (*Model, []finding.Finding, error) {
			doc, err := yamlpos.Parse(file, []byte(text), yamlpos.DefaultLimits)
			if err != nil {
				return nil, nil, err
			}
			return loadWith(doc, LoadOptions{}, 1)
		}()
		got, gotFs, gotErr := loadBytes(file, []byte(text), LoadOptions{}, 2)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("error %v, want %v", gotErr, wantErr)
		}
		if !reflect.DeepEqual(gotFs, wantFs) {
			t.Fatalf("findings differ:\n got  %v\n want %v", gotFs, wantFs)
		}
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		if string(gj) != string(wj) {
			t.Fatal("model differs from the whole parse")
		}
	})
}
