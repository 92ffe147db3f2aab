package pack

import "github.com/premarket/premarket/templates"

// SectionTitles lists the top-level section titles of the pack in order
// (cover and contents excluded), from the templates package; tests use it
// to check that every section is in the PDF.
func SectionTitles() ([]string, error) {
	t, err := templates.Pack()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, s := range t.Sections {
		if s.ID == "cover" || s.ID == "toc" {
			continue
		}
		out = append(out, s.Title)
	}
	return out, nil
}
