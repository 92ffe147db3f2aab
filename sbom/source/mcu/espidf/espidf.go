// Package espidf reads the lock file of the ESP-IDF component manager,
// dependencies.lock (kind "espidf-dependencies-lock"), which records the
// exact component versions an ESP-IDF project was built with.
//
// The file is YAML: "dependencies" maps each component name to its
// component_hash, source (type idf, service, git or local), version,
// dependencies ([{name, require, version}]) and targets; top-level
// "direct_dependencies", "manifest_hash", "target" and "version" (the lock
// format: 1.0.0, 2.0.0, 3.0.0) complete it.
//
// # Components
//
//   - The "idf" entry is ESP-IDF itself: component "esp-idf", version as
//     locked, PURL "pkg:github/espressif/esp-idf@v<version>" (ESP-IDF tags
//     its releases "v6.0.2"), CPE espressif:esp-idf (the pair the reference
//     gives; CVEs of vendored lwIP, mbedTLS and wpa_supplicant are filed
//     against it). It also carries the lock's target, format version and
//     manifest hash as properties.
//   - Components named "namespace/name" have Group = namespace and Name =
//     name.
//   - Registry components ("service" sources): the purl specification has no type for
//     the ESP component registry (there is no "esp-idf" or "espressif"
//     type), so their PURL is "pkg:generic/<namespace>/<name>@<version>
//     ?repository_url=<registry>" with the registry URL the lock gives
//     (https://components.espressif.com by default). The generic type is
//     the honest choice: the registry URL says where the name is valid.
//   - Git sources get "pkg:github/..." or "pkg:generic/...?vcs_url=..."
//     at the locked version (a commit), local sources no PURL (a path on
//     the build machine identifies nothing) and a premarket:build:path.
//   - component_hash, a SHA-256 the component manager computes over the
//     component's files, becomes a SHA-256 hash.
//   - Versions like "1.7.19~2" are the upstream version and a packaging
//     revision; the part before "~" is used for a CPE when the component
//     is a well-known project.
//   - premarket:dependency:kind is "direct" for direct_dependencies and
//     "transitive" otherwise.
//
// Each entry's dependencies become edges to the components the lock holds
// (dependencies with require "no" are not edges).
package espidf

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/source/mcu/internal/common"
)

// Kind is the input kind read by this package.
const Kind = "espidf-dependencies-lock"

const human = "ESP-IDF dependencies.lock"

// DefaultRegistry is the ESP component registry.
const DefaultRegistry = "https://components.espressif.com"

// Reader reads dependencies.lock.
type Reader struct{}

var _ sbom.Reader = (*Reader)(nil)

// NewReader returns a reader of ESP-IDF dependencies.lock files.
func NewReader() *Reader { return &Reader{} }

// Kind implements sbom.Reader.
func (*Reader) Kind() string { return Kind }

var (
	detDeps  = regexp.MustCompile(`(?m)^dependencies:[ \t]*\r?$`)
	detOther = regexp.MustCompile(`(?m)^(manifest_hash:|direct_dependencies:)|^[ \t]+component_hash:|^[ \t]+type:[ \t]*idf[ \t]*\r?$`)
)

// Detect reports whether head is YAML with a top-level "dependencies:"
// mapping and a manifest_hash, direct_dependencies, component_hash or an
// "idf" source.
func (*Reader) Detect(_ string, head []byte) bool {
	return bytes.IndexByte(head, 0) < 0 && detDeps.Match(head) && detOther.Match(head)
}

var sha256Re = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

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
		return nil, common.Errf(human, name, root.Line, "want a mapping at the top level")
	}
	get := func(field string) (string, error) {
		return common.Str(human, name, field, common.Get(root, field))
	}
	lockVersion, err := get("version")
	if err != nil {
		return nil, err
	}
	target, err := get("target")
	if err != nil {
		return nil, err
	}
	manifestHash, err := get("manifest_hash")
	if err != nil {
		return nil, err
	}
	direct, err := common.Strs(human, name, "direct_dependencies", common.Get(root, "direct_dependencies"))
	if err != nil {
		return nil, err
	}
	isDirect := map[string]bool{}
	for _, d := range direct {
		isDirect[d] = true
	}
	deps := common.Get(root, "dependencies")
	if !common.IsMap(deps) {
		line := root.Line
		if deps != nil {
			line = deps.Line
		}
		return nil, common.Errf(human, name, line, "dependencies: want a mapping of component names")
	}
	doc := &sbom.Document{Format: Kind, Source: name, Loc: sbom.Location{File: name, Line: 1}}
	refs := map[string]string{} // lock name -> ref
	type edge struct {
		from, to string
	}
	var edges []edge
	for i, e := range common.Pairs(deps) {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if i >= common.MaxComponents {
			return nil, common.Errf(human, name, e.KeyN.Line, "more than %d components", common.MaxComponents)
		}
		at := "dependencies." + e.Key
		if !common.IsMap(e.Value) {
			return nil, common.Errf(human, name, e.KeyN.Line, "%s: want a mapping", at)
		}
		if e.Key == "" {
			return nil, common.Errf(human, name, e.KeyN.Line, "dependencies: empty component name")
		}
		field := func(f string) (string, error) { return common.Str(human, name, at+"."+f, common.Get(e.Value, f)) }
		version, err := field("version")
		if err != nil {
			return nil, err
		}
		hash, err := field("component_hash")
		if err != nil {
			return nil, err
		}
		src := common.Get(e.Value, "source")
		if !common.IsNull(src) && !common.IsMap(src) {
			return nil, common.Errf(human, name, src.Line, "%s.source: want a mapping", at)
		}
		sfield := func(f string) (string, error) { return common.Str(human, name, at+".source."+f, common.Get(src, f)) }
		stype, err := sfield("type")
		if err != nil {
			return nil, err
		}
		ns, short := "", e.Key
		if j := strings.LastIndexByte(e.Key, '/'); j >= 0 {
			ns, short = e.Key[:j], e.Key[j+1:]
		}
		c := &sbom.Component{Ref: "espidf:" + e.Key, Type: sbom.TypeLibrary, Group: ns, Name: short, Version: version}
		c.Origins, c.Loc = common.Origin(Kind, name, e.KeyN.Line, at)
		c.SetProperty(common.PropBuildSystem, "esp-idf")
		c.SetProperty("premarket:espidf:source-type", stype)
		if hash != "" {
			if !sha256Re.MatchString(hash) {
				return nil, common.Errf(human, name, common.Get(e.Value, "component_hash").Line, "%s.component_hash: want 64 hexadecimal digits (SHA-256), got %q", at, common.Clip(hash))
			}
			c.Hashes = []sbom.Hash{{Alg: "SHA-256", Value: strings.ToLower(hash)}}
		}
		upstream := version
		if i := strings.IndexByte(upstream, '~'); i >= 0 {
			upstream = upstream[:i]
		}
		switch stype {
		case "idf":
			c.Group, c.Name = "", "esp-idf"
			c.Type = sbom.TypeFramework
			c.SetProperty("premarket:espidf:component", e.Key)
			if version != "" {
				c.PURL = packageurl.NewPackageURL("github", "espressif", "esp-idf", "v"+strings.TrimPrefix(version, "v"), nil, "").ToString()
			}
			common.Identify(c, "https://github.com/espressif/esp-idf", common.ReleaseVersion(version))
			if target != "" {
				c.SetProperty("premarket:espidf:target", target)
			}
			if lockVersion != "" {
				c.SetProperty("premarket:espidf:lock-version", lockVersion)
			}
			if manifestHash != "" {
				c.SetProperty("premarket:espidf:manifest-hash", manifestHash)
			}
		case "service", "":
			registry, err := sfield("registry_url")
			if err != nil {
				return nil, err
			}
			if registry == "" {
				if registry, err = sfield("service_url"); err != nil {
					return nil, err
				}
			}
			if registry == "" {
				registry = DefaultRegistry
			}
			registry = strings.TrimRight(registry, "/")
			q := packageurl.QualifiersFromMap(map[string]string{"repository_url": registry})
			c.PURL = packageurl.NewPackageURL("generic", ns, short, version, q, "").ToString()
			c.SetProperty("premarket:espidf:registry", registry)
			if ns == "espressif" {
				c.Supplier = "Espressif Systems"
			}
			common.Identify(c, "", common.ReleaseVersion(upstream))
		case "git":
			repo, err := sfield("git")
			if err != nil {
				return nil, err
			}
			sub, err := sfield("path")
			if err != nil {
				return nil, err
			}
			c.PURL = common.GitPURL(repo, short, version)
			c.DownloadURL = repo
			common.SetVCS(c, repo, version)
			if sub != "" {
				c.SetProperty(common.PropPath, sub)
			}
			common.Identify(c, repo, common.ReleaseVersion(upstream))
		case "local":
			p, err := sfield("path")
			if err != nil {
				return nil, err
			}
			if p != "" {
				c.SetProperty(common.PropPath, p)
			}
		default:
			// Unknown source types (newer component managers) are kept
			// with what the entry says.
		}
		if isDirect[e.Key] {
			c.SetProperty(common.PropDependencyKind, "direct")
		} else {
			c.SetProperty(common.PropDependencyKind, "transitive")
		}
		if tn := common.Get(e.Value, "targets"); !common.IsNull(tn) {
			ts, err := common.Strs(human, name, at+".targets", tn)
			if err != nil {
				return nil, err
			}
			c.SetProperty("premarket:espidf:targets", strings.Join(ts, ","))
		}
		if dn := common.Get(e.Value, "dependencies"); !common.IsNull(dn) {
			if !common.IsSeq(dn) {
				return nil, common.Errf(human, name, dn.Line, "%s.dependencies: want a list", at)
			}
			for k, d := range dn.Content {
				dat := fmt.Sprintf("%s.dependencies[%d]", at, k)
				dname, err := common.Str(human, name, dat+".name", common.Get(d, "name"))
				if err != nil {
					return nil, err
				}
				if dname == "" {
					return nil, common.Errf(human, name, d.Line, "%s: a dependency needs a name", dat)
				}
				req, err := common.Str(human, name, dat+".require", common.Get(d, "require"))
				if err != nil {
					return nil, err
				}
				if req == "no" {
					continue
				}
				edges = append(edges, edge{c.Ref, dname})
			}
		}
		refs[e.Key] = c.Ref
		doc.Components = append(doc.Components, c)
	}
	for _, d := range direct {
		if _, ok := refs[d]; !ok {
			return nil, common.Errf(human, name, common.Get(root, "direct_dependencies").Line, "direct_dependencies: %q is not in dependencies", d)
		}
	}
	var g common.Graph
	for _, e := range edges {
		if to, ok := refs[e.to]; ok {
			g.Add(e.from, to)
		}
	}
	doc.Dependencies = g.Deps
	return doc, nil
}
