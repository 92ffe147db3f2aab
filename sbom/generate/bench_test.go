package generate

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/cyclonedx"
)

// yoctoManifest writes a license.manifest of n packages spread over n/4
// recipes, shaped like a real image's.
func yoctoManifest(n int) []byte {
	var b bytes.Buffer
	lic := []string{"GPL-2.0-only", "MIT", "LGPL-2.1-or-later & GPL-2.0-or-later", "BSD-3-Clause", "Apache-2.0"}
	for i := 0; i < n; i++ {
		recipe := fmt.Sprintf("recipe%05d", i/4)
		fmt.Fprintf(&b, "PACKAGE NAME: %s-pkg%d\nPACKAGE VERSION: 1.%d.%d\nRECIPE NAME: %s\nLICENSE: %s\n\n",
			recipe, i%4, i/4%50, i%7, recipe, lic[i%len(lic)])
	}
	return b.Bytes()
}

// BenchmarkGenerate20k measures the whole generation pipeline on a
// 20,000-package Yocto manifest: detection, reading, licence
// normalisation, merging, and encoding CycloneDX 1.6 JSON.
func BenchmarkGenerate20k(b *testing.B) {
	dir := b.TempDir()
	data := yoctoManifest(20000)
	p := filepath.Join(dir, "license.manifest")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		b.Fatal(err)
	}
	o := Options{Readers: Readers(), Inputs: []Input{{Path: p}}, Timestamp: time.Unix(1767225600, 0),
		Primary: &sbom.Component{Name: "pump", Version: "1.0", Type: sbom.TypeDevice}}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		doc, err := Generate(context.Background(), o)
		if err != nil {
			b.Fatal(err)
		}
		if len(doc.Components) != 20000 {
			b.Fatalf("components = %d", len(doc.Components))
		}
		if err := cyclonedx.Encode(io.Discard, doc, cyclonedx.EncodeOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
