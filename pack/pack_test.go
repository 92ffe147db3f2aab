package pack

import (
	"archive/zip"
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/premarket/premarket/internal/pdftest"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"

	"github.com/premarket/premarket/internal/testfixtures"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// testTime is the SOURCE_DATE_EPOCH 1767225600 (2026-01-01).
var testTime = time.Unix(1767225600, 0).UTC()

func buildPack(t testing.TB, projectDir, out string) (*Evidence, *Result) {
	t.Helper()
	prof, err := ParseProfile("")
	if err != nil {
		t.Fatal(err)
	}
	e, err := Collect(context.Background(), Options{ProjectDir: projectDir, Profile: prof, Time: testTime, ToolVersion: "test"})
	if err != nil {
		t.Fatalf("collect: %v", err)
	}
	res, err := Build(context.Background(), e, out)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return e, res
}

func flatten(bms []pdfcpu.Bookmark, out *[]string) {
	for _, b := range bms {
		*out = append(*out, b.Title)
		flatten(b.Kids, out)
	}
}

// TestExamplePack reads the example's pack back with pdfcpu.
func TestExamplePack(t *testing.T) {
	root := testfixtures.Root(t)
	out := filepath.Join(t.TempDir(), "evidence")
	e, res := buildPack(t, filepath.Join(root, "examples", "infusion-pump"), out)
	b, err := os.ReadFile(res.PDF)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(res.PDF) != "001_InsuLink Cybersecurity Evidence Pack.pdf" {
		t.Errorf("PDF name %q", filepath.Base(res.PDF))
	}
	if err := api.Validate(bytes.NewReader(b), pdftest.Conf()); err != nil {
		t.Fatalf("pdfcpu validation: %v", err)
	}
	// fonts embedded, not encrypted, no embedded files (EC-6, EC-7, PS-4)
	for _, want := range []string{"/FontFile2", "/Outlines", "/Annots", "/Link"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("PDF lacks %s", want)
		}
	}
	// no file specification, embedded-file stream or name tree (the pdf
	// engine strips the empty /EmbeddedFiles tree fpdf writes)
	for _, bad := range []string{"/Encrypt", "/EmbeddedFiles", "/Type /EmbeddedFile", "/Filespec", "/JavaScript"} {
		if bytes.Contains(b, []byte(bad)) {
			t.Errorf("PDF contains %s", bad)
		}
	}
	ctx, err := api.ReadContext(bytes.NewReader(b), pdftest.Conf())
	if err != nil {
		t.Fatal(err)
	}
	if ctx.Encrypt != nil {
		t.Error("pdfcpu sees an encrypted PDF")
	}
	bms, err := api.Bookmarks(bytes.NewReader(b), pdftest.Conf())
	if err != nil {
		t.Fatalf("bookmarks: %v", err)
	}
	var outline []string
	flatten(bms, &outline)
	bmText := strings.Join(outline, "\n")
	pages := pdftest.PageTexts(t, b)
	all := unwrap(strings.Join(pages, "\n"))
	titles, err := SectionTitles()
	if err != nil {
		t.Fatal(err)
	}
	for i, title := range titles {
		if !strings.Contains(all, title) {
			t.Errorf("section %q not in the text", title)
		}
		if !strings.Contains(bmText, title) {
			t.Errorf("section %q has no bookmark (#%d)", title, i)
		}
	}
	for _, want := range []string{"InsuLink", "T-01", "T-20", "DOC-19", "LBL-14", "CMP-9", "TST-4", "PT-5",
		"No vulnerability data supplied", "CVE-2099-0001", "Burp Suite Professional", "2026.6.2", "Not provided"} {
		if !strings.Contains(all, want) {
			t.Errorf("text %q not found", want)
		}
	}
	// A component from the last page of the component table: the last
	// page that repeats the table's header before the support section.
	last := e.SBOM.Components[len(e.SBOM.Components)-1].Name
	lastTablePage := -1
	for i, p := range pages {
		if strings.Contains(p, "PURL / CPE") {
			lastTablePage = i
		}
	}
	if lastTablePage < 0 || !strings.Contains(unwrap(pages[lastTablePage]), last+"\n") {
		t.Errorf("component %q not on the last page of the component table (page %d)", last, lastTablePage+1)
	}
	n := len(pages)
	for i, p := range pages {
		if !strings.Contains(p, "Page "+itoa(i+1)+" of "+itoa(n)) {
			t.Errorf("page %d lacks its footer", i+1)
		}
		if !strings.Contains(p, "InsuLink ILP-2 v2.1.0") {
			t.Errorf("page %d lacks the device header", i+1)
		}
	}
	// the TOC shows real page numbers, not the first pass's zeros
	if !regexp.MustCompile(`Documentation checklist\n[1-9]`).MatchString(pages[1]) {
		t.Errorf("table of contents lacks page numbers:\n%s", pages[1][:min(400, len(pages[1]))])
	}
	if strings.Contains(all, "p. 0\n") || strings.Contains(all, "p. ?") {
		t.Error("an unresolved page reference is printed")
	}

	// The zip holds the machine-readable files (EC-9) ...
	zr, err := zip.OpenReader(res.Zip)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if !f.Modified.Equal(testTime) {
			t.Errorf("zip entry %s modified %v, want %v", f.Name, f.Modified, testTime)
		}
	}
	want := []string{"check-results/sbom-check.json", "check-results/threatmodel-check.json", "check-results/trace.json",
		"sbom/insulink-pump-fw-2.1.0.cdx.json", "threatmodel/threatmodel.yaml"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("zip entries %v, want %v", names, want)
	}
	if filepath.Base(filepath.Dir(res.Zip)) != "MISC FILES" {
		t.Errorf("zip not in MISC FILES: %s", res.Zip)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// unwrap joins lines the layout wrapped: after a hyphen, and between
// words of a sentence (a line break becomes a space).
func unwrap(s string) string {
	s = strings.ReplaceAll(s, "-\n", "-")
	return strings.ReplaceAll(s, "\n", " ") + "\n" + s
}

// TestReproducible builds the example twice: PDF, zip and manifest are
// byte-identical.
func TestReproducible(t *testing.T) {
	root := testfixtures.Root(t)
	dir := filepath.Join(root, "examples", "infusion-pump")
	tmp := t.TempDir()
	_, a := buildPack(t, dir, filepath.Join(tmp, "a"))
	_, b := buildPack(t, dir, filepath.Join(tmp, "b"))
	for _, pair := range [][2]string{{a.PDF, b.PDF}, {a.Zip, b.Zip}, {a.Manifest, b.Manifest}} {
		x, err := os.ReadFile(pair[0])
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(pair[1])
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs", filepath.Base(pair[0]))
		}
	}
	// a different timestamp changes the pack: the time really is used
	prof, _ := ParseProfile("")
	e, err := Collect(context.Background(), Options{ProjectDir: dir, Profile: prof, Time: testTime.Add(24 * time.Hour), ToolVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := Build(context.Background(), e, filepath.Join(tmp, "c"))
	if err != nil {
		t.Fatal(err)
	}
	x, _ := os.ReadFile(a.Manifest)
	y, _ := os.ReadFile(c.Manifest)
	if bytes.Equal(x, y) {
		t.Error("manifests of packs with different timestamps are identical")
	}
}

// TestGoldenManifest pins manifest.json of the gaps project. Run
// go test ./pack -run TestGoldenManifest -update after an intended change
// of the PDF or zip (their hashes are in the manifest).
func TestGoldenManifest(t *testing.T) {
	_, res := buildPack(t, filepath.Join("testdata", "gaps"), filepath.Join(t.TempDir(), "out"))
	got, err := os.ReadFile(res.Manifest)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "golden", "gaps-manifest.json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("manifest.json differs from %s (run with -update after an intended change):\n%s", golden, got)
	}
}

// TestMissingInputs: a project without threat model, components.yaml and
// most items renders with each gap marked.
func TestMissingInputs(t *testing.T) {
	e, res := buildPack(t, filepath.Join("testdata", "gaps"), filepath.Join(t.TempDir(), "out"))
	ids := map[string]bool{}
	for _, g := range e.Gaps {
		ids[g.ID] = true
	}
	for _, id := range []string{"DOC-02", "DOC-07", "DOC-12", "LBL-2", "LBL-14", "CMP-9", "TST-4", "PT-1"} {
		if !ids[id] {
			t.Errorf("gap %s not reported; gaps: %v", id, e.Gaps)
		}
	}
	for _, id := range []string{"LBL-1", "CMP-1", "TST-1"} {
		if ids[id] {
			t.Errorf("%s is listed in premarket.yaml but reported as a gap", id)
		}
	}
	b, err := os.ReadFile(res.PDF)
	if err != nil {
		t.Fatal(err)
	}
	if err := api.Validate(bytes.NewReader(b), pdftest.Conf()); err != nil {
		t.Fatalf("pdfcpu validation: %v", err)
	}
	all := unwrap(strings.Join(pdftest.PageTexts(t, b), "\n"))
	for _, want := range []string{"Threat model: threat model threatmodel.yaml not found",
		"Support data file (components.yaml): not provided", "Not provided: not listed in premarket.yaml", "GapMeter", "busybox"} {
		if !strings.Contains(all, want) {
			t.Errorf("gap mark %q not in the PDF", want)
		}
	}
	if e.Failed() != true {
		t.Error("SBOM without support data should fail the fda profile")
	}
	// no threat model: the zip has the SBOM and its check results only
	zr, err := zip.OpenReader(res.Zip)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if len(zr.File) != 2 {
		var n []string
		for _, f := range zr.File {
			n = append(n, f.Name)
		}
		t.Errorf("zip entries %v, want the SBOM and its check results", n)
	}
}

func TestPDFName(t *testing.T) {
	if n, err := PDFName("InsuLink Cybersecurity Evidence Pack"); err != nil || n != "001_InsuLink Cybersecurity Evidence Pack.pdf" {
		t.Errorf("PDFName = %q, %v", n, err)
	}
	for _, bad := range []string{"Pack: v2", "Pack (v2)", "Pack #2", "Évidence", "a/b"} {
		_, err := PDFName(bad)
		if err == nil {
			t.Errorf("PDFName(%q) accepted", bad)
			continue
		}
		if !strings.Contains(err.Error(), "submission.documentName") || !strings.Contains(err.Error(), "EC-") {
			t.Errorf("PDFName(%q): unclear error %v", bad, err)
		}
	}
}

// TestNoHalfWrittenOutput: a folder that is not a pack is never replaced,
// and a failed build leaves no temporary folder behind.
func TestNoHalfWrittenOutput(t *testing.T) {
	prof, _ := ParseProfile("")
	e, err := Collect(context.Background(), Options{ProjectDir: filepath.Join("testdata", "gaps"), Profile: prof, Time: testTime, ToolVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	out := filepath.Join(tmp, "out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "keep.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(context.Background(), e, out); err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Fatalf("Build over a non-pack folder: %v", err)
	}
	e.Options.FontFile = filepath.Join(tmp, "missing.ttf")
	if _, err := Build(context.Background(), e, filepath.Join(tmp, "new")); err == nil {
		t.Fatal("Build with a missing font succeeded")
	}
	ents, _ := os.ReadDir(tmp)
	for _, en := range ents {
		if en.Name() != "out" {
			t.Errorf("left behind: %s", en.Name())
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e.Options.FontFile = ""
	if _, err := Build(ctx, e, filepath.Join(tmp, "cancelled")); err == nil {
		t.Fatal("Build with a cancelled context succeeded")
	}
	if _, err := os.Stat(filepath.Join(tmp, "cancelled")); err == nil {
		t.Error("a cancelled build left its output folder")
	}
}
