package project

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/yamlpos"
)

// RecipeProperty is the component property that names the build recipe
// (Yocto recipe, Buildroot package) a component was built from.
const RecipeProperty = "premarket:build:recipe"

// SupportData is a validated components.yaml: the manufacturer's support
// data per component.
type SupportData struct {
	File    string          `yaml:"-"`
	Entries []*SupportEntry `yaml:"components"`
}

// SupportEntry is one components.yaml entry.
type SupportEntry struct {
	Match         Match  `yaml:"match"`
	SupportLevel  string `yaml:"supportLevel"`
	EndOfSupport  string `yaml:"endOfSupport"` // YYYY-MM-DD, kept as written
	Justification string `yaml:"justification"`
	Supplier      string `yaml:"supplier"`
	Notes         string `yaml:"notes"`
	// Index is the entry's position in the file (0-based); Line and
	// Column locate it.
	Index  int `yaml:"-"`
	Line   int `yaml:"-"`
	Column int `yaml:"-"`
}

// Match selects the components an entry applies to.
//
// The rule: the entry matches a component when
//   - Name equals the component's name, or its RecipeProperty, ignoring
//     ASCII case (so an entry for the Yocto recipe "openssl" covers the
//     packages libssl3, libcrypto3 and openssl-conf);
//   - Version, when set, equals the component version or matches it as a
//     path.Match glob ("3.2.*");
//   - PURL, when set, equals the component's PURL once qualifiers and
//     subpath are dropped from both; a PURL without "@version" compares
//     against the component's PURL without its version.
//
// When several entries match one component, the most specific wins: a
// match on the component name beats a match on the recipe only; then an
// entry with a Version or PURL constraint beats one without; then the
// earlier entry in the file.
type Match struct {
	Name    string `yaml:"name"`
	Version string `yaml:"version"`
	PURL    string `yaml:"purl"`
}

// Limits for components.yaml: a few thousand entries at most in practice.
var componentLimits = yamlpos.Limits{MaxBytes: 16 << 20, MaxDepth: 32, MaxNodes: 1_000_000}

// LoadComponents reads a components.yaml, validates it against
// components.schema.json, checks what the schema cannot (version globs are
// well formed, no two entries have the same match), and decodes it.
// Problems in the file come back as a *ValidationError.
func LoadComponents(file string) (*SupportData, error) {
	doc, err := readDoc(file, componentLimits)
	if err != nil {
		return nil, err
	}
	return decodeComponents(file, doc)
}

// ParseComponents is LoadComponents for data already read; file names it
// in errors.
func ParseComponents(file string, data []byte) (*SupportData, error) {
	doc, err := yamlpos.Parse(file, data, componentLimits)
	if err != nil {
		return nil, asValidation(err)
	}
	return decodeComponents(file, doc)
}

func decodeComponents(file string, doc *yamlpos.Doc) (*SupportData, error) {
	if err := validate("components.schema.json", doc); err != nil {
		return nil, err
	}
	sd := &SupportData{File: file}
	if err := doc.Root.Decode(sd); err != nil {
		return nil, &ValidationError{Errors: []*yamlpos.Error{{File: file, Err: fmt.Errorf("decode after validation: %w", err)}}}
	}
	seq := yamlpos.Child(doc.Root, "components")
	var errs []*yamlpos.Error
	seen := map[string]int{}
	for i, e := range sd.Entries {
		e.Index = i
		if seq != nil && i < len(seq.Content) {
			n := seq.Content[i]
			e.Line, e.Column = n.Line, n.Column
			if m := yamlpos.Child(n, "match"); m != nil {
				if v := yamlpos.Child(m, "version"); v != nil && e.Match.Version != "" {
					if _, err := path.Match(e.Match.Version, ""); err != nil {
						errs = append(errs, &yamlpos.Error{File: file, Line: v.Line, Column: v.Column,
							Path: fmt.Sprintf("components[%d].match.version", i), Err: fmt.Errorf("bad version glob %q: %v", e.Match.Version, err)})
					}
				}
			}
		}
		key := strings.ToLower(e.Match.Name) + "\x00" + e.Match.Version + "\x00" + stripPURL(e.Match.PURL)
		if j, dup := seen[key]; dup {
			errs = append(errs, &yamlpos.Error{File: file, Line: e.Line, Column: e.Column,
				Path: fmt.Sprintf("components[%d].match", i),
				Err:  fmt.Errorf("same match as components[%d] (line %d); merge the two entries", j, sd.Entries[j].Line)})
			continue
		}
		seen[key] = i
	}
	if len(errs) > 0 {
		return nil, &ValidationError{Errors: errs}
	}
	return sd, nil
}

// UnmarshalYAML keeps sd.Entries non-nil pointers in file order.
func (sd *SupportData) UnmarshalYAML(n *yaml.Node) error {
	var raw struct {
		Components []*SupportEntry `yaml:"components"`
	}
	if err := n.Decode(&raw); err != nil {
		return err
	}
	sd.Entries = raw.Components
	return nil
}

// Loc returns "file:line" of the entry, for messages about it.
func (sd *SupportData) Loc(e *SupportEntry) string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d", sd.File, e.Line)
	}
	return sd.File
}

// ApplyReport says what Apply did.
type ApplyReport struct {
	// Applied maps each component that received support data to the
	// entry that supplied it.
	Applied map[*sbom.Component]*SupportEntry
	// Unused lists the entries that matched no component, in file order:
	// stale data the caller should report (the component was removed,
	// renamed or upgraded past the version constraint).
	Unused []*SupportEntry
	// Uncovered lists the components no entry matched and that carry no
	// support data from their input either, sorted by name and version.
	Uncovered []*sbom.Component
}

// Apply sets Support (level, end-of-support date, justification) and, when
// the entry names one, Supplier on every component of doc that an entry
// matches, replacing what the input said: the manufacturer's support data
// is authoritative. The primary component is left alone. See Match for the
// matching rule.
func (sd *SupportData) Apply(doc *sbom.Document) ApplyReport {
	rep := ApplyReport{Applied: map[*sbom.Component]*SupportEntry{}}
	used := make([]bool, len(sd.Entries))
	for _, c := range doc.Components {
		e := sd.best(c)
		if e == nil {
			if c.Support == nil {
				rep.Uncovered = append(rep.Uncovered, c)
			}
			continue
		}
		used[e.Index] = true
		c.Support = &sbom.Support{Level: e.SupportLevel, EndOfSupport: e.EndOfSupport, Justification: e.Justification}
		if e.Supplier != "" {
			c.Supplier = e.Supplier
		}
		rep.Applied[c] = e
	}
	for i, e := range sd.Entries {
		if !used[i] {
			rep.Unused = append(rep.Unused, e)
		}
	}
	sort.SliceStable(rep.Uncovered, func(i, j int) bool {
		a, b := rep.Uncovered[i], rep.Uncovered[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Version < b.Version
	})
	return rep
}

// Lookup returns the entry that applies to c, or nil.
func (sd *SupportData) Lookup(c *sbom.Component) *SupportEntry { return sd.best(c) }

// best picks the most specific matching entry (see Match).
func (sd *SupportData) best(c *sbom.Component) *SupportEntry {
	var best *SupportEntry
	bestScore := -1
	for _, e := range sd.Entries {
		score := e.Match.score(c)
		if score > bestScore { // strict: earlier entries win ties
			best, bestScore = e, score
		}
	}
	return best
}

// score is -1 when m does not match c, else a specificity rank.
func (m Match) score(c *sbom.Component) int {
	// A name match (10) outranks a recipe-only match with any number of
	// constraints (at most 2).
	score := 0
	switch {
	case strings.EqualFold(m.Name, c.Name):
		score = 10
	default:
		r, ok := c.Property(RecipeProperty)
		if !ok || !strings.EqualFold(m.Name, r) {
			return -1
		}
	}
	if m.Version != "" {
		if m.Version != c.Version {
			ok, err := path.Match(m.Version, c.Version)
			if err != nil || !ok {
				return -1
			}
		}
		score++
	}
	if m.PURL != "" {
		if !purlMatches(m.PURL, c.PURL) {
			return -1
		}
		score++
	}
	return score
}

// purlMatches compares two package URLs without qualifiers and subpath;
// when want has no version, the version of have is ignored.
func purlMatches(want, have string) bool {
	if have == "" {
		return false
	}
	want, have = stripPURL(want), stripPURL(have)
	if !hasPURLVersion(want) {
		have = dropPURLVersion(have)
	}
	return want == have
}

// stripPURL drops qualifiers ("?...") and subpath ("#...").
func stripPURL(p string) string {
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		return p[:i]
	}
	return p
}

// hasPURLVersion reports whether a stripped purl has "@version" after its
// last path segment start ("pkg:npm/%40scope/name" has an encoded @).
func hasPURLVersion(p string) bool {
	return strings.LastIndexByte(p, '@') > strings.LastIndexByte(p, '/')
}

func dropPURLVersion(p string) string {
	if hasPURLVersion(p) {
		return p[:strings.LastIndexByte(p, '@')]
	}
	return p
}
