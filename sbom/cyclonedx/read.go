package cyclonedx

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/premarket/premarket/internal/jsonpos"
	"github.com/premarket/premarket/sbom"
)

// DefaultMaxBytes is the largest CycloneDX document read by default.
const DefaultMaxBytes = 256 << 20

// Reader kinds.
const (
	KindJSON = "cyclonedx-json"
	KindXML  = "cyclonedx-xml"
)

// Reader reads CycloneDX JSON or XML, spec 1.2 to 1.7. The zero value is
// not usable; use NewJSONReader or NewXMLReader.
type Reader struct {
	format cdx.BOMFileFormat
	// MaxBytes bounds the input size; 0 means DefaultMaxBytes.
	MaxBytes int64
}

// NewJSONReader returns the reader of kind "cyclonedx-json".
func NewJSONReader() *Reader { return &Reader{format: cdx.BOMFileFormatJSON} }

// NewXMLReader returns the reader of kind "cyclonedx-xml".
func NewXMLReader() *Reader { return &Reader{format: cdx.BOMFileFormatXML} }

var _ sbom.Reader = (*Reader)(nil)

// Kind implements sbom.Reader.
func (r *Reader) Kind() string {
	if r.format == cdx.BOMFileFormatXML {
		return KindXML
	}
	return KindJSON
}

func (r *Reader) human() string {
	if r.format == cdx.BOMFileFormatXML {
		return "CycloneDX XML"
	}
	return "CycloneDX JSON"
}

var (
	jsonMarker = regexp.MustCompile(`"bomFormat"\s*:\s*"CycloneDX"`)
	xmlMarker  = regexp.MustCompile(`<(?:[A-Za-z_][\w.-]*:)?bom\b[^>]*\bxmlns(?::[\w.-]+)?\s*=\s*["']http://cyclonedx\.org/schema/bom/`)
)

// Detect implements sbom.Reader: JSON with "bomFormat": "CycloneDX", or an
// XML <bom> element in a http://cyclonedx.org/schema/bom/ namespace.
func (r *Reader) Detect(_ string, head []byte) bool {
	if r.format == cdx.BOMFileFormatXML {
		return xmlMarker.Match(head)
	}
	t := bytes.TrimLeft(head, " \t\r\n\ufeff")
	return len(t) > 0 && t[0] == '{' && jsonMarker.Match(head)
}

// Read implements sbom.Reader.
func (r *Reader) Read(ctx context.Context, name string, data []byte) (*sbom.Document, error) {
	perr := func(line int, err error) error {
		return &sbom.ParseError{Kind: r.human(), File: name, Line: line, Err: err}
	}
	limit := r.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	if err := sbom.CheckInput(r.human(), name, data, limit); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var bom cdx.BOM
	var positions map[string]pos
	if r.format == cdx.BOMFileFormatXML {
		if err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatXML).Decode(&bom); err != nil {
			return nil, perr(xmlErrLine(err), fmt.Errorf("not valid CycloneDX XML: %w", err))
		}
		if !strings.HasPrefix(bom.XMLNS, "http://cyclonedx.org/schema/bom/") {
			return nil, perr(1, fmt.Errorf("root element is not a CycloneDX <bom> (namespace %q)", bom.XMLNS))
		}
		if bom.SpecVersion == 0 {
			return nil, perr(1, fmt.Errorf("unsupported CycloneDX namespace %q", bom.XMLNS))
		}
		positions = xmlPositions(data)
	} else {
		if err := json.Unmarshal(data, &bom); err != nil {
			return nil, perr(jsonErr(data, err))
		}
		if bom.BOMFormat != cdx.BOMFormat {
			return nil, perr(jsonpos.KeyLine(data, "bomFormat"), fmt.Errorf("bomFormat is %q, want \"CycloneDX\"", bom.BOMFormat))
		}
		positions = jsonPositions(data)
	}
	if bom.SpecVersion < cdx.SpecVersion1_2 && r.format == cdx.BOMFileFormatJSON {
		return nil, perr(jsonpos.KeyLine(data, "specVersion"), fmt.Errorf("specVersion %s is not supported (premarket reads CycloneDX 1.2 to 1.7)", bom.SpecVersion))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return toDocument(&bom, name, r.Kind(), positions), nil
}

// jsonErr locates a decoding error.
func jsonErr(data []byte, err error) (int, error) {
	if line, msg, ok := jsonpos.Describe(data, err); ok {
		return line, msg
	}
	if errors.Is(err, cdx.ErrInvalidSpecVersion) {
		return jsonpos.KeyLine(data, "specVersion"), fmt.Errorf("unsupported specVersion (premarket reads CycloneDX 1.2 to 1.7): %w", err)
	}
	return 0, fmt.Errorf("not valid CycloneDX JSON: %w", err)
}

var xmlLineRe = regexp.MustCompile(`line (\d+)`)

func xmlErrLine(err error) int {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return se.Line
	}
	if m := xmlLineRe.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// toDocument maps a decoded BOM to the model. Components nested in other
// components are flattened, depth first, each keeping the path it had.
func toDocument(bom *cdx.BOM, name, kind string, positions map[string]pos) *sbom.Document {
	doc := &sbom.Document{
		Format:       "CycloneDX",
		SpecVersion:  bom.SpecVersion.String(),
		SerialNumber: bom.SerialNumber,
		Source:       name,
		Loc:          sbom.Location{File: name, Line: 1, Column: 1},
	}
	m := mapper{name: name, kind: kind, positions: positions}
	if md := bom.Metadata; md != nil {
		doc.Timestamp = md.Timestamp
		if md.Authors != nil {
			for _, a := range *md.Authors {
				if n := contactName(a); n != "" {
					doc.Authors = append(doc.Authors, n)
				}
			}
		}
		if md.Tools != nil {
			doc.Tools = tools(md.Tools)
		}
		for _, e := range []*cdx.OrganizationalEntity{md.Supplier, md.Manufacturer, md.Manufacture} {
			if e != nil && strings.TrimSpace(e.Name) != "" {
				doc.Supplier = e.Name
				break
			}
		}
		if md.Component != nil {
			doc.Primary = m.component(md.Component, "metadata.component")
			doc.Name = md.Component.Name
			if doc.Supplier == "" {
				doc.Supplier = doc.Primary.Supplier
			}
			if md.Component.Components != nil {
				m.flatten(*md.Component.Components, "metadata.component.components")
			}
		}
	}
	if bom.Components != nil {
		m.flatten(*bom.Components, "components")
	}
	doc.Components = m.out
	if bom.Dependencies != nil {
		for _, d := range *bom.Dependencies {
			dep := sbom.Dependency{Ref: d.Ref, DependsOn: []string{}}
			if d.Dependencies != nil {
				dep.DependsOn = append(dep.DependsOn, *d.Dependencies...)
			}
			doc.Dependencies = append(doc.Dependencies, dep)
		}
	}
	return doc
}

type mapper struct {
	name, kind string
	positions  map[string]pos
	out        []*sbom.Component
}

func (m *mapper) flatten(cs []cdx.Component, path string) {
	for i := range cs {
		p := path + "[" + strconv.Itoa(i) + "]"
		m.out = append(m.out, m.component(&cs[i], p))
		if cs[i].Components != nil {
			m.flatten(*cs[i].Components, p+".components")
		}
	}
}

func (m *mapper) component(c *cdx.Component, path string) *sbom.Component {
	sc := &sbom.Component{
		Ref:         c.BOMRef,
		Type:        sbom.ComponentType(c.Type),
		Name:        c.Name,
		Version:     c.Version,
		Group:       c.Group,
		Description: c.Description,
		PURL:        c.PackageURL,
		CPE:         c.CPE,
		Author:      c.Author,
	}
	if c.Supplier != nil {
		sc.Supplier = c.Supplier.Name
	}
	if c.SWID != nil {
		sc.SWIDTagID = c.SWID.TagID
	}
	if sc.Author == "" && c.Authors != nil {
		var names []string
		for _, a := range *c.Authors {
			if n := contactName(a); n != "" {
				names = append(names, n)
			}
		}
		sc.Author = strings.Join(names, ", ")
	}
	if c.Licenses != nil {
		for _, l := range *c.Licenses {
			switch {
			case l.Expression != "":
				sc.Licenses = append(sc.Licenses, sbom.License{Expression: l.Expression, Declared: l.Expression})
			case l.License != nil && l.License.ID != "":
				sc.Licenses = append(sc.Licenses, sbom.License{Expression: l.License.ID, Declared: l.License.ID})
			case l.License != nil && l.License.Name != "":
				sc.Licenses = append(sc.Licenses, sbom.License{Name: l.License.Name, Declared: l.License.Name})
			}
		}
	}
	if c.Hashes != nil {
		for _, h := range *c.Hashes {
			sc.Hashes = append(sc.Hashes, sbom.Hash{Alg: string(h.Algorithm), Value: h.Value})
		}
	}
	if c.ExternalReferences != nil {
		for _, r := range *c.ExternalReferences {
			switch {
			case r.Type == cdx.ERTypeWebsite && sc.Homepage == "":
				sc.Homepage = r.URL
			case r.Type == cdx.ERTypeDistribution && sc.DownloadURL == "":
				sc.DownloadURL = r.URL
			}
		}
	}
	var support sbom.Support
	if c.Properties != nil {
		for _, p := range *c.Properties {
			sc.Properties = append(sc.Properties, sbom.Property{Name: p.Name, Value: p.Value})
			switch p.Name {
			case PropSupportLevel:
				support.Level = p.Value
			case PropSupportEndOfSupport:
				support.EndOfSupport = p.Value
			case PropSupportJustification:
				support.Justification = p.Value
			case PropSourceLocation:
				if o, ok := ParseOrigin(p.Value); ok {
					sc.Origins = append(sc.Origins, o)
				}
			}
		}
	}
	if support != (sbom.Support{}) {
		sc.Support = &support
	}
	p := m.positions[path]
	sc.Loc = sbom.Location{File: m.name, Line: p.Line, Column: p.Column, Path: path}
	sc.Origins = append(sc.Origins, sbom.Origin{Kind: m.kind, File: m.name, Line: p.Line, Path: path})
	return sc
}

func contactName(a cdx.OrganizationalContact) string {
	if n := strings.TrimSpace(a.Name); n != "" {
		return n
	}
	return strings.TrimSpace(a.Email)
}

// tools renders every form of metadata.tools (the 1.2-1.4 list of tools,
// the 1.5+ components and services) as "name version" strings.
func tools(tc *cdx.ToolsChoice) []string {
	var out []string
	add := func(vendor, name, version string) {
		s := strings.TrimSpace(name)
		if s == "" {
			s = strings.TrimSpace(vendor)
		}
		if s == "" {
			return
		}
		if version != "" {
			s += " " + version
		}
		out = append(out, s)
	}
	if tc.Tools != nil {
		for _, t := range *tc.Tools {
			add(t.Vendor, t.Name, t.Version)
		}
	}
	if tc.Components != nil {
		for _, c := range *tc.Components {
			add(c.Group, c.Name, c.Version)
		}
	}
	if tc.Services != nil {
		for _, s := range *tc.Services {
			add(s.Group, s.Name, s.Version)
		}
	}
	return out
}
