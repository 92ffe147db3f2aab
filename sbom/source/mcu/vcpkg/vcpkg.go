// Package vcpkg reads vcpkg manifests, vcpkg.json (kind "vcpkg-manifest").
//
// vcpkg.json names a project's dependencies, not the versions vcpkg
// resolved: a dependency is a port name or {name, version>=, features,
// host, platform}; "overrides" pin exact versions; "builtin-baseline" (or
// the default registry's "baseline" in vcpkg-configuration, embedded or in
// vcpkg-configuration.json beside the manifest) is the commit of the
// registry whose port versions are used for everything else.
//
// Each dependency becomes a component with PURL pkg:vcpkg/<name> (the purl
// specification's vcpkg type; it has no namespace). Its Version is the
// override's version when one pins it, and is otherwise left empty: a
// "version>=" is a lower bound, not what was built, and is kept as
// premarket:vcpkg:version-minimum together with premarket:manifest:unresolved
// saying the version is fixed by the baseline. The baseline is the PURL's
// repository_revision qualifier and a premarket:vcpkg:baseline property;
// a non-default registry's URL is repository_url. "host": true
// dependencies are build tools (premarket:build:scope=host). features and
// platform are kept as properties. CPEs come from sbom/cpe's table for
// well-known port names only when the version is pinned.
//
// The manifest's own name and version describe the Primary component,
// which depends on every dependency.
package vcpkg

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/package-url/packageurl-go"
	"gopkg.in/yaml.v3"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/source/mcu/internal/common"
)

// Kind is the input kind read by this package.
const Kind = "vcpkg-manifest"

const human = "vcpkg manifest"

// Reader reads vcpkg.json.
type Reader struct {
	// Files gives access to vcpkg-configuration.json beside the manifest;
	// nil means the operating system's files.
	Files common.Files
}

var _ sbom.Reader = (*Reader)(nil)

// NewReader returns a reader of vcpkg.json.
func NewReader() *Reader { return &Reader{} }

// Kind implements sbom.Reader.
func (*Reader) Kind() string { return Kind }

var (
	detDeps  = regexp.MustCompile(`"dependencies"\s*:\s*\[`)
	detOther = regexp.MustCompile(`"builtin-baseline"\s*:|vcpkg\.schema\.json|"version>="\s*:|"vcpkg-configuration"\s*:|"overrides"\s*:\s*\[`)
)

// Detect reports whether head is a JSON object with a "dependencies" list
// and a vcpkg-specific key (builtin-baseline, version>=, overrides, the
// vcpkg schema), which tells it from package.json (dependencies object).
func (*Reader) Detect(_ string, head []byte) bool {
	t := bytes.TrimLeft(head, " \t\r\n\ufeff")
	return len(t) > 0 && t[0] == '{' && detDeps.Match(head) && detOther.Match(head)
}

// Read implements sbom.Reader.
func (r *Reader) Read(ctx context.Context, name string, data []byte) (*sbom.Document, error) {
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
	str := func(n *yaml.Node, field string) (string, error) {
		return common.Str(human, name, field, common.Get(n, field))
	}
	baseline, err := str(root, "builtin-baseline")
	if err != nil {
		return nil, err
	}
	var registry string
	cfg := common.Get(root, "vcpkg-configuration")
	cfgFile := name
	if cfg == nil {
		p := filepath.Join(filepath.Dir(name), "vcpkg-configuration.json")
		if b, err := common.Or(r.Files).ReadFile(p); err == nil {
			if b, err = common.CheckText("vcpkg configuration", p, b); err != nil {
				return nil, err
			}
			if cfg, err = common.ParseYAML("vcpkg configuration", p, b); err != nil {
				return nil, err
			}
			cfgFile = p
		}
	}
	if dr := common.Get(cfg, "default-registry"); common.IsMap(dr) {
		kind, _ := common.Str(human, cfgFile, "default-registry.kind", common.Get(dr, "kind"))
		b, err := common.Str(human, cfgFile, "default-registry.baseline", common.Get(dr, "baseline"))
		if err != nil {
			return nil, err
		}
		if b != "" {
			baseline = b
		}
		repo, err := common.Str(human, cfgFile, "default-registry.repository", common.Get(dr, "repository"))
		if err != nil {
			return nil, err
		}
		if kind == "git" && repo != "" && !strings.EqualFold(strings.TrimSuffix(strings.TrimRight(repo, "/"), ".git"), "https://github.com/microsoft/vcpkg") {
			registry = repo
		}
	}
	overrides := map[string]string{}
	if ov := common.Get(root, "overrides"); !common.IsNull(ov) {
		if !common.IsSeq(ov) {
			return nil, common.Errf(human, name, ov.Line, "overrides: want a list")
		}
		for i, o := range ov.Content {
			at := fmt.Sprintf("overrides[%d]", i)
			n, err := str(o, "name")
			if err != nil {
				return nil, err
			}
			v := ""
			for _, k := range []string{"version", "version-string", "version-semver", "version-date"} {
				if v, err = str(o, k); err != nil {
					return nil, err
				}
				if v != "" {
					break
				}
			}
			if n == "" || v == "" {
				return nil, common.Errf(human, name, o.Line, "%s: an override needs a name and a version", at)
			}
			overrides[n] = v
		}
	}
	doc := &sbom.Document{Format: Kind, Source: name, Loc: sbom.Location{File: name, Line: 1}}
	pname, err := str(root, "name")
	if err != nil {
		return nil, err
	}
	pver := ""
	for _, k := range []string{"version", "version-string", "version-semver", "version-date"} {
		if pver, err = str(root, k); err != nil {
			return nil, err
		}
		if pver != "" {
			break
		}
	}
	if pname == "" {
		pname = filepath.Base(filepath.Dir(filepath.Clean(name)))
	}
	doc.Primary = &sbom.Component{Ref: "vcpkg:self", Type: sbom.TypeApplication, Name: pname, Version: pver}
	doc.Primary.Origins, doc.Primary.Loc = common.Origin(Kind, name, root.Line, "")
	deps := common.Get(root, "dependencies")
	if !common.IsNull(deps) && !common.IsSeq(deps) {
		return nil, common.Errf(human, name, deps.Line, "dependencies: want a list")
	}
	var g common.Graph
	seen := map[string]int{}
	if deps != nil {
		for i, d := range deps.Content {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			at := fmt.Sprintf("dependencies[%d]", i)
			var dn, minVer, platform string
			var host bool
			var features []string
			switch {
			case common.IsScalar(d):
				dn = d.Value
			case common.IsMap(d):
				if dn, err = str(d, "name"); err != nil {
					return nil, err
				}
				if minVer, err = str(d, "version>="); err != nil {
					return nil, err
				}
				if platform, err = str(d, "platform"); err != nil {
					return nil, err
				}
				h := common.Get(d, "host")
				host = common.IsScalar(h) && h.Value == "true"
				if fn := common.Get(d, "features"); common.IsSeq(fn) {
					for _, f := range fn.Content {
						if common.IsScalar(f) {
							features = append(features, f.Value)
						} else if fname := common.Get(f, "name"); common.IsScalar(fname) {
							features = append(features, fname.Value)
						}
					}
				}
			default:
				return nil, common.Errf(human, name, d.Line, "%s: want a port name or an object", at)
			}
			if dn == "" {
				return nil, common.Errf(human, name, d.Line, "%s: empty port name", at)
			}
			if prev, dup := seen[dn]; dup {
				return nil, common.Errf(human, name, d.Line, "%s: port %q already listed at line %d", at, dn, prev)
			}
			if len(seen) >= common.MaxComponents {
				return nil, common.Errf(human, name, d.Line, "more than %d dependencies", common.MaxComponents)
			}
			seen[dn] = d.Line
			version := overrides[dn]
			q := map[string]string{}
			if baseline != "" {
				q["repository_revision"] = baseline
			}
			if registry != "" {
				q["repository_url"] = registry
			}
			c := &sbom.Component{Ref: "vcpkg:" + dn, Type: sbom.TypeLibrary, Name: dn, Version: version,
				PURL: packageurl.NewPackageURL("vcpkg", "", dn, version, packageurl.QualifiersFromMap(q), "").ToString()}
			c.Origins, c.Loc = common.Origin(Kind, name, d.Line, at)
			c.SetProperty(common.PropBuildSystem, "vcpkg")
			if baseline != "" {
				c.SetProperty("premarket:vcpkg:baseline", baseline)
			}
			if minVer != "" {
				c.SetProperty("premarket:vcpkg:version-minimum", minVer)
			}
			if version == "" {
				c.SetProperty(common.PropUnresolved, "version not pinned: vcpkg picks it from the registry baseline; read the vcpkg install output or the installed package's SBOM for the exact version")
			}
			if host {
				c.SetProperty(sbom.PropBuildScope, "host")
			}
			if platform != "" {
				c.SetProperty("premarket:vcpkg:platform", platform)
			}
			if len(features) > 0 {
				c.SetProperty("premarket:vcpkg:features", strings.Join(features, ","))
			}
			common.Identify(c, "", common.ReleaseVersion(version))
			doc.Components = append(doc.Components, c)
			g.Add(doc.Primary.Ref, c.Ref)
		}
	}
	doc.Dependencies = g.Deps
	return doc, nil
}
