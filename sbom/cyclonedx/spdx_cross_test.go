package cyclonedx

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/premarket/premarket/internal/testfixtures"
	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/spdx"
)

// TestEncodeFromSPDX writes SPDX inputs (real syft and Yocto documents and
// the spdx package's own tag-value example) as CycloneDX 1.6 and 1.7 and
// checks the result against the official schemas.
func TestEncodeFromSPDX(t *testing.T) {
	fx := testfixtures.Dir(t)
	for _, c := range []struct {
		path     string
		tagValue bool
	}{
		{filepath.Join(fx, "sbom", "spdx22_syft_alpine-image.json"), false},
		{filepath.Join(fx, "yocto", "wr-sbom_recipe-shadow.spdx22.json"), false},
		{filepath.Join("..", "spdx", "testdata", "pump-firmware.spdx"), true},
	} {
		data, err := os.ReadFile(c.path)
		if err != nil {
			t.Fatal(err)
		}
		var doc *sbom.Document
		if c.tagValue {
			doc, err = (&spdx.TagValueReader{}).Read(context.Background(), c.path, data)
		} else {
			doc, err = (&spdx.JSONReader{Options: spdx.ReadOptions{IncludeFiles: true}}).Read(context.Background(), c.path, data)
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{"1.6", "1.7"} {
			var b bytes.Buffer
			// SPDX namespaces are not UUIDs; a serial is derived instead.
			doc.SerialNumber = ""
			if err := Encode(&b, doc, EncodeOptions{SpecVersion: v}); err != nil {
				t.Fatalf("%s: %v", c.path, err)
			}
			vs, err := ValidateJSON(v, b.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range vs {
				t.Errorf("%s %s: %v", filepath.Base(c.path), v, x)
			}
		}
	}
}
