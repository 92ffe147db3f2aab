package importer

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The output is written from these structs rather than threatmodel.Model,
// whose fields have no omitempty: an empty description or a null list would
// break the schema. Field order follows the schema; x- keys are inlined and
// sorted by the encoder.

type dtmDoc struct {
	DTMVersion      string          `yaml:"dtmVersion"`
	Model           dtmMeta         `yaml:"model"`
	Device          dtmDevice       `yaml:"device"`
	RiskMethod      dtmRiskMethod   `yaml:"riskMethod"`
	Assets          []*dtmAsset     `yaml:"assets,omitempty"`
	TrustBoundaries []*dtmBoundary  `yaml:"trustBoundaries,omitempty"`
	Components      []*dtmComp      `yaml:"components"`
	Dataflows       []*dtmFlow      `yaml:"dataflows"`
	Views           []*dtmView      `yaml:"views"`
	Controls        []*dtmControl   `yaml:"controls"`
	Threats         []*dtmThreat    `yaml:"threats"`
	Imports         []*importRecord `yaml:"imports"`
	X               map[string]any  `yaml:",inline"`
}

type dtmPerson struct {
	Name    string `yaml:"name"`
	Contact string `yaml:"contact,omitempty"`
	Role    string `yaml:"role,omitempty"`
}

type dtmMeta struct {
	ID          string         `yaml:"id"`
	Title       string         `yaml:"title"`
	Revision    string         `yaml:"revision"`
	Status      string         `yaml:"status"`
	Owners      []dtmPerson    `yaml:"owners,omitempty"`
	Reviewers   []dtmPerson    `yaml:"reviewers,omitempty"`
	Methodology []string       `yaml:"methodology"`
	X           map[string]any `yaml:",inline"`
}

type dtmDevice struct {
	Name            string         `yaml:"name"`
	IntendedUse     string         `yaml:"intendedUse"`
	UseEnvironments []string       `yaml:"useEnvironments"`
	X               map[string]any `yaml:",inline"`
}

type dtmLevel struct {
	ID         string `yaml:"id"`
	Definition string `yaml:"definition,omitempty"`
}

type dtmRiskMethod struct {
	Procedure      string `yaml:"procedure"`
	Exploitability struct {
		Levels []string `yaml:"levels"`
	} `yaml:"exploitability"`
	SafetySeverity struct {
		Levels []dtmLevel `yaml:"levels"`
	} `yaml:"safetySeverity"`
	Acceptance struct {
		Safety map[string][]string `yaml:"safety"`
	} `yaml:"acceptance"`
	X map[string]any `yaml:",inline"`
}

type dtmAsset struct {
	ID             string         `yaml:"id"`
	Name           string         `yaml:"name"`
	Description    string         `yaml:"description,omitempty"`
	Kind           string         `yaml:"kind"`
	SafetyRelevant bool           `yaml:"safetyRelevant"`
	Objectives     []string       `yaml:"objectives,omitempty"`
	X              map[string]any `yaml:",inline"`
}

type dtmBoundary struct {
	ID          string         `yaml:"id"`
	Name        string         `yaml:"name"`
	Description string         `yaml:"description,omitempty"`
	Kind        string         `yaml:"kind"`
	Owner       string         `yaml:"owner"`
	TrustLevel  *int           `yaml:"trustLevel,omitempty"`
	Parent      string         `yaml:"parent,omitempty"`
	X           map[string]any `yaml:",inline"`
}

type dtmCompAssets struct {
	Stored    []string `yaml:"stored,omitempty"`
	Processed []string `yaml:"processed,omitempty"`
}

type dtmComp struct {
	ID               string         `yaml:"id"`
	Name             string         `yaml:"name"`
	Description      string         `yaml:"description,omitempty"`
	Kind             string         `yaml:"kind"`
	DFDType          string         `yaml:"dfdType"`
	Boundary         string         `yaml:"boundary"`
	Parent           string         `yaml:"parent,omitempty"`
	InScope          *bool          `yaml:"inScope,omitempty"`
	OutOfScopeReason string         `yaml:"outOfScopeReason,omitempty"`
	Assets           *dtmCompAssets `yaml:"assets,omitempty"`
	Facts            map[string]any `yaml:"facts,omitempty"`
	X                map[string]any `yaml:",inline"`
}

type dtmEndpoint struct {
	Component string `yaml:"component"`
}

type dtmCarried struct {
	Asset string `yaml:"asset"`
	Kind  string `yaml:"kind"`
}

type dtmCrypto struct {
	Mechanism string `yaml:"mechanism"`
}

type dtmSecurity struct {
	Encryption *dtmCrypto `yaml:"encryption,omitempty"`
}

type dtmFlow struct {
	ID            string         `yaml:"id"`
	Name          string         `yaml:"name"`
	Description   string         `yaml:"description,omitempty"`
	From          dtmEndpoint    `yaml:"from"`
	To            dtmEndpoint    `yaml:"to"`
	Bidirectional bool           `yaml:"bidirectional,omitempty"`
	Carries       []dtmCarried   `yaml:"carries"`
	Protocol      []string       `yaml:"protocol,omitempty"`
	Security      *dtmSecurity   `yaml:"security,omitempty"`
	X             map[string]any `yaml:",inline"`
}

type dtmScope struct {
	Components []string `yaml:"components"`
	Dataflows  []string `yaml:"dataflows"`
}

type dtmView struct {
	ID          string         `yaml:"id"`
	Type        string         `yaml:"type"`
	Title       string         `yaml:"title"`
	Description string         `yaml:"description,omitempty"`
	Scope       *dtmScope      `yaml:"scope,omitempty"`
	X           map[string]any `yaml:",inline"`
}

type dtmControl struct {
	ID            string         `yaml:"id"`
	Title         string         `yaml:"title"`
	Description   string         `yaml:"description,omitempty"`
	FDACategories []string       `yaml:"fdaCategories"`
	Kind          string         `yaml:"kind"`
	Status        string         `yaml:"status"`
	X             map[string]any `yaml:",inline"`
}

type dtmTarget struct {
	Component     string `yaml:"component,omitempty"`
	Dataflow      string `yaml:"dataflow,omitempty"`
	TrustBoundary string `yaml:"trustBoundary,omitempty"`
}

type dtmMitigation struct {
	Control string         `yaml:"control"`
	X       map[string]any `yaml:",inline"`
}

type dtmExploitability struct {
	Level string `yaml:"level"`
}

type dtmRiskPoint struct {
	Exploitability dtmExploitability `yaml:"exploitability"`
	SecurityImpact string            `yaml:"securityImpact"`
}

type dtmAcceptance struct {
	Decision string         `yaml:"decision"`
	Basis    string         `yaml:"basis"`
	X        map[string]any `yaml:",inline"`
}

type dtmRisk struct {
	Pre        dtmRiskPoint   `yaml:"pre"`
	Post       *dtmRiskPoint  `yaml:"post,omitempty"`
	Acceptance *dtmAcceptance `yaml:"acceptance,omitempty"`
	X          map[string]any `yaml:",inline"`
}

type dtmThreat struct {
	ID              string          `yaml:"id"`
	Title           string          `yaml:"title"`
	Description     string          `yaml:"description,omitempty"`
	Stride          []string        `yaml:"stride"`
	OtherCategories []string        `yaml:"otherCategories,omitempty"`
	Targets         []dtmTarget     `yaml:"targets"`
	CWE             []string        `yaml:"cwe,omitempty"`
	Origin          string          `yaml:"origin"`
	Status          string          `yaml:"status"`
	NotApplicable   string          `yaml:"notApplicableReason,omitempty"`
	Mitigations     []dtmMitigation `yaml:"mitigations,omitempty"`
	Risk            *dtmRisk        `yaml:"risk,omitempty"`
	X               map[string]any  `yaml:",inline"`
}

type importRecord struct {
	Source        string   `yaml:"source"`
	File          string   `yaml:"file"`
	SHA256        string   `yaml:"sha256"`
	ToolVersion   string   `yaml:"toolVersion,omitempty"`
	ImportedAt    string   `yaml:"importedAt,omitempty"`
	Losses        []string `yaml:"losses"`
	PremarketVer  string   `yaml:"x-premarket-version,omitempty"`
	SourceFlavour string   `yaml:"x-premarket-source-kind"`
}

// Placeholder values. "unassessed" is the level the checker accepts only on
// threats of origin imported (TM-RISK-007); as a security impact it is not a
// declared level, so TM-RISK-002 reports every imported threat until it is
// assessed.
const (
	unassessed       = "unassessed"
	placeholderAsset = "unassessed-asset"
	placeholderKey   = "x-premarket-import-placeholders"
	noteKey          = "x-premarket-import"
	placeholderText  = "TBD"
)

var idPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._-]{0,63}$`)

// builder accumulates the DTM document of one import.
type builder struct {
	file          string
	kind          Kind
	tool          string // x- prefix: "x-threat-dragon" or "x-otm"
	doc           *dtmDoc
	ids           map[string]bool
	sourceVersion string
	losses        lossLog
	controls      map[string]*dtmControl // normalised mitigation text -> control
	ctlStride     map[string]map[string]bool
	ctlDerived    map[string]bool // control ID -> categories came from keywords
	placeholdersN map[string]int
}

func newBuilder(file string, kind Kind) *builder {
	tool := "x-threat-dragon"
	if kind == KindOTM {
		tool = "x-otm"
	}
	b := &builder{file: file, kind: kind, tool: tool, ids: map[string]bool{},
		controls: map[string]*dtmControl{}, ctlStride: map[string]map[string]bool{}, ctlDerived: map[string]bool{},
		placeholdersN: map[string]int{}}
	d := &dtmDoc{DTMVersion: "0.1", Views: []*dtmView{}, Controls: []*dtmControl{}, Threats: []*dtmThreat{},
		Dataflows: []*dtmFlow{}, Components: []*dtmComp{}}
	d.Model.Revision = "imported"
	d.Model.Status = "draft"
	d.Model.X = map[string]any{}
	d.Device.IntendedUse = "Not recorded in the imported " + kind.Describe() + "; state the device's intended use."
	d.Device.UseEnvironments = []string{"other"}
	d.Device.X = map[string]any{}
	d.X = map[string]any{}
	b.doc = d
	b.placeholder(d.Model.X, "model", "revision")
	b.placeholder(d.Device.X, "device", "intendedUse", "useEnvironments")
	rm := &d.RiskMethod
	rm.Procedure = "Not in the imported source: declare the manufacturer's exploitability levels, safety severity levels and acceptance matrix. The levels below are placeholders and the empty matrix is reported by premarket threatmodel check (TM-RISK-001)."
	rm.Exploitability.Levels = []string{"placeholder-1", "placeholder-2"}
	rm.SafetySeverity.Levels = []dtmLevel{{ID: "placeholder-1"}, {ID: "placeholder-2"}}
	rm.Acceptance.Safety = map[string][]string{}
	rm.X = map[string]any{}
	b.placeholder(rm.X, "riskMethod", "exploitability.levels", "safetySeverity.levels", "acceptance.safety")
	b.losses.add("risk method: none in the source; placeholder levels and an empty acceptance matrix written", 1)
	b.losses.add("device intended use and use environments: none in the source; placeholders written", 1)
	return b
}

// id returns a DTM ID for a source ID: the source ID itself when it fits
// the DTM pattern and is unused, else prefix-<sanitised source ID>, made
// unique with -2, -3, ... Calls in the same order give the same IDs.
func (b *builder) id(src, prefix string) string {
	if idPattern.MatchString(src) && !b.ids[src] && src != unassessed && src != placeholderAsset {
		b.ids[src] = true
		return src
	}
	base := prefix
	if s := sanitizeID(src); s != "" {
		base = prefix + "-" + s
	}
	if len(base) > 60 {
		base = strings.TrimRight(base[:60], "-._")
	}
	cand := base
	for n := 2; b.ids[cand]; n++ {
		cand = fmt.Sprintf("%s-%d", base, n)
	}
	b.ids[cand] = true
	return cand
}

// sanitizeID keeps ASCII letters, digits, '.', '_' and '-', turning runs of
// anything else into one '-'.
func sanitizeID(s string) string {
	var sb strings.Builder
	dash := false
	for _, r := range s {
		ok := r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '_' || r == '-')
		if ok {
			sb.WriteRune(r)
			dash = r == '-'
		} else if !dash && sb.Len() > 0 {
			sb.WriteByte('-')
			dash = true
		}
		if sb.Len() >= 56 {
			break
		}
	}
	return strings.Trim(sb.String(), "-._")
}

// text returns a non-blank single value for a required text field.
func text(s, fallback string) string {
	if strings.TrimSpace(s) == "" {
		return fallback
	}
	return s
}

// placeholder marks a field of an element as a schema-required placeholder.
func (b *builder) placeholder(x map[string]any, what string, fields ...string) {
	var cur []string
	if v, ok := x[placeholderKey].([]string); ok {
		cur = v
	}
	x[placeholderKey] = append(cur, fields...)
	for _, f := range fields {
		b.placeholdersN[what+"."+f]++
	}
}

// strideOf normalises a category label: STRIDE names in any spelling, and
// the CIA triad mapped to the STRIDE threat against each property.
func strideOf(label string) string {
	k := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, label)
	switch k {
	case "s", "spoofing", "spoof", "spoofingidentity":
		return "spoofing"
	case "t", "tampering", "tamper", "tamperingwithdata", "integrity":
		return "tampering"
	case "r", "repudiation":
		return "repudiation"
	case "i", "informationdisclosure", "disclosure", "confidentiality", "disclosureofinformation":
		return "information-disclosure"
	case "d", "denialofservice", "dos", "availability":
		return "denial-of-service"
	case "e", "elevationofprivilege", "elevationofprivileges", "privilegeescalation", "escalationofprivilege":
		return "elevation-of-privilege"
	}
	return ""
}

// privacyAsDisclosure are LINDDUN categories that are disclosures of
// information about a person (LINDDUN's own mapping to STRIDE).
var privacyAsDisclosure = map[string]bool{"linkability": true, "identifiability": true, "detectability": true,
	"disclosureofinformation": true, "nonrepudiation": false}

// categorize turns source labels into STRIDE categories and other
// categories; placeholder reports that no label was a STRIDE (or CIA, or
// LINDDUN disclosure) category, so information-disclosure was written
// because the schema needs one.
func categorize(labels []string) (stride, other []string, placeholder bool) {
	seen := map[string]bool{}
	for _, l := range labels {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if s := strideOf(l); s != "" {
			if !seen[s] {
				seen[s] = true
				stride = append(stride, s)
			}
			continue
		}
		other = append(other, l)
	}
	if len(stride) == 0 {
		for _, o := range other {
			k := strings.ToLower(strings.Map(func(r rune) rune {
				if unicode.IsLetter(r) {
					return r
				}
				return -1
			}, o))
			if privacyAsDisclosure[k] {
				return []string{"information-disclosure"}, other, false
			}
		}
		return []string{"information-disclosure"}, other, true
	}
	return stride, other, false
}

// mapStatus maps a source threat status (Threat Dragon, OTM instance
// states, TMT states as seen in OTM conversions) to a DTM status
// (threat-model-format.md §6.1). ok is false for an unknown status, which
// becomes open.
func mapStatus(s string) (status string, ok bool) {
	k := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
	switch k {
	case "open", "exposed", "autogenerated", "needsinvestigation", "unchecked", "indiscussion", "inprogress", "identified", "new":
		return "open", true
	case "mitigated", "fixed", "resolved":
		return "mitigated", true
	case "accepted":
		return "accepted", true
	case "transferred":
		return "transferred", true
	case "avoided", "eliminated":
		return "avoided", true
	case "notapplicable", "na", "falsepositive":
		return "not-applicable", true
	}
	return "open", false
}

// risk returns the unassessed risk of an imported threat: pre for every
// status that needs one, post and a not-accepted acceptance for the closed
// statuses. "not-accepted" is the conservative reading of a decision the
// source never recorded; the checker reports the disagreement with a closed
// status (TM-RISK-005) until someone records the actual decision.
func (b *builder) risk(t *dtmThreat) {
	if t.Status == "not-applicable" {
		return
	}
	p := dtmRiskPoint{Exploitability: dtmExploitability{Level: unassessed}, SecurityImpact: unassessed}
	r := &dtmRisk{Pre: p}
	b.placeholder(t.X, "threat", "risk.pre")
	if t.Status != "open" {
		q := p
		r.Post = &q
		r.Acceptance = &dtmAcceptance{Decision: "not-accepted", Basis: "matrix", X: map[string]any{
			noteKey: fmt.Sprintf("The source marks this threat %s but records no risk acceptance; assess the risk and record the decision and its basis.", t.Status)}}
		b.placeholder(t.X, "threat", "risk.post", "risk.acceptance")
	}
	t.Risk = r
}

// control returns the control stub for a mitigation text, creating one per
// distinct (whitespace-normalised) text.
func (b *builder) control(txt, srcID, title string, stride []string) *dtmControl {
	norm := strings.Join(strings.Fields(txt), " ")
	key := norm
	if srcID != "" {
		key = "id:" + srcID
	}
	if c, ok := b.controls[key]; ok {
		b.noteStride(c.ID, stride)
		return c
	}
	id := b.idOrSeq(srcID, "CTL", len(b.doc.Controls))
	if title == "" {
		title = shortTitle(norm)
	}
	c := &dtmControl{ID: id, Title: text(title, "Imported mitigation "+id), Description: strings.TrimSpace(txt), Kind: "technical", Status: "planned",
		X: map[string]any{}}
	b.controls[key] = c
	b.doc.Controls = append(b.doc.Controls, c)
	b.noteStride(c.ID, stride)
	if cats := keywordCategories(norm + " " + title); len(cats) > 0 {
		c.FDACategories = cats
		b.ctlDerived[c.ID] = true
	}
	return c
}

func (b *builder) noteStride(id string, stride []string) {
	if b.ctlStride[id] == nil {
		b.ctlStride[id] = map[string]bool{}
	}
	for _, s := range stride {
		b.ctlStride[id][s] = true
	}
}

// shortTitle is the first sentence or line of a text, at most 100 runes.
func shortTitle(s string) string {
	if i := strings.IndexAny(s, "\n"); i > 0 {
		s = s[:i]
	}
	if i := strings.Index(s, ". "); i > 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "."))
	if utf8.RuneCountInString(s) > 100 {
		r := []rune(s)
		s = strings.TrimSpace(string(r[:97])) + "..."
	}
	return s
}

// categoryKeywords derive FDA Appendix 1 categories from mitigation text.
// Words match at their start ("encrypt" matches "encrypted").
var categoryKeywords = []struct {
	cat   string
	words []string
}{
	{"A", []string{"authenticat", "password", "credential", "mfa", "multi-factor", "login", "logon", "certificate"}},
	{"B", []string{"authoriz", "authoris", "permission", "least privilege", "rbac", "role-based", "access control"}},
	{"C", []string{"encrypt", "tls", "https", "http/s", "ssl", "cipher", "cryptograph", "key management"}},
	{"D", []string{"integrity", "signature", "signed", "signing", "checksum", "hmac", "validate", "validation", "sanitiz", "sanitis", "secure boot"}},
	{"E", []string{"confidential"}},
	{"F", []string{"log", "logging", "audit", "monitor", "alert", "intrusion detection"}},
	{"G", []string{"backup", "redundan", "rate limit", "rate-limit", "throttl", "failover", "restore", "retry", "retries", "watchdog"}},
	{"H", []string{"patch", "firmware update", "software update", "update mechanism"}},
}

func keywordCategories(s string) []string {
	low := " " + strings.ToLower(s)
	var out []string
	for _, ck := range categoryKeywords {
		for _, w := range ck.words {
			if containsWordStart(low, w) {
				out = append(out, ck.cat)
				break
			}
		}
	}
	return out
}

func containsWordStart(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		j += i
		if j > 0 {
			r, _ := utf8.DecodeLastRuneInString(s[:j])
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return true
			}
		}
		i = j + 1
	}
}

// strideCategory is the Appendix 1 category protecting the property each
// STRIDE threat violates (authentication, integrity, logging,
// confidentiality, resiliency, authorization).
var strideCategory = map[string]string{"spoofing": "A", "tampering": "D", "repudiation": "F",
	"information-disclosure": "E", "denial-of-service": "G", "elevation-of-privilege": "B"}

// finish completes the controls' categories and notes, the global view
// and the placeholder losses. Called once, after the source is read.
func (b *builder) finish() {
	d := b.doc
	for _, c := range d.Controls {
		how := "keywords of the mitigation text"
		if !b.ctlDerived[c.ID] {
			set := map[string]bool{}
			for s := range b.ctlStride[c.ID] {
				set[strideCategory[s]] = true
			}
			c.FDACategories = sortedKeys(set)
			how = "the STRIDE categories of the threats it mitigates"
			if len(c.FDACategories) == 0 {
				c.FDACategories = []string{"D"}
				how = "nothing (no keyword, no threat): D is a placeholder"
			}
		}
		c.X[noteKey] = "Control stub created from imported mitigation text: review title, kind, status and fdaCategories (derived from " + how + ")."
		b.placeholder(c.X, "control", "fdaCategories", "kind")
		if _, ok := c.X[b.tool+"-state"]; !ok && c.Status == "planned" {
			b.placeholder(c.X, "control", "status")
		}
	}
	if len(d.Controls) > 0 {
		b.losses.add("controls: FDA categories, kind and status are not in the source; stubs derive categories from keywords or the mitigated threats' STRIDE categories", len(d.Controls))
	}
	if len(d.Views) == 0 {
		v := &dtmView{ID: b.id("VIEW-global", "VIEW"), Type: "global-system", Title: text(d.Model.Title, "Imported model") + " (imported diagram)",
			Scope: &dtmScope{Components: []string{"*"}, Dataflows: []string{"*"}}, X: map[string]any{
				noteKey: "Created by the import from the source diagrams: the other three FDA views (multi-patient harm, updatability/patchability, security use cases) and this view's diagram and description must be added."}}
		d.Views = append(d.Views, v)
	}
	b.losses.add("FDA architecture views: none in the source; one global-system view covering everything was written", 1)
	nt := 0
	for _, t := range d.Threats {
		if t.Status != "not-applicable" {
			nt++
		}
	}
	b.losses.add("threat risk: exploitability, security impact and acceptance are not in the source; written as unassessed", nt)
	for _, k := range sortedKeys(b.placeholdersN) {
		b.losses.add("schema-required placeholder written (see x-premarket-import-placeholders): "+k, b.placeholdersN[k])
	}
}

// scalar reports whether v can be a facts value (bool, string, number).
func scalar(v any) bool {
	switch v.(type) {
	case bool, string, int, int64, float64, json.Number:
		return true
	}
	return false
}

// plain converts json.Number values (from yamlpos.Value) into int64 or
// float64 so that x- copies keep their types in YAML.
func plain(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		if f, err := x.Float64(); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f
		}
		return string(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = plain(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plain(e)
		}
		return out
	}
	return v
}

// str returns a string field, accepting numbers and booleans written where
// a string was expected.
func str(m map[string]any, key string) string {
	switch x := m[key].(type) {
	case string:
		return x
	case json.Number:
		return string(x)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// boolean reads a flag written as true/false or "true"/"false".
func boolean(m map[string]any, key string) (val, ok bool) {
	switch x := m[key].(type) {
	case bool:
		return x, true
	case string:
		if v, err := strconv.ParseBool(strings.TrimSpace(x)); err == nil {
			return v, true
		}
	}
	return false, false
}

func num(v any) (float64, bool) {
	if n, ok := v.(json.Number); ok {
		f, err := n.Float64()
		return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
	}
	return 0, false
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func strList(v any) []string {
	var out []string
	for _, e := range list(v) {
		switch x := e.(type) {
		case string:
			out = append(out, x)
		case json.Number:
			out = append(out, string(x))
		}
	}
	return out
}

// componentKind looks up a DTM component kind from a type or name, by
// keyword; "other" when nothing matches.
func componentKind(s string) string {
	low := " " + strings.ToLower(s)
	table := []struct {
		kind  string
		words []string
	}{
		{"mobile-app", []string{"android", "ios", "iphone", "mobile", "phone app", "smartphone"}},
		{"web-client", []string{"browser", "web-client", "web client", "webclient", "web app client", "spa"}},
		{"datastore", []string{"database", "db", "datastore", "data store", "storage", "postgres", "mysql", "mongo", "sql", "redis", "bucket", "s3", "blob", "queue", "cache"}},
		{"gateway", []string{"gateway", "hub", "bridge", "router"}},
		{"hsm", []string{"hsm", "hardware security module"}},
		{"build-system", []string{"build server", "ci/cd", "ci server", "build system", "pipeline", "jenkins"}},
		{"hdo-system", []string{"ehr", "emr", "hospital", "his ", "pacs"}},
		{"cloud-service", []string{"cloud", "azure", "aws", "gcp", "web-service", "web service", "webservice", "api", "backend", "server", "microservice", "lambda"}},
		{"desktop-app", []string{"desktop", "workstation", "windows app"}},
		{"device", []string{"device", "firmware", "sensor", "pump", "implant", "controller", "embedded"}},
	}
	for _, t := range table {
		for _, w := range t.words {
			if containsWordStart(low, w) {
				return t.kind
			}
		}
	}
	return "other"
}
