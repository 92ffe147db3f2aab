package threatmodel

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"gopkg.in/yaml.v3"

	"github.com/premarket/premarket/schemas"
	"github.com/premarket/premarket/yamlpos"
)

// unevaluatedSchema rebuilds the schema as it was written before objects
// switched from "unevaluatedProperties: false" to "additionalProperties:
// false" (a performance change). No object of the schema had
// additionalProperties: false before, so the replacement is exact.
func unevaluatedSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	b, err := fs.ReadFile(schemas.FS(), SchemaName)
	if err != nil {
		t.Fatal(err)
	}
	old := bytes.ReplaceAll(b, []byte(`"additionalProperties": false`), []byte(`"unevaluatedProperties": false`))
	if bytes.Equal(old, b) {
		t.Fatal("schema has no additionalProperties: false; update this test")
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	const url = "https://schemas.premarket.invalid/old-threatmodel.schema.json"
	if err := c.AddResource(url, bytes.NewReader(old)); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// mappings returns every mapping node of a tree with its JSON pointer.
func mappings(n *yaml.Node, ptr string, out map[string]*yaml.Node) {
	switch n.Kind {
	case yaml.MappingNode:
		out[ptr] = n
		for i := 0; i+1 < len(n.Content); i += 2 {
			mappings(n.Content[i+1], ptr+"/"+n.Content[i].Value, out)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			mappings(c, fmt.Sprintf("%s/%d", ptr, i), out)
		}
	}
}

// TestUnknownAndExtensionKeysUnchanged is a differential test of the
// accepted language: for every object of two valid models, adding an
// unknown key and adding an x- key is accepted or rejected by the current
// schema exactly as by the unevaluatedProperties form, and every rejected
// unknown key is reported once, at the key, as an unknown field.
func TestUnknownAndExtensionKeysUnchanged(t *testing.T) {
	old := unevaluatedSchema(t)
	cur, err := schemas.Compile(SchemaName)
	if err != nil {
		t.Fatal(err)
	}
	objects, rejected := 0, 0 // rejected: objects that refuse an unknown key as such
	models := []string{"insulink-proposal.yaml", "flawed.yaml"}
	if testing.Short() {
		models = models[:1]
	}
	for _, name := range models {
		path := filepath.Join("testdata", name)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := yamlpos.Parse(path, data, yamlpos.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		maps := map[string]*yaml.Node{}
		mappings(doc.Root, "", maps)
		for ptr, n := range maps {
			for _, key := range []string{"bogusKey", "x-note"} {
				k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: 100000, Column: 7}
				v := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "v"}
				n.Content = append(n.Content, k, v)
				val, err := yamlpos.Value(doc.Root)
				if err != nil {
					t.Fatal(err)
				}
				oldOK := old.Validate(val) == nil
				viol := schemas.ValidateValue(cur, val, doc)
				if oldOK != (len(viol) == 0) {
					t.Errorf("%s: %s + %q: accepted before %v, now %v (%v)", name, ptr, key, oldOK, len(viol) == 0, viol)
				}
				unknown := 0
				for _, v := range viol {
					if strings.Contains(v.Err.Error(), "unknown field") {
						unknown++
						if key != "bogusKey" || v.Line != 100000 || !strings.Contains(v.Err.Error(), `unknown field "bogusKey"`) || (v.Path != "bogusKey" && !strings.HasSuffix(v.Path, ".bogusKey")) {
							t.Errorf("%s: %s + %q: unknown-field violation not at the key: %v", name, ptr, key, v)
						}
					}
				}
				if unknown > 1 {
					t.Errorf("%s: %s: one unknown key reported %d times: %v", name, ptr, unknown, viol)
				}
				rejected += unknown
				n.Content = n.Content[:len(n.Content)-2]
			}
			objects++
		}
	}
	if objects < 200 || rejected < objects/2 {
		t.Fatalf("only %d objects, %d rejections: the models no longer exercise the schema", objects, rejected)
	}
}

// TestSeveralUnknownKeys: each unknown key of one object is its own
// finding at its own line.
func TestSeveralUnknownKeys(t *testing.T) {
	src := strings.Replace(minimal, "controls: []", "controls: []\nmodelz: 1\nthreatz: 2", 1)
	src = strings.Replace(src, "kind: device, dfdType", "kynd: x, colour: red, kind: device, dfdType", 1)
	_, fs, err := LoadBytes("tm.yaml", []byte(src), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"modelz": 12, "threatz": 13, "components[0].kynd": 8, "components[0].colour": 8}
	for _, f := range fs {
		if l, ok := want[f.Location.Path]; ok && f.Location.Line == l && strings.Contains(f.Message, "unknown field") {
			delete(want, f.Location.Path)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing unknown-field findings %v in %v", want, fs)
	}
}
