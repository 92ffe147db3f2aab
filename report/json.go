package report

import (
	"encoding/json"
	"io"

	"github.com/premarket/premarket/finding"
)

// JSONSchemaVersion is the version of the JSON report shape. It changes
// only when a field is removed or changes meaning; new fields may be added
// within a version.
const JSONSchemaVersion = "1"

// jsonReport is the JSON report (see README.md in this directory):
//
//	{
//	  "schemaVersion": "1",
//	  "tool": {"name": "premarket", "version": "0.1.0"},
//	  "profile": "fda",                  // omitted when empty
//	  "inputs": ["sbom.cdx.json"],       // as given, in order
//	  "failed": true,
//	  "summary": {"errors": 3, "warnings": 12, "info": 40,
//	              "metrics": [{"id": "NTIA-F1", "title": "supplier",
//	                           "satisfied": 120, "total": 152, "percent": 78.9}]},
//	  "findings": [{"rule": "SBOM-NTIA-SUPPLIER", "severity": "error",
//	                "catalog": "NTIA-F1", "subject": "busybox@1.36.1",
//	                "message": "...",
//	                "location": {"file": "sbom.cdx.json", "line": 20,
//	                             "column": 7, "path": "/components/0"}}]
//	}
//
// Findings are sorted by file, line, column, rule, subject and message;
// empty fields of a finding are omitted, "location" is always present.
type jsonReport struct {
	SchemaVersion string            `json:"schemaVersion"`
	Tool          jsonTool          `json:"tool"`
	Profile       string            `json:"profile,omitempty"`
	Inputs        []string          `json:"inputs"`
	Failed        bool              `json:"failed"`
	Summary       Summary           `json:"summary"`
	Findings      []finding.Finding `json:"findings"`
}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// JSON writes the report as indented JSON with a trailing newline. The
// shape is documented at jsonReport and in report/README.md; it is stable
// within JSONSchemaVersion and byte-for-byte deterministic.
func JSON(w io.Writer, r Report) error {
	out := jsonReport{
		SchemaVersion: JSONSchemaVersion,
		Tool:          jsonTool{Name: r.tool(), Version: r.Version},
		Profile:       r.Profile,
		Inputs:        append([]string{}, r.Inputs...),
		Failed:        r.Failed,
		Summary:       r.summary(),
		Findings:      r.sorted(),
	}
	if out.Findings == nil {
		out.Findings = []finding.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
