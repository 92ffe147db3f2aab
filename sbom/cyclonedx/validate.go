package cyclonedx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"

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
