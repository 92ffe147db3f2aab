package check

import (
	"errors"
	"io/fs"
	"os"
	"strings"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/threatmodel"
)

// checkVulns: every vulnerability assessed, affected ones planned, KEV
// never accepted (check 11).
func (c *checker) checkVulns() {
	for _, v := range c.m.Vulnerabilities {
		for i, id := range v.AssessedIn {
			t := c.ix.threats[id]
			if t == nil {
				continue
			}
			if !has(t.Vulnerabilities, v.ID) {
				c.add("TM-VULN-001", v.Pos.Field("assessedIn."+itoa(i)), v.ID, "%s is assessed in threat %s, but that threat does not list it in vulnerabilities; add it there (origin known-vulnerability) so the safety and security assessment is one record", v.ID, t.ID)
			}
		}
		if v.Status == "affected" {
			r := v.Remediation
			if r == nil || placeholder(r.Plan) || (r.TargetRelease == "" && r.TargetDate == "") {
				c.add("TM-VULN-002", v.Pos.Field("remediation"), v.ID, "%s affects the device but has no remediation plan with a target release or date; give remediation.plan and targetRelease or targetDate", v.ID)
			}
		}
		if !v.KEV {
			continue
		}
		if v.Status == "affected" || v.Status == "under_investigation" {
			c.add("TM-VULN-003", v.Pos.Field("status"), v.ID, "%s is on the CISA KEV list and its status is %s; KEV vulnerabilities must be designed out (fixed) or shown not_affected with a justification, not accepted", v.ID, v.Status)
		}
		if v.Status == "fixed" || v.Status == "not_affected" {
			continue
		}
		for _, id := range v.AssessedIn {
			t := c.ix.threats[id]
			if t == nil {
				continue
			}
			if a := t.Acceptance(); (a != nil && a.Decision == "accepted") || t.Status == "accepted" {
				c.add("TM-VULN-003", t.Pos.Field("risk.acceptance"), t.ID, "threat %s accepts the residual risk of KEV vulnerability %s, which is not fixed; KEV entries may not end in an accepted risk", t.ID, v.ID)
			}
		}
	}
	for _, t := range c.m.Threats {
		if t.Origin == "known-vulnerability" && len(t.Vulnerabilities) == 0 {
			c.add("TM-VULN-004", t.Pos.Field("origin"), t.ID, "threat %s has origin known-vulnerability but names no vulnerabilities; list the CVE/GHSA records it assesses", t.ID)
		}
		for i, id := range t.Vulnerabilities {
			if v := c.ix.vulns[id]; v != nil && !has(v.AssessedIn, t.ID) {
				c.add("TM-VULN-004", t.Pos.Field("vulnerabilities."+itoa(i)), t.ID, "threat %s lists %s, but the vulnerability's assessedIn does not name the threat; add %s there", t.ID, id, t.ID)
			}
		}
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// sbomIndex finds SBOM components by bom-ref, purl, SPDX ID or name@version.
type sbomIndex map[string]*sbom.Component

func newSBOMIndex(d *sbom.Document) sbomIndex {
	ix := sbomIndex{}
	addc := func(c *sbom.Component) {
		if c == nil {
			return
		}
		for _, k := range []string{c.Ref, purlKey(c.PURL), strings.ToLower(c.Name + "@" + c.Version)} {
			if k != "" && k != "@" {
				if _, ok := ix[k]; !ok {
					ix[k] = c
				}
			}
		}
	}
	addc(d.Primary)
	for _, c := range d.Components {
		addc(c)
	}
	return ix
}

func purlKey(p string) string {
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	return p
}

func (ix sbomIndex) find(ref string) *sbom.Component {
	if c := ix[ref]; c != nil {
		return c
	}
	if strings.HasPrefix(ref, "pkg:") {
		if c := ix[purlKey(ref)]; c != nil {
			return c
		}
	}
	return ix[strings.ToLower(ref)]
}

// checkSBOMs resolves SBOM references (check 11, App. 2 A2-19).
func (c *checker) checkSBOMs() {
	read := c.opts.ReadSBOM
	if read == nil {
		read = DefaultSBOMReader()
	}
	docs := map[string]sbomIndex{}
	fromSource := map[string]bool{}
	for _, s := range c.m.SBOMs {
		if _, done := docs[s.ID]; done {
			continue
		}
		if d := c.opts.SBOMs[s.ID]; d != nil {
			docs[s.ID] = newSBOMIndex(d)
			continue
		}
		path := threatmodel.ResolvePath(s.Dir, s.Path)
		field := "path"
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) && s.Source != "" {
			path, field = threatmodel.ResolvePath(s.Dir, s.Source), "source"
		}
		d, err := read(c.opts.Context, path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				c.add("TM-SBOM-002", s.Pos.Field(field), s.ID, "SBOM %s: %s does not exist; generate it (premarket sbom generate) or pass it with --sbom, so its references can be checked", s.ID, path)
			} else {
				c.add("TM-SBOM-002", s.Pos.Field(field), s.ID, "SBOM %s: cannot read %s: %v", s.ID, path, err)
			}
			docs[s.ID] = nil
			continue
		}
		docs[s.ID] = newSBOMIndex(d)
		fromSource[s.ID] = field == "source"
	}
	lookup := func(p threatmodel.Pos, subject string, r threatmodel.SoftwareRef, support bool) {
		ix, ok := docs[r.SBOM]
		if !ok || ix == nil {
			return // unknown SBOM (TM-ID-002) or unreadable (TM-SBOM-002)
		}
		comp := ix.find(r.Ref)
		if comp == nil {
			c.add("TM-SBOM-001", p.Field("ref"), subject, "%s: %q is not a component of SBOM %s (matched by bom-ref, purl, SPDX ID or name@version); fix the reference or regenerate the SBOM", subject, r.Ref, r.SBOM)
			return
		}
		if support && !hasSupport(comp) {
			hint := "add them (components.yaml or premarket:support:* properties)"
			if fromSource[r.SBOM] {
				hint = "the SBOM has not been generated yet and the build manifest carries no support data; generate the SBOM (premarket sbom generate applies components.yaml) or pass it with --sbom"
			}
			c.add("TM-SBOM-003", p.Field("ref"), subject, "%s: SBOM component %s has no support level, end-of-support date or justification; %s", subject, r.Ref, hint)
		}
	}
	for _, k := range c.m.Components {
		for _, s := range k.Software {
			lookup(s.Pos, k.ID, *s, true)
		}
	}
	for _, v := range c.m.Vulnerabilities {
		lookup(v.Component.Pos, v.ID, v.Component, false)
	}
}

func hasSupport(c *sbom.Component) bool {
	if s := c.Support; s != nil && (s.Level != "" || s.EndOfSupport != "" || s.Justification != "") {
		return true
	}
	for _, p := range []string{"premarket:support:level", "premarket:support:end-of-support", "premarket:support:justification"} {
		if _, ok := c.Property(p); ok {
			return true
		}
	}
	return false
}
