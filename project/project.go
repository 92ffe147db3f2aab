// Package project loads a device's project files: premarket.yaml, which
// says what the device is, where its build outputs, support data and
// threat model are, and how far the labeling, management plan, testing and
// documentation items are; and components.yaml, the manufacturer's support
// data per SBOM component.
//
// Both files are validated against their embedded JSON Schemas
// (schemas/premarket.schema.json, schemas/components.schema.json) before
// they are decoded, so every problem is reported with file, line, column
// and field, and the typed structs returned are known to be well formed.
package project

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/premarket/premarket/schemas"
	"github.com/premarket/premarket/yamlpos"
)

// FileName is the name of the project file inside a project directory.
const FileName = "premarket.yaml"

// DefaultDocumentName names the evidence pack PDF when the project does
// not set submission.documentName.
const DefaultDocumentName = "Cybersecurity Evidence Pack"

// projectLimits bound what a project file may cost to read. Project files are
// hand written and small; 4 MiB is far above any real one.
var projectLimits = yamlpos.Limits{MaxBytes: 4 << 20, MaxDepth: 64, MaxNodes: 200_000}

// Project is a validated premarket.yaml. Paths in it are resolved against
// the project directory.
type Project struct {
	// Dir is the project directory as given to Load; File is the project
	// file inside it.
	Dir  string `yaml:"-"`
	File string `yaml:"-"`
	// Doc is the parsed file, kept so that later checks can point at lines.
	Doc *yamlpos.Doc `yaml:"-"`

	PremarketVersion int             `yaml:"premarketVersion"`
	Device           Device          `yaml:"device"`
	Manufacturer     Manufacturer    `yaml:"manufacturer"`
	Submission       Submission      `yaml:"submission"`
	SBOM             SBOMConfig      `yaml:"sbom"`
	ThreatModel      *ThreatModelRef `yaml:"threatModel"`
	Labeling         map[string]Item `yaml:"labeling"`       // LBL-1 .. LBL-14
	ManagementPlan   map[string]Item `yaml:"managementPlan"` // CMP-1 .. CMP-9
	Testing          *Testing        `yaml:"testing"`
	Documents        map[string]Item `yaml:"documents"` // DOC-01 .. DOC-19
}

// Device is the described product (CycloneDX metadata.component).
type Device struct {
	Name            string `yaml:"name"`
	Model           string `yaml:"model"`
	SoftwareVersion string `yaml:"softwareVersion"`
	Type            string `yaml:"type"` // "device" or "firmware"
	Description     string `yaml:"description"`
	PURL            string `yaml:"purl"`
	CPE             string `yaml:"cpe"`
}

// Manufacturer is the sponsor of the submission.
type Manufacturer struct {
	Name     string    `yaml:"name"`
	URL      string    `yaml:"url"`
	Address  *Address  `yaml:"address"`
	Contacts []Contact `yaml:"contacts"`
}

// Address uses the field names of CycloneDX 1.6 postalAddress.
type Address struct {
	StreetAddress       string `yaml:"streetAddress"`
	PostOfficeBoxNumber string `yaml:"postOfficeBoxNumber"`
	Locality            string `yaml:"locality"`
	Region              string `yaml:"region"`
	PostalCode          string `yaml:"postalCode"`
	Country             string `yaml:"country"`
}

// Contact is a person or team to contact.
type Contact struct {
	Name  string `yaml:"name"`
	Role  string `yaml:"role"`
	Email string `yaml:"email"`
	Phone string `yaml:"phone"`
}

// Submission describes the premarket submission.
type Submission struct {
	Type                 string `yaml:"type"`
	CyberDevice          bool   `yaml:"cyberDevice"`
	CyberDeviceRationale string `yaml:"cyberDeviceRationale"`
	ProductCode          string `yaml:"productCode"`
	RegulationNumber     string `yaml:"regulationNumber"`
	// DocumentName is the descriptive name of the evidence pack PDF;
	// Load fills in DefaultDocumentName when the file leaves it out.
	DocumentName string `yaml:"documentName"`
}

// Subject524B reports whether FD&C Act section 524B(a) applies: the device
// is a cyber device and the submission is a 510(k), PMA, PDP, De Novo or
// HDE (supplements and 510(k) variants included).
func (s Submission) Subject524B() bool {
	if !s.CyberDevice {
		return false
	}
	switch s.Type {
	case "IDE", "Pre-Submission":
		return false
	}
	return s.Type != ""
}

// SBOMConfig says how to build the SBOM.
type SBOMConfig struct {
	Authors []string `yaml:"authors"`
	// Supplier of the primary component; Load fills in the manufacturer's
	// name when the file leaves it out.
	Supplier string  `yaml:"supplier"`
	Inputs   []Input `yaml:"inputs"`
	// Firmware lists separately built software items, each with its own
	// inputs; each becomes a component under the device.
	Firmware    []Firmware `yaml:"firmware"`
	Components  string     `yaml:"components"` // resolved path of components.yaml, "" when not set
	Output      string     `yaml:"output"`     // resolved path, "" when not set
	SpecVersion string     `yaml:"specVersion"`
}

// Firmware is one separately built software item of the device.
type Firmware struct {
	Name        string  `yaml:"name"`
	Version     string  `yaml:"version"`
	Type        string  `yaml:"type"` // firmware (default), application or operating-system
	Description string  `yaml:"description"`
	PURL        string  `yaml:"purl"`
	CPE         string  `yaml:"cpe"`
	Inputs      []Input `yaml:"inputs"`
}

// Input is one build output or SBOM to read.
type Input struct {
	Path string `yaml:"path"` // resolved against the project directory
	Kind string `yaml:"kind"` // "" means detect from content
	// Line and Column locate the entry in premarket.yaml.
	Line   int `yaml:"-"`
	Column int `yaml:"-"`
}

// ThreatModelRef points at the threat model file. premarket.yaml may give
// it as a plain path or as {path: ...}.
type ThreatModelRef struct {
	Path string `yaml:"path"`
}

// UnmarshalYAML accepts both spellings.
func (t *ThreatModelRef) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		t.Path = n.Value
		return nil
	}
	type plain ThreatModelRef
	return n.Decode((*plain)(t))
}

// Item statuses.
const (
	StatusProvided      = "provided"
	StatusPartial       = "partial"
	StatusMissing       = "missing"
	StatusNotApplicable = "not-applicable"
)

// Item is the status of one catalogued item (LBL-n, CMP-n, TST-n, PT-n,
// DOC-nn) and where its evidence is.
type Item struct {
	Status    string `yaml:"status"`
	Reference string `yaml:"reference"`
	Reason    string `yaml:"reason"`
	// Line and Column locate the item in premarket.yaml.
	Line   int `yaml:"-"`
	Column int `yaml:"-"`
}

// UnmarshalYAML accepts the documents shorthand, a bare reference string
// meaning {status: provided, reference: ...}; the schema allows the
// shorthand only under documents.
func (it *Item) UnmarshalYAML(n *yaml.Node) error {
	it.Line, it.Column = n.Line, n.Column
	if n.Kind == yaml.ScalarNode {
		it.Status, it.Reference = StatusProvided, n.Value
		return nil
	}
	type plain Item
	p := plain{Line: n.Line, Column: n.Column}
	if err := n.Decode(&p); err != nil {
		return err
	}
	*it = Item(p)
	return nil
}

// Items maps catalogue IDs (LBL-1, CMP-3, DOC-06, ...) to their status.
// IDs the file leaves out are absent from the map; callers treat them as
// missing.
type Items map[string]Item

// UnmarshalYAML decodes a mapping of items, skipping x- extension keys.
func (m *Items) UnmarshalYAML(n *yaml.Node) error {
	return decodeItems(n, m, nil)
}

// decodeItems decodes the item members of mapping n into *m; when other
// is not nil it is called for non-item keys (and reports whether it took
// the key).
func decodeItems(n *yaml.Node, m *Items, other func(k string, v *yaml.Node) (bool, error)) error {
	*m = Items{}
	n = yamlpos.Resolve(n)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i].Value, yamlpos.Resolve(n.Content[i+1])
		if strings.HasPrefix(k, "x-") {
			continue
		}
		if other != nil {
			took, err := other(k, v)
			if err != nil {
				return err
			}
			if took {
				continue
			}
		}
		var it Item
		if err := v.Decode(&it); err != nil {
			return err
		}
		(*m)[k] = it
	}
	return nil
}

// Testing holds the testing items and the tools used.
type Testing struct {
	// Items maps TST-1..TST-4 and PT-1..PT-5 to their status.
	Items Items
	Tools []Tool
}

// UnmarshalYAML splits the flat testing mapping into items and tools.
func (t *Testing) UnmarshalYAML(n *yaml.Node) error {
	return decodeItems(n, &t.Items, func(k string, v *yaml.Node) (bool, error) {
		if k != "tools" {
			return false, nil
		}
		return true, v.Decode(&t.Tools)
	})
}

// Tool is a test tool and the version used.
type Tool struct {
	Name          string   `yaml:"name"`
	Version       string   `yaml:"version"`
	Configuration string   `yaml:"configuration"`
	UsedFor       []string `yaml:"usedFor"`
}

// ValidationError lists every located problem found in a project file.
// Each entry prints as "file:line:col: field: message".
type ValidationError struct {
	Errors []*yamlpos.Error
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	for i, x := range e.Errors {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(x.Error())
	}
	return b.String()
}

// Load reads DIR/premarket.yaml, validates it against
// premarket.schema.json and decodes it. Problems in the file come back as
// a *ValidationError; an unreadable file as an ordinary error.
func Load(dir string) (*Project, error) {
	file := filepath.Join(dir, FileName)
	doc, err := readDoc(file, projectLimits)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no %s in %s: %w", FileName, dir, err)
		}
		return nil, err
	}
	return decodeProject(dir, file, doc)
}

// Parse is Load for the contents of a premarket.yaml already read; dir is
// the project directory paths are resolved against.
func Parse(dir string, data []byte) (*Project, error) {
	file := filepath.Join(dir, FileName)
	doc, err := yamlpos.Parse(file, data, projectLimits)
	if err != nil {
		return nil, asValidation(err)
	}
	return decodeProject(dir, file, doc)
}

func decodeProject(dir, file string, doc *yamlpos.Doc) (*Project, error) {
	if err := validate("premarket.schema.json", doc); err != nil {
		return nil, err
	}
	p := &Project{Dir: dir, File: file, Doc: doc}
	if err := doc.Root.Decode(p); err != nil {
		// The schema has already checked the shapes; this is a bug guard.
		return nil, &ValidationError{Errors: []*yamlpos.Error{{File: file, Err: fmt.Errorf("decode after validation: %w", err)}}}
	}
	p.locateInputs()
	p.resolve()
	if p.Submission.DocumentName == "" {
		p.Submission.DocumentName = DefaultDocumentName
	}
	if p.SBOM.Supplier == "" {
		p.SBOM.Supplier = p.Manufacturer.Name
	}
	return p, nil
}

// readDoc reads a YAML file, turning located parse errors into a
// *ValidationError so callers see one error type for every problem that
// lies inside the file.
func readDoc(file string, lim yamlpos.Limits) (*yamlpos.Doc, error) {
	doc, err := yamlpos.ReadFile(file, lim)
	if err != nil {
		return nil, asValidation(err)
	}
	return doc, nil
}

// asValidation wraps a located *yamlpos.Error in a *ValidationError and
// returns other errors unchanged.
func asValidation(err error) error {
	var ye *yamlpos.Error
	if errors.As(err, &ye) {
		return &ValidationError{Errors: []*yamlpos.Error{ye}}
	}
	return err
}

func validate(schema string, doc *yamlpos.Doc) error {
	vs, err := schemas.Validate(schema, doc)
	if err != nil {
		return err
	}
	if len(vs) > 0 {
		return &ValidationError{Errors: vs}
	}
	return nil
}

// locateInputs records where each sbom.inputs entry is written.
func (p *Project) locateInputs() {
	sb := yamlpos.Child(p.Doc.Root, "sbom")
	locate(p.SBOM.Inputs, yamlpos.Child(sb, "inputs"))
	fw := yamlpos.Child(sb, "firmware")
	for i := range p.SBOM.Firmware {
		locate(p.SBOM.Firmware[i].Inputs, yamlpos.Child(yamlpos.Child(fw, strconv.Itoa(i)), "inputs"))
	}
}

func locate(inputs []Input, seq *yaml.Node) {
	if seq == nil {
		return
	}
	for i := range inputs {
		if i < len(seq.Content) {
			inputs[i].Line, inputs[i].Column = seq.Content[i].Line, seq.Content[i].Column
		}
	}
}

// resolve makes every path relative to the project directory.
func (p *Project) resolve() {
	for i := range p.SBOM.Inputs {
		p.SBOM.Inputs[i].Path = p.Path(p.SBOM.Inputs[i].Path)
	}
	for _, fw := range p.SBOM.Firmware {
		for i := range fw.Inputs {
			fw.Inputs[i].Path = p.Path(fw.Inputs[i].Path)
		}
	}
	p.SBOM.Components = p.Path(p.SBOM.Components)
	p.SBOM.Output = p.Path(p.SBOM.Output)
	if p.ThreatModel != nil {
		p.ThreatModel.Path = p.Path(p.ThreatModel.Path)
	}
}

// Path resolves a path written in premarket.yaml against the project
// directory. Absolute paths and "" are returned unchanged.
func (p *Project) Path(rel string) string {
	if rel == "" || filepath.IsAbs(rel) {
		return rel
	}
	return filepath.Join(p.Dir, filepath.FromSlash(rel))
}

// MissingFiles returns the referenced files (inputs, components.yaml,
// threat model) that do not exist, sorted, so a command can report them
// before doing any work. Load itself does not require them to exist: a
// project may name a threat model that is still being written.
func (p *Project) MissingFiles() []string {
	var paths []string
	for _, in := range p.SBOM.Inputs {
		paths = append(paths, in.Path)
	}
	for _, fw := range p.SBOM.Firmware {
		for _, in := range fw.Inputs {
			paths = append(paths, in.Path)
		}
	}
	paths = append(paths, p.SBOM.Components)
	if p.ThreatModel != nil {
		paths = append(paths, p.ThreatModel.Path)
	}
	var out []string
	for _, f := range paths {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}
