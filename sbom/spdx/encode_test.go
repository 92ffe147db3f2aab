package spdx

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/premarket/premarket/sbom"
)

func encodeDoc() *sbom.Document {
	nc := &sbom.Component{Ref: "not-checked:img!/opt/x.ubi", Type: sbom.TypeFile, Name: "img!/opt/x.ubi"}
	nc.SetProperty("premarket:image:not-checked", "UBI image: no reader (not checked)")
	return &sbom.Document{
		Name: "infusion pump", SerialNumber: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", Timestamp: "2026-01-01T00:00:00Z",
		Tools: []string{"premarket 0.1.0"}, Authors: []string{"Acme Medical"}, Supplier: "Acme Medical",
		Primary: &sbom.Component{Ref: "device:pump@2.1", Type: sbom.TypeDevice, Name: "pump", Version: "2.1", Supplier: "Acme Medical"},
		Components: []*sbom.Component{
			{Ref: "openssl@3.0.11", Type: sbom.TypeLibrary, Name: "openssl", Version: "3.0.11", Supplier: "OpenSSL Software Foundation",
				PURL: "pkg:generic/openssl@3.0.11", CPE: "cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:*",
				Licenses: []sbom.License{{Expression: "Apache-2.0"}}, Hashes: []sbom.Hash{{Alg: "SHA-256", Value: strings.Repeat("AB", 32)}},
				Homepage: "https://www.openssl.org", DownloadURL: "https://www.openssl.org/source/openssl-3.0.11.tar.gz",
				Origins: []sbom.Origin{{Kind: "yocto-license-manifest", File: "license.manifest", Line: 7}}},
			{Ref: "zlib@1.3", Type: sbom.TypeLibrary, Name: "zlib", Version: "1.3",
				Licenses: []sbom.License{{Expression: "Zlib"}, {Name: "Vendor licence v2 (see LICENSE)"}}},
			{Ref: "fw#2", Type: sbom.TypeFirmware, Name: "fw", Version: "1"},
			nc,
		},
		Dependencies: []sbom.Dependency{{Ref: "device:pump@2.1", DependsOn: []string{"zlib@1.3", "openssl@3.0.11"}}, {Ref: "openssl@3.0.11", DependsOn: []string{"zlib@1.3", "missing"}}},
	}
}

func compileSPDXSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	f, err := os.Open("testdata/spdx-schema-2.3.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := c.AddResource("spdx-schema-2.3.json", f); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("spdx-schema-2.3.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestEncodeValidatesAgainstSPDX23Schema(t *testing.T) {
	var buf bytes.Buffer
	if err := Encode(&buf, encodeDoc(), EncodeOptions{}); err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	schema := compileSPDXSchema(t)
	if err := schema.Validate(v); err != nil {
		t.Fatalf("SPDX 2.3 schema: %#v\n%s", err, buf.String())
	}
	// The schema check can fail: without creationInfo it must.
	broken := map[string]any{}
	for k, x := range v.(map[string]any) {
		if k != "creationInfo" {
			broken[k] = x
		}
	}
	if schema.Validate(broken) == nil {
		t.Fatal("the schema accepts a document without creationInfo")
	}
	out := buf.String()
	for _, want := range []string{
		`"spdxVersion": "SPDX-2.3"`,
		`"documentNamespace": "https://spdx.org/spdxdocs/infusion-pump-3e671687-395b-41f5-a30f-a58921a69b79"`,
		`"created": "2026-01-01T00:00:00Z"`,
		`"Tool: premarket-0.1.0"`, `"Organization: Acme Medical"`,
		`"supplier": "Organization: OpenSSL Software Foundation"`,
		`"downloadLocation": "NOASSERTION"`,
		`"referenceType": "purl"`, `"referenceType": "cpe23Type"`,
		`"algorithm": "SHA256"`, `"checksumValue": "` + strings.Repeat("ab", 32) + `"`,
		`"licenseDeclared": "Zlib AND LicenseRef-1-Vendor-licence-v2-see-LICENSE"`,
		`"relationshipType": "DESCRIBES"`, `"relationshipType": "DEPENDS_ON"`,
		`"SPDXID": "SPDXRef-Package-fw-2"`,
		`premarket:image:not-checked: UBI image: no reader (not checked)`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s", want)
		}
	}
	// Deterministic.
	var again bytes.Buffer
	if err := Encode(&again, encodeDoc(), EncodeOptions{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("two encodings differ")
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := Encode(&buf, encodeDoc(), EncodeOptions{}); err != nil {
		t.Fatal(err)
	}
	r := &JSONReader{}
	if !r.Detect("x.spdx.json", buf.Bytes()) {
		t.Fatal("the reader does not detect the encoder's output")
	}
	doc, err := r.Read(context.Background(), "x.spdx.json", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if doc.Primary == nil || doc.Primary.Name != "pump" {
		t.Fatalf("primary = %+v", doc.Primary)
	}
	var o *sbom.Component
	for _, c := range doc.Components {
		if c.Name == "openssl" {
			o = c
		}
	}
	if o == nil || o.PURL != "pkg:generic/openssl@3.0.11" || !strings.HasPrefix(o.CPE, "cpe:2.3:a:openssl") || o.Supplier != "OpenSSL Software Foundation" || o.Version != "3.0.11" {
		t.Fatalf("openssl read back = %+v", o)
	}
	if len(o.Licenses) != 1 || o.Licenses[0].Expression != "Apache-2.0" {
		t.Errorf("licence read back = %+v", o.Licenses)
	}
	if len(doc.Dependencies) == 0 {
		t.Error("dependencies lost")
	}
	if doc.Timestamp != "2026-01-01T00:00:00Z" {
		t.Errorf("timestamp = %q", doc.Timestamp)
	}
}

func TestEncodeCreated(t *testing.T) {
	d := encodeDoc()
	d.Timestamp = ""
	var buf bytes.Buffer
	if err := Encode(&buf, d, EncodeOptions{}); err == nil {
		t.Error("no creation time accepted")
	}
	buf.Reset()
	if err := Encode(&buf, d, EncodeOptions{Created: time.Unix(1767225600, 0)}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"created": "2026-01-01T00:00:00Z"`) {
		t.Error("fallback creation time not written")
	}
	d.SerialNumber = ""
	var a, b bytes.Buffer
	_ = Encode(&a, d, EncodeOptions{Created: time.Unix(0, 0)})
	_ = Encode(&b, d, EncodeOptions{Created: time.Unix(0, 0)})
	if a.String() != b.String() || !strings.Contains(a.String(), "https://spdx.org/spdxdocs/infusion-pump-") {
		t.Error("namespace without serial is not deterministic")
	}
}
