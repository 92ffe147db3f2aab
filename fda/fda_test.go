package fda

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/premarket/premarket/internal/testfixtures"
)

func mustDefault(t testing.TB) *Catalog {
	t.Helper()
	c, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return c
}

func TestDefaultIsNewestEdition(t *testing.T) {
	c := mustDefault(t)
	if c.Edition != "G-2026" || c.Issued != "2026-02-03" {
		t.Fatalf("Default edition = %s (%s), want G-2026 (2026-02-03)", c.Edition, c.Issued)
	}
	for _, key := range []string{"G-2023", "G-2025", "G-2026"} {
		if _, ok := c.EditionInfo(key); !ok {
			t.Errorf("edition history lacks %s", key)
		}
	}
	if e, _ := c.EditionInfo("G-2025"); e.SupersededBy != "G-2026" {
		t.Errorf("G-2025 supersededBy = %q", e.SupersededBy)
	}
}

func TestLoadUnknownEdition(t *testing.T) {
	for _, key := range []string{"G-2025", "", "../data/G-2026", "G-2026/x"} {
		_, err := Load(key)
		if !errors.Is(err, ErrUnknownEdition) {
			t.Errorf("Load(%q) error = %v, want ErrUnknownEdition", key, err)
		}
	}
}

func TestLoadReturnsIndependentCatalogs(t *testing.T) {
	a := mustDefault(t)
	b := mustDefault(t)
	a.Editions[0].Key = "mutated"
	items := a.Items()
	items[0].Title = "mutated"
	if b.Editions[0].Key == "mutated" {
		t.Fatal("catalogs share edition slice")
	}
	if it, _ := a.Item(items[0].ID); it.Title == "mutated" {
		t.Fatal("Items() exposes internal storage")
	}
}

func TestCategories(t *testing.T) {
	c := mustDefault(t)
	want := []struct{ code, name, prefix string }{
		{"A", "Authentication", "AUTH-"}, {"B", "Authorization", "AUTHZ-"},
		{"C", "Cryptography", "CRYPT-"}, {"D", "Code, Data, and Execution Integrity", "INT-"},
		{"E", "Confidentiality", "CONF-"}, {"F", "Event Detection and Logging", "LOG-"},
		{"G", "Resiliency and Recovery", "RES-"}, {"H", "Firmware and Software Updates", "UPD-"},
	}
	cats := c.Categories()
	if len(cats) != len(want) {
		t.Fatalf("got %d categories, want %d", len(cats), len(want))
	}
	for i, w := range want {
		if cats[i].Code != w.code || cats[i].Name != w.name || cats[i].IDPrefix != w.prefix {
			t.Errorf("category %d = %+v, want %v", i, cats[i], w)
		}
	}
	for _, code := range []string{"D.code", "D.data", "D.execution", "H", "A"} {
		if !c.ValidCategoryCode(code) {
			t.Errorf("ValidCategoryCode(%q) = false", code)
		}
	}
	for _, code := range []string{"I", "D.foo", "", "d", "A.code"} {
		if c.ValidCategoryCode(code) {
			t.Errorf("ValidCategoryCode(%q) = true", code)
		}
	}
	counts := map[string]int{"A": 12, "B": 6, "C": 6, "D": 12, "D.code": 7, "D.data": 3, "D.execution": 2, "E": 2, "F": 8, "G": 5, "H": 7}
	for code, n := range counts {
		if got := len(c.Recommendations(code)); got != n {
			t.Errorf("Recommendations(%q) = %d items, want %d", code, got, n)
		}
	}
	if c.Recommendations("Z") != nil {
		t.Error("unknown category returned recommendations")
	}
	if h, _ := c.Category("H"); h.AltName != "Updatability and Patchability" {
		t.Errorf("H altName = %q", h.AltName)
	}
}

func TestViews(t *testing.T) {
	c := mustDefault(t)
	want := map[string]string{
		ViewGlobalSystem: "DOC-12", ViewMultiPatientHarm: "DOC-13",
		ViewUpdatabilityPatchability: "DOC-14", ViewSecurityUseCase: "DOC-15",
	}
	got := c.Views()
	if len(got) != 4 {
		t.Fatalf("Views() = %d, want 4", len(got))
	}
	for vt, id := range want {
		it, ok := c.View(vt)
		if !ok || it.ID != id {
			t.Errorf("View(%q) = %s,%v want %s", vt, it.ID, ok, id)
		}
	}
	if strings.Join(c.ViewTypes(), ",") != "global-system,multi-patient-harm,updatability-patchability,security-use-case" {
		t.Errorf("ViewTypes order = %v", c.ViewTypes())
	}
}

func TestStatutoryFlags(t *testing.T) {
	c := mustDefault(t)
	var statutory []string
	for _, d := range c.Docs() {
		if d.Statutory524B() {
			statutory = append(statutory, d.ID+"="+strings.Join(d.Statute, ","))
		}
	}
	if got := strings.Join(statutory, " "); got != "DOC-06=524B(b)(3) DOC-18=524B(b)(1)" {
		t.Errorf("statutory docs = %q", got)
	}
	if d, _ := c.Item("DOC-07"); d.Statutory524B() || d.StatuteRelation != StatuteContentOf {
		t.Errorf("DOC-07 relation = %q", d.StatuteRelation)
	}
	ids := map[string]bool{}
	for _, s := range c.Statutory524B() {
		ids[s.ID] = true
	}
	for _, id := range []string{"524B(a)", "524B(b)(1)", "524B(b)(2)", "524B(b)(2)(A)", "524B(b)(2)(B)", "524B(b)(3)", "524B(b)(4)", "524B(c)", "524B(d)"} {
		if !ids[id] {
			t.Errorf("statutory item %s missing", id)
		}
	}
}

func TestAccessorCounts(t *testing.T) {
	c := mustDefault(t)
	checks := []struct {
		name string
		got  []Item
		n    int
	}{
		{"Docs", c.Docs(), 19}, {"Labeling", c.Labeling(), 14}, {"ManagementPlan", c.ManagementPlan(), 9},
		{"Testing", c.Testing(), 9}, {"Metrics", c.Metrics(), 3}, {"ArchitectureDetails", c.ArchitectureDetails(), 19},
		{"SBOMElements", c.SBOMElements(), 7 + 6 + 9}, {"EcopyRules", c.EcopyRules(), 11 + 6 + 8},
		{"Objectives", c.Objectives(), 5},
	}
	for _, ch := range checks {
		if len(ch.got) != ch.n {
			t.Errorf("%s() = %d items, want %d", ch.name, len(ch.got), ch.n)
		}
	}
	for _, it := range c.EcopyRules() {
		if it.Binding != (it.Kind == KindEcopyRule) {
			t.Errorf("%s binding = %v", it.ID, it.Binding)
		}
	}
}

// idFamily splits "AUTH-12" into ("AUTH-", 12) and "NTIA-F3" into ("NTIA-F", 3).
var idNum = regexp.MustCompile(`^(.*?)(\d+)$`)

func familyOf(id string) (string, int, bool) {
	m := idNum.FindStringSubmatch(id)
	if m == nil {
		return "", 0, false
	}
	n, _ := strconv.Atoi(m[2])
	return m[1], n, true
}

// TestFamiliesContiguous checks every numbered family runs 1..n without gaps
// and that every item carries section, title and paraphrase.
func TestFamiliesContiguous(t *testing.T) {
	c := mustDefault(t)
	fam := map[string][]int{}
	for _, it := range c.Items() {
		if it.Section == "" || it.Title == "" || it.Paraphrase == "" {
			t.Errorf("%s lacks section, title or paraphrase", it.ID)
		}
		if it.Kind == KindStatutory {
			continue
		}
		p, n, ok := familyOf(it.ID)
		if !ok {
			t.Errorf("%s: not a numbered ID", it.ID)
			continue
		}
		fam[p] = append(fam[p], n)
	}
	want := map[string]int{
		"OBJ-": 5, "DOC-": 19, "MET-": 3, "TST-": 4, "PT-": 5, "LBL-": 14, "CMP-": 9, "A2-": 19,
		"AUTH-": 12, "AUTHZ-": 6, "CRYPT-": 6, "INT-": 12, "CONF-": 2, "LOG-": 8, "RES-": 5, "UPD-": 7,
		"NTIA-F": 7, "NTIA-P": 6, "FDA-SB": 9, "EC-": 11, "ER-": 6, "PS-": 8,
	}
	for p, n := range want {
		nums := fam[p]
		sort.Ints(nums)
		if len(nums) != n {
			t.Errorf("family %s has %d items, want %d", p, len(nums), n)
			continue
		}
		for i, v := range nums {
			if v != i+1 {
				t.Errorf("family %s not contiguous: %v", p, nums)
				break
			}
		}
	}
	for p := range fam {
		if _, ok := want[p]; !ok {
			t.Errorf("unexpected family %s", p)
		}
	}
	if d, _ := c.Item("DOC-01"); d.ID != "DOC-01" {
		t.Error("DOC IDs must be zero-padded as in the catalog (DOC-01)")
	}
}

// catalogPath finds ../shared/reference/fda-premarket-catalog.md relative to
// the repository root (the directory holding go.mod).
func catalogPath(t *testing.T) string {
	t.Helper()
	p := filepath.Join(testfixtures.Shared(t, "reference"), "fda-premarket-catalog.md")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("../shared/reference not present: %v", err)
	}
	return p
}

// tableIDs returns the first-column IDs of every markdown table row.
var tableRowID = regexp.MustCompile(`(?m)^\|\s*([A-Z][A-Z0-9]*(?:-[A-Z]+)?-?[A-Z]*\d+)\s*\|`)

// skippedFamilies are table families of the reference catalog deliberately
// not encoded: EST-* is an unconfirmed third-party encoding of eSTAR prompts.
var skippedFamilies = map[string]bool{"EST-": true}

func TestMatchesReferenceCatalog(t *testing.T) {
	raw, err := os.ReadFile(catalogPath(t))
	if err != nil {
		t.Fatal(err)
	}
	c := mustDefault(t)
	// Section 0 is the table of source keys (G-2026, FRAMING-3, ...), not items.
	body := string(raw)
	start := strings.Index(body, "\n## 1.")
	if start < 0 {
		t.Fatal("catalog markdown has no section 1 heading")
	}
	inMD := map[string]bool{}
	for _, m := range tableRowID.FindAllStringSubmatch(body[start:], -1) {
		id := m[1]
		p, _, _ := familyOf(id)
		if skippedFamilies[p] {
			continue
		}
		inMD[id] = true
		if _, ok := c.Item(id); !ok {
			t.Errorf("catalog markdown has %s, data does not", id)
		}
	}
	if len(inMD) < 150 {
		t.Fatalf("only %d IDs found in the markdown; table parsing is broken", len(inMD))
	}
	for _, it := range c.Items() {
		if it.Kind == KindStatutory {
			continue // section 3 of the catalog is prose, not a table
		}
		if !inMD[it.ID] {
			t.Errorf("data has %s, catalog markdown tables do not", it.ID)
		}
	}
}

func words(s string) []string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	return f
}

const runLen = 12

// TestParaphrasesAreOwnWords fails if any text shares a run of 12 words with
// the reference catalog.
func TestParaphrasesAreOwnWords(t *testing.T) {
	raw, err := os.ReadFile(catalogPath(t))
	if err != nil {
		t.Fatal(err)
	}
	grams := map[string]bool{}
	w := words(string(raw))
	for i := 0; i+runLen <= len(w); i++ {
		grams[strings.Join(w[i:i+runLen], " ")] = true
	}
	check := func(id, text string) {
		tw := words(text)
		for i := 0; i+runLen <= len(tw); i++ {
			if g := strings.Join(tw[i:i+runLen], " "); grams[g] {
				t.Errorf("%s copies the catalog: %q", id, g)
				return
			}
		}
	}
	c := mustDefault(t)
	for _, it := range c.Items() {
		check(it.ID, it.Paraphrase)
		check(it.ID+" title", it.Title)
	}
	for _, cat := range c.Categories() {
		check("category "+cat.Code, cat.Paraphrase)
	}
	for _, e := range c.Editions {
		check("edition "+e.Key, e.Notes)
	}
}

func TestParseRejectsBadData(t *testing.T) {
	base := `{"edition":"X-1","title":"t","issued":"2026-01-01","editions":[{"key":"X-1","title":"t","issued":"2026-01-01","status":"final"}],
"categories":[{"code":"A","name":"n","section":"s","idPrefix":"AUTH-","paraphrase":"p"}],
"items":[%s]}`
	okItem := `{"id":"AUTH-1","kind":"recommendation","category":"A","section":"s","title":"t","paraphrase":"p"}`
	cases := map[string]string{
		"duplicate id":     okItem + "," + okItem,
		"unknown kind":     okItem + `,{"id":"X-1","kind":"nope","section":"s","title":"t","paraphrase":"p"}`,
		"missing title":    okItem + `,{"id":"DOC-01","kind":"documentation","section":"s","paraphrase":"p"}`,
		"bad category":     `{"id":"AUTH-1","kind":"recommendation","category":"Q","section":"s","title":"t","paraphrase":"p"}`,
		"wrong prefix":     `{"id":"UPD-1","kind":"recommendation","category":"A","section":"s","title":"t","paraphrase":"p"}`,
		"dangling related": okItem + `,{"id":"DOC-01","kind":"documentation","section":"s","title":"t","paraphrase":"p","related":["NOPE-1"]}`,
		"bad view":         okItem + `,{"id":"DOC-01","kind":"documentation","section":"s","title":"t","paraphrase":"p","viewType":"global"}`,
		"unknown field":    okItem + `,{"id":"DOC-01","kind":"documentation","section":"s","title":"t","paraphrase":"p","extra":1}`,
	}
	if _, err := parse("ok.json", []byte(strings.Replace(base, "%s", okItem, 1))); err != nil {
		t.Fatalf("valid minimal data rejected: %v", err)
	}
	for name, items := range cases {
		_, err := parse("bad.json", []byte(strings.Replace(base, "%s", items, 1)))
		if err == nil {
			t.Errorf("%s: accepted", name)
		} else if !strings.Contains(err.Error(), "bad.json") {
			t.Errorf("%s: error does not name the file: %v", name, err)
		}
	}
}
