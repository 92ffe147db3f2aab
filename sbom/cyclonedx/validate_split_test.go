package cyclonedx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/premarket/premarket/sbom"
	cdxschema "github.com/premarket/premarket/schemas/cyclonedx"
)

// bigDoc is a BOM with n components, each depending on the next.
func bigDoc(n int) *sbom.Document {
	d := &sbom.Document{Format: "CycloneDX", SerialNumber: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
		Timestamp: "2026-01-01T00:00:00Z", Authors: []string{"QA"},
		Primary: &sbom.Component{Ref: "dev", Name: "dev", Version: "1", Type: sbom.TypeDevice}}
	for i := 0; i < n; i++ {
		ref := fmt.Sprintf("c%d", i)
		d.Components = append(d.Components, &sbom.Component{Ref: ref, Name: ref, Version: "1.0", Type: sbom.TypeLibrary,
			PURL: "pkg:generic/" + ref + "@1.0", Licenses: []sbom.License{{Expression: "MIT"}}})
		next := []string{}
		if i+1 < n {
			next = []string{fmt.Sprintf("c%d", i+1)}
		}
		d.Dependencies = append(d.Dependencies, sbom.Dependency{Ref: ref, DependsOn: next})
	}
	return d
}

// TestSplitValidationAgreesWithWholeValidation: for long lists the fast
// path must accept exactly what whole-document validation accepts, and
// every rejection must still come back located.
func TestSplitValidationAgreesWithWholeValidation(t *testing.T) {
	var buf bytes.Buffer
	if err := Encode(&buf, bigDoc(600), EncodeOptions{}); err != nil {
		t.Fatal(err)
	}
	valid := buf.String()
	if vs, err := ValidateJSON("1.6", []byte(valid)); err != nil || len(vs) != 0 {
		t.Fatalf("valid BOM rejected: %v %v", err, vs)
	}
	broken := map[string]string{
		// an element past the first of a split list
		"bad type deep in the list": strings.Replace(valid, `"name": "c500"`, `"name": 500`, 1),
		// a duplicate element: uniqueItems
		"duplicate component": func() string {
			var m map[string]any
			json.Unmarshal([]byte(valid), &m)
			cs := m["components"].([]any)
			m["components"] = append(cs, cs[300])
			b, _ := json.MarshalIndent(m, "", "  ")
			return string(b)
		}(),
		// the document outside the lists
		"bad serial": strings.Replace(valid, `"urn:uuid:3e671687`, `"urn:nope:3e671687`, 1),
		// the first element, kept in the cut document
		"bad first dependency": strings.Replace(valid, `"ref": "c0"`, `"ref": 7`, 1),
	}
	for name, text := range broken {
		t.Run(name, func(t *testing.T) {
			if text == valid {
				t.Fatal("mutation did not apply")
			}
			var v any
			d := json.NewDecoder(strings.NewReader(text))
			d.UseNumber()
			if err := d.Decode(&v); err != nil {
				t.Fatal(err)
			}
			s, err := cdxschema.Compile("1.6")
			if err != nil {
				t.Fatal(err)
			}
			if splitValid(s, "1.6", v) {
				t.Fatal("split validation accepted an invalid BOM")
			}
			vs, err := ValidateJSON("1.6", []byte(text))
			if err != nil || len(vs) == 0 {
				t.Fatalf("whole validation: %v %v", err, vs)
			}
			if name == "bad type deep in the list" && vs[0].Line == 0 {
				t.Fatalf("violation not located: %v", vs[0])
			}
		})
	}
}

func BenchmarkValidate20k(b *testing.B) {
	var buf bytes.Buffer
	if err := Encode(&buf, bigDoc(20000), EncodeOptions{}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if vs, err := ValidateJSON("1.6", buf.Bytes()); err != nil || len(vs) > 0 {
			b.Fatal(err, vs)
		}
	}
}
