// Package pdf is the rendering engine of premarket's evidence pack: a small,
// data-driven document builder on top of github.com/go-pdf/fpdf.
//
// A caller describes a document as an ordered list of blocks (headings,
// paragraphs, tables, grids, charts, diagrams ...) and calls Render. The
// engine owns everything that makes the output fit for an FDA eCopy/eSTAR
// attachment: US Letter pages with the margins of the FDA PDF specifications
// (PS-6), embedded TrueType fonts with full Unicode, PDF 1.4, document
// properties, bookmarks that open in the outline panel, a table of contents
// with live links and page numbers, "Page N of M" footers, no encryption and
// byte-identical output for identical input.
//
// The engine knows no FDA content: every visible word comes from the caller
// (premarket takes its fixed texts from the templates package).
package pdf

import (
	"errors"
	"fmt"
	"time"
)

// Page geometry in PDF points (1/72 in). Letter paper; the margins satisfy
// FDA PDF specification PS-6 (left >= 3/4 in, others >= 3/8 in, header and
// footer inside the 3/8 in edge) with room to spare: 1 in left, top and
// bottom, 3/4 in right.
const (
	PageWidth    = 612.0 // 8.5 in
	PageHeight   = 792.0 // 11 in
	MarginLeft   = 72.0  // 1 in
	MarginRight  = 54.0  // 3/4 in
	MarginTop    = 72.0  // 1 in
	MarginBottom = 72.0  // 1 in
	// HeaderY and FooterY are the top of the header and footer text lines;
	// both stay 1/2 in from the paper edge, inside PS-6's 3/8 in limit.
	HeaderY = 36.0
	FooterY = PageHeight - 36.0 - 9.0
)

// ContentWidth is the width of the text area.
const ContentWidth = PageWidth - MarginLeft - MarginRight

// Options configure a document. Created is required: the engine never reads
// the clock, so two renders of the same input are byte-identical.
type Options struct {
	// Document properties (PDF Info dictionary and catalog /Lang).
	Title    string
	Author   string
	Subject  string
	Keywords []string
	Creator  string
	// Producer names the software that wrote the PDF; empty means
	// "premarket (go-pdf/fpdf)" (fpdf would write "FPDF 1.7").
	Producer string
	Language string // BCP 47 tag, e.g. "en-US"; empty means "en-US"

	// DeviceName and DeviceVersion are printed in the header of every page.
	DeviceName    string
	DeviceVersion string

	// Created is the creation and modification date written into the
	// document (typically from SOURCE_DATE_EPOCH). It must not be zero.
	Created time.Time

	// Fonts overrides the embedded Go fonts; nil fields fall back (see Fonts).
	Fonts Fonts

	// TOCTitle is the heading of the table of contents ("Contents" if empty).
	TOCTitle string
	// TOCDepth is the deepest heading level listed in the table of
	// contents (1-3; 0 means 2).
	TOCDepth int
	// FooterFormat formats the footer from the page number and the page
	// count; it must hold two %d verbs ("Page %d of %d" if empty).
	FooterFormat string
	// NumberHeadings prefixes headings with 1, 1.1, 1.1.1 numbers.
	NumberHeadings bool
}

// SourceDateEpoch turns the value of the SOURCE_DATE_EPOCH environment
// variable (seconds since 1970, UTC) into a time. An empty value returns
// fallback; a malformed one is an error naming the variable.
func SourceDateEpoch(value string, fallback time.Time) (time.Time, error) {
	if value == "" {
		return fallback.UTC(), nil
	}
	var secs int64
	if _, err := fmt.Sscanf(value, "%d", &secs); err != nil || fmt.Sprint(secs) != value {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q: want a whole number of seconds since 1970-01-01", value)
	}
	return time.Unix(secs, 0).UTC(), nil
}

// Document is an ordered list of blocks plus the options to render them.
// Build it with Add (or the H1/H2/H3/Paragraph helpers) and call Render.
// A Document is not safe for concurrent mutation; Render does not modify it.
type Document struct {
	opts   Options
	blocks []Block
}

// New returns an empty document. Options are checked by Render.
func New(opts Options) *Document {
	return &Document{opts: opts}
}

// Add appends blocks in reading order.
func (d *Document) Add(blocks ...Block) *Document {
	d.blocks = append(d.blocks, blocks...)
	return d
}

// H1 appends a top-level heading; it starts a new page. anchor may be empty
// or an identifier other blocks link to (Span.Anchor, Cell.Anchor).
func (d *Document) H1(title, anchor string) *Document {
	return d.Add(Heading{Level: 1, Title: title, Anchor: anchor})
}

// H2 appends a second-level heading.
func (d *Document) H2(title, anchor string) *Document {
	return d.Add(Heading{Level: 2, Title: title, Anchor: anchor})
}

// H3 appends a third-level heading.
func (d *Document) H3(title, anchor string) *Document {
	return d.Add(Heading{Level: 3, Title: title, Anchor: anchor})
}

// Paragraph appends a paragraph of plain, word-wrapped text.
func (d *Document) Paragraph(text string) *Document {
	return d.Add(Paragraph{Spans: []Span{{Text: text}}})
}

// Blocks returns the document's blocks (a copy of the slice).
func (d *Document) Blocks() []Block {
	return append([]Block(nil), d.blocks...)
}

// Block is one element of a document. The implementations are the exported
// block types of this package.
type Block interface {
	render(r *renderer) error
}

// Color is an sRGB colour.
type Color struct{ R, G, B uint8 }

// Colours used by the engine. Text is black and links blue, as the eCopy
// recommendations (ER-3) and FDA PDF specifications (PS-5) ask.
var (
	Black     = Color{0, 0, 0}
	White     = Color{255, 255, 255}
	LinkBlue  = Color{0, 51, 204}
	RuleGrey  = Color{128, 128, 128}
	ZebraGrey = Color{240, 240, 240}
	HeadGrey  = Color{217, 217, 217}
)

// Status is the state of an evidence item, shown as a coloured badge with
// its label (colour is never the only carrier of meaning).
type Status string

// Statuses known to the engine; their colours are in StatusColors.
const (
	StatusProvided      Status = "provided"
	StatusPartial       Status = "partial"
	StatusMissing       Status = "missing"
	StatusNotApplicable Status = "not-applicable"
)

// StatusColors returns the badge fill and text colours of a status. The
// fills are mid-tone so that they stay distinct on a greyscale printer;
// unknown statuses are grey.
func StatusColors(s Status) (fill, text Color) {
	switch s {
	case StatusProvided:
		return Color{46, 125, 50}, White
	case StatusPartial:
		return Color{249, 168, 37}, Black
	case StatusMissing:
		return Color{198, 40, 40}, White
	default:
		return Color{97, 97, 97}, White
	}
}

func (o *Options) check() error {
	var errs []error
	if o.Created.IsZero() {
		errs = append(errs, errors.New("pdf options: Created is zero; pass the build time (SOURCE_DATE_EPOCH) so output is reproducible"))
	}
	if o.TOCDepth < 0 || o.TOCDepth > 3 {
		errs = append(errs, fmt.Errorf("pdf options: TOCDepth %d out of range 0-3", o.TOCDepth))
	}
	if o.FooterFormat != "" {
		if got := fmt.Sprintf(o.FooterFormat, 1, 2); got == o.FooterFormat || containsBadVerb(got) {
			errs = append(errs, fmt.Errorf("pdf options: FooterFormat %q must hold two %%d verbs", o.FooterFormat))
		}
	}
	return errors.Join(errs...)
}

func containsBadVerb(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '%' && s[i+1] == '!' {
			return true
		}
	}
	return false
}
