package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/url"
	"strings"

	"github.com/premarket/premarket/finding"
)

// SARIF constants.
const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// SRCROOT is the uriBaseId of relative artifact URIs: the directory
	// the inputs' relative paths are relative to (usually the repository
	// root), resolved by the SARIF consumer.
	SRCROOT = "%SRCROOT%"
	// fingerprintKey names premarket's partial fingerprint, which lets
	// code-scanning services track a finding across runs even when its
	// line moves.
	fingerprintKey = "premarketFinding/v1"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
	Properties  *sarifRunProps    `json:"properties,omitempty"`
}

type sarifRunProps struct {
	Profile string   `json:"profile,omitempty"`
	Inputs  []string `json:"inputs"`
	Failed  bool     `json:"failed"`
	Summary Summary  `json:"summary"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool `json:"executionSuccessful"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           sarifRuleProps `json:"properties"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Catalog string   `json:"catalog,omitempty"`
	Tags    []string `json:"tags,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          sarifResultProps  `json:"properties"`
}

type sarifResultProps struct {
	Catalog string `json:"catalog,omitempty"`
	Subject string `json:"subject,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// sarifLevel maps severities to SARIF levels.
func sarifLevel(s finding.Severity) string {
	switch s {
	case finding.Error:
		return "error"
	case finding.Warning:
		return "warning"
	}
	return "note"
}

// SARIF writes the report as a SARIF 2.1.0 log with one run. rules are
// written to tool.driver.rules in the given order (duplicates dropped);
// a finding whose rule is not among them gets a minimal descriptor
// appended, so every result has a valid ruleIndex.
//
// Each result carries ruleId, ruleIndex, level (error, warning or note),
// message.text, and, when the finding has a file, a physicalLocation:
// artifactLocation.uri is the path with forward slashes, percent-encoded,
// relative to uriBaseId %SRCROOT% (absolute paths become file:// URIs
// without a base), and region.startLine/startColumn when the line is
// known. A document path (e.g. "/components/3") becomes a logical
// location. properties hold the catalog ID and subject;
// partialFingerprints hold a hash of rule, file, subject and path.
func SARIF(w io.Writer, r Report, rules []finding.Rule) error {
	driver := sarifDriver{Name: r.tool(), Version: r.Version, InformationURI: InformationURI, Rules: []sarifRule{}}
	index := map[string]int{}
	addRule := func(rl finding.Rule) {
		if _, dup := index[rl.ID]; dup {
			return
		}
		index[rl.ID] = len(driver.Rules)
		title := rl.Title
		if title == "" {
			title = rl.ID
		}
		help := rl.Help
		if help == "" {
			help = title
		}
		props := sarifRuleProps{Catalog: rl.Catalog}
		if rl.Catalog != "" {
			props.Tags = []string{rl.Catalog}
		}
		driver.Rules = append(driver.Rules, sarifRule{
			ID:                   rl.ID,
			ShortDescription:     sarifText{title},
			FullDescription:      sarifText{help},
			Help:                 sarifText{help},
			DefaultConfiguration: sarifConfig{sarifLevel(rl.Severity)},
			Properties:           props,
		})
	}
	for _, rl := range rules {
		addRule(rl)
	}
	fs := r.sorted()
	for _, f := range fs {
		if _, ok := index[f.RuleID]; !ok {
			addRule(finding.Rule{ID: f.RuleID, Severity: f.Severity, Catalog: f.Catalog})
		}
	}

	type artifact struct{ uri, base string }
	uris := map[string]artifact{}
	results := make([]sarifResult, 0, len(fs))
	for _, f := range fs {
		res := sarifResult{
			RuleID:              f.RuleID,
			RuleIndex:           index[f.RuleID],
			Level:               sarifLevel(f.Severity),
			Message:             sarifText{f.Message},
			PartialFingerprints: map[string]string{fingerprintKey: fingerprint(f)},
			Properties:          sarifResultProps{Catalog: f.Catalog, Subject: f.Subject},
		}
		var loc sarifLocation
		if f.Location.File != "" {
			a, ok := uris[f.Location.File]
			if !ok {
				a.uri, a.base = sarifURI(f.Location.File)
				uris[f.Location.File] = a
			}
			loc.PhysicalLocation = &sarifPhysical{ArtifactLocation: sarifArtifact{URI: a.uri, URIBaseID: a.base}}
			if f.Location.Line > 0 {
				loc.PhysicalLocation.Region = &sarifRegion{StartLine: f.Location.Line, StartColumn: f.Location.Column}
			}
		}
		if f.Location.Path != "" {
			loc.LogicalLocations = []sarifLogical{{FullyQualifiedName: f.Location.Path, Kind: "element"}}
		}
		if loc.PhysicalLocation != nil || loc.LogicalLocations != nil {
			res.Locations = []sarifLocation{loc}
		}
		results = append(results, res)
	}

	log := sarifLog{
		Schema:  sarifSchema,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool:        sarifTool{Driver: driver},
			Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
			Results:     results,
			Properties:  &sarifRunProps{Profile: r.Profile, Inputs: append([]string{}, r.Inputs...), Failed: r.Failed, Summary: r.summary()},
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

// sarifURI turns a path as the user gave it into an artifact URI:
// forward slashes, percent-encoded, relative to %SRCROOT%, or a file://
// URI for an absolute path.
func sarifURI(file string) (uri, base string) {
	p := strings.ReplaceAll(file, `\`, "/")
	abs := strings.HasPrefix(p, "/")
	if len(p) >= 3 && p[1] == ':' && p[2] == '/' && isLetter(p[0]) { // Windows drive path
		p, abs = "/"+p, true
	}
	if abs {
		return (&url.URL{Scheme: "file", Path: p}).String(), ""
	}
	for strings.HasPrefix(p, "./") {
		p = p[2:]
	}
	return (&url.URL{Path: p}).String(), SRCROOT
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// fingerprint identifies a finding independently of its line.
func fingerprint(f finding.Finding) string {
	h := sha256.Sum256([]byte(f.RuleID + "\x00" + f.Location.File + "\x00" + f.Subject + "\x00" + f.Location.Path))
	return hex.EncodeToString(h[:16])
}
