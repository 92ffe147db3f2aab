package cyclonedx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/premarket/premarket/sbom"
)

func TestDetect(t *testing.T) {
	j, x := NewJSONReader(), NewXMLReader()
	for _, c := range []struct {
		head      string
		json, xml bool
	}{
		{`{"bomFormat":"CycloneDX","specVersion":"1.6"}`, true, false},
		{"{\n  \"specVersion\" : \"1.3\",\n  \"bomFormat\" :\t\"CycloneDX\"}", true, false},
		{`{"spdxVersion": "SPDX-2.3"}`, false, false},
		{`{"name": "bomFormat CycloneDX"}`, false, false},
		{`<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.4" version="1">`, false, true},
		{`<cdx:bom xmlns:cdx="http://cyclonedx.org/schema/bom/1.5">`, false, true},
		{`<bom xmlns="http://example.com/bom">`, false, false},
	} {
		if got := j.Detect("f", []byte(c.head)); got != c.json {
			t.Errorf("json Detect(%q) = %v", c.head, got)
		}
		if got := x.Detect("f", []byte(c.head)); got != c.xml {
			t.Errorf("xml Detect(%q) = %v", c.head, got)
		}
	}
}

func TestReadErrors(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		r    *Reader
		data string
		line int
		want string
	}{
		{"truncated", NewJSONReader(), "{\n\"bomFormat\": \"CycloneDX\",\n\"specVersion\": \"1.6\",\n\"components\": [", 4, "truncated"},
		{"wrong type", NewJSONReader(), "{\n\"bomFormat\": \"CycloneDX\",\n\"specVersion\": \"1.6\",\n\"components\": [\n{\"name\": 42}]}", 5, "components.name"},
		{"binary", NewJSONReader(), "{\"bomFormat\": \x00}", 1, "binary"},
		{"empty", NewJSONReader(), "  \n", 1, "empty"},
		{"bad version", NewJSONReader(), "{\n\"bomFormat\": \"CycloneDX\",\n\"specVersion\": \"9.1\"}", 3, "specVersion"},
		{"not cyclonedx", NewJSONReader(), "{\"bomFormat\": \"SPDX\", \"specVersion\": \"1.4\"}", 1, "bomFormat"},
		{"xml syntax", NewXMLReader(), "<?xml version=\"1.0\"?>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\">\n<components>\n</bom>", 4, "XML"},
		{"xml foreign", NewXMLReader(), "<bom xmlns=\"http://example.com/x\"></bom>", 1, "namespace"},
	} {
		_, err := c.r.Read(ctx, "in.cdx", []byte(c.data))
		var pe *sbom.ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s: error %v is not a *sbom.ParseError", c.name, err)
			continue
		}
		if pe.File != "in.cdx" || pe.Line != c.line || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v (line %d), want line %d and %q", c.name, err, pe.Line, c.line, c.want)
		}
	}
	r := NewJSONReader()
	r.MaxBytes = 10
	if _, err := r.Read(ctx, "big", []byte(`{"bomFormat":"CycloneDX"}`)); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("size limit: %v", err)
	}
}

// TestReadOldVersions covers the 1.2 tool list, licence forms and XML.
func TestReadOldVersions(t *testing.T) {
	js := `{"bomFormat": "CycloneDX", "specVersion": "1.2", "version": 1,
 "metadata": {"tools": [{"vendor": "v", "name": "t", "version": "1"}],
   "manufacture": {"name": "Maker"},
   "component": {"type": "device", "name": "pump", "components": [{"type": "firmware", "name": "fw"}]}},
 "components": [{"type": "library", "name": "a", "version": "1",
   "licenses": [{"license": {"name": "Custom"}}, {"license": {"id": "MIT"}}],
   "components": [{"type": "library", "name": "b"}]}]}`
	doc, err := NewJSONReader().Read(context.Background(), "old.json", []byte(js))
	if err != nil {
		t.Fatal(err)
	}
	if doc.SpecVersion != "1.2" || doc.Supplier != "Maker" || fmt.Sprint(doc.Tools) != "[t 1]" {
		t.Errorf("doc %+v", doc)
	}
	var paths []string
	for _, c := range doc.Components {
		paths = append(paths, c.Loc.Path)
	}
	if got := strings.Join(paths, " "); got != "metadata.component.components[0] components[0] components[0].components[0]" {
		t.Errorf("paths %s", got)
	}
	if l := doc.Components[1].Licenses; len(l) != 2 || l[0].Name != "Custom" || l[1].Expression != "MIT" {
		t.Errorf("licences %+v", l)
	}

	xml := `<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.3" version="1">
  <metadata>
    <tools><tool><vendor>v</vendor><name>t</name><version>2</version></tool></tools>
    <component type="application"><name>app</name></component>
  </metadata>
  <components>
    <component type="library" bom-ref="a">
      <name>a</name><version>1.0</version>
      <licenses><expression>MIT OR Apache-2.0</expression></licenses>
      <purl>pkg:generic/a@1.0</purl>
      <components>
        <component type="library"><name>b</name></component>
      </components>
    </component>
  </components>
  <dependencies><dependency ref="a"><dependency ref="b"/></dependency></dependencies>
</bom>`
	doc, err = NewXMLReader().Read(context.Background(), "old.xml", []byte(xml))
	if err != nil {
		t.Fatal(err)
	}
	if doc.SpecVersion != "1.3" || len(doc.Components) != 2 || doc.Primary.Name != "app" || fmt.Sprint(doc.Tools) != "[t 2]" {
		t.Fatalf("doc %s", dump(doc))
	}
	a, b := doc.Components[0], doc.Components[1]
	if a.Loc.Line != 8 || a.Loc.Path != "components[0]" || b.Loc.Line != 13 || b.Loc.Path != "components[0].components[0]" {
		t.Errorf("locations %+v %+v", a.Loc, b.Loc)
	}
	if a.PURL != "pkg:generic/a@1.0" || len(a.Licenses) != 1 || a.Licenses[0].Expression != "MIT OR Apache-2.0" {
		t.Errorf("a %+v", a)
	}
	if len(doc.Dependencies) != 1 || fmt.Sprint(doc.Dependencies[0].DependsOn) != "[b]" {
		t.Errorf("deps %+v", doc.Dependencies)
	}
}

func FuzzReadJSON(f *testing.F) {
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"a","components":[{"name":"b"}]}]}`))
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.2","metadata":{"tools":[{"name":"x"}]}}`))
	var b bytes.Buffer
	if err := Encode(&b, sampleDoc(), EncodeOptions{}); err == nil {
		f.Add(b.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := NewJSONReader().Read(context.Background(), "fuzz.json", data)
		if err != nil {
			var pe *sbom.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a ParseError: %v", err, err)
			}
			return
		}
		if doc == nil {
			t.Fatal("nil document without error")
		}
	})
}

func FuzzReadXML(f *testing.F) {
	var b bytes.Buffer
	if err := Encode(&b, sampleDoc(), EncodeOptions{Format: FormatXML}); err == nil {
		f.Add(b.Bytes())
	}
	f.Add([]byte(`<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components><component type="library"><name>a</name></component></components></bom>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = NewXMLReader().Read(context.Background(), "fuzz.xml", data)
	})
}

// BenchmarkEncode20k writes a generated 20,000-component document as
// CycloneDX 1.6 JSON.
func BenchmarkEncode20k(b *testing.B) {
	doc := &sbom.Document{Name: "bench", Timestamp: "2025-01-31T12:00:00Z", Primary: &sbom.Component{Ref: "root", Name: "root", Type: sbom.TypeFirmware}}
	dep := sbom.Dependency{Ref: "root"}
	for i := range 20000 {
		ref := fmt.Sprintf("pkg:generic/lib%05d@1.%d.0", i, i%10)
		doc.Components = append(doc.Components, &sbom.Component{
			Ref: ref, Type: sbom.TypeLibrary, Name: fmt.Sprintf("lib%05d", i), Version: fmt.Sprintf("1.%d.0", i%10),
			Supplier: "Example", PURL: ref, Licenses: []sbom.License{{Expression: "MIT"}},
			Hashes:     []sbom.Hash{{Alg: "SHA-256", Value: strings.Repeat("ab", 32)}},
			Support:    &sbom.Support{Level: sbom.SupportActive, EndOfSupport: "2030-01-01"},
			Origins:    []sbom.Origin{{Kind: "yocto-license-manifest", File: "license.manifest", Line: i + 1}},
			Properties: []sbom.Property{{Name: "premarket:build:recipe", Value: "r"}},
		})
		dep.DependsOn = append(dep.DependsOn, ref)
	}
	doc.Dependencies = []sbom.Dependency{dep}
	var buf bytes.Buffer
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		buf.Reset()
		if err := Encode(&buf, doc, EncodeOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/doc")
}
