package pdf

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/go-pdf/fpdf"
)

// Stats describes a rendered document.
type Stats struct {
	Pages  int   // number of pages
	Bytes  int64 // size of the PDF file in bytes (eCopy EC-8 limits it to 50 MB)
	Passes int   // layout passes needed to resolve the table of contents
}

// maxPasses bounds the layout iterations. The table of contents has a
// layout independent of the page numbers it shows, so two passes always
// suffice; the bound only guards against a future block breaking that.
const maxPasses = 4

// Render lays the document out and writes the PDF to w.
//
// Page numbers in the table of contents and the "of M" of the footer are
// only known after layout, so the document is laid out once to learn them
// and again to print them. The second pass must produce the same page
// breaks as the first; Render checks that and fails rather than emit a
// wrong table of contents.
func (d *Document) Render(ctx context.Context, w io.Writer) (Stats, error) {
	b, st, err := d.Bytes(ctx)
	if err != nil {
		return st, err
	}
	n, err := w.Write(b)
	if err != nil {
		return st, fmt.Errorf("write pdf: %w", err)
	}
	st.Bytes = int64(n)
	return st, nil
}

// Bytes lays the document out and returns the PDF file.
func (d *Document) Bytes(ctx context.Context) ([]byte, Stats, error) {
	if err := d.opts.check(); err != nil {
		return nil, Stats{}, err
	}
	fonts := d.opts.Fonts.resolved()
	var faces [nStyles]*face
	for s, b := range fonts {
		fc, err := newFace(b)
		if err != nil {
			return nil, Stats{}, fmt.Errorf("pdf font %d: %w", s, err)
		}
		faces[s] = fc
	}
	heads, anchors, err := d.scan()
	if err != nil {
		return nil, Stats{}, err
	}
	var prev *passResult
	for pass := 1; pass <= maxPasses; pass++ {
		if err := ctx.Err(); err != nil {
			return nil, Stats{}, err
		}
		res, err := d.renderPass(ctx, fonts, faces, heads, anchors, prev)
		if err != nil {
			return nil, Stats{}, err
		}
		if prev != nil && res.pages == prev.pages && slices.Equal(res.headPages, prev.headPages) {
			return res.pdf, Stats{Pages: res.pages, Bytes: int64(len(res.pdf)), Passes: pass}, nil
		}
		// Only the page numbers of a pass that is not the last are needed:
		// drop its bytes now rather than hold two whole PDFs at once.
		res.pdf = nil
		prev = res
	}
	return nil, Stats{}, fmt.Errorf("pdf layout did not settle after %d passes (table of contents page numbers keep moving)", maxPasses)
}

// headInfo is a heading known before layout.
type headInfo struct {
	level  int
	number string // "2.1" or "" when unnumbered
	title  string
	anchor string
}

// scan numbers the headings and collects link anchors, rejecting
// duplicates and bad levels before any layout work.
func (d *Document) scan() ([]headInfo, []string, error) {
	var heads []headInfo
	var anchors []string
	seen := map[string]int{}
	var counters [3]int
	addAnchor := func(a string, i int) error {
		if a == "" {
			return nil
		}
		if j, dup := seen[a]; dup {
			return fmt.Errorf("pdf block %d: anchor %q already used by block %d", i, a, j)
		}
		seen[a] = i
		anchors = append(anchors, a)
		return nil
	}
	for i, b := range d.blocks {
		switch b := b.(type) {
		case Heading:
			if b.Level < 1 || b.Level > 3 {
				return nil, nil, fmt.Errorf("pdf block %d: heading %q has level %d, want 1-3", i, b.Title, b.Level)
			}
			num := ""
			if d.opts.NumberHeadings && !b.Unnumbered {
				counters[b.Level-1]++
				for l := b.Level; l < 3; l++ {
					counters[l] = 0
				}
				parts := make([]string, b.Level)
				for l := 0; l < b.Level; l++ {
					parts[l] = strconv.Itoa(counters[l])
				}
				num = strings.Join(parts, ".")
			}
			heads = append(heads, headInfo{level: b.Level, number: num, title: b.Title, anchor: b.Anchor})
			if err := addAnchor(b.Anchor, i); err != nil {
				return nil, nil, err
			}
		case Target:
			if b.Anchor == "" {
				return nil, nil, fmt.Errorf("pdf block %d: target with empty anchor", i)
			}
			if err := addAnchor(b.Anchor, i); err != nil {
				return nil, nil, err
			}
		case Table:
			for _, a := range b.RowAnchors {
				if err := addAnchor(a, i); err != nil {
					return nil, nil, err
				}
			}
		}
	}
	return heads, anchors, nil
}

type passResult struct {
	pdf       []byte
	pages     int
	headPages []int
}

// renderer is the state of one layout pass.
type renderer struct {
	ctx   context.Context
	f     *fpdf.Fpdf
	o     *Options
	faces [nStyles]*face

	heads     []headInfo
	headIdx   int
	headLinks []int
	headPages []int // pages found in this pass
	prev      *passResult
	links     map[string]int

	outlineLevel  int   // level (0-based) of the last bookmark, -1 before any
	outlineLevels []int // levels of all bookmarks, in order
	sectionLevel  int   // bookmark level below the current heading

	// current font, to skip redundant SetFont calls
	curStyle style
	curSize  float64
}

func (d *Document) renderPass(ctx context.Context, fonts [nStyles][]byte, faces [nStyles]*face, heads []headInfo, anchors []string, prev *passResult) (res *passResult, err error) {
	f := fpdf.NewCustom(&fpdf.InitType{
		OrientationStr: "P",
		UnitStr:        "pt",
		Size:           fpdf.SizeType{Wd: PageWidth, Ht: PageHeight},
	})
	o := d.opts
	r := &renderer{ctx: ctx, f: f, o: &o, faces: faces, heads: heads, prev: prev,
		links: make(map[string]int, len(anchors)), outlineLevel: -1, curStyle: -1}
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("pdf render: internal error: %v", p)
		}
	}()
	f.SetCatalogSort(true)
	f.SetCreationDate(o.Created.UTC())
	f.SetModificationDate(o.Created.UTC())
	// The first pass only measures (its bytes are discarded), so it skips
	// compression: fpdf allocates a new deflate writer per page, which
	// dominates the memory churn of long documents.
	f.SetCompression(prev != nil)
	f.SetMargins(MarginLeft, MarginTop, MarginRight)
	f.SetAutoPageBreak(false, MarginBottom)
	f.SetCellMargin(0)
	f.SetTitle(o.Title, true)
	f.SetAuthor(o.Author, true)
	f.SetSubject(o.Subject, true)
	f.SetKeywords(strings.Join(o.Keywords, ", "), true)
	f.SetCreator(o.Creator, true)
	producer := o.Producer
	if producer == "" {
		producer = "premarket (go-pdf/fpdf)"
	}
	f.SetProducer(producer, true)
	lang := o.Language
	if lang == "" {
		lang = "en-US"
	}
	f.SetLang(lang)
	for s := sRegular; s < nStyles; s++ {
		fam, st := s.family()
		f.AddUTF8FontFromBytes(fam, st, fonts[s])
	}
	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("pdf fonts: %w", err)
	}
	f.SetHeaderFuncMode(r.header, false)
	f.SetFooterFunc(r.footer)
	r.headLinks = make([]int, len(heads))
	for i := range heads {
		r.headLinks[i] = f.AddLink()
	}
	for _, a := range anchors {
		r.links[a] = f.AddLink()
	}
	for i, b := range d.blocks {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if err := b.render(r); err != nil {
			return nil, fmt.Errorf("pdf block %d (%T): %w", i, b, err)
		}
		if err := f.Error(); err != nil {
			return nil, fmt.Errorf("pdf block %d (%T): %w", i, b, err)
		}
	}
	if f.PageNo() == 0 {
		r.newPage()
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("pdf output: %w", err)
	}
	out, err := finish(buf.Bytes(), r.outlineLevels)
	if err != nil {
		return nil, err
	}
	return &passResult{pdf: out, pages: f.PageCount(), headPages: r.headPages}, nil
}

// pageOf returns the page number of the heading with the given anchor, as
// laid out by the previous pass ("0" in the first pass, which keeps the
// glyph count small; Bytes only returns once heading pages have settled,
// so the number printed is the final one), or "?" for an anchor that names
// no heading.
func (r *renderer) pageOf(anchor string) string {
	for i, h := range r.heads {
		if h.anchor != anchor {
			continue
		}
		if r.prev != nil && i < len(r.prev.headPages) {
			return strconv.Itoa(r.prev.headPages[i])
		}
		return "0"
	}
	return "?"
}

// ---- page furniture ----

func (r *renderer) header() {
	f := r.f
	r.curStyle = -1 // fpdf has reset the font for the new page
	if f.PageNo() == 1 {
		// A no-op graphics state makes fpdf declare PDF 1.4 (it writes 1.3
		// otherwise); FDA's PDF specifications accept 1.4-1.7 (PS-1).
		f.SetAlpha(1, "Normal")
	}
	size := 9.0
	r.font(sRegular, size)
	r.color(Black)
	left := strings.TrimSpace(r.o.DeviceName + " " + r.o.DeviceVersion)
	left = r.faces[sRegular].sanitize(left, false)
	lw := min(r.faces[sRegular].textWidth(left, size), ContentWidth*0.6)
	left = r.faces[sRegular].ellipsize(left, size, lw)
	f.SetXY(MarginLeft, HeaderY)
	f.CellFormat(lw, 11, left, "", 0, "L", false, 0, "")
	title := r.faces[sRegular].sanitize(r.o.Title, false)
	rw := ContentWidth - lw - 18
	if rw > 20 && title != "" {
		title = r.faces[sRegular].ellipsize(title, size, rw)
		f.SetXY(PageWidth-MarginRight-rw, HeaderY)
		f.CellFormat(rw, 11, title, "", 0, "R", false, 0, "")
	}
	r.drawColor(RuleGrey)
	f.SetLineWidth(0.5)
	f.Line(MarginLeft, HeaderY+14, PageWidth-MarginRight, HeaderY+14)
	f.SetXY(MarginLeft, MarginTop)
}

func (r *renderer) footer() {
	f := r.f
	r.curStyle = -1
	total := 0
	if r.prev != nil {
		total = r.prev.pages
	}
	format := r.o.FooterFormat
	if format == "" {
		format = "Page %d of %d"
	}
	var txt string
	if total > 0 {
		txt = fmt.Sprintf(format, f.PageNo(), total)
	} else {
		// First pass: same glyph count as the final text so nothing moves.
		txt = fmt.Sprintf(format, f.PageNo(), f.PageNo())
	}
	r.font(sRegular, 9)
	r.color(Black)
	r.drawColor(RuleGrey)
	f.SetLineWidth(0.5)
	f.Line(MarginLeft, FooterY-4, PageWidth-MarginRight, FooterY-4)
	f.SetXY(MarginLeft, FooterY)
	f.CellFormat(ContentWidth, 11, r.faces[sRegular].sanitize(txt, false), "", 0, "C", false, 0, "")
}

// ---- low-level helpers ----

func (r *renderer) font(s style, size float64) {
	if s == r.curStyle && size == r.curSize && r.f.PageNo() > 0 {
		return
	}
	fam, st := s.family()
	r.f.SetFont(fam, st, size)
	r.curStyle, r.curSize = s, size
}

func (r *renderer) color(c Color) { r.f.SetTextColor(int(c.R), int(c.G), int(c.B)) }
func (r *renderer) fill(c Color)  { r.f.SetFillColor(int(c.R), int(c.G), int(c.B)) }
func (r *renderer) drawColor(c Color) {
	r.f.SetDrawColor(int(c.R), int(c.G), int(c.B))
}

func (r *renderer) y() float64 { return r.f.GetY() }

// bottom is the lowest y content may reach.
func (r *renderer) bottom() float64 { return PageHeight - MarginBottom }

// usable is the height of an empty page's content area.
func (r *renderer) usable() float64 { return r.bottom() - MarginTop }

func (r *renderer) newPage() {
	r.f.AddPage()
	// fpdf restores the font after the header; our cache must follow it.
	r.curStyle = -1
	r.f.SetXY(MarginLeft, MarginTop)
}

// atTop reports whether nothing has been drawn on the current page yet.
func (r *renderer) atTop() bool {
	return r.f.PageNo() > 0 && r.y() <= MarginTop+0.01
}

// ensure starts a new page unless h points fit below the current position.
func (r *renderer) ensure(h float64) {
	if r.f.PageNo() == 0 || (r.y()+h > r.bottom() && !r.atTop()) {
		r.newPage()
	}
}

// space adds vertical space, unless at the top of a page.
func (r *renderer) space(h float64) {
	if r.f.PageNo() == 0 || r.atTop() {
		return
	}
	y := r.y() + h
	if y > r.bottom() {
		r.newPage()
		return
	}
	r.f.SetXY(MarginLeft, y)
}

// text draws one sanitized line at (x, y) in a box w x h.
func (r *renderer) text(x, y, w, h float64, s, align string) {
	r.f.SetXY(x, y)
	r.f.CellFormat(w, h, s, "", 0, align, false, 0, "")
}

// link makes a rectangle clickable: to a URL, or to an anchor.
func (r *renderer) link(x, y, w, h float64, url, anchor string) error {
	if url != "" {
		r.f.LinkString(x, y, w, h, url)
	}
	if anchor != "" {
		id, ok := r.links[anchor]
		if !ok {
			return fmt.Errorf("link to unknown anchor %q", anchor)
		}
		r.f.Link(x, y, w, h, id)
	}
	return nil
}

// setTarget makes the current position the destination of anchor.
func (r *renderer) setTarget(anchor string, y float64) {
	if id, ok := r.links[anchor]; ok {
		r.f.SetLink(id, y, -1)
	}
}

// bookmark adds an outline entry, clamping the level so that it never
// skips a level (fpdf would build a broken outline tree otherwise).
func (r *renderer) bookmark(title string, level int, y float64) {
	if level > r.outlineLevel+1 {
		level = r.outlineLevel + 1
	}
	if level < 0 {
		level = 0
	}
	r.font(sRegular, r.curSizeOr(10))
	r.f.Bookmark(r.faces[sRegular].sanitize(title, false), level, y)
	r.outlineLevel = level
	r.outlineLevels = append(r.outlineLevels, level)
}

func (r *renderer) curSizeOr(d float64) float64 {
	if r.curSize > 0 {
		return r.curSize
	}
	return d
}
