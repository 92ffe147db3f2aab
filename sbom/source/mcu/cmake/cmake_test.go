package cmake

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

func TestCMakeLists(t *testing.T) {
	p := filepath.Join("testdata", "CMakeLists.txt")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !NewReader().Detect(p, data) {
		t.Fatal("not detected")
	}
	doc, err := NewReader().Read(context.Background(), p, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Components) != 4 {
		for _, c := range doc.Components {
			t.Log(c.Name)
		}
		t.Fatalf("%d components, want 4 (commented calls are not components)", len(doc.Components))
	}
	fr := tu.ByName(t, doc, "freertos_kernel")
	if fr.Version != "V11.1.0" || fr.PURL != "pkg:github/freertos/freertos-kernel@V11.1.0" || fr.CPE != "cpe:2.3:o:amazon:freertos:11.1.0:*:*:*:*:*:*:*" || fr.Origins[0].Line != 9 {
		t.Errorf("freertos %q %q %q %+v", fr.Version, fr.PURL, fr.CPE, fr.Origins)
	}
	mb := tu.ByName(t, doc, "mbedtls")
	if mb.Version != "3.6.2" || len(mb.Hashes) != 1 || mb.Hashes[0].Alg != "SHA-256" || mb.CPE != "cpe:2.3:a:arm:mbed_tls:3.6.2:*:*:*:*:*:*:*" {
		t.Errorf("mbedtls %q %v %q", mb.Version, mb.Hashes, mb.CPE)
	}
	if !strings.HasPrefix(mb.PURL, "pkg:generic/mbedtls@3.6.2?checksum=sha256:8b54fb9b") {
		t.Errorf("mbedtls purl %q", mb.PURL)
	}
	lw := tu.ByName(t, doc, "lwip")
	if lw.PURL != "" || !strings.Contains(tu.Prop(lw, common.PropUnresolved), "${LWIP_TAG}") || lw.DownloadURL != "https://git.savannah.nongnu.org/git/lwip.git" || lw.Origins[0].Line != 20 {
		t.Errorf("lwip %+v", lw)
	}
	ds := tu.ByName(t, doc, "cmsis_dsp")
	if tu.Prop(ds, common.PropRevisionKind) != "commit" || tu.Prop(ds, "premarket:cmake:command") != "ExternalProject_Add" {
		t.Errorf("cmsis_dsp %v", ds.Properties)
	}
}

func TestTokenize(t *testing.T) {
	cmds, err := Tokenize("a(x \"y\\\"z\" [[b\nc]] (d e) f#c\n)\nB ( )")
	if err != nil {
		t.Fatal(err)
	}
	if len(cmds) != 2 || cmds[1].Name != "B" || cmds[1].Line != 4 {
		t.Fatalf("%+v", cmds)
	}
	var vals []string
	for _, a := range cmds[0].Args {
		vals = append(vals, a.Value)
	}
	if strings.Join(vals, "|") != "x|y\"z|b\nc|d|e|f" {
		t.Errorf("args %q", vals)
	}
}

func TestErrors(t *testing.T) {
	for in, want := range map[string]string{
		"FetchContent_Declare(x URL a URL_HASH nohash)":                "URL_HASH",
		"FetchContent_Declare(x\n":                                     "is not closed",
		"FetchContent_Declare()":                                       "without a name",
		"FetchContent_Declare(x \"abc)":                                "not closed",
		"project(x)":                                                   "no FetchContent_Declare",
		"FetchContent_Declare(a URL u)\nFetchContent_Declare(a URL v)": "already declared at line 1",
	} {
		_, err := NewReader().Read(context.Background(), "CMakeLists.txt", []byte(in))
		var pe *sbom.ParseError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", in, err, want)
		}
	}
}

func FuzzCMake(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join("testdata", "CMakeLists.txt")); err == nil {
		f.Add(data)
	}
	f.Add([]byte("#[==[ x ]==]\nFetchContent_Declare(a [=[u]=])"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := NewReader().Read(context.Background(), "CMakeLists.txt", data); err != nil {
			var pe *sbom.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("not a ParseError: %v", err)
			}
		}
	})
}
