package pdf

import (
	"bytes"
	"context"
	"errors"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/premarket/premarket/internal/pdftest"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
)

// A document with internal and external links, a table of contents and
// nested bookmarks passes pdfcpu's strict validation; its link
// annotations are indirect objects and it has no /EmbeddedFiles tree.
func TestStrictValidation(t *testing.T) {
	b, _ := render(t, sampleDoc(30))
	if err := api.Validate(bytes.NewReader(b), pdftest.Conf()); err != nil {
		t.Fatalf("strict validation: %v", err)
	}
	if bytes.Contains(b, []byte("/Annots [<<")) || !regexp.MustCompile(`/Annots \[\d+ 0 R`).Match(b) {
		t.Errorf("link annotations are not indirect objects")
	}
	if n := bytes.Count(b, []byte("/Subtype /Link")); n < 10 {
		t.Errorf("%d link annotations, want the TOC and body links", n)
	}
	if bytes.Contains(b, []byte("/EmbeddedFiles")) || bytes.Contains(b, []byte("/Names")) {
		t.Errorf("PDF still has a name tree / EmbeddedFiles")
	}
	for _, m := range regexp.MustCompile(`/Rect \[([-0-9.]+) ([-0-9.]+) ([-0-9.]+) ([-0-9.]+)\]`).FindAllSubmatch(b, -1) {
		if string(m[2]) > string(m[4]) && len(m[2]) == len(m[4]) {
			t.Errorf("annotation rectangle %s not normalised", m[0])
			break
		}
	}
	if p := producer(t, b); p != "premarket (go-pdf/fpdf)" {
		t.Errorf("producer %q", p)
	}
	o := testOptions()
	o.Producer = "premarket 9.9 (go-pdf/fpdf)"
	c, _ := render(t, New(o).Paragraph("x"))
	if p := producer(t, c); p != o.Producer {
		t.Errorf("producer %q, want Options.Producer %q", p, o.Producer)
	}
}

func producer(t *testing.T, b []byte) string {
	t.Helper()
	ctx, err := api.ReadAndValidate(bytes.NewReader(b), pdftest.Conf())
	if err != nil {
		t.Fatal(err)
	}
	return ctx.Producer
}

// finish refuses input it cannot rewrite exactly rather than emit a
// corrupt file.
func TestFinishRejectsGarbage(t *testing.T) {
	for _, in := range []string{"", "%PDF-1.4\n", "%PDF-1.4\nstartxref\n999999\n%%EOF\n", "%PDF-1.4\nstartxref\n3\n%%EOF\n"} {
		if _, err := finish([]byte(in), nil); err == nil {
			t.Errorf("finish(%q) accepted", in)
		}
	}
}

func flatten(bms []pdfcpu.Bookmark, depth int, out *[]string) {
	for _, b := range bms {
		*out = append(*out, strings.Repeat("  ", depth)+b.Title)
		flatten(b.Kids, depth+1, out)
	}
}

func TestSampleDocument(t *testing.T) {
	b, st := render(t, sampleDoc(120))
	if os.Getenv("PDF_SAMPLE_OUT") != "" {
		_ = os.WriteFile(os.Getenv("PDF_SAMPLE_OUT"), b, 0o644)
	}
	if st.Bytes != int64(len(b)) || st.Passes != 2 {
		t.Errorf("stats %+v, len %d", st, len(b))
	}
	if err := api.Validate(bytes.NewReader(b), pdftest.Conf()); err != nil {
		t.Fatalf("pdfcpu validation: %v", err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-1.4")) {
		t.Errorf("header %q, want %%PDF-1.4", b[:8])
	}
	for _, want := range []string{"/FontFile2", "/PageMode /UseOutlines", "/Lang (en-US)", "/Outlines"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("PDF lacks %s", want)
		}
	}
	for _, bad := range []string{"/Encrypt", "/EmbeddedFile ", "/Filespec", "/JavaScript"} {
		if bytes.Contains(b, []byte(bad)) {
			t.Errorf("PDF contains %s", bad)
		}
	}
	ctx, err := api.ReadContext(bytes.NewReader(b), pdftest.Conf())
	if err != nil {
		t.Fatal(err)
	}
	if err := ctx.EnsurePageCount(); err != nil {
		t.Fatal(err)
	}
	if ctx.PageCount != st.Pages {
		t.Errorf("pdfcpu sees %d pages, stats say %d", ctx.PageCount, st.Pages)
	}
	dims, err := ctx.PageDims()
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range dims {
		if d.Width != 612 || d.Height != 792 {
			t.Errorf("page %d is %vx%v, want 612x792", i+1, d.Width, d.Height)
		}
	}
	for _, want := range []string{"Cybersecurity Evidence Pack", "Example Medical Inc."} {
		if !bytes.Contains(b, utf16be(want)) {
			t.Errorf("document properties lack %q", want)
		}
	}

	bms, err := api.Bookmarks(bytes.NewReader(b), pdftest.Conf())
	if err != nil {
		t.Fatalf("bookmarks: %v", err)
	}
	var outline []string
	flatten(bms, 0, &outline)
	got := strings.Join(outline, "\n")
	for _, want := range []string{"Cybersecurity Evidence Pack", "Contents", "1 Statement", "  Status legend",
		"2 Components", "  2.1 Component table", "    Software components", "4 Architecture", "    4.1.1 Notes", "5 Document control"} {
		if !strings.Contains(got, want) {
			t.Errorf("outline lacks %q:\n%s", want, got)
		}
	}

	pages := pdftest.PageTexts(t, b)
	all := strings.Join(pages, "\n")
	for _, want := range []string{"libxml2 — ünïcødé\n119\n", "EHR — ünïcødé", "Unacceptable", "Pre-mitigation", "Pump (device boundary)"} {
		if !strings.Contains(all, want) {
			t.Errorf("text %q not found", want)
		}
	}
	n := len(pages)
	for i, p := range pages {
		want := "Page " + strconv.Itoa(i+1) + " of " + strconv.Itoa(n)
		if !strings.Contains(p, want) {
			t.Errorf("page %d lacks footer %q", i+1, want)
		}
		if !strings.Contains(p, "InfuPump X — ünïcødé v2.4.1") {
			t.Errorf("page %d lacks the device header", i+1)
		}
	}
	// the component table spans 3+ pages and repeats its header row
	tablePages := 0
	for _, p := range pages {
		if strings.Contains(p, "libxml2 — ünïcødé") {
			tablePages++
			if !strings.Contains(p, "SHA-256") {
				t.Errorf("a table page lacks the repeated header row")
			}
		}
	}
	if tablePages < 3 {
		t.Errorf("component table spans %d pages, want >= 3", tablePages)
	}
	// the table of contents (page 2) shows the real page numbers
	toc := pages[1]
	if !strings.Contains(toc, "2 Components") {
		t.Fatalf("TOC page text:\n%s", toc)
	}
	compPage := -1
	for i, p := range pages {
		if strings.Contains(p, "2 Components") && i != 1 {
			compPage = i + 1
			break
		}
	}
	if !regexp.MustCompile(`(?m)^` + strconv.Itoa(compPage) + `$`).MatchString(toc) {
		t.Errorf("TOC lacks page number %d of section 2:\n%s", compPage, toc)
	}
	// long unbreakable strings are broken, never lost
	if !strings.Contains(all, "0123456789abcdef0123456789abcdef") {
		t.Errorf("hash text missing")
	}
}

func TestDeterministic(t *testing.T) {
	a, _ := render(t, sampleDoc(60))
	b, _ := render(t, sampleDoc(60))
	if !bytes.Equal(a, b) {
		t.Fatalf("two renders differ (%d vs %d bytes)", len(a), len(b))
	}
	if !bytes.Contains(a, []byte("/CreationDate (D:20260301120000)")) {
		t.Errorf("creation date not taken from Options.Created")
	}
	o := testOptions()
	o.Created = testTime.AddDate(0, 0, 1)
	c, _ := render(t, New(o).Paragraph("x"))
	d := New(testOptions()).Paragraph("x")
	e, _ := render(t, d)
	if bytes.Equal(c, e) {
		t.Errorf("different Created dates gave identical output")
	}
}

func TestOptionsChecked(t *testing.T) {
	o := testOptions()
	o.Created = testTime.AddDate(-100, 0, 0)
	o.Created = o.Created.AddDate(0, 0, 0)
	var zero Options
	if _, _, err := New(zero).Bytes(context.Background()); err == nil || !strings.Contains(err.Error(), "Created") {
		t.Errorf("zero Created accepted: %v", err)
	}
	o = testOptions()
	o.FooterFormat = "Page %d"
	if _, _, err := New(o).Bytes(context.Background()); err == nil {
		t.Errorf("footer format with one verb accepted")
	}
}

func TestBadInputs(t *testing.T) {
	cases := map[string]Block{
		"unknown anchor":  Paragraph{Spans: []Span{{Text: "x", Anchor: "nowhere"}}},
		"too many cells":  Table{Columns: []Column{{Header: "a"}}, Rows: [][]Cell{Row("1", "2")}},
		"grid shape":      Grid{RowLabels: []string{"a"}, ColLabels: []string{"x"}, Cells: [][]GridCell{{}}},
		"negative bar":    BarChart{Bars: []Bar{{Label: "x", Before: -1}}},
		"unknown group":   Diagram{Nodes: []DiagramNode{{ID: "a", Group: "g"}}},
		"edge to nowhere": Diagram{Nodes: []DiagramNode{{ID: "a"}}, Edges: []DiagramEdge{{From: "a", To: "b"}}},
		"heading level":   Heading{Level: 4, Title: "x"},
	}
	for name, blk := range cases {
		_, _, err := New(testOptions()).Add(blk).Bytes(context.Background())
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	d := New(testOptions()).H1("a", "x").H2("b", "x")
	if _, _, err := d.Bytes(context.Background()); err == nil || !strings.Contains(err.Error(), `anchor "x"`) {
		t.Errorf("duplicate anchor: %v", err)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := sampleDoc(10).Bytes(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled render: %v", err)
	}
}

// A row taller than a page is split across pages instead of overflowing.
func TestTallRowSplits(t *testing.T) {
	long := strings.Repeat("word ", 2500)
	d := New(testOptions()).Add(Table{Columns: []Column{{Header: "K", Width: 1}, {Header: "V", Width: 4}},
		Rows: [][]Cell{Row("a", long), Row("end", "last row")}})
	b, st := render(t, d)
	if st.Pages < 2 {
		t.Fatalf("tall row fits in %d page(s)?", st.Pages)
	}
	if err := api.Validate(bytes.NewReader(b), pdftest.Conf()); err != nil {
		t.Fatal(err)
	}
	pages := pdftest.PageTexts(t, b)
	if got := strings.Count(strings.Join(pages, ""), "word"); got != 2500 {
		t.Errorf("%d words drawn, want 2500", got)
	}
	if !strings.Contains(pages[len(pages)-1], "last row") {
		t.Errorf("last row not on last page")
	}
}

func TestCustomFont(t *testing.T) {
	if _, err := parseTTF([]byte("OTTO0000000000000000")); err == nil || !strings.Contains(err.Error(), "CFF") {
		t.Errorf("CFF font: %v", err)
	}
	if _, err := parseTTF([]byte("not a font at all")); err == nil {
		t.Errorf("garbage accepted")
	}
	dir := t.TempDir()
	p := dir + "/bad.ttf"
	_ = os.WriteFile(p, []byte("\x00\x01\x00\x00garbage-garbage"), 0o644)
	if _, err := LoadFontFile(p); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("LoadFontFile error should name the file: %v", err)
	}
	// a caller-supplied regular face is used for every text style
	o := testOptions()
	o.Fonts.Regular = mustGoMono(t)
	b, _ := render(t, New(o).H1("Title", "").Paragraph("body"))
	if err := api.Validate(bytes.NewReader(b), pdftest.Conf()); err != nil {
		t.Fatal(err)
	}
}

func utf16be(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return b
}
