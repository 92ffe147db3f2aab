package pack

import (
	"fmt"

	"github.com/premarket/premarket/pack/pdf"
	"github.com/premarket/premarket/templates"
)

// This file is the pack's one accessor layer over the templates package:
// table captions and columns, section texts and document-wide texts are
// looked up here by key, so that the wording and column layout live in
// templates/pack.json and document.go names only keys. A missing key or a
// placeholder without data is an error that Document returns (the first
// one), never a blank in the PDF.

// count is the template data of a caption or sentence with one number.
func count(n int) map[string]any { return map[string]any{"Count": n} }

// tab returns t with the caption and columns of table key of a template
// section (caption expanded with data). t carries the rows and the
// rendering options (size, zebra) that are code, not wording.
func (b *builder) tab(section, key string, data any, t pdf.Table) pdf.Table {
	s, err := b.t.Section(section)
	if err != nil {
		b.fail(err)
		return t
	}
	l, err := s.Table(key)
	if err != nil {
		b.fail(err)
		return t
	}
	return b.applyTable(l, data, t)
}

// docTab is tab for a document-wide table.
func (b *builder) docTab(key string, data any, t pdf.Table) pdf.Table {
	l, err := b.t.Document.Table(key)
	if err != nil {
		b.fail(err)
		return t
	}
	return b.applyTable(l, data, t)
}

func (b *builder) applyTable(l templates.Table, data any, t pdf.Table) pdf.Table {
	if l.Caption != "" {
		c, err := templates.Expand(l.Caption, data)
		b.fail(err)
		t.Caption = c
	}
	t.Columns = make([]pdf.Column, len(l.Columns))
	for i, c := range l.Columns {
		t.Columns[i] = pdf.Column{Header: c.Header, Width: c.Width, Align: c.Align, Mono: c.Mono}
	}
	return t
}

// say returns text key of a template section expanded with data (not
// with the document data b.data: see text for those).
func (b *builder) say(section, key string, data any) string {
	out, err := templates.Expand(b.text2(section, key), data)
	b.fail(err)
	return out
}

// doc returns a document-wide text expanded with data.
func (b *builder) doc(key string, data any) string {
	v, err := b.t.Document.Text(key)
	if err != nil {
		b.fail(err)
		return ""
	}
	out, err := templates.Expand(v, data)
	b.fail(err)
	return out
}

// coverLabel returns the label of a cover field.
func (b *builder) coverLabel(key string) string {
	l, ok := b.t.Document.CoverFields[key]
	if !ok {
		b.fail(fmt.Errorf("templates: document has no cover field %q", key))
	}
	return l
}

// parsed returns text key of a template section parsed once, for texts
// filled in per table row.
func (b *builder) parsed(section, key string) *templates.Parsed {
	p, err := templates.Parse(b.text2(section, key))
	b.fail(err)
	return p
}

// fill expands a parsed text; a nil p (its parse failed, which b.err
// already holds) gives "".
func (b *builder) fill(p *templates.Parsed, data any) string {
	if p == nil {
		return ""
	}
	out, err := p.Expand(data)
	b.fail(err)
	return out
}

// wording gives the code outside the document builder (documentation
// statuses, gaps) the texts of templates/pack.json. Expansion errors are
// kept (the first one) so that callers without an error result can
// report them later: Collect and Document return it.
type wording struct {
	t   *templates.PackLayout
	err error
}

func newWording() (*wording, error) {
	t, err := templates.Pack()
	if err != nil {
		return nil, err
	}
	return &wording{t: t}, nil
}

// say returns text key of a template section expanded with data.
func (w *wording) say(section, key string, data any) string {
	s, err := w.t.Section(section)
	if err == nil {
		var v string
		if v, err = s.Text(key); err == nil {
			var out string
			if out, err = templates.Expand(v, data); err == nil {
				return out
			}
		}
	}
	if w.err == nil {
		w.err = err
	}
	return ""
}
