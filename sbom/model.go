// Package sbom holds premarket's software bill of materials model: the
// documents and components that every source reader produces, that merging
// deduplicates, that the checks inspect and that the CycloneDX and SPDX
// encoders write.
//
// The model is plain data. Readers of build outputs live in sbom/source/...,
// format I/O in sbom/cyclonedx and sbom/spdx, checks in sbom/check.
package sbom

import (
	"sort"
	"strings"
)

// ComponentType follows CycloneDX's component types.
type ComponentType string

// Component types premarket produces.
const (
	TypeApplication     ComponentType = "application"
	TypeLibrary         ComponentType = "library"
	TypeFirmware        ComponentType = "firmware"
	TypeOperatingSystem ComponentType = "operating-system"
	TypeDevice          ComponentType = "device"
	TypeFile            ComponentType = "file"
	TypeFramework       ComponentType = "framework"
	TypeContainer       ComponentType = "container"
	TypePlatform        ComponentType = "platform"
	TypeData            ComponentType = "data"
	TypeCryptoAsset     ComponentType = "cryptographic-asset"
	TypeMachineLearning ComponentType = "machine-learning-model"
)

// Origin records where a component (or one fact about it) was read: the
// provenance that lets a reviewer find the line in the build output.
type Origin struct {
	Kind string `json:"kind"`           // source kind, e.g. "yocto-license-manifest"
	File string `json:"file"`           // path as given by the user
	Line int    `json:"line,omitempty"` // 1-based line, 0 when not line-oriented
	Path string `json:"path,omitempty"` // element path inside structured input, e.g. "packages[3]"
}

// Hash is a digest of the component's artefact.
type Hash struct {
	Alg   string `json:"alg"` // CycloneDX spelling: "SHA-256", "SHA-1", "MD5", ...
	Value string `json:"value"`
}

// Property is a name/value pair, CycloneDX style. Names premarket writes
// use the "premarket:" namespace documented in the README.
type Property struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// License is a component's declared licence: either a valid SPDX licence
// expression, or, when the input's text cannot be mapped, the text kept as
// a named licence (never dropped).
type License struct {
	Expression string `json:"expression,omitempty"` // valid SPDX expression
	Name       string `json:"name,omitempty"`       // unmappable licence text as written
	// Declared is the input's original text, kept for provenance.
	Declared string `json:"declared,omitempty"`
}

// Support is the FDA support information of a component (FDA-SB1..SB4).
type Support struct {
	Level         string `json:"level,omitempty"`         // actively-maintained | no-longer-maintained | abandoned (or the raw text when read from a foreign SBOM)
	EndOfSupport  string `json:"endOfSupport,omitempty"`  // YYYY-MM-DD (or the raw text when read)
	Justification string `json:"justification,omitempty"` // why a level or date cannot be given
}

// Support levels as premarket writes them.
const (
	SupportActive       = "actively-maintained"
	SupportNoLonger     = "no-longer-maintained"
	SupportAbandoned    = "abandoned"
	SupportUnknownLevel = ""
)

// Component is one unit of software (or hardware) in a bill of materials.
type Component struct {
	// Ref is the component's identifier within its document (CycloneDX
	// bom-ref, SPDX SPDXID). Merging assigns final refs.
	Ref         string        `json:"ref"`
	Type        ComponentType `json:"type"`
	Name        string        `json:"name"`
	Version     string        `json:"version,omitempty"`
	Group       string        `json:"group,omitempty"`
	Supplier    string        `json:"supplier,omitempty"`
	Author      string        `json:"author,omitempty"`
	Description string        `json:"description,omitempty"`
	PURL        string        `json:"purl,omitempty"`
	CPE         string        `json:"cpe,omitempty"`
	// SWIDTagID is the tagId of the component's SWID tag (ISO/IEC 19770-2),
	// a unique identifier in the NTIA sense.
	SWIDTagID   string     `json:"swidTagId,omitempty"`
	Licenses    []License  `json:"licenses,omitempty"`
	Hashes      []Hash     `json:"hashes,omitempty"`
	Homepage    string     `json:"homepage,omitempty"`
	DownloadURL string     `json:"downloadUrl,omitempty"`
	Properties  []Property `json:"properties,omitempty"`
	Support     *Support   `json:"support,omitempty"`
	// Origins lists every place the component was read from.
	Origins []Origin `json:"origins,omitempty"`
	// Evidence records how a component found in a binary was identified
	// (CycloneDX evidence.identity methods and evidence.occurrences).
	// Empty for components declared by build outputs or SBOMs.
	Evidence []Evidence `json:"evidence,omitempty"`
	// Loc is where the component sits in the document it was read from
	// (for checks of foreign SBOMs). Zero for generated components.
	Loc Location `json:"-"`
}

// Evidence is one observation that identified a component in a shipped
// artefact, in the spirit of CycloneDX evidence: the identification
// technique, its confidence, where it was seen and what was seen.
type Evidence struct {
	// Method is the technique: "binary-analysis" (a text signature in the
	// binary), "filename", "manifest-analysis" (Go build info, cargo
	// auditable), ... (CycloneDX identity method techniques).
	Method string `json:"method"`
	// Confidence in [0,1].
	Confidence float64 `json:"confidence"`
	// Location is the provenance path of the file, with "@offset" or
	// "#section" when known, e.g. "rootfs.tar!/usr/lib/libz.so.1@0x1a2b".
	Location string `json:"location,omitempty"`
	// Text is the matched text (truncated), e.g. "OpenSSL 3.0.11 19 Sep 2023".
	Text string `json:"text,omitempty"`
}

// Location mirrors finding.Location without importing it, so the model
// stays free of check concerns.
type Location struct {
	File   string
	Line   int
	Column int
	Path   string
}

// Property returns the value of the first property with the given name.
func (c *Component) Property(name string) (string, bool) {
	for _, p := range c.Properties {
		if p.Name == name {
			return p.Value, true
		}
	}
	return "", false
}

// SetProperty replaces or appends a property.
func (c *Component) SetProperty(name, value string) {
	for i := range c.Properties {
		if c.Properties[i].Name == name {
			c.Properties[i].Value = value
			return
		}
	}
	c.Properties = append(c.Properties, Property{Name: name, Value: value})
}

// PropBuildScope marks where a component runs: "target" (ships in the
// device) or "host" (a build tool that does not ship).
const PropBuildScope = "premarket:build:scope"

// Dependency says that Ref depends on each of DependsOn (refs).
type Dependency struct {
	Ref       string   `json:"ref"`
	DependsOn []string `json:"dependsOn"`
}

// Document is one SBOM: what a reader produced from one input, the result
// of merging several, or a foreign SBOM read for checking.
type Document struct {
	Format       string // "CycloneDX", "SPDX", or the source kind for build outputs
	SpecVersion  string // "1.6", "SPDX-2.3", ...
	SerialNumber string
	Name         string
	Timestamp    string   // RFC 3339, as written
	Authors      []string // SBOM data authors (NTIA-F6)
	Tools        []string // "name version"
	Supplier     string   // supplier of the primary component / manufacturer
	// Primary is the described product (CycloneDX metadata.component).
	Primary    *Component
	Components []*Component
	// Dependencies is the graph; refs point at Primary or Components.
	Dependencies []Dependency
	// Loc locates the document itself.
	Loc Location
	// Source is the input path the document was read from.
	Source string
}

// ComponentByRef returns the component (or Primary) with the given ref.
func (d *Document) ComponentByRef(ref string) *Component {
	if d.Primary != nil && d.Primary.Ref == ref {
		return d.Primary
	}
	for _, c := range d.Components {
		if c.Ref == ref {
			return c
		}
	}
	return nil
}

// SortComponents orders components by name, version and ref, and each
// dependency list, so output is deterministic.
func (d *Document) SortComponents() {
	sort.SliceStable(d.Components, func(i, j int) bool {
		a, b := d.Components[i], d.Components[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Version != b.Version {
			return a.Version < b.Version
		}
		return a.Ref < b.Ref
	})
	sort.SliceStable(d.Dependencies, func(i, j int) bool { return d.Dependencies[i].Ref < d.Dependencies[j].Ref })
	for i := range d.Dependencies {
		sort.Strings(d.Dependencies[i].DependsOn)
	}
}

// Key returns the identity used to deduplicate components across inputs:
// the PURL without qualifiers plus the lower-case name when a PURL is
// present (build systems give every binary package of one recipe the
// recipe's PURL, and those packages stay distinct components), else
// lower-case name@version.
//
// A component built for the build host (property premarket:build:scope =
// host) never merges with the target component of the same name.
func (c *Component) Key() string {
	name := strings.ToLower(c.Name)
	if scope, _ := c.Property(PropBuildScope); scope != "" && scope != "target" {
		name += " scope=" + scope
	}
	if c.PURL != "" {
		p := c.PURL
		if i := strings.IndexAny(p, "?#"); i >= 0 {
			p = p[:i]
		}
		return p + " " + name
	}
	return name + "@" + c.Version
}
