// Package spdx reads SPDX 2.2 and 2.3 documents, JSON and tag-value, into
// premarket's sbom.Document, so that supplier SBOMs and Yocto create-spdx
// output can be merged and checked like any other input.
//
// Both syntaxes are parsed into the same intermediate form (the JSON field
// names of the SPDX 2.3 schema) and mapped to the model by one function:
//
//   - packages become components (files too, with ReadOptions.IncludeFiles);
//   - creationInfo.creators "Tool: x" become Tools, "Organization: x" and
//     "Person: x" become Authors; created becomes Timestamp;
//   - supplier/originator "Organization: X (email)" become X, NOASSERTION
//     becomes empty;
//   - externalRefs PACKAGE-MANAGER purl and SECURITY cpe23Type (cpe22Type
//     as fallback) become PURL and CPE;
//   - licenseDeclared (else licenseConcluded) becomes the licence;
//     NOASSERTION and NONE mean no licence;
//   - documentDescribes, or the first DESCRIBES relationship of the
//     document, names the Primary component;
//   - DEPENDS_ON, DEPENDENCY_OF, CONTAINS and CONTAINED_BY between known
//     elements become Dependencies.
//
// externalDocumentRefs (Yocto writes one per dependency recipe) are not
// kept: the model has no document-level properties, and relationships to
// elements of other documents ("DocumentRef-x:SPDXRef-y") are dropped
// because their targets are not in this document.
package spdx

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/license"
)

// DefaultMaxBytes is the largest SPDX document read by default.
const DefaultMaxBytes = 256 << 20

// Reader kinds.
const (
	KindJSON     = "spdx-json"
	KindTagValue = "spdx-tag-value"
)

// ReadOptions tune both readers.
type ReadOptions struct {
	// MaxBytes bounds the input size; 0 means DefaultMaxBytes.
	MaxBytes int64
	// IncludeFiles makes each SPDX file a component of type "file". Off by
	// default: file-level entries (thousands per Yocto recipe) are
	// evidence about a package, not separate components.
	IncludeFiles bool
}

func (o ReadOptions) maxBytes() int64 {
	if o.MaxBytes > 0 {
		return o.MaxBytes
	}
	return DefaultMaxBytes
}

// The intermediate form, named after the SPDX 2.3 JSON schema.

type document struct {
	SPDXID            string       `json:"SPDXID"`
	SPDXVersion       string       `json:"spdxVersion"`
	Name              string       `json:"name"`
	DocumentNamespace string       `json:"documentNamespace"`
	CreationInfo      creationInfo `json:"creationInfo"`
	DocumentDescribes []string     `json:"documentDescribes"`
	Packages          []pkg        `json:"packages"`
	Files             []file       `json:"files"`
	Relationships     []relation   `json:"relationships"`
}

type creationInfo struct {
	Created  string   `json:"created"`
	Creators []string `json:"creators"`
}

type checksum struct {
	Algorithm     string `json:"algorithm"`
	ChecksumValue string `json:"checksumValue"`
}

type externalRef struct {
	ReferenceCategory string `json:"referenceCategory"`
	ReferenceType     string `json:"referenceType"`
	ReferenceLocator  string `json:"referenceLocator"`
}

type pkg struct {
	SPDXID                string        `json:"SPDXID"`
	Name                  string        `json:"name"`
	VersionInfo           string        `json:"versionInfo"`
	Supplier              string        `json:"supplier"`
	Originator            string        `json:"originator"`
	DownloadLocation      string        `json:"downloadLocation"`
	Homepage              string        `json:"homepage"`
	LicenseConcluded      string        `json:"licenseConcluded"`
	LicenseDeclared       string        `json:"licenseDeclared"`
	Description           string        `json:"description"`
	Summary               string        `json:"summary"`
	PrimaryPackagePurpose string        `json:"primaryPackagePurpose"`
	Checksums             []checksum    `json:"checksums"`
	ExternalRefs          []externalRef `json:"externalRefs"`

	line int // tag-value: line of PackageName
}

type file struct {
	SPDXID           string     `json:"SPDXID"`
	FileName         string     `json:"fileName"`
	LicenseConcluded string     `json:"licenseConcluded"`
	Checksums        []checksum `json:"checksums"`

	line int
}

type relation struct {
	SPDXElementID      string `json:"spdxElementId"`
	RelationshipType   string `json:"relationshipType"`
	RelatedSPDXElement string `json:"relatedSpdxElement"`
}

// located gives the line and column of packages[i] and files[i].
type located func(path string) (line, col int)

// toDocument maps the intermediate form to the model.
func toDocument(d *document, name, kind string, opts ReadOptions, at located) *sbom.Document {
	doc := &sbom.Document{
		Format:       "SPDX",
		SpecVersion:  d.SPDXVersion,
		SerialNumber: d.DocumentNamespace,
		Name:         d.Name,
		Timestamp:    d.CreationInfo.Created,
		Source:       name,
		Loc:          sbom.Location{File: name, Line: 1, Column: 1},
	}
	for _, c := range d.CreationInfo.Creators {
		typ, val, _ := strings.Cut(c, ":")
		val = StripEmail(val)
		if val == "" {
			continue
		}
		switch strings.TrimSpace(typ) {
		case "Tool":
			doc.Tools = append(doc.Tools, toolName(val))
		case "Organization", "Person":
			doc.Authors = append(doc.Authors, val)
		}
	}
	lic := license.NewCache()
	byID := map[string]*sbom.Component{}
	var all []*sbom.Component
	for i := range d.Packages {
		p := &d.Packages[i]
		path := "packages[" + strconv.Itoa(i) + "]"
		line, col := at(path)
		c := &sbom.Component{
			Ref:         p.SPDXID,
			Type:        purpose(p.PrimaryPackagePurpose),
			Name:        p.Name,
			Version:     Value(p.VersionInfo),
			Supplier:    Party(p.Supplier),
			Author:      Party(p.Originator),
			Description: firstNonEmpty(p.Description, p.Summary),
			Homepage:    Value(p.Homepage),
			DownloadURL: Value(p.DownloadLocation),
			Loc:         sbom.Location{File: name, Line: line, Column: col, Path: path},
			Origins:     []sbom.Origin{{Kind: kind, File: name, Line: line, Path: path}},
		}
		for _, r := range p.ExternalRefs {
			typ := r.ReferenceType
			if i := strings.LastIndexByte(typ, '/'); i >= 0 {
				typ = typ[i+1:] // "http://spdx.org/rdf/references/cpe23Type"
			}
			switch {
			case typ == "purl" && c.PURL == "":
				c.PURL = r.ReferenceLocator
			case typ == "cpe23Type" && !strings.HasPrefix(c.CPE, "cpe:2.3:"):
				c.CPE = r.ReferenceLocator
			case typ == "cpe22Type" && c.CPE == "":
				c.CPE = r.ReferenceLocator
			}
		}
		if l := Licence(lic, p.LicenseDeclared, p.LicenseConcluded); l != nil {
			c.Licenses = []sbom.License{*l}
		}
		c.Hashes = hashes(p.Checksums)
		all = append(all, c)
		if c.Ref != "" {
			byID[c.Ref] = c
		}
	}
	if opts.IncludeFiles {
		for i := range d.Files {
			f := &d.Files[i]
			path := "files[" + strconv.Itoa(i) + "]"
			line, col := at(path)
			c := &sbom.Component{
				Ref:     f.SPDXID,
				Type:    sbom.TypeFile,
				Name:    f.FileName,
				Hashes:  hashes(f.Checksums),
				Loc:     sbom.Location{File: name, Line: line, Column: col, Path: path},
				Origins: []sbom.Origin{{Kind: kind, File: name, Line: line, Path: path}},
			}
			if l := Licence(lic, "", f.LicenseConcluded); l != nil {
				c.Licenses = []sbom.License{*l}
			}
			all = append(all, c)
			if c.Ref != "" {
				byID[c.Ref] = c
			}
		}
	}

	// The primary component: documentDescribes, else DESCRIBES.
	docID := d.SPDXID
	if docID == "" {
		docID = "SPDXRef-DOCUMENT"
	}
	described := append([]string(nil), d.DocumentDescribes...)
	for _, r := range d.Relationships {
		switch strings.ToUpper(r.RelationshipType) {
		case "DESCRIBES":
			if r.SPDXElementID == docID {
				described = append(described, r.RelatedSPDXElement)
			}
		case "DESCRIBED_BY":
			if r.RelatedSPDXElement == docID {
				described = append(described, r.SPDXElementID)
			}
		}
	}
	for _, id := range described {
		if c := byID[id]; c != nil && c.Type != sbom.TypeFile {
			doc.Primary = c
			break
		}
	}
	for _, c := range all {
		if c != doc.Primary {
			doc.Components = append(doc.Components, c)
		}
	}
	if doc.Primary != nil {
		doc.Supplier = doc.Primary.Supplier
	}

	// Dependencies, grouped by the depending element in first-seen order.
	idx := map[string]int{}
	seen := map[[2]string]bool{}
	add := func(from, to string) {
		if byID[from] == nil || byID[to] == nil || from == to || seen[[2]string{from, to}] {
			return
		}
		seen[[2]string{from, to}] = true
		i, ok := idx[from]
		if !ok {
			i = len(doc.Dependencies)
			idx[from] = i
			doc.Dependencies = append(doc.Dependencies, sbom.Dependency{Ref: from, DependsOn: []string{}})
		}
		doc.Dependencies[i].DependsOn = append(doc.Dependencies[i].DependsOn, to)
	}
	for _, r := range d.Relationships {
		switch strings.ToUpper(r.RelationshipType) {
		case "DEPENDS_ON", "CONTAINS":
			add(r.SPDXElementID, r.RelatedSPDXElement)
		case "DEPENDENCY_OF", "CONTAINED_BY":
			add(r.RelatedSPDXElement, r.SPDXElementID)
		}
	}
	return doc
}

// Value returns v without surrounding space, or "" when it is one of
// SPDX's "no value" words (NOASSERTION, NONE, in any case). Readers of
// other SPDX-shaped inputs (Yocto create-spdx) use it so that the same
// field means the same thing whichever reader saw it.
func Value(v string) string {
	v = strings.TrimSpace(v)
	switch strings.ToUpper(v) {
	case "NOASSERTION", "NONE":
		return ""
	}
	return v
}

var emailRe = regexp.MustCompile(`\s*\([^()]*\)\s*$`)

// StripEmail drops a trailing "(email)" from a creator or party.
func StripEmail(v string) string {
	return strings.TrimSpace(emailRe.ReplaceAllString(strings.TrimSpace(v), ""))
}

// Party maps a supplier or originator, "Organization: X (email)",
// "Person: X" or "Tool: X", to X; NOASSERTION and NONE become "".
func Party(v string) string {
	v = Value(v)
	if v == "" {
		return ""
	}
	if typ, rest, ok := strings.Cut(v, ":"); ok && (typ == "Organization" || typ == "Person" || typ == "Tool") {
		v = rest
	}
	return Value(StripEmail(v))
}

var toolVersion = regexp.MustCompile(`^(.+?)-(v?[0-9][0-9A-Za-z.+~-]*)$`)

// toolName turns syft's "syft-0.57.0" into the model's "syft 0.57.0".
func toolName(v string) string {
	if strings.ContainsRune(v, ' ') {
		return v
	}
	if m := toolVersion.FindStringSubmatch(v); m != nil {
		return m[1] + " " + m[2]
	}
	return v
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// Licence returns the declared licence, else the concluded one, or nil
// when neither is given (NOASSERTION and NONE count as not given). SPDX
// documents already hold SPDX expressions; those that do not validate
// (deprecated ids, free text) go through license.Normalize, which keeps
// unmappable text as a name.
func Licence(cache *license.Cache, declared, concluded string) *sbom.License {
	for _, v := range []string{declared, concluded} {
		v = Value(v)
		if v == "" {
			continue
		}
		if license.Valid(v) {
			return &sbom.License{Expression: v, Declared: v}
		}
		l := cache.Normalize(v)
		return &l
	}
	return nil
}

// hashes maps SPDX checksum algorithm names to CycloneDX spellings.
func hashes(cs []checksum) []sbom.Hash {
	var out []sbom.Hash
	for _, c := range cs {
		if c.ChecksumValue == "" {
			continue
		}
		alg := strings.ToUpper(c.Algorithm)
		switch alg {
		case "SHA1", "SHA224", "SHA256", "SHA384", "SHA512":
			alg = "SHA-" + alg[3:]
		case "BLAKE2B-256", "BLAKE2B-384", "BLAKE2B-512":
			alg = "BLAKE2b-" + alg[len("BLAKE2B-"):]
		}
		out = append(out, sbom.Hash{Alg: alg, Value: strings.ToLower(c.ChecksumValue)})
	}
	return out
}

// purpose maps primaryPackagePurpose (SPDX 2.3) to a component type.
func purpose(p string) sbom.ComponentType {
	switch strings.ToUpper(strings.ReplaceAll(p, "_", "-")) {
	case "APPLICATION":
		return sbom.TypeApplication
	case "FRAMEWORK":
		return sbom.TypeFramework
	case "CONTAINER":
		return sbom.TypeContainer
	case "OPERATING-SYSTEM":
		return sbom.TypeOperatingSystem
	case "DEVICE":
		return sbom.TypeDevice
	case "FIRMWARE":
		return sbom.TypeFirmware
	case "FILE", "ARCHIVE":
		return sbom.TypeFile
	}
	return sbom.TypeLibrary
}
