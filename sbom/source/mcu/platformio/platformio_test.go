package platformio

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/source/mcu/internal/common"
	tu "github.com/premarket/premarket/sbom/source/mcu/internal/testutil"
)

var pumpINI = filepath.Join("testdata", "pump", "platformio.ini")

func read(t *testing.T, r *Reader, path string) *sbom.Document {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Detect(path, data) {
		t.Fatalf("%s not detected", path)
	}
	doc, err := r.Read(context.Background(), path, data)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func byRef(t *testing.T, doc *sbom.Document, ref string) *sbom.Component {
	t.Helper()
	if c := doc.ComponentByRef(ref); c != nil {
		return c
	}
	t.Fatalf("no component %q", ref)
	return nil
}

// The ESP32 project with three environments, lib_deps of every form and
// a .pio/libdeps tree for two of them.
func TestProject(t *testing.T) {
	doc := read(t, NewReader(), pumpINI)
	type want struct {
		name, version, purl, envs, kind string
	}
	const reg = "?repository_url=https:%2F%2Fregistry.platformio.org"
	wants := map[string]want{
		"pio:platform:platformio/espressif32@6.9.0":                                                 {"espressif32", "6.9.0", "pkg:generic/platformio/espressif32@6.9.0" + reg, "esp32dev", ""},
		"pio:platform:platformio/espressif32@req:^6.5.0":                                            {"espressif32", "", "pkg:generic/platformio/espressif32" + reg, "esp32s3", ""},
		"pio:platform:platformio/native@":                                                           {"native", "", "pkg:generic/platformio/native" + reg, "native", ""},
		"pio:framework:framework-arduinoespressif32|espressif32@6.9.0":                              {"framework-arduinoespressif32", "", "pkg:generic/platformio/framework-arduinoespressif32" + reg, "esp32dev", ""},
		"pio:framework:framework-espidf|platformio/espressif32@^6.5.0":                              {"framework-espidf", "", "pkg:generic/platformio/framework-espidf" + reg, "esp32s3", ""},
		"pio:package:https://github.com/espressif/arduino-esp32.git@2.0.17":                         {"framework-arduinoespressif32", "2.0.17", "pkg:github/espressif/arduino-esp32@2.0.17", "esp32s3", ""},
		"pio:package:platformio/toolchain-xtensa-esp32s3@8.4.0+2021r2-patch5":                       {"toolchain-xtensa-esp32s3", "8.4.0+2021r2-patch5", "pkg:generic/platformio/toolchain-xtensa-esp32s3@8.4.0%2B2021r2-patch5" + reg, "esp32s3", ""},
		"pio:lib:bblanchon/arduinojson@6.21.5":                                                      {"ArduinoJson", "6.21.5", "pkg:generic/bblanchon/ArduinoJson@6.21.5" + reg, "esp32dev,esp32s3", "direct"},
		"pio:lib:knolleary/pubsubclient@2.8.0":                                                      {"PubSubClient", "2.8.0", "pkg:generic/knolleary/PubSubClient@2.8.0" + reg, "esp32dev,esp32s3", "direct"},
		"pio:lib:https://github.com/me-no-dev/AsyncTCP.git@1.1.4":                                   {"AsyncTCP", "1.1.4", "pkg:github/me-no-dev/asynctcp@v1.1.4", "esp32dev,esp32s3", "direct"},
		"pio:lib:paulstoffregen/onewire@2.3.8":                                                      {"OneWire", "2.3.8", "pkg:generic/paulstoffregen/OneWire@2.3.8" + reg, "esp32dev", "direct"},
		"pio:lib:onewire@":                                                                          {"OneWire", "", "pkg:generic/OneWire" + reg, "esp32s3", "direct"},
		"pio:lib:adafruit/adafruit bme280 library@2.2.4":                                            {"Adafruit BME280 Library", "2.2.4", "pkg:generic/adafruit/Adafruit%20BME280%20Library@2.2.4" + reg, "esp32dev,esp32s3", "direct"},
		"pio:lib:adafruit/adafruit unified sensor@1.1.14":                                           {"Adafruit Unified Sensor", "1.1.14", "pkg:generic/adafruit/Adafruit%20Unified%20Sensor@1.1.14" + reg, "esp32dev", "transitive"},
		"pio:lib:adafruit/adafruit busio@1.16.1":                                                    {"Adafruit BusIO", "1.16.1", "pkg:generic/adafruit/Adafruit%20BusIO@1.16.1" + reg, "esp32dev", "transitive"},
		"pio:lib:https://github.com/me-no-dev/ESPAsyncWebServer/archive/refs/tags/v1.2.4.zip@1.2.4": {"ESPAsyncWebServer", "1.2.4", "pkg:github/me-no-dev/espasyncwebserver@v1.2.4", "esp32dev,esp32s3", "direct"},
		"pio:lib:lib_shared/SensorCal@0.3.0":                                                        {"SensorCal", "0.3.0", "", "esp32dev", "direct"},
		"pio:lib:lib_shared/SensorCal@":                                                             {"SensorCal", "", "", "esp32s3", "direct"},
		"pio:lib:../common/PumpProtocol@1.4.0":                                                      {"PumpProtocol", "1.4.0", "", "esp32dev,esp32s3", "direct"},
		"pio:lib:${sysenv.PUMP_EXTRA_LIB}":                                                          {"${sysenv.PUMP_EXTRA_LIB}", "", "", "esp32dev,esp32s3", ""},
		"pio:lib:throwtheswitch/unity@2.5.2":                                                        {"Unity", "2.5.2", "pkg:generic/throwtheswitch/Unity@2.5.2" + reg, "native", "direct"},
	}
	if len(doc.Components) != len(wants) {
		for _, c := range doc.Components {
			t.Log(c.Ref)
		}
		t.Fatalf("%d components, want %d", len(doc.Components), len(wants))
	}
	for ref, w := range wants {
		c := byRef(t, doc, ref)
		got := want{c.Name, c.Version, c.PURL, tu.Prop(c, PropEnvs), tu.Prop(c, common.PropDependencyKind)}
		if got != w {
			t.Errorf("%s:\n got %+v\nwant %+v", ref, got, w)
		}
		_, unresolved := c.Property(common.PropUnresolved)
		if unresolved != (c.Version == "") {
			t.Errorf("%s: version %q but unresolved=%v", ref, c.Version, unresolved)
		}
	}

	// Ranges are kept; pinned versions need no constraint property.
	for ref, wc := range map[string]string{
		"pio:lib:bblanchon/arduinojson@6.21.5":           "^6.21.3",
		"pio:lib:knolleary/pubsubclient@2.8.0":           "~2.8",
		"pio:platform:platformio/espressif32@req:^6.5.0": "^6.5.0",
		"pio:lib:adafruit/adafruit bme280 library@2.2.4": "",
	} {
		if got := tu.Prop(byRef(t, doc, ref), common.PropVersionConstraint); got != wc {
			t.Errorf("%s constraint %q, want %q", ref, got, wc)
		}
	}
	// Host tools and the platform do not ship; frameworks do.
	for ref, scope := range map[string]string{
		"pio:platform:platformio/espressif32@6.9.0":                           "host",
		"pio:package:platformio/toolchain-xtensa-esp32s3@8.4.0+2021r2-patch5": "host",
		"pio:package:https://github.com/espressif/arduino-esp32.git@2.0.17":   "",
		"pio:framework:framework-espidf|platformio/espressif32@^6.5.0":        "",
	} {
		if got := tu.Prop(byRef(t, doc, ref), sbom.PropBuildScope); got != scope {
			t.Errorf("%s scope %q, want %q", ref, got, scope)
		}
	}
	// Facts from the installed metadata.
	aj := byRef(t, doc, "pio:lib:bblanchon/arduinojson@6.21.5")
	if aj.Group != "bblanchon" || len(aj.Licenses) != 1 || aj.Licenses[0].Expression != "MIT" || !strings.HasPrefix(aj.Homepage, "https://arduinojson.org/") {
		t.Errorf("ArduinoJson %+v", aj)
	}
	if len(aj.Origins) != 6 || aj.Origins[0].Line != 14 || aj.Origins[0].Path != "[env:esp32dev].lib_deps" ||
		aj.Origins[3].Path != "[env:esp32s3].lib_deps" || filepath.Base(aj.Origins[1].File) != ".piopm" {
		t.Errorf("ArduinoJson origins %+v", aj.Origins)
	}
	at := byRef(t, doc, "pio:lib:https://github.com/me-no-dev/AsyncTCP.git@1.1.4")
	if tu.Prop(at, "premarket:platformio:installed-commit") != "ca8ac5f" || tu.Prop(at, common.PropRevisionKind) != "tag" || at.Licenses[0].Expression != "LGPL-3.0-only" {
		t.Errorf("AsyncTCP %+v", at)
	}
	if fw := byRef(t, doc, "pio:framework:framework-espidf|platformio/espressif32@^6.5.0"); fw.Supplier != "Espressif Systems" || fw.CPE != "" {
		t.Errorf("framework-espidf supplier %q cpe %q", fw.Supplier, fw.CPE)
	}
	if p := tu.Prop(byRef(t, doc, "pio:lib:../common/PumpProtocol@1.4.0"), common.PropPath); p != "../common/PumpProtocol" {
		t.Errorf("PumpProtocol path %q", p)
	}

	// The graph.
	if got := tu.DependsOn(doc, "pio:lib:adafruit/adafruit bme280 library@2.2.4"); !reflect.DeepEqual(got, []string{"pio:lib:adafruit/adafruit unified sensor@1.1.14", "pio:lib:adafruit/adafruit busio@1.16.1"}) {
		t.Errorf("BME280 -> %v", got)
	}
	if got := tu.DependsOn(doc, "pio:lib:https://github.com/me-no-dev/ESPAsyncWebServer/archive/refs/tags/v1.2.4.zip@1.2.4"); !reflect.DeepEqual(got, []string{"pio:lib:https://github.com/me-no-dev/AsyncTCP.git@1.1.4"}) {
		t.Errorf("ESPAsyncWebServer -> %v", got)
	}
	root := tu.DependsOn(doc, "pio:project")
	if len(root) != len(wants)-2 { // everything but the two transitive libraries
		t.Errorf("project depends on %d components: %v", len(root), root)
	}
	if len(doc.Dependencies) != 3 {
		t.Errorf("%d dependency entries, want 3", len(doc.Dependencies))
	}

	p := doc.Primary
	if p.Name != "infusion-pump-controller" || p.Description != "Infusion pump controller firmware" || tu.Prop(p, "premarket:platformio:default-envs") != "esp32dev" {
		t.Errorf("primary %+v", p)
	}
	var envs []string
	for _, pr := range p.Properties {
		if pr.Name == PropEnv {
			envs = append(envs, pr.Value)
		}
	}
	if !reflect.DeepEqual(envs, []string{
		"esp32dev platform=espressif32@6.9.0 board=esp32dev framework=arduino",
		"esp32s3 platform=platformio/espressif32@^6.5.0 board=esp32-s3-devkitc-1 framework=arduino,espidf",
		"native platform=native",
	}) {
		t.Errorf("envs %q", envs)
	}
}

// Without the project tree (a platformio.ini read from a pipe) the
// versions are what the manifest says and nothing more.
func TestManifestOnly(t *testing.T) {
	doc := read(t, &Reader{Files: common.NoFiles{}}, pumpINI)
	aj := byRef(t, doc, "pio:lib:bblanchon/arduinojson@req:^6.21.3")
	if aj.Version != "" || tu.Prop(aj, common.PropVersionConstraint) != "^6.21.3" || tu.Prop(aj, common.PropUnresolved) == "" ||
		aj.PURL != "pkg:generic/bblanchon/ArduinoJson?repository_url=https:%2F%2Fregistry.platformio.org" || tu.Prop(aj, PropEnvs) != "esp32dev,esp32s3" {
		t.Errorf("ArduinoJson %+v", aj)
	}
	// A pinned tag still gives the version.
	if at := byRef(t, doc, "pio:lib:https://github.com/me-no-dev/AsyncTCP.git@1.1.4"); at.PURL != "pkg:github/me-no-dev/asynctcp@v1.1.4" {
		t.Errorf("AsyncTCP %+v", at)
	}
	for _, c := range doc.Components {
		if tu.Prop(c, common.PropDependencyKind) == "transitive" {
			t.Errorf("transitive %s without a libdeps tree", c.Ref)
		}
	}
}

func TestINI(t *testing.T) {
	in := `# comment
[platformio]
default_envs = a, b

[base]
lib_deps = base/one@1.0.0
flags = -DX=1 ; inline comment

[mid]
extends = base
lib_deps =
    ${base.lib_deps}

    ; a comment inside the value
    mid/two @ ^2.0  ; trailing comment
name_tag = ${this.__env__}-${sysenv.HOME}

[env]
board: generic
platform = p@1.0.0

[env:a]
extends = mid
lib_deps =
    ${mid.lib_deps}
    extra/three

[env:b]
extends = base, mid
platform = override@2.0.0
lib_deps = ${base.lib_deps}
	${this.platform}
`
	cfg, err := parseINI("p.ini", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	get := func(env, opt string) []item {
		t.Helper()
		v, err := cfg.get("env:"+env, opt, env)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got := splitMulti(get("a", "lib_deps")); !reflect.DeepEqual(got, []item{{"base/one@1.0.0", 6}, {"mid/two @ ^2.0", 15}, {"extra/three", 26}}) {
		t.Errorf("a lib_deps %v", got)
	}
	if got := get("a", "platform"); !reflect.DeepEqual(got, []item{{"p@1.0.0", 20}}) {
		t.Errorf("a platform from [env]: %v", got)
	}
	if got := get("a", "board"); !reflect.DeepEqual(got, []item{{"generic", 19}}) {
		t.Errorf("a board with ':' delimiter: %v", got)
	}
	if got := get("a", "flags"); !reflect.DeepEqual(got, []item{{"-DX=1", 7}}) {
		t.Errorf("a flags via mid -> base: %v", got)
	}
	if got := get("a", "name_tag"); !reflect.DeepEqual(got, []item{{"a-${sysenv.HOME}", 16}}) {
		t.Errorf("a name_tag %v", got)
	}
	// extends = base, mid: PlatformIO looks in the last-named first.
	if got := get("b", "name_tag"); !reflect.DeepEqual(got, []item{{"b-${sysenv.HOME}", 16}}) {
		t.Errorf("b name_tag %v", got)
	}
	if got := splitMulti(get("b", "lib_deps")); !reflect.DeepEqual(got, []item{{"base/one@1.0.0", 6}, {"override@2.0.0", 30}}) {
		t.Errorf("b lib_deps %v", got)
	}
	if got := splitMulti(mustGet(cfg, "platformio", "default_envs")); len(got) != 2 || got[1].text != "b" {
		t.Errorf("default_envs %v", got)
	}
}

func TestSpecs(t *testing.T) {
	cases := []struct {
		in   string
		want spec
	}{
		{"bblanchon/ArduinoJson@^6.21.3", spec{owner: "bblanchon", name: "ArduinoJson", req: "^6.21.3", source: srcRegistry}},
		{"ArduinoJson@6.21.5", spec{name: "ArduinoJson", req: "6.21.5", source: srcRegistry}},
		{"OneWire", spec{name: "OneWire", source: srcRegistry}},
		{"knolleary/PubSubClient @ ~2.8", spec{owner: "knolleary", name: "PubSubClient", req: "~2.8", source: srcRegistry}},
		{"adafruit/Adafruit GFX Library@>=1.11.0,<2", spec{owner: "adafruit", name: "Adafruit GFX Library", req: ">=1.11.0,<2", source: srcRegistry}},
		{"https://github.com/o/r.git#v1.2.3", spec{name: "r", source: srcGit, url: "https://github.com/o/r.git", ref: "v1.2.3"}},
		{"https://github.com/o/r", spec{name: "r", source: srcGit, url: "https://github.com/o/r"}},
		{"git+https://gitlab.example.com/grp/sub/lib#main", spec{name: "lib", source: srcGit, url: "git+https://gitlab.example.com/grp/sub/lib", ref: "main"}},
		{"git@github.com:o/r.git#1a2b3c4d", spec{name: "r", source: srcGit, url: "git@github.com:o/r.git", ref: "1a2b3c4d"}},
		{"MyLib=https://example.com/dl/mylib-1.0.zip", spec{name: "MyLib", custom: true, source: srcArchive, url: "https://example.com/dl/mylib-1.0.zip"}},
		{"https://example.com/dl/other-2.1.tar.gz", spec{name: "other-2.1", source: srcArchive, url: "https://example.com/dl/other-2.1.tar.gz"}},
		{"https://github.com/o/r/archive/refs/tags/v2.0.1.zip", spec{name: "r", source: srcArchive, url: "https://github.com/o/r/archive/refs/tags/v2.0.1.zip", ref: "v2.0.1", ghOwner: "o", ghRepo: "r"}},
		{"https://github.com/o/r/releases/download/v3.0/r-3.0.zip", spec{name: "r", source: srcArchive, url: "https://github.com/o/r/releases/download/v3.0/r-3.0.zip", ref: "v3.0", ghOwner: "o", ghRepo: "r"}},
		{"file://lib/Local", spec{name: "Local", source: srcLocal, path: "lib/Local"}},
		{"symlink:///abs/path/Shared/", spec{name: "Shared", source: srcLocal, path: "/abs/path/Shared/"}},
		{"platformio/framework-espidf @ https://github.com/espressif/esp-idf.git#v5.1.2", spec{owner: "platformio", name: "framework-espidf", custom: true, source: srcGit, url: "https://github.com/espressif/esp-idf.git", ref: "v5.1.2"}},
	}
	for _, tc := range cases {
		got, err := parseSpec(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		tc.want.raw = tc.in
		if got != tc.want {
			t.Errorf("%q:\n got %+v\nwant %+v", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{"", "a/b/c", "name@", "x=ftp:", "lib@1.0 extra/x@2"} {
		if s, err := parseSpec(bad); err == nil {
			t.Errorf("%q accepted: %+v", bad, s)
		}
	}
	for req, want := range map[string]string{"1.2.3": "1.2.3", "==1.2.3": "1.2.3", "^1.2.3": "", "~1.2": "", "1.2": "", ">=1.0.0": "", "8.4.0+2021r2-patch5": "8.4.0+2021r2-patch5"} {
		if got := exactVersion(req); got != want {
			t.Errorf("exactVersion(%q) = %q, want %q", req, got, want)
		}
	}
}

// An ESP-IDF override by git tag is ESP-IDF at that release, with its CPE.
func TestFrameworkOverride(t *testing.T) {
	in := "[env:idf]\nplatform = espressif32 @ 6.4.0\nframework = espidf\nplatform_packages = platformio/framework-espidf @ https://github.com/espressif/esp-idf.git#v5.1.2\n"
	doc, err := (&Reader{Files: common.NoFiles{}}).Read(context.Background(), "platformio.ini", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Components) != 2 {
		t.Fatalf("%d components, want platform and framework", len(doc.Components))
	}
	fw := tu.ByName(t, doc, "framework-espidf")
	if fw.Version != "5.1.2" || fw.PURL != "pkg:github/espressif/esp-idf@v5.1.2" || fw.CPE != "cpe:2.3:a:espressif:esp-idf:5.1.2:*:*:*:*:*:*:*" ||
		fw.Type != sbom.TypeFramework || tu.Prop(fw, "premarket:platformio:framework") != "espidf" {
		t.Errorf("framework %+v", fw)
	}
	// A framework whose package depends on the board stays named by the
	// framework, unresolved.
	in = "[env:nucleo]\nplatform = ststm32\nboard = nucleo_f401re\nframework = stm32cube\n"
	doc, err = (&Reader{Files: common.NoFiles{}}).Read(context.Background(), "platformio.ini", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	fw = tu.ByName(t, doc, "stm32cube")
	if fw.PURL != "" || tu.Prop(fw, common.PropUnresolved) == "" || fw.Type != sbom.TypeFramework {
		t.Errorf("stm32cube %+v", fw)
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name, in, want string
		line           int
	}{
		{"no section", "platform = x\n", "before the first [section]", 1},
		{"no delimiter", "[env:a]\nplatform\n", "want \"option = value\"", 2},
		{"dup section", "[env:a]\n[env:b]\n[env:a]\n", "already defined at line 1", 3},
		{"dup option", "[env:a]\nboard = x\nboard = y\n", "already set at line 2", 3},
		{"unclosed", "[env:a\n", "no closing ]", 1},
		{"bad lib", "[env:a]\nlib_deps =\n  good/one\n  a/b/c\n", "[env:a].lib_deps", 4},
		{"cycle", "[env:a]\nlib_deps = ${env:a.lib_deps}\n", "nested more than", 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := (&Reader{Files: common.NoFiles{}}).Read(context.Background(), "platformio.ini", []byte(tc.in))
			var pe *sbom.ParseError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) || pe.Line != tc.line || pe.File != "platformio.ini" {
				t.Errorf("got %v, want %q at line %d", err, tc.want, tc.line)
			}
		})
	}
	// A malformed .piopm is an error naming that file and line.
	dir := t.TempDir()
	ini := filepath.Join(dir, "platformio.ini")
	lib := filepath.Join(dir, ".pio", "libdeps", "a", "Lib")
	if err := os.MkdirAll(lib, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(lib, ".piopm"), []byte("{\n\"name\": \"Lib\",\n\"version\": 1.0\n}"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := NewReader().Read(context.Background(), ini, []byte("[env:a]\nlib_deps = Lib\n"))
	var pe *sbom.ParseError
	if !errors.As(err, &pe) || pe.File != filepath.Join(lib, ".piopm") || pe.Line != 3 {
		t.Errorf("bad .piopm: %v", err)
	}
}

// References that double at every level stop at the expansion budget.
func TestExpansionBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString("[x]\nv0 = " + strings.Repeat("a", 1000) + "\n")
	for i := 1; i <= 30; i++ {
		b.WriteString("v" + strconv.Itoa(i) + " = ${x.v" + strconv.Itoa(i-1) + "} ${x.v" + strconv.Itoa(i-1) + "}\n")
	}
	b.WriteString("[env:a]\nlib_deps = ${x.v30}\n")
	_, err := (&Reader{Files: common.NoFiles{}}).Read(context.Background(), "platformio.ini", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "interpolation produces more than") {
		t.Errorf("got %v", err)
	}
}

func TestDetect(t *testing.T) {
	r := NewReader()
	for _, in := range []string{"[platformio]\nsrc_dir = src\n", "; c\n[env:uno]\nplatform = atmelavr\n", "[env:uno] ; board\n", "\xef\xbb\xbf\n# c\n\n[platformio]\n"} {
		if !r.Detect("x", []byte(in)) {
			t.Errorf("%q not detected", in)
		}
	}
	for _, in := range []string{"[submodule \"a\"]\n\tpath = a\n", "[env]\nplatform = x\n", "[core]\n\tbare = false\n", "name=x\nversion=1\n", "package x\n\nconst in = `\n[env:a]\nplatform = y\n`\n"} {
		if r.Detect("x", []byte(in)) {
			t.Errorf("%q detected", in)
		}
	}
}

func FuzzPlatformIO(f *testing.F) {
	if data, err := os.ReadFile(pumpINI); err == nil {
		f.Add(data)
	}
	f.Add([]byte("[env:a]\nextends = b, env:a\nlib_deps = ${b.x}\n  https://github.com/o/r.git#v1\n[b]\nx = ${this.__env__}@1.0.0, y\n"))
	f.Add([]byte("[platformio]\nlibdeps_dir = ${sysenv.X}\n[env:z]\nplatform_packages = a @ file://x\nframework = arduino, zephyr\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := (&Reader{Files: common.NoFiles{}}).Read(context.Background(), "platformio.ini", data)
		if err == nil && (doc == nil || doc.Primary == nil) {
			t.Fatal("nil document")
		}
		var pe *sbom.ParseError
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("not a ParseError: %v", err)
		}
	})
}
