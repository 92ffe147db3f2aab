package pack

import "github.com/premarket/premarket/templates"

// texts are the pack's own fixed sentences: the ones the templates package
// (section titles, intros, 524B texts, column headers) does not carry,
// because they describe what premarket itself did (derived statuses, the
// files beside the PDF, what premarket does not assess). They paraphrase
// the guidance in the project's own words and cite sections, not pages.
type texts struct {
	answers, rationale, subjectYes, subjectNo string
	checklistIntro, coverFiles                string
	notCheckedReason, noVulnData              string
	docControlIntro, docControlFiles          string
}

// txt is never modified.
var txt = texts{
	answers:    "Answers",
	rationale:  "Rationale:",
	subjectYes: "Section 524B(a) applies to this %s submission: the documentation below is submitted to show that the device meets 524B(b).",
	subjectNo:  "premarket does not recognise the submission type %q as one listed in 524B(a); the documentation below is provided as the guidance recommends.",
	checklistIntro: "Status comes from what premarket generated and checked where it can (threat model, risk assessment, SBOM, support data, controls, views, testing, labeling, plan: \"derived\"), " +
		"otherwise from the documents section of premarket.yaml (\"declared\"). Page numbers link to the section that answers the element.",
	coverFiles: "Machine-readable files (CycloneDX SBOM, check results, traceability matrix, threat model) travel beside this PDF in the MISC FILES folder of the eCopy; none is embedded in it.",

	notCheckedReason: "not checked: no PURL or CPE, so the component cannot be matched against vulnerability databases",
	noVulnData: "No vulnerability data supplied: premarket does not assess vulnerabilities, and no vulnerability scan results were given to it. " +
		"The known-vulnerability assessment (including CISA KEV) must be provided separately; vulnerabilities listed in the threat model are shown below.",

	docControlIntro: "This pack is generated; the inputs below determine it completely. With the same inputs, premarket version and timestamp it is reproduced byte for byte.",
	docControlFiles: "Files beside this PDF: MISC FILES/ holds a zip with the CycloneDX SBOM, the check results (check-results/*.json, with the traceability matrix) and the threat model files as given; manifest.json lists every input and output with its SHA-256.",
}

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
