package arduino

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/package-url/packageurl-go"
	"gopkg.in/yaml.v3"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/source/mcu/internal/common"
)

// SketchReader reads sketch.yaml, the Arduino CLI sketch project file:
//
//	profiles:
//	  nano:
//	    fqbn: arduino:mbed_nano:nanorp2040connect
//	    platforms:
//	      - platform: arduino:mbed_nano (4.1.1)
//	    libraries:
//	      - ArduinoIoTCloud (1.0.2)
//	      - dir: libraries/Local
//	default_profile: nano
//
// Every profile's platforms and libraries become components with the
// exact version the profile pins. One component stands for a platform or
// library at one version however many profiles name it; the profiles are
// listed in premarket:arduino:profiles. The sketch (named after the
// directory holding sketch.yaml) is the document's Primary and depends on
// all of them.
type SketchReader struct{}

var _ sbom.Reader = (*SketchReader)(nil)

// NewSketchReader returns a reader of Arduino CLI sketch.yaml files.
func NewSketchReader() *SketchReader { return &SketchReader{} }

// Kind implements sbom.Reader.
func (*SketchReader) Kind() string { return KindSketch }

var (
	detProfiles = regexp.MustCompile(`(?m)^profiles:[ \t]*\r?$`)
	detEntries  = regexp.MustCompile(`(?m)^[ \t]+(libraries|platforms):[ \t]*\r?$|^[ \t]+-[ \t]+platform:[ \t]`)
)

// Detect reports whether head is YAML with a top-level "profiles:"
// mapping and an indented "libraries:" / "platforms:" list or a
// "- platform:" entry.
func (*SketchReader) Detect(_ string, head []byte) bool {
	return bytes.IndexByte(head, 0) < 0 && detProfiles.Match(head) && detEntries.Match(head)
}

// entryRe splits "Name (1.2.3)" and "vendor:arch (1.2.3)".
var entryRe = regexp.MustCompile(`^(.*?)\s*(?:\(\s*([^()\s]+)\s*\))?$`)

type sketchEntry struct {
	c        *sbom.Component
	profiles map[string]bool
}

// Read implements sbom.Reader.
func (*SketchReader) Read(ctx context.Context, name string, data []byte) (*sbom.Document, error) {
	data, err := common.CheckText(humanSketch, name, data)
	if err != nil {
		return nil, err
	}
	root, err := common.ParseYAML(humanSketch, name, data)
	if err != nil {
		return nil, err
	}
	if !common.IsMap(root) {
		return nil, common.Errf(humanSketch, name, root.Line, "want a mapping at the top level")
	}
	profiles := common.Get(root, "profiles")
	if !common.IsMap(profiles) {
		line := root.Line
		if profiles != nil {
			line = profiles.Line
		}
		return nil, common.Errf(humanSketch, name, line, "profiles: want a mapping of profile names")
	}
	str := func(n *yaml.Node, at, field string) (string, error) {
		return common.Str(humanSketch, name, at+"."+field, common.Get(n, field))
	}
	defProfile, err := str(root, "", "default_profile")
	if err != nil {
		return nil, err
	}
	sketch := filepath.Base(filepath.Dir(filepath.Clean(name)))
	if sketch == "." || sketch == string(filepath.Separator) || sketch == "" {
		sketch = "sketch"
	}
	doc := &sbom.Document{Format: KindSketch, Source: name, Loc: sbom.Location{File: name, Line: 1}}
	doc.Primary = &sbom.Component{Ref: "arduino:sketch", Type: sbom.TypeApplication, Name: sketch}
	doc.Primary.Origins, doc.Primary.Loc = common.Origin(KindSketch, name, root.Line, "")
	doc.Primary.SetProperty(common.PropBuildSystem, "arduino")
	if defProfile != "" {
		doc.Primary.SetProperty("premarket:arduino:default-profile", defProfile)
	}
	byRef := map[string]*sketchEntry{}
	var order []string
	add := func(c *sbom.Component, profile string) {
		e, ok := byRef[c.Ref]
		if !ok {
			e = &sketchEntry{c: c, profiles: map[string]bool{}}
			byRef[c.Ref] = e
			order = append(order, c.Ref)
		} else {
			e.c.Origins = append(e.c.Origins, c.Origins...)
		}
		e.profiles[profile] = true
	}
	entries := 0
	for _, p := range common.Pairs(profiles) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		at := "profiles." + p.Key
		if !common.IsMap(p.Value) {
			return nil, common.Errf(humanSketch, name, p.KeyN.Line, "%s: want a mapping", at)
		}
		fqbn, err := str(p.Value, at, "fqbn")
		if err != nil {
			return nil, err
		}
		desc := p.Key
		if fqbn != "" {
			desc += " fqbn=" + fqbn
		}
		doc.Primary.Properties = append(doc.Primary.Properties, sbom.Property{Name: "premarket:arduino:profile", Value: desc})
		if pn := common.Get(p.Value, "platforms"); !common.IsNull(pn) {
			if !common.IsSeq(pn) {
				return nil, common.Errf(humanSketch, name, pn.Line, "%s.platforms: want a list", at)
			}
			for i, e := range pn.Content {
				pat := fmt.Sprintf("%s.platforms[%d]", at, i)
				if entries++; entries > common.MaxComponents {
					return nil, common.Errf(humanSketch, name, e.Line, "more than %d entries", common.MaxComponents)
				}
				c, err := platformEntry(name, pat, e)
				if err != nil {
					return nil, err
				}
				add(c, p.Key)
			}
		}
		if ln := common.Get(p.Value, "libraries"); !common.IsNull(ln) {
			if !common.IsSeq(ln) {
				return nil, common.Errf(humanSketch, name, ln.Line, "%s.libraries: want a list", at)
			}
			for i, e := range ln.Content {
				lat := fmt.Sprintf("%s.libraries[%d]", at, i)
				if entries++; entries > common.MaxComponents {
					return nil, common.Errf(humanSketch, name, e.Line, "more than %d entries", common.MaxComponents)
				}
				c, err := libraryEntry(name, lat, e)
				if err != nil {
					return nil, err
				}
				add(c, p.Key)
			}
		}
	}
	var g common.Graph
	for _, ref := range order {
		e := byRef[ref]
		ps := make([]string, 0, len(e.profiles))
		for p := range e.profiles {
			ps = append(ps, p)
		}
		sort.Strings(ps)
		e.c.SetProperty("premarket:arduino:profiles", strings.Join(ps, ","))
		doc.Components = append(doc.Components, e.c)
		g.Add(doc.Primary.Ref, ref)
	}
	doc.Dependencies = g.Deps
	return doc, nil
}

// platformEntry reads {platform: "vendor:arch (version)", platform_index_url: url}.
func platformEntry(name, at string, e *yaml.Node) (*sbom.Component, error) {
	if !common.IsMap(e) {
		return nil, common.Errf(humanSketch, name, e.Line, "%s: want {platform: \"vendor:arch (version)\"}", at)
	}
	spec, err := common.Str(humanSketch, name, at+".platform", common.Get(e, "platform"))
	if err != nil {
		return nil, err
	}
	index, err := common.Str(humanSketch, name, at+".platform_index_url", common.Get(e, "platform_index_url"))
	if err != nil {
		return nil, err
	}
	m := entryRe.FindStringSubmatch(strings.TrimSpace(spec))
	var vendor, arch string
	if m != nil {
		vendor, arch, _ = strings.Cut(m[1], ":")
	}
	if m == nil || vendor == "" || arch == "" || strings.ContainsAny(arch, ": ") {
		return nil, common.Errf(humanSketch, name, e.Line, "%s.platform: want \"vendor:architecture (version)\", got %q", at, common.Clip(spec))
	}
	version := m[2]
	if index == "" {
		index = PackageIndex
	}
	c := &sbom.Component{Ref: "arduino:platform:" + vendor + ":" + arch + "@" + version, Type: sbom.TypeFramework,
		Name: vendor + ":" + arch, Version: version,
		PURL: packageurl.NewPackageURL("generic", vendor, arch, version, packageurl.QualifiersFromMap(map[string]string{"repository_url": index}), "").ToString()}
	c.Origins, c.Loc = common.Origin(KindSketch, name, e.Line, at)
	c.SetProperty(common.PropBuildSystem, "arduino")
	c.SetProperty("premarket:arduino:platform-index-url", index)
	if vendor == "arduino" {
		c.Supplier = "Arduino"
	}
	if version == "" {
		c.SetProperty(common.PropUnresolved, "the profile names no platform version")
	}
	return c, nil
}

// libraryEntry reads "Name (version)" or {dir: path}.
func libraryEntry(name, at string, e *yaml.Node) (*sbom.Component, error) {
	switch {
	case common.IsScalar(e):
		m := entryRe.FindStringSubmatch(strings.TrimSpace(e.Value))
		if m == nil || m[1] == "" {
			return nil, common.Errf(humanSketch, name, e.Line, "%s: %v, got %q", at, errNotProfile, common.Clip(e.Value))
		}
		lib, version := m[1], m[2]
		c := &sbom.Component{Ref: "arduino:lib:" + lib + "@" + version, Type: sbom.TypeLibrary, Name: lib, Version: version,
			PURL: packageurl.NewPackageURL("generic", "", lib, version, packageurl.QualifiersFromMap(map[string]string{"repository_url": LibraryIndex}), "").ToString()}
		c.Origins, c.Loc = common.Origin(KindSketch, name, e.Line, at)
		c.SetProperty(common.PropBuildSystem, "arduino")
		if version == "" {
			c.SetProperty(common.PropUnresolved, "the profile names no library version")
		}
		common.Identify(c, "", common.ReleaseVersion(version))
		return c, nil
	case common.IsMap(e):
		dir, err := common.Str(humanSketch, name, at+".dir", common.Get(e, "dir"))
		if err != nil {
			return nil, err
		}
		if dir == "" {
			return nil, common.Errf(humanSketch, name, e.Line, "%s: %v", at, errNotProfile)
		}
		lib := filepath.Base(filepath.FromSlash(dir))
		c := &sbom.Component{Ref: "arduino:dir:" + dir, Type: sbom.TypeLibrary, Name: lib}
		c.Origins, c.Loc = common.Origin(KindSketch, name, e.Line, at)
		c.SetProperty(common.PropBuildSystem, "arduino")
		c.SetProperty(common.PropPath, dir)
		c.SetProperty(common.PropUnresolved, "library from a local directory: read its library.properties for name and version")
		return c, nil
	}
	return nil, common.Errf(humanSketch, name, e.Line, "%s: %v", at, errNotProfile)
}

// errNotProfile is returned for a sketch.yaml library entry of an
// unknown shape.
var errNotProfile = errors.New(`want "Name (version)" or {dir: path}`)
