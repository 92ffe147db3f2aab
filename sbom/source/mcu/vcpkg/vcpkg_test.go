package vcpkg

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/source/mcu/internal/common"
	tu "github.com/premarket/premarket/sbom/source/mcu/internal/testutil"
)

func TestManifest(t *testing.T) {
	p := filepath.Join("testdata", "proj", "vcpkg.json")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !NewReader().Detect(p, data) || NewReader().Detect("package.json", []byte(`{"name":"x","dependencies":{"a":"1"}}`)) {
		t.Fatal("detection")
	}
	// Alone: builtin-baseline and the default registry.
	doc, err := (&Reader{Files: common.NoFiles{}}).Read(context.Background(), p, data)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Primary.Name != "pump-gateway" || doc.Primary.Version != "2.4.1" || len(doc.Components) != 5 {
		t.Fatalf("primary %+v, %d components", doc.Primary, len(doc.Components))
	}
	z := tu.ByName(t, doc, "zlib")
	if z.Version != "1.3.1" || z.PURL != "pkg:vcpkg/zlib@1.3.1?repository_revision=3426db05b996481ca31e95fff3734cf23e0f51bc" || z.CPE != "cpe:2.3:a:zlib:zlib:1.3.1:*:*:*:*:*:*:*" {
		t.Errorf("zlib %q %q %q", z.Version, z.PURL, z.CPE)
	}
	o := tu.ByName(t, doc, "openssl")
	if o.Version != "" || o.CPE != "" || tu.Prop(o, "premarket:vcpkg:version-minimum") != "3.0.8" || tu.Prop(o, common.PropUnresolved) == "" || o.Origins[0].Line != 7 {
		t.Errorf("openssl %+v", o)
	}
	if tu.Prop(tu.ByName(t, doc, "vcpkg-cmake"), sbom.PropBuildScope) != "host" {
		t.Error("host dependency")
	}
	if tu.Prop(tu.ByName(t, doc, "curl"), "premarket:vcpkg:features") != "ssl,http2" || tu.Prop(tu.ByName(t, doc, "mbedtls"), "premarket:vcpkg:platform") != "!windows" {
		t.Error("features/platform")
	}
	if len(tu.DependsOn(doc, "vcpkg:self")) != 5 {
		t.Error("self edges")
	}
	// With vcpkg-configuration.json: its registry and baseline win.
	doc, err = NewReader().Read(context.Background(), p, data)
	if err != nil {
		t.Fatal(err)
	}
	z = tu.ByName(t, doc, "zlib")
	if z.PURL != "pkg:vcpkg/zlib@1.3.1?repository_revision=c8696863d371ab7f46e213d8f5ca923c4aef2a00&repository_url=https:%2F%2Fgithub.com%2Facme-med%2Fvcpkg-registry" {
		t.Errorf("zlib with configuration %q", z.PURL)
	}
}

func TestErrors(t *testing.T) {
	for in, want := range map[string]string{
		`{"dependencies": [1, {"name": ""}]}`:                "empty port name",
		`{"dependencies": ["a", "a"]}`:                       "already listed",
		`{"dependencies": {"a": 1}}`:                         "want a list",
		`{"dependencies": [[1]]}`:                            "want a port name",
		`{"dependencies": [], "overrides": [{"name": "a"}]}`: "needs a name and a version",
	} {
		_, err := (&Reader{Files: common.NoFiles{}}).Read(context.Background(), "vcpkg.json", []byte(in))
		var pe *sbom.ParseError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", in, err, want)
		}
	}
}

func FuzzManifest(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join("testdata", "proj", "vcpkg.json")); err == nil {
		f.Add(data)
	}
	r := &Reader{Files: common.NoFiles{}}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := r.Read(context.Background(), "vcpkg.json", data); err != nil {
			var pe *sbom.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("not a ParseError: %v", err)
			}
		}
	})
}
