package generate

import (
	"sort"
	"strings"

	"github.com/premarket/premarket/sbom"
)

// foldObserved joins components observed in shipped binaries to the
// declared components they are, and returns, per folded (observed)
// component ref, the ref of the declared component that absorbed it. The
// declared component keeps its own fields and gains the observed
// component's origins, evidence, hashes and properties.
//
// The first pass of merge cannot do this: it keys components by PURL, and
// an observation carries pkg:generic/openssl@3.0.11 where Yocto declares
// pkg:yocto/meta/openssl@3.0.11 and Debian pkg:deb/debian/libssl3@....
// The rule, applied to each observed component (one with Evidence) against
// the declared ones (without Evidence):
//
//  1. same CPE vendor:product and the same normalised version; else
//  2. the same normalised name and the same normalised version; else
//  3. an observed component without version joins the single declared
//     component of the same CPE vendor:product, else of the same
//     normalised name, when there is exactly one.
//
// Normalised names are lower case without a leading "lib" and trailing
// digits, dots, dashes and underscores ("libz1" and "z" meet; "libssl3"
// becomes "ssl" and stays distinct from "openssl", which rule 1 covers
// through the CPE). Normalised versions drop an epoch ("1:"), a
// leading "v", and everything from the first "-", "+" or "~" (a
// distribution revision: 3.0.11-1~deb12u2 is 3.0.11). When several
// declared components match, the one whose normalised name equals the
// observed one wins, then the first in sort order, so the result is
// deterministic. Host-scoped (build tool) components never absorb
// observations: they do not ship.
func foldObserved(comps []*sbom.Component) map[string]string {
	var declared []*sbom.Component
	var observed []*sbom.Component
	for _, c := range comps {
		if scope, _ := c.Property(sbom.PropBuildScope); scope == "host" {
			continue
		}
		if c.Type == sbom.TypeFile {
			continue
		}
		if len(c.Evidence) > 0 {
			observed = append(observed, c)
		} else {
			declared = append(declared, c)
		}
	}
	if len(observed) == 0 || len(declared) == 0 {
		return nil
	}
	byCPEVer := map[string][]*sbom.Component{}
	byNameVer := map[string][]*sbom.Component{}
	byCPE := map[string][]*sbom.Component{}
	byName := map[string][]*sbom.Component{}
	for _, d := range declared {
		v := NormalizeVersion(d.Version)
		n := NormalizeName(d.Name)
		if vp := CPEVendorProduct(d.CPE); vp != "" {
			byCPE[vp] = append(byCPE[vp], d)
			if v != "" {
				byCPEVer[vp+"@"+v] = append(byCPEVer[vp+"@"+v], d)
			}
		}
		byName[n] = append(byName[n], d)
		if v != "" {
			byNameVer[n+"@"+v] = append(byNameVer[n+"@"+v], d)
		}
	}
	into := map[string]string{}
	for _, o := range observed {
		v := NormalizeVersion(o.Version)
		n := NormalizeName(o.Name)
		vp := CPEVendorProduct(o.CPE)
		var cands []*sbom.Component
		switch {
		case v != "" && vp != "" && len(byCPEVer[vp+"@"+v]) > 0:
			cands = byCPEVer[vp+"@"+v]
		case v != "" && len(byNameVer[n+"@"+v]) > 0:
			cands = byNameVer[n+"@"+v]
		case v == "" && vp != "" && len(distinct(byCPE[vp])) == 1:
			cands = byCPE[vp]
		case v == "" && len(distinct(byName[n])) == 1:
			cands = byName[n]
		}
		if len(cands) == 0 {
			continue
		}
		d := pick(cands, n)
		mergeInto(d, o)
		into[o.Ref] = d.Ref
	}
	return into
}

// distinct returns the distinct name@version pairs of cs (one recipe's
// binary packages share them).
func distinct(cs []*sbom.Component) map[string]bool {
	out := map[string]bool{}
	for _, c := range cs {
		out[NormalizeVersion(c.Version)] = true
	}
	return out
}

func pick(cands []*sbom.Component, name string) *sbom.Component {
	cs := append([]*sbom.Component(nil), cands...)
	sort.SliceStable(cs, func(i, j int) bool {
		ei, ej := NormalizeName(cs[i].Name) == name, NormalizeName(cs[j].Name) == name
		if ei != ej {
			return ei
		}
		if cs[i].Name != cs[j].Name {
			return cs[i].Name < cs[j].Name
		}
		return cs[i].Ref < cs[j].Ref
	})
	return cs[0]
}

// CPEVendorProduct returns "vendor:product" of a CPE 2.3 formatted string
// or a CPE 2.2 URI, lower case, or "".
func CPEVendorProduct(cpe string) string {
	cpe = strings.ToLower(cpe)
	var parts []string
	switch {
	case strings.HasPrefix(cpe, "cpe:2.3:"):
		parts = strings.Split(cpe, ":")[3:]
	case strings.HasPrefix(cpe, "cpe:/"):
		parts = strings.Split(cpe[5:], ":")[1:]
	default:
		return ""
	}
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" || parts[0] == "*" || parts[1] == "*" {
		return ""
	}
	return parts[0] + ":" + parts[1]
}

// NormalizeName is the name used to line up a declared and an observed
// component: lower case, without a leading "lib" and without trailing
// digits, dots, dashes and underscores (libz1 → z, libssl3 → ssl).
func NormalizeName(n string) string {
	n = strings.ToLower(strings.TrimSpace(n))
	if len(n) > 3 {
		n = strings.TrimPrefix(n, "lib")
	}
	t := strings.TrimRight(n, "0123456789.-_")
	if t != "" {
		n = t
	}
	return n
}

// NormalizeVersion is the version used to line up a declared and an
// observed component: without epoch, leading "v" and distribution
// revision (everything from the first "-", "+" or "~").
func NormalizeVersion(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if i := strings.IndexByte(v, ':'); i > 0 && strings.Trim(v[:i], "0123456789") == "" {
		v = v[i+1:]
	}
	if len(v) > 1 && v[0] == 'v' && v[1] >= '0' && v[1] <= '9' {
		v = v[1:]
	}
	if i := strings.IndexAny(v, "-+~"); i > 0 {
		v = v[:i]
	}
	return v
}
