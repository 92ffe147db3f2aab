package pdf

import (
	"testing"
	"time"
)

func TestNumberedBlocksAndRetarget(t *testing.T) {
	d := New(Options{Created: time.Unix(0, 0), NumberHeadings: true})
	d.H1("One", "a").H2("Sub", "").H1("Two", "b")
	d.Add(Table{Columns: []Column{{Header: "X"}}, Rows: [][]Cell{{{Text: "p. ", PageOf: "a"}}, {{Text: "go", Anchor: "b"}}}})
	d.Add(Paragraph{Spans: []Span{{Text: "see", Anchor: "a"}}})
	bl := d.NumberedBlocks()
	for i, want := range map[int]string{0: "1 One", 1: "1.1 Sub", 2: "2 Two"} {
		if h := bl[i].(Heading); h.Title != want || !h.Unnumbered {
			t.Errorf("block %d: %+v, want title %q unnumbered", i, h, want)
		}
	}
	if h := d.Blocks()[0].(Heading); h.Title != "One" {
		t.Errorf("NumberedBlocks changed the document: %+v", h)
	}
	part := bl[2:]
	def := DefinedAnchors(part)
	if !def["b"] || def["a"] {
		t.Fatalf("DefinedAnchors = %v", def)
	}
	out := Retarget(part, def, func(a string) string { return "part 1" })
	tb := out[1].(Table)
	if c := tb.Rows[0][0]; c.PageOf != "" || c.Text != "part 1" {
		t.Errorf("page reference to another part: %+v", c)
	}
	if c := tb.Rows[1][0]; c.Anchor != "b" {
		t.Errorf("link within the part lost: %+v", c)
	}
	if sp := out[2].(Paragraph).Spans[0]; sp.Anchor != "" || sp.Text != "see" {
		t.Errorf("span linking to another part: %+v", sp)
	}
	if part[1].(Table).Rows[0][0].PageOf != "a" || part[2].(Paragraph).Spans[0].Anchor != "a" {
		t.Error("Retarget modified its input")
	}
	// the retargeted part renders (no link to an unknown anchor)
	if _, _, err := New(Options{Created: time.Unix(1, 0)}).Add(out...).Bytes(t.Context()); err != nil {
		t.Fatal(err)
	}
}
