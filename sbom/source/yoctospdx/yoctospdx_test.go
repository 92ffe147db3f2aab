package yoctospdx

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/premarket/premarket/internal/testfixtures"
	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/cpe"
)

func names(doc *sbom.Document) []string {
	var out []string
	for _, c := range doc.Components {
		el, _ := c.Property(PropElement)
		out = append(out, c.Name+"@"+c.Version+" "+el)
	}
	sort.Strings(out)
	return out
}

func compByName(doc *sbom.Document, name, element string) *sbom.Component {
	for _, c := range doc.Components {
		if el, _ := c.Property(PropElement); c.Name == name && el == element {
			return c
		}
	}
	return nil
}

func depsOf(doc *sbom.Document, ref string) []string {
	for _, d := range doc.Dependencies {
		if d.Ref == ref {
			return d.DependsOn
		}
	}
	return nil
}

func TestReadDeployDir(t *testing.T) {
	doc, err := ReadDeployDir(context.Background(), filepath.Join("testdata", "deploy"))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Primary == nil || doc.Primary.Name != "core-image-minimal" || doc.Primary.Version != "1.0" || doc.Primary.Supplier != "Example Medical Devices Inc." {
		t.Fatalf("primary %+v", doc.Primary)
	}
	want := []string{
		"base-files@ ",
		"busybox-syslog@1.36.1 ",
		"busybox@1.36.1 ",
		"busybox@1.36.1 recipe",
		"libcrypto3@3.2.1 ",
		"libssl3@3.2.1 ",
		"openssl@3.2.1 recipe",
	}
	if got := names(doc); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("components\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if doc.Timestamp != "2024-11-03T07:31:50Z" || len(doc.Tools) != 1 || doc.Tools[0] != "OpenEmbedded Core create-spdx.bbclass" {
		t.Errorf("metadata %q %v", doc.Timestamp, doc.Tools)
	}

	bb := compByName(doc, "busybox", "")
	if bb.PURL != "pkg:yocto/busybox@1.36.1" {
		t.Errorf("busybox purl %q", bb.PURL)
	}
	// Yocto wrote a wildcard vendor; the project table knows busybox.
	if bb.CPE != "cpe:2.3:a:busybox:busybox:1.36.1:*:*:*:*:*:*:*" {
		t.Errorf("busybox cpe %q", bb.CPE)
	}
	if v, _ := bb.Property(PropCVEPrefix + "CVE-2023-42363"); v != "fixed" {
		t.Errorf("CVE-2023-42363 = %q", v)
	}
	if v, _ := bb.Property(PropCVEPrefix + "CVE-2022-48174"); v != "fixed" {
		t.Errorf("CVE-2022-48174 = %q", v)
	}
	if v, _ := bb.Property("premarket:build:recipe"); v != "busybox" {
		t.Errorf("recipe %q", v)
	}
	if bb.DownloadURL != "https://busybox.net/downloads/busybox-1.36.1.tar.bz2" {
		t.Errorf("download %q", bb.DownloadURL)
	}
	if len(bb.Licenses) != 1 || bb.Licenses[0].Expression != "GPL-2.0-only AND bzip2-1.0.6" {
		t.Errorf("licences %+v", bb.Licenses)
	}
	if len(bb.Origins) != 1 || !strings.HasSuffix(bb.Origins[0].File, filepath.FromSlash("packages/busybox.spdx.json")) {
		t.Errorf("origins %+v", bb.Origins)
	}

	ssl := compByName(doc, "libssl3", "")
	if ssl.CPE != "cpe:2.3:*:openssl:openssl:3.2.1:*:*:*:*:*:*:*" {
		t.Errorf("libssl3 cpe %q", ssl.CPE)
	}
	if v, _ := ssl.Property(PropCPEs); !strings.Contains(v, "openssl_project") {
		t.Errorf("all cpes %q", v)
	}
	if v, _ := ssl.Property(PropAnnotation + "CVE_PRODUCT"); v != "openssl:openssl" {
		t.Errorf("annotation %q", v)
	}
	// Runtime dependency libssl3 -> libcrypto3, and package -> recipe.
	crypto := compByName(doc, "libcrypto3", "")
	osslRecipe := compByName(doc, "openssl", "recipe")
	got := fmt.Sprint(depsOf(doc, ssl.Ref))
	if !strings.Contains(got, crypto.Ref) || !strings.Contains(got, osslRecipe.Ref) {
		t.Errorf("libssl3 deps %s", got)
	}
	if len(depsOf(doc, doc.Primary.Ref)) != 5 {
		t.Errorf("image deps %v", depsOf(doc, doc.Primary.Ref))
	}

	sys := compByName(doc, "busybox-syslog", "")
	if v, _ := sys.Property(PropChecksum); v != "mismatch" {
		t.Errorf("checksum mismatch not flagged: %q", v)
	}
	bf := compByName(doc, "base-files", "")
	if v, _ := bf.Property(PropUnresolved); v != "http://spdx.org/spdxdocs/base-files-0000" {
		t.Errorf("unresolved %q", v)
	}

	// Determinism.
	again, err := ReadDeployDir(context.Background(), filepath.Join("testdata", "deploy"))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(again.Dependencies) != fmt.Sprint(doc.Dependencies) || fmt.Sprint(names(again)) != fmt.Sprint(names(doc)) {
		t.Error("second read differs")
	}
}

func TestReadDeployDirOptions(t *testing.T) {
	doc, err := ReadDeployDirOptions(context.Background(), filepath.Join("testdata", "deploy"), DeployOptions{OmitRecipes: true})
	if err != nil {
		t.Fatal(err)
	}
	if compByName(doc, "openssl", "recipe") != nil {
		t.Error("recipe present with OmitRecipes")
	}
	if _, err := ReadDeployDirOptions(context.Background(), filepath.Join("testdata", "deploy"), DeployOptions{MaxDocs: 3}); !errors.Is(err, ErrLimit) {
		t.Errorf("MaxDocs: %v", err)
	}
	if _, err := ReadDeployDirOptions(context.Background(), filepath.Join("testdata", "deploy"), DeployOptions{MaxDocBytes: 100}); !errors.Is(err, ErrLimit) {
		t.Errorf("MaxDocBytes: %v", err)
	}
	// Without the image: every binary package.
	doc, err = ReadDeployDir(context.Background(), filepath.Join("testdata", "deploy", "spdx"))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Primary != nil || len(names(doc)) != 6 {
		t.Errorf("no-image read: primary %v, %v", doc.Primary, names(doc))
	}
}

func TestReadDeployDirErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.spdx.json"), []byte("{\n\"spdxVersion\": \"SPDX-2.2\",\n\"packages\": 5}"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadDeployDir(context.Background(), dir)
	var pe *sbom.ParseError
	if !errors.As(err, &pe) || pe.Line != 3 || !strings.Contains(err.Error(), "bad.spdx.json") {
		t.Fatalf("err = %v", err)
	}
	// Two images need a choice.
	two := t.TempDir()
	img, err := os.ReadFile(filepath.Join("testdata", "deploy", "images", "qemuarm64", "core-image-minimal-qemuarm64.rootfs.spdx.json"))
	if err != nil {
		t.Fatal(err)
	}
	other := strings.ReplaceAll(string(img), "core-image-minimal", "core-image-full")
	for n, b := range map[string]string{"a.spdx.json": string(img), "b.spdx.json": other} {
		if err := os.WriteFile(filepath.Join(two, n), []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ReadDeployDir(context.Background(), two); err == nil || !strings.Contains(err.Error(), "choose one") {
		t.Fatalf("two images: %v", err)
	}
	doc, err := ReadDeployDirOptions(context.Background(), two, DeployOptions{Image: "core-image-full"})
	if err != nil || doc.Primary == nil || doc.Primary.Name != "core-image-full" {
		t.Fatalf("selected image: %v %+v", err, doc)
	}
	// A symbolic link (by-namespace/) is not followed: no duplicate docs.
	if err := os.Symlink(filepath.Join(two, "a.spdx.json"), filepath.Join(two, "link.spdx.json")); err == nil {
		if _, err := ReadDeployDirOptions(context.Background(), two, DeployOptions{Image: "core-image-full"}); err != nil {
			t.Fatalf("with symlink: %v", err)
		}
	}
}

func TestSPDX3Reader(t *testing.T) {
	name := filepath.Join("testdata", "spdx3", "core-image-minimal-qemuarm64.rootfs.spdx.json")
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	r := &SPDX3Reader{}
	if !r.Detect(name, data) || r.Kind() != KindSPDX3 {
		t.Fatal("not detected")
	}
	if r.Detect("x.json", []byte(`{"spdxVersion": "SPDX-2.3"}`)) || r.Detect("x", []byte(`{"@context": "https://schema.org"}`)) {
		t.Fatal("false detection")
	}
	doc, err := r.Read(context.Background(), name, data)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Primary == nil || doc.Primary.Name != "core-image-minimal-qemuarm64" || doc.Primary.Type != sbom.TypeFirmware || doc.Primary.Supplier != "Example Medical Devices Inc." {
		t.Fatalf("primary %+v", doc.Primary)
	}
	if doc.SpecVersion != "SPDX-3.0.1" || doc.Timestamp != "2024-11-03T07:31:50Z" || fmt.Sprint(doc.Tools) != "[oe-spdx-creator 1.0]" || fmt.Sprint(doc.Authors) != "[OpenEmbedded]" {
		t.Errorf("metadata %q %q %v %v", doc.SpecVersion, doc.Timestamp, doc.Tools, doc.Authors)
	}
	if len(doc.Components) != 2 {
		t.Fatalf("components %v", names(doc))
	}
	var bb, ssl *sbom.Component
	for _, c := range doc.Components {
		switch c.Name {
		case "busybox":
			bb = c
		case "libssl3":
			ssl = c
		}
	}
	if bb == nil || ssl == nil {
		t.Fatalf("missing components %v", names(doc))
	}
	if bb.PURL != "pkg:yocto/core/busybox@1.36.1" || bb.CPE != "cpe:2.3:*:*:busybox:1.36.1:*:*:*:*:*:*:*" || bb.Licenses[0].Expression != "GPL-2.0-only AND bzip2-1.0.6" {
		t.Errorf("busybox %+v", bb)
	}
	for prop, want := range map[string]string{
		PropCVEPrefix + "CVE-2022-48174":               "fixed",
		PropCVEPrefix + "CVE-2021-42380":               "not_affected",
		PropCVEPrefix + "CVE-2021-42380:justification": "vulnerableCodeNotPresent",
		PropCVEPrefix + "CVE-2021-42380:statement":     "awk applet is not enabled",
		"premarket:build:recipe":                       "busybox",
		"premarket:build:system":                       "yocto",
	} {
		if v, _ := bb.Property(prop); v != want {
			t.Errorf("busybox %s = %q, want %q", prop, v, want)
		}
	}
	if v, _ := ssl.Property(PropCVEPrefix + "CVE-2024-0727"); v != "affected" {
		t.Errorf("libssl3 CVE-2024-0727 = %q", v)
	}
	if len(ssl.Hashes) != 1 || ssl.Hashes[0].Alg != "SHA-256" || ssl.Hashes[0].Value != strings.Repeat("ab", 32) {
		t.Errorf("hashes %+v", ssl.Hashes)
	}
	if ssl.Loc.Line == 0 || ssl.Origins[0].Path == "" {
		t.Errorf("location %+v", ssl.Loc)
	}
	if got := fmt.Sprint(depsOf(doc, ssl.Ref)); got != "["+bb.Ref+"]" {
		t.Errorf("libssl3 deps %s", got)
	}
	if got := depsOf(doc, doc.Primary.Ref); len(got) != 2 {
		t.Errorf("rootfs deps %v", got)
	}
}

func TestSPDX3ReadErrors(t *testing.T) {
	r := &SPDX3Reader{}
	for in, want := range map[string]string{
		`{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [}`:    "line 1",
		`{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"}`:                 "@graph",
		`{"@context": "https://example.org", "@graph": [{}]}`:                            "context",
		"{\"@context\": \"https://spdx.org/rdf/3.0.1/x\",\n\"@graph\": [\n{\"to\": 5}]}": "line 3",
		`[1]`: "not a JSON object",
	} {
		_, err := r.Read(context.Background(), "in.json", []byte(in))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "in.json") {
			t.Errorf("%s: err = %v, want %q", in, err, want)
		}
	}
	if _, err := (&SPDX3Reader{MaxBytes: 10}).Read(context.Background(), "x", []byte(`{"@context": "https://spdx.org/rdf/3.0.1/"}`)); !errors.Is(err, ErrLimit) {
		t.Errorf("limit: %v", err)
	}
}

func TestDeployDirWithSPDX3(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join("testdata", "spdx3", "core-image-minimal-qemuarm64.rootfs.spdx.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "img.rootfs.spdx.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	doc, err := ReadDeployDir(context.Background(), dir)
	if err != nil || doc.Primary == nil || len(doc.Components) != 2 {
		t.Fatalf("%v %+v", err, doc)
	}
}

// TestFixtureRecipeDoc reads the real Wind River create-spdx recipe
// document as a one-document deploy directory: no image, no package
// documents, so no components, and its external references stay
// unresolved without error.
func TestFixtureRecipeDoc(t *testing.T) {
	src := filepath.Join(testfixtures.Dir(t), "yocto", "wr-sbom_recipe-shadow.spdx22.json")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	l, err := parse22(src, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.doc.ExternalDocumentRefs) != 12 || l.doc.Packages[0].Name != "shadow" {
		t.Fatalf("parsed %d refs, first package %q", len(l.doc.ExternalDocumentRefs), l.doc.Packages[0].Name)
	}
	b := newBuilder("", DeployOptions{})
	b.byNS[l.doc.DocumentNamespace] = []*loaded{l}
	rc := b.recipe(l, &l.doc.Packages[0])
	if v, _ := rc.Property("premarket:build:recipe"); v != "shadow" || rc.Version != "4.14.2" {
		t.Errorf("recipe %+v", rc)
	}
	if want := shadowCPE(); rc.CPE != want {
		t.Errorf("cpe %q", rc.CPE)
	}
	if rc.DownloadURL != "https://github.com/shadow-maint/shadow/releases/download/4.14.2/shadow-4.14.2.tar.gz" {
		t.Errorf("download %q", rc.DownloadURL)
	}
	// A BUILD_DEPENDENCY_OF into a missing document resolves to nothing.
	res := b.resolve(l, "DocumentRef-dependency-recipe-attr:SPDXRef-Recipe-attr")
	if res.doc != nil || res.ns != "http://spdx.org/spdxdocs/recipe-attr-6b7ab556-c6f1-582c-bcb8-45571cd1978c" {
		t.Errorf("resolution %+v", res)
	}
	// The whole directory containing only this recipe: no image, no packages.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "recipe-shadow.spdx.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	doc, err := ReadDeployDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Primary != nil || len(doc.Components) != 0 {
		t.Errorf("recipe-only dir: %v", names(doc))
	}
}

// shadowCPE is the CPE expected for the fixture's shadow recipe: Yocto
// wrote a wildcard vendor, which the project table replaces when it knows
// shadow.
func shadowCPE() string {
	if e, ok := cpe.Lookup("shadow"); ok && e.CPE("4.14.2") != "" {
		return e.CPE("4.14.2")
	}
	return "cpe:2.3:*:*:shadow:4.14.2:*:*:*:*:*:*:*"
}

func FuzzSPDX3Read(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "spdx3", "core-image-minimal-qemuarm64.rootfs.spdx.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`{"@context":"https://spdx.org/rdf/3.0.1/x","@graph":[{"type":"software_Package","spdxId":"a","to":{"spdxId":"b"}}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		r := &SPDX3Reader{}
		r.Detect("x", in)
		doc, err := r.Read(context.Background(), "fuzz.json", in)
		if err != nil {
			return
		}
		for _, d := range doc.Dependencies {
			if doc.ComponentByRef(d.Ref) == nil {
				t.Fatalf("dependency from unknown ref %q", d.Ref)
			}
		}
	})
}

func FuzzParse22(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "deploy", "spdx", "qemuarm64", "packages", "libssl3.spdx.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Fuzz(func(t *testing.T, in []byte) {
		l, err := parse22("fuzz.json", in)
		if err != nil {
			return
		}
		b := newBuilder("", DeployOptions{})
		b.byNS[l.doc.DocumentNamespace] = []*loaded{l}
		for i := range l.doc.Packages {
			b.pkg(l, &l.doc.Packages[i])
			b.recipe(l, &l.doc.Packages[i])
		}
	})
}
