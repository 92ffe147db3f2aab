// Package finding defines the one data type that every premarket check
// produces and every renderer consumes: a located, catalogued finding.
//
// Checks never format output and renderers never compute findings; the
// two meet only through the types in this package.
package finding

import (
	"fmt"
	"sort"
)

// Severity orders how much a finding matters. Policies decide which
// severities fail a run.
type Severity int

// Severities, from least to most severe.
const (
	Info Severity = iota
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// MarshalText renders the severity as its lower-case name in JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses a lower-case severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseSeverity parses "info", "warning" or "error".
func ParseSeverity(name string) (Severity, error) {
	switch name {
	case "info", "note":
		return Info, nil
	case "warning", "warn":
		return Warning, nil
	case "error":
		return Error, nil
	}
	return Info, fmt.Errorf("unknown severity %q (want info, warning or error)", name)
}

// Location says where in an input the finding applies. File is the path as
// the user gave it; Line and Column are 1-based and zero when unknown. Path
// is a document path such as "components[3].supplier" or a JSON pointer.
type Location struct {
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	Path   string `json:"path,omitempty"`
}

// String formats the location as file:line:column (path), omitting unknown parts.
func (l Location) String() string {
	s := l.File
	if l.Line > 0 {
		s += fmt.Sprintf(":%d", l.Line)
		if l.Column > 0 {
			s += fmt.Sprintf(":%d", l.Column)
		}
	}
	if l.Path != "" {
		if s != "" {
			s += " "
		}
		s += "(" + l.Path + ")"
	}
	return s
}

// Finding is one result of one rule on one element.
type Finding struct {
	// RuleID is stable across releases, e.g. "SBOM-NTIA-001" or "TM-VIEW-002".
	RuleID   string   `json:"rule"`
	Severity Severity `json:"severity"`
	// Catalog is the FDA catalog ID or guidance section the rule comes
	// from, e.g. "NTIA-F1", "FDA-SB2", "DOC-13" or "§V.B.2".
	Catalog string `json:"catalog,omitempty"`
	// Subject names the element the finding is about (component name,
	// threat ID, ...), for grouping and for JUnit test cases.
	Subject string `json:"subject,omitempty"`
	// Message says what is wrong and what to do about it.
	Message  string   `json:"message"`
	Location Location `json:"location"`
}

// Rule describes a rule for renderers that list rules (SARIF, help text).
type Rule struct {
	ID       string   `json:"id"`
	Severity Severity `json:"defaultSeverity"`
	Catalog  string   `json:"catalog,omitempty"`
	Title    string   `json:"title"`
	Help     string   `json:"help,omitempty"`
}

// Sort orders findings deterministically: by file, line, column, rule, subject, message.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Location.File != b.Location.File {
			return a.Location.File < b.Location.File
		}
		if a.Location.Line != b.Location.Line {
			return a.Location.Line < b.Location.Line
		}
		if a.Location.Column != b.Location.Column {
			return a.Location.Column < b.Location.Column
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		if a.Subject != b.Subject {
			return a.Subject < b.Subject
		}
		return a.Message < b.Message
	})
}

// Count returns how many findings have each severity.
func Count(fs []Finding) map[Severity]int {
	m := map[Severity]int{}
	for _, f := range fs {
		m[f.Severity]++
	}
	return m
}

// Fails reports whether any finding is at or above the threshold severity.
func Fails(fs []Finding, threshold Severity) bool {
	for _, f := range fs {
		if f.Severity >= threshold {
			return true
		}
	}
	return false
}
