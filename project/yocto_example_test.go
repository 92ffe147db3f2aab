package project

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/source/yocto"
)

// TestExampleWithYoctoReader reads the example's build outputs with the
// real Yocto readers (which must detect them by content) and applies the
// example's support data: most components get it, the known few do not.
func TestExampleWithYoctoReader(t *testing.T) {
	p, err := Load(exampleDir)
	if err != nil {
		t.Fatal(err)
	}
	readers := []sbom.Reader{yocto.NewLicenseManifestReader(), yocto.NewImageLicenseManifestReader()}
	var comps []*sbom.Component
	for _, in := range p.SBOM.Inputs {
		data, err := os.ReadFile(in.Path)
		if err != nil {
			t.Fatal(err)
		}
		var r sbom.Reader
		for _, c := range readers {
			if c.Detect(in.Path, data) {
				if r != nil {
					t.Fatalf("%s detected as both %s and %s", in.Path, r.Kind(), c.Kind())
				}
				r = c
			}
		}
		if r == nil {
			t.Fatalf("%s: no Yocto reader detects it", in.Path)
		}
		doc, err := r.Read(context.Background(), in.Path, data)
		if err != nil {
			t.Fatalf("%s: %v", in.Path, err)
		}
		comps = append(comps, doc.Components...)
		if filepath.Base(in.Path) == "license.manifest" && len(doc.Components) < 150 {
			t.Errorf("%s: %d components, want at least 150", in.Path, len(doc.Components))
		}
		for _, c := range doc.Components {
			for _, l := range c.Licenses {
				if l.Expression == "" {
					t.Logf("%s: licence %q kept as a name", c.Name, l.Declared)
				}
			}
		}
	}
	checkExampleApply(t, comps)
}
