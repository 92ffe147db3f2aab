package pdf

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// Column describes a table column.
type Column struct {
	Header string
	Width  float64 // relative weight; 0 counts as 1
	Align  string  // "L" (default), "C" or "R"
	Mono   bool    // monospace text (hashes, PURLs, versions)
	Bold   bool
}

// Cell is one table cell. A cell with a Status is drawn as a coloured
// badge around its Text (the label, e.g. "Provided"); a cell with URL or
// Anchor is a blue link.
type Cell struct {
	Text   string
	Status Status
	URL    string
	Anchor string
	Mono   bool
	Bold   bool
	Fill   *Color // background; text turns white on dark fills
	Align  string // overrides the column's alignment
	// PageOf names the anchor of a Heading: the cell shows the page number
	// that heading lands on (resolved like the table of contents) and links
	// to it. Text, when set, is printed before the number ("p. ").
	PageOf string
}

// Row is a convenience that makes a row of plain text cells.
func Row(texts ...string) []Cell {
	cells := make([]Cell, len(texts))
	for i, t := range texts {
		cells[i] = Cell{Text: t}
	}
	return cells
}

// Table is a grid of wrapped text. Rows grow to fit their tallest cell;
// long unbreakable strings are broken so they never overflow; a row taller
// than the space left moves to the next page (and is split across pages
// only when it is taller than a whole page); the header row is repeated on
// every page the table spans.
type Table struct {
	Caption    string // optional title above the table; also a bookmark
	Columns    []Column
	Rows       [][]Cell
	RowAnchors []string // optional: RowAnchors[i] names row i as a link target
	Zebra      bool     // shade every other row
	NoHeader   bool
	NoBorder   bool
	Size       float64 // font size; 0 means 9 pt
}

const (
	cellPadX  = 4.0
	cellPadY  = 3.0
	badgePadX = 3.0
)

type cellLayout struct {
	lines []string
	st    style
	cell  Cell
	align string
}

func (t Table) render(r *renderer) error {
	if len(t.Columns) == 0 {
		return fmt.Errorf("table %q has no columns", t.Caption)
	}
	size := t.Size
	if size == 0 {
		size = sizeTable
	}
	lh := size * 1.25
	widths := r.fitColumns(t, columnWidths(t.Columns, ContentWidth), size)

	layoutRow := func(cells []Cell, header bool) []cellLayout {
		out := make([]cellLayout, len(t.Columns))
		for c, col := range t.Columns {
			var cell Cell
			if c < len(cells) {
				cell = cells[c]
			}
			if header {
				cell = Cell{Text: col.Header, Bold: true}
			} else if cell.PageOf != "" {
				cell.Text += r.pageOf(cell.PageOf)
				cell.Anchor = cell.PageOf
			}
			st := sRegular
			switch {
			case cell.Mono || (col.Mono && !header):
				st = sMono
			case cell.Bold || col.Bold:
				st = sBold
			}
			align := col.Align
			if cell.Align != "" {
				align = cell.Align
			}
			if align == "" {
				align = "L"
			}
			w := widths[c] - 2*cellPadX
			if cell.Status != "" {
				w -= 2 * badgePadX
			}
			fc := r.faces[st]
			out[c] = cellLayout{lines: fc.wrap(fc.sanitize(cell.Text, true), size, w), st: st, cell: cell, align: align}
		}
		return out
	}
	nLines := func(row []cellLayout) int {
		n := 1
		for _, c := range row {
			n = max(n, len(c.lines))
		}
		return n
	}
	var head []cellLayout
	headH := 0.0
	if !t.NoHeader {
		head = layoutRow(nil, true)
		headH = float64(nLines(head))*lh + 2*cellPadY
	}
	drawHeader := func() {
		if head != nil {
			r.drawCells(head, widths, 0, nLines(head), size, lh, &HeadGrey, !t.NoBorder, true)
		}
	}

	// caption, kept with the header and the first row
	var first []cellLayout
	if len(t.Rows) > 0 {
		first = layoutRow(t.Rows[0], false)
	}
	firstH := 0.0
	if first != nil {
		firstH = math.Min(float64(nLines(first))*lh+2*cellPadY, 3*lh+2*cellPadY)
	}
	captionH := 0.0
	if t.Caption != "" {
		captionH = sizeBody*1.3 + 3
	}
	r.ensure(captionH + headH + firstH)
	if t.Caption != "" {
		r.bookmark(t.Caption, r.sectionLevel, r.y())
		fb := r.faces[sBold]
		r.font(sBold, sizeBody)
		r.color(Black)
		r.text(MarginLeft, r.y(), ContentWidth, sizeBody*1.3, fb.ellipsize(fb.sanitize(t.Caption, false), sizeBody, ContentWidth), "L")
		r.f.SetXY(MarginLeft, r.y()+captionH)
	}
	drawHeader()

	for i, cells := range t.Rows {
		if i%256 == 0 {
			if err := r.ctx.Err(); err != nil {
				return err
			}
		}
		if len(cells) > len(t.Columns) {
			return fmt.Errorf("table %q row %d has %d cells for %d columns", t.Caption, i+1, len(cells), len(t.Columns))
		}
		row := first
		if i > 0 {
			row = layoutRow(cells, false)
		}
		var fill *Color
		if t.Zebra && i%2 == 1 {
			fill = &ZebraGrey
		}
		total := nLines(row)
		rowH := float64(total)*lh + 2*cellPadY
		done := 0
		for done < total {
			left := total - done
			fit := int(math.Floor((r.bottom() - r.y() - 2*cellPadY + 0.001) / lh))
			if fit >= left {
				if done == 0 && i < len(t.RowAnchors) && t.RowAnchors[i] != "" {
					r.setTarget(t.RowAnchors[i], r.y())
				}
				if err := r.drawCells(row, widths, done, left, size, lh, fill, !t.NoBorder, false); err != nil {
					return err
				}
				break
			}
			freshFits := rowH <= r.usable()-headH
			if done == 0 && freshFits || fit < 1 {
				r.newPage()
				drawHeader()
				continue
			}
			// a row taller than a page: print what fits, continue overleaf
			if done == 0 && i < len(t.RowAnchors) && t.RowAnchors[i] != "" {
				r.setTarget(t.RowAnchors[i], r.y())
			}
			if err := r.drawCells(row, widths, done, fit, size, lh, fill, !t.NoBorder, false); err != nil {
				return err
			}
			done += fit
			r.newPage()
			drawHeader()
		}
	}
	r.color(Black)
	r.space(8)
	return nil
}

// columnWidths turns relative weights into widths summing to total.
func columnWidths(cols []Column, total float64) []float64 {
	sum := 0.0
	for _, c := range cols {
		w := c.Width
		if w <= 0 {
			w = 1
		}
		sum += w
	}
	out := make([]float64, len(cols))
	for i, c := range cols {
		w := c.Width
		if w <= 0 {
			w = 1
		}
		out[i] = total * w / sum
	}
	return out
}

// maxWordShare is the widest share of the line a single word may claim
// for its column; longer words (PURLs, hashes) are broken instead and
// claim nothing.
const maxWordShare = 0.26

// maxWholeWord is the widest word (padding included) a column is widened
// to hold whole, separators and all.
const maxWholeWord = 90.0

// fitColumns widens columns too narrow for their longest word (header
// included), so that words such as "Assessed" or "implemented" are not
// broken mid-word, taking the width from columns that have room to spare
// beyond their own longest word. The total width is unchanged; when the
// spare room is short, every narrow column gets the same share of it.
func (r *renderer) fitColumns(t Table, widths []float64, size float64) []float64 {
	need := make([]float64, len(widths))
	capW := ContentWidth * maxWordShare
	measure := func(c int, st style, text string, extra float64) {
		fc := r.faces[st]
		for _, w := range strings.Fields(fc.sanitize(text, true)) {
			// a short word (an ID such as CVE-2024-1234) must fit whole;
			// a longer compound (name-with-hyphens, a/path) breaks after
			// its separators anyway, so only its longest piece must fit;
			// a piece longer than the cap is broken wherever it lands
			if ww := fc.textWidth(w, size) + 2*cellPadX + extra + 0.5; ww <= maxWholeWord {
				need[c] = max(need[c], ww)
				continue
			}
			start := 0
			for i, ch := range w {
				if isBreakAfter(ch) || i+utf8.RuneLen(ch) == len(w) {
					end := i + utf8.RuneLen(ch)
					if ww := fc.textWidth(w[start:end], size) + 2*cellPadX + extra + 0.5; ww <= capW {
						need[c] = max(need[c], ww)
					}
					start = end
				}
			}
		}
	}
	for c, col := range t.Columns {
		if !t.NoHeader {
			measure(c, sBold, col.Header, 0)
		}
	}
	for _, row := range t.Rows {
		for c, cell := range row {
			if c >= len(t.Columns) {
				break
			}
			col := t.Columns[c]
			st := sRegular
			switch {
			case cell.Mono || col.Mono:
				st = sMono
			case cell.Bold || col.Bold:
				st = sBold
			}
			extra := 0.0
			if cell.Status != "" {
				extra = 2 * badgePadX
			}
			measure(c, st, cell.Text, extra)
		}
	}
	deficit, spare := 0.0, 0.0
	for c, w := range widths {
		if need[c] > w {
			deficit += need[c] - w
		} else {
			spare += w - need[c]
		}
	}
	if deficit <= 0.01 || spare <= 0.01 {
		return widths
	}
	give := min(1, spare/deficit) // share of each deficit that is filled
	take := min(1, deficit/spare) // share of each surplus that is taken
	out := make([]float64, len(widths))
	for c, w := range widths {
		if need[c] > w {
			out[c] = w + (need[c]-w)*give
		} else {
			out[c] = w - (w-need[c])*take
		}
	}
	return out
}

// drawCells draws lines [from, from+n) of a laid-out row at the current
// position and moves below it.
func (r *renderer) drawCells(row []cellLayout, widths []float64, from, n int, size, lh float64, rowFill *Color, border, header bool) error {
	f := r.f
	y := r.y()
	h := float64(n)*lh + 2*cellPadY
	x := MarginLeft
	for c, cl := range row {
		w := widths[c]
		fill := rowFill
		if cl.cell.Fill != nil {
			fill = cl.cell.Fill
		}
		if fill != nil {
			r.fill(*fill)
			f.Rect(x, y, w, h, "F")
		}
		if border {
			r.drawColor(RuleGrey)
			f.SetLineWidth(0.5)
			f.Rect(x, y, w, h, "D")
		}
		end := min(from+n, len(cl.lines))
		lines := []string{}
		if from < end {
			lines = cl.lines[from:end]
		}
		fc := r.faces[cl.st]
		textColor := Black
		switch {
		case cl.cell.Status != "" && len(lines) > 0:
			bf, bt := StatusColors(cl.cell.Status)
			bw := 0.0
			for _, ln := range lines {
				bw = max(bw, fc.textWidth(ln, size))
			}
			bw += 2 * badgePadX
			bx := alignX(cl.align, x+cellPadX, w-2*cellPadX, bw)
			r.fill(bf)
			f.Rect(bx, y+cellPadY-1, bw, float64(len(lines))*lh+2, "F")
			textColor = bt
		case cl.cell.URL != "" || cl.cell.Anchor != "":
			textColor = LinkBlue
		case fill != nil && cl.cell.Fill != nil:
			textColor = contrastText(*fill)
		}
		r.font(cl.st, size)
		r.color(textColor)
		tx, tw := x+cellPadX, w-2*cellPadX
		if cl.cell.Status != "" {
			tx, tw = tx+badgePadX, tw-2*badgePadX
		}
		for i, ln := range lines {
			if cl.cell.Status != "" {
				// the badge hugs the text: align the text block, left-aligned inside
				bw := 0.0
				for _, l := range lines {
					bw = max(bw, fc.textWidth(l, size))
				}
				bx := alignX(cl.align, x+cellPadX, w-2*cellPadX, bw+2*badgePadX)
				r.text(bx+badgePadX, y+cellPadY+float64(i)*lh, bw, lh, ln, "L")
				continue
			}
			r.text(tx, y+cellPadY+float64(i)*lh, tw, lh, ln, cl.align)
		}
		if !header && len(lines) > 0 {
			if err := r.link(x, y, w, h, cl.cell.URL, cl.cell.Anchor); err != nil {
				return err
			}
		}
		x += w
	}
	r.color(Black)
	f.SetXY(MarginLeft, y+h)
	return nil
}

// alignX positions a box of width bw inside [x, x+w).
func alignX(align string, x, w, bw float64) float64 {
	switch align {
	case "C":
		return x + (w-bw)/2
	case "R":
		return x + w - bw
	}
	return x
}

// contrastText returns black or white, whichever reads better on bg.
func contrastText(bg Color) Color {
	lum := 0.299*float64(bg.R) + 0.587*float64(bg.G) + 0.114*float64(bg.B)
	if lum < 140 {
		return White
	}
	return Black
}
