// Package importer turns threat models written with other tools (OWASP
// Threat Dragon v1 and v2 JSON, Open Threat Model JSON or YAML) into a DTM
// starting point (threatmodel/FORMAT.md).
//
// The output is a YAML document that threatmodel.Load accepts without schema
// findings. It is not an assessment: no source format has an exploitability
// scale, a safety severity, a risk method or FDA views, so the importer never
// invents them (threat-model-format.md §6.2). Every threat's risk points carry
// the level "unassessed", foreign risk values are kept under x-<tool>-...
// keys, and the schema's required fields the source cannot fill hold
// explicit placeholders listed in x-premarket-import-placeholders on the
// element and counted in imports[0].losses. The semantic checker then
// reports what the engineer has to complete.
//
// Output is a pure function of the input bytes and Options: the same file
// gives byte-identical YAML.
package importer

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"

	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/premarket/premarket/yamlpos"
)

// Format names a source format.
type Format string

// Source formats. FormatAuto detects the format from the content.
const (
	FormatAuto         Format = "auto"
	FormatThreatDragon Format = "threat-dragon"
	FormatOTM          Format = "otm"
)

// ParseFormat accepts the spellings of the --from flag.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return FormatAuto, nil
	case "threat-dragon", "threatdragon", "td":
		return FormatThreatDragon, nil
	case "otm", "open-threat-model":
		return FormatOTM, nil
	}
	return "", fmt.Errorf("unknown source format %q: want auto, threat-dragon or otm", s)
}

// Kind is the detected flavour of a source document.
type Kind string

// Detected document kinds.
const (
	KindThreatDragonV2 Kind = "threat-dragon-v2"
	KindThreatDragonV1 Kind = "threat-dragon-v1"
	KindOTM            Kind = "otm"
)

// Describe names the kind for messages.
func (k Kind) Describe() string {
	switch k {
	case KindThreatDragonV2:
		return "Threat Dragon v2 model"
	case KindThreatDragonV1:
		return "Threat Dragon v1 (legacy) model"
	case KindOTM:
		return "Open Threat Model (OTM)"
	}
	return string(k)
}

// DefaultLimits bound the work one source document may cause. Threat
// models are small; a 16 MiB JSON file is already far beyond what the
// editors produce.
var DefaultLimits = yamlpos.Limits{MaxBytes: 16 << 20, MaxDepth: 100, MaxNodes: 2_000_000}

// Options control an import.
type Options struct {
	// Format is the expected source format; FormatAuto (or "") detects it.
	Format Format
	// Name is the source file name recorded in imports[].file and used in
	// messages; only its base name is written, so the output does not
	// depend on the directory the import ran in.
	Name string
	// PremarketVersion is written into the header comment and
	// imports[].x-premarket-version.
	PremarketVersion string
	// ImportedAt, when set, is written to imports[].importedAt. Leave it
	// empty for output that depends on the input only (the CLI sets it from
	// SOURCE_DATE_EPOCH).
	ImportedAt string
	// Limits bound parsing; the zero value means DefaultLimits.
	Limits yamlpos.Limits
}

// Counts are the numbers of DTM elements an import produced.
type Counts struct {
	Components      int `json:"components"`
	Dataflows       int `json:"dataflows"`
	Threats         int `json:"threats"`
	TrustBoundaries int `json:"trustBoundaries"`
	Controls        int `json:"controls"`
	Assets          int `json:"assets"`
}

// Result is an imported model.
type Result struct {
	// YAML is the DTM document, header comment included.
	YAML []byte
	// Kind is the detected source flavour; SourceVersion its version
	// string as the file states it ("" when it states none).
	Kind          Kind
	SourceVersion string
	Counts        Counts
	// Losses is what imports[0].losses records: each entry names what the
	// DTM could not hold (or holds as a placeholder) and how often.
	Losses []string
}

// UnsupportedError reports a document that is recognised but not imported,
// or not recognised at all; the message says what the document is and what
// to do instead.
type UnsupportedError struct {
	File   string
	What   string // what the document looks like
	Advice string
}

func (e *UnsupportedError) Error() string {
	msg := fmt.Sprintf("%s: %s", e.File, e.What)
	if e.Advice != "" {
		msg += "; " + e.Advice
	}
	return msg
}

// Import converts a source threat model into DTM YAML.
func Import(data []byte, opts Options) (*Result, error) {
	name := opts.Name
	if name == "" {
		name = "input"
	}
	lim := opts.Limits
	if lim == (yamlpos.Limits{}) {
		lim = DefaultLimits
	}
	doc, err := yamlpos.Parse(name, data, lim)
	if err != nil {
		return nil, err
	}
	if doc.Root == nil {
		return nil, &UnsupportedError{File: name, What: "the file is empty"}
	}
	v, err := yamlpos.Value(doc.Root)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	src := &source{file: name, root: doc.Root}
	top, ok := v.(map[string]any)
	if !ok {
		return nil, src.errf("", "the document is not an object; want a Threat Dragon or OTM model")
	}
	kind, err := detect(name, top)
	if err != nil {
		return nil, err
	}
	f := opts.Format
	if f == "" {
		f = FormatAuto
	}
	switch {
	case f == FormatThreatDragon && kind == KindOTM, f == FormatOTM && kind != KindOTM:
		return nil, &UnsupportedError{File: name, What: fmt.Sprintf("--from %s was given but the file is a %s", f, kind.Describe()), Advice: "use --from auto"}
	}
	b := newBuilder(name, kind)
	switch kind {
	case KindOTM:
		err = importOTM(src, top, b)
	default:
		err = importThreatDragon(src, top, kind, b)
	}
	if err != nil {
		return nil, err
	}
	if len(b.doc.Components) == 0 {
		return nil, &UnsupportedError{File: name, What: fmt.Sprintf("the %s has no element that can become a component (processes, stores, actors, OTM components)", kind.Describe()),
			Advice: "a DTM model needs at least one component; add the elements in the source tool first"}
	}
	b.finish()
	sum := sha256.Sum256(data)
	rec := &importRecord{
		Source:        map[Kind]string{KindOTM: "otm"}[kind],
		File:          baseName(name),
		SHA256:        hex.EncodeToString(sum[:]),
		ToolVersion:   b.sourceVersion,
		ImportedAt:    opts.ImportedAt,
		Losses:        b.losses.list(),
		PremarketVer:  opts.PremarketVersion,
		SourceFlavour: string(kind),
	}
	if rec.Source == "" {
		rec.Source = "threat-dragon"
	}
	b.doc.Imports = []*importRecord{rec}
	out, err := encode(b.doc, header(opts, rec, kind))
	if err != nil {
		return nil, fmt.Errorf("%s: encoding the imported model: %w", name, err)
	}
	d := b.doc
	return &Result{
		YAML: out, Kind: kind, SourceVersion: b.sourceVersion, Losses: rec.Losses,
		Counts: Counts{Components: len(d.Components), Dataflows: len(d.Dataflows), Threats: len(d.Threats),
			TrustBoundaries: len(d.TrustBoundaries), Controls: len(d.Controls), Assets: len(d.Assets)},
	}, nil
}

// Detect reports which source format a document is, without importing it.
func Detect(name string, data []byte) (Kind, error) {
	doc, err := yamlpos.Parse(name, data, DefaultLimits)
	if err != nil {
		return "", err
	}
	if doc.Root == nil {
		return "", &UnsupportedError{File: name, What: "the file is empty"}
	}
	v, err := yamlpos.Value(doc.Root)
	if err != nil {
		return "", err
	}
	top, ok := v.(map[string]any)
	if !ok {
		return "", &UnsupportedError{File: name, What: "the document is not an object", Advice: "want a Threat Dragon or OTM model"}
	}
	return detect(name, top)
}

// detect recognises the format by content: OTM by otmVersion, Threat
// Dragon v2 by a version string and diagrams with cells, v1 by diagrams
// with diagramJson.cells; CycloneDX TM-BOMs and other SBOM-style documents
// are refused with advice.
func detect(name string, top map[string]any) (Kind, error) {
	if _, ok := top["otmVersion"]; ok {
		return KindOTM, nil
	}
	if bf, _ := top["bomFormat"].(string); bf != "" || top["specVersion"] != nil && top["components"] != nil {
		what := "a CycloneDX document (an SBOM-style bill of materials)"
		if looksTMBOM(top) {
			what = "a CycloneDX TM-BOM (threat model carried as a bill of materials with cdx:model:* properties)"
		}
		return "", &UnsupportedError{File: name, What: what + ", not a threat model premarket imports",
			Advice: "open it in OWASP Threat Dragon (which imports TM-BOMs) and save the model as Threat Dragon v2 JSON, then import that; SBOMs belong in sboms[] of the DTM model or in premarket sbom commands"}
	}
	if top["spdxVersion"] != nil || top["SPDXID"] != nil {
		return "", &UnsupportedError{File: name, What: "an SPDX document, not a threat model", Advice: "SBOMs belong in sboms[] of the DTM model"}
	}
	if top["dtmVersion"] != nil {
		return "", &UnsupportedError{File: name, What: "already a DTM threat model", Advice: "check it with premarket threatmodel check"}
	}
	detail, _ := top["detail"].(map[string]any)
	diagrams, _ := detail["diagrams"].([]any)
	if detail != nil && top["summary"] != nil {
		v1, v2 := false, false
		for _, d := range diagrams {
			dm, _ := d.(map[string]any)
			if _, ok := dm["cells"]; ok {
				v2 = true
			}
			if dj, ok := dm["diagramJson"].(map[string]any); ok && dj["cells"] != nil {
				v1 = true
			}
		}
		ver, _ := top["version"].(string)
		switch {
		case v2 || (strings.HasPrefix(ver, "2") && !v1):
			return KindThreatDragonV2, nil
		case v1 || ver == "":
			return KindThreatDragonV1, nil
		}
		return "", &UnsupportedError{File: name, What: fmt.Sprintf("a Threat Dragon model with version %q, which premarket does not know", ver),
			Advice: "save it with Threat Dragon 2.x and import the v2 JSON"}
	}
	if top["threagile_version"] != nil || top["technical_assets"] != nil {
		return "", &UnsupportedError{File: name, What: "a Threagile model, which premarket does not import yet", Advice: "export it to OTM or re-draw it in Threat Dragon"}
	}
	return "", &UnsupportedError{File: name, What: "not a recognised threat model (no otmVersion, no Threat Dragon summary/detail.diagrams)",
		Advice: "premarket imports OWASP Threat Dragon v1/v2 JSON and Open Threat Model (OTM) JSON or YAML"}
}

func looksTMBOM(top map[string]any) bool {
	var walk func(v any, depth int) bool
	walk = func(v any, depth int) bool {
		if depth > 6 {
			return false
		}
		switch x := v.(type) {
		case map[string]any:
			if n, _ := x["name"].(string); strings.HasPrefix(n, "cdx:model:") || strings.HasPrefix(n, "cdx:threat") {
				return true
			}
			for _, k := range sortedKeys(x) {
				if walk(x[k], depth+1) {
					return true
				}
			}
		case []any:
			for _, e := range x {
				if walk(e, depth+1) {
					return true
				}
			}
		}
		return false
	}
	return walk(top, 0)
}

// source is the parsed input, for located errors.
type source struct {
	file string
	root *yaml.Node
}

// errf returns an error located at a JSON pointer of the source.
func (s *source) errf(pointer, format string, args ...any) error {
	e := &yamlpos.Error{File: s.file, Path: pointer, Err: fmt.Errorf(format, args...)}
	if n := yamlpos.Lookup(s.root, pointer); n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	return e
}

func header(opts Options, rec *importRecord, kind Kind) string {
	ver := opts.PremarketVersion
	if ver == "" {
		ver = "(unknown version)"
	}
	srcVer := ""
	if rec.ToolVersion != "" {
		srcVer = ", version " + rec.ToolVersion
	}
	lines := []string{
		fmt.Sprintf("Imported by premarket %s from %s (%s%s, sha256 %s).", ver, rec.File, kind.Describe(), srcVer, rec.SHA256),
		"",
		"This is a starting point for a DTM threat model, not an assessment. The source",
		"has no exploitability scale, security impact, safety severity, risk method or",
		"acceptance decisions: every threat's risk is \"unassessed\" and must be assessed",
		"by an engineer (the source's own risk labels are kept under x- keys only as",
		"hints). The risk method, assets, the four FDA architecture views and the",
		"Appendix 1 control categories must be completed too. Elements listing",
		"x-premarket-import-placeholders hold values the schema requires and the source",
		"lacks; imports[0].losses lists what was not carried over.",
		"",
		"Next: premarket threatmodel check <this file>",
	}
	var buf strings.Builder
	for _, l := range lines {
		if l == "" {
			buf.WriteString("#\n")
			continue
		}
		buf.WriteString("# " + l + "\n")
	}
	return buf.String()
}

func encode(d *dtmDoc, head string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(head)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func baseName(p string) string {
	p = strings.TrimRight(p, `/\`)
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		p = p[i+1:]
	}
	if p == "" {
		return "input"
	}
	return p
}

// lossLog counts what an import could not carry over. Each key is a
// sentence; the count is appended when it is above zero.
type lossLog struct {
	counts map[string]int
	order  []string
}

func (l *lossLog) add(what string, n int) {
	if n <= 0 {
		return
	}
	if l.counts == nil {
		l.counts = map[string]int{}
	}
	if _, ok := l.counts[what]; !ok {
		l.order = append(l.order, what)
	}
	l.counts[what] += n
}

// list returns the losses sorted, each with its count.
func (l *lossLog) list() []string {
	out := make([]string, 0, len(l.order))
	for _, k := range l.order {
		out = append(out, fmt.Sprintf("%s (%d)", k, l.counts[k]))
	}
	sort.Strings(out)
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
