package spdx

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/premarket/premarket/sbom"
)

// TestEveryComponentTypeEncodesToASchemaValidPurpose guards the
// primaryPackagePurpose spellings (OPERATING_SYSTEM, not OPERATING-SYSTEM):
// every component type premarket produces must give a document the SPDX
// 2.3 schema accepts, and read back as the same type where SPDX has one.
func TestEveryComponentTypeEncodesToASchemaValidPurpose(t *testing.T) {
	schema := compileSPDXSchema(t)
	for _, typ := range []sbom.ComponentType{
		sbom.TypeApplication, sbom.TypeLibrary, sbom.TypeFirmware, sbom.TypeOperatingSystem,
		sbom.TypeDevice, sbom.TypeFile, sbom.TypeFramework, sbom.TypeContainer, sbom.TypePlatform, sbom.TypeData,
	} {
		doc := encodeDoc()
		doc.Components[0].Type = typ
		var buf bytes.Buffer
		if err := Encode(&buf, doc, EncodeOptions{}); err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		var v any
		if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(v); err != nil {
			t.Errorf("type %s: SPDX 2.3 schema: %v", typ, err)
		}
	}
	if got := purposeOf(sbom.TypeOperatingSystem); got != "OPERATING_SYSTEM" {
		t.Fatalf("purpose of operating-system = %q", got)
	}
}
