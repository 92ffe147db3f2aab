package check

import (
	"strings"
	"testing"
	"time"

	"github.com/premarket/premarket/finding"
	"github.com/premarket/premarket/sbom"
)

// goodDoc returns a document that satisfies every rule under both
// profiles. Each test case breaks exactly one thing.
func goodDoc() *sbom.Document {
	primary := &sbom.Component{Ref: "pump", Type: sbom.TypeFirmware, Name: "infusion-pump-fw", Version: "2.1.0",
		Supplier: "Acme Medical", PURL: "pkg:generic/acme/infusion-pump-fw@2.1.0",
		Loc: sbom.Location{File: "pump.cdx.json", Line: 8, Column: 5, Path: "/metadata/component"}}
	busybox := &sbom.Component{Ref: "busybox", Type: sbom.TypeApplication, Name: "busybox", Version: "1.36.1",
		Supplier: "busybox.net", PURL: "pkg:generic/busybox@1.36.1",
		CPE:      "cpe:2.3:a:busybox:busybox:1.36.1:*:*:*:*:*:*:*",
		Hashes:   []sbom.Hash{{Alg: "SHA-256", Value: strings.Repeat("ab", 32)}},
		Licenses: []sbom.License{{Expression: "GPL-2.0-only"}},
		Support:  &sbom.Support{Level: sbom.SupportActive, EndOfSupport: "2030-12-31"},
		Loc:      sbom.Location{File: "pump.cdx.json", Line: 20, Column: 7, Path: "/components/0"}}
	openssl := &sbom.Component{Ref: "openssl", Type: sbom.TypeLibrary, Name: "openssl", Version: "3.0.13",
		Supplier: "OpenSSL Software Foundation", PURL: "pkg:generic/openssl@3.0.13",
		Hashes:     []sbom.Hash{{Alg: "SHA-256", Value: strings.Repeat("cd", 32)}},
		Licenses:   []sbom.License{{Expression: "Apache-2.0"}},
		Properties: []sbom.Property{{Name: "premarket:support:level", Value: "actively-maintained"}, {Name: "premarket:support:end-of-support", Value: "2026-09-07"}},
		Loc:        sbom.Location{File: "pump.cdx.json", Line: 40, Column: 7, Path: "/components/1"}}
	return &sbom.Document{
		Format: "CycloneDX", SpecVersion: "1.6", SerialNumber: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
		Name: "infusion-pump", Timestamp: "2024-05-01T12:00:00Z", Authors: []string{"Acme Medical Product Security"},
		Tools: []string{"premarket 0.1.0"}, Supplier: "Acme Medical",
		Primary:    primary,
		Components: []*sbom.Component{busybox, openssl},
		Dependencies: []sbom.Dependency{
			{Ref: "pump", DependsOn: []string{"busybox", "openssl"}},
			{Ref: "busybox", DependsOn: []string{}},
			{Ref: "openssl", DependsOn: nil},
		},
		Source: "pump.cdx.json",
		Loc:    sbom.Location{File: "pump.cdx.json", Line: 1, Column: 1},
	}
}

func comp(d *sbom.Document, ref string) *sbom.Component { return d.ComponentByRef(ref) }

func TestGoodDocumentHasNoFindings(t *testing.T) {
	for _, p := range []Profile{ProfileFDA, ProfileNTIA, ""} {
		res := Run(goodDoc(), Options{Profile: p, Now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
		if len(res.Findings) != 0 {
			t.Fatalf("profile %q: want no findings, got %v", p, res.Findings)
		}
		if res.Failed() {
			t.Errorf("profile %q: good document failed", p)
		}
		for _, s := range res.Scores {
			if s.Total == 0 || s.Satisfied != s.Total || s.Percent != 100 {
				t.Errorf("profile %q: score %s = %d/%d (%.1f%%), want all", p, s.ID, s.Satisfied, s.Total, s.Percent)
			}
		}
	}
}

type ruleCase struct {
	name    string
	profile Profile
	now     time.Time
	mutate  func(d *sbom.Document)
	rule    string           // rule that must appear
	sev     finding.Severity // with this severity
	absent  []string         // rules that must not appear
}

var now2025 = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// triggerCases each break one element; every rule except SBOM-SCHEMA
// appears in at least one (checked by TestEveryRuleIsTriggered).
var triggerCases = []ruleCase{
	{name: "no author at all", mutate: func(d *sbom.Document) { d.Authors, d.Tools, d.Supplier = nil, nil, "" },
		rule: RuleAuthor, sev: finding.Error, absent: []string{RuleAuthorToolOnly}},
	{name: "tool only", mutate: func(d *sbom.Document) { d.Authors, d.Supplier = nil, "" },
		rule: RuleAuthorToolOnly, sev: finding.Warning, absent: []string{RuleAuthor}},
	{name: "manufacturer only", mutate: func(d *sbom.Document) { d.Authors, d.Tools = []string{" "}, nil },
		rule: RuleAuthorToolOnly, sev: finding.Warning},
	{name: "no timestamp", mutate: func(d *sbom.Document) { d.Timestamp = "" }, rule: RuleTimestamp, sev: finding.Error},
	{name: "date-only timestamp", mutate: func(d *sbom.Document) { d.Timestamp = "2024-05-01" },
		rule: RuleTimestampFormat, sev: finding.Warning, absent: []string{RuleTimestamp}},
	{name: "no relationships", mutate: func(d *sbom.Document) { d.Dependencies = nil },
		rule: RuleDependencies, sev: finding.Error, absent: []string{RuleDependencyUnknown}},
	{name: "primary has no relationships", mutate: func(d *sbom.Document) { d.Dependencies = d.Dependencies[1:] },
		rule: RuleDependencies, sev: finding.Error},
	{name: "component without own entry", mutate: func(d *sbom.Document) { d.Dependencies = d.Dependencies[:2] },
		rule: RuleDependencyUnknown, sev: finding.Info, absent: []string{RuleDependencies}},
	{name: "dangling ref", mutate: func(d *sbom.Document) { d.Dependencies[1].DependsOn = []string{"ghost"} },
		rule: RuleDependencyDangle, sev: finding.Warning},
	{name: "no primary", mutate: func(d *sbom.Document) {
		d.Primary = nil
		d.Dependencies = d.Dependencies[1:]
		d.Dependencies[0].DependsOn = []string{"openssl"}
	},
		rule: RulePrimary, sev: finding.Warning, absent: []string{RuleDependencies}},
	{name: "no serial", mutate: func(d *sbom.Document) { d.SerialNumber = "" }, rule: RuleSerial, sev: finding.Info},
	{name: "no components", mutate: func(d *sbom.Document) { d.Components = nil; d.Dependencies = nil },
		rule: RuleEmpty, sev: finding.Warning, absent: []string{RuleDependencies}},
	{name: "no supplier", mutate: func(d *sbom.Document) { comp(d, "busybox").Supplier = "" }, rule: RuleSupplier, sev: finding.Error},
	{name: "author but no supplier", mutate: func(d *sbom.Document) { c := comp(d, "busybox"); c.Supplier, c.Author = "", "Erik Andersen" },
		rule: RuleSupplier, sev: finding.Warning},
	{name: "primary without supplier or manufacturer", mutate: func(d *sbom.Document) { d.Primary.Supplier, d.Supplier = "", "" },
		rule: RuleSupplier, sev: finding.Error},
	{name: "no name", mutate: func(d *sbom.Document) { comp(d, "busybox").Name = "" }, rule: RuleName, sev: finding.Error},
	{name: "crypto asset without name", mutate: func(d *sbom.Document) {
		d.Components = append(d.Components, &sbom.Component{Ref: "alg", Type: sbom.TypeCryptoAsset})
	}, rule: RuleName, sev: finding.Error},
	{name: "no version", mutate: func(d *sbom.Document) { comp(d, "busybox").Version = "" }, rule: RuleVersion, sev: finding.Error},
	{name: "device without version", mutate: func(d *sbom.Document) {
		d.Components = append(d.Components, &sbom.Component{Ref: "soc", Type: sbom.TypeDevice, Name: "i.MX6", Supplier: "NXP"})
		d.Dependencies = append(d.Dependencies, sbom.Dependency{Ref: "soc"})
	}, rule: RuleVersion, sev: finding.Warning},
	{name: "no identifier", mutate: func(d *sbom.Document) { c := comp(d, "busybox"); c.PURL, c.CPE = "", "" },
		rule: RuleIdentifier, sev: finding.Error},
	{name: "primary without identifier", mutate: func(d *sbom.Document) { d.Primary.PURL = "" }, rule: RuleIdentifier, sev: finding.Warning},
	{name: "invalid purl", mutate: func(d *sbom.Document) { comp(d, "busybox").PURL = "busybox@1.36.1" }, rule: RulePURLInvalid, sev: finding.Error},
	{name: "purl without name", mutate: func(d *sbom.Document) { comp(d, "busybox").PURL = "pkg:generic/" }, rule: RulePURLInvalid, sev: finding.Error},
	{name: "cpe with 8 fields", mutate: func(d *sbom.Document) { comp(d, "busybox").CPE = "cpe:2.3:a:busybox:busybox:1.36.1:*:*:*" },
		rule: RuleCPEInvalid, sev: finding.Error},
	{name: "cpe with unquoted special", mutate: func(d *sbom.Document) { comp(d, "busybox").CPE = "cpe:2.3:a:busy box:busybox:1.36.1:*:*:*:*:*:*:*" },
		rule: RuleCPEInvalid, sev: finding.Error},
	{name: "cpe 2.2", mutate: func(d *sbom.Document) { comp(d, "busybox").CPE = "cpe:/a:busybox:busybox:1.36.1" },
		rule: RuleCPE22, sev: finding.Warning, absent: []string{RuleCPEInvalid}},
	{name: "no hash", mutate: func(d *sbom.Document) { comp(d, "busybox").Hashes = nil }, rule: RuleHash, sev: finding.Info},
	{name: "no licence", mutate: func(d *sbom.Document) { comp(d, "busybox").Licenses = nil }, rule: RuleLicense, sev: finding.Info},
	{name: "free-text licence", mutate: func(d *sbom.Document) {
		comp(d, "busybox").Licenses = []sbom.License{{Name: "Proprietary & LICENCE.freescale"}}
	}, rule: RuleLicenseNotSPDX, sev: finding.Info, absent: []string{RuleLicense}},
	{name: "no support (fda)", mutate: func(d *sbom.Document) { comp(d, "busybox").Support = nil },
		rule: RuleSupportLevel, sev: finding.Error},
	{name: "no support (ntia)", profile: ProfileNTIA, mutate: func(d *sbom.Document) { comp(d, "busybox").Support = nil },
		rule: RuleSupportLevel, sev: finding.Warning},
	{name: "no eos (fda)", mutate: func(d *sbom.Document) { comp(d, "busybox").Support.EndOfSupport = "" },
		rule: RuleEOS, sev: finding.Error, absent: []string{RuleSupportLevel}},
	{name: "no eos (ntia)", profile: ProfileNTIA, mutate: func(d *sbom.Document) { comp(d, "busybox").Support.EndOfSupport = "" },
		rule: RuleEOS, sev: finding.Warning},
	{name: "unknown level", mutate: func(d *sbom.Document) { comp(d, "busybox").Support.Level = "community" },
		rule: RuleSupportLevelValue, sev: finding.Error},
	{name: "unknown level with justification", mutate: func(d *sbom.Document) {
		comp(d, "busybox").Support = &sbom.Support{Level: "LTS", Justification: "upstream has no policy"}
	}, rule: RuleSupportLevelValue, sev: finding.Error, absent: []string{RuleEOS}},
	{name: "eos is text", mutate: func(d *sbom.Document) { comp(d, "busybox").Support.EndOfSupport = "Until hardware support ends" },
		rule: RuleEOSFormat, sev: finding.Warning, absent: []string{RuleEOS}},
	{name: "eos passed", now: now2025, mutate: func(d *sbom.Document) { comp(d, "busybox").Support.EndOfSupport = "2020-01-01" },
		rule: RuleEOSPassed, sev: finding.Warning},
	{name: "part of an image not examined", mutate: func(d *sbom.Document) {
		d.Components = append(d.Components, &sbom.Component{Ref: "blob", Type: sbom.TypeFile, Name: "fw.img!/opt/update.ubi",
			Properties: []sbom.Property{{Name: "premarket:image:not-checked", Value: "UBI image: no reader"}}})
	}, rule: RuleNotChecked, sev: finding.Warning, absent: []string{RuleSupplier, RuleVersion, RuleSupportLevel}},
}

// quietCases must not trigger the named rules.
var quietCases = []ruleCase{
	{name: "authors without tools", mutate: func(d *sbom.Document) { d.Tools, d.Supplier = nil, "" }, absent: []string{RuleAuthor, RuleAuthorToolOnly}},
	{name: "timestamp with offset and fraction", mutate: func(d *sbom.Document) { d.Timestamp = "2024-05-01T12:00:00.123+02:00" }, absent: []string{RuleTimestamp, RuleTimestampFormat}},
	{name: "primary supplier from manufacturer", mutate: func(d *sbom.Document) { d.Primary.Supplier = "" }, absent: []string{RuleSupplier}},
	{name: "identifier by cpe only", mutate: func(d *sbom.Document) { comp(d, "busybox").PURL = "" }, absent: []string{RuleIdentifier, RulePURLInvalid}},
	{name: "identifier by swid property", mutate: func(d *sbom.Document) {
		c := comp(d, "openssl")
		c.PURL = ""
		c.Properties = append(c.Properties, sbom.Property{Name: "cdx:swid:tagId", Value: "openssl-3.0.13"})
	}, absent: []string{RuleIdentifier}},
	{name: "cpe with quoted characters and wildcards", mutate: func(d *sbom.Document) {
		comp(d, "busybox").CPE = `cpe:2.3:a:busy\!box:busybox\:core:1.36.*:*:*:en-us:*:*:*:*`
	}, absent: []string{RuleCPEInvalid, RuleCPE22}},
	{name: "purl with qualifiers and subpath", mutate: func(d *sbom.Document) {
		comp(d, "busybox").PURL = "pkg:deb/debian/busybox@1.36.1-3?arch=amd64&distro=bookworm#usr/bin"
	}, absent: []string{RulePURLInvalid}},
	{name: "support spelled in the wild", mutate: func(d *sbom.Document) {
		c := comp(d, "busybox")
		c.Support = nil
		c.Properties = []sbom.Property{{Name: "Level of Support", Value: "Actively Maintained"}, {Name: "End-of-Support", Value: "2030-06"}}
	}, absent: []string{RuleSupportLevel, RuleSupportLevelValue, RuleEOS, RuleEOSFormat}},
	{name: "namespaced support spellings", mutate: func(d *sbom.Document) {
		c := comp(d, "busybox")
		c.Support = nil
		c.Properties = []sbom.Property{{Name: "fda:support-level", Value: "NO_LONGER_MAINTAINED"}, {Name: "cdx:EOL", Value: "2023-01-01T00:00:00Z"}}
	}, absent: []string{RuleSupportLevel, RuleSupportLevelValue, RuleEOS, RuleEOSFormat}},
	{name: "justification instead of level and date", mutate: func(d *sbom.Document) {
		comp(d, "busybox").Support = &sbom.Support{Justification: "supplier publishes no support policy; monitored via CVE feed"}
	}, absent: []string{RuleSupportLevel, RuleEOS}},
	{name: "text eos with justification", mutate: func(d *sbom.Document) {
		c := comp(d, "busybox")
		c.Support.EndOfSupport = "Until hardware support ends"
		c.Properties = append(c.Properties, sbom.Property{Name: "Justification", Value: "maintained in-house with the board support package"})
	}, absent: []string{RuleEOSFormat, RuleEOS}},
	{name: "eos passed not checked without Now", mutate: func(d *sbom.Document) { comp(d, "busybox").Support.EndOfSupport = "2020-01-01" }, absent: []string{RuleEOSPassed}},
	{name: "eos passed but no longer maintained", now: now2025, mutate: func(d *sbom.Document) {
		comp(d, "busybox").Support = &sbom.Support{Level: "no-longer-maintained", EndOfSupport: "2020-01-01"}
	}, absent: []string{RuleEOSPassed}},
	{name: "hardware component needs no software fields", mutate: func(d *sbom.Document) {
		d.Components = append(d.Components, &sbom.Component{Ref: "soc", Type: sbom.TypeDevice, Name: "i.MX6", Version: "rev-C", Supplier: "NXP"})
		d.Dependencies = append(d.Dependencies, sbom.Dependency{Ref: "soc"})
	}, absent: []string{RuleIdentifier, RuleHash, RuleLicense, RuleSupportLevel, RuleEOS, RuleVersion}},
	{name: "crypto asset needs only a name", mutate: func(d *sbom.Document) {
		d.Components = append(d.Components, &sbom.Component{Ref: "alg", Type: sbom.TypeCryptoAsset, Name: "SHA512withRSA"})
	}, absent: []string{RuleSupplier, RuleVersion, RuleIdentifier, RuleSupportLevel, RuleDependencyUnknown, RuleName}},
	{name: "primary needs no support data", mutate: func(d *sbom.Document) { d.Primary.Support = nil }, absent: []string{RuleSupportLevel, RuleEOS, RuleHash}},
}

func runCase(t *testing.T, c ruleCase) (Result, map[string][]finding.Finding) {
	t.Helper()
	d := goodDoc()
	c.mutate(d)
	res := Run(d, Options{Profile: c.profile, Now: c.now})
	by := map[string][]finding.Finding{}
	for _, f := range res.Findings {
		by[f.RuleID] = append(by[f.RuleID], f)
	}
	for _, r := range c.absent {
		if len(by[r]) > 0 {
			t.Errorf("rule %s must not trigger, got %v", r, by[r])
		}
	}
	return res, by
}

func TestRulesTrigger(t *testing.T) {
	for _, c := range triggerCases {
		t.Run(c.name, func(t *testing.T) {
			_, by := runCase(t, c)
			fs := by[c.rule]
			if len(fs) != 1 {
				t.Fatalf("want exactly one %s finding, got %d: %v", c.rule, len(fs), fs)
			}
			f := fs[0]
			if f.Severity != c.sev {
				t.Errorf("%s severity = %v, want %v", c.rule, f.Severity, c.sev)
			}
			r := ruleByID(c.rule)
			if f.Catalog != r.catalog || f.Catalog == "" {
				t.Errorf("%s catalog = %q, want %q", c.rule, f.Catalog, r.catalog)
			}
			if f.Subject == "" || f.Message == "" || f.Location.File != "pump.cdx.json" {
				t.Errorf("%s: subject, message and file must be set: %+v", c.rule, f)
			}
			if !strings.Contains(f.Message, ":") {
				t.Errorf("%s message should say what to do after a colon: %q", c.rule, f.Message)
			}
		})
	}
}

func TestRulesQuiet(t *testing.T) {
	for _, c := range quietCases {
		t.Run(c.name, func(t *testing.T) { runCase(t, c) })
	}
}

func TestEveryRuleIsTriggered(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range triggerCases {
		seen[c.rule] = true
	}
	ids := map[string]bool{}
	for _, r := range Rules() {
		if ids[r.ID] {
			t.Errorf("duplicate rule %s", r.ID)
		}
		ids[r.ID] = true
		if r.Title == "" || r.Help == "" || r.Catalog == "" {
			t.Errorf("rule %s lacks title, help or catalog", r.ID)
		}
		if r.ID != RuleSchema && !seen[r.ID] {
			t.Errorf("rule %s has no triggering test case", r.ID)
		}
	}
	for id := range seen {
		if !ids[id] {
			t.Errorf("test case uses unlisted rule %s", id)
		}
	}
}

func TestRulesForProfile(t *testing.T) {
	sev := func(rs []finding.Rule, id string) finding.Severity {
		for _, r := range rs {
			if r.ID == id {
				return r.Severity
			}
		}
		t.Fatalf("no rule %s", id)
		return 0
	}
	if got := sev(RulesFor(ProfileNTIA), RuleSupportLevel); got != finding.Warning {
		t.Errorf("ntia support level severity = %v", got)
	}
	if got := sev(Rules(), RuleSupportLevel); got != finding.Error {
		t.Errorf("default support level severity = %v", got)
	}
	if got := sev(RulesFor(ProfileNTIA), RuleSupplier); got != finding.Error {
		t.Errorf("ntia supplier severity = %v", got)
	}
}

func TestProfileDecidesFailure(t *testing.T) {
	d := goodDoc()
	comp(d, "busybox").Support = nil
	if !Run(d, Options{Profile: ProfileFDA}).Failed() {
		t.Error("fda profile must fail on missing support data")
	}
	if Run(d, Options{Profile: ProfileNTIA}).Failed() {
		t.Error("ntia profile must not fail on missing support data")
	}
	d = goodDoc()
	comp(d, "openssl").Supplier = ""
	if !Run(d, Options{Profile: ProfileNTIA}).Failed() {
		t.Error("ntia profile must fail on a missing supplier")
	}
	if _, err := ParseProfile("cisa"); err == nil {
		t.Error("ParseProfile accepted an unknown profile")
	}
	if p, err := ParseProfile(" NTIA "); err != nil || p != ProfileNTIA {
		t.Errorf("ParseProfile(NTIA) = %v, %v", p, err)
	}
}

func TestFindingLocationAndMessage(t *testing.T) {
	d := goodDoc()
	c := comp(d, "busybox")
	c.Supplier = ""
	res := Run(d, Options{})
	if len(res.Findings) != 1 {
		t.Fatalf("want one finding, got %v", res.Findings)
	}
	f := res.Findings[0]
	want := finding.Location{File: "pump.cdx.json", Line: 20, Column: 7, Path: "/components/0"}
	if f.Location != want {
		t.Errorf("location = %+v, want %+v", f.Location, want)
	}
	if f.Subject != "busybox@1.36.1" {
		t.Errorf("subject = %q", f.Subject)
	}
	for _, part := range []string{"busybox@1.36.1", "supplier.name", "NTIA-F1", "components.yaml"} {
		if !strings.Contains(f.Message, part) {
			t.Errorf("message %q lacks %q", f.Message, part)
		}
	}
	// SPDX documents name SPDX fields; components without a location
	// fall back to the document's source.
	d = goodDoc()
	d.Format = "SPDX"
	c = comp(d, "busybox")
	c.Supplier, c.Loc = "", sbom.Location{}
	f = Run(d, Options{}).Findings[0]
	if !strings.Contains(f.Message, "PackageSupplier") || f.Location.File != "pump.cdx.json" || f.Location.Line != 0 {
		t.Errorf("SPDX finding = %+v", f)
	}
}

func TestScores(t *testing.T) {
	d := goodDoc()
	comp(d, "busybox").Supplier = ""
	comp(d, "openssl").Properties = nil
	comp(d, "openssl").Support = &sbom.Support{Justification: "tracked by the OpenSSL release strategy"}
	comp(d, "busybox").PURL = "not a purl"
	comp(d, "busybox").CPE = ""
	d.Authors = nil
	res := Run(d, Options{})
	got := map[string]ElementScore{}
	for _, s := range res.Scores {
		got[s.ID] = s
	}
	check := func(id string, sat, total, justified int, pct float64) {
		t.Helper()
		s := got[id]
		if s.Satisfied != sat || s.Total != total || s.Justified != justified || s.Percent != pct {
			t.Errorf("%s = %+v, want %d/%d justified %d %.1f%%", id, s, sat, total, justified, pct)
		}
	}
	check(ElemSupplier, 1, 2, 0, 50)
	check(ElemName, 2, 2, 0, 100)
	check(ElemIdentifier, 2, 2, 0, 100) // an invalid PURL is still an identifier...
	check(ElemVulnID, 1, 2, 0, 50)      // ...but not usable for matching
	check(ElemSupportLevel, 1, 2, 1, 50)
	check(ElemEndOfSupport, 1, 2, 1, 50)
	check(ElemAuthor, 0, 1, 0, 0)
	check(ElemTimestamp, 1, 1, 0, 100)
	if len(res.Scores) != 12 || res.Scores[0].ID != ElemSupplier || res.Scores[11].ID != ElemLicense {
		t.Errorf("score order: %+v", res.Scores)
	}
}

func TestNilDocument(t *testing.T) {
	res := Run(nil, Options{})
	if res.Failed() || len(res.Findings) != 0 || len(res.Scores) != 12 {
		t.Errorf("nil document: %+v", res)
	}
}

func TestManyComponentsOneFindingEach(t *testing.T) {
	d := goodDoc()
	for i := 0; i < 5000; i++ {
		d.Components = append(d.Components, &sbom.Component{Ref: "c" + string(rune('a'+i%26)) + strings.Repeat("x", i/26), Name: "lib", Version: "1"})
	}
	res := Run(d, Options{})
	by := map[string]int{}
	for _, f := range res.Findings {
		by[f.RuleID]++
	}
	if by[RuleSupplier] != 5000 || by[RuleSupportLevel] != 5000 || by[RuleDependencyUnknown] != 5000 {
		t.Errorf("per-component findings: %v", by)
	}
}

func BenchmarkRun10k(b *testing.B) {
	d := goodDoc()
	for i := 0; i < 10000; i++ {
		d.Components = append(d.Components, &sbom.Component{Ref: "r" + strings.Repeat("x", i%7) + string(rune('0'+i%10)), Name: "lib", Version: "1",
			PURL: "pkg:generic/lib@1", CPE: "cpe:2.3:a:lib:lib:1:*:*:*:*:*:*:*"})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Run(d, Options{})
	}
}

// TestDependencyScoreCountsInclusion: a component listed in another's
// dependsOn satisfies NTIA-F5 ("included in"), though its own dependencies
// stay a known unknown reported as info.
func TestDependencyScoreCountsInclusion(t *testing.T) {
	doc := &sbom.Document{
		Format: "CycloneDX", Timestamp: "2026-01-01T00:00:00Z", Authors: []string{"QA"},
		Primary: &sbom.Component{Ref: "dev", Name: "dev", Version: "1", Supplier: "ACME", Type: sbom.TypeDevice},
		Components: []*sbom.Component{
			{Ref: "a", Name: "a", Version: "1", Supplier: "S", PURL: "pkg:generic/a@1", Type: sbom.TypeLibrary},
			{Ref: "b", Name: "b", Version: "1", Supplier: "S", PURL: "pkg:generic/b@1", Type: sbom.TypeLibrary},
		},
		Dependencies: []sbom.Dependency{{Ref: "dev", DependsOn: []string{"a"}}},
	}
	res := Run(doc, Options{Profile: ProfileNTIA})
	for _, s := range res.Scores {
		if s.ID == ElemDependency && (s.Satisfied != 1 || s.Total != 2) {
			t.Fatalf("NTIA-F5 = %d/%d, want 1/2 (a is included in the device, b is not related)", s.Satisfied, s.Total)
		}
	}
	unknown := 0
	for _, f := range res.Findings {
		if f.RuleID == RuleDependencyUnknown {
			unknown++
		}
	}
	if unknown != 2 {
		t.Fatalf("%d known-unknown findings, want 2 (neither a nor b has its own entry)", unknown)
	}
}

func TestSWIDTagIsAUniqueIdentifier(t *testing.T) {
	doc := &sbom.Document{Format: "CycloneDX", Timestamp: "2026-01-01T00:00:00Z", Authors: []string{"QA"},
		Components: []*sbom.Component{{Ref: "b", Name: "busybox", Version: "1.34.1", Supplier: "S", SWIDTagID: "busybox", Type: sbom.TypeOperatingSystem}}}
	for _, f := range Run(doc, Options{Profile: ProfileNTIA}).Findings {
		if f.RuleID == RuleIdentifier {
			t.Fatalf("SWID tag not accepted as identifier: %v", f.Message)
		}
	}
}
