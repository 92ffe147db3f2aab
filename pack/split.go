package pack

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/premarket/premarket/pack/ecopy"
	"github.com/premarket/premarket/pack/pdf"
	"github.com/premarket/premarket/templates"
)

// DefaultMaxPDFBytes is the largest PDF a pack writes: eCopy EC-8 limits
// each PDF to 50 MB "measured as the size on the submission media". The
// catalog does not say whether MB means 10^6 or 2^20 bytes, so the
// stricter reading, 50,000,000 bytes, is used.
const DefaultMaxPDFBytes int64 = 50_000_000

// maxPlanAttempts bounds how often a split is re-planned with a smaller
// budget when a rendered part turns out larger than estimated.
const maxPlanAttempts = 8

// pdfFile is one rendered PDF of the pack.
type pdfFile struct {
	name  string
	data  []byte
	pages int
}

// PartPDFName returns the eCopy file name of part k of n of the pack PDF:
// "NNN_<documentName> Part k of n.pdf", NNN = k. EC-8 asks for PDFs over
// the limit to be split into parts ("Part 1", "Part 2"); EC-4 numbers the
// files consecutively from 001; parentheses are not in the character set
// pack/ecopy accepts (EC-5), hence no "(part 2 of 3)".
func PartPDFName(documentName string, k, n int) (string, error) {
	name := fmt.Sprintf("%03d_%s Part %d of %d.pdf", k, documentName, k, n)
	if k < 1 || k > 999 || k > n {
		return "", fmt.Errorf("pack PDF part %d of %d: out of range (eCopy numbers PDFs 001-999)", k, n)
	}
	if _, err := ecopy.ParsePDFName(name); err != nil {
		return "", fmt.Errorf("submission.documentName %q cannot name part %d of %d of the pack PDF %q: %w (shorten submission.documentName in premarket.yaml)", documentName, k, n, name, err)
	}
	return name, nil
}

// section is a top-level section of the document (an H1 and what follows
// it up to the next H1), cut into atoms: whole blocks, except tables,
// whose rows are atoms of their own so that a section too large for one
// PDF can be split between rows.
type section struct {
	title  string // the numbered heading title
	blocks []pdf.Block
	atoms  []atom
}

type atom struct {
	block  int
	row    int // -1: the whole block
	weight float64
}

// piece is atoms [from, to) of section sec.
type piece struct{ sec, from, to int }

func newSection(blocks []pdf.Block) *section {
	s := &section{blocks: blocks}
	if h, ok := blocks[0].(pdf.Heading); ok {
		s.title = h.Title
	}
	for i, b := range blocks {
		switch b := b.(type) {
		case pdf.Table:
			if len(b.Rows) == 0 {
				s.atoms = append(s.atoms, atom{block: i, row: -1, weight: 100})
				continue
			}
			for r, row := range b.Rows {
				w := 24.0
				if r == 0 {
					w += 100 // caption and header
				}
				for _, c := range row {
					w += float64(len(c.Text) + len(c.URL) + 2)
				}
				s.atoms = append(s.atoms, atom{block: i, row: r, weight: w})
			}
		case pdf.Paragraph:
			w := 24.0
			for _, sp := range b.Spans {
				w += float64(len(sp.Text) + len(sp.URL))
			}
			s.atoms = append(s.atoms, atom{block: i, row: -1, weight: w})
		default:
			s.atoms = append(s.atoms, atom{block: i, row: -1, weight: 200})
		}
	}
	return s
}

// render returns the blocks of atoms [from, to). A piece that does not
// start at the section's beginning opens with the section title marked
// "(continued)"; a table whose first rows are in an earlier piece repeats
// its caption marked "(continued)" (and its header row, as on every page).
func (s *section) render(from, to int, tx *splitTexts) []pdf.Block {
	var out []pdf.Block
	if from > 0 {
		out = append(out, pdf.Heading{Level: 1, Title: tx.fill(tx.continued, map[string]any{"Title": s.title}), Unnumbered: true})
	}
	for i := from; i < to; {
		a := s.atoms[i]
		t, isTable := s.blocks[a.block].(pdf.Table)
		if a.row < 0 || !isTable {
			out = append(out, s.blocks[a.block])
			i++
			continue
		}
		j := i
		for j < to && s.atoms[j].block == a.block {
			j++
		}
		first, last := a.row, s.atoms[j-1].row+1
		if first > 0 || last < len(t.Rows) {
			t.Rows = t.Rows[first:last]
			if len(t.RowAnchors) > first {
				t.RowAnchors = t.RowAnchors[first:min(last, len(t.RowAnchors))]
			} else {
				t.RowAnchors = nil
			}
			if first > 0 && t.Caption != "" {
				t.Caption = tx.fill(tx.continued, map[string]any{"Title": t.Caption})
			}
		}
		out = append(out, t)
		i = j
	}
	return out
}

// splitter cuts a rendered-too-large document into parts.
type splitter struct {
	tx       *splitTexts
	opts     pdf.Options
	docName  string
	front    []pdf.Block // cover and table of contents
	sections []*section
}

func newSplitter(doc *pdf.Document, docName string) (*splitter, error) {
	tx, err := loadSplitTexts()
	if err != nil {
		return nil, err
	}
	sp := &splitter{tx: tx, opts: doc.Options(), docName: docName}
	blocks := doc.NumberedBlocks()
	start := -1
	for i, b := range blocks {
		if h, ok := b.(pdf.Heading); ok && h.Level == 1 {
			if start < 0 {
				sp.front = blocks[:i]
			} else {
				sp.sections = append(sp.sections, newSection(blocks[start:i]))
			}
			start = i
		}
	}
	if start < 0 {
		sp.front = blocks
	} else {
		sp.sections = append(sp.sections, newSection(blocks[start:]))
	}
	return sp, nil
}

// partTitle names a piece in the list of contents of all parts.
func (sp *splitter) partTitle(p piece) string {
	s := sp.sections[p.sec]
	switch {
	case p.from > 0:
		return sp.tx.fill(sp.tx.continued, map[string]any{"Title": s.title})
	case p.to < len(s.atoms):
		return sp.tx.fill(sp.tx.begins, map[string]any{"Title": s.title})
	}
	return s.title
}

// document builds part k (1-based) of a plan: a cover marked with the
// part, the table of contents of this part, a note listing every part's
// file and contents, and the part's pieces. Links to targets in other
// parts become plain text; page references to them say which part.
func (sp *splitter) document(plan [][]piece, names []string, k int) *pdf.Document {
	n := len(plan)
	o := sp.opts
	tx := sp.tx
	part := map[string]any{"Title": sp.opts.Title, "Part": k, "Parts": n, "File": names[k-1]}
	o.Title = tx.fill(tx.partTitle, part)
	var blocks []pdf.Block
	for _, b := range sp.front {
		if c, ok := b.(pdf.Cover); ok {
			c.Fields = append(append([]pdf.KV(nil), c.Fields...), pdf.KV{Key: tx.partLabel, Value: tx.fill(tx.partValue, part)})
			b = c
		}
		blocks = append(blocks, b)
	}
	blocks = append(blocks,
		pdf.Heading{Level: 1, Title: tx.partsHeading, Unnumbered: true},
		pdf.Paragraph{Spans: []pdf.Span{{Text: tx.fill(tx.partsLead, part), Bold: true}, {Text: tx.partsNote}}})
	t := pdf.Table{Caption: tx.parts.Caption, Columns: tx.partsColumns(), Size: 8}
	for i, pieces := range plan {
		var titles []string
		for _, p := range pieces {
			titles = append(titles, sp.partTitle(p))
		}
		t.Rows = append(t.Rows, []pdf.Cell{{Text: fmt.Sprint(i + 1), Bold: i+1 == k}, {Text: names[i]}, {Text: strings.Join(titles, "; ")}})
	}
	blocks = append(blocks, t)
	anchorPart := map[string]int{}
	for i, pieces := range plan {
		for _, p := range pieces {
			for a := range pdf.DefinedAnchors(sp.sections[p.sec].render(p.from, p.to, tx)) {
				anchorPart[a] = i + 1
			}
		}
	}
	for _, p := range plan[k-1] {
		blocks = append(blocks, sp.sections[p.sec].render(p.from, p.to, tx)...)
	}
	blocks = pdf.Retarget(blocks, pdf.DefinedAnchors(blocks), func(a string) string {
		if p, ok := anchorPart[a]; ok {
			return tx.fill(tx.inPart, map[string]any{"Part": p})
		}
		return tx.otherPart
	})
	return pdf.New(o).Add(blocks...)
}

// names returns the file names of an n-part split.
func (sp *splitter) names(n int) ([]string, error) {
	out := make([]string, n)
	for k := 1; k <= n; k++ {
		name, err := PartPDFName(sp.docName, k, n)
		if err != nil {
			return nil, err
		}
		out[k-1] = name
	}
	return out, nil
}

// size renders a plan's part k and returns its bytes.
func (sp *splitter) bytes(ctx context.Context, plan [][]piece, k int) ([]byte, pdf.Stats, error) {
	names, err := sp.names(len(plan))
	if err != nil {
		// measuring plans may be longer than any real split; name them
		// generically
		names = make([]string, len(plan))
		for i := range names {
			names[i] = fmt.Sprintf("%03d_part.pdf", i+1)
		}
	}
	b, st, err := sp.document(plan, names, k).Bytes(ctx)
	if err == nil {
		err = sp.tx.err
	}
	return b, st, err
}

// split renders the document as parts of at most limit bytes each. It
// measures the fixed cost of a part (cover, contents, fonts) and each
// section alone, packs whole sections greedily into parts, splits a
// section that fits no part between table rows, renders the parts and,
// should one still exceed the limit (the per-row estimate is
// proportional to the text), plans again with a smaller budget.
func (sp *splitter) split(ctx context.Context, limit int64) ([]pdfFile, error) {
	if len(sp.sections) == 0 {
		return nil, fmt.Errorf("the pack PDF exceeds %d bytes (eCopy EC-8) and has no sections to split it at", limit)
	}
	// fixed cost: a part with no section
	_, st, err := sp.bytes(ctx, [][]piece{nil}, 1)
	if err != nil {
		return nil, err
	}
	overhead := st.Bytes
	if overhead >= limit {
		return nil, fmt.Errorf("a pack PDF with no section is already %d bytes (fonts, cover, contents), more than the PDF size limit of %d bytes (eCopy EC-8)", overhead, limit)
	}
	est := make([]float64, len(sp.sections))
	for i, s := range sp.sections {
		_, st, err := sp.bytes(ctx, [][]piece{{{sec: i, from: 0, to: len(s.atoms)}}}, 1)
		if err != nil {
			return nil, fmt.Errorf("section %q: %w", s.title, err)
		}
		est[i] = float64(max(st.Bytes-overhead, 1))
	}
	factor := 0.95
	for attempt := 1; attempt <= maxPlanAttempts; attempt++ {
		budget := factor * float64(limit-overhead)
		plan := sp.plan(est, budget)
		names, err := sp.names(len(plan))
		if err != nil {
			return nil, err
		}
		files := make([]pdfFile, len(plan))
		var worst int64
		for k := range plan {
			b, st, err := sp.document(plan, names, k+1).Bytes(ctx)
			if err == nil {
				err = sp.tx.err
			}
			if err != nil {
				return nil, fmt.Errorf("render part %d of %d of the pack PDF: %w", k+1, len(plan), err)
			}
			files[k] = pdfFile{name: names[k], data: b, pages: st.Pages}
			if st.Bytes > limit {
				if len(plan[k]) == 1 && plan[k][0].to-plan[k][0].from == 1 {
					p := plan[k][0]
					return nil, fmt.Errorf("section %q: one block (%T) alone makes a PDF of %d bytes, more than the PDF size limit of %d bytes (eCopy EC-8)", sp.sections[p.sec].title, sp.sections[p.sec].blocks[sp.sections[p.sec].atoms[p.from].block], st.Bytes, limit)
				}
				worst = max(worst, st.Bytes)
			}
		}
		if worst == 0 {
			return files, nil
		}
		factor *= 0.97 * float64(limit-overhead) / float64(worst-overhead)
	}
	return nil, fmt.Errorf("could not split the pack PDF into parts of at most %d bytes (eCopy EC-8) in %d attempts", limit, maxPlanAttempts)
}

// plan packs sections into parts of at most budget estimated bytes:
// contiguous and greedy, whole sections where they fit, a section larger
// than a part split between its atoms.
func (sp *splitter) plan(est []float64, budget float64) [][]piece {
	var plan [][]piece
	var cur []piece
	used := 0.0
	flush := func() {
		if len(cur) > 0 {
			plan = append(plan, cur)
			cur, used = nil, 0
		}
	}
	for i, s := range sp.sections {
		if used+est[i] <= budget {
			cur = append(cur, piece{sec: i, from: 0, to: len(s.atoms)})
			used += est[i]
			continue
		}
		if est[i] <= budget {
			flush()
			cur = append(cur, piece{sec: i, from: 0, to: len(s.atoms)})
			used = est[i]
			continue
		}
		// larger than a part: fill the current part, then whole parts
		total := 0.0
		for _, a := range s.atoms {
			total += a.weight
		}
		ratio := est[i] / total
		from, acc := 0, used
		for j, a := range s.atoms {
			w := a.weight * ratio
			if acc+w > budget && (j > from || len(cur) > 0) {
				if j > from {
					cur = append(cur, piece{sec: i, from: from, to: j})
				}
				flush()
				from, acc = j, 0
			}
			acc += w
		}
		cur = append(cur, piece{sec: i, from: from, to: len(s.atoms)})
		used = acc
	}
	flush()
	return plan
}

// splitTexts is the wording of a split pack (part titles, the list of
// parts, "(continued)" marks), from templates/pack.json, parsed once per
// split. The first expansion error is kept in err, which split returns.
type splitTexts struct {
	continued, begins, partTitle, partValue, partsLead, inPart *templates.Parsed
	partLabel, partsHeading, partsNote, otherPart              string
	parts                                                      templates.Table
	err                                                        error
}

func loadSplitTexts() (*splitTexts, error) {
	t, err := templates.Pack()
	if err != nil {
		return nil, err
	}
	d := &t.Document
	var errs []error
	text := func(key string) string {
		v, err := d.Text(key)
		errs = append(errs, err)
		return v
	}
	parse := func(key string) *templates.Parsed {
		p, err := templates.Parse(text(key))
		errs = append(errs, err)
		return p
	}
	tx := &splitTexts{
		continued: parse("continued"), begins: parse("begins"), partTitle: parse("part_title"),
		partValue: parse("part_value"), partsLead: parse("parts_lead"), inPart: parse("in_part"),
		partsHeading: text("parts_heading"), partsNote: text("parts_note"), otherPart: text("other_part"),
		partLabel: d.CoverFields["part"],
	}
	if tx.partLabel == "" {
		errs = append(errs, fmt.Errorf("templates: document has no cover field %q", "part"))
	}
	tx.parts, err = d.Table("parts")
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return tx, nil
}

// fill expands a parsed text, keeping the first error.
func (tx *splitTexts) fill(p *templates.Parsed, data any) string {
	out, err := p.Expand(data)
	if err != nil && tx.err == nil {
		tx.err = err
	}
	return out
}

func (tx *splitTexts) partsColumns() []pdf.Column {
	cols := make([]pdf.Column, len(tx.parts.Columns))
	for i, c := range tx.parts.Columns {
		cols[i] = pdf.Column{Header: c.Header, Width: c.Width, Align: c.Align, Mono: c.Mono}
	}
	return cols
}
