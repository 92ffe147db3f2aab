package threatmodel

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/premarket/premarket/finding"
)

// Pos locates an element in the file it was read from. Every element of a
// loaded model carries one, so that findings point at the right file and
// line even when the element came from an included fragment.
type Pos struct {
	File   string
	Line   int
	Column int
	// Path is the element's document path in the merged model, e.g.
	// "threats[3]" (indexes count across included files).
	Path string
	// at is the position skeleton of the element (nil for positions made
	// outside the loader); Field navigates it.
	at *posNode
}

// Location converts the position to a finding location.
func (p Pos) Location() finding.Location {
	return finding.Location{File: p.File, Line: p.Line, Column: p.Column, Path: p.Path}
}

// Field returns the position of a field below the element, following a
// dotted path such as "risk.post.exploitability.cvss" (numeric segments
// index sequences). When a segment does not exist it returns the deepest
// position that does, so a finding about a missing field still points at
// the enclosing object.
func (p Pos) Field(path string) Pos {
	if p.at == nil || path == "" {
		return p
	}
	n, q := p.at, p
	for _, seg := range strings.Split(path, ".") {
		next := n.child(seg)
		if next == nil {
			return q
		}
		line, col := next.line, next.col
		if _, err := strconv.Atoi(seg); err == nil && n.kind == yaml.SequenceNode {
			q.Path += "[" + seg + "]"
		} else {
			q.Path += "." + seg
			if n.kind == yaml.MappingNode && next.kind != yaml.ScalarNode {
				line, col = next.keyLine, next.keyCol // a nested object or list: point at its key
			}
		}
		q.Line, q.Column = int(line), int(col)
		n = next
		q.at = n
	}
	return q
}

// Extensions holds an object's "x-" keys as plain values.
type Extensions map[string]any

// Model is a loaded, schema-valid device threat model (DTM).
type Model struct {
	// File is the root file as the user named it; Dir is its directory,
	// against which relative paths (SBOMs, diagrams) resolve.
	File string
	Dir  string
	// Files lists every file read, root first, then includes in order.
	Files []string

	DTMVersion      string           `yaml:"dtmVersion"`
	Meta            Meta             `yaml:"model"`
	Device          Device           `yaml:"device"`
	RiskMethod      RiskMethod       `yaml:"riskMethod"`
	Assumptions     []*Assumption    `yaml:"assumptions"`
	Actors          []*Actor         `yaml:"actors"`
	ThreatActors    []*ThreatActor   `yaml:"threatActors"`
	Assets          []*Asset         `yaml:"assets"`
	TrustBoundaries []*TrustBoundary `yaml:"trustBoundaries"`
	Components      []*Component     `yaml:"components"`
	Dataflows       []*Dataflow      `yaml:"dataflows"`
	Views           []*View          `yaml:"views"`
	Controls        []*Control       `yaml:"controls"`
	Threats         []*Threat        `yaml:"threats"`
	Evidence        []*Evidence      `yaml:"evidence"`
	SBOMs           []*SBOMRef       `yaml:"sboms"`
	Vulnerabilities []*Vulnerability `yaml:"vulnerabilities"`
	Imports         []*ImportRecord  `yaml:"imports"`
	Includes        []string         `yaml:"includes"`
	X               Extensions       `yaml:"-"`
	Pos             Pos              `yaml:"-"`
}

// Person is an owner or reviewer.
type Person struct {
	Name    string `yaml:"name"`
	Contact string `yaml:"contact"`
	Role    string `yaml:"role"`
}

// DocRef names a document in the design history file.
type DocRef struct {
	ID      string `yaml:"id"`
	Title   string `yaml:"title"`
	Version string `yaml:"version"`
	Date    string `yaml:"date"`
	Path    string `yaml:"path"`
	URL     string `yaml:"url"`
}

// Meta is the "model" section: identity and method of the document.
type Meta struct {
	ID                   string            `yaml:"id"`
	Title                string            `yaml:"title"`
	Revision             string            `yaml:"revision"`
	Date                 string            `yaml:"date"`
	Status               string            `yaml:"status"`
	Owners               []Person          `yaml:"owners"`
	Reviewers            []Person          `yaml:"reviewers"`
	Methodology          []string          `yaml:"methodology"`
	MethodologyRationale string            `yaml:"methodologyRationale"`
	RelatedDocuments     []DocRef          `yaml:"relatedDocuments"`
	ControlCategoryNotes map[string]string `yaml:"controlCategoryNotes"`
	RecommendationNotes  map[string]string `yaml:"recommendationNotes"`
	X                    Extensions        `yaml:"-"`
	Pos                  Pos               `yaml:"-"`
}

// ClinicalFunction is a device function that use-case views must cover.
type ClinicalFunction struct {
	ID             string `yaml:"id"`
	Name           string `yaml:"name"`
	SafetyCritical bool   `yaml:"safetyCritical"`
	Pos            Pos    `yaml:"-"`
}

// Device describes the system under analysis.
type Device struct {
	Name              string              `yaml:"name"`
	Manufacturer      string              `yaml:"manufacturer"`
	SoftwareVersions  map[string]string   `yaml:"softwareVersions"`
	IntendedUse       string              `yaml:"intendedUse"`
	UseEnvironments   []string            `yaml:"useEnvironments"`
	CyberDevice       *bool               `yaml:"cyberDevice"`
	ClinicalFunctions []*ClinicalFunction `yaml:"clinicalFunctions"`
	X                 Extensions          `yaml:"-"`
	Pos               Pos                 `yaml:"-"`
}

// Band maps exploitability sub-scores below Below to Level. The last band
// has no bound (Below nil).
type Band struct {
	Level string   `yaml:"level"`
	Below *float64 `yaml:"below"`
}

// Level is a severity level with its definition.
type Level struct {
	ID         string `yaml:"id"`
	Definition string `yaml:"definition"`
}

// RiskMethod is the declared scoring and acceptance method (FDA §V.A.2).
type RiskMethod struct {
	Procedure      string `yaml:"procedure"`
	Exploitability struct {
		Levels     []string `yaml:"levels"`
		Derivation *struct {
			Method string `yaml:"method"`
			Bands  []Band `yaml:"bands"`
		} `yaml:"derivation"`
		PremarketPolicy string `yaml:"premarketPolicy"`
		Rubric          string `yaml:"rubric"`
	} `yaml:"exploitability"`
	SecurityImpact *struct {
		Levels []string `yaml:"levels"`
	} `yaml:"securityImpact"`
	SafetySeverity struct {
		Levels []Level `yaml:"levels"`
	} `yaml:"safetySeverity"`
	Acceptance struct {
		Legend   map[string]string   `yaml:"legend"`
		Safety   map[string][]string `yaml:"safety"`
		Security map[string][]string `yaml:"security"`
	} `yaml:"acceptance"`
	TransferToSafety string `yaml:"transferToSafety"`
	Pos              Pos    `yaml:"-"`
}

// Assumption is an environment or design assumption (FDA §V.A.1).
type Assumption struct {
	ID          string     `yaml:"id"`
	Text        string     `yaml:"text"`
	AppliesTo   []string   `yaml:"appliesTo"`
	ValidatedBy []string   `yaml:"validatedBy"`
	X           Extensions `yaml:"-"`
	Pos         Pos        `yaml:"-"`
}

// Actor is a user role (FDA App. 2); actors can be flow endpoints.
type Actor struct {
	ID          string     `yaml:"id"`
	Name        string     `yaml:"name"`
	Kind        string     `yaml:"kind"`
	Privileges  []string   `yaml:"privileges"`
	Description string     `yaml:"description"`
	X           Extensions `yaml:"-"`
	Pos         Pos        `yaml:"-"`
}

// ThreatActor is an attacker profile.
type ThreatActor struct {
	ID          string     `yaml:"id"`
	Name        string     `yaml:"name"`
	Access      string     `yaml:"access"`
	Description string     `yaml:"description"`
	X           Extensions `yaml:"-"`
	Pos         Pos        `yaml:"-"`
}

// Asset is something worth protecting.
type Asset struct {
	ID             string     `yaml:"id"`
	Name           string     `yaml:"name"`
	Description    string     `yaml:"description"`
	Kind           string     `yaml:"kind"`
	SafetyRelevant bool       `yaml:"safetyRelevant"`
	Objectives     []string   `yaml:"objectives"`
	RubricClass    string     `yaml:"rubricClass"`
	X              Extensions `yaml:"-"`
	Pos            Pos        `yaml:"-"`
}

// TrustBoundary is a containment region.
type TrustBoundary struct {
	ID          string     `yaml:"id"`
	Name        string     `yaml:"name"`
	Description string     `yaml:"description"`
	Kind        string     `yaml:"kind"`
	Owner       string     `yaml:"owner"`
	TrustLevel  *int       `yaml:"trustLevel"`
	Parent      string     `yaml:"parent"`
	X           Extensions `yaml:"-"`
	Pos         Pos        `yaml:"-"`
}

// SoftwareRef points at a component of an SBOM.
type SoftwareRef struct {
	SBOM string `yaml:"sbom"`
	Ref  string `yaml:"ref"`
	Pos  Pos    `yaml:"-"`
}

// Interface is an attack surface of a component.
type Interface struct {
	ID                  string `yaml:"id"`
	Name                string `yaml:"name"`
	Type                string `yaml:"type"`
	Exposure            string `yaml:"exposure"`
	Direction           string `yaml:"direction"`
	EnabledInProduction bool   `yaml:"enabledInProduction"`
	Protocol            *struct {
		Name    string `yaml:"name"`
		Version string `yaml:"version"`
	} `yaml:"protocol"`
	Ports    []string   `yaml:"ports"`
	Channels string     `yaml:"channels"`
	Notes    string     `yaml:"notes"`
	X        Extensions `yaml:"-"`
	Pos      Pos        `yaml:"-"`
	// Component is the ID of the owning component (set by the loader).
	Component string `yaml:"-"`
}

// Component is a data-flow-diagram node.
type Component struct {
	ID                     string   `yaml:"id"`
	Name                   string   `yaml:"name"`
	Description            string   `yaml:"description"`
	Kind                   string   `yaml:"kind"`
	DFDType                string   `yaml:"dfdType"`
	Boundary               string   `yaml:"boundary"`
	Parent                 string   `yaml:"parent"`
	ManufacturerControlled *bool    `yaml:"manufacturerControlled"`
	InScope                *bool    `yaml:"inScope"`
	OutOfScopeReason       string   `yaml:"outOfScopeReason"`
	ClinicalFunctions      []string `yaml:"clinicalFunctions"`
	Assets                 struct {
		Stored    []string `yaml:"stored"`
		Processed []string `yaml:"processed"`
	} `yaml:"assets"`
	Software   []*SoftwareRef `yaml:"software"`
	Facts      map[string]any `yaml:"facts"`
	Interfaces []*Interface   `yaml:"interfaces"`
	Notes      string         `yaml:"notes"`
	X          Extensions     `yaml:"-"`
	Pos        Pos            `yaml:"-"`
}

// IsInScope reports whether the component is in scope (the default).
func (c *Component) IsInScope() bool { return c.InScope == nil || *c.InScope }

// Endpoint is one end of a data flow: a component (optionally through one
// of its interfaces) or an actor.
type Endpoint struct {
	Component string `yaml:"component"`
	Interface string `yaml:"interface"`
	Actor     string `yaml:"actor"`
}

// CryptoSpec names a mechanism and its strength (App. 2 A2-9).
type CryptoSpec struct {
	Mechanism string `yaml:"mechanism"`
	Algorithm string `yaml:"algorithm"`
	KeyBits   int    `yaml:"keyBits"`
	Mode      string `yaml:"mode"`
}

// Carried is an asset moved by a flow and whether it is data, code or a
// command.
type Carried struct {
	Asset string `yaml:"asset"`
	Kind  string `yaml:"kind"`
}

// Dataflow is a communication path.
type Dataflow struct {
	ID            string    `yaml:"id"`
	Name          string    `yaml:"name"`
	Description   string    `yaml:"description"`
	From          Endpoint  `yaml:"from"`
	To            Endpoint  `yaml:"to"`
	Bidirectional bool      `yaml:"bidirectional"`
	Carries       []Carried `yaml:"carries"`
	Protocol      []string  `yaml:"protocol"`
	Security      *struct {
		Authentication *CryptoSpec       `yaml:"authentication"`
		Integrity      *CryptoSpec       `yaml:"integrity"`
		Encryption     *CryptoSpec       `yaml:"encryption"`
		AntiReplay     string            `yaml:"antiReplay"`
		Session        map[string]string `yaml:"session"`
		None           string            `yaml:"none"`
	} `yaml:"security"`
	HandoffFrom string     `yaml:"handoffFrom"`
	OnFailure   string     `yaml:"onFailure"`
	X           Extensions `yaml:"-"`
	Pos         Pos        `yaml:"-"`
}

// Scenario is a multi-patient harm scenario.
type Scenario struct {
	ID          string   `yaml:"id"`
	Description string   `yaml:"description"`
	Path        []string `yaml:"path"`
	Reach       string   `yaml:"reach"`
	Threats     []string `yaml:"threats"`
	Containment []string `yaml:"containment"`
	Pos         Pos      `yaml:"-"`
}

// UpdatePath is an end-to-end update delivery path.
type UpdatePath struct {
	ID                 string   `yaml:"id"`
	Target             string   `yaml:"target"`
	Source             string   `yaml:"source"`
	Steps              []string `yaml:"steps"`
	ThirdPartyPath     string   `yaml:"thirdPartyPath"`
	Authenticity       []string `yaml:"authenticity"`
	RollbackProtection []string `yaml:"rollbackProtection"`
	PipelineControls   []string `yaml:"pipelineControls"`
	UserAction         string   `yaml:"userAction"`
	FailureBehaviour   string   `yaml:"failureBehaviour"`
	TargetDaysToDeploy *int     `yaml:"targetDaysToDeploy"`
	Pos                Pos      `yaml:"-"`
}

// NotUpdatable records software with no update path and why.
type NotUpdatable struct {
	Component string `yaml:"component"`
	Reason    string `yaml:"reason"`
	Pos       Pos    `yaml:"-"`
}

// View types (FDA §V.B.2).
const (
	ViewGlobal         = "global-system"
	ViewMultiPatient   = "multi-patient-harm"
	ViewUpdatability   = "updatability-patchability"
	ViewSecurityUseCse = "security-use-case"
)

// ViewTypes lists the four FDA view types in guidance order.
var ViewTypes = [...]string{ViewGlobal, ViewMultiPatient, ViewUpdatability, ViewSecurityUseCse}

// View is one FDA security architecture view.
type View struct {
	ID          string `yaml:"id"`
	Type        string `yaml:"type"`
	Title       string `yaml:"title"`
	Description string `yaml:"description"`
	Diagram     *struct {
		Path   string `yaml:"path"`
		Format string `yaml:"format"`
	} `yaml:"diagram"`
	NotApplicable *struct {
		Reason string `yaml:"reason"`
	} `yaml:"notApplicable"`
	Scope *struct {
		Components []string `yaml:"components"`
		Dataflows  []string `yaml:"dataflows"`
	} `yaml:"scope"`
	SharedElements    []string        `yaml:"sharedElements"`
	Scenarios         []*Scenario     `yaml:"scenarios"`
	Paths             []*UpdatePath   `yaml:"paths"`
	NotUpdatable      []*NotUpdatable `yaml:"notUpdatable"`
	OperationalState  string          `yaml:"operationalState"`
	AdditionalStates  []string        `yaml:"additionalStates"`
	ClinicalState     string          `yaml:"clinicalState"`
	Sequence          []string        `yaml:"sequence"`
	Threats           []string        `yaml:"threats"`
	ClinicalFunctions []string        `yaml:"clinicalFunctions"`
	X                 Extensions      `yaml:"-"`
	Pos               Pos             `yaml:"-"`
}

// Control is an entry of the security control catalogue.
type Control struct {
	ID                string            `yaml:"id"`
	Title             string            `yaml:"title"`
	Description       string            `yaml:"description"`
	FDACategories     []string          `yaml:"fdaCategories"`
	Recommendations   []string          `yaml:"recommendations"`
	Kind              string            `yaml:"kind"`
	RiskControlOption string            `yaml:"riskControlOption"`
	ImplementedIn     []string          `yaml:"implementedIn"`
	Requirements      []string          `yaml:"requirements"`
	Status            string            `yaml:"status"`
	VerifiedBy        []string          `yaml:"verifiedBy"`
	Documents         []string          `yaml:"documents"`
	Refs              map[string]string `yaml:"refs"`
	X                 Extensions        `yaml:"-"`
	Pos               Pos               `yaml:"-"`
}

// Exploitability is the attacker-side axis of a risk point.
type Exploitability struct {
	Level         string            `yaml:"level"`
	CVSS          string            `yaml:"cvss"`
	CVSS4         string            `yaml:"cvss4"`
	RubricAnswers map[string]string `yaml:"rubricAnswers"`
	Rationale     string            `yaml:"rationale"`
}

// Safety links a risk point to the ISO 14971 hazard analysis.
type Safety struct {
	Severity           string `yaml:"severity"`
	HazardousSituation string `yaml:"hazardousSituation"`
	Harm               string `yaml:"harm"`
	HazardRef          string `yaml:"hazardRef"`
	P2                 string `yaml:"p2"`
}

// RiskPoint is the risk of a threat at one point in time (pre or post).
type RiskPoint struct {
	Exploitability Exploitability `yaml:"exploitability"`
	SecurityImpact string         `yaml:"securityImpact"`
	Safety         *Safety        `yaml:"safety"`
	Evaluation     string         `yaml:"evaluation"`
}

// Acceptance records the risk acceptance decision.
type Acceptance struct {
	Decision    string   `yaml:"decision"`
	Basis       string   `yaml:"basis"`
	Rationale   string   `yaml:"rationale"`
	ApprovedBy  string   `yaml:"approvedBy"`
	Date        string   `yaml:"date"`
	DisclosedIn []string `yaml:"disclosedIn"`
}

// Target is what a threat acts on; exactly one field is set.
type Target struct {
	Component     string `yaml:"component"`
	Dataflow      string `yaml:"dataflow"`
	Interface     string `yaml:"interface"`
	Asset         string `yaml:"asset"`
	TrustBoundary string `yaml:"trustBoundary"`
	Actor         string `yaml:"actor"`
}

// Kind returns the target's kind ("component", "dataflow", ...) and ID.
func (t Target) Kind() (kind, id string) {
	switch {
	case t.Component != "":
		return "component", t.Component
	case t.Dataflow != "":
		return "dataflow", t.Dataflow
	case t.Interface != "":
		return "interface", t.Interface
	case t.Asset != "":
		return "asset", t.Asset
	case t.TrustBoundary != "":
		return "trustBoundary", t.TrustBoundary
	case t.Actor != "":
		return "actor", t.Actor
	}
	return "", ""
}

// Mitigation links a threat to a control.
type Mitigation struct {
	Control string `yaml:"control"`
	Effect  string `yaml:"effect"`
	Note    string `yaml:"note"`
}

// Threat is one analysed threat (or a not-applicable record).
type Threat struct {
	ID              string       `yaml:"id"`
	Title           string       `yaml:"title"`
	Description     string       `yaml:"description"`
	Stride          []string     `yaml:"stride"`
	OtherCategories []string     `yaml:"otherCategories"`
	Targets         []Target     `yaml:"targets"`
	EntryPoints     []string     `yaml:"entryPoints"`
	ThreatActor     string       `yaml:"threatActor"`
	Assets          []string     `yaml:"assets"`
	Assumptions     []string     `yaml:"assumptions"`
	CWE             []string     `yaml:"cwe"`
	CAPEC           []string     `yaml:"capec"`
	AttackTree      string       `yaml:"attackTree"`
	Origin          string       `yaml:"origin"`
	Vulnerabilities []string     `yaml:"vulnerabilities"`
	Status          string       `yaml:"status"`
	NotApplicable   string       `yaml:"notApplicableReason"`
	MultiPatient    bool         `yaml:"multiPatient"`
	Mitigations     []Mitigation `yaml:"mitigations"`
	Risk            *struct {
		Pre        *RiskPoint  `yaml:"pre"`
		Post       *RiskPoint  `yaml:"post"`
		Acceptance *Acceptance `yaml:"acceptance"`
	} `yaml:"risk"`
	Verification []string   `yaml:"verification"`
	X            Extensions `yaml:"-"`
	Pos          Pos        `yaml:"-"`
}

// Pre returns the pre-mitigation risk point or nil.
func (t *Threat) Pre() *RiskPoint {
	if t.Risk == nil {
		return nil
	}
	return t.Risk.Pre
}

// Post returns the post-mitigation risk point or nil.
func (t *Threat) Post() *RiskPoint {
	if t.Risk == nil {
		return nil
	}
	return t.Risk.Post
}

// Acceptance returns the acceptance record or nil.
func (t *Threat) Acceptance() *Acceptance {
	if t.Risk == nil {
		return nil
	}
	return t.Risk.Acceptance
}

// Evidence is a verification record (FDA §V.C).
type Evidence struct {
	ID          string `yaml:"id"`
	Kind        string `yaml:"kind"`
	Title       string `yaml:"title"`
	Document    DocRef `yaml:"document"`
	PerformedBy *struct {
		Organization string `yaml:"organization"`
		Independence string `yaml:"independence"`
	} `yaml:"performedBy"`
	Tools []struct {
		Name     string `yaml:"name"`
		Version  string `yaml:"version"`
		Settings string `yaml:"settings"`
	} `yaml:"tools"`
	Scope    string     `yaml:"scope"`
	Duration string     `yaml:"duration"`
	Result   string     `yaml:"result"`
	X        Extensions `yaml:"-"`
	Pos      Pos        `yaml:"-"`
}

// SBOMRef declares an SBOM document the model refers to.
type SBOMRef struct {
	ID           string     `yaml:"id"`
	Format       string     `yaml:"format"`
	SpecVersion  string     `yaml:"specVersion"`
	Path         string     `yaml:"path"`
	Source       string     `yaml:"source"`
	SerialNumber string     `yaml:"serialNumber"`
	Version      int        `yaml:"version"`
	Describes    string     `yaml:"describes"`
	X            Extensions `yaml:"-"`
	Pos          Pos        `yaml:"-"`
	// Dir is the directory of the file that declared the SBOM; Path and
	// Source resolve against it.
	Dir string `yaml:"-"`
}

// Vulnerability is a known vulnerability and its assessment.
type Vulnerability struct {
	ID            string      `yaml:"id"`
	Aliases       []string    `yaml:"aliases"`
	Component     SoftwareRef `yaml:"component"`
	Affects       []string    `yaml:"affects"`
	KEV           bool        `yaml:"kev"`
	DiscoveredBy  []string    `yaml:"discoveredBy"`
	Status        string      `yaml:"status"`
	Justification string      `yaml:"justification"`
	CVSS          string      `yaml:"cvss"`
	AssessedIn    []string    `yaml:"assessedIn"`
	Remediation   *struct {
		Plan                  string `yaml:"plan"`
		TargetRelease         string `yaml:"targetRelease"`
		TargetDate            string `yaml:"targetDate"`
		FieldedDevicesUpdated *bool  `yaml:"fieldedDevicesUpdated"`
	} `yaml:"remediation"`
	X   Extensions `yaml:"-"`
	Pos Pos        `yaml:"-"`
}

// ImportRecord is the provenance of imported content.
type ImportRecord struct {
	Source      string     `yaml:"source"`
	File        string     `yaml:"file"`
	SHA256      string     `yaml:"sha256"`
	ToolVersion string     `yaml:"toolVersion"`
	ImportedAt  string     `yaml:"importedAt"`
	Losses      []string   `yaml:"losses"`
	X           Extensions `yaml:"-"`
	Pos         Pos        `yaml:"-"`
}
