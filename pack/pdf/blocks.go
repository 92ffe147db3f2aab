package pdf

import (
	"strconv"
	"strings"
)

// Text sizes in points. FDA's PDF specifications (PS-5) ask for 9-12 pt,
// 9-10 pt in tables.
const (
	sizeBody  = 10.0
	sizeTable = 9.0
	sizeSmall = 9.0
	lineBody  = 13.0
)

var headingSizes = [4]float64{0, 16, 13, 11}

// Heading is a section heading. Level 1 starts a new page. Every heading
// becomes a PDF bookmark; levels up to Options.TOCDepth are listed in the
// table of contents with a link and a page number.
type Heading struct {
	Level      int    // 1, 2 or 3
	Title      string //
	Anchor     string // optional link target name
	Unnumbered bool   // no section number even when Options.NumberHeadings
}

func (h Heading) render(r *renderer) error {
	idx := r.headIdx
	r.headIdx++
	info := r.heads[idx]
	size := headingSizes[h.Level]
	switch {
	case h.Level == 1:
		if !r.atTop() {
			r.newPage()
		}
	default:
		r.space(size * 0.8)
		// keep the heading with at least a few lines of what follows
		r.ensure(size*1.4 + 4*lineBody)
	}
	y := r.y()
	label := info.title
	if info.number != "" {
		label = info.number + " " + info.title
	}
	r.bookmark(label, h.Level-1, y)
	r.sectionLevel = h.Level
	r.f.SetLink(r.headLinks[idx], y, -1)
	r.setTarget(h.Anchor, y)
	r.headPages = append(r.headPages, r.f.PageNo())
	fc := r.faces[sBold]
	r.font(sBold, size)
	r.color(Black)
	lh := size * 1.3
	for _, ln := range fc.wrap(fc.sanitize(label, false), size, ContentWidth) {
		r.text(MarginLeft, r.y(), ContentWidth, lh, ln, "L")
		r.f.SetXY(MarginLeft, r.y()+lh)
	}
	if h.Level == 1 {
		r.drawColor(Black)
		r.f.SetLineWidth(0.75)
		r.f.Line(MarginLeft, r.y()+2, PageWidth-MarginRight, r.y()+2)
		r.f.SetXY(MarginLeft, r.y()+10)
	} else {
		r.f.SetXY(MarginLeft, r.y()+4)
	}
	return nil
}

// Target marks the current position as the destination of links to Anchor.
type Target struct{ Anchor string }

func (t Target) render(r *renderer) error {
	r.ensure(lineBody)
	r.setTarget(t.Anchor, r.y())
	return nil
}

// PageBreak starts a new page (unless the current one is still empty).
type PageBreak struct{}

func (PageBreak) render(r *renderer) error {
	if !r.atTop() {
		r.newPage()
	}
	return nil
}

// Spacer adds vertical space in points.
type Spacer struct{ Height float64 }

func (s Spacer) render(r *renderer) error {
	r.ensure(0)
	r.space(s.Height)
	return nil
}

// Cover is a title page: a large title, a subtitle, a block of labelled
// fields (device, version, manufacturer, date ...) and an optional notice
// near the bottom of the page.
type Cover struct {
	Title    string
	Subtitle string
	Fields   []KV
	Notice   string
}

func (c Cover) render(r *renderer) error {
	if !r.atTop() {
		r.newPage()
	}
	r.ensure(0)
	r.f.SetXY(MarginLeft, MarginTop+110)
	r.bookmark(c.Title, 0, MarginTop)
	fb := r.faces[sBold]
	r.font(sBold, 24)
	r.color(Black)
	for _, ln := range fb.wrap(fb.sanitize(c.Title, false), 24, ContentWidth) {
		r.text(MarginLeft, r.y(), ContentWidth, 30, ln, "L")
		r.f.SetXY(MarginLeft, r.y()+30)
	}
	if c.Subtitle != "" {
		fr := r.faces[sRegular]
		r.font(sRegular, 14)
		r.f.SetXY(MarginLeft, r.y()+6)
		for _, ln := range fr.wrap(fr.sanitize(c.Subtitle, true), 14, ContentWidth) {
			r.text(MarginLeft, r.y(), ContentWidth, 19, ln, "L")
			r.f.SetXY(MarginLeft, r.y()+19)
		}
	}
	r.drawColor(Black)
	r.f.SetLineWidth(1.5)
	r.f.Line(MarginLeft, r.y()+10, PageWidth-MarginRight, r.y()+10)
	r.f.SetXY(MarginLeft, r.y()+30)
	if len(c.Fields) > 0 {
		if err := (KeyValues{Pairs: c.Fields, KeyWidth: 0.3, Size: 11}).render(r); err != nil {
			return err
		}
	}
	if c.Notice != "" {
		fr := r.faces[sItalic]
		lines := fr.wrap(fr.sanitize(c.Notice, true), sizeBody, ContentWidth)
		h := float64(len(lines)) * lineBody
		y := max(r.y()+20, r.bottom()-h)
		if y+h > r.bottom() {
			r.newPage()
			y = r.y()
		}
		r.font(sItalic, sizeBody)
		for i, ln := range lines {
			r.text(MarginLeft, y+float64(i)*lineBody, ContentWidth, lineBody, ln, "L")
		}
		r.f.SetXY(MarginLeft, y+h)
	}
	return nil
}

// TOC is the table of contents: one line per heading down to
// Options.TOCDepth, each a link to its heading with its page number.
type TOC struct{}

func (TOC) render(r *renderer) error {
	if !r.atTop() {
		r.newPage()
	}
	r.ensure(0)
	title := r.o.TOCTitle
	if title == "" {
		title = "Contents"
	}
	depth := r.o.TOCDepth
	if depth == 0 {
		depth = 2
	}
	r.bookmark(title, 0, r.y())
	fb := r.faces[sBold]
	r.font(sBold, headingSizes[1])
	r.color(Black)
	r.text(MarginLeft, r.y(), ContentWidth, headingSizes[1]*1.3, fb.sanitize(title, false), "L")
	r.f.SetXY(MarginLeft, r.y()+headingSizes[1]*1.3+10)

	const numW = 36.0 // page number column
	for i, h := range r.heads {
		if h.level > depth {
			continue
		}
		st, size, lh := sRegular, sizeBody, 15.0
		if h.level == 1 {
			st, size, lh = sBold, 10.5, 19.0
		}
		r.ensure(lh)
		y := r.y()
		indent := float64(h.level-1) * 18
		fc := r.faces[st]
		label := h.title
		if h.number != "" {
			label = h.number + " " + h.title
		}
		textW := ContentWidth - indent - numW - 12
		label = fc.ellipsize(fc.sanitize(label, false), size, textW)
		r.font(st, size)
		r.color(Black)
		r.text(MarginLeft+indent, y, textW, lh, label, "L")
		// dotted leader between the title and the page number
		lw := fc.textWidth(label, size)
		x0, x1 := MarginLeft+indent+lw+4, PageWidth-MarginRight-numW-2
		if x1 > x0 {
			r.drawColor(RuleGrey)
			r.f.SetLineWidth(0.5)
			r.f.SetDashPattern([]float64{0.5, 2.5}, 0)
			r.f.Line(x0, y+lh*0.68, x1, y+lh*0.68)
			r.f.SetDashPattern(nil, 0)
		}
		page := ""
		if r.prev != nil && i < len(r.prev.headPages) {
			page = strconv.Itoa(r.prev.headPages[i])
		}
		r.text(PageWidth-MarginRight-numW, y, numW, lh, page, "R")
		// invisible link rectangle over the whole line (ER-1 allows
		// invisible rectangles in a table of contents)
		r.f.Link(MarginLeft+indent, y, ContentWidth-indent, lh, r.headLinks[i])
		r.f.SetXY(MarginLeft, y+lh)
	}
	return nil
}

// Span is a run of text in a paragraph. A span with URL or Anchor is a
// link and is drawn in blue.
type Span struct {
	Text   string
	Bold   bool
	Italic bool
	Mono   bool
	URL    string // external link
	Anchor string // internal link to a Heading/Target/table row anchor
}

func (s Span) style() style {
	switch {
	case s.Mono:
		return sMono
	case s.Bold && s.Italic:
		return sBoldItalic
	case s.Bold:
		return sBold
	case s.Italic:
		return sItalic
	}
	return sRegular
}

// Paragraph is word-wrapped text made of spans. Newlines in span text
// force line breaks.
type Paragraph struct {
	Spans []Span
	Size  float64 // font size; 0 means 10 pt
}

// piece is a run of one span that contains no space.
type piece struct {
	text  string
	span  int
	space bool // a space precedes it
	w     float64
	brk   bool // a forced line break precedes it
}

func (p Paragraph) render(r *renderer) error {
	size := p.Size
	if size == 0 {
		size = sizeBody
	}
	lh := size * 1.3
	lines := r.layoutSpans(p.Spans, size, ContentWidth)
	for _, ln := range lines {
		r.ensure(lh)
		x, y := MarginLeft, r.y()
		for _, pc := range ln {
			sp := p.Spans[pc.span]
			st := sp.style()
			if pc.space {
				x += r.faces[st].textWidth(" ", size)
			}
			r.font(st, size)
			if sp.URL != "" || sp.Anchor != "" {
				r.color(LinkBlue)
			} else {
				r.color(Black)
			}
			r.text(x, y, pc.w, lh, pc.text, "L")
			if err := r.link(x, y, pc.w, lh, sp.URL, sp.Anchor); err != nil {
				return err
			}
			x += pc.w
		}
		r.f.SetXY(MarginLeft, y+lh)
	}
	r.color(Black)
	r.space(size * 0.6)
	return nil
}

// layoutSpans breaks spans into lines of pieces no wider than width.
func (r *renderer) layoutSpans(spans []Span, size, width float64) [][]piece {
	// split into pieces; glued pieces (no space between) form a word
	var words [][]piece
	var cur []piece
	space, brk := false, false
	endWord := func() {
		if len(cur) > 0 {
			words = append(words, cur)
			cur = nil
		}
	}
	for i, sp := range spans {
		fc := r.faces[sp.style()]
		txt := fc.sanitize(sp.Text, true)
		var tok strings.Builder
		flushTok := func() {
			if tok.Len() == 0 {
				return
			}
			t := tok.String()
			cur = append(cur, piece{text: t, span: i, space: space && len(cur) == 0, brk: brk && len(cur) == 0, w: fc.textWidth(t, size)})
			space, brk = false, false
			tok.Reset()
		}
		for _, c := range txt {
			switch c {
			case ' ', '\n':
				flushTok()
				endWord()
				if c == '\n' {
					brk = true
					space = false
				} else if !brk {
					space = true
				}
			default:
				tok.WriteRune(c)
			}
		}
		flushTok()
	}
	endWord()

	var lines [][]piece
	var line []piece
	lineW := 0.0
	for _, w := range words {
		sp := spans[w[0].span]
		spaceW := r.faces[sp.style()].textWidth(" ", size)
		ww := 0.0
		for _, pc := range w {
			ww += pc.w
		}
		if w[0].brk && len(line) > 0 {
			lines = append(lines, line)
			line, lineW = nil, 0
		}
		gap := 0.0
		if len(line) > 0 {
			gap = spaceW
		}
		if len(line) > 0 && lineW+gap+ww > width {
			lines = append(lines, line)
			line, lineW, gap = nil, 0, 0
		}
		w[0].space = len(line) > 0
		if ww <= width-lineW-gap {
			line = append(line, w...)
			lineW += gap + ww
			continue
		}
		// a word wider than the line: break its pieces character-wise
		for _, pc := range w {
			fc := r.faces[spans[pc.span].style()]
			for {
				avail := width - lineW
				if pc.space {
					avail -= spaceW
				}
				if pc.w <= avail {
					line = append(line, pc)
					lineW += pc.w
					if pc.space {
						lineW += spaceW
					}
					break
				}
				if avail < size && len(line) > 0 {
					lines = append(lines, line)
					line, lineW = nil, 0
					pc.space = false
					continue
				}
				head, tail := fc.breakWord(pc.text, size, avail)
				hp := pc
				hp.text, hp.w = head, fc.textWidth(head, size)
				line = append(line, hp)
				lines = append(lines, line)
				line, lineW = nil, 0
				pc.text, pc.w, pc.space = tail, fc.textWidth(tail, size), false
				if tail == "" {
					break
				}
			}
		}
	}
	if len(line) > 0 || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// KV is a labelled value.
type KV struct {
	Key   string
	Value string
	URL   string // optional: the value is a link
}

// KeyValues is a two-column block of labelled values, key in bold.
type KeyValues struct {
	Pairs    []KV
	KeyWidth float64 // fraction of the width for keys; 0 means 0.3
	Size     float64 // font size; 0 means 10 pt
}

func (kv KeyValues) render(r *renderer) error {
	kw := kv.KeyWidth
	if kw <= 0 || kw >= 1 {
		kw = 0.3
	}
	size := kv.Size
	if size == 0 {
		size = sizeBody
	}
	t := Table{
		Columns:  []Column{{Width: kw, Bold: true}, {Width: 1 - kw}},
		NoHeader: true,
		NoBorder: true,
		Size:     size,
	}
	for _, p := range kv.Pairs {
		t.Rows = append(t.Rows, []Cell{{Text: p.Key}, {Text: p.Value, URL: p.URL}})
	}
	return t.render(r)
}
