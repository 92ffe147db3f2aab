// Package fda holds the FDA premarket cybersecurity catalog as embedded,
// versioned data: the Appendix 1 security control categories and their
// recommendations, the premarket documentation elements (DOC-01..DOC-19),
// the four security architecture views, labeling (LBL), management-plan
// (CMP), testing (TST, PT), TPLC metrics (MET), Appendix 2 path details (A2),
// the section 524B statutory items, SBOM elements (NTIA-F, NTIA-P, FDA-SB)
// and eCopy/PDF rules (EC, ER, PS).
//
// Each guidance edition is one JSON file under data/ named after its edition
// key (data/G-2026.json). A later edition is added as another file beside it;
// Load selects by key and Default picks the newest encoded edition.
//
// IDs are the invented, stable IDs of the project's reference catalog, not
// FDA identifiers. Every text is a short paraphrase, never guidance wording.
// Threat models cite categories with the codes A..H and D.code, D.data,
// D.execution, and views with the type codes global-system,
// multi-patient-harm, updatability-patchability and security-use-case.
//
// The package has no global mutable state: every Load parses the embedded
// data afresh and returns an independent Catalog, so callers should load once
// and pass the *Catalog around.
package fda

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
)

//go:embed data/*.json
var dataFS embed.FS

// Kind classifies catalog items into their ID families.
type Kind string

// Item kinds, one per family of the reference catalog.
const (
	KindObjective           Kind = "objective"            // OBJ-*, §IV.B security objectives
	KindDocumentation       Kind = "documentation"        // DOC-*, premarket documentation elements
	KindMetric              Kind = "metric"               // MET-*, TPLC metrics
	KindTesting             Kind = "testing"              // TST-*, test types of §V.C
	KindPentestReport       Kind = "pentest-report"       // PT-*, penetration test report elements
	KindLabeling            Kind = "labeling"             // LBL-*, §VI.A labeling items
	KindManagementPlan      Kind = "management-plan"      // CMP-*, §VI.B plan elements
	KindArchitectureDetail  Kind = "architecture-detail"  // A2-*, Appendix 2 per-path details
	KindRecommendation      Kind = "recommendation"       // AUTH-*, AUTHZ-*, ..., UPD-* (Appendix 1)
	KindStatutory           Kind = "statutory"            // 524B(...) statutory items
	KindNTIAField           Kind = "ntia-field"           // NTIA-F*, SBOM minimum data fields
	KindNTIAPractice        Kind = "ntia-practice"        // NTIA-P*, SBOM practices
	KindFDASBOM             Kind = "fda-sbom"             // FDA-SB*, FDA additions to the SBOM
	KindEcopyRule           Kind = "ecopy-rule"           // EC-*, binding eCopy technical standards
	KindEcopyRecommendation Kind = "ecopy-recommendation" // ER-*, non-binding eCopy advice
	KindPDFSpec             Kind = "pdf-spec"             // PS-*, FDA PDF specifications
)

var knownKinds = map[Kind]bool{
	KindObjective: true, KindDocumentation: true, KindMetric: true, KindTesting: true,
	KindPentestReport: true, KindLabeling: true, KindManagementPlan: true,
	KindArchitectureDetail: true, KindRecommendation: true, KindStatutory: true,
	KindNTIAField: true, KindNTIAPractice: true, KindFDASBOM: true, KindEcopyRule: true,
	KindEcopyRecommendation: true, KindPDFSpec: true,
}

// Architecture view type codes, as used by threat models (views[].type).
const (
	ViewGlobalSystem             = "global-system"
	ViewMultiPatientHarm         = "multi-patient-harm"
	ViewUpdatabilityPatchability = "updatability-patchability"
	ViewSecurityUseCase          = "security-use-case"
)

// Relations between a documentation element and section 524B.
const (
	StatuteRequired  = "required"   // the statute itself requires the element for cyber devices
	StatuteSupports  = "supports"   // the element is evidence toward a statutory requirement
	StatuteContentOf = "content-of" // recommended content of a statutory element
)

// Confidence levels inherited from the reference catalog.
const (
	ConfidenceConfirmed   = "confirmed"   // read in the primary source
	ConfidenceSecondary   = "secondary"   // confirmed only by a secondary source
	ConfidenceUnconfirmed = "unconfirmed" // a lead, not a fact
)

// Item is one catalog entry.
type Item struct {
	ID      string `json:"id"`      // stable ID, e.g. "AUTH-4", "DOC-06", "524B(b)(3)"
	Kind    Kind   `json:"kind"`    // family
	Section string `json:"section"` // where it comes from, e.g. "§V.B.2(b)", "App. 1 §A"
	Title   string `json:"title"`   // short title
	// Paraphrase is a one- or two-sentence summary in the project's own words.
	Paraphrase string `json:"paraphrase"`
	// Category is the Appendix 1 category code (A..H) of a recommendation.
	Category string `json:"category,omitempty"`
	// Subcategory refines category D into D.code, D.data or D.execution.
	Subcategory string `json:"subcategory,omitempty"`
	// ViewType is the architecture view type code of DOC-12..DOC-15.
	ViewType string `json:"viewType,omitempty"`
	// Statute lists the 524B provisions (IDs of statutory items) the item maps to.
	Statute []string `json:"statute,omitempty"`
	// StatuteRelation says how the item relates to Statute: StatuteRequired,
	// StatuteSupports or StatuteContentOf.
	StatuteRelation string `json:"statuteRelation,omitempty"`
	// Binding is true for rules FDA enforces mechanically (eCopy Attachment 1).
	Binding bool `json:"binding,omitempty"`
	// Confidence is ConfidenceConfirmed unless the source marks it otherwise.
	Confidence string `json:"confidence,omitempty"`
	// Related lists IDs of other items this one feeds or depends on.
	Related []string `json:"related,omitempty"`
}

// Statutory524B reports whether section 524B itself requires the item for a
// cyber device (the 524B flag of DOC-06 and DOC-18).
func (it Item) Statutory524B() bool { return it.StatuteRelation == StatuteRequired }

// Subcategory is a refinement of an Appendix 1 category (only D has them).
type Subcategory struct {
	Code string `json:"code"` // e.g. "D.code"
	Name string `json:"name"`
}

// Category is one of the eight Appendix 1 security control categories.
type Category struct {
	Code          string        `json:"code"`              // "A".."H"
	Name          string        `json:"name"`              // Appendix 1 heading
	AltName       string        `json:"altName,omitempty"` // name used in §V.B.1 where it differs
	Section       string        `json:"section"`           // e.g. "App. 1 §A"
	IDPrefix      string        `json:"idPrefix"`          // prefix of its recommendation IDs
	Paraphrase    string        `json:"paraphrase"`
	Subcategories []Subcategory `json:"subcategories,omitempty"`
}

// Edition describes one edition of the guidance (encoded or not).
type Edition struct {
	Key          string `json:"key"`    // e.g. "G-2026"
	Title        string `json:"title"`  // document title
	Issued       string `json:"issued"` // YYYY-MM-DD or YYYY
	Status       string `json:"status"` // "final" or "draft"
	SupersededBy string `json:"supersededBy,omitempty"`
	Notes        string `json:"notes,omitempty"`
}

// Source is a document the catalog cites.
type Source struct {
	Key   string `json:"key"`
	Title string `json:"title"`
}

// Catalog is one encoded edition of the guidance catalog. Accessors return
// copies, so a Catalog is safe to share between goroutines.
type Catalog struct {
	Edition    string    // key of this edition, e.g. "G-2026"
	Title      string    // title of the guidance edition
	Issued     string    // issue date, YYYY-MM-DD
	Docket     string    // FDA docket number
	DocumentNo string    // FDA document number
	Note       string    // caveat carried with the data
	Editions   []Edition // edition history (section 1.1), oldest first
	Sources    []Source  // documents cited by item sections
	categories []Category
	items      []Item
	byID       map[string]int
}

type catalogFile struct {
	Edition    string     `json:"edition"`
	Title      string     `json:"title"`
	Issued     string     `json:"issued"`
	Docket     string     `json:"docket"`
	DocumentNo string     `json:"documentNumber"`
	Note       string     `json:"note"`
	Editions   []Edition  `json:"editions"`
	Sources    []Source   `json:"sources"`
	Categories []Category `json:"categories"`
	Items      []Item     `json:"items"`
}

// ErrUnknownEdition is returned (wrapped) by Load for an edition key that has
// no encoded data file.
var ErrUnknownEdition = errors.New("no catalog data for edition")

// EncodedEditions lists the edition keys that have an embedded data file,
// sorted by key.
func EncodedEditions() []string {
	ents, err := fs.ReadDir(dataFS, "data")
	if err != nil {
		return nil
	}
	var keys []string
	for _, e := range ents {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".json") {
			keys = append(keys, strings.TrimSuffix(e.Name(), ".json"))
		}
	}
	sort.Strings(keys)
	return keys
}

// Load parses the embedded catalog of the given edition key (e.g. "G-2026").
func Load(edition string) (*Catalog, error) {
	name := path.Join("data", edition+".json")
	if edition == "" || strings.ContainsAny(edition, "/\\") {
		return nil, fmt.Errorf("fda: %w %q", ErrUnknownEdition, edition)
	}
	raw, err := dataFS.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("fda: %w %q (encoded: %s)", ErrUnknownEdition, edition, strings.Join(EncodedEditions(), ", "))
	}
	c, err := parse(name, raw)
	if err != nil {
		return nil, err
	}
	if c.Edition != edition {
		return nil, fmt.Errorf("fda: %s: edition key %q does not match file name", name, c.Edition)
	}
	return c, nil
}

// Default loads the newest encoded edition (by issue date).
func Default() (*Catalog, error) {
	var best *Catalog
	for _, key := range EncodedEditions() {
		c, err := Load(key)
		if err != nil {
			return nil, err
		}
		if best == nil || c.Issued > best.Issued {
			best = c
		}
	}
	if best == nil {
		return nil, errors.New("fda: no embedded catalog data")
	}
	return best, nil
}

var (
	datePattern = regexp.MustCompile(`^\d{4}(-\d{2}-\d{2})?$`)
	viewTypes   = map[string]bool{ViewGlobalSystem: true, ViewMultiPatientHarm: true, ViewUpdatabilityPatchability: true, ViewSecurityUseCase: true}
)

// parse decodes and validates one data file. Errors name the file and the
// offending item.
func parse(name string, raw []byte) (*Catalog, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var f catalogFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("fda: %s: %w", name, err)
	}
	bad := func(format string, a ...any) error {
		return fmt.Errorf("fda: %s: "+format, append([]any{name}, a...)...)
	}
	if f.Edition == "" || f.Title == "" || !datePattern.MatchString(f.Issued) {
		return nil, bad("edition, title and issued (YYYY-MM-DD) are required")
	}
	c := &Catalog{
		Edition: f.Edition, Title: f.Title, Issued: f.Issued, Docket: f.Docket,
		DocumentNo: f.DocumentNo, Note: f.Note, Editions: f.Editions, Sources: f.Sources,
		categories: f.Categories, items: f.Items, byID: make(map[string]int, len(f.Items)),
	}
	seenEd := map[string]bool{}
	for i, e := range f.Editions {
		if e.Key == "" || e.Title == "" || !datePattern.MatchString(e.Issued) {
			return nil, bad("editions[%d]: key, title and issued are required", i)
		}
		if seenEd[e.Key] {
			return nil, bad("editions[%d]: duplicate key %q", i, e.Key)
		}
		seenEd[e.Key] = true
	}
	if !seenEd[f.Edition] {
		return nil, bad("edition %q is missing from its own edition list", f.Edition)
	}
	cats := map[string]Category{}
	subs := map[string]string{}
	for i, cat := range f.Categories {
		if cat.Code == "" || cat.Name == "" || cat.Section == "" || cat.IDPrefix == "" || cat.Paraphrase == "" {
			return nil, bad("categories[%d]: code, name, section, idPrefix and paraphrase are required", i)
		}
		if _, dup := cats[cat.Code]; dup {
			return nil, bad("categories[%d]: duplicate code %q", i, cat.Code)
		}
		cats[cat.Code] = cat
		for _, s := range cat.Subcategories {
			if !strings.HasPrefix(s.Code, cat.Code+".") || s.Name == "" {
				return nil, bad("category %s: bad subcategory %q", cat.Code, s.Code)
			}
			subs[s.Code] = cat.Code
		}
	}
	for i, it := range f.Items {
		where := fmt.Sprintf("items[%d] (%s)", i, it.ID)
		if it.ID == "" || it.Section == "" || it.Title == "" || it.Paraphrase == "" {
			return nil, bad("%s: id, section, title and paraphrase are required", where)
		}
		if !knownKinds[it.Kind] {
			return nil, bad("%s: unknown kind %q", where, it.Kind)
		}
		if _, dup := c.byID[it.ID]; dup {
			return nil, bad("%s: duplicate id", where)
		}
		c.byID[it.ID] = i
		if (it.Kind == KindRecommendation) != (it.Category != "") {
			return nil, bad("%s: category is required exactly for recommendations", where)
		}
		if it.Category != "" {
			cat, ok := cats[it.Category]
			if !ok {
				return nil, bad("%s: unknown category %q", where, it.Category)
			}
			if !strings.HasPrefix(it.ID, cat.IDPrefix) {
				return nil, bad("%s: id does not start with category prefix %q", where, cat.IDPrefix)
			}
		}
		if it.Subcategory != "" && subs[it.Subcategory] != it.Category {
			return nil, bad("%s: subcategory %q is not part of category %q", where, it.Subcategory, it.Category)
		}
		if it.ViewType != "" && !viewTypes[it.ViewType] {
			return nil, bad("%s: unknown view type %q", where, it.ViewType)
		}
		switch it.StatuteRelation {
		case "", StatuteRequired, StatuteSupports, StatuteContentOf:
		default:
			return nil, bad("%s: unknown statuteRelation %q", where, it.StatuteRelation)
		}
		if (len(it.Statute) == 0) != (it.StatuteRelation == "") {
			return nil, bad("%s: statute and statuteRelation go together", where)
		}
		switch it.Confidence {
		case "":
			c.items[i].Confidence = ConfidenceConfirmed
		case ConfidenceConfirmed, ConfidenceSecondary, ConfidenceUnconfirmed:
		default:
			return nil, bad("%s: unknown confidence %q", where, it.Confidence)
		}
	}
	// References must resolve.
	for _, it := range f.Items {
		for _, ref := range append(append([]string(nil), it.Statute...), it.Related...) {
			if _, ok := c.byID[ref]; !ok {
				return nil, bad("item %s: reference %q does not resolve", it.ID, ref)
			}
		}
	}
	for _, cat := range f.Categories {
		if len(c.Recommendations(cat.Code)) == 0 {
			return nil, bad("category %s has no recommendations", cat.Code)
		}
	}
	return c, nil
}

// Item looks up an item by ID.
func (c *Catalog) Item(id string) (Item, bool) {
	i, ok := c.byID[id]
	if !ok {
		return Item{}, false
	}
	return cloneItem(c.items[i]), true
}

// Items returns every item in data-file order.
func (c *Catalog) Items() []Item {
	out := make([]Item, len(c.items))
	for i, it := range c.items {
		out[i] = cloneItem(it)
	}
	return out
}

// ByKind returns the items of one kind in data-file order.
func (c *Catalog) ByKind(k Kind) []Item {
	var out []Item
	for _, it := range c.items {
		if it.Kind == k {
			out = append(out, cloneItem(it))
		}
	}
	return out
}

// Categories returns the Appendix 1 categories in order A..H.
func (c *Catalog) Categories() []Category {
	out := make([]Category, len(c.categories))
	for i, cat := range c.categories {
		cat.Subcategories = append([]Subcategory(nil), cat.Subcategories...)
		out[i] = cat
	}
	return out
}

// Category looks up a category by code. A subcategory code such as "D.code"
// resolves to its parent category.
func (c *Catalog) Category(code string) (Category, bool) {
	parent, _, _ := strings.Cut(code, ".")
	for _, cat := range c.Categories() {
		if cat.Code != parent {
			continue
		}
		if parent == code {
			return cat, true
		}
		for _, s := range cat.Subcategories {
			if s.Code == code {
				return cat, true
			}
		}
	}
	return Category{}, false
}

// ValidCategoryCode reports whether code is a category (A..H) or
// subcategory (D.code, D.data, D.execution) code of this catalog.
func (c *Catalog) ValidCategoryCode(code string) bool {
	_, ok := c.Category(code)
	return ok
}

// Recommendations returns the Appendix 1 recommendations of a category code
// ("A".."H"), or of a subcategory ("D.code", "D.data", "D.execution"), in
// data-file order. Unknown codes yield nil.
func (c *Catalog) Recommendations(categoryCode string) []Item {
	var out []Item
	for _, it := range c.items {
		if it.Kind != KindRecommendation {
			continue
		}
		if it.Category == categoryCode || (it.Subcategory != "" && it.Subcategory == categoryCode) {
			out = append(out, cloneItem(it))
		}
	}
	return out
}

// Docs returns the documentation elements DOC-01..DOC-19.
func (c *Catalog) Docs() []Item { return c.ByKind(KindDocumentation) }

// Labeling returns the labeling items LBL-1..LBL-14.
func (c *Catalog) Labeling() []Item { return c.ByKind(KindLabeling) }

// ManagementPlan returns the cybersecurity management plan elements CMP-1..CMP-9.
func (c *Catalog) ManagementPlan() []Item { return c.ByKind(KindManagementPlan) }

// Metrics returns the TPLC metrics MET-1..MET-3.
func (c *Catalog) Metrics() []Item { return c.ByKind(KindMetric) }

// Views returns the four architecture views (DOC-12..DOC-15), each with its
// ViewType code.
func (c *Catalog) Views() []Item {
	var out []Item
	for _, it := range c.items {
		if it.ViewType != "" {
			out = append(out, cloneItem(it))
		}
	}
	return out
}

// View returns the documentation element of a view type code.
func (c *Catalog) View(viewType string) (Item, bool) {
	for _, it := range c.items {
		if it.ViewType == viewType {
			return cloneItem(it), true
		}
	}
	return Item{}, false
}

// ViewTypes returns the view type codes in guidance order.
func (c *Catalog) ViewTypes() []string {
	var out []string
	for _, it := range c.Views() {
		out = append(out, it.ViewType)
	}
	return out
}

// Testing returns the test types TST-* followed by the penetration test
// report elements PT-*.
func (c *Catalog) Testing() []Item {
	return append(c.ByKind(KindTesting), c.ByKind(KindPentestReport)...)
}

// ArchitectureDetails returns the Appendix 2 per-path details A2-1..A2-19.
func (c *Catalog) ArchitectureDetails() []Item { return c.ByKind(KindArchitectureDetail) }

// Statutory524B returns the section 524B statutory items.
func (c *Catalog) Statutory524B() []Item { return c.ByKind(KindStatutory) }

// SBOMElements returns the NTIA minimum data fields (NTIA-F*), the NTIA
// practices (NTIA-P*) and FDA's SBOM additions (FDA-SB*), in that order.
func (c *Catalog) SBOMElements() []Item {
	out := c.ByKind(KindNTIAField)
	out = append(out, c.ByKind(KindNTIAPractice)...)
	return append(out, c.ByKind(KindFDASBOM)...)
}

// EcopyRules returns the binding eCopy standards (EC-*), the eCopy
// recommendations (ER-*) and the PDF specifications (PS-*), in that order.
// Item.Binding distinguishes the enforced ones.
func (c *Catalog) EcopyRules() []Item {
	out := c.ByKind(KindEcopyRule)
	out = append(out, c.ByKind(KindEcopyRecommendation)...)
	return append(out, c.ByKind(KindPDFSpec)...)
}

// Objectives returns the security objectives OBJ-1..OBJ-5.
func (c *Catalog) Objectives() []Item { return c.ByKind(KindObjective) }

// EditionInfo returns the history entry of an edition key.
func (c *Catalog) EditionInfo(key string) (Edition, bool) {
	for _, e := range c.Editions {
		if e.Key == key {
			return e, true
		}
	}
	return Edition{}, false
}

func cloneItem(it Item) Item {
	it.Statute = append([]string(nil), it.Statute...)
	it.Related = append([]string(nil), it.Related...)
	if len(it.Statute) == 0 {
		it.Statute = nil
	}
	if len(it.Related) == 0 {
		it.Related = nil
	}
	return it
}
