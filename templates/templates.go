// Package templates holds the evidence pack's fixed layout and wording:
// section order and titles, the guidance sections each answers, intro
// sentences, status legends, the section 524B statement text, every
// table's caption and columns (header, relative width, alignment) and
// every fixed sentence and label the pack prints (Section.Texts,
// DocumentTexts.Texts). The
// texts live in the embedded pack.json (JSON, so plain YAML 1.2 too, read
// with the standard library only) so that wording changes never touch Go
// code.
//
// Strings may use Go text/template syntax ({{.DeviceName}}); expand them
// with Expand, which fails on missing data instead of printing
// "<no value>".
package templates

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"text/template"
)

//go:embed pack.json
var packJSON []byte

// PackLayout is the parsed pack.json.
type PackLayout struct {
	Version         int           `json:"version"`
	GuidanceEdition string        `json:"guidance_edition"`
	Document        DocumentTexts `json:"document"`
	Statuses        []StatusText  `json:"statuses"`
	Sections        []Section     `json:"sections"`
	byID            map[string]*Section
}

// DocumentTexts are the document-wide texts.
type DocumentTexts struct {
	Title        string            `json:"title"`
	Subtitle     string            `json:"subtitle"`
	Subject      string            `json:"subject"`
	Keywords     []string          `json:"keywords"`
	TOCTitle     string            `json:"toc_title"`
	FooterFormat string            `json:"footer_format"` // fmt format with two %d: page, pages
	CoverNotice  string            `json:"cover_notice"`
	CoverFields  map[string]string `json:"cover_fields"` // field key -> label
	// Texts are document-wide sentences and labels (the "Answers" lead
	// of every section, the split-part notes), by key.
	Texts map[string]string `json:"texts,omitempty"`
	// Tables are document-wide tables (the list of parts of a split pack).
	Tables map[string]Table `json:"tables,omitempty"`
}

// Table is the fixed layout of one table: its caption (a template, e.g.
// "Controls ({{.Count}})") and its columns. Rows are data and come from
// the pack.
type Table struct {
	Caption string   `json:"caption"`
	Columns []Column `json:"columns"`
}

// Column is one table column: header text and relative width (a weight
// against the other columns' widths, not a length).
type Column struct {
	Header string  `json:"header"`
	Width  float64 `json:"width"`
	Align  string  `json:"align,omitempty"` // "L" (default), "C" or "R"
	Mono   bool    `json:"mono,omitempty"`  // monospace header and cells
}

// StatusText is the label and meaning of an evidence status; IDs match
// pack/pdf's Status values.
type StatusText struct {
	ID      string `json:"id"`
	Label   string `json:"label"`
	Meaning string `json:"meaning"`
}

// Section is one section of the pack, in document order.
type Section struct {
	ID          string            `json:"id"`
	Title       string            `json:"title"`
	Guidance    []string          `json:"guidance,omitempty"` // guidance sections answered, e.g. "§V.A.4(b)"
	Catalog     []string          `json:"catalog,omitempty"`  // catalog IDs covered, e.g. "DOC-06"
	Intro       string            `json:"intro"`
	Texts       map[string]string `json:"texts,omitempty"`  // fixed sentences and labels by key
	Tables      map[string]Table  `json:"tables,omitempty"` // table layouts by key
	Subsections []Section         `json:"subsections,omitempty"`
}

// Text returns a fixed text of the section, or an error naming the
// section and key (so a typo fails loudly rather than printing nothing).
func (s *Section) Text(key string) (string, error) {
	t, ok := s.Texts[key]
	if !ok {
		return "", fmt.Errorf("templates: section %q has no text %q", s.ID, key)
	}
	return t, nil
}

// Table returns a table layout of the section, or an error naming the
// section and key.
func (s *Section) Table(key string) (Table, error) {
	t, ok := s.Tables[key]
	if !ok {
		return Table{}, fmt.Errorf("templates: section %q has no table %q", s.ID, key)
	}
	return t, nil
}

// Text returns a document-wide text, or an error naming the key.
func (d *DocumentTexts) Text(key string) (string, error) {
	t, ok := d.Texts[key]
	if !ok {
		return "", fmt.Errorf("templates: document has no text %q", key)
	}
	return t, nil
}

// Table returns a document-wide table layout, or an error naming the key.
func (d *DocumentTexts) Table(key string) (Table, error) {
	t, ok := d.Tables[key]
	if !ok {
		return Table{}, fmt.Errorf("templates: document has no table %q", key)
	}
	return t, nil
}

// RequiredSections is the top-level section order the pack follows: the
// order of FDA's documentation list (guidance §V-§VII and Appendix 4,
// Table 1), framed by cover, contents, open findings and document control.
var RequiredSections = []string{
	"cover", "toc", "statement-524b", "doc-checklist", "sbom-summary", "components",
	"support", "vulnerabilities", "threat-model", "architecture", "appendix1",
	"traceability", "testing", "labeling", "management-plan", "open-findings",
	"document-control",
}

// Pack parses and checks the embedded layout. It returns a fresh value on
// every call, so callers may not affect each other.
func Pack() (*PackLayout, error) {
	return parse(packJSON)
}

func parse(b []byte) (*PackLayout, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p PackLayout
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("templates: pack.json: %w", err)
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	return &p, nil
}

func (p *PackLayout) check() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("templates: pack.json: "+format, args...))
	}
	p.byID = map[string]*Section{}
	var walk func(secs []Section, path string)
	walk = func(secs []Section, path string) {
		for i := range secs {
			s := &secs[i]
			where := path + "/" + s.ID
			if s.ID == "" || s.Title == "" {
				bad("section %d under %q lacks id or title", i+1, path)
			}
			if _, dup := p.byID[s.ID]; dup {
				bad("section id %q used twice", s.ID)
			}
			p.byID[s.ID] = s
			for _, t := range append([]string{s.Title, s.Intro}, mapValues(s.Texts)...) {
				if _, err := template.New(where).Option("missingkey=error").Parse(t); err != nil {
					bad("section %s: %v", where, err)
				}
			}
			for _, err := range checkTables(s.Tables) {
				bad("section %s: %v", where, err)
			}
			walk(s.Subsections, where)
		}
	}
	walk(p.Sections, "")
	if len(p.Sections) != len(RequiredSections) {
		bad("%d top-level sections, want %d (%s)", len(p.Sections), len(RequiredSections), strings.Join(RequiredSections, ", "))
	} else {
		for i, id := range RequiredSections {
			if p.Sections[i].ID != id {
				bad("top-level section %d is %q, want %q", i+1, p.Sections[i].ID, id)
			}
		}
	}
	if p.Document.Title == "" || p.Document.TOCTitle == "" {
		bad("document title and toc_title are required")
	}
	if got := fmt.Sprintf(p.Document.FooterFormat, 1, 2); strings.Contains(got, "%!") || !strings.Contains(got, "1") || !strings.Contains(got, "2") {
		bad("footer_format %q must hold two %%d verbs", p.Document.FooterFormat)
	}
	for _, t := range mapValues(p.Document.Texts) {
		if _, err := template.New("document").Option("missingkey=error").Parse(t); err != nil {
			bad("document texts: %v", err)
		}
	}
	for _, err := range checkTables(p.Document.Tables) {
		bad("document: %v", err)
	}
	seen := map[string]bool{}
	for _, s := range p.Statuses {
		if s.ID == "" || s.Label == "" || seen[s.ID] {
			bad("status %q: empty or duplicate", s.ID)
		}
		seen[s.ID] = true
	}
	for _, id := range []string{"provided", "partial", "missing", "not-applicable"} {
		if !seen[id] {
			bad("status %q missing", id)
		}
	}
	return errors.Join(errs...)
}

// checkTables checks table layouts: a caption that parses as a template,
// at least one column, every column with a header, a positive width and
// a known alignment.
func checkTables(ts map[string]Table) []error {
	keys := make([]string, 0, len(ts))
	for k := range ts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var errs []error
	for _, k := range keys {
		t := ts[k]
		if _, err := template.New(k).Option("missingkey=error").Parse(t.Caption); err != nil {
			errs = append(errs, fmt.Errorf("table %q caption: %v", k, err))
		}
		if len(t.Columns) == 0 {
			errs = append(errs, fmt.Errorf("table %q has no columns", k))
		}
		for i, c := range t.Columns {
			if strings.TrimSpace(c.Header) == "" {
				errs = append(errs, fmt.Errorf("table %q column %d has no header", k, i+1))
			}
			if !(c.Width > 0) {
				errs = append(errs, fmt.Errorf("table %q column %d (%q) has width %g, want > 0", k, i+1, c.Header, c.Width))
			}
			if c.Align != "" && c.Align != "L" && c.Align != "C" && c.Align != "R" {
				errs = append(errs, fmt.Errorf("table %q column %d (%q) has align %q, want L, C or R", k, i+1, c.Header, c.Align))
			}
		}
	}
	return errs
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// Section returns the section (at any depth) with the given ID.
func (p *PackLayout) Section(id string) (*Section, error) {
	s, ok := p.byID[id]
	if !ok {
		return nil, fmt.Errorf("templates: no section %q", id)
	}
	return s, nil
}

// Status returns the legend entry of a status ID.
func (p *PackLayout) Status(id string) (StatusText, error) {
	for _, s := range p.Statuses {
		if s.ID == id {
			return s, nil
		}
	}
	return StatusText{}, fmt.Errorf("templates: no status %q", id)
}

// Parsed is a text parsed once, for texts expanded many times (once per
// table row).
type Parsed struct{ t *template.Template }

// Parse parses a text/template string; a field missing from the data it
// is later expanded with is an error.
func Parse(text string) (*Parsed, error) {
	t, err := template.New("text").Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	return &Parsed{t: t}, nil
}

// Expand executes the parsed text with data.
func (p *Parsed) Expand(data any) (string, error) {
	var b strings.Builder
	if err := p.t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("templates: %w", err)
	}
	return b.String(), nil
}

// Expand executes a text/template string with data. A field missing from
// data is an error.
func Expand(text string, data any) (string, error) {
	p, err := Parse(text)
	if err != nil {
		return "", err
	}
	return p.Expand(data)
}
