package pdf

import (
	"fmt"
	"math"
	"strconv"
)

// GridCell is one coloured cell of a Grid.
type GridCell struct {
	Text string
	Fill Color
}

// Grid is a labelled matrix of coloured cells, e.g. a risk acceptance
// matrix (severity rows x exploitability columns). Text in each cell says
// what the colour means, so the grid survives greyscale printing.
type Grid struct {
	Caption   string
	RowAxis   string // title of the row labels (top-left corner)
	ColAxis   string // title above the column labels
	RowLabels []string
	ColLabels []string
	Cells     [][]GridCell // [row][column]
}

func (g Grid) render(r *renderer) error {
	if len(g.Cells) != len(g.RowLabels) {
		return fmt.Errorf("grid %q: %d rows of cells for %d row labels", g.Caption, len(g.Cells), len(g.RowLabels))
	}
	for i, row := range g.Cells {
		if len(row) != len(g.ColLabels) {
			return fmt.Errorf("grid %q row %d: %d cells for %d column labels", g.Caption, i+1, len(row), len(g.ColLabels))
		}
	}
	labelW := 1.6
	if len(g.ColLabels) > 6 {
		labelW = 1.2
	}
	t := Table{Columns: []Column{{Header: g.RowAxis, Width: labelW, Bold: true}}, Size: sizeTable}
	for _, c := range g.ColLabels {
		t.Columns = append(t.Columns, Column{Header: c, Width: 1, Align: "C"})
	}
	for i, row := range g.Cells {
		cells := []Cell{{Text: g.RowLabels[i], Bold: true}}
		for _, c := range row {
			fill := c.Fill
			cells = append(cells, Cell{Text: c.Text, Fill: &fill})
		}
		t.Rows = append(t.Rows, cells)
	}
	lead := 0.0
	if g.Caption != "" {
		lead += sizeBody*1.3 + 3
	}
	if g.ColAxis != "" {
		lead += sizeTable * 1.5
	}
	r.ensure(lead + 3*sizeTable*1.25*2)
	if g.Caption != "" {
		r.caption(g.Caption)
	}
	if g.ColAxis != "" {
		widths := columnWidths(t.Columns, ContentWidth)
		fb := r.faces[sBold]
		r.font(sBold, sizeTable)
		r.color(Black)
		x := MarginLeft + widths[0]
		r.text(x, r.y(), ContentWidth-widths[0], sizeTable*1.5, fb.ellipsize(fb.sanitize(g.ColAxis, false), sizeTable, ContentWidth-widths[0]), "C")
		r.f.SetXY(MarginLeft, r.y()+sizeTable*1.5)
	}
	return t.render(r)
}

// caption draws a bold one-line caption and bookmarks it below the
// current heading.
func (r *renderer) caption(s string) {
	r.bookmark(s, r.sectionLevel, r.y())
	fb := r.faces[sBold]
	r.font(sBold, sizeBody)
	r.color(Black)
	r.text(MarginLeft, r.y(), ContentWidth, sizeBody*1.3, fb.ellipsize(fb.sanitize(s, false), sizeBody, ContentWidth), "L")
	r.f.SetXY(MarginLeft, r.y()+sizeBody*1.3+3)
}

// Bar is one item of a BarChart: a value before and after (e.g. risk
// before and after mitigation).
type Bar struct {
	Label  string
	Before float64
	After  float64
}

// BarChart is a horizontal paired-bar chart: per item a "before" bar above
// an "after" bar, each with its value printed at its end.
type BarChart struct {
	Caption     string
	BeforeLabel string // legend of the before bars, e.g. "Pre-mitigation"
	AfterLabel  string // legend of the after bars
	Max         float64
	Bars        []Bar
}

// Bar colours: a dark red and a light blue, far apart in greyscale.
var (
	barBefore = Color{183, 28, 28}
	barAfter  = Color{100, 149, 237}
)

func (c BarChart) render(r *renderer) error {
	maxV := c.Max
	for i, b := range c.Bars {
		if b.Before < 0 || b.After < 0 || math.IsNaN(b.Before) || math.IsNaN(b.After) || math.IsInf(b.Before, 0) || math.IsInf(b.After, 0) {
			return fmt.Errorf("bar chart %q item %d (%s): values must be finite and >= 0", c.Caption, i+1, b.Label)
		}
		if c.Max == 0 {
			maxV = max(maxV, b.Before, b.After)
		}
	}
	if maxV <= 0 {
		maxV = 1
	}
	const (
		size   = 8.5
		barH   = 7.0
		valueW = 34.0
	)
	labelW := ContentWidth * 0.34
	x0 := MarginLeft + labelW + 6
	barMax := PageWidth - MarginRight - valueW - x0
	fr := r.faces[sRegular]

	legendH := 14.0
	r.ensure(sizeBody*1.3 + 3 + legendH + 30)
	if c.Caption != "" {
		r.caption(c.Caption)
	}
	legend := func() {
		y := r.y()
		x := x0
		r.font(sRegular, size)
		r.color(Black)
		for _, it := range []struct {
			label string
			col   Color
		}{{c.BeforeLabel, barBefore}, {c.AfterLabel, barAfter}} {
			if it.label == "" {
				continue
			}
			r.fill(it.col)
			r.f.Rect(x, y+3, 9, 7, "F")
			lbl := fr.sanitize(it.label, false)
			w := fr.textWidth(lbl, size)
			r.text(x+12, y, w+2, 13, lbl, "L")
			x += 12 + w + 16
		}
		r.f.SetXY(MarginLeft, y+legendH)
	}
	legend()
	for _, b := range c.Bars {
		lines := fr.wrap(fr.sanitize(b.Label, false), size, labelW)
		if len(lines) > 2 {
			lines = append(lines[:1], fr.ellipsize(lines[1]+" "+lines[2], size, labelW))
		}
		itemH := math.Max(2*barH+2, float64(len(lines))*size*1.2) + 7
		if r.y()+itemH > r.bottom() {
			r.newPage()
			legend()
		}
		y := r.y()
		r.font(sRegular, size)
		r.color(Black)
		for j, ln := range lines {
			r.text(MarginLeft, y+float64(j)*size*1.2, labelW, size*1.2, ln, "R")
		}
		for k, v := range []float64{b.Before, b.After} {
			col := barBefore
			if k == 1 {
				col = barAfter
			}
			by := y + float64(k)*(barH+2)
			w := barMax * math.Min(v, maxV) / maxV
			if w > 0 {
				r.fill(col)
				r.f.Rect(x0, by, w, barH, "F")
			}
			r.text(x0+w+3, by-1, valueW, barH+2, strconv.FormatFloat(v, 'f', -1, 64), "L")
		}
		// axis line along the left edge of the bars
		r.drawColor(Black)
		r.f.SetLineWidth(0.5)
		r.f.Line(x0, y-2, x0, y+2*barH+4)
		r.f.SetXY(MarginLeft, y+itemH)
	}
	r.space(6)
	return nil
}
