package spdx

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/premarket/premarket/internal/testfixtures"
	"github.com/premarket/premarket/sbom"
)

func read(t *testing.T, r sbom.Reader, path string) (*sbom.Document, []byte) {
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
	return doc, data
}

func byName(doc *sbom.Document, name string) *sbom.Component {
	if doc.Primary != nil && doc.Primary.Name == name {
		return doc.Primary
	}
	for _, c := range doc.Components {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestSyftAlpine(t *testing.T) {
	doc, data := read(t, &JSONReader{}, filepath.Join(testfixtures.Dir(t), "sbom", "spdx22_syft_alpine-image.json"))
	if doc.Format != "SPDX" || doc.SpecVersion != "SPDX-2.2" || doc.Timestamp != "2022-09-21T14:54:15.500229Z" {
		t.Errorf("doc %+v", doc)
	}
	if len(doc.Components) != 14 || doc.Primary != nil {
		t.Errorf("%d components, primary %v; want 14 packages and no DESCRIBES", len(doc.Components), doc.Primary)
	}
	if fmt.Sprint(doc.Tools) != "[syft 0.57.0]" || fmt.Sprint(doc.Authors) != "[Anchore, Inc]" {
		t.Errorf("tools %q authors %q", doc.Tools, doc.Authors)
	}
	c := byName(doc, "alpine-baselayout")
	if c == nil || c.Version != "3.2.0-r22" || !strings.HasPrefix(c.PURL, "pkg:alpine/alpine-baselayout@3.2.0-r22") {
		t.Fatalf("alpine-baselayout %+v", c)
	}
	if c.CPE != "cpe:2.3:a:alpine-baselayout:alpine-baselayout:3.2.0-r22:*:*:*:*:*:*:*" {
		t.Errorf("cpe %q", c.CPE)
	}
	if len(c.Licenses) != 1 || c.Licenses[0].Expression != "GPL-2.0-only" {
		t.Errorf("licences %+v", c.Licenses)
	}
	if c.Loc.Path != "packages[0]" || c.Loc.Line == 0 {
		t.Errorf("loc %+v", c.Loc)
	}
	lines := strings.Split(string(data), "\n")
	if l := lines[c.Loc.Line-1]; c.Loc.Column < 1 || l[c.Loc.Column-1] != '{' {
		t.Errorf("loc %d:%d does not point at '{': %q", c.Loc.Line, c.Loc.Column, l)
	}
	if byName(doc, "busybox") == nil || byName(doc, "libcrypto1.1") == nil {
		t.Error("busybox or libcrypto1.1 missing")
	}
	// CONTAINS relationships here point at files, which are not read.
	if len(doc.Dependencies) != 0 {
		t.Errorf("dependencies %+v", doc.Dependencies)
	}
	// With files, the package->file CONTAINS edges appear.
	r := &JSONReader{Options: ReadOptions{IncludeFiles: true}}
	withFiles, _ := read(t, r, filepath.Join(testfixtures.Dir(t), "sbom", "spdx22_syft_alpine-image.json"))
	if len(withFiles.Components) != 14+75 || len(withFiles.Dependencies) == 0 {
		t.Errorf("with files: %d components %d deps", len(withFiles.Components), len(withFiles.Dependencies))
	}
}

func TestYoctoShadow(t *testing.T) {
	doc, _ := read(t, &JSONReader{}, filepath.Join(testfixtures.Dir(t), "yocto", "wr-sbom_recipe-shadow.spdx22.json"))
	if doc.Primary == nil || doc.Primary.Name != "shadow" || doc.Primary.Version != "4.14.2" {
		t.Fatalf("primary %+v", doc.Primary)
	}
	if len(doc.Components) != 1 {
		t.Fatalf("%d components, want 1 besides the primary (2 packages)", len(doc.Components))
	}
	src := doc.Components[0]
	if src.Name != "shadow-source-1" || src.Supplier != "" || len(src.Licenses) != 0 ||
		src.DownloadURL != "https://github.com/shadow-maint/shadow/releases/download/4.14.2/shadow-4.14.2.tar.gz" {
		t.Errorf("source package %+v", src)
	}
	if len(src.Hashes) != 1 || src.Hashes[0].Alg != "SHA-256" {
		t.Errorf("hashes %+v", src.Hashes)
	}
	if doc.Primary.CPE != "cpe:2.3:*:*:shadow:4.14.2:*:*:*:*:*:*:*" {
		t.Errorf("cpe %q", doc.Primary.CPE)
	}
	if !strings.Contains(fmt.Sprint(doc.Tools), "OpenEmbedded Core create-spdx.bbclass") || !strings.Contains(fmt.Sprint(doc.Authors), "OpenEmbedded") {
		t.Errorf("tools %q authors %q", doc.Tools, doc.Authors)
	}
	// BUILD_DEPENDENCY_OF edges to other documents are dropped.
	for _, d := range doc.Dependencies {
		for _, on := range d.DependsOn {
			if strings.HasPrefix(on, "DocumentRef-") {
				t.Errorf("dependency on external element %s", on)
			}
		}
	}
}

func TestTagValue(t *testing.T) {
	r := &TagValueReader{}
	if (&JSONReader{}).Detect("x", []byte("SPDXVersion: SPDX-2.3\n")) {
		t.Error("JSON reader claims tag-value")
	}
	doc, _ := read(t, r, filepath.Join("testdata", "pump-firmware.spdx"))
	if doc.SpecVersion != "SPDX-2.3" || doc.Name != "pump-firmware-4.2.0" || doc.Timestamp != "2025-01-31T12:00:00Z" {
		t.Errorf("doc %+v", doc)
	}
	if fmt.Sprint(doc.Tools) != "[example-builder 1.8.2]" || fmt.Sprint(doc.Authors) != "[Example Medical Devices Jane Doe]" {
		t.Errorf("tools %q authors %q", doc.Tools, doc.Authors)
	}
	p := doc.Primary
	if p == nil || p.Name != "pump-fw" || p.Type != sbom.TypeFirmware || doc.Supplier != "Example Medical Devices" {
		t.Fatalf("primary %+v supplier %q", p, doc.Supplier)
	}
	if len(p.Licenses) != 1 || p.Licenses[0].Expression != "LicenseRef-Proprietary" {
		t.Errorf("primary licences %+v", p.Licenses)
	}
	if len(doc.Components) != 2 {
		t.Fatalf("%d components", len(doc.Components))
	}
	o := byName(doc, "openssl")
	if o.Version != "3.0.13" || o.PURL != "pkg:generic/openssl@3.0.13" || o.Author != "The OpenSSL Project" ||
		o.Supplier != "OpenSSL Software Foundation" || o.Homepage != "https://www.openssl.org/" ||
		o.Description != "Toolkit for the TLS protocol\nand general-purpose cryptography." ||
		len(o.Hashes) != 1 || o.Hashes[0].Value != "88525753f79d3bec27d2fa7c66aa0b92b3aa9498dafd93d7cfa4b3780cdae313" {
		t.Errorf("openssl %+v", o)
	}
	if o.Loc.Line != 31 || o.Loc.Path != "packages[1]" {
		t.Errorf("openssl loc %+v", o.Loc)
	}
	z := byName(doc, "zlib")
	if z.Supplier != "" || len(z.Licenses) != 1 || z.Licenses[0].Expression != "Zlib" {
		t.Errorf("zlib %+v (licence falls back to concluded)", z)
	}
	want := "[{SPDXRef-pump-fw [SPDXRef-openssl SPDXRef-zlib]} {SPDXRef-openssl [SPDXRef-zlib]}]"
	if got := fmt.Sprint(doc.Dependencies); got != want {
		t.Errorf("dependencies %s, want %s", got, want)
	}
	// Files on request.
	r.Options.IncludeFiles = true
	doc, _ = read(t, r, filepath.Join("testdata", "pump-firmware.spdx"))
	if f := byName(doc, "./usr/lib/libz.so.1.3.1"); f == nil || f.Type != sbom.TypeFile || f.Hashes[0].Alg != "SHA-1" || f.Loc.Line != 59 {
		t.Errorf("file %+v", f)
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		r    sbom.Reader
		data string
		line int
		want string
	}{
		{"truncated", &JSONReader{}, "{\n\"spdxVersion\": \"SPDX-2.3\",\n\"packages\": [", 3, "truncated"},
		{"wrong type", &JSONReader{}, "{\n\"spdxVersion\": \"SPDX-2.3\",\n\"packages\": [\n{\"name\": [1]}]}", 4, "packages.name"},
		{"binary", &JSONReader{}, "{\n\x00", 2, "binary"},
		{"version", &JSONReader{}, "{\n\"spdxVersion\": \"SPDX-3.0\"}", 2, "SPDX-3.0"},
		{"no colon", &TagValueReader{}, "SPDXVersion: SPDX-2.3\nPackageName foo\n", 2, "Tag: Value"},
		{"open text", &TagValueReader{}, "SPDXVersion: SPDX-2.3\nPackageName: a\nPackageDescription: <text>never\nclosed\n", 3, "</text>"},
		{"bad checksum", &TagValueReader{}, "SPDXVersion: SPDX-2.3\nPackageName: a\nPackageChecksum: abc\n", 3, "PackageChecksum"},
		{"no version", &TagValueReader{}, "DocumentName: x\n", 1, "SPDXVersion"},
		{"tv binary", &TagValueReader{}, "SPDXVersion: SPDX-2.3\n\x00\x01", 2, "binary"},
	} {
		_, err := c.r.Read(ctx, "in.spdx", []byte(c.data))
		var pe *sbom.ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s: %v is not a *sbom.ParseError", c.name, err)
			continue
		}
		if pe.File != "in.spdx" || pe.Line != c.line || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v (line %d), want line %d and %q", c.name, err, pe.Line, c.line, c.want)
		}
	}
	r := &TagValueReader{Options: ReadOptions{MaxBytes: 8}}
	if _, err := r.Read(ctx, "x", []byte("SPDXVersion: SPDX-2.3\n")); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("limit: %v", err)
	}
}

func FuzzJSON(f *testing.F) {
	f.Add([]byte(`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","documentDescribes":["SPDXRef-a"],"packages":[{"SPDXID":"SPDXRef-a","name":"a","licenseDeclared":"MIT AND (GPL-2.0 OR BSD)","checksums":[{"algorithm":"SHA1","checksumValue":"AB"}]}],"relationships":[{"spdxElementId":"SPDXRef-a","relationshipType":"DEPENDS_ON","relatedSpdxElement":"SPDXRef-a"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, files := range []bool{false, true} {
			_, err := (&JSONReader{Options: ReadOptions{IncludeFiles: files}}).Read(context.Background(), "f.json", data)
			var pe *sbom.ParseError
			if err != nil && !errors.As(err, &pe) {
				t.Fatalf("%T: %v", err, err)
			}
		}
	})
}

func FuzzTagValue(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "pump-firmware.spdx")); err == nil {
		f.Add(b)
	}
	f.Add([]byte("SPDXVersion: SPDX-2.2\nPackageName: a\nSPDXID: SPDXRef-a\nPackageDescription: <text>x</text>\nRelationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := (&TagValueReader{Options: ReadOptions{IncludeFiles: true}}).Read(context.Background(), "f.spdx", data)
		var pe *sbom.ParseError
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("%T: %v", err, err)
		}
	})
}

func TestDetectSortedKeysBeyondHead(t *testing.T) {
	// create-spdx sorts keys, so spdxVersion can come after the first 64 KiB.
	head := []byte("{\n  \"SPDXID\": \"SPDXRef-DOCUMENT\",\n  \"creationInfo\": {")
	if !(&JSONReader{}).Detect("x.json", head) {
		t.Fatal("document starting with SPDXID SPDXRef-DOCUMENT not detected")
	}
	if (&JSONReader{}).Detect("x.json", []byte(`{"bomFormat": "CycloneDX"}`)) {
		t.Fatal("CycloneDX detected as SPDX")
	}
}
