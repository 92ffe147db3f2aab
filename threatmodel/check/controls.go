package check

import (
	"fmt"
	"github.com/premarket/premarket/threatmodel"
	"strings"

	"github.com/premarket/premarket/fda"
)

// checkControls: mitigated threats rely on implemented or verified
// controls; verified controls cite evidence that passed (check 8).
func (c *checker) checkControls() {
	for _, t := range c.m.Threats {
		if t.Status != "mitigated" {
			continue
		}
		if len(t.Mitigations) == 0 {
			c.add("TM-CTL-003", t.Pos.Field("status"), t.ID, "threat %s is mitigated but lists no mitigations; name the controls that mitigate it", t.ID)
		}
		for i, mi := range t.Mitigations {
			k := c.ix.controls[mi.Control]
			if k == nil {
				continue // TM-ID-002 reports it
			}
			if k.Status != "implemented" && k.Status != "verified" {
				c.add("TM-CTL-001", t.Pos.Field(fmt.Sprintf("mitigations.%d.control", i)), t.ID, "threat %s is mitigated by %s, whose status is %s; implement and verify the control or keep the threat open",
					t.ID, k.ID, k.Status)
			}
		}
	}
	for _, k := range c.m.Controls {
		if k.Status != "verified" {
			continue
		}
		for i, id := range k.VerifiedBy {
			if e := c.ix.evidence[id]; e != nil && e.Result == "fail" {
				c.add("TM-CTL-002", k.Pos.Field(fmt.Sprintf("verifiedBy.%d", i)), k.ID, "control %s is verified by %s, whose result is fail; fix and re-test, or set the status to implemented", k.ID, id)
			}
		}
	}
}

// categoryCodes are the Appendix 1 categories in order, used when no
// catalog is available.
var categoryCodes = []string{"A", "B", "C", "D", "E", "F", "G", "H"}

// checkFDA: every Appendix 1 category covered or explained; control
// recommendation IDs valid; coverage per recommendation (check 9).
func (c *checker) checkFDA() {
	covered := map[string]bool{}
	recCovered := map[string]bool{}
	for _, k := range c.m.Controls {
		for _, code := range categories(k) {
			parent, _, _ := strings.Cut(code, ".")
			covered[parent] = true
			covered[code] = true
		}
		for i, rec := range k.Recommendations {
			recCovered[rec] = true
			if c.cat == nil {
				continue
			}
			it, ok := c.cat.Item(rec)
			at := k.Pos.Field(fmt.Sprintf("recommendations.%d", i))
			if !ok || it.Kind != fda.KindRecommendation {
				c.add("TM-FDA-002", at, k.ID, "control %s cites %q, which is not an Appendix 1 recommendation ID of catalog %s (AUTH-1 ... UPD-7)", k.ID, rec, c.cat.Edition)
				continue
			}
			if !categoryListed(k.FDACategories, it.Category, it.Subcategory) {
				c.add("TM-FDA-002", at, k.ID, "control %s cites %s (category %s) but its fdaCategories are %s; add %s to fdaCategories or drop the recommendation",
					k.ID, rec, it.Category, strings.Join(k.FDACategories, ", "), catWant(it))
			}
		}
	}
	codes, names := categoryCodes, map[string]string{}
	if c.cat != nil {
		codes = nil
		for _, cat := range c.cat.Categories() {
			codes = append(codes, cat.Code)
			names[cat.Code] = cat.Name
		}
	}
	notes := c.m.Meta.ControlCategoryNotes
	for _, code := range codes {
		if covered[code] || !placeholder(notes[code]) {
			continue
		}
		c.add("TM-FDA-001", c.m.Meta.Pos, code, "no control covers Appendix 1 category %s (%s); add a control with fdaCategories [%s] or explain the gap in model.controlCategoryNotes.%s",
			code, names[code], code, code)
	}
	if c.cat == nil {
		return
	}
	for _, cat := range c.cat.Categories() {
		for _, it := range c.cat.Recommendations(cat.Code) {
			if recCovered[it.ID] || !placeholder(c.m.Meta.RecommendationNotes[it.ID]) {
				continue
			}
			c.add("TM-FDA-003", c.m.Meta.Pos, it.ID, "no control cites Appendix 1 recommendation %s (%s); list it in a control's recommendations or explain it in model.recommendationNotes.%s",
				it.ID, it.Title, it.ID)
		}
	}
}

// categoryListed reports whether a control's categories include the
// recommendation's category: "D" covers D.code etc., and "D.code" covers
// a D.code recommendation.
func categoryListed(cats []string, cat, sub string) bool {
	for _, x := range cats {
		if x == cat || (sub != "" && x == sub) {
			return true
		}
	}
	return false
}

func catWant(it fda.Item) string {
	if it.Subcategory != "" {
		return it.Subcategory
	}
	return it.Category
}

// importPlaceholders is the extension in which `premarket threatmodel
// import` lists the fields it had to fill without a source value.
const importPlaceholders = "x-premarket-import-placeholders"

// categories returns the Appendix 1 categories a control really claims:
// none when its fdaCategories are an importer's placeholder (the source
// tool had no such notion), so an imported model never covers a category
// by a guess.
func categories(k *threatmodel.Control) []string {
	if list, ok := k.X[importPlaceholders].([]any); ok {
		for _, f := range list {
			if f == "fdaCategories" {
				return nil
			}
		}
	}
	return k.FDACategories
}
