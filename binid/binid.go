// Package binid identifies third-party components embedded in binaries:
// ELF executables and libraries, Linux kernel images and modules, U-Boot
// and raw MCU firmware. It reads only bytes (no execution, no disk).
//
// Identification is signature based: an embedded table
// (signatures.yaml) lists, per component, literal anchors that the
// component's own code puts into compiled binaries and a small version
// grammar read right after each anchor. One pass of an Aho–Corasick
// automaton over all anchors finds the hits; each hit is then verified
// (grammar, required following text, false-positive guards). ELF facts
// (SONAME, DT_NEEDED, .comment, build-id) add evidence and confidence, and
// exact sources — Go build info and Rust cargo-auditable data — yield
// components with package-registry PURLs.
package binid

import (
	"fmt"
	"sort"
	"strings"
)

// Evidence is one observation supporting a match.
type Evidence struct {
	// File is the name or provenance path the observation was made in.
	File string `json:"file"`
	// Method says how: "signature" (text anchor + version), "soname",
	// "filename", "go-buildinfo", "cargo-auditable", "kernel-header",
	// "esp-app-desc", "elf-note" ...
	Method string `json:"method"`
	// Offset is the byte offset of the text in the file (or in the
	// decompressed payload named by File); -1 when not applicable.
	Offset int64 `json:"offset"`
	// Section is the ELF section holding the text, when known.
	Section string `json:"section,omitempty"`
	// Text is the matched text, truncated to 160 bytes, printable ASCII.
	Text string `json:"text"`
}

// Match is one component (with version, when known) found in one file.
type Match struct {
	Component string `json:"component"`
	Version   string `json:"version,omitempty"`
	// Type is the CycloneDX component type.
	Type string `json:"type"`
	// CPE is a full CPE 2.3 name, empty when no vendor:product is known.
	CPE  string `json:"cpe,omitempty"`
	PURL string `json:"purl"`
	// Confidence in [0,1]; see Level for high/medium/low.
	Confidence float64    `json:"confidence"`
	Evidence   []Evidence `json:"evidence"`
	// Signature is the id of the table row (or extractor) that matched.
	Signature string `json:"signature"`
}

// Level maps Confidence to high (>= 0.8), medium (>= 0.5) or low.
func (m *Match) Level() string {
	switch {
	case m.Confidence >= 0.8:
		return "high"
	case m.Confidence >= 0.5:
		return "medium"
	}
	return "low"
}

// Limits bound the work Identify does on one file. Zero fields take the
// defaults.
type Limits struct {
	// MaxDecompressed bounds the bytes decompressed from one kernel image
	// payload (default 256 MiB).
	MaxDecompressed int64
	// MaxCandidates bounds the compressed-stream candidates tried in one
	// kernel image (default 16).
	MaxCandidates int
	// MaxHitsPerPattern bounds verified hits per pattern per file
	// (default 64); further hits only count.
	MaxHitsPerPattern int
	// MaxEvidence bounds the evidence kept per match (default 8).
	MaxEvidence int
}

func (l Limits) withDefaults() Limits {
	if l.MaxDecompressed <= 0 {
		l.MaxDecompressed = 256 << 20
	}
	if l.MaxCandidates <= 0 {
		l.MaxCandidates = 16
	}
	if l.MaxHitsPerPattern <= 0 {
		l.MaxHitsPerPattern = 64
	}
	if l.MaxEvidence <= 0 {
		l.MaxEvidence = 8
	}
	return l
}

// Identifier holds the compiled signature table. It is immutable after
// New and safe for concurrent use.
type Identifier struct {
	table    *table
	patterns []*pattern // index = matcher pattern index (text patterns)
	also     []string   // presence literals; matcher index = len(patterns)+i
	alsoIdx  map[string]int
	matcher  *acMatcher
	limits   Limits
}

// New compiles the embedded signature table with default limits.
func New() (*Identifier, error) { return NewWithLimits(Limits{}) }

// NewWithLimits compiles the embedded signature table with the given
// limits.
func NewWithLimits(l Limits) (*Identifier, error) {
	t, err := loadTable(signaturesYAML)
	if err != nil {
		return nil, err
	}
	return compile(t, l), nil
}

func compile(t *table, l Limits) *Identifier {
	id := &Identifier{table: t, alsoIdx: map[string]int{}, limits: l.withDefaults()}
	var lits [][]byte
	for _, s := range t.Signatures {
		for _, p := range s.Patterns {
			id.patterns = append(id.patterns, p)
			lits = append(lits, []byte(p.Anchor))
		}
	}
	for _, s := range t.Signatures {
		for _, a := range s.Also {
			if _, ok := id.alsoIdx[a]; !ok {
				id.alsoIdx[a] = len(id.also)
				id.also = append(id.also, a)
			}
		}
	}
	for _, a := range id.also {
		lits = append(lits, []byte(a))
	}
	id.matcher = newACMatcher(lits)
	return id
}

// Components lists the component names the table covers, sorted and
// unique.
func (id *Identifier) Components() []string {
	seen := map[string]bool{}
	for _, s := range id.table.Signatures {
		seen[s.Component] = true
		for _, p := range s.Patterns {
			if p.Component != "" {
				seen[p.Component] = true
			}
		}
		for _, f := range s.Files {
			if f.Component != "" {
				seen[f.Component] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// cpeName renders a full CPE 2.3 name from part:vendor:product.
func cpeName(pvp, version string) string {
	if pvp == "" {
		return ""
	}
	v := cpeEscape(version)
	if v == "" {
		v = "*"
	}
	return "cpe:2.3:" + pvp + ":" + v + ":*:*:*:*:*:*:*"
}

// cpeEscape quotes the characters CPE 2.3 formatted strings reserve.
func cpeEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && c != '_' && c != '.' && c != '-' {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// purlFor fills the {version} placeholder; a version-less match drops the
// "@{version}" part. Versions are percent-encoded as the purl spec asks.
func purlFor(tmpl, version string) string {
	if version == "" {
		return strings.Replace(tmpl, "@{version}", "", 1)
	}
	return strings.Replace(tmpl, "{version}", purlEscape(version), 1)
}

func purlEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlnum(c) || c == '.' || c == '-' || c == '_' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// printable renders matched bytes as evidence text: printable ASCII kept,
// others as \xNN, truncated to 160 bytes of input.
func printable(b []byte) string {
	const max = 160
	trunc := false
	if len(b) > max {
		b, trunc = b[:max], true
	}
	var sb strings.Builder
	for _, c := range b {
		switch {
		case c == '\n':
			sb.WriteString(`\n`)
		case c >= 0x20 && c < 0x7f:
			sb.WriteByte(c)
		default:
			fmt.Fprintf(&sb, `\x%02x`, c)
		}
	}
	if trunc {
		sb.WriteString("...")
	}
	return sb.String()
}
