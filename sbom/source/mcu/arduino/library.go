// Package arduino reads the manifests of the Arduino ecosystem:
//
//   - library.properties (kind "arduino-library-properties"), the
//     metadata file every Arduino library carries (Arduino library
//     specification 1.5): name, version, author, maintainer, sentence,
//     paragraph, category, url, architectures, depends, includes, and the
//     non-standard but common license;
//   - sketch.yaml (kind "arduino-sketch-project"), the Arduino CLI sketch
//     project file whose build profiles pin the exact platform (core) and
//     library versions a sketch is built with.
//
// # PURLs
//
// The purl specification has no type for Arduino libraries or cores, so
// both use the generic type: a library is "pkg:generic/<name>@<version>"
// and a core "pkg:generic/<vendor>/<architecture>@<version>". Components
// that the Arduino tools install from an index (dependencies, profile
// entries) carry a repository_url qualifier naming that index (the Arduino
// library index, the core's platform_index_url or Arduino's package
// index), which says where the name is valid. A library read from its own
// library.properties gets no qualifier: nothing says it is published.
// Qualifiers are not part of the merge key, so the library and the same
// library named as a dependency still merge.
//
// The older sketch.json of Arduino CLI records only the board and port,
// no versions, and is not read.
package arduino

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/license"
	"github.com/premarket/premarket/sbom/source/mcu/internal/common"
)

// Kinds read by this package.
const (
	KindLibrary = "arduino-library-properties"
	KindSketch  = "arduino-sketch-project"
)

const (
	humanLibrary = "arduino library.properties"
	humanSketch  = "arduino sketch.yaml"
)

// Index URLs the Arduino tools resolve names against.
const (
	// LibraryIndex is the Arduino Library Manager's index.
	LibraryIndex = "https://downloads.arduino.cc/libraries/library_index.json"
	// PackageIndex is the index of Arduino's own platforms (cores).
	PackageIndex = "https://downloads.arduino.cc/packages/package_index.json"
)

// Field is one key=value line of a properties file.
type Field struct {
	Value string
	Line  int
}

// MaxDepends bounds the dependencies one library may declare.
const MaxDepends = 10_000

// ParseProperties reads an Arduino properties file: key=value lines,
// "#" comment lines and blank lines. Keys and values are trimmed; a later
// line overrides an earlier one with the same key, as in the Arduino
// tools. A line without "=" or with an empty key is an error naming the
// line. kind names the format in errors. data must already have passed
// common.CheckText.
func ParseProperties(kind, name string, data []byte) (map[string]Field, error) {
	out := map[string]Field{}
	for i, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimSpace(strings.TrimSuffix(raw, "\r"))
		if line == "" || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, common.Errf(kind, name, i+1, "want key=value, got %q", common.Clip(line))
		}
		out[k] = Field{Value: strings.TrimSpace(v), Line: i + 1}
	}
	return out, nil
}

// Depend is one entry of a library's depends= list.
type Depend struct {
	Name string
	// Constraint is the version constraint in the parentheses, e.g.
	// ">=1.2.0" or "=0.6.4", "" when none.
	Constraint string
}

var dependRe = regexp.MustCompile(`^([^()]*?)\s*(?:\(([^()]*)\))?$`)

// ParseDepends splits a depends= value: a comma-separated list of library
// names, each optionally followed by a version constraint in parentheses,
// "ArduinoHttpClient (>=0.4.0), Adafruit Unified Sensor".
func ParseDepends(s string) ([]Depend, error) {
	var out []Depend
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		m := dependRe.FindStringSubmatch(part)
		if m == nil || m[1] == "" {
			return nil, fmt.Errorf("depends: %q is not \"Name\" or \"Name (constraint)\"", common.Clip(part))
		}
		if len(out) >= MaxDepends {
			return nil, fmt.Errorf("depends: more than %d entries", MaxDepends)
		}
		out = append(out, Depend{Name: m[1], Constraint: strings.Join(strings.Fields(m[2]), " ")})
	}
	return out, nil
}

// LibraryReader reads library.properties.
type LibraryReader struct{}

var _ sbom.Reader = (*LibraryReader)(nil)

// NewLibraryReader returns a reader of Arduino library.properties files.
func NewLibraryReader() *LibraryReader { return &LibraryReader{} }

// Kind implements sbom.Reader.
func (*LibraryReader) Kind() string { return KindLibrary }

var (
	detName    = regexp.MustCompile(`(?m)^[ \t]*name[ \t]*=[ \t]*\S`)
	detVersion = regexp.MustCompile(`(?m)^[ \t]*version[ \t]*=`)
	detLibKey  = regexp.MustCompile(`(?m)^[ \t]*(sentence|architectures|maintainer)[ \t]*=`)
	detSection = regexp.MustCompile(`(?m)^[ \t]*\[`)
)

// Detect reports whether head is a properties file with name= and
// version= lines and at least one of sentence=, architectures= or
// maintainer=, the keys that make it an Arduino library's metadata rather
// than some other key=value file. INI files (with [section] lines) are
// not library.properties.
func (*LibraryReader) Detect(_ string, head []byte) bool {
	return bytes.IndexByte(head, 0) < 0 && detName.Match(head) && detVersion.Match(head) &&
		detLibKey.Match(head) && !detSection.Match(head)
}

// Read implements sbom.Reader. The document holds the library as a
// component (a library is a part of some firmware, not the product) and
// one component per depends= entry, with an edge from the library to
// each. Dependencies have no version: the Arduino Library Manager picks
// one at install time; the constraint, if any, is kept in
// premarket:manifest:version-constraint.
func (*LibraryReader) Read(ctx context.Context, name string, data []byte) (*sbom.Document, error) {
	data, err := common.CheckText(humanLibrary, name, data)
	if err != nil {
		return nil, err
	}
	props, err := ParseProperties(humanLibrary, name, data)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	lib, err := LibraryComponent(humanLibrary, KindLibrary, name, props)
	if err != nil {
		return nil, err
	}
	doc := &sbom.Document{Format: KindLibrary, Source: name, Loc: sbom.Location{File: name, Line: 1}}
	doc.Components = append(doc.Components, lib)
	deps, err := ParseDepends(props["depends"].Value)
	if err != nil {
		return nil, common.Errf(humanLibrary, name, props["depends"].Line, "%v", err)
	}
	var g common.Graph
	seen := map[string]bool{}
	for _, d := range deps {
		if seen[d.Name] {
			continue
		}
		seen[d.Name] = true
		c := &sbom.Component{Ref: "arduino:lib:" + d.Name, Type: sbom.TypeLibrary, Name: d.Name,
			PURL: packageurl.NewPackageURL("generic", "", d.Name, "", packageurl.QualifiersFromMap(map[string]string{"repository_url": LibraryIndex}), "").ToString()}
		c.Origins, c.Loc = common.Origin(KindLibrary, name, props["depends"].Line, "depends")
		c.SetProperty(common.PropBuildSystem, "arduino")
		c.SetProperty(common.PropDependencyKind, "direct")
		if d.Constraint != "" {
			c.SetProperty(common.PropVersionConstraint, d.Constraint)
		}
		c.SetProperty(common.PropUnresolved, "version not pinned: the Arduino Library Manager picks it at install time; read the installed library's library.properties or a sketch.yaml profile for the exact version")
		common.Identify(c, "", "")
		doc.Components = append(doc.Components, c)
		g.Add(lib.Ref, c.Ref)
	}
	doc.Dependencies = g.Deps
	return doc, nil
}

// LibraryComponent builds the component a library.properties describes:
// name (required), version, author, maintainer (the supplier), sentence
// and paragraph (the description), url (the homepage), license, and
// category, architectures, includes, dot_a_linkage and precompiled as
// premarket:arduino:* properties. Its PURL is
// "pkg:generic/<name>@<version>". kind and human name the reader for
// origins and errors (the PlatformIO reader uses it for installed
// libraries too).
func LibraryComponent(human, kind, name string, props map[string]Field) (*sbom.Component, error) {
	libName := props["name"].Value
	if libName == "" {
		line := props["name"].Line
		return nil, common.Errf(human, name, line, "no library name (name=)")
	}
	version := props["version"].Value
	c := &sbom.Component{Ref: "arduino:lib:" + libName + "@" + version, Type: sbom.TypeLibrary, Name: libName, Version: version,
		Author: props["author"].Value, Supplier: props["maintainer"].Value, Homepage: props["url"].Value}
	c.PURL = packageurl.NewPackageURL("generic", "", libName, version, nil, "").ToString()
	c.Origins, c.Loc = common.Origin(kind, name, props["name"].Line, "name")
	desc := props["sentence"].Value
	if p := props["paragraph"].Value; p != "" {
		desc = strings.TrimSpace(desc + " " + p)
	}
	c.Description = desc
	if l := license.Normalize(props["license"].Value); l != (sbom.License{}) {
		c.Licenses = []sbom.License{l}
	}
	c.SetProperty(common.PropBuildSystem, "arduino")
	for _, k := range []string{"category", "architectures", "includes", "dot_a_linkage", "precompiled"} {
		if v := props[k].Value; v != "" {
			c.SetProperty("premarket:arduino:"+k, v)
		}
	}
	if version == "" {
		c.SetProperty(common.PropUnresolved, "library.properties has no version=")
	}
	common.Identify(c, props["url"].Value, common.ReleaseVersion(version))
	return c, nil
}
