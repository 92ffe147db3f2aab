package threatmodel

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/premarket/premarket/yamlpos"
)

func TestLoadProposalExample(t *testing.T) {
	m, fs, err := Load(filepath.Join("testdata", "insulink-proposal.yaml"), LoadOptions{})
	if err != nil || len(fs) > 0 {
		t.Fatalf("err %v findings %v", err, fs)
	}
	if len(m.Threats) != 8 || m.Meta.Date != "2026-03-02" {
		t.Fatalf("threats %d date %q", len(m.Threats), m.Meta.Date)
	}
	th := m.Threats[0]
	if th.Pos.Line == 0 || th.Pos.Path != "threats[0]" || th.Pos.File != m.File {
		t.Errorf("threat position %+v", th.Pos)
	}
	p := th.Pos.Field("risk.post.exploitability.cvss")
	if p.Line <= th.Pos.Line || p.Path != "threats[0].risk.post.exploitability.cvss" {
		t.Errorf("field position %+v", p)
	}
	if f := m.Components[0].Interfaces[0]; f.Component != "pump" || f.Pos.Line == 0 {
		t.Errorf("interface %+v", f)
	}
}

// TestIncludes: fragments merge list-wise and a schema error in a nested
// fragment names that fragment and its line.
func TestIncludes(t *testing.T) {
	root := filepath.Join("testdata", "includes", "root.yaml")
	m, fs, err := Load(root, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m != nil || len(fs) == 0 {
		t.Fatalf("want schema findings, got model %v", m != nil)
	}
	f := fs[0]
	if !strings.HasSuffix(f.Location.File, filepath.Join("parts", "more.yaml")) || f.Location.Line != 6 || f.RuleID != RuleSchema {
		t.Errorf("finding %+v", f)
	}
}

func TestIncludesMergeAndPositions(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, filepath.Join("testdata", "includes"), dir)
	more := filepath.Join(dir, "parts", "more.yaml")
	data, _ := os.ReadFile(more)
	os.WriteFile(more, []byte(strings.Replace(string(data), "status: bogus", "status: not-applicable\n    notApplicableReason: Test.", 1)), 0o644)
	m, fs, err := Load(filepath.Join(dir, "root.yaml"), LoadOptions{})
	if err != nil || len(fs) > 0 {
		t.Fatalf("%v %v", err, fs)
	}
	if len(m.Threats) != 2 || len(m.Files) != 3 {
		t.Fatalf("threats %d files %v", len(m.Threats), m.Files)
	}
	if m.Threats[1].Pos.File != more || m.Threats[1].Pos.Line != 2 || m.Threats[1].Pos.Path != "threats[1]" {
		t.Errorf("included threat position %+v", m.Threats[1].Pos)
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
}

const minimal = `dtmVersion: "0.1"
model: {id: m, title: M, revision: "1", methodology: [x]}
device: {name: X, intendedUse: Y, useEnvironments: [home]}
riskMethod:
  exploitability: {levels: [low, high]}
  safetySeverity: {levels: [{id: a}, {id: b}]}
  acceptance: {safety: {a: [A, A], b: [A, R]}}
components: [{id: c, name: C, kind: device, dfdType: process, boundary: TB}]
dataflows: []
views: []
controls: []
threats: []
`

func TestIncludeErrors(t *testing.T) {
	for name, c := range map[string]struct {
		files map[string]string
		want  string
	}{
		"cycle":    {map[string]string{"a.yaml": "threats: []\nincludes: [b.yaml]\n", "b.yaml": "includes: [a.yaml]\n"}, "include cycle"},
		"escape":   {map[string]string{"a.yaml": "threats: []\n"}, "leaves the model's directory"},
		"absolute": {map[string]string{"a.yaml": "includes: [/etc/passwd]\n"}, "relative path"},
		"twice":    {map[string]string{"a.yaml": "threats: []\n", "b.yaml": "includes: [a.yaml]\n"}, "more than once"},
		"bad key":  {map[string]string{"a.yaml": "model: {id: x}\n"}, "may hold only list sections"},
		"not list": {map[string]string{"a.yaml": "threats: {a: 1}\n"}, "must be a list"},
		"missing":  {map[string]string{}, "no such file"},
		"not yaml": {map[string]string{"a.yaml": "threats: [\n"}, "not valid YAML"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			sub := filepath.Join(dir, "model")
			os.MkdirAll(sub, 0o755)
			inc := "[a.yaml]"
			switch name {
			case "escape":
				inc = "[../a.yaml]"
				os.WriteFile(filepath.Join(dir, "a.yaml"), []byte("threats: []\n"), 0o644)
			case "twice":
				inc = "[a.yaml, b.yaml]"
			}
			for n, body := range c.files {
				os.WriteFile(filepath.Join(sub, n), []byte(body), 0o644)
			}
			root := filepath.Join(sub, "root.yaml")
			os.WriteFile(root, []byte(minimal+"includes: "+inc+"\n"), 0o644)
			_, _, err := Load(root, LoadOptions{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want %q", err, c.want)
			}
			var ye *yamlpos.Error
			if name != "missing" && (!errors.As(err, &ye) || ye.Line == 0) {
				t.Errorf("error not located: %v", err)
			}
		})
	}
}

// TestBadInput: hostile or malformed documents give located errors or
// schema findings, never a panic.
func TestBadInput(t *testing.T) {
	deep := strings.Repeat("[", 500) + strings.Repeat("]", 500)
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for i := 0; i < 12; i++ {
		n := string(rune('b' + i))
		bomb += n + ": &" + n + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n"
		prev = n
	}
	for name, c := range map[string]struct {
		data      string
		wantErr   string
		wantFinds bool
	}{
		"not yaml":    {"dtmVersion: [", "not valid YAML", false},
		"empty":       {"  \n", "empty", false},
		"scalar":      {"hello", "must be a mapping", false},
		"binary":      {"a\x00b", "binary", false},
		"deep":        {"x: " + deep, "nesting deeper", false},
		"bomb":        {bomb, "YAML bomb", false},
		"dup key":     {minimal + "threats: []\n", "duplicate key", false},
		"wrong types": {strings.Replace(minimal, "threats: []", "threats: 7", 1), "", true},
		"json":        {`{"dtmVersion": 1}`, "", true},
	} {
		t.Run(name, func(t *testing.T) {
			m, fs, err := LoadBytes(filepath.Join(t.TempDir(), "tm.yaml"), []byte(c.data), LoadOptions{})
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil || m != nil || len(fs) == 0 {
				t.Fatalf("want schema findings: %v %v", err, fs)
			}
			for _, f := range fs {
				if f.Location.Line == 0 || f.Location.File == "" {
					t.Errorf("unlocated finding %+v", f)
				}
			}
		})
	}
}

func TestHugeFileRefused(t *testing.T) {
	data := []byte(minimal + "x-pad: \"" + strings.Repeat("a", 2000) + "\"\n")
	_, _, err := LoadBytes("big.yaml", data, LoadOptions{Limits: yamlpos.Limits{MaxBytes: 1000, MaxDepth: 50, MaxNodes: 1000}})
	if err == nil || !strings.Contains(err.Error(), "larger than the limit") {
		t.Fatalf("err %v", err)
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(minimal))
	if b, err := os.ReadFile(filepath.Join("testdata", "flawed.yaml")); err == nil {
		f.Add(b)
	}
	f.Add([]byte("a: &a [*a]"))
	f.Add([]byte(minimal + "includes: [nothing.yaml]\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		m, fs, err := LoadBytes(filepath.Join(dir, "fuzz.yaml"), data, LoadOptions{Limits: yamlpos.Limits{MaxBytes: 1 << 20, MaxDepth: 64, MaxNodes: 100000}})
		if err == nil && m == nil && len(fs) == 0 {
			t.Fatal("no model, no findings, no error")
		}
	})
}
