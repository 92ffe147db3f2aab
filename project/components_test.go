package project

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/premarket/premarket/sbom"
)

func writeComponents(t *testing.T, src string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "components.yaml")
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

func comp(name, version, recipe string) *sbom.Component {
	c := &sbom.Component{Name: name, Version: version, Ref: name + "@" + version}
	if recipe != "" {
		c.SetProperty(RecipeProperty, recipe)
	}
	return c
}

func TestLoadComponentsExample(t *testing.T) {
	sd, err := LoadComponents(filepath.Join(exampleDir, "components.yaml"))
	if err != nil {
		t.Fatalf("example components.yaml:\n%v", err)
	}
	if len(sd.Entries) < 50 {
		t.Errorf("only %d entries", len(sd.Entries))
	}
	levels := map[string]int{}
	for i, e := range sd.Entries {
		if e.Index != i || e.Line == 0 {
			t.Errorf("entry %d not located: %+v", i, e)
		}
		levels[e.SupportLevel]++
		if e.EndOfSupport == "" && e.Justification == "" {
			t.Errorf("%s: %s has neither date nor justification", sd.Loc(e), e.Match.Name)
		}
	}
	if levels[sbom.SupportNoLonger] < 2 || levels[sbom.SupportAbandoned] < 1 {
		t.Errorf("support levels = %v; the example should show no-longer-maintained and abandoned components", levels)
	}
	// Dates stay strings exactly as written.
	for _, e := range sd.Entries {
		if e.Match.Name == "openssl" && e.EndOfSupport != "2025-11-23" {
			t.Errorf("openssl endOfSupport = %q", e.EndOfSupport)
		}
	}
}

func TestLoadComponentsErrors(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"justification required without date", "components:\n  - match: {name: zlib}\n    supportLevel: actively-maintained\n",
			":2:5: components[0].justification: missing property"},
		{"justification required when not maintained", "components:\n  - match: {name: zlib}\n    supportLevel: abandoned\n    endOfSupport: 2020-01-01\n",
			":2:5: components[0].justification: missing property"},
		{"bad level", "components:\n  - match: {name: zlib}\n    supportLevel: maintained\n    endOfSupport: 2030-01-01\n",
			":3:19: components[0].supportLevel: "},
		{"bad date", "components:\n  - match: {name: zlib}\n    supportLevel: actively-maintained\n    endOfSupport: 2030-13-01\n",
			":4:19: components[0].endOfSupport: "},
		{"no name", "components:\n  - match: {version: \"1.*\"}\n    supportLevel: actively-maintained\n    endOfSupport: 2030-01-01\n",
			":2:12: components[0].match.name: missing property"},
		{"unknown key", "components:\n  - match: {name: zlib}\n    supportLevel: actively-maintained\n    endOfSupport: 2030-01-01\n    eol: 2030\n",
			`:5:5: components[0].eol: unknown field "eol"`},
		{"bad glob", "components:\n  - match: {name: zlib, version: \"1.[\"}\n    supportLevel: actively-maintained\n    endOfSupport: 2030-01-01\n",
			":2:34: components[0].match.version: bad version glob"},
		{"duplicate", "components:\n  - match: {name: zlib}\n    supportLevel: actively-maintained\n    endOfSupport: 2030-01-01\n  - match: {name: ZLIB}\n    supportLevel: actively-maintained\n    endOfSupport: 2031-01-01\n",
			":5:5: components[1].match: same match as components[0] (line 2)"},
		{"version 2", "supportDataVersion: 2\ncomponents: []\n", ":1:21: supportDataVersion: "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := writeComponents(t, c.src)
			_, err := LoadComponents(f)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("want *ValidationError, got %v", err)
			}
			if !strings.Contains(err.Error(), f+c.want) {
				t.Errorf("got\n%v\nwant an error containing %q", err, f+c.want)
			}
		})
	}
	if _, err := LoadComponents(filepath.Join(t.TempDir(), "none.yaml")); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

const applySrc = `components:
  - match: {name: openssl, version: "3.2.*"}
    supportLevel: no-longer-maintained
    endOfSupport: 2025-11-23
    justification: upstream EOL
    supplier: OpenSSL Project
  - match: {name: openssl-bin}
    supportLevel: actively-maintained
    justification: only this package
  - match: {name: glibc}
    supportLevel: actively-maintained
    justification: no date
  - match: {name: glibc, version: "2.39*"}
    supportLevel: actively-maintained
    endOfSupport: 2028-04-30
  - match: {name: curl, purl: "pkg:generic/curl"}
    supportLevel: actively-maintained
    justification: purl match
  - match: {name: removed-long-ago}
    supportLevel: actively-maintained
    justification: stale
`

func TestApply(t *testing.T) {
	sd, err := LoadComponents(writeComponents(t, applySrc))
	if err != nil {
		t.Fatal(err)
	}
	libssl := comp("libssl3", "3.2.4", "openssl")
	conf := comp("openssl-conf", "3.2.4", "openssl")
	bin := comp("openssl-bin", "3.2.4", "openssl")
	newSSL := comp("libssl3", "3.5.0", "openssl") // version constraint excludes it
	libc := comp("libc6", "2.39+git", "glibc")
	oldLibc := comp("libc6", "2.35", "glibc")
	curl := comp("curl", "8.7.1", "")
	curl.PURL = "pkg:generic/curl@8.7.1?download_url=x"
	curlNoPURL := comp("curl", "8.7.1", "")
	preset := comp("tzdata", "2025a", "tzdata")
	preset.Support = &sbom.Support{Level: "actively-maintained", Justification: "from input"}
	bare := comp("json-c", "0.17", "json-c")
	doc := &sbom.Document{
		Primary:    &sbom.Component{Name: "openssl"}, // never touched
		Components: []*sbom.Component{libssl, conf, bin, newSSL, libc, oldLibc, curl, curlNoPURL, preset, bare},
	}
	rep := sd.Apply(doc)

	for _, c := range []*sbom.Component{libssl, conf} {
		if c.Support == nil || c.Support.Level != sbom.SupportNoLonger || c.Support.EndOfSupport != "2025-11-23" || c.Supplier != "OpenSSL Project" {
			t.Errorf("%s: support %+v supplier %q", c.Name, c.Support, c.Supplier)
		}
	}
	if bin.Support == nil || bin.Support.Justification != "only this package" || bin.Supplier != "" {
		t.Errorf("package-name entry should beat the recipe entry: %+v supplier %q", bin.Support, bin.Supplier)
	}
	if newSSL.Support != nil {
		t.Errorf("openssl 3.5.0 matched a 3.2.* entry: %+v", newSSL.Support)
	}
	if libc.Support == nil || libc.Support.EndOfSupport != "2028-04-30" {
		t.Errorf("versioned glibc entry should beat the unversioned one: %+v", libc.Support)
	}
	if oldLibc.Support == nil || oldLibc.Support.Justification != "no date" {
		t.Errorf("unversioned glibc entry should cover other versions: %+v", oldLibc.Support)
	}
	if curl.Support == nil || curlNoPURL.Support != nil {
		t.Errorf("purl constraint: with purl %+v, without %+v", curl.Support, curlNoPURL.Support)
	}
	if preset.Support.Justification != "from input" || doc.Primary.Support != nil {
		t.Error("components without a matching entry, and the primary, must be left alone")
	}
	if len(rep.Applied) != 6 {
		t.Errorf("applied to %d components, want 6", len(rep.Applied))
	}
	var unused []string
	for _, e := range rep.Unused {
		unused = append(unused, e.Match.Name)
	}
	if strings.Join(unused, ",") != "removed-long-ago" {
		t.Errorf("unused = %v", unused)
	}
	var uncovered []string
	for _, c := range rep.Uncovered {
		uncovered = append(uncovered, c.Name+"@"+c.Version)
	}
	// tzdata carries support data from its input, so it is not uncovered.
	if strings.Join(uncovered, ",") != "curl@8.7.1,json-c@0.17,libssl3@3.5.0" {
		t.Errorf("uncovered = %v", uncovered)
	}
	if e := sd.Lookup(comp("LIBSSL3", "3.2.1", "OpenSSL")); e == nil || e.Match.Name != "openssl" {
		t.Errorf("matching should ignore ASCII case: %+v", e)
	}
}

func TestPURLMatches(t *testing.T) {
	cases := []struct {
		want, have string
		ok         bool
	}{
		{"pkg:generic/curl", "pkg:generic/curl@8.7.1", true},
		{"pkg:generic/curl@8.7.1", "pkg:generic/curl@8.7.1?arch=arm64", true},
		{"pkg:generic/curl@8.7.1", "pkg:generic/curl@8.7.0", false},
		{"pkg:generic/curl", "pkg:generic/curlx@1", false},
		{"pkg:npm/%40scope/name", "pkg:npm/%40scope/name@1.0.0#sub", true},
		{"pkg:generic/curl", "", false},
	}
	for _, c := range cases {
		if got := purlMatches(c.want, c.have); got != c.ok {
			t.Errorf("purlMatches(%q, %q) = %v", c.want, c.have, got)
		}
	}
}

func exampleDocForFuzz() *sbom.Document {
	return &sbom.Document{Components: []*sbom.Component{comp("libssl3", "3.2.4", "openssl"), comp("a", "1.10", ""), {Name: "b"}}}
}

// TestUnquotedVersion: YAML reads 2.10 as a number; the entry must still
// match version "2.10" exactly as written, not "2.1".
func TestUnquotedVersion(t *testing.T) {
	sd, err := ParseComponents("c.yaml", []byte("components:\n  - match: {name: wpa-supplicant, version: 2.10}\n    supportLevel: actively-maintained\n    justification: x\n"))
	if err != nil {
		t.Fatal(err)
	}
	if sd.Entries[0].Match.Version != "2.10" {
		t.Errorf("version = %q, want 2.10 as written", sd.Entries[0].Match.Version)
	}
	if sd.Lookup(comp("wpa-supplicant", "2.10", "")) == nil || sd.Lookup(comp("wpa-supplicant", "2.1", "")) != nil {
		t.Error("unquoted 2.10 should match 2.10 only")
	}
	p, err := Parse("d", []byte("premarketVersion: 1\ndevice: {name: D, model: M, softwareVersion: 3.10, type: device, description: d}\nmanufacturer: {name: M, contacts: [{name: n, email: n@m.example}]}\nsubmission: {type: PMA, cyberDevice: true, cyberDeviceRationale: r}\nsbom: {authors: [M], inputs: [{path: a}]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Device.SoftwareVersion != "3.10" {
		t.Errorf("softwareVersion = %q, want 3.10", p.Device.SoftwareVersion)
	}
}

func TestComponentsLimits(t *testing.T) {
	big := []byte("components: []\n# " + strings.Repeat("x", int(componentLimits.MaxBytes)) + "\n")
	if _, err := ParseComponents("big.yaml", big); err == nil || !strings.Contains(err.Error(), "larger than the limit") {
		t.Errorf("oversized file: %v", err)
	}
	deep := "components: " + strings.Repeat("[", componentLimits.MaxDepth+2) + strings.Repeat("]", componentLimits.MaxDepth+2) + "\n"
	if _, err := ParseComponents("deep.yaml", []byte(deep)); err == nil || !strings.Contains(err.Error(), "nesting deeper") {
		t.Errorf("deep file: %v", err)
	}
}
