package west

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/source/mcu/internal/common"
	tu "github.com/premarket/premarket/sbom/source/mcu/internal/testutil"
	"github.com/premarket/premarket/sbom/spdx"
)

func TestSPDXZephyr(t *testing.T) {
	doc := readFile(t, NewSPDXReader(), filepath.Join("testdata", "spdx", "zephyr.spdx"))
	// zephyr.spdx DESCRIBES every package, so none is the primary: all
	// three are components (and none is lost when documents are merged).
	if doc.Primary != nil || len(doc.Components) != 3 {
		t.Fatalf("primary %v, %d components; want none and 3", doc.Primary, len(doc.Components))
	}
	z := tu.ByName(t, doc, "zephyr")
	if z.Name != "zephyr" || z.Version != "3.7.0" || z.Type != sbom.TypeOperatingSystem {
		t.Errorf("zephyr %q %q %q", z.Name, z.Version, z.Type)
	}
	if z.PURL != "pkg:github/zephyrproject-rtos/zephyr@v3.7.0" || tu.Prop(z, "premarket:zephyr:spdx-purl") != "pkg:github.com/zephyrproject-rtos/zephyr@v3.7.0" {
		t.Errorf("zephyr purl %q (%v)", z.PURL, z.Properties)
	}
	if z.CPE != "cpe:2.3:o:zephyrproject:zephyr:3.7.0:-:*:*:*:*:*:*" || z.DownloadURL != "https://github.com/zephyrproject-rtos/zephyr" {
		t.Errorf("zephyr cpe %q download %q", z.CPE, z.DownloadURL)
	}
	if tu.Prop(z, common.PropVCSRevision) != "v3.7.0" || tu.Prop(z, "premarket:zephyr:spdx-package") != "zephyr-sources" || z.Origins[0].Kind != KindSPDX {
		t.Errorf("zephyr props %v origins %v", z.Properties, z.Origins)
	}
	hal := tu.ByName(t, doc, "hal-nordic")
	if hal.PURL != "pkg:github/zephyrproject-rtos/hal_nordic@ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12" || hal.CPE != "" || tu.Prop(hal, common.PropRevisionKind) != "commit" {
		t.Errorf("hal %q %q %v", hal.PURL, hal.CPE, hal.Properties)
	}
	mb := tu.ByName(t, doc, "mbedtls")
	if mb.CPE != "cpe:2.3:a:arm:mbed_tls:3.6.2:*:*:*:*:*:*:*" || mb.PURL != "pkg:github/zephyrproject-rtos/mbedtls@v3.6.2" {
		t.Errorf("mbedtls %q %q", mb.CPE, mb.PURL)
	}
}

func TestSPDXModulesAndBuild(t *testing.T) {
	deps := readFile(t, NewSPDXReader(), filepath.Join("testdata", "spdx", "modules-deps.spdx"))
	var mb *sbom.Component
	for _, c := range append([]*sbom.Component{deps.Primary}, deps.Components...) {
		if c != nil && c.Name == "mbedtls" {
			mb = c
		}
	}
	if mb == nil || mb.PURL != "pkg:github/Mbed-TLS/mbedtls@v3.6.2" || mb.CPE != "cpe:2.3:a:arm:mbed_tls:3.6.2:*:*:*:*:*:*:*" {
		t.Fatalf("mbedtls-deps %+v", mb)
	}
	b := readFile(t, NewSPDXReader(), filepath.Join("testdata", "spdx", "build.spdx"))
	if b.Primary == nil || b.Primary.Name != "zephyr_final" || b.Primary.Type != sbom.TypeFirmware || tu.Prop(b.Primary, "premarket:zephyr:build-target") != "zephyr_final" {
		t.Fatalf("build primary %+v", b.Primary)
	}
	if got := tu.DependsOn(b, b.Primary.Ref); !reflect.DeepEqual(got, []string{"SPDXRef-kernel"}) {
		t.Errorf("zephyr_final -> %v", got)
	}
}

func TestSPDXDetect(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "spdx", "zephyr.spdx"))
	if err != nil {
		t.Fatal(err)
	}
	if !(&spdx.TagValueReader{}).Detect("z", data) {
		t.Error("the generic reader should accept it too (so this reader must come first)")
	}
	other := []byte("SPDXVersion: SPDX-2.3\nCreator: Tool: other\n")
	if NewSPDXReader().Detect("z", other) {
		t.Error("detected a non-Zephyr SPDX document")
	}
	_, err = NewSPDXReader().Read(context.Background(), "x.spdx", []byte("SPDXVersion: SPDX-2.3\nbogus line\n"))
	var pe *sbom.ParseError
	if !errors.As(err, &pe) || pe.Line != 2 {
		t.Errorf("got %v", err)
	}
}

func FuzzSPDX(f *testing.F) {
	for _, n := range []string{"zephyr.spdx", "build.spdx", "modules-deps.spdx"} {
		if data, err := os.ReadFile(filepath.Join("testdata", "spdx", n)); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := NewSPDXReader().Read(context.Background(), "z.spdx", data)
		if err == nil && doc == nil {
			t.Fatal("nil document")
		}
	})
}
