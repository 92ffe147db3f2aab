package arduino

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/source/mcu/internal/common"
	tu "github.com/premarket/premarket/sbom/source/mcu/internal/testutil"
)

var (
	libPath    = filepath.Join("testdata", "PumpTelemetry", "library.properties")
	sketchPath = filepath.Join("testdata", "pump_sketch", "sketch.yaml")
)

func read(t *testing.T, r sbom.Reader, path string) *sbom.Document {
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

const libIndexQ = "?repository_url=https:%2F%2Fdownloads.arduino.cc%2Flibraries%2Flibrary_index.json"

func TestLibrary(t *testing.T) {
	doc := read(t, NewLibraryReader(), libPath)
	if doc.Primary != nil {
		t.Errorf("a library is a component, not the primary: %+v", doc.Primary)
	}
	if len(doc.Components) != 5 {
		t.Fatalf("%d components, want the library and 4 dependencies", len(doc.Components))
	}
	lib := doc.Components[0]
	want := sbom.Component{Ref: "arduino:lib:PumpTelemetry@1.3.2", Type: sbom.TypeLibrary, Name: "PumpTelemetry", Version: "1.3.2",
		Author: "Acme Medical Devices", Supplier: "Acme Medical Devices <firmware@acme-medical.example>",
		Description: "Telemetry for Acme infusion pumps over MQTT. Publishes pump state and alarms; needs a network connection handler.",
		PURL:        "pkg:generic/PumpTelemetry@1.3.2", Homepage: "https://github.com/acme-medical/PumpTelemetry",
		Licenses: []sbom.License{{Expression: "Apache-2.0", Declared: "Apache-2.0"}}}
	got := *lib
	got.Properties, got.Origins, got.Loc = nil, nil, sbom.Location{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("library\n got %+v\nwant %+v", got, want)
	}
	for k, v := range map[string]string{"premarket:arduino:category": "Communication", "premarket:arduino:architectures": "samd,mbed_nano",
		"premarket:arduino:includes": "PumpTelemetry.h", "premarket:arduino:dot_a_linkage": "true", common.PropBuildSystem: "arduino"} {
		if g := tu.Prop(lib, k); g != v {
			t.Errorf("%s = %q, want %q", k, g, v)
		}
	}
	if o := lib.Origins[0]; o.Line != 1 || o.File != libPath || o.Kind != KindLibrary {
		t.Errorf("origin %+v", o)
	}
	deps := map[string]string{
		"ArduinoMqttClient":         ">=0.1.7",
		"Arduino_ConnectionHandler": "=0.8.1",
		"ArduinoJson":               ">=6.21.0 && <7.0.0",
		"Adafruit Unified Sensor":   "",
	}
	var refs []string
	for _, c := range doc.Components[1:] {
		wc, ok := deps[c.Name]
		if !ok {
			t.Errorf("unexpected dependency %q", c.Name)
			continue
		}
		if c.Version != "" || tu.Prop(c, common.PropVersionConstraint) != wc || tu.Prop(c, common.PropUnresolved) == "" ||
			c.PURL != "pkg:generic/"+strings.ReplaceAll(c.Name, " ", "%20")+libIndexQ || c.Origins[0].Line != 11 {
			t.Errorf("dependency %+v", c)
		}
		refs = append(refs, c.Ref)
	}
	if got := tu.DependsOn(doc, lib.Ref); !reflect.DeepEqual(got, refs) || len(refs) != 4 {
		t.Errorf("library -> %v, want %v", got, refs)
	}
}

func TestDepends(t *testing.T) {
	got, err := ParseDepends(" A ( >= 1.0 ),B,, Long Name With Spaces (=2.0.0)")
	if err != nil {
		t.Fatal(err)
	}
	want := []Depend{{"A", ">= 1.0"}, {"B", ""}, {"Long Name With Spaces", "=2.0.0"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v", got)
	}
	for _, bad := range []string{"(>=1.0)", "A (>=1.0) (<2)", "A (>=1"} {
		if _, err := ParseDepends(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSketch(t *testing.T) {
	doc := read(t, NewSketchReader(), sketchPath)
	p := doc.Primary
	if p == nil || p.Name != "pump_sketch" || tu.Prop(p, "premarket:arduino:default-profile") != "nano33iot" {
		t.Fatalf("primary %+v", p)
	}
	type want struct{ name, version, purl, profiles string }
	const pkgQ = "?repository_url=https:%2F%2Fdownloads.arduino.cc%2Fpackages%2Fpackage_index.json"
	wants := map[string]want{
		"arduino:platform:arduino:samd@1.8.14":        {"arduino:samd", "1.8.14", "pkg:generic/arduino/samd@1.8.14" + pkgQ, "nano33iot"},
		"arduino:platform:rp2040:rp2040@3.9.3":        {"rp2040:rp2040", "3.9.3", "pkg:generic/rp2040/rp2040@3.9.3?repository_url=https:%2F%2Fgithub.com%2Fearlephilhower%2Farduino-pico%2Freleases%2Fdownload%2Fglobal%2Fpackage_rp2040_index.json", "rp2040"},
		"arduino:lib:ArduinoMqttClient@0.1.8":         {"ArduinoMqttClient", "0.1.8", "pkg:generic/ArduinoMqttClient@0.1.8" + libIndexQ, "nano33iot,rp2040"},
		"arduino:lib:Arduino_ConnectionHandler@0.8.1": {"Arduino_ConnectionHandler", "0.8.1", "pkg:generic/Arduino_ConnectionHandler@0.8.1" + libIndexQ, "nano33iot"},
		"arduino:lib:ArduinoJson@6.21.5":              {"ArduinoJson", "6.21.5", "pkg:generic/ArduinoJson@6.21.5" + libIndexQ, "nano33iot"},
		"arduino:lib:ArduinoJson@7.0.4":               {"ArduinoJson", "7.0.4", "pkg:generic/ArduinoJson@7.0.4" + libIndexQ, "rp2040"},
		"arduino:lib:WiFiNINA@1.8.14":                 {"WiFiNINA", "1.8.14", "pkg:generic/WiFiNINA@1.8.14" + libIndexQ, "nano33iot"},
		"arduino:dir:libraries/PumpTelemetry":         {"PumpTelemetry", "", "", "nano33iot"},
	}
	if len(doc.Components) != len(wants) {
		t.Fatalf("%d components, want %d", len(doc.Components), len(wants))
	}
	for ref, w := range wants {
		c := doc.ComponentByRef(ref)
		if c == nil {
			t.Errorf("no %s", ref)
			continue
		}
		if got := (want{c.Name, c.Version, c.PURL, tu.Prop(c, "premarket:arduino:profiles")}); got != w {
			t.Errorf("%s\n got %+v\nwant %+v", ref, got, w)
		}
	}
	samd := doc.ComponentByRef("arduino:platform:arduino:samd@1.8.14")
	if samd.Type != sbom.TypeFramework || samd.Supplier != "Arduino" || samd.Origins[0].Line != 6 || samd.Origins[0].Path != "profiles.nano33iot.platforms[0]" {
		t.Errorf("samd %+v", samd)
	}
	mqtt := doc.ComponentByRef("arduino:lib:ArduinoMqttClient@0.1.8")
	if len(mqtt.Origins) != 2 || mqtt.Origins[0].Line != 8 || mqtt.Origins[1].Line != 19 {
		t.Errorf("mqtt origins %+v", mqtt.Origins)
	}
	if local := doc.ComponentByRef("arduino:dir:libraries/PumpTelemetry"); tu.Prop(local, common.PropPath) != "libraries/PumpTelemetry" || tu.Prop(local, common.PropUnresolved) == "" {
		t.Errorf("local %+v", local)
	}
	if got := tu.DependsOn(doc, "arduino:sketch"); len(got) != len(wants) {
		t.Errorf("sketch -> %v", got)
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name string
		r    sbom.Reader
		in   string
		want string
		line int
	}{
		{"no equals", NewLibraryReader(), "name=X\nversion=1.0.0\njunk line\n", "want key=value", 3},
		{"no name", NewLibraryReader(), "version=1.0.0\nsentence=x\n", "no library name", 0},
		{"bad depends", NewLibraryReader(), "name=X\nversion=1\n\ndepends=A (>=1\n", "depends", 4},
		{"profiles not map", NewSketchReader(), "profiles: [a]\n", "want a mapping of profile names", 1},
		{"bad platform", NewSketchReader(), "profiles:\n  p:\n    platforms:\n      - platform: avr (1.0)\n", "vendor:architecture", 4},
		{"bad library", NewSketchReader(), "profiles:\n  p:\n    libraries:\n      - A (1.0)\n      - [x]\n", "want \"Name (version)\"", 5},
		{"libraries not list", NewSketchReader(), "profiles:\n  p:\n    libraries: x\n", "want a list", 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.r.Read(context.Background(), "in", []byte(tc.in))
			var pe *sbom.ParseError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) || pe.Line != tc.line || pe.File != "in" {
				t.Errorf("got %v, want %q at line %d", err, tc.want, tc.line)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	lib, sk := NewLibraryReader(), NewSketchReader()
	if lib.Detect("x", []byte("name=x\nversion=1\n")) || lib.Detect("x", []byte("[env:a]\nname=x\nversion=1\nmaintainer=y\n")) ||
		lib.Detect("x", []byte("# java\nname.first=x\nversion=2\nsentence=a\n")) {
		t.Error("library false positive")
	}
	if sk.Detect("x", []byte("profiles:\n  p:\n    fqbn: a:b:c\n")) || sk.Detect("x", []byte("dependencies:\n  libraries:\n")) {
		t.Error("sketch false positive")
	}
	if !sk.Detect("x", []byte("default_profile: a\nprofiles:\n  a:\n    platforms:\n      - platform: arduino:avr (1.8.6)\n")) {
		t.Error("sketch not detected")
	}
}

func FuzzLibrary(f *testing.F) {
	if data, err := os.ReadFile(libPath); err == nil {
		f.Add(data)
	}
	f.Add([]byte("name=A\nversion=1\ndepends=B (>=1), C\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := NewLibraryReader().Read(context.Background(), "library.properties", data)
		if err == nil && (doc == nil || len(doc.Components) == 0) {
			t.Fatal("no document")
		}
		var pe *sbom.ParseError
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("not a ParseError: %v", err)
		}
	})
}

func FuzzSketch(f *testing.F) {
	if data, err := os.ReadFile(sketchPath); err == nil {
		f.Add(data)
	}
	f.Add([]byte("profiles:\n  p:\n    libraries:\n      - A (1)\n      - dir: x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := NewSketchReader().Read(context.Background(), "sketch.yaml", data)
		if err == nil && (doc == nil || doc.Primary == nil) {
			t.Fatal("no document")
		}
		var pe *sbom.ParseError
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("not a ParseError: %v", err)
		}
	})
}
