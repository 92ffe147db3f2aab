// Package cyclonedx reads CycloneDX SBOMs (spec 1.2 to 1.7, JSON and XML)
// into premarket's sbom.Document, writes Documents as CycloneDX 1.5, 1.6 or
// 1.7 (JSON or XML), and validates CycloneDX JSON against the official
// schemas embedded in schemas/cyclonedx, reporting each violation with its
// line and column.
//
// Encoding and decoding go through github.com/CycloneDX/cyclonedx-go, so
// the wire format is the reference implementation's.
package cyclonedx

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/premarket/premarket/sbom"
	cdxschema "github.com/premarket/premarket/schemas/cyclonedx"
)

// Format is a CycloneDX serialisation.
type Format string

// Serialisations the encoder writes.
const (
	FormatJSON Format = "json"
	FormatXML  Format = "xml"
)

// DefaultSpecVersion is the CycloneDX version written when none is asked
// for: 1.6 is the newest version most consumers (and the FDA's reviewers'
// tools) accept today.
const DefaultSpecVersion = "1.6"

// Property names premarket writes (see docs/DESIGN.md).
const (
	PropSupportLevel         = "premarket:support:level"
	PropSupportEndOfSupport  = "premarket:support:end-of-support"
	PropSupportJustification = "premarket:support:justification"
	PropSourceLocation       = "premarket:source:location"
)

// EncodeOptions choose the spec version and serialisation.
type EncodeOptions struct {
	SpecVersion string // "1.5", "1.6" or "1.7"; "" means DefaultSpecVersion
	Format      Format // FormatJSON (default) or FormatXML
	// Compact turns off indentation.
	Compact bool
}

var writeVersions = map[string]cdx.SpecVersion{
	"1.5": cdx.SpecVersion1_5,
	"1.6": cdx.SpecVersion1_6,
	"1.7": cdx.SpecVersion1_7,
}

// Encode writes doc as a CycloneDX BOM.
//
// The BOM is built directly in the shape of the requested version and
// written with cyclonedx-go's Encode. EncodeVersion is not used: it deep
// copies the BOM through encoding/gob (slow for large BOMs) and, in
// cyclonedx-go v0.12.0, rewrites "cryptographic-asset" components to
// "application".
//
// Output is deterministic: it depends only on doc. A missing serial number
// is derived from the document's content.
func Encode(w io.Writer, doc *sbom.Document, opts EncodeOptions) error {
	bom, format, err := ToBOM(doc, opts)
	if err != nil {
		return err
	}
	enc := cdx.NewBOMEncoder(w, format)
	enc.SetPretty(!opts.Compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(bom); err != nil {
		return fmt.Errorf("write CycloneDX %s %s: %w", opts.SpecVersion, opts.Format, err)
	}
	return nil
}

// ToBOM converts doc to a cyclonedx-go BOM of the requested version, for
// callers that want to add CycloneDX-only data before encoding.
func ToBOM(doc *sbom.Document, opts EncodeOptions) (*cdx.BOM, cdx.BOMFileFormat, error) {
	if opts.SpecVersion == "" {
		opts.SpecVersion = DefaultSpecVersion
	}
	sv, ok := writeVersions[opts.SpecVersion]
	if !ok {
		return nil, 0, fmt.Errorf("cannot write CycloneDX %q: premarket writes 1.5, 1.6 and 1.7", opts.SpecVersion)
	}
	var format cdx.BOMFileFormat
	switch opts.Format {
	case "", FormatJSON:
		format = cdx.BOMFileFormatJSON
	case FormatXML:
		format = cdx.BOMFileFormatXML
	default:
		return nil, 0, fmt.Errorf("unknown CycloneDX format %q (want json or xml)", opts.Format)
	}
	if doc == nil {
		return nil, 0, fmt.Errorf("write CycloneDX: no document")
	}
	e := encoder{sv: sv}
	bom := &cdx.BOM{
		JSONSchema:  "http://cyclonedx.org/schema/bom-" + opts.SpecVersion + ".schema.json",
		XMLNS:       "http://cyclonedx.org/schema/bom/" + opts.SpecVersion,
		BOMFormat:   cdx.BOMFormat,
		SpecVersion: sv,
		Version:     1,
	}
	serial, err := serialNumber(doc)
	if err != nil {
		return nil, 0, err
	}
	bom.SerialNumber = serial

	md := &cdx.Metadata{}
	if doc.Timestamp != "" {
		if _, err := time.Parse(time.RFC3339, doc.Timestamp); err != nil {
			return nil, 0, fmt.Errorf("write CycloneDX: timestamp %q is not RFC 3339: %w", doc.Timestamp, err)
		}
		md.Timestamp = doc.Timestamp
	}
	if len(doc.Tools) > 0 {
		tools := make([]cdx.Component, 0, len(doc.Tools))
		for _, t := range doc.Tools {
			name, version := splitTool(t)
			tools = append(tools, cdx.Component{Type: cdx.ComponentTypeApplication, Name: name, Version: version})
		}
		md.Tools = &cdx.ToolsChoice{Components: &tools}
	}
	if len(doc.Authors) > 0 {
		authors := make([]cdx.OrganizationalContact, 0, len(doc.Authors))
		for _, a := range doc.Authors {
			authors = append(authors, cdx.OrganizationalContact{Name: a})
		}
		md.Authors = &authors
	}
	if doc.Supplier != "" {
		md.Supplier = &cdx.OrganizationalEntity{Name: doc.Supplier}
	}
	if doc.Primary != nil {
		c, err := e.component(doc.Primary, sbom.TypeFirmware)
		if err != nil {
			return nil, 0, fmt.Errorf("write CycloneDX: primary component: %w", err)
		}
		md.Component = &c
	}
	if *md != (cdx.Metadata{}) {
		bom.Metadata = md
	}

	if len(doc.Components) > 0 {
		comps := make([]cdx.Component, 0, len(doc.Components))
		for i, sc := range doc.Components {
			c, err := e.component(sc, sbom.TypeLibrary)
			if err != nil {
				return nil, 0, fmt.Errorf("write CycloneDX: component %d (%s): %w", i, sc.Name, err)
			}
			comps = append(comps, c)
		}
		bom.Components = &comps
	}
	if len(doc.Dependencies) > 0 {
		deps := make([]cdx.Dependency, 0, len(doc.Dependencies))
		for _, d := range doc.Dependencies {
			cd := cdx.Dependency{Ref: d.Ref}
			if len(d.DependsOn) > 0 {
				on := append([]string(nil), d.DependsOn...)
				cd.Dependencies = &on
			}
			deps = append(deps, cd)
		}
		bom.Dependencies = &deps
	}
	return bom, format, nil
}

type encoder struct {
	sv cdx.SpecVersion
}

func (e encoder) component(sc *sbom.Component, defaultType sbom.ComponentType) (cdx.Component, error) {
	if sc.Name == "" {
		return cdx.Component{}, fmt.Errorf("component %q has no name", sc.Ref)
	}
	typ := sc.Type
	if typ == "" {
		typ = defaultType
	}
	if !componentTypes()[e.sv.String()][string(typ)] {
		return cdx.Component{}, fmt.Errorf("component %q: type %q is not a CycloneDX %s component type", sc.Name, typ, e.sv)
	}
	c := cdx.Component{
		BOMRef:      sc.Ref,
		Type:        cdx.ComponentType(typ),
		Name:        sc.Name,
		Version:     sc.Version,
		Group:       sc.Group,
		Description: sc.Description,
		PackageURL:  sc.PURL,
		CPE:         sc.CPE,
	}
	if sc.Supplier != "" {
		c.Supplier = &cdx.OrganizationalEntity{Name: sc.Supplier}
	}
	if sc.SWIDTagID != "" {
		c.SWID = &cdx.SWID{TagID: sc.SWIDTagID, Name: sc.Name, Version: sc.Version}
	}
	// Build-host tools do not ship in the device: CycloneDX says so with
	// scope "excluded" (the property is written as well).
	if scope, _ := sc.Property(sbom.PropBuildScope); scope == "host" {
		c.Scope = cdx.ScopeExcluded
	}
	if sc.Author != "" {
		if e.sv >= cdx.SpecVersion1_6 {
			// "author" is deprecated from 1.6 on in favour of "authors".
			c.Authors = &[]cdx.OrganizationalContact{{Name: sc.Author}}
		} else {
			c.Author = sc.Author
		}
	}
	if lic := licenses(sc.Licenses); len(lic) > 0 {
		c.Licenses = &lic
	}
	if len(sc.Hashes) > 0 {
		hs := make([]cdx.Hash, 0, len(sc.Hashes))
		for _, h := range sc.Hashes {
			alg, ok := hashAlg(h.Alg)
			if !ok {
				return cdx.Component{}, fmt.Errorf("component %q: hash algorithm %q has no CycloneDX name", sc.Name, h.Alg)
			}
			hs = append(hs, cdx.Hash{Algorithm: alg, Value: strings.ToLower(h.Value)})
		}
		c.Hashes = &hs
	}
	var refs []cdx.ExternalReference
	if sc.Homepage != "" {
		refs = append(refs, cdx.ExternalReference{Type: cdx.ERTypeWebsite, URL: sc.Homepage})
	}
	if sc.DownloadURL != "" {
		refs = append(refs, cdx.ExternalReference{Type: cdx.ERTypeDistribution, URL: sc.DownloadURL})
	}
	if len(refs) > 0 {
		c.ExternalReferences = &refs
	}
	if props := properties(sc); len(props) > 0 {
		c.Properties = &props
	}
	c.Evidence = e.evidence(sc)
	return c, nil
}

// evidence maps the component's Evidence to CycloneDX component evidence:
//
//   - identity: one identity of the component's most specific identifier
//     (field "purl", else "cpe", else "name") with the highest confidence
//     seen and one method per distinct observation {technique, confidence,
//     value}, value being the text matched. CycloneDX 1.5 writes identity
//     as a single object; 1.6 and later as an array, with concludedValue
//     (the identifier itself);
//   - occurrences: one per distinct file (Evidence.Location without its
//     "@0x<offset>" and "#<section>" suffixes), with the offset of the
//     first observation and the ELF section as additionalContext from 1.6 on
//     (1.5 has only location).
//
// Techniques outside CycloneDX's list are written as "other".
func (e encoder) evidence(sc *sbom.Component) *cdx.Evidence {
	if len(sc.Evidence) == 0 {
		return nil
	}
	field, concluded := cdx.EvidenceIdentityFieldTypeName, sc.Name
	switch {
	case sc.PURL != "":
		field, concluded = cdx.EvidenceIdentityFieldTypePURL, sc.PURL
	case sc.CPE != "":
		field, concluded = cdx.EvidenceIdentityFieldTypeCPE, sc.CPE
	}
	var methods []cdx.EvidenceIdentityMethod
	seenMethod := map[cdx.EvidenceIdentityMethod]bool{}
	var best float32
	var occ []cdx.EvidenceOccurrence
	seenLoc := map[string]bool{}
	for _, ev := range sc.Evidence {
		conf := float32(min(max(ev.Confidence, 0), 1))
		if conf > best {
			best = conf
		}
		m := cdx.EvidenceIdentityMethod{Technique: identityTechnique(ev.Method), Value: ev.Text}
		key := m
		key.Confidence = nil
		if !seenMethod[key] {
			seenMethod[key] = true
			cf := conf
			m.Confidence = &cf
			methods = append(methods, m)
		}
		if ev.Location == "" {
			continue
		}
		file, off, section := SplitEvidenceLocation(ev.Location)
		if seenLoc[file] {
			continue
		}
		seenLoc[file] = true
		o := cdx.EvidenceOccurrence{Location: file}
		if e.sv >= cdx.SpecVersion1_6 {
			if off >= 0 && off <= int64(^uint(0)>>1) {
				n := int(off)
				o.Offset = &n
			}
			if section != "" {
				o.AdditionalContext = "ELF section " + section
			}
		}
		occ = append(occ, o)
	}
	id := cdx.EvidenceIdentity{Field: field, Confidence: &best}
	if len(methods) > 0 {
		id.Methods = &methods
	}
	out := &cdx.Evidence{}
	if e.sv >= cdx.SpecVersion1_6 {
		id.ConcludedValue = concluded
		out.Identity = &cdx.EvidenceIdentityChoice{Identities: &[]cdx.EvidenceIdentity{id}}
	} else {
		out.Identity = &cdx.EvidenceIdentityChoice{Identity: &id}
	}
	if len(occ) > 0 {
		out.Occurrences = &occ
	}
	return out
}

// identityTechnique maps a model evidence method to a CycloneDX identity
// technique.
func identityTechnique(m string) cdx.EvidenceIdentityTechnique {
	switch t := cdx.EvidenceIdentityTechnique(m); t {
	case cdx.EvidenceIdentityTechniqueASTFingerprint, cdx.EvidenceIdentityTechniqueAttestation,
		cdx.EvidenceIdentityTechniqueBinaryAnalysis, cdx.EvidenceIdentityTechniqueDynamicAnalysis,
		cdx.EvidenceIdentityTechniqueFilename, cdx.EvidenceIdentityTechniqueHashComparison,
		cdx.EvidenceIdentityTechniqueInstrumentation, cdx.EvidenceIdentityTechniqueManifestAnalysis,
		cdx.EvidenceIdentityTechniqueSourceCodeAnalysis:
		return t
	}
	return cdx.EvidenceIdentityTechniqueOther
}

// SplitEvidenceLocation splits an sbom.Evidence location
// "path[@0x<hex offset>][#<section>]" into its parts; offset is -1 when
// absent. Suffixes are recognised only in their exact form, so a path
// holding "@" or "#" elsewhere is kept whole.
func SplitEvidenceLocation(loc string) (file string, offset int64, section string) {
	file, offset = loc, -1
	if i := strings.LastIndexByte(file, '#'); i >= 0 && !strings.ContainsAny(file[i+1:], "/!@") && i+1 < len(file) {
		section = file[i+1:]
		file = file[:i]
	}
	if i := strings.LastIndex(file, "@0x"); i >= 0 {
		if n, err := strconv.ParseInt(file[i+3:], 16, 64); err == nil && n >= 0 {
			offset = n
			file = file[:i]
		}
	}
	return file, offset, section
}

// properties lists the support data first, then the component's own
// properties (minus those that Support and Origins re-state), then one
// location per origin.
func properties(sc *sbom.Component) []cdx.Property {
	var out []cdx.Property
	support := sc.Support != nil && *sc.Support != (sbom.Support{})
	if support {
		if sc.Support.Level != "" {
			out = append(out, cdx.Property{Name: PropSupportLevel, Value: sc.Support.Level})
		}
		if sc.Support.EndOfSupport != "" {
			out = append(out, cdx.Property{Name: PropSupportEndOfSupport, Value: sc.Support.EndOfSupport})
		}
		if sc.Support.Justification != "" {
			out = append(out, cdx.Property{Name: PropSupportJustification, Value: sc.Support.Justification})
		}
	}
	for _, p := range sc.Properties {
		switch p.Name {
		case PropSupportLevel, PropSupportEndOfSupport, PropSupportJustification:
			if support {
				continue
			}
		case PropSourceLocation:
			if len(sc.Origins) > 0 {
				continue
			}
		}
		out = append(out, cdx.Property{Name: p.Name, Value: p.Value})
	}
	for _, o := range sc.Origins {
		out = append(out, cdx.Property{Name: PropSourceLocation, Value: FormatOrigin(o)})
	}
	return out
}

// FormatOrigin renders an origin as the value of premarket:source:location:
// "kind file:line", with "#path" appended for structured inputs.
func FormatOrigin(o sbom.Origin) string {
	var b strings.Builder
	b.WriteString(o.Kind)
	b.WriteByte(' ')
	b.WriteString(o.File)
	if o.Line > 0 {
		fmt.Fprintf(&b, ":%d", o.Line)
	}
	if o.Path != "" {
		b.WriteByte('#')
		b.WriteString(o.Path)
	}
	return b.String()
}

var lineSuffix = regexp.MustCompile(`:([0-9]+)$`)

// ParseOrigin reverses FormatOrigin. ok is false when v has no kind.
func ParseOrigin(v string) (o sbom.Origin, ok bool) {
	kind, rest, found := strings.Cut(v, " ")
	if !found || kind == "" || rest == "" {
		return sbom.Origin{}, false
	}
	o.Kind = kind
	if i := strings.LastIndexByte(rest, '#'); i >= 0 {
		o.Path = rest[i+1:]
		rest = rest[:i]
	}
	if m := lineSuffix.FindStringSubmatchIndex(rest); m != nil {
		fmt.Sscanf(rest[m[2]:m[3]], "%d", &o.Line)
		rest = rest[:m[0]]
	}
	o.File = rest
	return o, true
}

// licenses maps the model's licences to CycloneDX. CycloneDX allows either
// one SPDX expression or a list of named/identified licences in one array,
// never both. When every licence is an expression they are joined with AND
// into one; otherwise each becomes a license entry: an SPDX id when the
// expression is a single id on the SPDX list, else its text as a name.
func licenses(ls []sbom.License) cdx.Licenses {
	if len(ls) == 0 {
		return nil
	}
	allExpr := true
	for _, l := range ls {
		if l.Expression == "" && l.Name == "" {
			continue
		}
		if l.Expression == "" {
			allExpr = false
		}
	}
	var out cdx.Licenses
	if allExpr {
		var parts []string
		for _, l := range ls {
			if l.Expression != "" {
				parts = append(parts, l.Expression)
			}
		}
		if len(parts) == 0 {
			return nil
		}
		expr := parts[0]
		if len(parts) > 1 {
			for i, p := range parts {
				if strings.ContainsAny(p, " ") {
					parts[i] = "(" + p + ")"
				}
			}
			expr = strings.Join(parts, " AND ")
		}
		if isListedID(expr) {
			return cdx.Licenses{{License: &cdx.License{ID: expr}}}
		}
		return cdx.Licenses{{Expression: expr}}
	}
	for _, l := range ls {
		switch {
		case l.Expression != "" && isListedID(l.Expression):
			out = append(out, cdx.LicenseChoice{License: &cdx.License{ID: l.Expression}})
		case l.Expression != "":
			out = append(out, cdx.LicenseChoice{License: &cdx.License{Name: l.Expression}})
		case l.Name != "":
			out = append(out, cdx.LicenseChoice{License: &cdx.License{Name: l.Name}})
		}
	}
	return out
}

// spdxIDs is the SPDX licence list of the embedded spdx.schema.json (the
// ids CycloneDX accepts in license.id). Read once; never modified.
var spdxIDs = sync.OnceValue(func() map[string]bool {
	ids := map[string]bool{}
	b, err := fs.ReadFile(cdxschema.FS(), "spdx.schema.json")
	if err != nil {
		return ids
	}
	var s struct {
		Enum []string `json:"enum"`
	}
	if json.Unmarshal(b, &s) == nil {
		for _, id := range s.Enum {
			ids[id] = true
		}
	}
	return ids
})

func isListedID(s string) bool { return spdxIDs()[s] }

// componentTypes holds, per written spec version, the component types its
// official schema allows (cryptographic-asset only from 1.6 on). Read once
// from the embedded schemas; never modified.
var componentTypes = sync.OnceValue(func() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for v := range writeVersions {
		b, err := fs.ReadFile(cdxschema.FS(), "bom-"+v+".schema.json")
		if err != nil {
			continue
		}
		var s struct {
			Definitions struct {
				Component struct {
					Properties struct {
						Type struct {
							Enum []string `json:"enum"`
						} `json:"type"`
					} `json:"properties"`
				} `json:"component"`
			} `json:"definitions"`
		}
		if json.Unmarshal(b, &s) != nil {
			continue
		}
		out[v] = map[string]bool{}
		for _, t := range s.Definitions.Component.Properties.Type.Enum {
			out[v][t] = true
		}
	}
	return out
})

// algSeparators strips the separators that spellings of one algorithm
// differ by. A strings.Replacer is safe for concurrent use.
var algSeparators = strings.NewReplacer("-", "", "_", "", " ", "")

// hashAlg maps common spellings (SPDX "SHA256", "sha-256") to CycloneDX's.
func hashAlg(alg string) (cdx.HashAlgorithm, bool) {
	norm := strings.ToUpper(algSeparators.Replace(alg))
	switch norm {
	case "MD5":
		return cdx.HashAlgoMD5, true
	case "SHA1":
		return cdx.HashAlgoSHA1, true
	case "SHA256":
		return cdx.HashAlgoSHA256, true
	case "SHA384":
		return cdx.HashAlgoSHA384, true
	case "SHA512":
		return cdx.HashAlgoSHA512, true
	case "SHA3256":
		return cdx.HashAlgoSHA3_256, true
	case "SHA3384":
		return cdx.HashAlgoSHA3_384, true
	case "SHA3512":
		return cdx.HashAlgoSHA3_512, true
	case "BLAKE2B256":
		return cdx.HashAlgoBlake2b_256, true
	case "BLAKE2B384":
		return cdx.HashAlgoBlake2b_384, true
	case "BLAKE2B512":
		return cdx.HashAlgoBlake2b_512, true
	case "BLAKE3":
		return cdx.HashAlgoBlake3, true
	}
	return "", false
}

// splitTool splits "name version" at the last space when what follows
// starts like a version; otherwise the whole text is the name.
func splitTool(t string) (name, version string) {
	t = strings.TrimSpace(t)
	i := strings.LastIndexByte(t, ' ')
	if i > 0 && i+1 < len(t) {
		v := t[i+1:]
		if (v[0] >= '0' && v[0] <= '9') || (len(v) > 1 && (v[0] == 'v' || v[0] == 'V') && v[1] >= '0' && v[1] <= '9') {
			return t[:i], v
		}
	}
	return t, ""
}

var uuidRe = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// serialNumber returns doc's serial number as a urn:uuid, or derives a
// name-based (version 5 layout) UUID from the document's content when it
// has none, so the same input always yields the same serial.
func serialNumber(doc *sbom.Document) (string, error) {
	s := strings.ToLower(strings.TrimSpace(doc.SerialNumber))
	if s != "" {
		u := strings.TrimPrefix(s, "urn:uuid:")
		if !uuidRe.MatchString(u) {
			return "", fmt.Errorf("write CycloneDX: serial number %q is not a UUID (want urn:uuid:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", doc.SerialNumber)
		}
		return "urn:uuid:" + u, nil
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", doc.Name, doc.Timestamp, doc.Supplier)
	if doc.Primary != nil {
		fmt.Fprintf(h, "%s\x00%s\x00", doc.Primary.Key(), doc.Primary.Ref)
	}
	for _, c := range doc.Components {
		fmt.Fprintf(h, "%s\x00%s\x00", c.Key(), c.Ref)
	}
	sum := h.Sum(nil)
	sum[6] = sum[6]&0x0f | 0x50 // version 5
	sum[8] = sum[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16]), nil
}
