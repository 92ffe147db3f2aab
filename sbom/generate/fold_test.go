package generate

import (
	"testing"

	"github.com/premarket/premarket/sbom"
)

func TestMergeFoldsObservedIntoDeclared(t *testing.T) {
	ev := func(text string) []sbom.Evidence {
		return []sbom.Evidence{{Method: "binary-analysis", Confidence: 0.9, Location: "img!/bin/x@0x10", Text: text}}
	}
	declared := &sbom.Document{Components: []*sbom.Component{
		{Ref: "y1", Name: "openssl", Version: "3.0.11-r0", PURL: "pkg:yocto/meta/openssl@3.0.11", CPE: "cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:*",
			Origins: []sbom.Origin{{Kind: "yocto-license-manifest", File: "license.manifest", Line: 3}}},
		{Ref: "y2", Name: "zlib", Version: "1.3", PURL: "pkg:yocto/meta/zlib@1.3"},
		{Ref: "y3", Name: "busybox", Version: "1.36.1"},
		{Ref: "h1", Name: "curl", Version: "8.4.0", Properties: []sbom.Property{{Name: sbom.PropBuildScope, Value: "host"}}},
		{Ref: "y4", Name: "dropbear", Version: "2022.83"},
	}, Dependencies: []sbom.Dependency{{Ref: "y3", DependsOn: []string{"y2"}}}}
	observed := &sbom.Document{Components: []*sbom.Component{
		// 1. CPE vendor:product + version (name differs, PURL type differs).
		{Ref: "b1", Name: "libcrypto", Version: "3.0.11", PURL: "pkg:generic/openssl@3.0.11", CPE: "cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:*", Evidence: ev("OpenSSL 3.0.11")},
		// 2. normalised name + version, no CPE.
		{Ref: "b2", Name: "ZLIB", Version: "v1.3", PURL: "pkg:generic/zlib@1.3", Evidence: ev("deflate 1.3")},
		// Version mismatch: stays separate (drift reports it).
		{Ref: "b3", Name: "busybox", Version: "1.30.1", PURL: "pkg:generic/busybox@1.30.1", Evidence: ev("BusyBox v1.30.1")},
		// Only a host tool matches: host components never absorb.
		{Ref: "b4", Name: "curl", Version: "8.4.0", PURL: "pkg:generic/curl@8.4.0", Evidence: ev("curl 8.4.0")},
		// 3. no version: joins the single declared dropbear.
		{Ref: "b5", Name: "dropbear", PURL: "pkg:generic/dropbear", Evidence: ev("dropbear")},
	}}
	out := Merge([]*sbom.Document{declared, observed})
	byName := map[string][]*sbom.Component{}
	for _, c := range out.Components {
		byName[c.Name] = append(byName[c.Name], c)
	}
	if len(byName["libcrypto"]) != 0 || len(byName["openssl"]) != 1 {
		t.Fatalf("openssl not folded: %v", refs(out))
	}
	o := byName["openssl"][0]
	if o.PURL != "pkg:yocto/meta/openssl@3.0.11" || o.Version != "3.0.11-r0" {
		t.Errorf("declared fields not kept: %+v", o)
	}
	if len(o.Evidence) != 1 || o.Evidence[0].Text != "OpenSSL 3.0.11" || len(o.Origins) != 1 {
		t.Errorf("openssl evidence/origins = %+v / %+v", o.Evidence, o.Origins)
	}
	if len(byName["ZLIB"]) != 0 || len(byName["zlib"]) != 1 || len(byName["zlib"][0].Evidence) != 1 {
		t.Errorf("zlib not folded: %v", refs(out))
	}
	if len(byName["busybox"]) != 2 {
		t.Errorf("busybox versions merged: %v", refs(out))
	}
	if len(byName["curl"]) != 2 {
		t.Errorf("observed curl folded into a host tool: %v", refs(out))
	}
	if len(byName["dropbear"]) != 1 || len(byName["dropbear"][0].Evidence) != 1 {
		t.Errorf("version-less dropbear not folded: %v", refs(out))
	}
	// The dependency edge survives with merged refs.
	if len(out.Dependencies) != 1 || out.Dependencies[0].Ref != "busybox@1.36.1" || out.Dependencies[0].DependsOn[0] != "zlib@1.3" {
		t.Errorf("dependencies = %+v", out.Dependencies)
	}
}

func TestMergeKeepsEvidenceOfSameKey(t *testing.T) {
	a := &sbom.Document{Components: []*sbom.Component{{Ref: "a", Name: "x", Version: "1", PURL: "pkg:generic/x@1",
		Evidence: []sbom.Evidence{{Method: "binary-analysis", Location: "a"}}}}}
	b := &sbom.Document{Components: []*sbom.Component{{Ref: "b", Name: "x", Version: "1", PURL: "pkg:generic/x@1",
		Evidence: []sbom.Evidence{{Method: "binary-analysis", Location: "a"}, {Method: "filename", Location: "b"}}}}}
	out := Merge([]*sbom.Document{a, b})
	if len(out.Components) != 1 || len(out.Components[0].Evidence) != 2 {
		t.Fatalf("evidence not merged: %+v", out.Components[0].Evidence)
	}
	// The input's slice is not shared with the output.
	out.Components[0].Evidence[0].Text = "changed"
	if a.Components[0].Evidence[0].Text != "" {
		t.Error("merge aliases the input's evidence")
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{"1:1.36.1-3": "1.36.1", "3.0.11-1~deb12u2": "3.0.11", "v2.4": "2.4", "1.2.13.dfsg-1": "1.2.13.dfsg", "2022.83": "2022.83"} {
		if got := NormalizeVersion(in); got != want {
			t.Errorf("NormalizeVersion(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"zlib1g": "zlib1g", "libz": "z", "ZLIB": "zlib", "libssl3": "ssl", "busybox": "busybox", "lib": "lib"} {
		if got := NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func refs(d *sbom.Document) []string {
	var out []string
	for _, c := range d.Components {
		out = append(out, c.Ref)
	}
	return out
}
