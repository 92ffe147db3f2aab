package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/premarket/premarket/finding"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Errors     int              `xml:"errors,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Properties *junitProperties `xml:"properties,omitempty"`
	Cases      []junitCase      `xml:"testcase"`
}

type junitProperties struct {
	Property []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// JUnit writes the report as JUnit XML for CI test views: one
// <testsuite> per rule (named by rule ID, with the catalog ID as a
// property), one <testcase> per rule per subject per file (classname is
// the rule ID, name the subject, file the input).
//
// Error findings make the test case fail (<failure type="error">, message
// from the first finding, every finding with its location in the text).
// Warnings do not fail the build: their test case passes and carries the
// warnings in <system-out>, which GitLab, Jenkins and GitHub test
// reporters show; <skipped> is not used because it means "not run".
// Info findings are left out (use JSON or SARIF for them). When no
// error or warning remains, one passing test case "no findings" is
// written so CI sees that the check ran. Output is deterministic.
func JUnit(w io.Writer, r Report) error {
	type key struct{ rule, file, subject string }
	cases := map[key][]finding.Finding{}
	catalog := map[string]string{}
	for _, f := range r.sorted() {
		if f.Severity < finding.Warning {
			continue
		}
		k := key{f.RuleID, f.Location.File, f.Subject}
		cases[k] = append(cases[k], f)
		if catalog[f.RuleID] == "" {
			catalog[f.RuleID] = f.Catalog
		}
	}
	keys := make([]key, 0, len(cases))
	for k := range cases {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.rule != b.rule {
			return a.rule < b.rule
		}
		if a.subject != b.subject {
			return a.subject < b.subject
		}
		return a.file < b.file
	})

	out := junitSuites{Name: r.tool()}
	for _, k := range keys {
		if len(out.Suites) == 0 || out.Suites[len(out.Suites)-1].Name != k.rule {
			s := junitSuite{Name: k.rule}
			if c := catalog[k.rule]; c != "" {
				s.Properties = &junitProperties{Property: []junitProperty{{Name: "catalog", Value: c}}}
			}
			out.Suites = append(out.Suites, s)
		}
		s := &out.Suites[len(out.Suites)-1]
		name := k.subject
		if name == "" {
			name = "(document)"
		}
		tc := junitCase{Name: name, Classname: k.rule, File: k.file}
		var errs, warns []string
		for _, f := range cases[k] {
			line := f.Message
			if l := f.Location.String(); l != "" {
				line = l + ": " + line
			}
			if f.Severity == finding.Error {
				errs = append(errs, line)
			} else {
				warns = append(warns, "warning: "+line)
			}
		}
		if len(errs) > 0 {
			first := cases[k][0].Message
			for _, f := range cases[k] {
				if f.Severity == finding.Error {
					first = f.Message
					break
				}
			}
			tc.Failure = &junitFailure{Message: first, Type: "error", Text: strings.Join(errs, "\n")}
			s.Failures++
			out.Failures++
		}
		if len(warns) > 0 {
			tc.SystemOut = strings.Join(warns, "\n")
		}
		s.Cases = append(s.Cases, tc)
		s.Tests++
		out.Tests++
	}
	if len(out.Suites) == 0 {
		out.Suites = []junitSuite{{Name: r.tool(), Tests: 1, Cases: []junitCase{{Name: "no findings", Classname: r.tool()}}}}
		out.Tests = 1
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}
