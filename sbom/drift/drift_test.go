package drift

import (
	"strings"
	"testing"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/source/image"
)

func ev(loc string) []sbom.Evidence {
	return []sbom.Evidence{{Method: "binary-analysis", Confidence: 0.9, Location: loc, Text: "x"}}
}

func declaredDoc() *sbom.Document {
	return &sbom.Document{Source: "build.cdx.json", Primary: &sbom.Component{Ref: "device:pump@1", Type: sbom.TypeDevice, Name: "pump"},
		Components: []*sbom.Component{
			{Ref: "d1", Name: "openssl", Version: "3.0.11", PURL: "pkg:yocto/meta/openssl@3.0.11", CPE: "cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:*",
				Origins: []sbom.Origin{{Kind: "yocto-license-manifest", File: "license.manifest", Line: 10}}},
			{Ref: "d2", Name: "busybox", Version: "1.36.1", PURL: "pkg:yocto/meta/busybox@1.36.1", Origins: []sbom.Origin{{Kind: "k", File: "license.manifest", Line: 20}}},
			{Ref: "d3", Name: "zlib", Version: "1.3", Origins: []sbom.Origin{{Kind: "k", File: "license.manifest", Line: 30}}},
			{Ref: "d4", Name: "dropbear", Version: "2022.83", Origins: []sbom.Origin{{Kind: "k", File: "license.manifest", Line: 40}}},
			{Ref: "d5", Name: "cmake-native", Version: "3.27", Properties: []sbom.Property{{Name: sbom.PropBuildScope, Value: "host"}}, Origins: []sbom.Origin{{Kind: "k", File: "m", Line: 1}}},
			{Ref: "d6", Name: "app-core", Type: sbom.TypeFirmware, Version: "2.0"},
			{Ref: "d7", Name: "curl", Version: "8.4.0", Origins: []sbom.Origin{{Kind: "k", File: "license.manifest", Line: 50}}},
		}}
}

func observedDoc() *sbom.Document {
	nc := &sbom.Component{Ref: "nc", Type: sbom.TypeFile, Name: "img!/opt/update.ubi", Origins: []sbom.Origin{{Kind: image.KindFirmwareImage, File: "img!/opt/update.ubi"}}}
	nc.SetProperty(image.PropNotChecked, "UBI image: no reader (not checked)")
	return &sbom.Document{Source: "img", Components: []*sbom.Component{
		// matches openssl by CPE + normalised version (Debian revision).
		{Ref: "o1", Name: "libssl3", Version: "3.0.11-1~deb12u2", PURL: "pkg:deb/debian/libssl3@3.0.11-1~deb12u2", CPE: "cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:*"},
		// matches busybox by name+version.
		{Ref: "o2", Name: "busybox", Version: "1.36.1", PURL: "pkg:generic/busybox@1.36.1", Evidence: ev("img!/bin/busybox@0x10")},
		// an additional old busybox copy next to the declared one: undeclared.
		{Ref: "o3", Name: "busybox", Version: "1.30.1", PURL: "pkg:generic/busybox@1.30.1", Evidence: ev("img!/opt/vendor/daemon@0x20"), Origins: []sbom.Origin{{Kind: "binary-identification", File: "img!/opt/vendor/daemon"}}},
		// zlib in another version: mismatch.
		{Ref: "o4", Name: "zlib", Version: "1.2.13", Origins: []sbom.Origin{{Kind: "binary-identification", File: "img!/usr/lib/libz.so.1"}}},
		// not declared at all: vendor blob.
		{Ref: "o5", Name: "wolfssl", Version: "5.6.3", Evidence: ev("img!/opt/vendor/blob.bin@0x100"), Origins: []sbom.Origin{{Kind: "binary-identification", File: "img!/opt/vendor/blob.bin"}}},
		// version-less observation of a declared component: matched.
		{Ref: "o6", Name: "curl"},
		nc,
	}}
}

func TestCompareRules(t *testing.T) {
	res := Compare(declaredDoc(), observedDoc(), Options{})
	got := map[string][]string{}
	for _, f := range res.Findings {
		got[f.RuleID] = append(got[f.RuleID], f.Subject)
	}
	want := map[string][]string{
		RuleUndeclared:      {"busybox 1.30.1", "wolfssl 5.6.3"},
		RuleVersionMismatch: {"zlib 1.2.13"},
		RuleAbsent:          {"dropbear 2022.83"},
		RuleNotChecked:      {"img!/opt/update.ubi"},
	}
	for rule, subjects := range want {
		g := append([]string(nil), got[rule]...)
		if strings.Join(sorted(g), "|") != strings.Join(subjects, "|") {
			t.Errorf("%s: got %v, want %v", rule, g, subjects)
		}
	}
	if len(res.Findings) != 5 {
		t.Errorf("%d findings: %+v", len(res.Findings), res.Findings)
	}
	if !res.Failed {
		t.Error("undeclared/mismatch did not fail the default policy")
	}
	if res.Matched != 3 {
		t.Errorf("matched = %d, want 3", res.Matched)
	}
	for _, f := range res.Findings {
		switch f.Subject {
		case "zlib 1.2.13":
			if !strings.Contains(f.Message, "declares zlib 1.3") || f.Location.File != "img!/usr/lib/libz.so.1" {
				t.Errorf("mismatch finding = %+v", f)
			}
		case "wolfssl 5.6.3":
			if !strings.Contains(f.Message, "img!/opt/vendor/blob.bin") {
				t.Errorf("undeclared finding does not say where: %+v", f)
			}
		case "dropbear 2022.83":
			if f.Location.File != "license.manifest" || f.Location.Line != 40 {
				t.Errorf("absent finding location = %+v", f.Location)
			}
		}
	}
}

func TestComparePolicy(t *testing.T) {
	onlyAbsent := &sbom.Document{Components: []*sbom.Component{{Ref: "a", Name: "x", Version: "1"}}}
	empty := &sbom.Document{}
	res := Compare(onlyAbsent, empty, Options{})
	if res.Failed || res.Counts[RuleAbsent] != 1 {
		t.Errorf("absent alone fails the default policy: %+v", res)
	}
	fo, err := ParseFailOn([]string{"absent"})
	if err != nil {
		t.Fatal(err)
	}
	if !Compare(onlyAbsent, empty, Options{FailOn: fo}).Failed {
		t.Error("--fail-on absent did not fail")
	}
	none, _ := ParseFailOn([]string{"none"})
	if Compare(declaredDoc(), observedDoc(), Options{FailOn: none}).Failed {
		t.Error("--fail-on none failed")
	}
	if _, err := ParseFailOn([]string{"bogus"}); err == nil {
		t.Error("bogus --fail-on accepted")
	}
	all, _ := ParseFailOn([]string{"any"})
	if len(all) != 4 {
		t.Errorf("any = %v", all)
	}
}

func TestCompareIdentical(t *testing.T) {
	d := declaredDoc()
	res := Compare(d, d, Options{})
	if len(res.Findings) != 0 || res.Failed {
		t.Errorf("a document drifts from itself: %+v", res.Findings)
	}
}

func sorted(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}
