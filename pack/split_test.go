package pack

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"

	"github.com/premarket/premarket/internal/pdftest"
	"github.com/premarket/premarket/pack/ecopy"
)

// buildSplit builds a project with a PDF size limit (0: the default).
func buildSplit(t *testing.T, dir, out string, limit int64) (*Evidence, *Result) {
	t.Helper()
	prof, err := ParseProfile("")
	if err != nil {
		t.Fatal(err)
	}
	e, err := Collect(context.Background(), Options{ProjectDir: dir, Profile: prof, Time: testTime, ToolVersion: "test", MaxPDFBytes: limit})
	if err != nil {
		t.Fatalf("collect: %v", err)
	}
	res, err := Build(context.Background(), e, out)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return e, res
}

// TestSplitPDF: a pack PDF over the size limit (EC-8) becomes numbered
// parts, each a valid PDF within the limit with its own cover, contents,
// bookmarks and page numbers; together they hold every section and the
// last component row; the split is reproducible and the manifest lists
// every part.
func TestSplitPDF(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	const limit = 400_000
	dir := t.TempDir()
	proj := filepath.Join(dir, "p")
	genProject(t, proj, 1500, 10, 150)

	_, whole := buildSplit(t, proj, filepath.Join(dir, "whole"), 0)
	if len(whole.PDFs) != 1 || whole.PDFBytes <= limit {
		t.Fatalf("the project should give one PDF over %d bytes by default: %d PDFs, %d bytes", limit, len(whole.PDFs), whole.PDFBytes)
	}
	e, res := buildSplit(t, proj, filepath.Join(dir, "a"), limit)
	n := len(res.PDFs)
	t.Logf("%d bytes in one PDF -> %d parts, %d bytes, %d pages", whole.PDFBytes, n, res.PDFBytes, res.Pages)
	if n < 3 {
		t.Fatalf("%d parts for a %d-byte PDF and a %d-byte limit", n, whole.PDFBytes, limit)
	}
	if res.PDF != res.PDFs[0] {
		t.Errorf("Result.PDF %q is not the first part %q", res.PDF, res.PDFs[0])
	}
	var names []string
	var texts []string
	var bookmarks []string
	for i, p := range res.PDFs {
		name := filepath.Base(p)
		names = append(names, name)
		want, err := PartPDFName("BigDevice Evidence Pack", i+1, n)
		if err != nil || name != want {
			t.Errorf("part %d named %q, want %q (%v)", i+1, name, want, err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d bytes", name, len(b))
		if len(b) > limit {
			t.Errorf("%s is %d bytes, over the %d-byte limit", name, len(b), limit)
		}
		if !bytes.HasPrefix(b, []byte("%PDF-1.4")) {
			t.Errorf("%s: header %q", name, b[:8])
		}
		if err := api.Validate(bytes.NewReader(b), pdftest.Conf()); err != nil {
			t.Errorf("%s: strict pdfcpu validation: %v", name, err)
			continue
		}
		pages := pdftest.PageTexts(t, b)
		for j, pg := range pages {
			if !strings.Contains(pg, "Page "+itoa(j+1)+" of "+itoa(len(pages))) {
				t.Errorf("%s page %d lacks its footer", name, j+1)
			}
			if !strings.Contains(pg, "BigDevice BD-1 v1.0.0") {
				t.Errorf("%s page %d lacks the device header", name, j+1)
			}
		}
		all := unwrap(strings.Join(pages, "\n"))
		for _, want := range []string{"Part " + itoa(i+1) + " of " + itoa(n) + " of the BigDevice Evidence Pack", "Parts of this document"} {
			if !strings.Contains(all, want) {
				t.Errorf("%s lacks %q", name, want)
			}
		}
		for _, other := range res.PDFs {
			if !strings.Contains(all, filepath.Base(other)) {
				t.Errorf("%s does not list part %s", name, filepath.Base(other))
			}
		}
		if !strings.Contains(pages[1], "Contents") {
			t.Errorf("%s: page 2 is not a table of contents", name)
		}
		bms, err := api.Bookmarks(bytes.NewReader(b), pdftest.Conf())
		if err != nil || len(bms) == 0 {
			t.Errorf("%s: no bookmarks (%v)", name, err)
		}
		var outline []string
		flatten(bms, &outline)
		bookmarks = append(bookmarks, outline...)
		texts = append(texts, all)
	}
	if errs := ecopy.CheckLayout(names); len(errs) > 0 {
		t.Errorf("part names break eCopy rules: %v", errs)
	}
	titles, err := SectionTitles()
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(texts, "\n")
	bm := strings.Join(bookmarks, "\n")
	for _, title := range titles {
		if !strings.Contains(joined, title) {
			t.Errorf("section %q in no part", title)
		}
		if !strings.Contains(bm, title) {
			t.Errorf("section %q has no bookmark in any part", title)
		}
	}
	// page references to sections in other parts name the part
	if !regexp.MustCompile(`\bpart [2-9]\b`).MatchString(texts[0]) {
		t.Error("part 1 refers to no section of a later part by its part number")
	}
	if strings.Contains(joined, "p. ?") || strings.Contains(joined, "p. 0\n") {
		t.Error("an unresolved page reference is printed")
	}
	if !strings.Contains(joined, "(continued)") {
		t.Error("no section or table was continued across parts; the test project should need a row split")
	}
	// the last row of the component table is in a later part than the
	// first rows, and the table's caption is repeated there
	last := e.SBOM.Components[len(e.SBOM.Components)-1].Name
	first := e.SBOM.Components[0].Name
	lastIn, firstIn := -1, -1
	for i, tx := range texts {
		if strings.Contains(tx, last+"\n") {
			lastIn = i
		}
		if firstIn < 0 && strings.Contains(tx, first+"\n") {
			firstIn = i
		}
	}
	if lastIn < 0 || lastIn <= firstIn {
		t.Errorf("component %q in part %d, first component %q in part %d", last, lastIn+1, first, firstIn+1)
	}
	// the manifest lists every part with its hash
	mb, err := os.ReadFile(res.Manifest)
	if err != nil {
		t.Fatal(err)
	}
	var man Manifest
	if err := json.Unmarshal(mb, &man); err != nil {
		t.Fatal(err)
	}
	listed := map[string]string{}
	for _, o := range man.Outputs {
		listed[o.Path] = o.SHA256
	}
	for _, p := range res.PDFs {
		b, _ := os.ReadFile(p)
		if listed[filepath.Base(p)] != sum(b) {
			t.Errorf("manifest entry of %s: %q, want %s", filepath.Base(p), listed[filepath.Base(p)], sum(b))
		}
	}
	if man.Pages != res.Pages {
		t.Errorf("manifest pages %d, result %d", man.Pages, res.Pages)
	}
	// reproducible
	_, again := buildSplit(t, proj, filepath.Join(dir, "b"), limit)
	if len(again.PDFs) != n {
		t.Fatalf("second build: %d parts, first %d", len(again.PDFs), n)
	}
	for i := range res.PDFs {
		x, _ := os.ReadFile(res.PDFs[i])
		y, _ := os.ReadFile(again.PDFs[i])
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two builds", filepath.Base(res.PDFs[i]))
		}
	}
	x, _ := os.ReadFile(res.Manifest)
	y, _ := os.ReadFile(again.Manifest)
	if !bytes.Equal(x, y) {
		t.Error("manifest differs between two builds")
	}
}

// TestSplitLimitTooSmall: a limit below the size of an empty part is an
// error naming EC-8, not an endless split.
func TestSplitLimitTooSmall(t *testing.T) {
	prof, _ := ParseProfile("")
	e, err := Collect(context.Background(), Options{ProjectDir: filepath.Join("testdata", "gaps"), Profile: prof, Time: testTime, ToolVersion: "test", MaxPDFBytes: 10_000})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Build(context.Background(), e, filepath.Join(t.TempDir(), "out"))
	if err == nil || !strings.Contains(err.Error(), "EC-8") {
		t.Fatalf("Build with a 10 kB limit: %v", err)
	}
}

func TestPartPDFName(t *testing.T) {
	n, err := PartPDFName("InsuLink Cybersecurity Evidence Pack", 2, 3)
	if err != nil || n != "002_InsuLink Cybersecurity Evidence Pack Part 2 of 3.pdf" {
		t.Errorf("PartPDFName = %q, %v", n, err)
	}
	if _, err := PartPDFName(strings.Repeat("x", 110), 1, 2); err == nil {
		t.Error("a part name over 125 characters accepted")
	}
	if _, err := PartPDFName("Pack", 4, 3); err == nil {
		t.Error("part 4 of 3 accepted")
	}
}
