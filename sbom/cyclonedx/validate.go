package cyclonedx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/premarket/premarket/internal/jsonpos"
	"github.com/premarket/premarket/schemas"
	cdxschema "github.com/premarket/premarket/schemas/cyclonedx"
	"github.com/premarket/premarket/yamlpos"
)

// Violation is one schema error with its file, line, column and path.
type Violation = schemas.Violation

// ValidateJSON checks a CycloneDX JSON document against the official schema
// of specVersion ("1.2" … "1.7"; "" means the document's own specVersion).
// It returns one located violation per failing leaf, sorted by position;
// nil means valid. The error is for inputs that cannot be checked at all
// (unknown version, not JSON).
func ValidateJSON(specVersion string, data []byte) ([]*Violation, error) {
	return ValidateJSONFile("", specVersion, data)
}

var specVersionRe = regexp.MustCompile(`"specVersion"\s*:\s*"([^"]*)"`)

// ValidateJSONFile is ValidateJSON with the file name used in violations.
func ValidateJSONFile(name, specVersion string, data []byte) ([]*Violation, error) {
	if specVersion == "" {
		m := specVersionRe.FindSubmatch(data)
		if m == nil {
			return nil, &yamlpos.Error{File: name, Err: errors.New("no specVersion in the document; cannot choose a CycloneDX schema")}
		}
		specVersion = string(m[1])
	}
	s, err := cdxschema.Compile(specVersion)
	if err != nil {
		return nil, err
	}
	// Decode with encoding/json (fast) and validate; only when there are
	// violations parse again with positions (JSON is YAML) to locate them.
	// Should the YAML parser refuse some valid JSON (tabs in odd places),
	// the violations are reported without line numbers.
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		line := 0
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line = jsonpos.LineAt(data, se.Offset)
		}
		return nil, &yamlpos.Error{File: name, Line: line, Err: fmt.Errorf("not valid JSON: %w", err)}
	}
	if splitValid(s, specVersion, v) {
		return nil, nil
	}
	vs := schemas.ValidateValue(s, v, &yamlpos.Doc{File: name})
	if len(vs) == 0 {
		return nil, nil
	}
	doc, perr := yamlpos.Parse(name, data, yamlpos.Limits{MaxBytes: DefaultMaxBytes, MaxDepth: 1000, MaxNodes: 100_000_000})
	if perr != nil {
		return vs, nil
	}
	return schemas.ValidateValue(s, v, doc), nil
}

// splitMin is the list length from which splitValid validates a list's
// elements concurrently.
const splitMin = 256

// splitLists are the top-level lists of a BOM whose schema is exactly
// {type: array, items: X, uniqueItems: true} in every version.
var splitLists = []string{"components", "dependencies", "services"}

// splitValid reports whether the decoded document is valid, validating the
// elements of its long top-level lists concurrently on every core: the
// document with each such list cut to its first element against the whole
// schema, every further element against the list's item schema, and the
// lists' uniqueItems by comparing the elements' canonical JSON. Together
// these are exactly the whole schema's conditions. It only ever answers
// "valid"; false means "not known to be valid", and the caller validates
// the whole document the ordinary way to find and locate the violations.
func splitValid(s *jsonschema.Schema, specVersion string, v any) bool {
	top, ok := v.(map[string]any)
	if !ok {
		return false
	}
	cut := make(map[string]any, len(top))
	for k, x := range top {
		cut[k] = x
	}
	type part struct {
		list  string
		items []any
	}
	var parts []part
	for _, list := range splitLists {
		items, ok := top[list].([]any)
		if !ok || len(items) < splitMin {
			continue
		}
		if !unique(items) {
			return false
		}
		cut[list] = items[:1]
		parts = append(parts, part{list, items[1:]})
	}
	if len(parts) == 0 {
		return false
	}
	if s.Validate(cut) != nil {
		return false
	}
	var (
		wg     sync.WaitGroup
		failed atomic.Bool
	)
	workers := runtime.GOMAXPROCS(0)
	for _, p := range parts {
		item, err := cdxschema.CompileItems(specVersion, p.list)
		if err != nil {
			return false
		}
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := w; i < len(p.items) && !failed.Load(); i += workers {
					if item.Validate(p.items[i]) != nil {
						failed.Store(true)
					}
				}
			}(w)
		}
	}
	wg.Wait()
	return !failed.Load()
}

// unique reports whether no two elements are equal as JSON values
// (uniqueItems): canonical encodings (sorted keys) are compared.
func unique(items []any) bool {
	seen := make(map[string]struct{}, len(items))
	for _, it := range items {
		b, err := json.Marshal(it)
		if err != nil {
			return false
		}
		if _, dup := seen[string(b)]; dup {
			return false
		}
		seen[string(b)] = struct{}{}
	}
	return true
}
