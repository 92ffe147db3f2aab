package platformio

import (
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/premarket/premarket/internal/jsonpos"
	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/source/mcu/arduino"
	"github.com/premarket/premarket/sbom/source/mcu/internal/common"
)

// MaxInstalled bounds the packages read from one environment's libdeps
// directory.
const MaxInstalled = 10_000

// installed is a library PlatformIO installed into
// <libdeps_dir>/<env>/<dir>, described by its .piopm (the package
// manager's record of what it installed and why), library.json or
// library.properties, in that order of trust.
type installed struct {
	dir      string // the package directory
	meta     []string
	name     string
	owner    string
	version  string
	sha      string // commit of a VCS install ("1.2.3+sha.1a2b3c4")
	uri      string // .piopm spec.uri: the URL or file:// it came from
	req      string // .piopm spec.requirements
	license  string
	homepage string
	repo     string   // library.json repository.url
	deps     []string // names of the libraries it declares it needs
	matched  bool
}

type piopm struct {
	Type    string `json:"type"`
	Name    string `json:"name"`
	Version string `json:"version"`
	Spec    struct {
		Owner        *string `json:"owner"`
		Name         *string `json:"name"`
		Requirements *string `json:"requirements"`
		URI          *string `json:"uri"`
	} `json:"spec"`
}

type libraryJSON struct {
	Name       string          `json:"name"`
	Version    string          `json:"version"`
	License    json.RawMessage `json:"license"`
	Homepage   string          `json:"homepage"`
	Repository json.RawMessage `json:"repository"`
	Deps       json.RawMessage `json:"dependencies"`
}

var shaRe = regexp.MustCompile(`^(.*)\+sha\.([0-9a-f]{7,40})$`)

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// metaError reports a malformed metadata file beside the manifest.
func metaError(what, file string, data []byte, err error) error {
	line, msg, ok := jsonpos.Describe(data, err)
	if !ok {
		msg = err
	}
	return &sbom.ParseError{Kind: what, File: file, Line: line, Err: msg}
}

// readInstalled lists the packages of one environment's libdeps
// directory. A missing directory is no error: the project was not built.
func readInstalled(files common.Files, dir string) ([]*installed, error) {
	names, err := files.List(dir)
	if err != nil {
		return nil, nil
	}
	sort.Strings(names)
	var out []*installed
	for _, n := range names {
		p := filepath.Join(dir, n)
		if strings.HasPrefix(n, ".") || !files.IsDir(p) {
			continue
		}
		if len(out) >= MaxInstalled {
			return nil, &sbom.ParseError{Kind: human, File: dir, Err: fmt.Errorf("more than %d installed libraries", MaxInstalled)}
		}
		in, err := readPackageDir(files, p)
		if err != nil {
			return nil, err
		}
		if in != nil {
			out = append(out, in)
		}
	}
	return out, nil
}

// readPackageDir reads what a package directory says about itself; nil
// when it holds none of .piopm, library.json and library.properties.
func readPackageDir(files common.Files, p string) (*installed, error) {
	in := &installed{dir: p}
	if data, err := files.ReadFile(filepath.Join(p, ".piopm")); err == nil {
		f := filepath.Join(p, ".piopm")
		var m piopm
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, metaError("platformio package record", f, data, err)
		}
		in.meta = append(in.meta, f)
		in.name, in.version = m.Name, m.Version
		if n := str(m.Spec.Name); in.name == "" {
			in.name = n
		}
		in.owner, in.uri, in.req = str(m.Spec.Owner), str(m.Spec.URI), str(m.Spec.Requirements)
	}
	if data, err := files.ReadFile(filepath.Join(p, "library.json")); err == nil {
		f := filepath.Join(p, "library.json")
		var m libraryJSON
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, metaError("platformio library.json", f, data, err)
		}
		in.meta = append(in.meta, f)
		if in.name == "" {
			in.name = m.Name
		}
		if in.version == "" {
			in.version = m.Version
		}
		in.homepage = m.Homepage
		in.license = jsonLicense(m.License)
		in.repo = jsonRepo(m.Repository)
		in.deps = jsonDeps(m.Deps)
	} else if data, err := files.ReadFile(filepath.Join(p, "library.properties")); err == nil {
		f := filepath.Join(p, "library.properties")
		data, err := common.CheckText("arduino library.properties", f, data)
		if err != nil {
			return nil, err
		}
		props, err := arduino.ParseProperties("arduino library.properties", f, data)
		if err != nil {
			return nil, err
		}
		in.meta = append(in.meta, f)
		if in.name == "" {
			in.name = props["name"].Value
		}
		if in.version == "" {
			in.version = props["version"].Value
		}
		in.homepage = props["url"].Value
		in.license = props["license"].Value
		if ds, err := arduino.ParseDepends(props["depends"].Value); err == nil {
			for _, d := range ds {
				in.deps = append(in.deps, d.Name)
			}
		}
	}
	if len(in.meta) == 0 || in.name == "" {
		return nil, nil
	}
	if m := shaRe.FindStringSubmatch(in.version); m != nil {
		in.version, in.sha = m[1], m[2]
	}
	return in, nil
}

// jsonLicense reads library.json "license": an SPDX string (or, in old
// files, {"type": ...}).
func jsonLicense(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var o struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(raw, &o) == nil {
		return o.Type
	}
	return ""
}

func jsonRepo(raw json.RawMessage) string {
	var o struct {
		URL string `json:"url"`
	}
	if json.Unmarshal(raw, &o) == nil {
		return o.URL
	}
	return ""
}

// jsonDeps reads library.json "dependencies": a list of {owner, name,
// version} or an object mapping "[owner/]name" to a version.
func jsonDeps(raw json.RawMessage) []string {
	var list []struct {
		Name string `json:"name"`
	}
	if json.Unmarshal(raw, &list) == nil {
		var out []string
		for _, d := range list {
			if d.Name != "" {
				_, n := splitOwner(d.Name)
				out = append(out, n)
			}
		}
		return out
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) == nil {
		var out []string
		for k := range obj {
			_, n := splitOwner(k)
			out = append(out, n)
		}
		sort.Strings(out)
		return out
	}
	return nil
}

// match finds the installed package a lib_deps specification produced:
// the .piopm records the URL of external sources and the registry owner
// and name; names compare without case, as the registry does.
func match(sp spec, ins []*installed) *installed {
	norm := func(u string) string {
		return strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(u), "git+"), "/"))
	}
	var byName *installed
	for _, in := range ins {
		switch sp.source {
		case srcRegistry:
			if strings.EqualFold(in.name, sp.name) && (sp.owner == "" || in.owner == "" || strings.EqualFold(in.owner, sp.owner)) {
				return in
			}
		default:
			if in.uri != "" {
				u, _, _ := strings.Cut(norm(in.uri), "#")
				want := norm(sp.url)
				if sp.source == srcLocal {
					u, want = localPath(u), localPath(norm(sp.path))
				}
				if want != "" && (u == want || strings.HasSuffix(u, "/"+want)) {
					return in
				}
			}
			if byName == nil && strings.EqualFold(in.name, sp.name) {
				byName = in
			}
		}
	}
	return byName
}

// localPath is a file:// or symlink:// URI or path as a clean slash path.
func localPath(u string) string {
	if _, p, ok := strings.Cut(u, "://"); ok {
		u = p
	}
	u = strings.ReplaceAll(u, `\`, "/")
	if u == "" {
		return ""
	}
	return strings.TrimPrefix(path.Clean(u), "./")
}
