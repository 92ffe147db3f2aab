// Package conan reads Conan lock files, conan.lock (kind "conan-lock"):
//
//   - Conan 1 ("version": "0.4" and earlier): "graph_lock.nodes" maps node
//     ids to {ref, requires, build_requires, python_requires, context,
//     path}. Node "0" (or any node with "path" and no usable ref) is the
//     consumer conanfile: the document's Primary. requires and
//     build_requires become dependency edges.
//   - Conan 2 ("version": "0.5"): flat lists "requires", "build_requires",
//     "python_requires" and "config_requires" of references; there is no
//     graph, so the document has no edges.
//
// A reference is name/version[@user[/channel]][#rrev[%timestamp]]. Its
// component has PURL pkg:conan/<name>@<version> with the qualifiers the
// purl specification's conan type defines: user, channel and rrev (the
// recipe revision); the package revision "prev" of Conan 1 nodes too. CPE,
// supplier and homepage come from sbom/cpe's table for well-known names
// (zlib, openssl, mbedtls, ...). Build requirements (Conan 2
// build_requires, Conan 1 nodes in the "build" context) are tools such as
// cmake: they get premarket:build:scope=host; python_requires and
// config_requires are recipe code and configuration, kept with
// premarket:dependency:kind saying so and scope host as well.
package conan

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/package-url/packageurl-go"
	"gopkg.in/yaml.v3"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/source/mcu/internal/common"
)

// Kind is the input kind read by this package.
const Kind = "conan-lock"

const human = "conan lock"

// Reader reads conan.lock.
type Reader struct{}

var _ sbom.Reader = (*Reader)(nil)

// NewReader returns a reader of Conan 1 and 2 lock files.
func NewReader() *Reader { return &Reader{} }

// Kind implements sbom.Reader.
func (*Reader) Kind() string { return Kind }

var (
	detV1    = regexp.MustCompile(`"graph_lock"\s*:\s*\{`)
	detV2    = regexp.MustCompile(`"(requires|build_requires|python_requires)"\s*:\s*\[\s*("[A-Za-z0-9_.+-]+/[^"]*"|\])`)
	detV2ver = regexp.MustCompile(`"version"\s*:\s*"0\.[5-9]"`)
)

// Detect reports whether head is a JSON Conan lock: a "graph_lock" object
// (Conan 1) or a lock "version" 0.5+ with reference lists (Conan 2).
func (*Reader) Detect(_ string, head []byte) bool {
	t := bytes.TrimLeft(head, " \t\r\n\ufeff")
	if len(t) == 0 || t[0] != '{' {
		return false
	}
	return detV1.Match(head) || (detV2.Match(head) && detV2ver.Match(head))
}

// Ref is a parsed Conan reference.
type Ref struct {
	Name, Version, User, Channel, RRev, Timestamp string
}

var nameRe = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.+-]*$`)

// ParseRef parses name/version[@user[/channel]][#rrev[%timestamp]].
func ParseRef(s string) (Ref, error) {
	var r Ref
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '#'); i >= 0 {
		r.RRev = s[i+1:]
		s = s[:i]
		if j := strings.IndexByte(r.RRev, '%'); j >= 0 {
			r.Timestamp = r.RRev[j+1:]
			r.RRev = r.RRev[:j]
		}
	}
	if i := strings.IndexByte(s, '@'); i >= 0 {
		uc := s[i+1:]
		s = s[:i]
		r.User, r.Channel, _ = strings.Cut(uc, "/")
	}
	name, version, ok := strings.Cut(s, "/")
	if !ok || !nameRe.MatchString(name) || version == "" || strings.ContainsAny(version, "/ ") {
		return r, fmt.Errorf("%q is not a Conan reference name/version[@user/channel][#revision]", common.Clip(s))
	}
	r.Name, r.Version = name, version
	return r, nil
}

// PURL returns pkg:conan/<name>@<version> with user, channel and rrev.
func (r Ref) PURL(prev string) string {
	q := map[string]string{}
	if r.User != "" && r.User != "_" {
		q["user"] = r.User
	}
	if r.Channel != "" && r.Channel != "_" {
		q["channel"] = r.Channel
	}
	if r.RRev != "" {
		q["rrev"] = r.RRev
	}
	if prev != "" {
		q["prev"] = prev
	}
	return packageurl.NewPackageURL("conan", "", r.Name, r.Version, packageurl.QualifiersFromMap(q), "").ToString()
}

// Read implements sbom.Reader.
func (*Reader) Read(ctx context.Context, name string, data []byte) (*sbom.Document, error) {
	data, err := common.CheckText(human, name, data)
	if err != nil {
		return nil, err
	}
	root, err := common.ParseYAML(human, name, data)
	if err != nil {
		return nil, err
	}
	if !common.IsMap(root) {
		return nil, common.Errf(human, name, root.Line, "want a JSON object")
	}
	lockVersion, err := common.Str(human, name, "version", common.Get(root, "version"))
	if err != nil {
		return nil, err
	}
	doc := &sbom.Document{Format: Kind, Source: name, Loc: sbom.Location{File: name, Line: 1}}
	if gl := common.Get(root, "graph_lock"); gl != nil {
		err = readV1(ctx, name, gl, lockVersion, doc)
	} else {
		err = readV2(name, root, lockVersion, doc)
	}
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// newComponent builds the component of a reference read at line.
func newComponent(name string, r Ref, prev string, line int, at, lockVersion string) *sbom.Component {
	c := &sbom.Component{Type: sbom.TypeLibrary, Name: r.Name, Version: r.Version, PURL: r.PURL(prev)}
	c.Origins, c.Loc = common.Origin(Kind, name, line, at)
	c.SetProperty(common.PropBuildSystem, "conan")
	if lockVersion != "" {
		c.SetProperty("premarket:conan:lock-version", lockVersion)
	}
	if r.Timestamp != "" {
		c.SetProperty("premarket:conan:recipe-timestamp", r.Timestamp)
	}
	common.Identify(c, "", common.ReleaseVersion(r.Version))
	return c
}

func readV2(name string, root *yaml.Node, lockVersion string, doc *sbom.Document) error {
	kinds := []struct{ key, kind string }{
		{"requires", "requires"}, {"build_requires", "build-requires"},
		{"python_requires", "python-requires"}, {"config_requires", "config-requires"},
	}
	found := false
	seen := map[string]bool{}
	for _, k := range kinds {
		n := common.Get(root, k.key)
		if common.IsNull(n) {
			continue
		}
		found = true
		if !common.IsSeq(n) {
			return common.Errf(human, name, n.Line, "%s: want a list of references", k.key)
		}
		for i, e := range n.Content {
			at := fmt.Sprintf("%s[%d]", k.key, i)
			s, err := common.Str(human, name, at, e)
			if err != nil {
				return err
			}
			r, err := ParseRef(s)
			if err != nil {
				return common.Errf(human, name, e.Line, "%s: %v", at, err)
			}
			if len(doc.Components) >= common.MaxComponents {
				return common.Errf(human, name, e.Line, "more than %d references", common.MaxComponents)
			}
			c := newComponent(name, r, "", e.Line, at, lockVersion)
			c.Ref = "conan:" + k.key + ":" + r.Name + "/" + r.Version + "#" + r.RRev
			if seen[c.Ref] {
				continue
			}
			seen[c.Ref] = true
			c.SetProperty(common.PropDependencyKind, k.kind)
			if k.key != "requires" {
				c.SetProperty(sbom.PropBuildScope, "host")
			}
			doc.Components = append(doc.Components, c)
		}
	}
	if !found {
		return common.Errf(human, name, root.Line, "neither graph_lock (Conan 1) nor requires lists (Conan 2)")
	}
	return nil
}

func readV1(ctx context.Context, name string, gl *yaml.Node, lockVersion string, doc *sbom.Document) error {
	nodes := common.Get(gl, "nodes")
	if !common.IsMap(nodes) {
		return common.Errf(human, name, gl.Line, "graph_lock.nodes: want an object")
	}
	refs := map[string]string{}
	type edge struct{ from, to string }
	var edges []edge
	pairs := common.Pairs(nodes)
	if len(pairs) > common.MaxComponents {
		return common.Errf(human, name, nodes.Line, "more than %d nodes", common.MaxComponents)
	}
	for i, p := range pairs {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		at := "graph_lock.nodes." + p.Key
		if !common.IsMap(p.Value) {
			return common.Errf(human, name, p.KeyN.Line, "%s: want an object", at)
		}
		field := func(f string) (string, error) { return common.Str(human, name, at+"."+f, common.Get(p.Value, f)) }
		refStr, err := field("ref")
		if err != nil {
			return err
		}
		path, err := field("path")
		if err != nil {
			return err
		}
		prev, err := field("prev")
		if err != nil {
			return err
		}
		cctx, err := field("context")
		if err != nil {
			return err
		}
		var c *sbom.Component
		r, rerr := ParseRef(refStr)
		switch {
		case rerr == nil && path == "":
			c = newComponent(name, r, prev, p.KeyN.Line, at, lockVersion)
			c.Ref = "conan:" + p.Key
			if cctx == "build" {
				c.SetProperty(sbom.PropBuildScope, "host")
			}
		case path != "" || refStr == "" || p.Key == "0":
			// The consumer: a conanfile at path, perhaps with name/version.
			if doc.Primary != nil {
				return common.Errf(human, name, p.KeyN.Line, "%s: a second consumer node (first %q)", at, doc.Primary.Name)
			}
			pc := &sbom.Component{Ref: "conan:" + p.Key, Type: sbom.TypeApplication, Name: path}
			if rerr == nil {
				pc.Name, pc.Version = r.Name, r.Version
			}
			if pc.Name == "" {
				pc.Name = "conanfile"
			}
			pc.Origins, pc.Loc = common.Origin(Kind, name, p.KeyN.Line, at)
			doc.Primary = pc
		default:
			return common.Errf(human, name, common.Get(p.Value, "ref").Line, "%s.ref: %v", at, rerr)
		}
		for _, key := range []string{"requires", "build_requires", "python_requires"} {
			ids, err := common.Strs(human, name, at+"."+key, common.Get(p.Value, key))
			if err != nil {
				return err
			}
			for _, id := range ids {
				edges = append(edges, edge{"conan:" + p.Key, id})
			}
		}
		if c != nil {
			doc.Components = append(doc.Components, c)
		}
		refs[p.Key] = "conan:" + p.Key
	}
	var g common.Graph
	for _, e := range edges {
		to, ok := refs[e.to]
		if !ok {
			return common.Errf(human, name, nodes.Line, "node %s requires node %q, which is not in graph_lock.nodes", strings.TrimPrefix(e.from, "conan:"), e.to)
		}
		g.Add(e.from, to)
	}
	doc.Dependencies = g.Deps
	sort.SliceStable(doc.Components, func(i, j int) bool { return nodeNum(doc.Components[i].Ref) < nodeNum(doc.Components[j].Ref) })
	return nil
}

func nodeNum(ref string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(ref, "conan:"))
	if err != nil {
		return 1 << 30
	}
	return n
}
