package cyclonedx

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/premarket/premarket/internal/testfixtures"
	"github.com/premarket/premarket/sbom"
)

func readFixture(t *testing.T, rel string) (*sbom.Document, []byte) {
	t.Helper()
	path := filepath.Join(testfixtures.Dir(t), filepath.FromSlash(rel))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := NewJSONReader()
	if !r.Detect(path, data) {
		t.Fatalf("%s: not detected as %s", rel, r.Kind())
	}
	if NewXMLReader().Detect(path, data) {
		t.Fatalf("%s: JSON detected as XML", rel)
	}
	doc, err := r.Read(context.Background(), path, data)
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return doc, data
}

func findComponent(doc *sbom.Document, name string) *sbom.Component {
	for _, c := range doc.Components {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// checkLoc verifies that a component's Loc points at the '{' that opens
// its object and that its name follows within a few lines.
func checkLoc(t *testing.T, data []byte, c *sbom.Component) {
	t.Helper()
	lines := bytes.Split(data, []byte("\n"))
	if c.Loc.Line < 1 || c.Loc.Line > len(lines) {
		t.Fatalf("%s: Loc.Line %d out of range", c.Name, c.Loc.Line)
	}
	line := lines[c.Loc.Line-1]
	if c.Loc.Column < 1 || c.Loc.Column > len(line) || line[c.Loc.Column-1] != '{' {
		t.Fatalf("%s: Loc %d:%d does not point at '{' in %q", c.Name, c.Loc.Line, c.Loc.Column, line)
	}
	end := min(len(lines), c.Loc.Line+15)
	if !bytes.Contains(bytes.Join(lines[c.Loc.Line-1:end], nil), []byte(`"`+c.Name+`"`)) {
		t.Errorf("%s: name not found near line %d", c.Name, c.Loc.Line)
	}
}

func TestReadFixtures(t *testing.T) {
	type want struct {
		file, spec       string
		components, deps int
		name, version    string
		purl, ctype      string
		primary, tool    string
		supplierOrAuthor string
		path             string
	}
	cases := []want{
		{file: "sbom/cdx13_vex-companion-bom.json", spec: "1.3", components: 3, name: "jackson-databind", version: "2.10.0",
			purl: "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar", ctype: "library",
			primary: "example-app", tool: "CycloneDX Maven plugin 2.5.3", path: "components[0]"},
		{file: "sbom/cdx14_hbom_pcie-sata-adapter-board.json", spec: "1.4", components: 6, name: "PCIE-098-02-F-D-EMS2", version: "2.9.10",
			ctype: "device", primary: "pcie-sata-adaptor-board", path: "components[0]"},
		{file: "sbom/cdx14_laravel-7.12.0.json", spec: "1.4", components: 62, deps: 63, name: "stack-cors", version: "1.3.0",
			purl: "pkg:composer/asm89/stack-cors@1.3.0", ctype: "library", primary: "cyclonedx-php-composer-demo",
			tool: "cyclonedx-php-composer in-dev", path: "components[0]"},
		{file: "sbom/cdx14_obom_example1-decoupled.json", spec: "1.4", components: 1, name: "Red Hat Enterprise Linux", version: "8.0",
			ctype: "operating-system", primary: "Keycloak", path: "components[0]"},
		{file: "sbom/cdx14_syft_busybox-image.json", spec: "1.4", components: 1, name: "busybox", version: "1.34.1",
			ctype: "operating-system", primary: "docker.io/library/busybox", tool: "syft 0.58.0", path: "components[0]"},
		{file: "sbom/cdx14_vex.json", spec: "1.4", components: 0},
		{file: "sbom/cdx16_cbom_protocol.json", spec: "1.6", components: 8, name: "TLSv1.2", ctype: "cryptographic-asset",
			primary: "my application", path: "components[0]"},
		{file: "threat-models/tmbom_pytm-example.cdx.json", spec: "1.6", components: 12, name: "Web Server", ctype: "threat-model",
			primary: "example-application", tool: "pytm 1.3.1", supplierOrAuthor: "Example Security Architects",
			path: "components[0].components[3]"},
	}
	for _, w := range cases {
		t.Run(filepath.Base(w.file), func(t *testing.T) {
			doc, data := readFixture(t, w.file)
			if doc.Format != "CycloneDX" || doc.SpecVersion != w.spec {
				t.Errorf("format %q spec %q, want CycloneDX %s", doc.Format, doc.SpecVersion, w.spec)
			}
			if len(doc.Components) != w.components {
				t.Errorf("%d components, want %d", len(doc.Components), w.components)
			}
			if len(doc.Dependencies) != w.deps {
				t.Errorf("%d dependencies, want %d", len(doc.Dependencies), w.deps)
			}
			if w.primary != "" && (doc.Primary == nil || doc.Primary.Name != w.primary) {
				t.Errorf("primary %+v, want %s", doc.Primary, w.primary)
			}
			if w.tool != "" && !contains(doc.Tools, w.tool) {
				t.Errorf("tools %q lack %q", doc.Tools, w.tool)
			}
			if w.supplierOrAuthor != "" && !contains(doc.Authors, w.supplierOrAuthor) {
				t.Errorf("authors %q lack %q", doc.Authors, w.supplierOrAuthor)
			}
			for _, c := range doc.Components {
				checkLoc(t, data, c)
			}
			if w.name == "" {
				return
			}
			c := findComponent(doc, w.name)
			if c == nil {
				t.Fatalf("no component %q", w.name)
			}
			if c.Version != w.version || c.PURL != w.purl || string(c.Type) != w.ctype {
				t.Errorf("%s: version %q purl %q type %q, want %q %q %q", w.name, c.Version, c.PURL, c.Type, w.version, w.purl, w.ctype)
			}
			if !strings.HasPrefix(c.Loc.Path, "components[") || c.Loc.File == "" {
				t.Errorf("%s: Loc %+v", w.name, c.Loc)
			}
			if w.path != "" && findComponentByPath(doc, w.path) == nil {
				t.Errorf("no component at %s", w.path)
			}
			if len(c.Origins) == 0 || c.Origins[len(c.Origins)-1].Kind != KindJSON {
				t.Errorf("%s: origins %+v", w.name, c.Origins)
			}
		})
	}
}

func findComponentByPath(doc *sbom.Document, path string) *sbom.Component {
	for _, c := range doc.Components {
		if c.Loc.Path == path {
			return c
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestReadFixtureDetails checks mappings a count cannot: licences, hashes,
// properties of foreign namespaces and nested-component paths.
func TestReadFixtureDetails(t *testing.T) {
	doc, _ := readFixture(t, "sbom/cdx14_laravel-7.12.0.json")
	c := findComponent(doc, "stack-cors")
	if len(c.Licenses) != 1 || c.Licenses[0].Expression != "MIT" {
		t.Errorf("stack-cors licences %+v", c.Licenses)
	}
	if c.Ref != "asm89/stack-cors-1.3.0.0" || c.Group != "asm89" {
		t.Errorf("stack-cors ref %q group %q", c.Ref, c.Group)
	}

	doc, _ = readFixture(t, "threat-models/tmbom_pytm-example.cdx.json")
	ws := findComponent(doc, "Web Server")
	if ws.Loc.Path != "components[0].components[3]" {
		t.Errorf("Web Server path %q", ws.Loc.Path)
	}
	if v, ok := ws.Property("cdx:model:type"); !ok || v == "" {
		t.Errorf("Web Server lost its cdx:model:type property: %+v", ws.Properties)
	}
	if len(doc.Tools) != 2 {
		t.Errorf("tools %q, want pytm and threat-dragon", doc.Tools)
	}
}

// TestValidateFixtures runs the official schemas over real BOMs: the
// CycloneDX examples are valid; the TMBOM uses the component type
// "threat-model", which no published schema has, once per component.
func TestValidateFixtures(t *testing.T) {
	fx := testfixtures.Dir(t)
	files, _ := filepath.Glob(filepath.Join(fx, "sbom", "cdx*.json"))
	if len(files) == 0 {
		t.Fatal("no CycloneDX fixtures")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		vs, err := ValidateJSONFile(f, "", data)
		if err != nil || len(vs) != 0 {
			t.Errorf("%s: %v %v", filepath.Base(f), err, vs)
		}
	}
	f := filepath.Join(fx, "threat-models", "tmbom_pytm-example.cdx.json")
	data, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := ValidateJSONFile(f, "", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 12 || vs[0].Line != 78 || vs[0].Path != "components[0].type" || vs[0].File != f {
		t.Errorf("tmbom: %d violations, first %v", len(vs), vs)
	}
}
