package cyclonedx

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"reflect"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/premarket/premarket/sbom"
)

// sampleDoc exercises every field the encoder maps.
func sampleDoc() *sbom.Document {
	return &sbom.Document{
		Format:    "merged",
		Name:      "infusion-pump-fw",
		Timestamp: "2025-01-31T12:00:00Z",
		Authors:   []string{"Acme Medical Product Security"},
		Tools:     []string{"premarket 0.1.0", "bitbake"},
		Supplier:  "Acme Medical",
		Primary: &sbom.Component{
			Ref: "pump-fw", Type: sbom.TypeFirmware, Name: "infusion-pump-fw", Version: "4.2.0",
			Supplier: "Acme Medical",
		},
		Components: []*sbom.Component{
			{
				Ref: "pkg:generic/openssl@3.0.13", Type: sbom.TypeLibrary, Name: "openssl", Version: "3.0.13",
				Supplier: "OpenSSL Software Foundation", Author: "The OpenSSL Project", Description: "TLS & crypto <lib>",
				PURL: "pkg:generic/openssl@3.0.13", CPE: "cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*",
				Licenses:    []sbom.License{{Expression: "Apache-2.0", Declared: "Apache-2.0"}},
				Hashes:      []sbom.Hash{{Alg: "SHA-256", Value: "88525753f79d3bec27d2fa7c66aa0b92b3aa9498dafd93d7cfa4b3780cdae313"}},
				Homepage:    "https://www.openssl.org/",
				DownloadURL: "https://www.openssl.org/source/openssl-3.0.13.tar.gz",
				Properties:  []sbom.Property{{Name: "premarket:build:recipe", Value: "openssl"}, {Name: "vendor:x", Value: "y"}},
				Support:     &sbom.Support{Level: sbom.SupportActive, EndOfSupport: "2026-09-07"},
				Origins: []sbom.Origin{
					{Kind: "yocto-license-manifest", File: "build/license.manifest", Line: 12},
					{Kind: "spdx-json", File: "deploy/openssl.spdx.json", Path: "packages[0]"},
				},
			},
			{
				Ref: "busybox", Type: sbom.TypeApplication, Name: "busybox", Version: "1.36.1",
				Licenses: []sbom.License{{Expression: "GPL-2.0-only"}, {Name: "Proprietary & LICENCE.vendor", Declared: "Proprietary & LICENCE.vendor"}},
				Hashes:   []sbom.Hash{{Alg: "SHA256", Value: "B4F1E9B4A4F3E1C8E7D4D6A1B1C2D3E4F5A6B7C8D9E0F1A2B3C4D5E6F7A8B9C0"}},
				Support:  &sbom.Support{Justification: "vendor gives no date"},
			},
			{
				Ref: "zlib", Name: "zlib", Version: "1.3.1", Group: "madler",
				Licenses: []sbom.License{{Expression: "Zlib"}, {Expression: "MIT OR Apache-2.0"}},
			},
			{Ref: "cert", Type: sbom.TypeCryptoAsset, Name: "device-tls-cert"},
		},
		Dependencies: []sbom.Dependency{
			{Ref: "pump-fw", DependsOn: []string{"busybox", "pkg:generic/openssl@3.0.13", "zlib"}},
			{Ref: "pkg:generic/openssl@3.0.13", DependsOn: []string{"zlib"}},
			{Ref: "zlib", DependsOn: []string{}},
		},
	}
}

// sampleDocFor drops what a version cannot hold (cryptographic assets
// before 1.6).
func sampleDocFor(v string) *sbom.Document {
	d := sampleDoc()
	if v == "1.5" {
		d.Components = d.Components[:3]
	}
	return d
}

func encode(t testing.TB, doc *sbom.Document, opts EncodeOptions) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Encode(&b, doc, opts); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestEncodeValidates checks each written BOM against the official schema
// of its version.
func TestEncodeValidates(t *testing.T) {
	for _, v := range []string{"1.5", "1.6", "1.7"} {
		data := encode(t, sampleDocFor(v), EncodeOptions{SpecVersion: v})
		vs, err := ValidateJSON(v, data)
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		for _, x := range vs {
			t.Errorf("%s: %v", v, x)
		}
		if !bytes.Contains(data, []byte(`"specVersion": "`+v+`"`)) {
			t.Errorf("%s: specVersion not written", v)
		}
	}
	// The empty document validates too.
	data := encode(t, &sbom.Document{}, EncodeOptions{})
	if vs, err := ValidateJSON("1.6", data); err != nil || len(vs) > 0 {
		t.Errorf("empty document: %v %v", vs, err)
	}
}

func TestEncodeShape(t *testing.T) {
	data := encode(t, sampleDoc(), EncodeOptions{SpecVersion: "1.6"})
	s := string(data)
	for _, want := range []string{
		`"serialNumber": "urn:uuid:`,
		`"tools": {`, `"components": [`,
		`"name": "premarket",`, `"version": "0.1.0"`,
		`"name": "premarket:support:level",`, `"value": "actively-maintained"`,
		`"value": "yocto-license-manifest build/license.manifest:12"`,
		`"value": "spdx-json deploy/openssl.spdx.json#packages[0]"`,
		`"type": "website"`, `"type": "distribution"`,
		`"expression": "Zlib AND (MIT OR Apache-2.0)"`,
		`LICENCE.vendor"`,
		`"id": "GPL-2.0-only"`,
		`"alg": "SHA-256"`,
		`"content": "b4f1e9b4`,
		`"type": "cryptographic-asset"`,
		`"authors": [`,
		`TLS & crypto <lib>`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %s", want)
		}
	}
	// Deterministic: the same document encodes to the same bytes.
	if again := encode(t, sampleDoc(), EncodeOptions{SpecVersion: "1.6"}); !bytes.Equal(data, again) {
		t.Error("two encodings differ")
	}
	// 1.5 keeps the component's single author field.
	if s15 := string(encode(t, sampleDocFor("1.5"), EncodeOptions{SpecVersion: "1.5"})); !strings.Contains(s15, `"author": "The OpenSSL Project"`) {
		t.Error("1.5 output lacks author")
	}
}

func TestEncodeErrors(t *testing.T) {
	var b bytes.Buffer
	for _, c := range []struct {
		doc  *sbom.Document
		opts EncodeOptions
		want string
	}{
		{sampleDoc(), EncodeOptions{SpecVersion: "1.4"}, "1.4"},
		{sampleDoc(), EncodeOptions{Format: "yaml"}, "yaml"},
		{&sbom.Document{SerialNumber: "42"}, EncodeOptions{}, "not a UUID"},
		{&sbom.Document{Timestamp: "yesterday"}, EncodeOptions{}, "RFC 3339"},
		{&sbom.Document{Components: []*sbom.Component{{Name: "x", Hashes: []sbom.Hash{{Alg: "CRC32", Value: "0"}}}}}, EncodeOptions{}, "CRC32"},
		{&sbom.Document{Components: []*sbom.Component{{Ref: "r"}}}, EncodeOptions{}, "no name"},
		{sampleDoc(), EncodeOptions{SpecVersion: "1.5"}, "cryptographic-asset"},
	} {
		err := Encode(&b, c.doc, c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one naming %q", c.opts, err, c.want)
		}
	}
}

// normalise drops what a round trip legitimately changes: the reader's own
// origin and location, and the properties it keeps verbatim that the model
// also holds as Support and Origins.
func normalise(d *sbom.Document) {
	d.Format, d.SpecVersion, d.Source, d.Loc, d.SerialNumber = "", "", "", sbom.Location{}, ""
	all := d.Components
	if d.Primary != nil {
		all = append([]*sbom.Component{d.Primary}, all...)
	}
	for _, c := range all {
		c.Loc = sbom.Location{}
		var keep []sbom.Origin
		for _, o := range c.Origins {
			if o.Kind != KindJSON && o.Kind != KindXML {
				keep = append(keep, o)
			}
		}
		c.Origins = keep
		var props []sbom.Property
		for _, p := range c.Properties {
			if !strings.HasPrefix(p.Name, "premarket:support:") && p.Name != PropSourceLocation {
				props = append(props, p)
			}
		}
		c.Properties = props
		for i := range c.Licenses {
			c.Licenses[i].Declared = ""
		}
		for i := range c.Hashes {
			c.Hashes[i].Value = strings.ToLower(c.Hashes[i].Value)
			c.Hashes[i].Alg, _ = func() (string, bool) { a, ok := hashAlg(c.Hashes[i].Alg); return string(a), ok }()
		}
		if c.Type == "" {
			c.Type = sbom.TypeLibrary
		}
	}
}

func TestRoundTrip(t *testing.T) {
	for _, f := range []Format{FormatJSON, FormatXML} {
		for _, v := range []string{"1.5", "1.6", "1.7"} {
			t.Run(fmt.Sprintf("%s-%s", f, v), func(t *testing.T) {
				data := encode(t, sampleDocFor(v), EncodeOptions{SpecVersion: v, Format: f})
				r := NewJSONReader()
				if f == FormatXML {
					r = NewXMLReader()
				}
				if !r.Detect("x", data) {
					t.Fatalf("written %s not detected", f)
				}
				got, err := r.Read(context.Background(), "out."+string(f), data)
				if err != nil {
					t.Fatal(err)
				}
				if got.SpecVersion != v {
					t.Errorf("spec %q, want %q", got.SpecVersion, v)
				}
				for _, c := range got.Components {
					if c.Loc.Line == 0 || c.Loc.Path == "" {
						t.Errorf("%s: no location %+v", c.Name, c.Loc)
					}
				}
				// Re-encoding what was read gives the same BOM, apart from
				// the reader's own provenance.
				want := sampleDocFor(v)
				// Licences come back split: the expression-only list is one
				// joined expression; single listed ids come back as ids.
				want.Components[2].Licenses = []sbom.License{{Expression: "Zlib AND (MIT OR Apache-2.0)"}}
				normalise(want)
				normalise(got)
				if !reflect.DeepEqual(want, got) {
					t.Errorf("round trip differs:\n got %s\nwant %s", dump(got), dump(want))
				}
			})
		}
	}
}

func dump(d *sbom.Document) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%+v\n", *d)
	if d.Primary != nil {
		fmt.Fprintf(&b, "  primary %+v\n", *d.Primary)
	}
	for _, c := range d.Components {
		fmt.Fprintf(&b, "  %+v support=%+v\n", *c, c.Support)
	}
	return b.String()
}

// TestXMLParsesBack checks the XML output is well-formed and decodes with
// cyclonedx-go itself.
func TestXMLParsesBack(t *testing.T) {
	for _, v := range []string{"1.5", "1.6", "1.7"} {
		data := encode(t, sampleDocFor(v), EncodeOptions{SpecVersion: v, Format: FormatXML})
		dec := xml.NewDecoder(bytes.NewReader(data))
		for {
			_, err := dec.Token()
			if err != nil {
				if err.Error() != "EOF" {
					t.Fatalf("%s: not well-formed: %v", v, err)
				}
				break
			}
		}
		var bom cdx.BOM
		if err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatXML).Decode(&bom); err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if bom.SpecVersion.String() != v || bom.Components == nil || len(*bom.Components) != len(sampleDocFor(v).Components) {
			t.Errorf("%s: decoded spec %s components %v", v, bom.SpecVersion, bom.Components)
		}
		if bom.Metadata == nil || bom.Metadata.Component == nil || bom.Metadata.Component.Name != "infusion-pump-fw" {
			t.Errorf("%s: metadata component lost", v)
		}
	}
}

// TestEncodeFixturesValidate re-encodes every fixture as 1.6 and checks it
// against the official schema: foreign data must not produce invalid BOMs.
func TestEncodeFixturesValidate(t *testing.T) {
	for _, f := range []string{"sbom/cdx14_laravel-7.12.0.json", "sbom/cdx14_hbom_pcie-sata-adapter-board.json", "sbom/cdx13_vex-companion-bom.json"} {
		doc, _ := readFixture(t, f)
		data := encode(t, doc, EncodeOptions{})
		vs, err := ValidateJSON("1.6", data)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range vs {
			t.Errorf("%s: %v", f, x)
		}
	}
}

func TestValidateLocates(t *testing.T) {
	bad := []byte(`{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "version": 1,
  "components": [
    {"type": "library", "name": "a"},
    {"type": "gizmo", "name": "b"}
  ]
}`)
	vs, err := ValidateJSON("", bad)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) == 0 {
		t.Fatal("invalid component type accepted")
	}
	found := false
	for _, v := range vs {
		if v.Line == 7 && strings.HasPrefix(v.Path, "components[1]") {
			found = true
		}
	}
	if !found {
		t.Errorf("no violation at line 7 components[1]: %v", vs)
	}
	// Tab-indented JSON still validates (with or without positions).
	tabbed := []byte("{\n\t\"bomFormat\": \"CycloneDX\",\n\t\"specVersion\": \"1.5\",\n\t\"version\": 1\n}")
	if vs, err := ValidateJSON("", tabbed); err != nil || len(vs) != 0 {
		t.Errorf("tabbed: %v %v", vs, err)
	}
	if _, err := ValidateJSON("", []byte(`{"bomFormat": "CycloneDX", "specVersion": "1.6",`)); err == nil {
		t.Error("truncated JSON: no error")
	}
}
