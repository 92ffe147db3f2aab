package check

import (
	"strings"
	"time"
	"unicode"

	"github.com/premarket/premarket/sbom"
)

// SupportInfo is a component's FDA support data (FDA-SB1, SB2, SB4) as
// found in the component, with the field or property each value came
// from so that messages can point at it.
type SupportInfo struct {
	Level               string // raw value as written
	LevelSource         string // "support.level" or the property name
	EndOfSupport        string // raw value as written
	EndOfSupportSource  string
	Justification       string
	JustificationSource string
	// ValidUntil is SPDX 2.3's validUntilDate when a reader kept it as a
	// property. It is not an end-of-support date (see the package doc) and
	// is used only to hint in messages.
	ValidUntil string
}

// Property names are compared after squashing: lower case, letters and
// digits only. A name matches when its last colon-separated segment, or
// its last two segments joined, squash to one of these keys. So
// "premarket:support:level", "fda:support-level", "Support Level",
// "supportLevel" and "Level of Support" all name the support level, and
// "cdx:eos", "End-of-Life", "endOfSupport" the end of support.
var (
	levelKeys = map[string]bool{
		"supportlevel":   true,
		"levelofsupport": true,
	}
	eosKeys = map[string]bool{
		"endofsupport":     true,
		"endofsupportdate": true,
		"eos":              true,
		"eosdate":          true,
		"endoflife":        true,
		"endoflifedate":    true,
		"eol":              true,
		"eoldate":          true,
	}
	justificationKeys = map[string]bool{
		"justification":        true,
		"supportjustification": true,
	}
	validUntilKeys = map[string]bool{
		"validuntildate": true,
		"validuntil":     true,
	}
)

// squash lower-cases s and keeps only letters and digits.
func squash(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// propertyKeys returns the squashed forms of the last segment and of the
// last two segments of a property name.
func propertyKeys(name string) (last, lastTwo string) {
	segs := strings.Split(name, ":")
	last = squash(segs[len(segs)-1])
	if len(segs) >= 2 {
		lastTwo = squash(segs[len(segs)-2] + segs[len(segs)-1])
	}
	return last, lastTwo
}

func matchKey(keys map[string]bool, last, lastTwo string) bool {
	return keys[last] || (lastTwo != "" && keys[lastTwo])
}

// ResolveSupport gathers a component's support data. Component.Support,
// when set, wins field by field (it is what components.yaml and the
// premarket readers fill in); otherwise the first matching property in
// document order is used. Empty values count as absent.
func ResolveSupport(c *sbom.Component) SupportInfo {
	var s SupportInfo
	if c.Support != nil {
		if v := strings.TrimSpace(c.Support.Level); v != "" {
			s.Level, s.LevelSource = v, "support.level"
		}
		if v := strings.TrimSpace(c.Support.EndOfSupport); v != "" {
			s.EndOfSupport, s.EndOfSupportSource = v, "support.endOfSupport"
		}
		if v := strings.TrimSpace(c.Support.Justification); v != "" {
			s.Justification, s.JustificationSource = v, "support.justification"
		}
	}
	for _, p := range c.Properties {
		v := strings.TrimSpace(p.Value)
		if v == "" {
			continue
		}
		last, lastTwo := propertyKeys(p.Name)
		switch {
		case matchKey(levelKeys, last, lastTwo):
			if s.Level == "" {
				s.Level, s.LevelSource = v, "property "+p.Name
			}
		case matchKey(eosKeys, last, lastTwo):
			if s.EndOfSupport == "" {
				s.EndOfSupport, s.EndOfSupportSource = v, "property "+p.Name
			}
		case matchKey(justificationKeys, last, lastTwo):
			if s.Justification == "" {
				s.Justification, s.JustificationSource = v, "property "+p.Name
			}
		case matchKey(validUntilKeys, last, lastTwo):
			if s.ValidUntil == "" {
				s.ValidUntil = v
			}
		}
	}
	return s
}

// levelSpellings maps squashed support-level spellings to premarket's
// canonical values. This is the complete list of accepted spellings;
// anything else is reported by SBOM-FDA-SUPPORT-LEVEL-VALUE.
var levelSpellings = map[string]string{
	"activelymaintained": sbom.SupportActive, // Actively Maintained, actively-maintained, ACTIVELY_MAINTAINED
	"active":             sbom.SupportActive,
	"maintained":         sbom.SupportActive,
	"nolongermaintained": sbom.SupportNoLonger, // No Longer Maintained, no-longer-maintained
	"notmaintained":      sbom.SupportNoLonger,
	"unmaintained":       sbom.SupportNoLonger,
	"abandoned":          sbom.SupportAbandoned,
}

// NormalizeLevel maps a support level as written to premarket's canonical
// value (sbom.SupportActive, SupportNoLonger or SupportAbandoned). Case,
// spaces, hyphens, underscores and other punctuation are ignored. It
// accepts "actively maintained", "active", "maintained" (actively
// maintained); "no longer maintained", "not maintained", "unmaintained"
// (no longer maintained); and "abandoned".
func NormalizeLevel(s string) (string, bool) {
	v, ok := levelSpellings[squash(s)]
	return v, ok
}

// ParseEndOfSupport parses an end-of-support value: a calendar date
// YYYY-MM-DD, an RFC 3339 date-time, or a month YYYY-MM (taken as the
// first day of that month). Anything else, such as "Until hardware support
// ends", is not a date.
func ParseEndOfSupport(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
