// Package platformio reads PlatformIO project files, platformio.ini (kind
// "platformio-ini"), together with what PlatformIO installed for the
// project when the project has been built.
//
// # The project file
//
// platformio.ini is INI as Python's configparser reads it (see config):
// [platformio] holds project options, [env] options common to every
// environment, [env:NAME] one build environment each, and any other
// section is a place to share values. An environment's options come from
// its own section, then the sections its "extends" names, then [env]
// (PlatformIO's walk order). ${section.option} references to options of
// the file are resolved; ${this.option} and ${this.__env__} refer to the
// environment being read. References the file cannot answer
// (${sysenv.X}, PlatformIO's built-in ${platformio.packages_dir}, unknown
// options) are left as written, and an entry that still holds one becomes
// a component named by its text and marked premarket:manifest:unresolved.
//
// Each environment's "platform", "framework", "platform_packages" and
// "lib_deps" are read. Package specifications take every form PlatformIO
// documents: registry "owner/name@^1.2.3", "name@1.2.3", "name",
// "owner/name @ ~1.2"; git "https://github.com/o/r.git#v1.2.3" (also
// git+https, ssh, git@host:path); archives "name=https://host/x.zip";
// local "file://path" and "symlink://path"; and for platform_packages
// "[owner/]name @ <any of these>".
//
// # What was installed
//
// PlatformIO installs an environment's libraries into
// <libdeps_dir>/<env>/<library> (.pio/libdeps by default; the
// [platformio] workspace_dir and libdeps_dir options are honoured when the
// file gives them as paths). Each installed library has a .piopm (the
// package manager's record: type, name, version, and the spec it was
// installed for: owner, name, requirements, uri) and its own library.json
// or library.properties. When these are present they give the exact
// version, the registry owner, the commit of a git install ("1.2.3+sha.
// 1a2b3c4"), the licence and the library's own dependencies, which
// become dependency edges. Installed libraries no lib_deps entry asked for
// were pulled in by another library: they become components with
// premarket:dependency:kind "transitive". Local file:// libraries are
// described from the library.json or library.properties in their
// directory when it can be read.
//
// # Components
//
//   - One component per library per version: a library used by several
//     environments appears once, with premarket:platformio:envs listing
//     them.
//   - The development platform ("espressif32@6.9.0") is a component of
//     type platform with premarket:build:scope=host: its build scripts do
//     not ship, but it fixes the framework and toolchain versions.
//     platform_packages are components too: framework-* packages ship
//     (type framework), toolchain-* and tool-* packages are host tools.
//   - Each framework becomes a component named by the package PlatformIO
//     installs for it on that platform ("arduino" on espressif32 is
//     framework-arduinoespressif32, "espidf" framework-espidf), unless the
//     package depends on the board (stm32cube, arduino on atmelsam or
//     nordicnrf52): then it is named by the framework as written. Its
//     version is the platform_packages override when there is one and is
//     otherwise unknown: the platform release picks it, and the component
//     says so in premarket:manifest:unresolved.
//   - Versions are exact when known (an installed package, a requirement
//     that pins one version, a release tag); otherwise Version is empty,
//     the requirement is kept in premarket:manifest:version-constraint and
//     the component carries premarket:manifest:unresolved.
//
// # PURLs
//
// The purl specification has no platformio type (its types list has none
// for PlatformIO or Arduino), so:
//
//   - registry packages are "pkg:generic/<owner>/<name>@<version>
//     ?repository_url=https://registry.platformio.org": the generic type
//     with the registry URL saying where owner/name is valid, as the
//     ESP-IDF reader does for the ESP component registry. Platforms and
//     platform packages without an owner are PlatformIO's own and get the
//     "platformio" owner, where bare names resolve;
//   - git sources on GitHub are "pkg:github/<owner>/<repo>@<tag or
//     commit>", other git hosts "pkg:generic/<repo>@<rev>?vcs_url=...";
//     GitHub archive URLs (archive/refs/tags/v1.2.3.zip, releases/download)
//     are pkg:github at the tag they name; other archives
//     "pkg:generic/<name>@<version>?download_url=<url>";
//   - local paths get no PURL (a path on the build machine identifies
//     nothing) and a premarket:build:path.
//
// The project is the document's Primary ([platformio] name, else the
// directory name) and depends on every environment's platform,
// frameworks, platform packages and lib_deps.
package platformio

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/license"
	"github.com/premarket/premarket/sbom/source/mcu/internal/common"
)

// Kind is the input kind read by this package.
const Kind = "platformio-ini"

const human = "platformio.ini"

// Registry is the PlatformIO registry, the repository_url of registry
// PURLs.
const Registry = "https://registry.platformio.org"

// Properties written by this reader.
const (
	// PropEnvs lists the environments (comma-separated, sorted) that use
	// a component.
	PropEnvs = "premarket:platformio:envs"
	// PropSpec is the package specification as the manifest wrote it.
	PropSpec = "premarket:platformio:spec"
	// PropSource is registry, git, archive or local.
	PropSource = "premarket:platformio:source"
	// PropEnv, on the Primary, describes one environment: "NAME
	// platform=... board=... framework=...". One per environment.
	PropEnv = "premarket:platformio:env"
)

// Reader reads platformio.ini.
type Reader struct {
	// Files gives access to the project around platformio.ini (the
	// .pio/libdeps tree, local libraries); nil means the operating
	// system's files, common.NoFiles{} the manifest alone.
	Files common.Files
}

var _ sbom.Reader = (*Reader)(nil)

// NewReader returns a reader of PlatformIO project files.
func NewReader() *Reader { return &Reader{} }

// Kind implements sbom.Reader.
func (*Reader) Kind() string { return Kind }

var detSection = regexp.MustCompile(`(?m)^[ \t]*\[(?:env:[^\]\r\n]+|platformio)\][ \t]*(?:[;#].*)?\r?$`)

// Detect reports whether head is INI (the first line that is not blank
// or a comment is a [section] header) with an [env:NAME] or [platformio]
// section.
func (*Reader) Detect(_ string, head []byte) bool {
	if bytes.IndexByte(head, 0) >= 0 || !detSection.Match(head) {
		return false
	}
	rest := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	for len(rest) > 0 {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == ';' || line[0] == '#' {
			continue
		}
		return line[0] == '['
	}
	return false
}

type entry struct {
	c      *sbom.Component
	envs   map[string]bool
	direct bool
	seen   map[sbom.Origin]bool
}

type builder struct {
	file    string
	dir     string
	files   common.Files
	cfg     *config
	doc     *sbom.Document
	entries map[string]*entry
	order   []string
	g       common.Graph
}

// add keeps one component per ref: a second sighting adds its origins
// and environment to the first.
func (b *builder) add(c *sbom.Component, env string, direct bool) (*sbom.Component, error) {
	e, ok := b.entries[c.Ref]
	if !ok {
		if len(b.entries) >= common.MaxComponents {
			return nil, common.Errf(human, b.file, 0, "more than %d components", common.MaxComponents)
		}
		e = &entry{c: c, envs: map[string]bool{}, seen: map[sbom.Origin]bool{}}
		for _, o := range c.Origins {
			e.seen[o] = true
		}
		b.entries[c.Ref] = e
		b.order = append(b.order, c.Ref)
	} else {
		for _, o := range c.Origins {
			if !e.seen[o] {
				e.seen[o] = true
				e.c.Origins = append(e.c.Origins, o)
			}
		}
	}
	e.envs[env] = true
	e.direct = e.direct || direct
	return e.c, nil
}

// Read implements sbom.Reader.
func (r *Reader) Read(ctx context.Context, name string, data []byte) (*sbom.Document, error) {
	data, err := common.CheckText(human, name, data)
	if err != nil {
		return nil, err
	}
	cfg, err := parseINI(name, data)
	if err != nil {
		return nil, err
	}
	b := &builder{file: name, dir: filepath.Dir(name), files: common.Or(r.Files), cfg: cfg,
		doc: &sbom.Document{Format: Kind, Source: name, Loc: sbom.Location{File: name, Line: 1}}, entries: map[string]*entry{}}
	pname := single(mustGet(cfg, "platformio", "name")).text
	if pname == "" {
		pname = filepath.Base(filepath.Dir(filepath.Clean(name)))
		if pname == "." || pname == string(filepath.Separator) {
			pname = "platformio-project"
		}
	}
	primary := &sbom.Component{Ref: "pio:project", Type: sbom.TypeApplication, Name: pname,
		Description: single(mustGet(cfg, "platformio", "description")).text}
	line := 1
	if s := cfg.sections["platformio"]; s != nil {
		line = s.line
	}
	primary.Origins, primary.Loc = common.Origin(Kind, name, line, "")
	primary.SetProperty(common.PropBuildSystem, "platformio")
	if de := splitMulti(mustGet(cfg, "platformio", "default_envs")); len(de) > 0 {
		var names []string
		for _, d := range de {
			names = append(names, d.text)
		}
		primary.SetProperty("premarket:platformio:default-envs", strings.Join(names, ","))
	}
	b.doc.Primary = primary
	libdeps, libdepsOK := b.libdepsDir()
	if !libdepsOK {
		primary.SetProperty(common.PropUnresolved, "libdeps_dir uses a value premarket cannot resolve; installed library versions were not read")
	}
	nenv := 0
	for _, sec := range cfg.order {
		if !strings.HasPrefix(sec, "env:") {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		nenv++
		env := strings.TrimPrefix(sec, "env:")
		dir := ""
		if libdepsOK {
			dir = filepath.Join(libdeps, env)
		}
		if err := b.readEnv(env, dir); err != nil {
			return nil, err
		}
	}
	if nenv == 0 {
		primary.SetProperty(common.PropUnresolved, "no [env:NAME] section: the project builds nothing")
	}
	for _, ref := range b.order {
		e := b.entries[ref]
		envs := make([]string, 0, len(e.envs))
		for v := range e.envs {
			envs = append(envs, v)
		}
		sort.Strings(envs)
		e.c.SetProperty(PropEnvs, strings.Join(envs, ","))
		if _, isLib := e.c.Property(PropSource); isLib && e.c.Type == sbom.TypeLibrary {
			if e.direct {
				e.c.SetProperty(common.PropDependencyKind, "direct")
			} else {
				e.c.SetProperty(common.PropDependencyKind, "transitive")
			}
		}
		b.doc.Components = append(b.doc.Components, e.c)
	}
	b.doc.Dependencies = b.g.Deps
	return b.doc, nil
}

// mustGet reads an option outside any environment; such options hold no
// references worth failing for, so an interpolation error reads as "not
// set".
func mustGet(cfg *config, sec, opt string) []item {
	v, err := cfg.get(sec, opt, "")
	if err != nil {
		return nil
	}
	return v
}

// libdepsDir is where PlatformIO installs libraries: [platformio]
// libdeps_dir, else <workspace_dir>/libdeps, workspace_dir defaulting to
// .pio, relative to the project directory. ok is false when the option
// uses something only PlatformIO knows ($PROJECT_HASH, ~, ${sysenv.X}).
func (b *builder) libdepsDir() (string, bool) {
	ws := single(mustGet(b.cfg, "platformio", "workspace_dir")).text
	if ws == "" {
		ws = ".pio"
	}
	ld := single(mustGet(b.cfg, "platformio", "libdeps_dir")).text
	if ld == "" {
		ld = filepath.Join(ws, "libdeps")
	}
	ld = strings.ReplaceAll(ld, "${platformio.workspace_dir}", ws)
	if strings.Contains(ld, "${") || strings.Contains(ld, "$PROJECT_HASH") || strings.HasPrefix(ld, "~") {
		return "", false
	}
	if !filepath.IsAbs(ld) {
		ld = filepath.Join(b.dir, filepath.FromSlash(ld))
	}
	return ld, true
}

// readEnv reads one [env:NAME]; libdeps is its installed-libraries
// directory ("" when unknown).
func (b *builder) readEnv(env, libdeps string) error {
	root := "env:" + env
	get := func(opt string) ([]item, error) { return b.cfg.get(root, opt, env) }
	platItems, err := get("platform")
	if err != nil {
		return err
	}
	boardItems, err := get("board")
	if err != nil {
		return err
	}
	fwItems, err := get("framework")
	if err != nil {
		return err
	}
	pkgItems, err := get("platform_packages")
	if err != nil {
		return err
	}
	libItems, err := get("lib_deps")
	if err != nil {
		return err
	}
	plat, board := single(platItems), single(boardItems)
	fws, pkgs, libs := splitMulti(fwItems), splitMulti(pkgItems), splitMulti(libItems)
	var fwNames []string
	for _, f := range fws {
		fwNames = append(fwNames, f.text)
	}
	desc := env
	if plat.text != "" {
		desc += " platform=" + plat.text
	}
	if board.text != "" {
		desc += " board=" + board.text
	}
	if len(fwNames) > 0 {
		desc += " framework=" + strings.Join(fwNames, ",")
	}
	b.doc.Primary.Properties = append(b.doc.Primary.Properties, sbom.Property{Name: PropEnv, Value: desc})
	at := func(opt string) string { return "[" + root + "]." + opt }

	// The development platform.
	platName := ""
	if plat.text != "" {
		c, sp, err := b.component(plat, at("platform"), "platform", nil)
		if err != nil {
			return err
		}
		platName = strings.ToLower(sp.name)
		if sp.source != srcRegistry {
			platName = strings.TrimPrefix(platName, "platform-")
		}
		c.Type = sbom.TypePlatform
		c.SetProperty(sbom.PropBuildScope, "host")
		if board.text != "" {
			c.SetProperty("premarket:platformio:board", board.text)
		}
		if c, err = b.add(c, env, true); err != nil {
			return err
		}
		b.g.Add(b.doc.Primary.Ref, c.Ref)
	}
	// Platform packages (overrides of frameworks and tools).
	pkgByName := map[string]*sbom.Component{}
	for _, it := range pkgs {
		c, sp, err := b.component(it, at("platform_packages"), "package", nil)
		if err != nil {
			return err
		}
		n := strings.ToLower(sp.name)
		if strings.HasPrefix(n, "framework-") {
			c.Type = sbom.TypeFramework
			applyUpstream(c, n, common.ReleaseVersion(sp.ref))
		} else {
			c.Type = sbom.TypeApplication
			c.SetProperty(sbom.PropBuildScope, "host")
		}
		if c, err = b.add(c, env, true); err != nil {
			return err
		}
		pkgByName[n] = c
		b.g.Add(b.doc.Primary.Ref, c.Ref)
	}
	// Frameworks.
	for _, it := range fws {
		fw := strings.ToLower(it.text)
		pkg := frameworkPackage(platName, fw)
		if c := pkgByName[pkg]; pkg != "" && c != nil {
			c.SetProperty("premarket:platformio:framework", fw)
			continue
		}
		c := &sbom.Component{Type: sbom.TypeFramework}
		c.Origins, c.Loc = common.Origin(Kind, b.file, it.line, at("framework"))
		c.SetProperty(common.PropBuildSystem, "platformio")
		c.SetProperty("premarket:platformio:framework", fw)
		if plat.text != "" {
			c.SetProperty("premarket:platformio:platform", plat.text)
		}
		if pkg != "" {
			c.Name, c.Group = pkg, "platformio"
			c.Ref = "pio:framework:" + pkg + "|" + plat.text
			c.PURL = packageurl.NewPackageURL("generic", "platformio", pkg, "", registryQ(), "").ToString()
			c.SetProperty(common.PropUnresolved, fmt.Sprintf("framework version is fixed by platform %q; pin it with platform_packages or read the build log", plat.text))
			applyUpstream(c, pkg, "")
		} else {
			c.Name = it.text
			c.Ref = "pio:framework:" + fw + "|" + plat.text
			c.SetProperty(common.PropUnresolved, fmt.Sprintf("PlatformIO framework %q on platform %q: the package depends on the board; read the build log for the package and version", it.text, plat.text))
		}
		c, err := b.add(c, env, true)
		if err != nil {
			return err
		}
		b.g.Add(b.doc.Primary.Ref, c.Ref)
	}
	// Libraries: what lib_deps asks for, matched with what was installed.
	var ins []*installed
	if libdeps != "" {
		if ins, err = readInstalled(b.files, libdeps); err != nil {
			return err
		}
	}
	byName := map[string]string{} // lower-case library name -> ref, this env
	refOf := map[*installed]string{}
	for _, it := range libs {
		c, sp, err := b.component(it, at("lib_deps"), "lib", ins)
		if err != nil {
			return err
		}
		if c, err = b.add(c, env, true); err != nil {
			return err
		}
		b.g.Add(b.doc.Primary.Ref, c.Ref)
		byName[strings.ToLower(c.Name)] = c.Ref
		if in := match(sp, ins); in != nil && sp.source != "" {
			refOf[in] = c.Ref
		}
	}
	for _, in := range ins {
		if _, ok := refOf[in]; ok {
			continue
		}
		sp := spec{raw: in.uri, owner: in.owner, name: in.name, req: in.req, source: srcRegistry}
		if in.uri != "" {
			if s, err := parseSpec(in.uri); err == nil && s.source != srcRegistry {
				s.name, s.owner = in.name, in.owner
				sp = s
			}
		}
		c := b.libComponent(sp, in)
		c.Origins, c.Loc = common.Origin(Kind, in.meta[0], 0, "")
		for _, m := range in.meta[1:] {
			c.Origins = append(c.Origins, sbom.Origin{Kind: Kind, File: m})
		}
		c, err := b.add(c, env, false)
		if err != nil {
			return err
		}
		refOf[in] = c.Ref
		if _, ok := byName[strings.ToLower(c.Name)]; !ok {
			byName[strings.ToLower(c.Name)] = c.Ref
		}
	}
	for _, in := range ins {
		for _, d := range in.deps {
			if to, ok := byName[strings.ToLower(d)]; ok {
				b.g.Add(refOf[in], to)
			}
		}
	}
	return nil
}

// component builds the component of one specification (platform,
// platform package or library) read at it.
func (b *builder) component(it item, at, role string, ins []*installed) (*sbom.Component, spec, error) {
	if strings.Contains(it.text, "${") {
		c := &sbom.Component{Ref: "pio:" + role + ":" + it.text, Type: sbom.TypeLibrary, Name: it.text}
		c.Origins, c.Loc = common.Origin(Kind, b.file, it.line, at)
		c.SetProperty(common.PropBuildSystem, "platformio")
		c.SetProperty(PropSpec, it.text)
		c.SetProperty(common.PropUnresolved, "the value uses a reference PlatformIO resolves at build time (environment variable or built-in option)")
		return c, spec{raw: it.text}, nil
	}
	sp, err := parseSpec(it.text)
	if err != nil {
		return nil, sp, common.Errf(human, b.file, it.line, "%s: %v", at, err)
	}
	if role != "lib" && sp.owner == "" && sp.source == srcRegistry {
		sp.owner = "platformio"
	}
	var in *installed
	if role == "lib" {
		in = match(sp, ins)
		if in == nil && sp.source == srcLocal {
			p := filepath.FromSlash(sp.path)
			if !filepath.IsAbs(p) {
				p = filepath.Join(b.dir, p)
			}
			if in, err = readPackageDir(b.files, p); err != nil {
				return nil, sp, err
			}
		}
	}
	c := b.libComponent(sp, in)
	c.Ref = "pio:" + role + ":" + strings.TrimPrefix(c.Ref, "pio:lib:")
	c.Origins, c.Loc = common.Origin(Kind, b.file, it.line, at)
	if in != nil {
		for _, m := range in.meta {
			c.Origins = append(c.Origins, sbom.Origin{Kind: Kind, File: m})
		}
	}
	c.SetProperty(PropSpec, sp.raw)
	return c, sp, nil
}

func registryQ() packageurl.Qualifiers {
	return packageurl.QualifiersFromMap(map[string]string{"repository_url": Registry})
}

// libComponent builds a package's component from its specification and,
// when known, what was installed for it. The Ref identifies the package
// and its version (or requirement when the version is unknown), so that
// environments resolving to the same package share one component.
func (b *builder) libComponent(sp spec, in *installed) *sbom.Component {
	owner, name := sp.owner, sp.name
	version, rev, sha := "", "", ""
	if in != nil {
		if in.owner != "" {
			owner = in.owner
		}
		if in.name != "" {
			name = in.name
		}
		version, sha = in.version, in.sha
	}
	if version == "" {
		switch sp.source {
		case srcRegistry:
			version = exactVersion(sp.req)
		case srcGit, srcArchive:
			version = common.ReleaseVersion(sp.ref)
		}
	}
	if k := common.RevisionKind(sp.ref); k == "tag" || k == "commit" {
		rev = sp.ref
	} else if sha != "" {
		rev = sha
	}
	c := &sbom.Component{Type: sbom.TypeLibrary, Group: owner, Name: name, Version: version}
	c.SetProperty(common.PropBuildSystem, "platformio")
	c.SetProperty(PropSource, sp.source)
	id := ""
	switch sp.source {
	case srcRegistry:
		id = strings.ToLower(name)
		if owner != "" {
			id = strings.ToLower(owner) + "/" + id
		}
		c.PURL = packageurl.NewPackageURL("generic", owner, name, version, registryQ(), "").ToString()
		c.SetProperty("premarket:platformio:registry", Registry)
	case srcGit:
		id = sp.url
		c.Group = ""
		c.PURL = common.GitPURL(sp.url, name, rev)
		c.DownloadURL = sp.url
		common.SetVCS(c, sp.url, sp.ref)
	case srcArchive:
		id = sp.url
		c.Group = ""
		c.DownloadURL = sp.url
		if sp.ghOwner != "" {
			c.PURL = packageurl.NewPackageURL("github", strings.ToLower(sp.ghOwner), strings.ToLower(sp.ghRepo), sp.ref, nil, "").ToString()
			common.SetVCS(c, "https://github.com/"+sp.ghOwner+"/"+sp.ghRepo, sp.ref)
		} else {
			c.PURL = packageurl.NewPackageURL("generic", "", name, version, packageurl.QualifiersFromMap(map[string]string{"download_url": sp.url}), "").ToString()
		}
	case srcLocal:
		id = sp.path
		c.Group = ""
		c.SetProperty(common.PropPath, sp.path)
	}
	if sha != "" {
		c.SetProperty("premarket:platformio:installed-commit", sha)
	}
	if sp.req != "" && exactVersion(sp.req) == "" {
		// A range; a pinned version needs no separate record (PropSpec
		// keeps the specification as written).
		c.SetProperty(common.PropVersionConstraint, sp.req)
	}
	key := version
	switch {
	case key != "":
	case rev != "":
		key = "rev:" + rev
	case sp.req != "":
		key = "req:" + sp.req
	case sp.ref != "":
		key = "ref:" + sp.ref
	}
	c.Ref = "pio:lib:" + id + "@" + key
	if version == "" {
		switch sp.source {
		case srcRegistry:
			c.SetProperty(common.PropUnresolved, "version not pinned: PlatformIO picks the newest registry release that satisfies the requirement; build the project (pio pkg install) so .pio/libdeps records it")
		case srcLocal:
			c.SetProperty(common.PropUnresolved, "library from a local path whose metadata premarket could not read")
		default:
			c.SetProperty(common.PropUnresolved, "source names no release: build the project (pio pkg install) so .pio/libdeps records the installed version")
		}
	}
	if in != nil {
		if l := license.Normalize(in.license); l != (sbom.License{}) {
			c.Licenses = []sbom.License{l}
		}
		c.Homepage = in.homepage
	}
	url := sp.url
	if in != nil && url == "" {
		url = in.repo
	}
	common.Identify(c, url, common.ReleaseVersion(version))
	return c
}

// frameworkPackage is the package PlatformIO installs for framework fw on
// platform, "" when it depends on the board or is not known here.
func frameworkPackage(platform, fw string) string {
	if p, ok := frameworkPackages[platform+"/"+fw]; ok {
		return p
	}
	return frameworkPackages["*/"+fw]
}

var frameworkPackages = map[string]string{
	"espressif32/arduino":             "framework-arduinoespressif32",
	"espressif32/espidf":              "framework-espidf",
	"espressif8266/arduino":           "framework-arduinoespressif8266",
	"espressif8266/esp8266-rtos-sdk":  "framework-esp8266-rtos-sdk",
	"espressif8266/esp8266-nonos-sdk": "framework-esp8266-nonos-sdk",
	"atmelavr/arduino":                "framework-arduino-avr",
	"atmelmegaavr/arduino":            "framework-arduino-megaavr",
	"ststm32/arduino":                 "framework-arduinoststm32",
	"raspberrypi/arduino":             "framework-arduino-mbed",
	"teensy/arduino":                  "framework-arduinoteensy",
	"nordicnrf51/arduino":             "framework-arduinonordicnrf5",
	"*/zephyr":                        "framework-zephyr",
	"*/mbed":                          "framework-mbed",
	"*/cmsis":                         "framework-cmsis",
	"*/libopencm3":                    "framework-libopencm3",
}

// frameworkUpstream names the upstream project a framework package
// repackages: a key of the MCU project table, or a supplier and homepage.
var frameworkUpstream = map[string]struct{ project, supplier, homepage string }{
	"framework-espidf":               {project: "esp-idf"},
	"framework-zephyr":               {project: "zephyr"},
	"framework-mbed":                 {project: "mbed-os"},
	"framework-cmsis":                {project: "cmsis"},
	"framework-arduinoespressif32":   {supplier: "Espressif Systems", homepage: "https://github.com/espressif/arduino-esp32"},
	"framework-arduinoespressif8266": {supplier: "ESP8266 Community", homepage: "https://github.com/esp8266/Arduino"},
	"framework-arduino-avr":          {supplier: "Arduino", homepage: "https://github.com/arduino/ArduinoCore-avr"},
	"framework-arduino-megaavr":      {supplier: "Arduino", homepage: "https://github.com/arduino/ArduinoCore-megaavr"},
	"framework-arduino-mbed":         {supplier: "Arduino", homepage: "https://github.com/arduino/ArduinoCore-mbed"},
	"framework-arduinoststm32":       {supplier: "STMicroelectronics", homepage: "https://github.com/stm32duino/Arduino_Core_STM32"},
}

// applyUpstream fills supplier, homepage and (with an upstream release
// version, e.g. from a git tag) the CPE of a framework package. PlatformIO
// renumbers the packages it publishes in its registry (framework-espidf
// 3.50201.0 is ESP-IDF 5.2.1), so a registry version is never used for a
// CPE.
func applyUpstream(c *sbom.Component, pkg, upstreamVersion string) {
	u, ok := frameworkUpstream[pkg]
	if !ok {
		return
	}
	if u.project != "" {
		if p, ok := common.LookupProject("", u.project); ok {
			if c.CPE == "" {
				c.CPE = p.CPE(upstreamVersion)
			}
			if c.Supplier == "" {
				c.Supplier = p.Supplier
			}
			if c.Homepage == "" {
				c.Homepage = p.Homepage
			}
		}
		return
	}
	if c.Supplier == "" {
		c.Supplier = u.supplier
	}
	if c.Homepage == "" {
		c.Homepage = u.homepage
	}
}
