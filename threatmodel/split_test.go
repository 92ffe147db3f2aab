package threatmodel

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/premarket/premarket/finding"
	"github.com/premarket/premarket/schemas"
	"github.com/premarket/premarket/yamlpos"
)

// wholeFindings validates a model the way Load did before list sections
// were split: the whole merged document against the whole schema.
func wholeFindings(t *testing.T, path string) []finding.Finding {
	t.Helper()
	doc, err := yamlpos.ReadFile(path, yamlpos.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	mg, err := mergeIncludes(doc, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := yamlpos.Value(mg.root)
	if err != nil {
		t.Fatal(err)
	}
	s, err := schemas.Compile(SchemaName)
	if err != nil {
		t.Fatal(err)
	}
	var fs []finding.Finding
	for _, x := range schemas.ValidateValue(s, v, &yamlpos.Doc{File: doc.File, Root: mg.root}) {
		fs = append(fs, finding.Finding{
			RuleID: RuleSchema, Severity: finding.Error, Catalog: "DOC-02", Subject: x.Path,
			Message:  fmt.Sprintf("%v; fix the field so the model follows the DTM schema", x.Err),
			Location: finding.Location{File: mg.fileOfPath(x.Path, doc.File), Line: x.Line, Column: x.Column, Path: x.Path},
		})
	}
	finding.Sort(fs)
	return fs
}

func loadWorkers(t *testing.T, path string, workers int) (*Model, []finding.Finding) {
	t.Helper()
	doc, err := yamlpos.ReadFile(path, yamlpos.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	m, fs, err := loadWith(doc, LoadOptions{}, workers)
	if err != nil {
		t.Fatal(err)
	}
	return m, fs
}

func TestPlanSplitsTheSchemasLists(t *testing.T) {
	plan, err := splitPlan()
	if err != nil {
		t.Fatal(err)
	}
	for _, sec := range []string{"threats", "dataflows", "components", "controls"} {
		if !strings.HasPrefix(plan[sec], SchemaName+"#/$defs/") {
			t.Errorf("section %s is not split: %q", sec, plan[sec])
		}
	}
	// Cross-item keywords keep a list whole; so do root keywords that can
	// look into the lists.
	for _, c := range []struct {
		prop string
		ok   bool
	}{
		{`{"type": "array", "items": {"$ref": "#/$defs/t"}, "minItems": 1, "description": "d"}`, true},
		{`{"type": "array", "items": {"$ref": "#/$defs/t"}, "minItems": 2}`, false},
		{`{"type": "array", "items": {"$ref": "#/$defs/t"}, "uniqueItems": true}`, false},
		{`{"type": "array", "items": {"$ref": "#/$defs/t"}, "maxItems": 9}`, false},
		{`{"type": "array", "items": {"$ref": "#/$defs/t"}, "contains": {}}`, false},
		{`{"type": "array", "items": {"type": "object"}}`, false},
		{`{"type": "array", "prefixItems": [{"$ref": "#/$defs/t"}]}`, false},
	} {
		for _, extra := range []string{"", `, "allOf": [{}]`} {
			plan, err := planSplit([]byte(`{"type": "object", "properties": {"threats": ` + c.prop + `}` + extra + `}`))
			if err != nil {
				t.Fatal(err)
			}
			if want := c.ok && extra == ""; (plan["threats"] != "") != want {
				t.Errorf("%s%s: split %q, want %v", c.prop, extra, plan["threats"], want)
			}
		}
	}
}

// copyNode deep-copies a yaml tree.
func copyNode(n *yaml.Node) *yaml.Node {
	c := *n
	c.Content = nil
	for _, k := range n.Content {
		c.Content = append(c.Content, copyNode(k))
	}
	return &c
}

// bigModel returns the proposal example with every list section grown to
// at least n elements (copies with fresh IDs).
func bigModel(t *testing.T, n int) *yaml.Node {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "insulink-proposal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := yamlpos.Parse("p.yaml", data, yamlpos.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	root := doc.Root
	for i := 0; i+1 < len(root.Content); i += 2 {
		seq := root.Content[i+1]
		if !isListSection(root.Content[i].Value) || seq.Kind != yaml.SequenceNode || len(seq.Content) == 0 {
			continue
		}
		orig := seq.Content
		for k := 0; len(seq.Content) < n; k++ {
			c := copyNode(orig[k%len(orig)])
			if id := yamlpos.Child(c, "id"); id != nil {
				id.Value += "-copy" + strconv.Itoa(k)
			}
			seq.Content = append(seq.Content, c)
		}
	}
	return root
}

// mutate damages about one mapping in frac: an unknown key, a removed
// first key, a value of the wrong type, or an unknown enum value.
func mutate(n *yaml.Node, rng *rand.Rand, frac float64) {
	switch n.Kind {
	case yaml.MappingNode:
		if rng.Float64() < frac && len(n.Content) >= 2 {
			switch rng.Intn(4) {
			case 0:
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "bogus key"}, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "v"})
			case 1:
				n.Content = n.Content[2:]
			case 2:
				n.Content[1] = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			case 3:
				n.Content[len(n.Content)-1] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "not-a-valid-value"}
			}
		}
	case yaml.SequenceNode:
		if rng.Float64() < frac/4 && len(n.Content) > 0 {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "7"})
		}
	}
	for _, c := range n.Content {
		mutate(c, rng, frac)
	}
}

func writeNode(t *testing.T, dir, name string, n *yaml.Node) string {
	t.Helper()
	b, err := yaml.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSplitValidationEquivalent: validating the lists element-wise on
// several goroutines reports exactly the violations (file, line, column,
// path, message) of validating the whole document, on the flawed test
// models and on large models with many random defects.
func TestSplitValidationEquivalent(t *testing.T) {
	paths := []string{
		filepath.Join("testdata", "flawed-schema.yaml"),
		filepath.Join("testdata", "includes", "root.yaml"),
	}
	dir := t.TempDir()
	for seed := int64(1); seed <= 4; seed++ {
		root := bigModel(t, 120)
		mutate(root, rand.New(rand.NewSource(seed)), 0.02*float64(seed))
		paths = append(paths, writeNode(t, dir, fmt.Sprintf("mutated-%d.yaml", seed), root))
	}
	total := 0
	for _, p := range paths {
		want := wholeFindings(t, p)
		if len(want) == 0 {
			t.Fatalf("%s: no violations; the test needs flawed models", p)
		}
		total += len(want)
		for _, workers := range []int{1, 2, 3} {
			m, got := loadWorkers(t, p, workers)
			if m != nil {
				t.Fatalf("%s: model returned with findings", p)
			}
			if !reflect.DeepEqual(got, want) {
				for i := 0; i < max(len(got), len(want)); i++ {
					var g, w finding.Finding
					if i < len(got) {
						g = got[i]
					}
					if i < len(want) {
						w = want[i]
					}
					if !reflect.DeepEqual(g, w) {
						t.Errorf("%s workers %d: finding %d\n got  %+v\n want %+v", p, workers, i, g, w)
						break
					}
				}
				t.Fatalf("%s workers %d: %d findings, want %d", p, workers, len(got), len(want))
			}
		}
	}
	if total < 100 {
		t.Errorf("only %d violations in all models; the mutations no longer exercise the schema", total)
	}
}

// nodeField is Pos.Field as it was written on the yaml tree.
func nodeField(n *yaml.Node, p Pos, path string) Pos {
	q := p
	for _, seg := range strings.Split(path, ".") {
		next := yamlpos.Child(n, seg)
		if next == nil {
			return q
		}
		at := next
		if _, err := strconv.Atoi(seg); err == nil && n.Kind == yaml.SequenceNode {
			q.Path += "[" + seg + "]"
		} else {
			q.Path += "." + seg
			if k := yamlpos.KeyNode(n, seg); k != nil && next.Kind != yaml.ScalarNode {
				at = k
			}
		}
		q.Line, q.Column = at.Line, at.Column
		n = next
	}
	return q
}

// fieldPaths lists the dotted paths of every node below n, and some that
// do not exist.
func fieldPaths(n *yaml.Node, prefix string, out *[]string) {
	n = yamlpos.Resolve(n)
	add := func(seg string, c *yaml.Node) {
		p := seg
		if prefix != "" {
			p = prefix + "." + seg
		}
		*out = append(*out, p, p+".missing")
		fieldPaths(c, p, out)
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			add(n.Content[i].Value, n.Content[i+1])
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			add(strconv.Itoa(i), c)
		}
		*out = append(*out, prefix+"."+strconv.Itoa(len(n.Content)))
	}
}

// TestPositionsMatchTheTree: every element's position, and Pos.Field of
// every path below it, equal what the yaml tree gives, whether elements
// are loaded on one goroutine or several; the decoded content equals
// decoding the whole tree at once.
func TestPositionsMatchTheTree(t *testing.T) {
	dir := t.TempDir()
	anchors := bigModel(t, 80)
	// An alias: a later threat reuses an earlier one's risk block.
	ths := yamlpos.Child(anchors, "threats")
	risk := yamlpos.Child(ths.Content[0], "risk")
	risk.Anchor = "r0"
	for i := 0; i+1 < len(ths.Content[50].Content); i += 2 {
		if ths.Content[50].Content[i].Value == "risk" {
			ths.Content[50].Content[i+1] = &yaml.Node{Kind: yaml.AliasNode, Alias: risk, Value: "r0"}
		}
	}
	paths := []string{
		filepath.Join("testdata", "insulink-proposal.yaml"),
		writeNode(t, dir, "big.yaml", bigModel(t, 150)),
		writeNode(t, dir, "alias.yaml", anchors),
	}
	for _, p := range paths {
		doc, err := yamlpos.ReadFile(p, yamlpos.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		var whole Model
		if err := doc.Root.Decode(&whole); err != nil {
			t.Fatal(err)
		}
		var first []byte
		for _, workers := range []int{1, 2} {
			m, fs := loadWorkers(t, p, workers)
			if m == nil {
				t.Fatalf("%s: %v", p, fs)
			}
			b, _ := json.Marshal(m)
			if first == nil {
				first = b
			} else if string(b) != string(first) {
				t.Errorf("%s: model loaded on %d goroutines differs from one", p, workers)
			}
			checkDecoded(t, p, m, &whole)
			checkPositions(t, p, m, doc.Root)
		}
	}
}

// checkDecoded compares the decoded lists with a decode of the whole tree
// (positions and loader-set fields aside).
func checkDecoded(t *testing.T, p string, m, whole *Model) {
	t.Helper()
	strip := func(v any) string {
		b, _ := json.Marshal(v)
		var x any
		json.Unmarshal(b, &x)
		var walk func(any) any
		walk = func(v any) any {
			switch v := v.(type) {
			case map[string]any:
				for _, k := range []string{"Pos", "X", "Dir"} {
					delete(v, k)
				}
				if _, ok := v["Exposure"]; ok {
					delete(v, "Component") // Interface.Component is set by the loader
				}
				for k, c := range v {
					v[k] = walk(c)
				}
			case []any:
				for i, c := range v {
					v[i] = walk(c)
				}
			}
			return v
		}
		b, _ = json.Marshal(walk(x))
		return string(b)
	}
	mm := *m
	mm.File, mm.Dir, mm.Files = whole.File, whole.Dir, whole.Files
	if a, b := strip(&mm), strip(whole); a != b {
		t.Errorf("%s: decoded model differs from decoding the whole tree", p)
	}
}

func checkPositions(t *testing.T, p string, m *Model, root *yaml.Node) {
	t.Helper()
	type elem struct {
		pos  Pos
		node *yaml.Node
	}
	var elems []elem
	add := func(pos Pos, ptr string) {
		n := yamlpos.Lookup(root, ptr)
		elems = append(elems, elem{pos, n})
	}
	add(m.Pos, "")
	add(m.Meta.Pos, "/model")
	add(m.Device.Pos, "/device")
	add(m.RiskMethod.Pos, "/riskMethod")
	for i, x := range m.Threats {
		add(x.Pos, fmt.Sprintf("/threats/%d", i))
	}
	for i, x := range m.Components {
		add(x.Pos, fmt.Sprintf("/components/%d", i))
		for j, f := range x.Interfaces {
			add(f.Pos, fmt.Sprintf("/components/%d/interfaces/%d", i, j))
		}
	}
	for i, x := range m.Dataflows {
		add(x.Pos, fmt.Sprintf("/dataflows/%d", i))
	}
	for i, x := range m.Views {
		add(x.Pos, fmt.Sprintf("/views/%d", i))
		for j, s := range x.Scenarios {
			add(s.Pos, fmt.Sprintf("/views/%d/scenarios/%d", i, j))
		}
	}
	for i, x := range m.Controls {
		add(x.Pos, fmt.Sprintf("/controls/%d", i))
	}
	checked := 0
	for _, e := range elems {
		n := yamlpos.Resolve(e.node)
		if e.pos.Line != n.Line || e.pos.Column != n.Column || e.pos.File != m.File {
			t.Fatalf("%s: %s at %d:%d, node at %d:%d", p, e.pos.Path, e.pos.Line, e.pos.Column, n.Line, n.Column)
		}
		var fps []string
		fieldPaths(n, "", &fps)
		for _, fp := range fps {
			got, want := e.pos.Field(fp), nodeField(n, e.pos, fp)
			got.at, want.at = nil, nil
			if got != want {
				t.Fatalf("%s: %s Field(%q) = %+v, want %+v", p, e.pos.Path, fp, got, want)
			}
			checked++
		}
	}
	if checked < 1000 {
		t.Errorf("%s: only %d field positions checked", p, checked)
	}
}
