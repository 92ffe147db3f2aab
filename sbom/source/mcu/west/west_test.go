package west

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/premarket/premarket/internal/testfixtures"
	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/source/mcu/internal/common"
	tu "github.com/premarket/premarket/sbom/source/mcu/internal/testutil"
)

func readFile(t *testing.T, r sbom.Reader, path string) *sbom.Document {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Detect(path, data) {
		t.Fatalf("%s not detected as %s", path, r.Kind())
	}
	doc, err := r.Read(context.Background(), path, data)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func names(doc *sbom.Document) []string {
	var out []string
	for _, c := range doc.Components {
		out = append(out, c.Name)
	}
	sort.Strings(out)
	return out
}

// The real manifest of the HealthyPi Move wearable: one project (sdk-nrf
// v2.8-branch) importing with a path-prefix, a commented-out project.
func TestHealthyPiMove(t *testing.T) {
	path := filepath.Join(testfixtures.Dir(t), "manifests", "zephyr_healthypi-move_west.yml")
	doc := readFile(t, NewManifestReader(), path)
	if got := names(doc); !reflect.DeepEqual(got, []string{"sdk-nrf"}) {
		t.Fatalf("components = %v, want [sdk-nrf] (max30001 is commented out)", got)
	}
	c := doc.Components[0]
	if c.Version != "v2.8-branch" || c.PURL != "pkg:github/nrfconnect/sdk-nrf@v2.8-branch" {
		t.Errorf("version %q purl %q", c.Version, c.PURL)
	}
	if c.CPE != "" {
		t.Errorf("a branch must not give a CPE, got %q", c.CPE)
	}
	if c.Supplier != "Nordic Semiconductor" || c.Type != sbom.TypeFramework {
		t.Errorf("supplier %q type %q", c.Supplier, c.Type)
	}
	want := map[string]string{
		common.PropVCSURL:            "https://github.com/nrfconnect/sdk-nrf",
		common.PropRevisionKind:      "ref",
		common.PropPath:              "nrf",
		"premarket:west:clone-depth": "1",
		"premarket:west:import":      "west.yml path-prefix=external",
	}
	for k, v := range want {
		if got := tu.Prop(c, k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if u := tu.Prop(c, common.PropUnresolved); !strings.Contains(u, "path-prefix=external") || !strings.Contains(u, filepath.Join("nrf", "west.yml")) {
		t.Errorf("unresolved = %q", u)
	}
	if c.Origins[0].Line != 12 || c.Origins[0].File != path {
		t.Errorf("origin %+v, want line 12", c.Origins[0])
	}
	if doc.Primary == nil || doc.Primary.Name != "application" {
		t.Fatalf("primary %+v", doc.Primary)
	}
	if got := tu.DependsOn(doc, doc.Primary.Ref); !reflect.DeepEqual(got, []string{"west:sdk-nrf"}) {
		t.Errorf("primary depends on %v", got)
	}
}

// A workspace on disk: imports are resolved with allowlists and
// path-prefixes, versions come from VERSION files, CPEs from module.yml.
func TestWorkspace(t *testing.T) {
	doc := readFile(t, NewManifestReader(), filepath.Join("testdata", "ws", "app", "west.yml"))
	want := []string{"cmsis", "mbedtls", "mcuboot", "nrf", "nrfxlib", "pump-hal", "sensor-lib", "zephyr"}
	if got := names(doc); !reflect.DeepEqual(got, want) {
		t.Fatalf("components = %v, want %v (lvgl is not allowlisted, old-display is commented out)", got, want)
	}
	z := tu.ByName(t, doc, "zephyr")
	if z.Version != "3.7.0" || z.CPE != "cpe:2.3:o:zephyrproject:zephyr:3.7.0:*:*:*:*:*:*:*" || z.Type != sbom.TypeOperatingSystem {
		t.Errorf("zephyr: version %q cpe %q type %q", z.Version, z.CPE, z.Type)
	}
	if z.PURL != "pkg:github/zephyrproject-rtos/zephyr@v3.7.0" || tu.Prop(z, common.PropVCSRevision) != "v3.7.0" {
		t.Errorf("zephyr purl %q", z.PURL)
	}
	if tu.Prop(z, "premarket:west:imported-from") != "" {
		t.Error("zephyr is defined by the top manifest, the NCS import must not replace it")
	}
	nrf := tu.ByName(t, doc, "nrf")
	if nrf.Version != "2.8.0" || nrf.CPE != "" || nrf.PURL != "pkg:github/nrfconnect/sdk-nrf@v2.8.0" {
		t.Errorf("nrf: %q %q %q", nrf.Version, nrf.CPE, nrf.PURL)
	}
	mb := tu.ByName(t, doc, "mbedtls")
	if mb.CPE != "cpe:2.3:a:arm:mbed_tls:3.6.2:*:*:*:*:*:*:*" || tu.Prop(mb, "premarket:zephyr:module-purl") != "pkg:github/Mbed-TLS/mbedtls@v3.6.2" {
		t.Errorf("mbedtls cpe %q props %v", mb.CPE, mb.Properties)
	}
	if tu.Prop(mb, common.PropPath) != "modules/crypto/mbedtls" || mb.Origins[0].File != filepath.Join("testdata", "ws", "zephyr", "west.yml") {
		t.Errorf("mbedtls path %q origin %+v", tu.Prop(mb, common.PropPath), mb.Origins)
	}
	cm := tu.ByName(t, doc, "cmsis")
	if tu.Prop(cm, common.PropRevisionKind) != "commit" || cm.CPE != "" || tu.Prop(cm, "premarket:west:groups") != "hal" {
		t.Errorf("cmsis %+v", cm.Properties)
	}
	mc := tu.ByName(t, doc, "mcuboot")
	if tu.Prop(mc, common.PropPath) != "nordic/bootloader/mcuboot" || mc.PURL != "pkg:github/nrfconnect/sdk-mcuboot@v2.1.0-ncs2" {
		t.Errorf("mcuboot path %q purl %q", tu.Prop(mc, common.PropPath), mc.PURL)
	}
	if mc.CPE != "" {
		t.Errorf("mcuboot has no verified CPE, got %q", mc.CPE)
	}
	nx := tu.ByName(t, doc, "nrfxlib")
	if tu.Prop(nx, common.PropPath) != "nordic/nrfxlib" || !strings.Contains(tu.Prop(nx, common.PropUnresolved), filepath.Join("nordic", "nrfxlib", "west.yml")) {
		t.Errorf("nrfxlib %+v", nx.Properties)
	}
	if tu.Prop(nrf, common.PropUnresolved) != "" || tu.Prop(z, common.PropUnresolved) != "" {
		t.Error("resolved imports must not be marked unresolved")
	}
	ph := tu.ByName(t, doc, "pump-hal")
	if ph.PURL != "pkg:generic/pump-hal@4f8b2c1d9e0a7b6c5d4e3f2a1b0c9d8e7f6a5b4c?vcs_url=git%2Bhttps:%2F%2Fgit.example.com%2Fpump%2Fhal%2Fpump-hal.git" {
		t.Errorf("pump-hal purl %q", ph.PURL)
	}
	if tu.Prop(ph, "premarket:west:submodules") != "true" || ph.DownloadURL != "https://git.example.com/pump/hal/pump-hal.git" {
		t.Errorf("pump-hal %+v", ph)
	}
	sl := tu.ByName(t, doc, "sensor-lib")
	if sl.Version != "main" || !strings.HasPrefix(sl.PURL, "pkg:generic/sensor-lib@main?vcs_url=") {
		t.Errorf("sensor-lib %q %q", sl.Version, sl.PURL)
	}
	// Graph: self -> top projects; zephyr -> its imports; nrf -> its
	// imports, including the zephyr it also names.
	if got := tu.DependsOn(doc, "west:self"); !reflect.DeepEqual(got, []string{"west:zephyr", "west:nrf", "west:pump-hal", "west:sensor-lib"}) {
		t.Errorf("self -> %v", got)
	}
	if got := tu.DependsOn(doc, "west:zephyr"); !reflect.DeepEqual(got, []string{"west:cmsis", "west:mbedtls"}) {
		t.Errorf("zephyr -> %v", got)
	}
	if got := tu.DependsOn(doc, "west:nrf"); !reflect.DeepEqual(got, []string{"west:zephyr", "west:mcuboot", "west:nrfxlib"}) {
		t.Errorf("nrf -> %v", got)
	}
	// Without the workspace the same manifest gives its own four projects
	// and says the imports were not followed.
	data, _ := os.ReadFile(filepath.Join("testdata", "ws", "app", "west.yml"))
	alone, err := (&ManifestReader{Files: common.NoFiles{}}).Read(context.Background(), "west.yml", data)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(alone); !reflect.DeepEqual(got, []string{"nrf", "pump-hal", "sensor-lib", "zephyr"}) {
		t.Fatalf("alone: %v", got)
	}
	za := tu.ByName(t, alone, "zephyr")
	if za.Version != "v3.7.0" || za.CPE != "cpe:2.3:o:zephyrproject:zephyr:3.7.0:*:*:*:*:*:*:*" || tu.Prop(za, common.PropUnresolved) == "" {
		t.Errorf("alone zephyr %q %q %v", za.Version, za.CPE, za.Properties)
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name, in, want string
		line           int
	}{
		{"no manifest", "foo: 1\n", "no \"manifest\" mapping", 1},
		{"no name", "manifest:\n  projects:\n    - url: https://x/y\n", "needs a name", 3},
		{"url and remote", "manifest:\n  remotes:\n    - name: r\n      url-base: https://x\n  projects:\n    - name: a\n      remote: r\n      url: https://x/a\n", "both url and remote", 6},
		{"unknown remote", "manifest:\n  projects:\n    - name: a\n      remote: nope\n", "not defined", 3},
		{"no remote", "manifest:\n  projects:\n    - name: a\n", "no url, no remote", 3},
		{"duplicate", "manifest:\n  projects:\n    - name: a\n      url: https://x/a\n    - name: a\n      url: https://x/b\n", "already defined at line 3", 5},
		{"bad type", "manifest:\n  projects:\n    - name: [a]\n      url: https://x/a\n", "want a string", 3},
		{"escape", "manifest:\n  projects:\n    - name: a\n      url: https://x/a\n      path: ../../etc\n", "leaves the workspace", 3},
		{"import escape", "manifest:\n  projects:\n    - name: a\n      url: https://x/a\n      import: ../../x.yml\n", "leaves the project", 5},
		{"syntax", "manifest:\n  projects: [\n", "", 0},
		{"binary", "manifest:\x00", "binary", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := (&ManifestReader{Files: common.NoFiles{}}).Read(context.Background(), "w.yml", []byte(tc.in))
			var pe *sbom.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("want *sbom.ParseError, got %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) || (tc.line > 0 && pe.Line != tc.line) || pe.File != "w.yml" {
				t.Errorf("got %v (line %d), want %q at line %d", err, pe.Line, tc.want, tc.line)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	r := NewManifestReader()
	if r.Detect("west.yml", []byte("dependencies:\n  x: 1\n")) {
		t.Error("detected a non-manifest")
	}
	if !r.Detect("anything.txt", []byte("# c\nmanifest:\n  remotes: []\n")) {
		t.Error("missed a manifest")
	}
	if r.Detect("x", []byte("manifest: 3\nprojects: 4\n")) {
		t.Error("detected top-level projects")
	}
}

func FuzzManifest(f *testing.F) {
	for _, p := range []string{filepath.Join("testdata", "ws", "app", "west.yml"), filepath.Join("testdata", "ws", "zephyr", "west.yml"), filepath.Join("testdata", "ws", "nrf", "west.yml")} {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("manifest:\n  self:\n    import: [a.yml, {file: b.yml, path-prefix: x}]\n"))
	r := &ManifestReader{Files: common.NoFiles{}}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := r.Read(context.Background(), "w.yml", data)
		if err == nil && doc == nil {
			t.Fatal("nil document without error")
		}
		var pe *sbom.ParseError
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("error is not a ParseError: %v", err)
		}
	})
}
