// Package west reads Zephyr RTOS workspaces: the west manifest (west.yml,
// kind "zephyr-west-manifest") and the SPDX 2.x tag-value documents that
// "west spdx" writes (kind "zephyr-west-spdx").
//
// # west.yml
//
// A west manifest lists the git repositories ("projects") a Zephyr
// application is built from. Each project becomes one component:
//
//   - Name is the project name; Version is its revision (a tag, branch or
//     commit; the default revision, or "master" as west assumes, when the
//     project gives none). The revision and whether it is a commit, a
//     release tag or another ref are kept as premarket:vcs:revision and
//     premarket:vcs:revision-kind: a branch is not a reproducible version,
//     and a reviewer needs to see that.
//   - The fetch URL is the project's url, or its remote's url-base + "/" +
//     repo-path (default: the name). It is kept as premarket:vcs:url and as
//     DownloadURL.
//   - PURL is "pkg:github/<owner>/<repo>@<revision>" (the purl
//     specification's github type) for github.com, else
//     "pkg:generic/<repo>@<revision>?vcs_url=git+<url>".
//   - CPE, supplier and homepage come from the table of well-known MCU
//     projects (zephyrproject:zephyr, espressif:esp-idf, arm:mbed_tls, ...)
//     when the revision is a release tag, or when the workspace holds the
//     project's VERSION file (see below). nRF Connect SDK, MCUboot and other
//     projects whose CPE pair is unverified get no CPE.
//   - Properties: premarket:build:system=west, premarket:build:path (the
//     checkout path, with any path-prefix of the import that brought it),
//     premarket:west:clone-depth, premarket:west:groups,
//     premarket:west:submodules, premarket:west:import, and for imported
//     projects premarket:west:imported-from.
//   - The Origin is the file and line of the project's entry.
//
// The manifest repository itself (manifest.self) is the document's Primary
// component (an application named after self.path), and it depends on
// every project of the top manifest; a project that imports a manifest
// depends on the projects that import brought in.
//
// # Imports
//
// A project's "import" (true, a file name, a list, or a mapping with file,
// name-allowlist, name-blocklist, path-allowlist, path-blocklist and
// path-prefix) names manifest files inside that project's checkout.
// Following them needs the fetched workspace. The reader looks for the
// workspace's top directory (the nearest directory above the manifest
// that contains ".west/", else the manifest repository's parent) and, when
// the imported file is there, reads it and adds its projects (first
// definition of a name wins, as in west; filters and path prefixes
// accumulate through nested imports). When the file is absent the
// importing project gets premarket:manifest:unresolved saying which
// projects are missing and why: the SBOM is then known to be incomplete,
// and the reviewer is told so instead of being shown a short list as if
// it were whole. self.import is handled the same way, relative to the
// manifest's own directory.
//
// # Versions from the workspace
//
// When a project's checkout is present, its VERSION file gives the
// version: Zephyr's format (VERSION_MAJOR, VERSION_MINOR, PATCHLEVEL,
// EXTRAVERSION) or a single version line (nRF Connect SDK). A Zephyr
// development version (patch level 99) or one with a vendor suffix gets
// no CPE. The module's zephyr/module.yml, when present, gives the module
// name and, in newer Zephyr, security.external-references: its CPE is
// used as the component's CPE, its PURLs are kept as
// premarket:zephyr:module-purl (they name the upstream project, while the
// component's PURL names the fork the workspace fetches).
//
// # Errors
//
// A manifest without a "manifest" mapping, a project without a name, with
// both remote and url, naming an undefined remote, a duplicated project
// name within one file, or a field of the wrong type is a
// *sbom.ParseError with the file and line. Errors in imported files name
// the imported file.
package west

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/source/mcu/internal/common"
)

// Kinds read by this package.
const (
	KindManifest = "zephyr-west-manifest"
	KindSPDX     = "zephyr-west-spdx"
)

const human = "west manifest"

// Limits on following imports.
const (
	// MaxImportDepth bounds nested imports (west itself has no limit, real
	// workspaces nest two or three deep).
	MaxImportDepth = 8
	// MaxImportedFiles bounds the manifest files read for one input.
	MaxImportedFiles = 256
)

// ManifestReader reads west.yml.
type ManifestReader struct {
	// Files gives access to the workspace around the manifest; nil means
	// the operating system's files. common.NoFiles{} reads the manifest
	// alone.
	Files common.Files
}

var _ sbom.Reader = (*ManifestReader)(nil)

// NewManifestReader returns a reader of west manifests that looks at the
// workspace on disk around the manifest.
func NewManifestReader() *ManifestReader { return &ManifestReader{} }

// Kind implements sbom.Reader.
func (*ManifestReader) Kind() string { return KindManifest }

var (
	detectTop  = regexp.MustCompile(`(?m)^manifest:[ \t]*(#.*)?\r?$`)
	detectBody = regexp.MustCompile(`(?m)^[ \t]+(projects|remotes|self|defaults):`)
)

// Detect reports whether head is YAML with a top-level "manifest:" mapping
// holding projects, remotes, self or defaults.
func (*ManifestReader) Detect(_ string, head []byte) bool {
	if bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	loc := detectTop.FindIndex(head)
	return loc != nil && detectBody.Match(head[loc[1]:])
}

// Read implements sbom.Reader.
func (r *ManifestReader) Read(ctx context.Context, name string, data []byte) (*sbom.Document, error) {
	data, err := common.CheckText(human, name, data)
	if err != nil {
		return nil, err
	}
	files := common.Or(r.Files)
	m, err := parseManifest(name, data)
	if err != nil {
		return nil, err
	}
	st := &state{
		ctx:     ctx,
		files:   files,
		topdir:  topdir(files, name),
		byName:  map[string]*sbom.Component{},
		doc:     &sbom.Document{Format: KindManifest, Source: name, Loc: sbom.Location{File: name, Line: 1}},
		visited: map[string]bool{filepath.Clean(name): true},
	}
	selfName := m.selfPath
	if selfName == "" {
		selfName = filepath.Base(filepath.Dir(filepath.Clean(name)))
		if selfName == "." || selfName == string(filepath.Separator) || selfName == "" {
			selfName = "manifest"
		}
	}
	primary := &sbom.Component{Ref: "west:self", Type: sbom.TypeApplication, Name: selfName}
	primary.Origins, primary.Loc = common.Origin(KindManifest, name, m.line, "manifest")
	primary.SetProperty(common.PropBuildSystem, "west")
	if m.selfPath != "" {
		primary.SetProperty(common.PropPath, m.selfPath)
	}
	st.doc.Primary = primary

	// Projects of the top manifest take precedence over imported ones.
	top := st.addProjects(m, "", nil, primary.Ref)
	if len(m.selfImports) > 0 {
		dir := filepath.Dir(name)
		for _, imp := range m.selfImports {
			if err := st.follow(primary, dir, imp, "", nil, 1); err != nil {
				return nil, err
			}
		}
	}
	if err := st.importAll(m, top, "", nil, 1); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st.doc.Dependencies = st.graph.Deps
	return st.doc, nil
}

// state is one Read's work.
type state struct {
	ctx     context.Context
	files   common.Files
	topdir  string
	doc     *sbom.Document
	byName  map[string]*sbom.Component
	graph   common.Graph
	visited map[string]bool
	nfiles  int
}

// filter is the chain of allow/block lists and path prefixes of the
// imports that led to a manifest.
type filter struct {
	nameAllow, nameBlock, pathAllow, pathBlock []string
}

func (f *filter) admits(name, p string) bool {
	if len(f.nameAllow) > 0 && !contains(f.nameAllow, name) {
		return false
	}
	if contains(f.nameBlock, name) {
		return false
	}
	if len(f.pathAllow) > 0 && !globAny(f.pathAllow, p) {
		return false
	}
	return !globAny(f.pathBlock, p)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func globAny(globs []string, p string) bool {
	for _, g := range globs {
		if ok, _ := path.Match(g, p); ok {
			return true
		}
	}
	return false
}

// addProjects adds the projects of m that pass the filters and are not
// yet defined, with path prefix prefix, as dependencies of parent. It
// returns the projects added, in order.
func (st *state) addProjects(m *manifest, prefix string, filters []*filter, parent string) []*project {
	var added []*project
	for _, p := range m.projects {
		full := path.Join(prefix, p.path)
		ok := true
		for _, f := range filters {
			if !f.admits(p.name, full) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		if c, dup := st.byName[p.name]; dup {
			// West keeps the first definition; the later one is still
			// evidence that the importer wanted the project.
			st.graph.Add(parent, c.Ref)
			continue
		}
		if len(st.doc.Components) >= common.MaxComponents {
			continue
		}
		p.fullPath = full
		c := st.component(m, p)
		st.byName[p.name] = c
		st.doc.Components = append(st.doc.Components, c)
		st.graph.Add(parent, c.Ref)
		added = append(added, p)
	}
	return added
}

// importAll follows the imports of the given projects of m.
func (st *state) importAll(m *manifest, projects []*project, prefix string, filters []*filter, depth int) error {
	for _, p := range projects {
		if len(p.imports) == 0 {
			continue
		}
		c := st.byName[p.name]
		dir := filepath.Join(st.topdir, filepath.FromSlash(p.fullPath))
		for _, imp := range p.imports {
			if err := st.follow(c, dir, imp, prefix, filters, depth); err != nil {
				return err
			}
		}
	}
	return nil
}

// follow reads the manifest file(s) one import names, relative to dir,
// and adds their projects as dependencies of c. When the files are not
// on disk it marks c unresolved.
func (st *state) follow(c *sbom.Component, dir string, imp *importSpec, prefix string, filters []*filter, depth int) error {
	if err := st.ctx.Err(); err != nil {
		return err
	}
	c.SetProperty("premarket:west:import", imp.describe())
	target := filepath.Join(dir, filepath.FromSlash(imp.file))
	var paths []string
	switch {
	case st.files.IsDir(target):
		names, err := st.files.List(target)
		if err == nil {
			for _, n := range names {
				if strings.HasSuffix(n, ".yml") || strings.HasSuffix(n, ".yaml") {
					paths = append(paths, filepath.Join(target, n))
				}
			}
		}
	default:
		paths = []string{target}
	}
	chain := filters
	if !imp.filter.empty() {
		chain = append(append([]*filter(nil), filters...), &imp.filter)
	}
	newPrefix := path.Join(prefix, imp.prefix)
	var missing []string
	for _, p := range paths {
		data, err := st.files.ReadFile(p)
		if err != nil {
			missing = append(missing, p)
			continue
		}
		if depth > MaxImportDepth {
			return common.Errf(human, p, 0, "imports nest more than %d deep", MaxImportDepth)
		}
		key := filepath.Clean(p)
		if st.visited[key] {
			continue // west forbids import cycles; reading a file once is enough
		}
		st.visited[key] = true
		st.nfiles++
		if st.nfiles > MaxImportedFiles {
			return common.Errf(human, p, 0, "more than %d imported manifest files", MaxImportedFiles)
		}
		data, err = common.CheckText(human, p, data)
		if err != nil {
			return err
		}
		im, err := parseManifest(p, data)
		if err != nil {
			return err
		}
		added := st.addProjects(im, newPrefix, chain, c.Ref)
		for _, a := range added {
			st.byName[a.name].SetProperty("premarket:west:imported-from", p)
		}
		// self.import of an imported manifest is relative to its own
		// directory.
		for _, si := range im.selfImports {
			if err := st.follow(c, filepath.Dir(p), si, newPrefix, chain, depth+1); err != nil {
				return err
			}
		}
		if err := st.importAll(im, added, newPrefix, chain, depth+1); err != nil {
			return err
		}
	}
	if len(missing) > 0 || len(paths) == 0 {
		where := target
		if len(missing) > 0 {
			where = strings.Join(missing, ", ")
		}
		c.SetProperty(common.PropUnresolved, fmt.Sprintf("projects imported from %s were not resolved: %s is not in the workspace (run \"west update\" and read the workspace, or list them with \"west manifest --resolve\")", imp.describe(), where))
	}
	return nil
}

// component builds the component of one project.
func (st *state) component(m *manifest, p *project) *sbom.Component {
	c := &sbom.Component{
		Ref:         "west:" + p.name,
		Type:        sbom.TypeLibrary,
		Name:        p.name,
		Version:     p.revision,
		DownloadURL: p.url,
		PURL:        common.GitPURL(p.url, p.name, p.revision),
	}
	c.Origins, c.Loc = common.Origin(KindManifest, m.file, p.line, p.at)
	c.SetProperty(common.PropBuildSystem, "west")
	common.SetVCS(c, p.url, p.revision)
	c.SetProperty(common.PropPath, p.fullPath)
	if p.cloneDepth != "" {
		c.SetProperty("premarket:west:clone-depth", p.cloneDepth)
	}
	if len(p.groups) > 0 {
		c.SetProperty("premarket:west:groups", strings.Join(p.groups, ","))
	}
	if p.submodules != "" {
		c.SetProperty("premarket:west:submodules", p.submodules)
	}
	version := common.ReleaseVersion(p.revision)
	dir := filepath.Join(st.topdir, filepath.FromSlash(p.fullPath))
	if v, ok := readVersion(st.files, filepath.Join(dir, "VERSION")); ok {
		c.Version = v.text
		c.SetProperty("premarket:west:version-file", filepath.Join(dir, "VERSION"))
		version = v.release
	}
	if mod, ok := readModule(st.files, filepath.Join(dir, "zephyr", "module.yml")); ok {
		if mod.name != "" {
			c.SetProperty("premarket:zephyr:module", mod.name)
		}
		for _, ref := range mod.refs {
			switch {
			case strings.HasPrefix(ref, "cpe:") && c.CPE == "":
				c.CPE = ref
			case strings.HasPrefix(ref, "pkg:"):
				c.Properties = append(c.Properties, sbom.Property{Name: "premarket:zephyr:module-purl", Value: ref})
			}
		}
	}
	common.Identify(c, p.url, version)
	return c
}

// zephyrVersion is a version read from a project's VERSION file.
type zephyrVersion struct {
	text    string // as the component version
	release string // for a CPE; "" for development versions
}

var (
	versionLine = regexp.MustCompile(`^\s*([A-Z_]+)\s*=\s*(\S*)\s*$`)
	plainVer    = regexp.MustCompile(`^v?\d+\.\d+(\.\d+)*([-+.][0-9A-Za-z.-]+)?$`)
)

// readVersion reads Zephyr's VERSION format (VERSION_MAJOR = 3 ...) or a
// single version line.
func readVersion(files common.Files, p string) (zephyrVersion, bool) {
	data, err := files.ReadFile(p)
	if err != nil || len(data) > 4096 {
		return zephyrVersion{}, false
	}
	vals := map[string]string{}
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		lines = append(lines, l)
		if m := versionLine.FindStringSubmatch(l); m != nil {
			vals[m[1]] = m[2]
		}
	}
	maj, mi, pl := vals["VERSION_MAJOR"], vals["VERSION_MINOR"], vals["PATCHLEVEL"]
	if maj != "" && mi != "" && pl != "" {
		for _, s := range []string{maj, mi, pl} {
			if _, err := strconv.Atoi(s); err != nil {
				return zephyrVersion{}, false
			}
		}
		v := maj + "." + mi + "." + pl
		extra := vals["EXTRAVERSION"]
		if extra != "" {
			v += "-" + extra
		}
		rel := ""
		if pl != "99" && (extra == "" || regexp.MustCompile(`^rc\d+$`).MatchString(extra)) {
			rel = v
		}
		return zephyrVersion{text: v, release: rel}, true
	}
	if len(lines) == 1 && plainVer.MatchString(lines[0]) {
		v := strings.TrimPrefix(lines[0], "v")
		rel := common.ReleaseVersion(v)
		if strings.Contains(v, ".99") {
			rel = ""
		}
		return zephyrVersion{text: v, release: rel}, true
	}
	return zephyrVersion{}, false
}

// module is what zephyr/module.yml says about a module.
type module struct {
	name string
	refs []string
}

func readModule(files common.Files, p string) (module, bool) {
	data, err := files.ReadFile(p)
	if err != nil {
		return module{}, false
	}
	root, err := common.ParseYAML("zephyr module.yml", p, data)
	if err != nil || !common.IsMap(root) {
		return module{}, false
	}
	var m module
	if n := common.Get(root, "name"); common.IsScalar(n) {
		m.name = n.Value
	}
	refs := common.Get(common.Get(root, "security"), "external-references")
	if common.IsSeq(refs) {
		for _, r := range refs.Content {
			if common.IsScalar(r) && r.Value != "" {
				m.refs = append(m.refs, strings.TrimSpace(r.Value))
			}
		}
	}
	return m, true
}

// topdir finds the west workspace's top directory: the nearest directory
// at or above the manifest's that holds ".west", else the parent of the
// manifest's directory (the manifest repository is a direct child of the
// top directory in a west workspace).
func topdir(files common.Files, name string) string {
	dir := filepath.Dir(filepath.Clean(name))
	d := dir
	for i := 0; i < 16; i++ {
		if files.IsDir(filepath.Join(d, ".west")) {
			return d
		}
		up := filepath.Join(d, "..")
		if abs, err := filepath.Abs(d); err == nil && filepath.Dir(abs) == abs {
			break
		}
		d = up
	}
	return filepath.Join(dir, "..")
}

// manifest is one parsed manifest file.
type manifest struct {
	file        string
	line        int
	remotes     map[string]string // name -> url-base
	projects    []*project
	selfPath    string
	selfImports []*importSpec
}

// project is one entry of manifest.projects.
type project struct {
	name, url, revision, path  string
	cloneDepth, submodules, at string
	groups                     []string
	imports                    []*importSpec
	line                       int
	fullPath                   string // path with the import prefixes
}

// importSpec is one import of a project or of self.
type importSpec struct {
	file   string
	prefix string
	filter filter
	line   int
}

func (f *filter) empty() bool {
	return len(f.nameAllow)+len(f.nameBlock)+len(f.pathAllow)+len(f.pathBlock) == 0
}

func (i *importSpec) describe() string {
	s := i.file
	if i.prefix != "" {
		s += " path-prefix=" + i.prefix
	}
	if len(i.filter.nameAllow) > 0 {
		s += " name-allowlist=" + strings.Join(i.filter.nameAllow, ",")
	}
	if len(i.filter.nameBlock) > 0 {
		s += " name-blocklist=" + strings.Join(i.filter.nameBlock, ",")
	}
	if len(i.filter.pathAllow) > 0 {
		s += " path-allowlist=" + strings.Join(i.filter.pathAllow, ",")
	}
	if len(i.filter.pathBlock) > 0 {
		s += " path-blocklist=" + strings.Join(i.filter.pathBlock, ",")
	}
	return s
}

// parseManifest parses one west manifest file.
func parseManifest(name string, data []byte) (*manifest, error) {
	root, err := common.ParseYAML(human, name, data)
	if err != nil {
		return nil, err
	}
	mn := common.Get(root, "manifest")
	if !common.IsMap(mn) {
		line := 1
		if mn != nil {
			line = mn.Line
		}
		return nil, common.Errf(human, name, line, "no \"manifest\" mapping at the top level")
	}
	m := &manifest{file: name, line: mn.Line, remotes: map[string]string{}}
	str := func(field string, n *yaml.Node) (string, error) { return common.Str(human, name, field, n) }

	if n := common.Get(mn, "remotes"); !common.IsNull(n) {
		if !common.IsSeq(n) {
			return nil, common.Errf(human, name, n.Line, "manifest.remotes: want a list")
		}
		for i, r := range n.Content {
			rn, err := str(fmt.Sprintf("manifest.remotes[%d].name", i), common.Get(r, "name"))
			if err != nil {
				return nil, err
			}
			base, err := str(fmt.Sprintf("manifest.remotes[%d].url-base", i), common.Get(r, "url-base"))
			if err != nil {
				return nil, err
			}
			if rn == "" || base == "" {
				return nil, common.Errf(human, name, r.Line, "manifest.remotes[%d]: a remote needs a name and a url-base", i)
			}
			if _, dup := m.remotes[rn]; dup {
				return nil, common.Errf(human, name, r.Line, "manifest.remotes[%d]: remote %q defined twice", i, rn)
			}
			m.remotes[rn] = strings.TrimRight(base, "/")
		}
	}
	defRemote, defRevision := "", "master" // west's default revision
	if d := common.Get(mn, "defaults"); !common.IsNull(d) {
		if defRemote, err = str("manifest.defaults.remote", common.Get(d, "remote")); err != nil {
			return nil, err
		}
		rev, err := str("manifest.defaults.revision", common.Get(d, "revision"))
		if err != nil {
			return nil, err
		}
		if rev != "" {
			defRevision = rev
		}
		if defRemote != "" {
			if _, ok := m.remotes[defRemote]; !ok {
				return nil, common.Errf(human, name, common.Get(d, "remote").Line, "manifest.defaults.remote: remote %q is not defined in manifest.remotes", defRemote)
			}
		}
	}
	if s := common.Get(mn, "self"); !common.IsNull(s) {
		if !common.IsMap(s) {
			return nil, common.Errf(human, name, s.Line, "manifest.self: want a mapping")
		}
		if m.selfPath, err = str("manifest.self.path", common.Get(s, "path")); err != nil {
			return nil, err
		}
		if m.selfImports, err = parseImport(name, "manifest.self.import", common.Get(s, "import")); err != nil {
			return nil, err
		}
	}
	pn := common.Get(mn, "projects")
	if common.IsNull(pn) {
		return m, nil
	}
	if !common.IsSeq(pn) {
		return nil, common.Errf(human, name, pn.Line, "manifest.projects: want a list")
	}
	seen := map[string]int{}
	for i, pnode := range pn.Content {
		at := fmt.Sprintf("manifest.projects[%d]", i)
		if !common.IsMap(pnode) {
			return nil, common.Errf(human, name, pnode.Line, "%s: want a mapping", at)
		}
		p := &project{at: at, line: pnode.Line}
		fields := map[string]*string{"name": &p.name, "url": &p.url, "revision": &p.revision, "path": &p.path, "clone-depth": &p.cloneDepth}
		var remote, repoPath string
		fields["remote"] = &remote
		fields["repo-path"] = &repoPath
		for _, kv := range common.Pairs(pnode) {
			if dst, ok := fields[kv.Key]; ok {
				if *dst, err = str(at+"."+kv.Key, kv.Value); err != nil {
					return nil, err
				}
				continue
			}
			switch kv.Key {
			case "groups":
				if p.groups, err = common.Strs(human, name, at+".groups", kv.Value); err != nil {
					return nil, err
				}
			case "submodules":
				p.submodules = describeSubmodules(kv.Value)
			case "import":
				if p.imports, err = parseImport(name, at+".import", kv.Value); err != nil {
					return nil, err
				}
			}
		}
		if p.name == "" {
			return nil, common.Errf(human, name, p.line, "%s: a project needs a name", at)
		}
		if prev, dup := seen[p.name]; dup {
			return nil, common.Errf(human, name, p.line, "%s: project %q is already defined at line %d", at, p.name, prev)
		}
		seen[p.name] = p.line
		if p.url != "" && remote != "" {
			return nil, common.Errf(human, name, p.line, "%s: project %q has both url and remote; west allows one", at, p.name)
		}
		if p.url != "" && repoPath != "" {
			return nil, common.Errf(human, name, p.line, "%s: project %q has both url and repo-path; repo-path needs a remote", at, p.name)
		}
		if p.url == "" {
			if remote == "" {
				remote = defRemote
			}
			if remote == "" {
				return nil, common.Errf(human, name, p.line, "%s: project %q has no url, no remote and there is no default remote", at, p.name)
			}
			base, ok := m.remotes[remote]
			if !ok {
				return nil, common.Errf(human, name, p.line, "%s: project %q uses remote %q, which is not defined in manifest.remotes", at, p.name, remote)
			}
			if repoPath == "" {
				repoPath = p.name
			}
			p.url = base + "/" + repoPath
		}
		if p.revision == "" {
			p.revision = defRevision
		}
		if p.path == "" {
			p.path = p.name
		}
		clean := path.Clean(p.path)
		if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
			return nil, common.Errf(human, name, p.line, "%s: project %q path %q leaves the workspace", at, p.name, p.path)
		}
		p.path = clean
		m.projects = append(m.projects, p)
	}
	return m, nil
}

// describeSubmodules turns the submodules field (true, or a list of
// {path, name}) into a property value.
func describeSubmodules(n *yaml.Node) string {
	switch {
	case common.IsScalar(n):
		return n.Value
	case common.IsSeq(n):
		var parts []string
		for _, e := range n.Content {
			if p := common.Get(e, "path"); common.IsScalar(p) {
				parts = append(parts, p.Value)
			}
		}
		return strings.Join(parts, ",")
	}
	return ""
}

// parseImport reads an import value: true/false, a file name, a mapping,
// or (for self and projects alike) a list of those.
func parseImport(name, at string, n *yaml.Node) ([]*importSpec, error) {
	if common.IsNull(n) {
		return nil, nil
	}
	switch n.Kind {
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!bool":
			if n.Value == "true" || n.Value == "True" || n.Value == "TRUE" {
				return []*importSpec{{file: "west.yml", line: n.Line}}, nil
			}
			return nil, nil
		}
		if n.Value == "" {
			return nil, common.Errf(human, name, n.Line, "%s: empty file name", at)
		}
		if err := checkImportFile(name, at, n.Value, n.Line); err != nil {
			return nil, err
		}
		return []*importSpec{{file: n.Value, line: n.Line}}, nil
	case yaml.SequenceNode:
		var out []*importSpec
		for i, e := range n.Content {
			sub, err := parseImport(name, fmt.Sprintf("%s[%d]", at, i), e)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
		}
		return out, nil
	case yaml.MappingNode:
		imp := &importSpec{file: "west.yml", line: n.Line}
		lists := map[string]*[]string{
			"name-allowlist": &imp.filter.nameAllow, "name-whitelist": &imp.filter.nameAllow,
			"name-blocklist": &imp.filter.nameBlock, "name-blacklist": &imp.filter.nameBlock,
			"path-allowlist": &imp.filter.pathAllow, "path-whitelist": &imp.filter.pathAllow,
			"path-blocklist": &imp.filter.pathBlock, "path-blacklist": &imp.filter.pathBlock,
		}
		for _, kv := range common.Pairs(n) {
			var err error
			switch kv.Key {
			case "file":
				if imp.file, err = common.Str(human, name, at+".file", kv.Value); err != nil {
					return nil, err
				}
			case "path-prefix":
				if imp.prefix, err = common.Str(human, name, at+".path-prefix", kv.Value); err != nil {
					return nil, err
				}
				clean := path.Clean(imp.prefix)
				if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
					return nil, common.Errf(human, name, kv.KeyN.Line, "%s.path-prefix %q leaves the workspace", at, imp.prefix)
				}
			default:
				if dst, ok := lists[kv.Key]; ok {
					v, err := common.Strs(human, name, at+"."+kv.Key, kv.Value)
					if err != nil {
						return nil, err
					}
					*dst = append(*dst, v...)
				}
			}
		}
		if imp.file == "" {
			imp.file = "west.yml"
		}
		if err := checkImportFile(name, at, imp.file, n.Line); err != nil {
			return nil, err
		}
		return []*importSpec{imp}, nil
	}
	return nil, common.Errf(human, name, n.Line, "%s: want true, a file name, a mapping or a list", at)
}

// checkImportFile rejects import files outside the importing project.
func checkImportFile(name, at, file string, line int) error {
	clean := path.Clean(file)
	if path.IsAbs(clean) || filepath.IsAbs(file) || clean == ".." || strings.HasPrefix(clean, "../") {
		return common.Errf(human, name, line, "%s: import file %q leaves the project", at, file)
	}
	return nil
}
