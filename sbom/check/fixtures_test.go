package check_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/premarket/premarket/finding"
	"github.com/premarket/premarket/internal/testfixtures"
	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/check"
	"github.com/premarket/premarket/sbom/cyclonedx"
	"github.com/premarket/premarket/sbom/spdx"
)

// readFixture reads a CycloneDX or SPDX JSON file with the project's readers.
func readFixture(t *testing.T, path string) *sbom.Document {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []sbom.Reader{cyclonedx.NewJSONReader(), &spdx.JSONReader{}} {
		if r.Detect(path, data) {
			doc, err := r.Read(context.Background(), path, data)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			return doc
		}
	}
	t.Fatalf("%s: no reader detects it", path)
	return nil
}

type fixtureResult struct {
	doc  *sbom.Document
	ntia check.Result
	fda  check.Result
}

func (r fixtureResult) rules(res check.Result) map[string]map[finding.Severity]int {
	m := map[string]map[finding.Severity]int{}
	for _, f := range res.Findings {
		if m[f.RuleID] == nil {
			m[f.RuleID] = map[finding.Severity]int{}
		}
		m[f.RuleID][f.Severity]++
	}
	return m
}

func score(res check.Result, id string) check.ElementScore {
	for _, s := range res.Scores {
		if s.ID == id {
			return s
		}
	}
	return check.ElementScore{}
}

func TestFixtures(t *testing.T) {
	fx := testfixtures.Dir(t)
	files, err := filepath.Glob(filepath.Join(fx, "sbom", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in %s: %v", fx, err)
	}
	files = append(files, filepath.Join(fx, "yocto", "wr-sbom_recipe-shadow.spdx22.json"))
	known := map[string]bool{}
	for _, r := range check.Rules() {
		known[r.ID] = true
	}
	results := map[string]fixtureResult{}
	for _, path := range files {
		doc := readFixture(t, path)
		r := fixtureResult{doc: doc,
			ntia: check.Run(doc, check.Options{Profile: check.ProfileNTIA}),
			fda:  check.Run(doc, check.Options{Profile: check.ProfileFDA})}
		for _, res := range []check.Result{r.ntia, r.fda} {
			for _, f := range res.Findings {
				if !known[f.RuleID] || f.Message == "" || f.Catalog == "" || f.Subject == "" {
					t.Errorf("%s: malformed finding %+v", filepath.Base(path), f)
				}
				if f.Location.File != path {
					t.Errorf("%s: finding located in %q", filepath.Base(path), f.Location.File)
				}
			}
		}
		// The fda profile only adds failures to ntia's.
		if r.ntia.Failed() && !r.fda.Failed() {
			t.Errorf("%s fails ntia but passes fda", filepath.Base(path))
		}
		results[filepath.Base(path)] = r
	}

	t.Run("laravel fails fda on support data but has usable PURLs", func(t *testing.T) {
		r := results["cdx14_laravel-7.12.0.json"]
		n := len(r.doc.Components)
		fda, ntia := r.rules(r.fda), r.rules(r.ntia)
		if !r.fda.Failed() || fda[check.RuleSupportLevel][finding.Error] != n || fda[check.RuleEOS][finding.Error] != n {
			t.Errorf("fda: want a support-level and an EOS error per component (%d): %v", n, fda)
		}
		if ntia[check.RuleSupportLevel][finding.Error] != 0 || ntia[check.RuleSupportLevel][finding.Warning] != n {
			t.Errorf("ntia: support level must be warnings: %v", ntia)
		}
		if s := score(r.fda, check.ElemVulnID); s.Total != n || s.Satisfied != n {
			t.Errorf("VULN-ID = %+v, want every component matchable", s)
		}
		if len(fda[check.RulePURLInvalid]) != 0 || len(fda[check.RuleIdentifier]) != 0 {
			t.Errorf("laravel PURLs reported: %v", fda)
		}
		// It has no timestamp and only a tool as author.
		if len(fda[check.RuleTimestamp]) != 1 || len(fda[check.RuleAuthorToolOnly]) != 1 {
			t.Errorf("document findings: %v", fda)
		}
		// Component findings point at their line.
		for _, f := range r.fda.Findings {
			if f.RuleID == check.RuleSupportLevel && f.Location.Line <= 1 {
				t.Errorf("component finding without line: %+v", f)
				break
			}
		}
	})

	t.Run("hardware BOM gets no software rules", func(t *testing.T) {
		r := results["cdx14_hbom_pcie-sata-adapter-board.json"]
		fda := r.rules(r.fda)
		for _, id := range []string{check.RuleSupportLevel, check.RuleEOS, check.RuleHash, check.RuleLicense} {
			if len(fda[id]) != 0 {
				t.Errorf("HBOM has %s findings: %v", id, fda[id])
			}
		}
		if fda[check.RuleVersion][finding.Error] != 0 {
			t.Errorf("device without version must be a warning: %v", fda[check.RuleVersion])
		}
		if s := score(r.fda, check.ElemSupportLevel); s.Total != 0 {
			t.Errorf("devices scored for support level: %+v", s)
		}
	})

	t.Run("crypto BOM assets are not software components", func(t *testing.T) {
		r := results["cdx16_cbom_protocol.json"]
		for _, f := range r.fda.Findings {
			if f.RuleID == check.RuleSupplier || f.RuleID == check.RuleVersion || f.RuleID == check.RuleSupportLevel {
				if f.Subject != "my application@1.0" {
					t.Errorf("crypto asset got %s: %+v", f.RuleID, f)
				}
			}
		}
	})

	t.Run("VEX without components", func(t *testing.T) {
		r := results["cdx14_vex.json"]
		if len(r.rules(r.fda)[check.RuleEmpty]) != 1 {
			t.Errorf("VEX: %v", r.rules(r.fda))
		}
	})

	t.Run("syft SPDX alpine image", func(t *testing.T) {
		r := results["spdx22_syft_alpine-image.json"]
		n := len(r.doc.Components)
		if n == 0 {
			t.Fatal("no components read")
		}
		if s := score(r.fda, check.ElemVulnID); s.Satisfied != n {
			t.Errorf("VULN-ID = %+v", s)
		}
		if len(r.rules(r.fda)[check.RuleAuthor]) != 0 {
			t.Error("SPDX creators not taken as author")
		}
		for _, f := range r.fda.Findings {
			if f.RuleID == check.RuleSupplier && !strings.Contains(f.Message, "PackageSupplier") {
				t.Errorf("SPDX finding names a CycloneDX field: %s", f.Message)
			}
		}
		if !r.fda.Failed() {
			t.Error("alpine image has no support data and must fail fda")
		}
	})

	t.Run("yocto create-spdx recipe document", func(t *testing.T) {
		r := results["wr-sbom_recipe-shadow.spdx22.json"]
		if r.doc.Primary == nil || !strings.Contains(r.doc.Primary.Name, "shadow") {
			t.Fatalf("primary = %+v", r.doc.Primary)
		}
		if len(r.rules(r.fda)[check.RuleAuthor]) != 0 || len(r.rules(r.fda)[check.RuleTimestamp]) != 0 {
			t.Errorf("document metadata: %v", r.rules(r.fda))
		}
	})
}
