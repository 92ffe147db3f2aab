package pdf

import (
	"strconv"
	"strings"
)

// This file holds what a caller needs to cut one document into several
// (eCopy EC-8 limits each PDF to 50 MB): the options and blocks of a
// document, headings with their section numbers fixed, the anchors blocks
// define and the rewriting of links whose target went to another document.

// Options returns the document's options.
func (d *Document) Options() Options { return d.opts }

// NumberedBlocks returns the blocks with every numbered heading's number
// written into its title and the heading marked Unnumbered, so that a
// subset of the blocks rendered as a document of its own keeps the
// numbers the headings have in the whole document (section 9 stays 9 in
// a second part). Without Options.NumberHeadings it returns Blocks().
func (d *Document) NumberedBlocks() []Block {
	out := d.Blocks()
	if !d.opts.NumberHeadings {
		return out
	}
	var counters [3]int
	for i, b := range out {
		h, ok := b.(Heading)
		if !ok || h.Unnumbered || h.Level < 1 || h.Level > 3 {
			continue
		}
		counters[h.Level-1]++
		for l := h.Level; l < 3; l++ {
			counters[l] = 0
		}
		parts := make([]string, h.Level)
		for l := 0; l < h.Level; l++ {
			parts[l] = strconv.Itoa(counters[l])
		}
		h.Title = strings.Join(parts, ".") + " " + h.Title
		h.Unnumbered = true
		out[i] = h
	}
	return out
}

// DefinedAnchors returns the link targets the blocks define: heading and
// target anchors and table row anchors.
func DefinedAnchors(blocks []Block) map[string]bool {
	out := map[string]bool{}
	for _, b := range blocks {
		switch b := b.(type) {
		case Heading:
			if b.Anchor != "" {
				out[b.Anchor] = true
			}
		case Target:
			out[b.Anchor] = true
		case Table:
			for _, a := range b.RowAnchors {
				if a != "" {
					out[a] = true
				}
			}
		}
	}
	return out
}

// Retarget rewrites the links of blocks whose anchor is not in defined
// (its target went to another document): a paragraph span or table cell
// loses its internal link and keeps its text, and a page-reference cell
// (Cell.PageOf) shows elsewhere(anchor) instead of a page number (e.g.
// "part 2"). Blocks are copied where they change; the input is not
// modified.
func Retarget(blocks []Block, defined map[string]bool, elsewhere func(anchor string) string) []Block {
	out := make([]Block, len(blocks))
	for i, b := range blocks {
		switch b := b.(type) {
		case Paragraph:
			var spans []Span
			for j, s := range b.Spans {
				if s.Anchor != "" && !defined[s.Anchor] {
					if spans == nil {
						spans = append([]Span(nil), b.Spans...)
					}
					spans[j].Anchor = ""
				}
			}
			if spans != nil {
				b.Spans = spans
			}
			out[i] = b
		case Table:
			var rows [][]Cell
			for r, row := range b.Rows {
				for c, cell := range row {
					moved := (cell.Anchor != "" && !defined[cell.Anchor]) || (cell.PageOf != "" && !defined[cell.PageOf])
					if !moved {
						continue
					}
					if rows == nil {
						rows = append([][]Cell(nil), b.Rows...)
					}
					if &rows[r][0] == &b.Rows[r][0] {
						rows[r] = append([]Cell(nil), row...)
					}
					nc := &rows[r][c]
					if nc.Anchor != "" && !defined[nc.Anchor] {
						nc.Anchor = ""
					}
					if nc.PageOf != "" && !defined[nc.PageOf] {
						nc.Text = elsewhere(nc.PageOf)
						nc.PageOf = ""
					}
				}
			}
			if rows != nil {
				b.Rows = rows
			}
			out[i] = b
		default:
			out[i] = b
		}
	}
	return out
}
