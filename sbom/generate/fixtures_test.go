package generate

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/premarket/premarket/internal/testfixtures"
	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/cyclonedx"
)

// TestFixturesGenerateValidCycloneDX generates an SBOM from every real
// Yocto and Buildroot build output and the Yocto create-spdx document, and
// validates each against the official CycloneDX schema of every spec
// version premarket writes.
func TestFixturesGenerateValidCycloneDX(t *testing.T) {
	fx := testfixtures.Dir(t)
	cases := []struct {
		file       string
		kind       string
		components int
		named      map[string]string // name -> version that must be present
	}{
		{"yocto/phytec-mira-imx6_license.manifest", "yocto-license-manifest", 487, map[string]string{"busybox": "1.24.1", "acl-locale-de": "2.2.52"}},
		{"yocto/phytec-mira-imx6_image_license.manifest", "yocto-image-license-manifest", 2, map[string]string{"barebox": "2016.11.0-phy4", "linux-mainline": "4.1.36-phy3"}},
		// The recipe document describes shadow 4.14.2 (its primary, kept as
		// a component under the device) and holds its source package.
		{"yocto/wr-sbom_recipe-shadow.spdx22.json", "spdx-json", 2, map[string]string{"shadow": "4.14.2"}},
		{"buildroot/mr-fusion_manifest.csv", "buildroot-manifest", 13, nil},
		{"buildroot/mr-fusion_host-manifest.csv", "buildroot-host-manifest", 18, nil},
		{"buildroot/cdx-buildroot_laird-som60_manifest.csv", "buildroot-manifest", 92, nil},
		{"buildroot/cdx-buildroot_raspi_manifest.csv", "buildroot-manifest", 5, nil},
		{"buildroot/cdx-buildroot_show-info.json", "buildroot-show-info", 45, nil},
		{"buildroot/cdx-buildroot_pkg-stats.json", "buildroot-pkg-stats", 47, nil},
	}
	for _, tc := range cases {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			path := filepath.Join(fx, tc.file)
			head, err := readHead(path)
			if err != nil {
				t.Fatal(err)
			}
			if r := detect(Readers(), path, head, ""); r == nil || r.Kind() != tc.kind {
				t.Fatalf("detected %v, want %s", r, tc.kind)
			}
			doc, err := Generate(context.Background(), Options{
				Readers: Readers(), Inputs: []Input{{Path: path}}, Timestamp: time.Unix(1767225600, 0),
				Tool: "premarket test", Authors: []string{"QA"}, Supplier: "Example",
				Primary: &sbom.Component{Name: "device", Version: "1", Type: sbom.TypeFirmware},
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(doc.Components) != tc.components {
				t.Errorf("components = %d, want %d", len(doc.Components), tc.components)
			}
			{
				for name, version := range tc.named {
					found := false
					for _, c := range doc.Components {
						if c.Name == name && c.Version == version {
							found = true
						}
					}
					if !found {
						t.Errorf("%s@%s not found", name, version)
					}
				}
			}
			for _, spec := range []string{"1.5", "1.6", "1.7"} {
				var buf bytes.Buffer
				if err := cyclonedx.Encode(&buf, doc, cyclonedx.EncodeOptions{SpecVersion: spec}); err != nil {
					t.Fatalf("encode %s: %v", spec, err)
				}
				vs, err := cyclonedx.ValidateJSON(spec, buf.Bytes())
				if err != nil {
					t.Fatal(err)
				}
				for i, v := range vs {
					if i < 5 {
						t.Errorf("CycloneDX %s: %v", spec, v)
					}
				}
			}
		})
	}
}

// TestFixturesMergeYoctoManifests merges the two Yocto manifests of one
// build: packages and image artefacts, each with its own provenance.
func TestFixturesMergeYoctoManifests(t *testing.T) {
	fx := testfixtures.Dir(t)
	doc, err := Generate(context.Background(), Options{Readers: Readers(), Inputs: []Input{
		{Path: filepath.Join(fx, "yocto/phytec-mira-imx6_license.manifest")},
		{Path: filepath.Join(fx, "yocto/phytec-mira-imx6_image_license.manifest")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Components) != 489 {
		t.Fatalf("components = %d, want 487 + 2", len(doc.Components))
	}
	for _, c := range doc.Components {
		if len(c.Origins) == 0 || c.Origins[0].Line == 0 {
			t.Fatalf("%s has no line provenance: %+v", c.Name, c.Origins)
		}
	}
}
