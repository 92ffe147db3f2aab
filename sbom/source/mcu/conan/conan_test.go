package conan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/premarket/premarket/sbom"
	tu "github.com/premarket/premarket/sbom/source/mcu/internal/testutil"
)

func read(t *testing.T, p string) *sbom.Document {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !NewReader().Detect(p, data) {
		t.Fatalf("%s not detected", p)
	}
	doc, err := NewReader().Read(context.Background(), p, data)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestConan1(t *testing.T) {
	doc := read(t, filepath.Join("testdata", "conan1.lock"))
	if doc.Primary == nil || doc.Primary.Name != "conanfile.txt" {
		t.Fatalf("primary %+v", doc.Primary)
	}
	if len(doc.Components) != 3 {
		t.Fatalf("%d components", len(doc.Components))
	}
	mb := tu.ByName(t, doc, "mbedtls")
	if mb.PURL != "pkg:conan/mbedtls@3.5.0?prev=a2b5c6d7e8f90a1b2c3d4e5f60718293&rrev=7e9c14bb6ba4ba1d1d4a8b5c3e3e9b7a" || mb.CPE != "cpe:2.3:a:arm:mbed_tls:3.5.0:*:*:*:*:*:*:*" {
		t.Errorf("mbedtls %q %q", mb.PURL, mb.CPE)
	}
	z := tu.ByName(t, doc, "zlib")
	if z.PURL != "pkg:conan/zlib@1.2.13?channel=stable&rrev=97d5730b529b4224045fe7090592d4c1&user=acme" || z.Origins[0].Line != 19 {
		t.Errorf("zlib %q %+v", z.PURL, z.Origins)
	}
	if tu.Prop(tu.ByName(t, doc, "cmake"), sbom.PropBuildScope) != "host" || tu.Prop(z, sbom.PropBuildScope) != "" {
		t.Error("build context must be scope host, only it")
	}
	if got := tu.DependsOn(doc, "conan:0"); !reflect.DeepEqual(got, []string{"conan:1", "conan:2", "conan:3"}) {
		t.Errorf("0 -> %v", got)
	}
	if got := tu.DependsOn(doc, "conan:1"); !reflect.DeepEqual(got, []string{"conan:2"}) {
		t.Errorf("1 -> %v", got)
	}
}

func TestConan2(t *testing.T) {
	doc := read(t, filepath.Join("testdata", "conan2.lock"))
	if len(doc.Components) != 4 || doc.Primary != nil || len(doc.Dependencies) != 0 {
		t.Fatalf("%d components, primary %v, deps %v", len(doc.Components), doc.Primary, doc.Dependencies)
	}
	z := tu.ByName(t, doc, "zlib")
	if z.PURL != "pkg:conan/zlib@1.3.1?rrev=f52e03ae3d251dec704634230cd806a2" || z.CPE != "cpe:2.3:a:zlib:zlib:1.3.1:*:*:*:*:*:*:*" || tu.Prop(z, "premarket:conan:recipe-timestamp") != "1708593606.497" {
		t.Errorf("zlib %q %q %v", z.PURL, z.CPE, z.Properties)
	}
	np := tu.ByName(t, doc, "nanopb")
	if np.PURL != "pkg:conan/nanopb@0.4.8?channel=testing&rrev=0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e&user=vendor" || np.Origins[0].Line != 6 {
		t.Errorf("nanopb %q %+v", np.PURL, np.Origins)
	}
	if tu.Prop(tu.ByName(t, doc, "cmake"), sbom.PropBuildScope) != "host" {
		t.Error("build_requires must be host scope")
	}
}

func TestErrors(t *testing.T) {
	for in, want := range map[string]string{
		`{"version": "0.5", "requires": ["zlib"]}`:                               "not a Conan reference",
		`{"version": "0.5"}`:                                                     "neither graph_lock",
		`{"graph_lock": {"nodes": {"0": {"path": "c.txt", "requires": ["9"]}}}}`: "not in graph_lock.nodes",
		`{"graph_lock": {"nodes": []}}`:                                          "want an object",
		`[1]`:                                                                    "want a JSON object",
	} {
		_, err := NewReader().Read(context.Background(), "conan.lock", []byte(in))
		var pe *sbom.ParseError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", in, err, want)
		}
	}
}

func FuzzLock(f *testing.F) {
	for _, n := range []string{"conan1.lock", "conan2.lock"} {
		if data, err := os.ReadFile(filepath.Join("testdata", n)); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := NewReader().Read(context.Background(), "conan.lock", data); err != nil {
			var pe *sbom.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("not a ParseError: %v", err)
			}
		}
	})
}
