package importer

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/premarket/premarket/threatmodel"
)

// fuzzImport is the property both fuzz targets check: Import never
// panics, and whatever it accepts loads without schema findings.
func fuzzImport(t *testing.T, data []byte, f Format) {
	res, err := Import(data, Options{Format: f, Name: "fuzz.json", PremarketVersion: "fuzz"})
	if err != nil || len(res.YAML) > 1<<20 {
		return // errors are fine; very large outputs would only slow the fuzzer down
	}
	m, fs, err := threatmodel.LoadBytes("fuzz.yaml", res.YAML, threatmodel.LoadOptions{})
	if err != nil || m == nil || len(fs) > 0 {
		msg := ""
		if len(fs) > 0 {
			msg = fs[0].Message
		}
		t.Fatalf("imported model does not load: %v %s\ninput: %q\noutput:\n%s", err, msg, data, res.YAML)
	}
}

func addSeeds(f *testing.F, pattern string, extra ...string) {
	files, _ := filepath.Glob(pattern)
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

func FuzzThreatDragon(f *testing.F) {
	addSeeds(f, "testdata/td-*.json",
		`{"version":"2.0","summary":{"title":"t"},"detail":{"diagrams":[{"cells":[{"id":"a","shape":"process","data":{"name":"p","threats":[{"title":"x","type":"Spoofing","status":"Mitigated","mitigation":"m"}]}}]}]}}`,
		`{"summary":{},"detail":{"diagrams":[{"diagramJson":{"cells":[{"type":"tm.Flow","source":{"id":"q"},"target":{"x":1,"y":2}}]}}]}}`)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzImport(t, data, FormatThreatDragon) })
}

func FuzzOTM(f *testing.F) {
	addSeeds(f, "testdata/otm-*.yaml",
		`{"otmVersion":"0.2.0","project":{"name":"p","id":"p"},"trustZones":[{"id":"z","name":"z"}],"components":[{"id":"c","name":"c","parent":{"trustZone":"z"},"threats":[{"threat":"t","state":"mitigated"}]}],"threats":[{"id":"t","name":"t","categories":["Tampering"]}]}`)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzImport(t, data, FormatOTM) })
}
