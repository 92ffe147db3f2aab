package check

import (
	"strings"
	"testing"

	"github.com/premarket/premarket/sbom"
)

func TestClassifyCPE(t *testing.T) {
	cases := []struct {
		in      string
		want    CPEKind
		errPart string
	}{
		{"cpe:2.3:a:busybox:busybox:1.36.1:*:*:*:*:*:*:*", CPE23, ""},
		{"cpe:2.3:o:redhat:enterprise_linux:8.0:*:*:*:*:*:*:*", CPE23, ""},
		{"cpe:2.3:h:nxp:i.mx6:-:*:*:*:*:*:*:*", CPE23, ""},
		{`cpe:2.3:a:gnu:c\+\+:1.0:*:*:en:*:*:*:*`, CPE23, ""},
		{`cpe:2.3:a:vendor:prod\:uct:1.0:*:*:*:*:*:*:*`, CPE23, ""},
		{"cpe:2.3:a:openssl:openssl:1.1.*:*:*:*:*:*:*:*", CPE23, ""},
		{"cpe:/a:busybox:busybox:1.36.1", CPE22, ""},
		{"cpe:/o:linux:linux_kernel:5.10", CPE22, ""},
		{"cpe:2.3:a:busybox:busybox:1.36.1", CPEInvalid, "has 6"},
		{"cpe:2.3:x:busybox:busybox:1.36.1:*:*:*:*:*:*:*", CPEInvalid, "part"},
		{"cpe:2.3:a:busybox:busybox::*:*:*:*:*:*:*", CPEInvalid, "version is empty"},
		{"cpe:2.3:a:busybox:busy(box):1:*:*:*:*:*:*:*", CPEInvalid, "product"},
		{"cpe:2.3:a:busybox:busybox:1:*:*:english:*:*:*:*", CPEInvalid, "language"},
		{"cpe:2.3:a:busybox:bu*sybox:1:*:*:*:*:*:*:*", CPEInvalid, "wildcard"},
		{"cpe:/a:busy box", CPEInvalid, "2.2"},
		{"busybox", CPEInvalid, "does not start"},
		{"cpe:2.3:a:" + strings.Repeat("a", 5000), CPEInvalid, "longer"},
	}
	for _, c := range cases {
		got, err := ClassifyCPE(c.in)
		if got != c.want {
			t.Errorf("ClassifyCPE(%q) = %v (%v), want %v", c.in, got, err, c.want)
			continue
		}
		if c.errPart != "" && (err == nil || !strings.Contains(err.Error(), c.errPart)) {
			t.Errorf("ClassifyCPE(%q) error = %v, want it to mention %q", c.in, err, c.errPart)
		}
		if c.want != CPEInvalid && err != nil {
			t.Errorf("ClassifyCPE(%q) error = %v", c.in, err)
		}
	}
}

func TestValidatePURL(t *testing.T) {
	good := []string{"pkg:generic/busybox@1.36.1", "pkg:npm/%40angular/core@16.0.0", "pkg:composer/laravel/framework@v7.12.0",
		"pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie"}
	bad := []string{"", "busybox", "pkg:", "pkg:generic/", "http://example.com/x", "pkg:generic/a@1?=x"}
	for _, s := range good {
		if err := ValidatePURL(s); err != nil {
			t.Errorf("ValidatePURL(%q) = %v", s, err)
		}
	}
	for _, s := range bad {
		if err := ValidatePURL(s); err == nil {
			t.Errorf("ValidatePURL(%q) accepted", s)
		}
	}
}

func TestNormalizeLevel(t *testing.T) {
	cases := map[string]string{
		"Actively Maintained": sbom.SupportActive, "actively-maintained": sbom.SupportActive, "ACTIVELY_MAINTAINED": sbom.SupportActive,
		"active": sbom.SupportActive, "Maintained": sbom.SupportActive,
		"No Longer Maintained": sbom.SupportNoLonger, "no-longer-maintained": sbom.SupportNoLonger, "not maintained": sbom.SupportNoLonger,
		"unmaintained": sbom.SupportNoLonger, "Abandoned": sbom.SupportAbandoned,
	}
	for in, want := range cases {
		if got, ok := NormalizeLevel(in); !ok || got != want {
			t.Errorf("NormalizeLevel(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "LTS", "supported", "community", "end of life", "inactive"} {
		if got, ok := NormalizeLevel(in); ok {
			t.Errorf("NormalizeLevel(%q) = %q, want rejected", in, got)
		}
	}
}

func TestParseEndOfSupport(t *testing.T) {
	for _, s := range []string{"2030-12-31", "2030-12", "2030-12-31T00:00:00Z", " 2030-01-01 "} {
		if _, ok := ParseEndOfSupport(s); !ok {
			t.Errorf("ParseEndOfSupport(%q) rejected", s)
		}
	}
	for _, s := range []string{"", "2030", "31/12/2030", "Until hardware support ends", "2030-13-01", "2030-02-30"} {
		if _, ok := ParseEndOfSupport(s); ok {
			t.Errorf("ParseEndOfSupport(%q) accepted", s)
		}
	}
}

func TestResolveSupportPropertyNames(t *testing.T) {
	level := []string{"premarket:support:level", "Level of Support", "Support Level", "supportLevel", "fda:support-level", "cdx:support_level", "SUPPORT-LEVEL"}
	eos := []string{"premarket:support:end-of-support", "End-of-Support", "End of Support", "EOS", "End-of-Life", "EOL", "endOfSupport", "cdx:eol", "fda:end-of-support-date"}
	just := []string{"premarket:support:justification", "Justification", "fda:support-justification"}
	for _, n := range level {
		if s := ResolveSupport(&sbom.Component{Properties: []sbom.Property{{Name: n, Value: "x"}}}); s.Level != "x" || !strings.Contains(s.LevelSource, n) {
			t.Errorf("%q not recognised as support level: %+v", n, s)
		}
	}
	for _, n := range eos {
		if s := ResolveSupport(&sbom.Component{Properties: []sbom.Property{{Name: n, Value: "x"}}}); s.EndOfSupport != "x" {
			t.Errorf("%q not recognised as end of support: %+v", n, s)
		}
	}
	for _, n := range just {
		if s := ResolveSupport(&sbom.Component{Properties: []sbom.Property{{Name: n, Value: "x"}}}); s.Justification != "x" {
			t.Errorf("%q not recognised as justification: %+v", n, s)
		}
	}
	for _, n := range []string{"level", "support", "eosl-notes", "premarket:build:recipe", "endorsement"} {
		s := ResolveSupport(&sbom.Component{Properties: []sbom.Property{{Name: n, Value: "x"}}})
		if s.Level != "" || s.EndOfSupport != "" || s.Justification != "" {
			t.Errorf("%q wrongly recognised: %+v", n, s)
		}
	}
	// Component.Support wins over properties; empty values are absent.
	c := &sbom.Component{Support: &sbom.Support{Level: "abandoned", EndOfSupport: " "},
		Properties: []sbom.Property{{Name: "EOS", Value: ""}, {Name: "support level", Value: "active"}, {Name: "eol", Value: "2029-01-01"}, {Name: "spdx:validUntilDate", Value: "2028-01-01"}}}
	s := ResolveSupport(c)
	if s.Level != "abandoned" || s.LevelSource != "support.level" || s.EndOfSupport != "2029-01-01" || s.ValidUntil != "2028-01-01" {
		t.Errorf("precedence: %+v", s)
	}
}

func TestValidUntilHint(t *testing.T) {
	d := goodDoc()
	c := comp(d, "busybox")
	c.Support.EndOfSupport = ""
	c.Properties = []sbom.Property{{Name: "validUntilDate", Value: "2031-01-01T00:00:00Z"}}
	res := Run(d, Options{})
	if len(res.Findings) != 1 || res.Findings[0].RuleID != RuleEOS || !strings.Contains(res.Findings[0].Message, "validUntilDate 2031-01-01") {
		t.Errorf("findings = %v", res.Findings)
	}
}

// FuzzIdentifiers feeds arbitrary identifier and support strings through
// the checks; they must never panic and always yield a well-formed result.
func FuzzIdentifiers(f *testing.F) {
	f.Add("pkg:generic/busybox@1.36.1", "cpe:2.3:a:busybox:busybox:1.36.1:*:*:*:*:*:*:*", "active", "2030-01-01", "EOS")
	f.Add("pkg:%zz", `cpe:2.3:a:\`, "", "Until hardware support ends", "fda:support-level")
	f.Add("", "cpe:/a:b:c", "abandoned", "2030-02", "::")
	f.Fuzz(func(t *testing.T, purl, cpe, level, eos, propName string) {
		d := goodDoc()
		c := comp(d, "busybox")
		c.PURL, c.CPE = purl, cpe
		c.Support = nil
		c.Properties = []sbom.Property{{Name: propName, Value: level}, {Name: "EOS", Value: eos}, {Name: "Level of Support", Value: level}}
		res := Run(d, Options{Now: now2025})
		if len(res.Scores) != 12 {
			t.Fatalf("scores: %v", res.Scores)
		}
		for _, f := range res.Findings {
			if f.RuleID == "" || f.Message == "" {
				t.Fatalf("malformed finding %+v", f)
			}
		}
		kind, err := ClassifyCPE(cpe)
		if (kind == CPEInvalid) != (err != nil) {
			t.Fatalf("ClassifyCPE(%q) = %v, %v", cpe, kind, err)
		}
	})
}
