package espidf

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/premarket/premarket/internal/testfixtures"
	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/source/mcu/internal/common"
	tu "github.com/premarket/premarket/sbom/source/mcu/internal/testutil"
)

func read(t *testing.T, path string) *sbom.Document {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := NewReader()
	if !r.Detect(path, data) {
		t.Fatalf("%s not detected", path)
	}
	doc, err := r.Read(context.Background(), path, data)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// The real lock of daikin-altherma-esp32: six registry components and
// ESP-IDF 6.0.2 for esp32s3.
func TestDaikinLock(t *testing.T) {
	path := filepath.Join(testfixtures.Dir(t), "manifests", "espidf_daikin-altherma-esp32_dependencies.lock")
	doc := read(t, path)
	want := map[string]struct{ version, hash string }{
		"cjson":         {"1.7.19~2", "e788323270d90738662d66fffa910bfe1fba019bba087f01557e70c40485b469"},
		"led_strip":     {"3.0.3", "28621486f77229aaf81c71f5e15d6fbf36c2949cf11094e07090593e659e7639"},
		"mdns":          {"1.11.3", "e81ca7a7f53ea34e78274df054da692c272e1315572876b237b1748e267c013b"},
		"mqtt":          {"1.1.0", "fb18bc3b65aa8c94693a9811ffc322cca8a65d92d5ec84983d3e385080e3969c"},
		"w5500":         {"2.0.0", "b5f5b466dd0b8f1f2de7ac5b7e4a364e993daf40c999044a54fb545e25be8aba"},
		"wiznet_common": {"1.0.0", "57414f4b8ce11295c03030da7ff3ef90184e07b3ba1e8985b5edb2461e9be780"},
		"esp-idf":       {"6.0.2", ""},
	}
	if len(doc.Components) != len(want) {
		t.Fatalf("%d components, want %d", len(doc.Components), len(want))
	}
	for name, w := range want {
		c := tu.ByName(t, doc, name)
		if c.Version != w.version {
			t.Errorf("%s version %q, want %q", name, c.Version, w.version)
		}
		if w.hash == "" {
			if len(c.Hashes) != 0 {
				t.Errorf("%s hashes %v", name, c.Hashes)
			}
			continue
		}
		if !reflect.DeepEqual(c.Hashes, []sbom.Hash{{Alg: "SHA-256", Value: w.hash}}) {
			t.Errorf("%s hashes %v", name, c.Hashes)
		}
		if c.Group != "espressif" || c.PURL != "pkg:generic/espressif/"+name+"@"+w.version+"?repository_url=https:%2F%2Fcomponents.espressif.com" {
			t.Errorf("%s group %q purl %q", name, c.Group, c.PURL)
		}
	}
	idf := tu.ByName(t, doc, "esp-idf")
	if idf.PURL != "pkg:github/espressif/esp-idf@v6.0.2" || idf.CPE != "cpe:2.3:a:espressif:esp-idf:6.0.2:*:*:*:*:*:*:*" {
		t.Errorf("idf purl %q cpe %q", idf.PURL, idf.CPE)
	}
	for k, v := range map[string]string{"premarket:espidf:target": "esp32s3", "premarket:espidf:lock-version": "3.0.0",
		"premarket:espidf:manifest-hash": "b87463d1440ddaa376d27584d3f54a76fc50cb0bf3fb3d500e75d09d485cfa4e", common.PropDependencyKind: "direct"} {
		if got := tu.Prop(idf, k); got != v {
			t.Errorf("idf %s = %q, want %q", k, got, v)
		}
	}
	if got := tu.Prop(tu.ByName(t, doc, "wiznet_common"), common.PropDependencyKind); got != "transitive" {
		t.Errorf("wiznet_common is %q", got)
	}
	if got := tu.DependsOn(doc, "espidf:espressif/w5500"); !reflect.DeepEqual(got, []string{"espidf:espressif/wiznet_common", "espidf:idf"}) {
		t.Errorf("w5500 -> %v", got)
	}
	if len(doc.Dependencies) != 6 {
		t.Errorf("%d dependency entries, want 6", len(doc.Dependencies))
	}
	if o := tu.ByName(t, doc, "cjson").Origins[0]; o.Line != 2 || o.File != path {
		t.Errorf("cjson origin %+v", o)
	}
}

func TestSources(t *testing.T) {
	doc := read(t, filepath.Join("testdata", "sources.lock"))
	g := tu.ByName(t, doc, "esp-dsp")
	if g.PURL != "pkg:github/espressif/esp-dsp@3b0d2d7b1f7c3e4b0f0d1f2a3b4c5d6e7f8a9b0c" || tu.Prop(g, common.PropRevisionKind) != "commit" || tu.Prop(g, common.PropPath) != "components/dsp" {
		t.Errorf("git component %+v", g)
	}
	l := tu.ByName(t, doc, "my_driver")
	if l.PURL != "" || tu.Prop(l, common.PropPath) != "../components/my_driver" {
		t.Errorf("local component %+v", l)
	}
	idf := tu.ByName(t, doc, "esp-idf")
	if idf.Version != "5.1.2" || idf.CPE == "" {
		t.Errorf("idf %+v", idf)
	}
	r := tu.ByName(t, doc, "button")
	if r.PURL != "pkg:generic/my-org/button@2.1.0?repository_url=https:%2F%2Fregistry.example.com" {
		t.Errorf("custom registry purl %q", r.PURL)
	}
	// require: no is not an edge.
	if got := tu.DependsOn(doc, "espidf:my_driver"); !reflect.DeepEqual(got, []string{"espidf:idf"}) {
		t.Errorf("my_driver -> %v", got)
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name, in, want string
		line           int
	}{
		{"not a map", "dependencies: [a]\n", "want a mapping of component names", 1},
		{"bad hash", "dependencies:\n  a/b:\n    component_hash: xyz\n    version: 1.0.0\n", "64 hexadecimal", 3},
		{"bad version", "dependencies:\n  a/b:\n    version: [1]\n", "want a string", 3},
		{"direct unknown", "dependencies:\n  a/b:\n    version: 1.0.0\ndirect_dependencies:\n- c/d\n", "not in dependencies", 5},
		{"dep without name", "dependencies:\n  a/b:\n    version: '1'\n    dependencies:\n    - require: private\n", "needs a name", 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewReader().Read(context.Background(), "d.lock", []byte(tc.in))
			var pe *sbom.ParseError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) || pe.Line != tc.line {
				t.Errorf("got %v, want %q at line %d", err, tc.want, tc.line)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	r := NewReader()
	if r.Detect("x", []byte("manifest:\n  projects: []\n")) || r.Detect("x", []byte("dependencies:\n  foo: 1\n")) {
		t.Error("false positive")
	}
}

func FuzzLock(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join("testdata", "sources.lock")); err == nil {
		f.Add(data)
	}
	f.Add([]byte("dependencies:\n  idf:\n    source:\n      type: idf\n    version: 5.0.0\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := NewReader().Read(context.Background(), "d.lock", data)
		if err == nil && doc == nil {
			t.Fatal("nil document")
		}
		var pe *sbom.ParseError
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("not a ParseError: %v", err)
		}
	})
}
