package binid

import (
	_ "embed"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// signaturesYAML is the signature table: one row per component form, each
// written from the facts in the embedded-component signature reference
// (which text a component's own code puts into compiled binaries).
//
//go:embed signatures.yaml
var signaturesYAML []byte

// table is the parsed signatures.yaml.
type table struct {
	Version    int          `yaml:"version"`
	Signatures []*signature `yaml:"signatures"`
}

// signature is one row: a component, its identifiers and the patterns
// that reveal it.
type signature struct {
	ID        string `yaml:"id"`
	Component string `yaml:"component"`
	// Type is the CycloneDX component type (library, application,
	// operating-system, firmware, framework).
	Type string `yaml:"type"`
	// CPE is part:vendor:product ("a:openssl:openssl"); empty when no
	// pair could be verified.
	CPE string `yaml:"cpe"`
	// PURL is a template; {version} is replaced by the found version.
	PURL       string  `yaml:"purl"`
	Confidence float64 `yaml:"confidence"`
	// Sonames: SONAME (or file base name) prefixes of the component's own
	// libraries. A hit in such a file raises confidence; a file with that
	// SONAME and no text hit still yields a version-less match.
	Sonames []string `yaml:"sonames"`
	// RequireName: text hits count only in files whose SONAME or base name
	// starts with one of Sonames/Names (for weak or split anchors).
	RequireName bool     `yaml:"require_name"`
	Names       []string `yaml:"names"`
	// Consumers: DT_NEEDED prefixes. A file that links one of these
	// libraries embeds the header version it was compiled against, not
	// the shipped library (reference §6.1), so its text hits are dropped.
	Consumers []string `yaml:"consumers"`
	// Also: further literals that must all occur in the file (two
	// independent anchors) before any pattern of this row counts.
	Also []string `yaml:"also"`
	// Files: file-name rules, e.g. ld-uClibc-1.0.31.so.
	Files    []fileRule `yaml:"files"`
	Patterns []*pattern `yaml:"patterns"`
	// Extractor names code that reads a version the table cannot express.
	Extractor string `yaml:"extractor"`
	// Note documents the row (source facts, guards).
	Note string `yaml:"note"`
}

// grammarSpec is the version grammar of a pattern.
type grammarSpec struct {
	Grammar  string `yaml:"grammar"`
	MinParts int    `yaml:"min_parts"`
	MaxParts int    `yaml:"max_parts"`
	Suffix   string `yaml:"suffix"`
	// VersionPrefix: the version must start with one of these.
	VersionPrefix []string `yaml:"version_prefix"`
}

func (g *grammarSpec) minParts() int {
	if g.MinParts > 0 {
		return g.MinParts
	}
	if g.Grammar == grammarDigits {
		return 1
	}
	return 2
}

func (g *grammarSpec) maxParts() int {
	if g.MaxParts > 0 {
		return g.MaxParts
	}
	return 5
}

func (g *grammarSpec) maxDigits() int {
	if g.MaxParts > 0 {
		return g.MaxParts
	}
	return 12
}

// pattern is one literal anchor and how to read the version after it.
type pattern struct {
	Anchor      string `yaml:"anchor"`
	grammarSpec `yaml:",inline"`
	// SkipTo: a literal to find after the anchor inside the same C string
	// (within 160 bytes); the version follows it.
	SkipTo string `yaml:"skip_to"`
	// Then: alternatives; one must follow the version (see matchThen).
	Then []string `yaml:"then"`
	// NotBefore: literals that must not end right where the anchor starts.
	NotBefore []string `yaml:"not_before"`
	// Nearby: for split literals, the version is a separate NUL-delimited
	// string within this many bytes of the anchor.
	Nearby int `yaml:"nearby"`
	// Section: the hit must lie in this ELF section.
	Section   string `yaml:"section"`
	Transform string `yaml:"transform"`
	// Confidence overrides the row's base confidence for this pattern.
	Confidence float64 `yaml:"confidence"`
	// Component overrides the row's component for this pattern (e.g. the
	// Zephyr line printed by an nRF Connect SDK banner).
	Component string `yaml:"component"`
	sig       *signature
}

// fileRule reads a version from a file base name: name_prefix + version +
// name_suffix.
type fileRule struct {
	Prefix      string `yaml:"name_prefix"`
	Suffix      string `yaml:"name_suffix"`
	grammarSpec `yaml:",inline"`
	Component   string `yaml:"component"`
}

var validTypes = map[string]bool{"library": true, "application": true, "operating-system": true, "firmware": true, "framework": true}

// loadTable parses and validates the signature table. Errors name the row.
func loadTable(src []byte) (*table, error) {
	var t table
	if err := yaml.Unmarshal(src, &t); err != nil {
		return nil, fmt.Errorf("binid signatures.yaml: %w", err)
	}
	if t.Version != 1 {
		return nil, fmt.Errorf("binid signatures.yaml: version %d, want 1", t.Version)
	}
	seen := map[string]bool{}
	for i, s := range t.Signatures {
		where := fmt.Sprintf("binid signatures.yaml: signatures[%d] (%s)", i, s.ID)
		switch {
		case s.ID == "" || s.Component == "":
			return nil, fmt.Errorf("%s: id and component are required", where)
		case seen[s.ID]:
			return nil, fmt.Errorf("%s: duplicate id", where)
		case !validTypes[s.Type]:
			return nil, fmt.Errorf("%s: type %q is not one of library, application, operating-system, firmware, framework", where, s.Type)
		case s.Confidence <= 0 || s.Confidence > 1:
			return nil, fmt.Errorf("%s: confidence %v outside (0,1]", where, s.Confidence)
		case !strings.HasPrefix(s.PURL, "pkg:"):
			return nil, fmt.Errorf("%s: purl %q is not a package URL template", where, s.PURL)
		case s.CPE != "" && strings.Count(s.CPE, ":") != 2:
			return nil, fmt.Errorf("%s: cpe %q is not part:vendor:product", where, s.CPE)
		case len(s.Patterns) == 0 && len(s.Files) == 0 && len(s.Sonames) == 0 && s.Extractor == "":
			return nil, fmt.Errorf("%s: no patterns, files, sonames or extractor", where)
		}
		seen[s.ID] = true
		for j, p := range s.Patterns {
			if len(p.Anchor) < 3 {
				return nil, fmt.Errorf("%s: patterns[%d]: anchor %q shorter than 3 bytes", where, j, p.Anchor)
			}
			if err := checkGrammar(&p.grammarSpec); err != nil {
				return nil, fmt.Errorf("%s: patterns[%d]: %w", where, j, err)
			}
			if p.Nearby > 1<<16 {
				return nil, fmt.Errorf("%s: patterns[%d]: nearby %d over 65536", where, j, p.Nearby)
			}
			if p.Confidence < 0 || p.Confidence > 1 {
				return nil, fmt.Errorf("%s: patterns[%d]: confidence %v outside [0,1]", where, j, p.Confidence)
			}
			if _, ok := transformVersion("20914", p.Transform); !ok {
				return nil, fmt.Errorf("%s: patterns[%d]: unknown transform %q", where, j, p.Transform)
			}
			p.sig = s
		}
		for j := range s.Files {
			if err := checkGrammar(&s.Files[j].grammarSpec); err != nil {
				return nil, fmt.Errorf("%s: files[%d]: %w", where, j, err)
			}
		}
		if s.Extractor != "" && extractors[s.Extractor] == nil {
			return nil, fmt.Errorf("%s: unknown extractor %q", where, s.Extractor)
		}
	}
	return &t, nil
}

func checkGrammar(g *grammarSpec) error {
	switch g.Grammar {
	case grammarDotted, grammarToken, grammarDigits, grammarNone:
	case "":
		g.Grammar = grammarDotted
	default:
		return fmt.Errorf("unknown grammar %q", g.Grammar)
	}
	switch g.Suffix {
	case "", suffixNone, suffixLetters, suffixPre, suffixToken:
	default:
		return fmt.Errorf("unknown suffix %q", g.Suffix)
	}
	return nil
}
