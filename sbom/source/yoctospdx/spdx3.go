package yoctospdx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/premarket/premarket/internal/jsonpos"
	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/license"
	"github.com/premarket/premarket/sbom/spdx"
)

// KindSPDX3 is the reader kind of SPDX 3.0 JSON-LD.
const KindSPDX3 = "spdx3-jsonld"

// SPDX 3 limits.
const (
	DefaultSPDX3MaxBytes = 512 << 20
	MaxSPDX3Elements     = 5_000_000
)

// SPDX3Reader reads SPDX 3.0.x JSON-LD ({"@context": ".../spdx.org/rdf/3.0.x/...",
// "@graph": [...]}) as written by Yocto's create-spdx-3.0 (kind
// "spdx3-jsonld"):
//
//   - software_Package elements become components, except source and patch
//     downloads (primaryPurpose "source"/"patch"); files are not components;
//   - the Primary component is the first package among the rootElement of
//     the software_Sbom element (else of the SpdxDocument);
//   - name, software_packageVersion, software_packageUrl (or an
//     externalIdentifier "packageUrl"), externalIdentifier "cpe23" (else
//     "cpe22"), software_homePage, software_downloadLocation, summary or
//     description, verifiedUsing hashes, suppliedBy (the agent's name);
//   - licence: the simplelicensing_LicenseExpression a hasDeclaredLicense
//     (else hasConcludedLicense) relationship points to;
//   - dependencies: contains, dependsOn (any lifecycle scope),
//     hasStaticLink and hasDynamicLink between two packages;
//   - recipe: the name of the build_Build that hasOutput the package, up
//     to its first ":" (Yocto names builds "<PN>:do_<task>:<name>"), as
//     premarket:build:recipe;
//   - CVE status: each security_Vex*VulnAssessmentRelationship from a
//     security_Vulnerability (named by its "cve" externalIdentifier) to a
//     package sets premarket:yocto:cve:<id> to fixed, not_affected,
//     affected or under_investigation; a justification and an impact
//     statement, when present, go to premarket:yocto:cve:<id>:justification
//     and :statement;
//   - CreationInfo: created is the Timestamp, createdBy agents the
//     Authors, createdUsing tools the Tools.
//
// When the document was made by OpenEmbedded (a build type or tool of
// OpenEmbedded), components also get premarket:build:system=yocto.
type SPDX3Reader struct {
	// MaxBytes bounds the input; 0 means DefaultSPDX3MaxBytes.
	MaxBytes int64
}

var _ sbom.Reader = (*SPDX3Reader)(nil)

// Kind implements sbom.Reader.
func (*SPDX3Reader) Kind() string { return KindSPDX3 }

var spdx3Context = regexp.MustCompile(`"@context"\s*:\s*(?:\[[^\]]*)?"[^"]*spdx\.org/rdf/3\.0`)

// Detect implements sbom.Reader: a JSON object whose "@context" names the
// SPDX 3.0 context (spdx.org/rdf/3.0...).
func (*SPDX3Reader) Detect(_ string, head []byte) bool {
	t := bytes.TrimLeft(head, " \t\r\n\ufeff")
	return len(t) > 0 && t[0] == '{' && spdx3Context.Match(t)
}

// ids is a JSON value that may be one id string, an object with spdxId
// or @id, or a list of those.
type ids []string

func (v *ids) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return nil
	}
	switch b[0] {
	case '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*v = append(*v, s)
	case '{':
		var o struct {
			SpdxID string `json:"spdxId"`
			ID     string `json:"@id"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		if id := firstNonEmpty(o.SpdxID, o.ID); id != "" {
			*v = append(*v, id)
		}
	case '[':
		var raw []json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			return err
		}
		for _, r := range raw {
			if err := v.UnmarshalJSON(r); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("want an id, object or list, got %.20s", b)
	}
	return nil
}

// element holds the SPDX 3 properties read here, for every class.
type element struct {
	Type   string `json:"type"`
	AtType string `json:"@type"`
	SpdxID string `json:"spdxId"`
	AtID   string `json:"@id"`
	Name   string `json:"name"`

	CreationInfo json.RawMessage `json:"creationInfo"`
	Created      string          `json:"created"`
	CreatedBy    ids             `json:"createdBy"`
	CreatedUsing ids             `json:"createdUsing"`
	SpecVersion  string          `json:"specVersion"`
	RootElement  ids             `json:"rootElement"`

	PackageVersion   string `json:"software_packageVersion"`
	PrimaryPurpose   string `json:"software_primaryPurpose"`
	PackageURL       string `json:"software_packageUrl"`
	HomePage         string `json:"software_homePage"`
	DownloadLocation string `json:"software_downloadLocation"`
	Summary          string `json:"summary"`
	Description      string `json:"description"`
	SuppliedBy       ids    `json:"suppliedBy"`
	BuildType        string `json:"build_buildType"`

	ExternalIdentifier []struct {
		Type       string `json:"externalIdentifierType"`
		Identifier string `json:"identifier"`
	} `json:"externalIdentifier"`
	VerifiedUsing []struct {
		Algorithm string `json:"algorithm"`
		HashValue string `json:"hashValue"`
	} `json:"verifiedUsing"`

	From             ids    `json:"from"`
	To               ids    `json:"to"`
	RelationshipType string `json:"relationshipType"`
	Justification    string `json:"security_justificationType"`
	Impact           string `json:"security_impactStatement"`

	LicenseExpression string `json:"simplelicensing_licenseExpression"`

	index int
}

func (e *element) typ() string {
	t := firstNonEmpty(e.Type, e.AtType)
	// Expanded IRIs: keep the local name, with the profile prefix Yocto's
	// compact form uses ("https://spdx.org/rdf/3.0.1/terms/Software/Package").
	if i := strings.Index(t, "/terms/"); i >= 0 {
		rest := t[i+len("/terms/"):]
		prof, cls, ok := strings.Cut(rest, "/")
		if ok && prof != "Core" {
			return strings.ToLower(prof) + "_" + cls
		}
		return cls
	}
	return t
}

func (e *element) id() string { return firstNonEmpty(e.SpdxID, e.AtID) }

// Read implements sbom.Reader.
func (r *SPDX3Reader) Read(ctx context.Context, name string, data []byte) (*sbom.Document, error) {
	perr := func(line int, err error) error {
		return &sbom.ParseError{Kind: "SPDX 3 JSON-LD", File: name, Line: line, Err: err}
	}
	limit := r.MaxBytes
	if limit <= 0 {
		limit = DefaultSPDX3MaxBytes
	}
	if int64(len(data)) > limit {
		return nil, perr(0, fmt.Errorf("file is %d bytes, larger than the limit of %d: %w", len(data), limit, ErrLimit))
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, perr(jsonpos.LineAt(data, int64(i)), errors.New("binary data (NUL byte)"))
	}
	ctxRaw, graph, offs, err := decodeTop(data)
	if err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, perr(jsonpos.LineAt(data, se.Offset), fmt.Errorf("not valid JSON: %v", se))
		}
		return nil, perr(0, fmt.Errorf("not an SPDX 3 JSON-LD document: %w", err))
	}
	if !bytes.Contains(ctxRaw, []byte("spdx.org/rdf/3.0")) {
		return nil, perr(0, errors.New(`"@context" does not name the SPDX 3.0 context`))
	}
	if len(graph) == 0 {
		return nil, perr(0, errors.New(`"@graph" is missing or empty`))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	elems := make([]*element, 0, len(graph))
	byID := map[string]*element{}
	for i, raw := range graph {
		e := &element{index: i}
		if err := json.Unmarshal(raw, e); err != nil {
			return nil, perr(jsonpos.LineAt(data, offs[i]), fmt.Errorf("@graph[%d]: %v", i, err))
		}
		elems = append(elems, e)
		if id := e.id(); id != "" {
			if _, dup := byID[id]; !dup {
				byID[id] = e
			}
		}
	}
	return build3(ctx, name, data, offs, elems, byID)
}

var vexStatus = map[string]string{
	"security_VexFixedVulnAssessmentRelationship":              "fixed",
	"security_VexNotAffectedVulnAssessmentRelationship":        "not_affected",
	"security_VexAffectedVulnAssessmentRelationship":           "affected",
	"security_VexUnderInvestigationVulnAssessmentRelationship": "under_investigation",
}

var vexByRelType = map[string]string{
	"fixedIn": "fixed", "doesNotAffect": "not_affected", "affects": "affected", "underInvestigationFor": "under_investigation",
}

func build3(ctx context.Context, name string, data []byte, offs []int64, elems []*element, byID map[string]*element) (*sbom.Document, error) {
	doc := &sbom.Document{Format: "SPDX", Source: name, Loc: sbom.Location{File: name, Line: 1, Column: 1}}
	lic := license.NewCache()
	isPkg := func(e *element) bool {
		t := e.typ()
		return t == "software_Package" || t == "Package"
	}
	yocto := false
	comps := map[string]*sbom.Component{}
	var order []string
	for _, e := range elems {
		if e.typ() == "build_Build" && strings.Contains(strings.ToLower(e.BuildType), "openembedded") {
			yocto = true
		}
		if e.typ() == "Tool" && (strings.HasPrefix(e.Name, "oe-spdx-creator") || strings.Contains(e.Name, "OpenEmbedded")) {
			yocto = true
		}
	}
	// Root and creation info.
	var rootIDs []string
	var ci *element
	for _, t := range []string{"software_Sbom", "SpdxDocument"} {
		for _, e := range elems {
			if e.typ() == t {
				if len(rootIDs) == 0 {
					rootIDs = e.RootElement
				}
				if doc.SerialNumber == "" {
					doc.SerialNumber = e.id()
					doc.Name = e.Name
				}
				if ci == nil {
					ci = creationInfo(e, byID)
				}
			}
		}
	}
	if ci == nil {
		for _, e := range elems {
			if e.typ() == "CreationInfo" {
				ci = e
				break
			}
		}
	}
	if ci != nil {
		doc.Timestamp = ci.Created
		doc.SpecVersion = "SPDX-" + ci.SpecVersion
		for _, id := range ci.CreatedBy {
			if a := byID[id]; a != nil && a.Name != "" {
				doc.Authors = append(doc.Authors, a.Name)
			}
		}
		for _, id := range ci.CreatedUsing {
			if a := byID[id]; a != nil && a.Name != "" {
				doc.Tools = append(doc.Tools, a.Name)
			}
		}
	}
	if doc.SpecVersion == "SPDX-" {
		doc.SpecVersion = "SPDX-3.0"
	}
	idx := newLines(data)
	for _, e := range elems {
		if !isPkg(e) {
			continue
		}
		switch strings.ToLower(e.PrimaryPurpose) {
		case "source", "patch":
			continue
		}
		if len(comps)%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		path := "@graph[" + strconv.Itoa(e.index) + "]"
		line, col := 0, 0
		line, col = idx.at(offs[e.index])
		c := &sbom.Component{
			Ref:         e.id(),
			Type:        purpose3(e.PrimaryPurpose),
			Name:        e.Name,
			Version:     e.PackageVersion,
			PURL:        e.PackageURL,
			Homepage:    e.HomePage,
			DownloadURL: spdx.Value(e.DownloadLocation),
			Description: firstNonEmpty(e.Summary, e.Description),
			Loc:         sbom.Location{File: name, Line: line, Column: col, Path: path},
			Origins:     []sbom.Origin{{Kind: KindSPDX3, File: name, Line: line, Path: path}},
		}
		if c.Ref == "" {
			c.Ref = path
		}
		for _, x := range e.ExternalIdentifier {
			switch x.Type {
			case "cpe23":
				if !strings.HasPrefix(c.CPE, "cpe:2.3:") {
					c.CPE = x.Identifier
				}
			case "cpe22":
				if c.CPE == "" {
					c.CPE = x.Identifier
				}
			case "packageUrl":
				if c.PURL == "" {
					c.PURL = x.Identifier
				}
			}
		}
		for _, h := range e.VerifiedUsing {
			if h.HashValue != "" {
				c.Hashes = append(c.Hashes, sbom.Hash{Alg: hashAlg(h.Algorithm), Value: strings.ToLower(h.HashValue)})
			}
		}
		for _, s := range e.SuppliedBy {
			if a := byID[s]; a != nil && a.Name != "" {
				c.Supplier = a.Name
				break
			}
		}
		if yocto {
			c.Properties = append(c.Properties, sbom.Property{Name: "premarket:build:system", Value: "yocto"})
		}
		if e.PrimaryPurpose != "" {
			c.Properties = append(c.Properties, sbom.Property{Name: "premarket:spdx:primary-purpose", Value: e.PrimaryPurpose})
		}
		comps[c.Ref] = c
		order = append(order, c.Ref)
	}

	declared := map[string]string{}
	concluded := map[string]string{}
	deps := map[string]map[string]bool{}
	addDep := func(from, to string) {
		if from == to || comps[from] == nil || comps[to] == nil {
			return
		}
		if deps[from] == nil {
			deps[from] = map[string]bool{}
		}
		deps[from][to] = true
	}
	type vexHit struct{ cve, status, just, stmt string }
	vex := map[string][]vexHit{}
	for _, e := range elems {
		t := e.typ()
		status, isVex := vexStatus[t]
		if !isVex && t == "security_VexVulnAssessmentRelationship" {
			status, isVex = vexByRelType[e.RelationshipType]
		}
		if isVex {
			// A VEX statement: from is the vulnerability, to the packages.
			for _, from := range e.From {
				cve := vulnName(byID[from], from)
				for _, to := range e.To {
					if comps[to] != nil {
						vex[to] = append(vex[to], vexHit{cve: cve, status: status, just: e.Justification, stmt: e.Impact})
					}
				}
			}
			continue
		}
		if t != "Relationship" && t != "LifecycleScopedRelationship" {
			continue
		}
		for _, from := range e.From {
			switch e.RelationshipType {
			case "hasDeclaredLicense", "hasConcludedLicense":
				for _, to := range e.To {
					if l := byID[to]; l != nil && l.LicenseExpression != "" {
						if e.RelationshipType == "hasDeclaredLicense" {
							declared[from] = l.LicenseExpression
						} else {
							concluded[from] = l.LicenseExpression
						}
					}
				}
			case "contains", "dependsOn", "hasStaticLink", "hasDynamicLink":
				for _, to := range e.To {
					addDep(from, to)
				}
			case "hasOutput":
				if b := byID[from]; b != nil && b.typ() == "build_Build" && b.Name != "" {
					recipe, _, _ := strings.Cut(b.Name, ":")
					for _, to := range e.To {
						if c := comps[to]; c != nil {
							c.SetProperty("premarket:build:recipe", recipe)
						}
					}
				}
			}
		}
	}
	for ref, c := range comps {
		if l := spdx.Licence(lic, declared[ref], concluded[ref]); l != nil {
			c.Licenses = []sbom.License{*l}
		}
		hits := vex[ref]
		sort.SliceStable(hits, func(i, j int) bool { return hits[i].cve < hits[j].cve })
		for _, h := range hits {
			c.SetProperty(PropCVEPrefix+h.cve, h.status)
			if h.just != "" {
				c.SetProperty(PropCVEPrefix+h.cve+":justification", h.just)
			}
			if h.stmt != "" {
				c.SetProperty(PropCVEPrefix+h.cve+":statement", h.stmt)
			}
		}
	}
	for _, id := range rootIDs {
		if c := comps[id]; c != nil {
			doc.Primary = c
			break
		}
	}
	for _, ref := range order {
		if c := comps[ref]; c != doc.Primary {
			doc.Components = append(doc.Components, c)
		}
	}
	if doc.Primary != nil {
		doc.Supplier = doc.Primary.Supplier
	}
	for from, set := range deps {
		d := sbom.Dependency{Ref: from, DependsOn: []string{}}
		for to := range set {
			d.DependsOn = append(d.DependsOn, to)
		}
		doc.Dependencies = append(doc.Dependencies, d)
	}
	doc.SortComponents()
	return doc, nil
}

// creationInfo resolves an element's creationInfo (inline or by id).
func creationInfo(e *element, byID map[string]*element) *element {
	raw := bytes.TrimSpace(e.CreationInfo)
	if len(raw) == 0 {
		return nil
	}
	if raw[0] == '"' {
		var id string
		if json.Unmarshal(raw, &id) == nil {
			return byID[id]
		}
		return nil
	}
	var ci element
	if json.Unmarshal(raw, &ci) != nil {
		return nil
	}
	return &ci
}

// vulnName returns a vulnerability's CVE id, else its name, else its id.
func vulnName(v *element, id string) string {
	if v != nil {
		for _, x := range v.ExternalIdentifier {
			if x.Type == "cve" && x.Identifier != "" {
				return x.Identifier
			}
		}
		if v.Name != "" {
			return v.Name
		}
	}
	if m := cveRe.FindString(id); m != "" {
		return m
	}
	return id
}

func purpose3(p string) sbom.ComponentType {
	switch strings.ToLower(p) {
	case "application", "executable":
		return sbom.TypeApplication
	case "framework":
		return sbom.TypeFramework
	case "operatingsystem":
		return sbom.TypeOperatingSystem
	case "firmware", "filesystemimage", "archive":
		return sbom.TypeFirmware
	case "container":
		return sbom.TypeContainer
	case "device":
		return sbom.TypeDevice
	case "file":
		return sbom.TypeFile
	}
	return sbom.TypeLibrary
}

func hashAlg(a string) string {
	switch strings.ToLower(a) {
	case "sha1":
		return "SHA-1"
	case "sha224":
		return "SHA-224"
	case "sha256":
		return "SHA-256"
	case "sha384":
		return "SHA-384"
	case "sha512":
		return "SHA-512"
	case "sha3_256":
		return "SHA3-256"
	case "sha3_384":
		return "SHA3-384"
	case "sha3_512":
		return "SHA3-512"
	case "md5":
		return "MD5"
	case "blake2b256":
		return "BLAKE2b-256"
	case "blake2b384":
		return "BLAKE2b-384"
	case "blake2b512":
		return "BLAKE2b-512"
	case "blake3":
		return "BLAKE3"
	}
	return strings.ToUpper(a)
}

type lines []int

func newLines(data []byte) lines {
	l := lines{0}
	for i, b := range data {
		if b == '\n' {
			l = append(l, i+1)
		}
	}
	return l
}

func (l lines) at(off int64) (int, int) {
	i := sort.Search(len(l), func(i int) bool { return int64(l[i]) > off }) - 1
	i = max(i, 0)
	return i + 1, int(off-int64(l[i])) + 1
}

// readSPDX3Image reads the single SPDX 3 image SBOM of a deploy directory.
func readSPDX3Image(ctx context.Context, files []string) (*sbom.Document, error) {
	sort.Strings(files)
	if len(files) > 1 {
		return nil, fmt.Errorf("yocto spdx deploy: %d SPDX 3 image SBOMs (%s): give one file", len(files), strings.Join(files, ", "))
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		return nil, err
	}
	return (&SPDX3Reader{}).Read(ctx, files[0], data)
}

// decodeTop reads the top-level object: the raw "@context" and each
// "@graph" element with its byte offset. At most MaxSPDX3Elements
// elements are accepted.
func decodeTop(data []byte) (json.RawMessage, []json.RawMessage, []int64, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	t, err := dec.Token()
	if err != nil {
		return nil, nil, nil, err
	}
	if t != json.Delim('{') {
		return nil, nil, nil, errors.New("the document is not a JSON object")
	}
	var ctxRaw json.RawMessage
	var graph []json.RawMessage
	var offs []int64
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, nil, nil, err
		}
		switch kt {
		case "@context":
			if err := dec.Decode(&ctxRaw); err != nil {
				return nil, nil, nil, err
			}
		case "@graph":
			t, err := dec.Token()
			if err != nil {
				return nil, nil, nil, err
			}
			if t != json.Delim('[') {
				return nil, nil, nil, errors.New(`"@graph" is not a list`)
			}
			for dec.More() {
				if len(graph) >= MaxSPDX3Elements {
					return nil, nil, nil, fmt.Errorf("more than %d elements: %w", MaxSPDX3Elements, ErrLimit)
				}
				start := dec.InputOffset()
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return nil, nil, nil, err
				}
				if j := bytes.IndexByte(data[start:dec.InputOffset()], '{'); j >= 0 {
					start += int64(j)
				}
				graph = append(graph, raw)
				offs = append(offs, start)
			}
			if _, err := dec.Token(); err != nil {
				return nil, nil, nil, err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, nil, nil, err
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, nil, err
	}
	return ctxRaw, graph, offs, nil
}
