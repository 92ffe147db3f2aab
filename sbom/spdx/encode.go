package spdx

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/premarket/premarket/sbom"
)

// EncodeOptions configure Encode.
type EncodeOptions struct {
	// Created is written as creationInfo.created when the document has no
	// Timestamp (callers pass SOURCE_DATE_EPOCH or now).
	Created time.Time
	// NamespaceBase prefixes documentNamespace (default
	// "https://spdx.org/spdxdocs/", as in the SPDX specification's
	// examples).
	NamespaceBase string
}

// Encode writes doc as an SPDX 2.3 JSON document:
//
//   - every component, and the primary component first, becomes a package
//     with an SPDXID derived from its ref ("SPDXRef-Package-<ref>" with
//     characters outside [A-Za-z0-9.-] replaced by "-", made unique);
//   - versionInfo, supplier "Organization: <supplier>" (NOASSERTION when
//     unknown), downloadLocation (NOASSERTION when unknown), homepage,
//     description, checksums, primaryPackagePurpose from the component type;
//   - licenseDeclared is the component's SPDX expression; a licence known
//     only by its text becomes a LicenseRef-<n> with the text in
//     hasExtractedLicensingInfos; licenseConcluded is NOASSERTION (premarket
//     declares, it does not conclude);
//   - externalRefs PACKAGE-MANAGER purl and SECURITY cpe23Type;
//   - the component's properties and provenance in the package comment;
//   - relationships: the document DESCRIBES the primary component (or every
//     component when there is none), and one DEPENDS_ON per dependency edge;
//   - creationInfo.created from doc.Timestamp (else opts.Created), creators
//     "Tool: <name>-<version>" per tool and "Organization: <x>" for the
//     supplier and each author;
//   - documentNamespace derived from the serial number (or, without one,
//     from the components), so the same document always gets the same
//     namespace.
//
// Output is deterministic: it depends only on doc and opts.
func Encode(w io.Writer, doc *sbom.Document, opts EncodeOptions) error {
	if doc == nil {
		return fmt.Errorf("write SPDX: no document")
	}
	created, err := createdTime(doc.Timestamp, opts.Created)
	if err != nil {
		return err
	}
	name := doc.Name
	if name == "" && doc.Primary != nil {
		name = doc.Primary.Name
	}
	if name == "" {
		name = "sbom"
	}
	base := opts.NamespaceBase
	if base == "" {
		base = "https://spdx.org/spdxdocs/"
	}
	out := outDoc{
		SPDXVersion: "SPDX-2.3", DataLicense: "CC0-1.0", SPDXID: "SPDXRef-DOCUMENT", Name: name,
		DocumentNamespace: base + idPart(name) + "-" + namespaceID(doc),
		CreationInfo:      outCreation{Created: created},
	}
	for _, t := range doc.Tools {
		n, v := splitToolVersion(t)
		if v != "" {
			n += "-" + v
		}
		out.CreationInfo.Creators = append(out.CreationInfo.Creators, "Tool: "+n)
	}
	seenCreator := map[string]bool{}
	for _, o := range append([]string{doc.Supplier}, doc.Authors...) {
		if o = strings.TrimSpace(o); o != "" && !seenCreator[o] {
			seenCreator[o] = true
			out.CreationInfo.Creators = append(out.CreationInfo.Creators, "Organization: "+o)
		}
	}
	if len(out.CreationInfo.Creators) == 0 {
		out.CreationInfo.Creators = []string{"Tool: premarket"}
	}

	e := &encoder{ids: map[string]string{}, used: map[string]bool{}, lics: map[string]string{}}
	var comps []*sbom.Component
	if doc.Primary != nil {
		comps = append(comps, doc.Primary)
	}
	comps = append(comps, doc.Components...)
	for _, c := range comps {
		if c.Name == "" {
			return fmt.Errorf("write SPDX: component %q has no name", c.Ref)
		}
		out.Packages = append(out.Packages, e.pkg(c))
	}
	out.HasExtractedLicensingInfos = e.extracted

	if doc.Primary != nil {
		out.Relationships = append(out.Relationships, outRel{"SPDXRef-DOCUMENT", "DESCRIBES", e.id(doc.Primary)})
	} else {
		for _, c := range doc.Components {
			out.Relationships = append(out.Relationships, outRel{"SPDXRef-DOCUMENT", "DESCRIBES", e.id(c)})
		}
	}
	deps := append([]sbom.Dependency(nil), doc.Dependencies...)
	sort.SliceStable(deps, func(i, j int) bool { return deps[i].Ref < deps[j].Ref })
	for _, d := range deps {
		from, ok := e.ids[d.Ref]
		if !ok {
			continue
		}
		on := append([]string(nil), d.DependsOn...)
		sort.Strings(on)
		for _, t := range on {
			if to, ok := e.ids[t]; ok {
				out.Relationships = append(out.Relationships, outRel{from, "DEPENDS_ON", to})
			}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write SPDX: %w", err)
	}
	return nil
}

type outDoc struct {
	SPDXVersion                string         `json:"spdxVersion"`
	DataLicense                string         `json:"dataLicense"`
	SPDXID                     string         `json:"SPDXID"`
	Name                       string         `json:"name"`
	DocumentNamespace          string         `json:"documentNamespace"`
	CreationInfo               outCreation    `json:"creationInfo"`
	Packages                   []outPkg       `json:"packages,omitempty"`
	HasExtractedLicensingInfos []outExtracted `json:"hasExtractedLicensingInfos,omitempty"`
	Relationships              []outRel       `json:"relationships,omitempty"`
}

type outCreation struct {
	Created  string   `json:"created"`
	Creators []string `json:"creators"`
}

type outPkg struct {
	Name                  string        `json:"name"`
	SPDXID                string        `json:"SPDXID"`
	VersionInfo           string        `json:"versionInfo,omitempty"`
	Supplier              string        `json:"supplier"`
	Originator            string        `json:"originator,omitempty"`
	DownloadLocation      string        `json:"downloadLocation"`
	FilesAnalyzed         bool          `json:"filesAnalyzed"`
	Checksums             []outChecksum `json:"checksums,omitempty"`
	Homepage              string        `json:"homepage,omitempty"`
	LicenseConcluded      string        `json:"licenseConcluded"`
	LicenseDeclared       string        `json:"licenseDeclared"`
	CopyrightText         string        `json:"copyrightText"`
	Description           string        `json:"description,omitempty"`
	Comment               string        `json:"comment,omitempty"`
	ExternalRefs          []outRef      `json:"externalRefs,omitempty"`
	PrimaryPackagePurpose string        `json:"primaryPackagePurpose,omitempty"`
}

type outChecksum struct {
	Algorithm     string `json:"algorithm"`
	ChecksumValue string `json:"checksumValue"`
}

type outRef struct {
	ReferenceCategory string `json:"referenceCategory"`
	ReferenceType     string `json:"referenceType"`
	ReferenceLocator  string `json:"referenceLocator"`
}

type outExtracted struct {
	LicenseID     string `json:"licenseId"`
	Name          string `json:"name,omitempty"`
	ExtractedText string `json:"extractedText"`
}

type outRel struct {
	SPDXElementID      string `json:"spdxElementId"`
	RelationshipType   string `json:"relationshipType"`
	RelatedSPDXElement string `json:"relatedSpdxElement"`
}

type encoder struct {
	ids       map[string]string // component ref -> SPDXID
	used      map[string]bool
	lics      map[string]string // licence text -> LicenseRef id
	extracted []outExtracted
}

var idUnsafe = regexp.MustCompile(`[^A-Za-z0-9.-]+`)

// idPart makes s usable in an SPDXID or namespace.
func idPart(s string) string {
	s = strings.Trim(idUnsafe.ReplaceAllString(s, "-"), "-")
	if s == "" {
		s = "x"
	}
	return s
}

// id returns (assigning on first use) the SPDXID of c.
func (e *encoder) id(c *sbom.Component) string {
	key := c.Ref
	if key == "" {
		key = c.Name + "@" + c.Version
	}
	if id, ok := e.ids[key]; ok {
		return id
	}
	base := "SPDXRef-Package-" + idPart(key)
	id := base
	for i := 2; e.used[id]; i++ {
		id = fmt.Sprintf("%s-%d", base, i)
	}
	e.used[id] = true
	e.ids[key] = id
	return id
}

func (e *encoder) pkg(c *sbom.Component) outPkg {
	p := outPkg{
		Name: c.Name, SPDXID: e.id(c), VersionInfo: c.Version,
		Supplier: "NOASSERTION", DownloadLocation: "NOASSERTION",
		LicenseConcluded: "NOASSERTION", LicenseDeclared: "NOASSERTION", CopyrightText: "NOASSERTION",
		Homepage: c.Homepage, Description: c.Description,
		PrimaryPackagePurpose: purposeOf(c.Type),
	}
	if c.Supplier != "" {
		p.Supplier = "Organization: " + c.Supplier
	}
	if c.Author != "" {
		p.Originator = "Organization: " + c.Author
	}
	if c.DownloadURL != "" {
		p.DownloadLocation = c.DownloadURL
	}
	if p.Homepage != "" && !strings.Contains(p.Homepage, "://") {
		p.Homepage = ""
	}
	for _, h := range c.Hashes {
		if alg, ok := spdxAlg(h.Alg); ok {
			p.Checksums = append(p.Checksums, outChecksum{Algorithm: alg, ChecksumValue: strings.ToLower(h.Value)})
		}
	}
	if expr := e.licence(c.Licenses); expr != "" {
		p.LicenseDeclared = expr
	}
	if c.PURL != "" {
		p.ExternalRefs = append(p.ExternalRefs, outRef{"PACKAGE-MANAGER", "purl", c.PURL})
	}
	if c.CPE != "" {
		typ := "cpe23Type"
		if strings.HasPrefix(c.CPE, "cpe:/") {
			typ = "cpe22Type"
		}
		p.ExternalRefs = append(p.ExternalRefs, outRef{"SECURITY", typ, c.CPE})
	}
	var lines []string
	for _, pr := range c.Properties {
		lines = append(lines, pr.Name+": "+pr.Value)
	}
	for _, o := range c.Origins {
		l := "premarket:source:location: " + o.Kind + " " + o.File
		if o.Line > 0 {
			l += fmt.Sprintf(":%d", o.Line)
		}
		lines = append(lines, l)
	}
	p.Comment = strings.Join(lines, "\n")
	return p
}

// licence returns the declared licence expression of ls: expressions
// joined with AND, texts as LicenseRef-<n> (recorded once per text).
func (e *encoder) licence(ls []sbom.License) string {
	var parts []string
	for _, l := range ls {
		switch {
		case l.Expression != "":
			parts = append(parts, l.Expression)
		case l.Name != "":
			id, ok := e.lics[l.Name]
			if !ok {
				id = fmt.Sprintf("LicenseRef-%d-%s", len(e.lics)+1, idPart(l.Name))
				if len(id) > 64 {
					id = id[:64]
				}
				id = strings.TrimRight(id, "-.")
				e.lics[l.Name] = id
				e.extracted = append(e.extracted, outExtracted{LicenseID: id, Name: l.Name, ExtractedText: l.Name})
			}
			parts = append(parts, id)
		}
	}
	if len(parts) > 1 {
		for i, p := range parts {
			if strings.Contains(p, " ") {
				parts[i] = "(" + p + ")"
			}
		}
	}
	return strings.Join(parts, " AND ")
}

// purposeOf maps a CycloneDX component type to an SPDX 2.3
// primaryPackagePurpose.
func purposeOf(t sbom.ComponentType) string {
	switch t {
	case sbom.TypeApplication:
		return "APPLICATION"
	case sbom.TypeLibrary:
		return "LIBRARY"
	case sbom.TypeFramework:
		return "FRAMEWORK"
	case sbom.TypeContainer:
		return "CONTAINER"
	case sbom.TypeOperatingSystem:
		return "OPERATING_SYSTEM"
	case sbom.TypeDevice:
		return "DEVICE"
	case sbom.TypeFirmware:
		return "FIRMWARE"
	case sbom.TypeFile:
		return "FILE"
	case "":
		return ""
	}
	return "OTHER"
}

// spdxAlg maps the model's (CycloneDX) algorithm names to SPDX's.
func spdxAlg(alg string) (string, bool) {
	n := strings.ToUpper(strings.NewReplacer("-", "", "_", "", " ", "").Replace(alg))
	switch n {
	case "MD5", "SHA1", "SHA224", "SHA256", "SHA384", "SHA512", "MD2", "MD4", "MD6", "ADLER32", "BLAKE3":
		return n, true
	case "SHA3256":
		return "SHA3-256", true
	case "SHA3384":
		return "SHA3-384", true
	case "SHA3512":
		return "SHA3-512", true
	case "BLAKE2B256":
		return "BLAKE2b-256", true
	case "BLAKE2B384":
		return "BLAKE2b-384", true
	case "BLAKE2B512":
		return "BLAKE2b-512", true
	}
	return "", false
}

// createdTime formats the creation time as SPDX wants it (UTC, seconds, Z).
func createdTime(ts string, fallback time.Time) (string, error) {
	if ts != "" {
		t, err := time.Parse(time.RFC3339, ts)
		if err != nil {
			return "", fmt.Errorf("write SPDX: timestamp %q is not RFC 3339: %w", ts, err)
		}
		return t.UTC().Format("2006-01-02T15:04:05Z"), nil
	}
	if fallback.IsZero() {
		return "", fmt.Errorf("write SPDX: no creation time (the document has no timestamp and none was given)")
	}
	return fallback.UTC().Format("2006-01-02T15:04:05Z"), nil
}

// namespaceID is the document's serial UUID, or a UUID-shaped digest of
// its components when it has none.
func namespaceID(doc *sbom.Document) string {
	if u := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(doc.SerialNumber)), "urn:uuid:"); u != "" {
		return idPart(u)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", doc.Name, doc.Timestamp)
	if doc.Primary != nil {
		fmt.Fprintf(h, "%s\x00", doc.Primary.Key())
	}
	for _, c := range doc.Components {
		fmt.Fprintf(h, "%s\x00%s\x00", c.Key(), c.Ref)
	}
	s := h.Sum(nil)
	return fmt.Sprintf("%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}

// splitToolVersion splits "name version" at the last space when what
// follows starts with a digit or "v<digit>".
func splitToolVersion(t string) (string, string) {
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
