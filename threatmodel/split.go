package threatmodel

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"gopkg.in/yaml.v3"

	"github.com/premarket/premarket/schemas"
	"github.com/premarket/premarket/yamlpos"
)

// Large models are validated, decoded and located element by element on
// all cores. A list section may be split that way only when the schema
// puts no constraint across its items: the section's schema is
// {"type": "array", "items": {"$ref": "#/$defs/X"}} with at most
// "minItems" <= 1 and annotations. Then validating the document with each
// such list cut to its first element, plus every further element against
// its item schema, gives exactly the violations of validating the whole
// document (TestSplitValidationEquivalent proves it on flawed models).

// splitPlan maps each splittable list section to its item schema's
// fragment ("threatmodel.schema.json#/$defs/threat"). It is derived once
// from the embedded schema and never changes.
var splitPlan = sync.OnceValues(func() (map[string]string, error) {
	b, err := fs.ReadFile(schemas.FS(), SchemaName)
	if err != nil {
		return nil, err
	}
	return planSplit(b)
})

// planSplit inspects a threat-model schema and returns the list sections
// whose items can be validated independently.
func planSplit(schema []byte) (map[string]string, error) {
	var root map[string]json.RawMessage
	if err := json.Unmarshal(schema, &root); err != nil {
		return nil, fmt.Errorf("schema %s: %w", SchemaName, err)
	}
	// Keywords at the root that cannot look into a list's items.
	rootOK := map[string]bool{"$schema": true, "$id": true, "$comment": true, "$defs": true, "title": true, "description": true,
		"type": true, "required": true, "properties": true, "patternProperties": true, "additionalProperties": true}
	for k := range root {
		if !rootOK[k] {
			return map[string]string{}, nil // e.g. allOf or if/then at the root: validate whole
		}
	}
	var props map[string]map[string]json.RawMessage
	if err := json.Unmarshal(root["properties"], &props); err != nil {
		return nil, fmt.Errorf("schema %s properties: %w", SchemaName, err)
	}
	plan := map[string]string{}
	for _, sec := range listSections {
		if ref, ok := itemRef(props[sec]); ok {
			plan[sec] = SchemaName + ref
		}
	}
	return plan, nil
}

// itemRef returns the $defs reference of a list property whose items are
// independent of each other.
func itemRef(p map[string]json.RawMessage) (string, bool) {
	if p == nil {
		return "", false
	}
	var ref string
	for k, v := range p {
		switch k {
		case "title", "description", "$comment":
		case "type":
			var t string
			if json.Unmarshal(v, &t) != nil || t != "array" {
				return "", false
			}
		case "minItems":
			var n float64
			if json.Unmarshal(v, &n) != nil || n > 1 {
				return "", false
			}
		case "items":
			var it map[string]string
			if json.Unmarshal(v, &it) != nil || len(it) != 1 || !strings.HasPrefix(it["$ref"], "#/$defs/") {
				return "", false
			}
			ref = it["$ref"]
		default: // uniqueItems, maxItems, contains, prefixItems, ...
			return "", false
		}
	}
	return ref, ref != ""
}

// splitSec is one list section of the merged root.
type splitSec struct {
	name   string
	key    int          // index of the section's key in the root's Content
	items  []*yaml.Node // the items, as written (aliases unresolved)
	schema *jsonschema.Schema
}

// splitDoc is the merged root prepared for element-wise work.
type splitDoc struct {
	// cut is the root with every split section cut to its first item.
	cut  *yaml.Node
	secs []*splitSec // list sections holding sequences, in root order
}

// split prepares the merged root. Sections in plan are cut; other list
// sections stay whole in cut but are still located element-wise.
func split(root *yaml.Node, plan map[string]string) (*splitDoc, error) {
	sd := &splitDoc{cut: root}
	seen := map[string]bool{}
	var content []*yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i].Value
		if !isListSection(k) || seen[k] {
			continue
		}
		seen[k] = true // a duplicate key fails yamlpos.Value before any of this matters
		v := yamlpos.Resolve(root.Content[i+1])
		if v.Kind != yaml.SequenceNode {
			continue
		}
		sec := &splitSec{name: k, key: i, items: v.Content}
		sd.secs = append(sd.secs, sec)
		ref, ok := plan[k]
		if !ok || len(v.Content) <= 1 {
			continue
		}
		s, err := schemas.Compile(ref)
		if err != nil {
			return nil, err
		}
		sec.schema = s
		if content == nil {
			content = append([]*yaml.Node(nil), root.Content...)
		}
		c := *v
		c.Content = v.Content[:1]
		content[i+1] = &c
	}
	if content != nil {
		c := *root
		c.Content = content
		sd.cut = &c
	}
	return sd, nil
}

// job is one element of a split section, or (sec < 0) the cut document.
type job struct{ sec, item int }

// jobs lists the cut document, then the items of split sections from the
// second on.
func (sd *splitDoc) jobs() []job {
	out := []job{{-1, 0}}
	for s, sec := range sd.secs {
		if sec.schema == nil {
			continue
		}
		for i := 1; i < len(sec.items); i++ {
			out = append(out, job{s, i})
		}
	}
	return out
}

// itemPointer is the JSON pointer of an item of a list section.
func itemPointer(sec string, i int) string {
	return "/" + sec + "/" + strconv.Itoa(i)
}

// validate converts and validates the cut document and every split item
// on up to workers goroutines. valueErr reports that yamlpos.Value failed
// somewhere (the caller then finds and reports the error as before); the
// violations are in no particular order.
func (sd *splitDoc) validate(s *jsonschema.Schema, doc *yamlpos.Doc, root *yaml.Node, workers int) (viol []*schemas.Violation, valueErr bool) {
	js := sd.jobs()
	perWorker := make([][]*schemas.Violation, workers)
	var failed atomic.Bool
	parallel(len(js), workers, func(w, i int) {
		if failed.Load() {
			return
		}
		j := js[i]
		if j.sec < 0 {
			v, err := yamlpos.Value(sd.cut)
			if err != nil {
				failed.Store(true)
				return
			}
			perWorker[w] = append(perWorker[w], schemas.ValidateValue(s, v, &yamlpos.Doc{File: doc.File, Root: root})...)
			return
		}
		sec := sd.secs[j.sec]
		n := sec.items[j.item]
		v, err := yamlpos.Value(n)
		if err != nil {
			failed.Store(true)
			return
		}
		perWorker[w] = append(perWorker[w], schemas.ValidateValueAt(sec.schema, v, &yamlpos.Doc{File: doc.File, Root: n}, itemPointer(sec.name, j.item))...)
	})
	if failed.Load() {
		return nil, true
	}
	for _, vs := range perWorker {
		viol = append(viol, vs...)
	}
	return viol, false
}

// parallelChunk is how many consecutive jobs a worker takes at a time:
// large enough to make the shared counter cheap, small enough to balance.
const parallelChunk = 32

// parallel calls f(w, i) for every i in [0, n) on up to workers
// goroutines; w identifies the goroutine (0 <= w < workers) so that f can
// keep per-goroutine state without locks. With one worker, or little
// work, it runs on the calling goroutine.
func parallel(n, workers int, f func(w, i int)) {
	if workers <= 1 || n <= parallelChunk {
		for i := 0; i < n; i++ {
			f(0, i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				start := int(next.Add(parallelChunk)) - parallelChunk
				if start >= n {
					return
				}
				for i := start; i < min(start+parallelChunk, n); i++ {
					f(w, i)
				}
			}
		}(w)
	}
	wg.Wait()
}

// defaultWorkers is how many goroutines Load uses: one per core it may
// run on.
func defaultWorkers() int { return max(1, runtime.GOMAXPROCS(0)) }
