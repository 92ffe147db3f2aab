// Package common holds what the MCU / RTOS build-manifest readers share:
// input checks, access to files beside the input, PURLs for git
// repositories, release versions from git revisions, and the table of
// well-known MCU projects with their CPE names.
package common

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/package-url/packageurl-go"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/cpe"
)

// Limits on untrusted input shared by the readers.
const (
	// MaxInputSize is the largest manifest accepted. Build manifests are
	// hand-written and small; 16 MiB is far beyond any real one.
	MaxInputSize = 16 << 20
	// MaxSideFile is the largest file read beside the input (an imported
	// west.yml, zephyr/VERSION, a git index).
	MaxSideFile = 64 << 20
	// MaxComponents bounds the components one input may produce.
	MaxComponents = 100_000
)

// CheckText rejects input that is too large, binary (NUL byte) or not
// UTF-8, as a *sbom.ParseError of the given kind. It returns data without
// a UTF-8 byte-order mark.
func CheckText(kind, name string, data []byte) ([]byte, error) {
	if len(data) > MaxInputSize {
		return nil, &sbom.ParseError{Kind: kind, File: name, Err: fmt.Errorf("input is %d bytes, more than the limit of %d", len(data), MaxInputSize)}
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, &sbom.ParseError{Kind: kind, File: name, Line: LineAt(data, i), Err: errors.New("binary data (NUL byte): not a text file")}
	}
	if !utf8.Valid(data) {
		return nil, &sbom.ParseError{Kind: kind, File: name, Err: errors.New("file is not UTF-8 text")}
	}
	return bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), nil
}

// LineAt returns the 1-based line of byte offset off in data.
func LineAt(data []byte, off int) int {
	if off > len(data) {
		off = len(data)
	}
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

// Files gives a reader access to files beside its input: the workspace a
// west.yml belongs to, a .git directory next to .gitmodules. Paths are OS
// paths built from the input name. Readers treat every error as "not
// there" and carry on with what the input alone says.
type Files interface {
	ReadFile(path string) ([]byte, error)
	// IsDir reports whether path exists and is a directory.
	IsDir(path string) bool
	// List returns the names of the entries of a directory, sorted.
	List(dir string) ([]string, error)
}

// OSFiles reads the operating system's files, at most MaxSideFile bytes.
type OSFiles struct{}

// ReadFile implements Files.
func (OSFiles) ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxSideFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSideFile {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, MaxSideFile)
	}
	return data, nil
}

// IsDir implements Files.
func (OSFiles) IsDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// List implements Files.
func (OSFiles) List(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(ents))
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out, nil
}

// NoFiles is a Files with nothing in it: the reader sees only its input.
// Fuzz tests and callers that read from a pipe use it.
type NoFiles struct{}

// ReadFile implements Files.
func (NoFiles) ReadFile(string) ([]byte, error) { return nil, fs.ErrNotExist }

// IsDir implements Files.
func (NoFiles) IsDir(string) bool { return false }

// List implements Files.
func (NoFiles) List(string) ([]string, error) { return nil, fs.ErrNotExist }

// Or returns f, or OSFiles when f is nil.
func Or(f Files) Files {
	if f == nil {
		return OSFiles{}
	}
	return f
}

// GitURL is a git remote URL split into host, owner and repository.
type GitURL struct {
	Host, Owner, Repo string
}

var scpLike = regexp.MustCompile(`^[A-Za-z0-9._-]+@([A-Za-z0-9.-]+):(.+)$`)

// ParseGitURL splits https://host/owner/repo(.git), ssh://git@host/owner/repo
// and the scp-like git@host:owner/repo. Owner may contain slashes (GitLab
// groups); Repo is the last path element without ".git". ok is false when
// the URL has no owner and repository.
func ParseGitURL(u string) (g GitURL, ok bool) {
	u = strings.TrimSpace(u)
	u = strings.TrimPrefix(u, "git+")
	var host, path string
	if m := scpLike.FindStringSubmatch(u); m != nil && !strings.Contains(u, "://") {
		host, path = m[1], m[2]
	} else {
		i := strings.Index(u, "://")
		if i < 0 {
			return g, false
		}
		rest := u[i+3:]
		slash := strings.IndexByte(rest, '/')
		if slash < 0 {
			return g, false
		}
		host, path = rest[:slash], rest[slash+1:]
		if at := strings.LastIndexByte(host, '@'); at >= 0 {
			host = host[at+1:]
		}
		if c := strings.IndexByte(host, ':'); c >= 0 {
			host = host[:c]
		}
	}
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	path = strings.Trim(path, "/")
	path = strings.TrimSuffix(path, ".git")
	slash := strings.LastIndexByte(path, '/')
	if slash <= 0 || slash == len(path)-1 || host == "" {
		return g, false
	}
	return GitURL{Host: strings.ToLower(host), Owner: path[:slash], Repo: path[slash+1:]}, true
}

// GitPURL returns the PURL of a git repository at a revision:
// "pkg:github/<owner>/<repo>@<rev>" (the purl specification's github type,
// whose namespace and name are lower case) for github.com, and
// "pkg:generic/<name>@<rev>?vcs_url=git+<url>" for any other host, where
// name is the repository name (or fallback when the URL cannot be split).
func GitPURL(url, fallback, rev string) string {
	if g, ok := ParseGitURL(url); ok {
		if g.Host == "github.com" && !strings.Contains(g.Owner, "/") {
			return packageurl.NewPackageURL("github", strings.ToLower(g.Owner), strings.ToLower(g.Repo), rev, nil, "").ToString()
		}
		fallback = g.Repo
	}
	if fallback == "" {
		return ""
	}
	var q packageurl.Qualifiers
	if url != "" {
		q = packageurl.QualifiersFromMap(map[string]string{"vcs_url": "git+" + strings.TrimPrefix(url, "git+")})
	}
	return packageurl.NewPackageURL("generic", "", fallback, rev, q, "").ToString()
}

var (
	releaseRe = regexp.MustCompile(`^[vV]?(\d+\.\d+(?:\.\d+)*(?:-?(?:rc|alpha|beta)\.?\d*)?)$`)
	commitRe  = regexp.MustCompile(`^[0-9a-f]{7,64}$`)
)

// ReleaseVersion returns the release a git revision names when it is a
// release tag ("v3.7.0", "2.8.1", "v1.0-rc2"), without the leading "v",
// and "" for branches ("main", "v2.8-branch"), commits and tags with
// vendor suffixes ("v3.7.99-ncs1"): a CPE needs the upstream release, and
// a branch or fork suffix is not one.
func ReleaseVersion(rev string) string {
	m := releaseRe.FindStringSubmatch(strings.TrimSpace(rev))
	if m == nil {
		return ""
	}
	return m[1]
}

// IsCommit reports whether rev looks like an (abbreviated) git commit id.
func IsCommit(rev string) bool {
	return commitRe.MatchString(rev) && strings.ContainsAny(rev, "0123456789")
}

// RevisionKind classifies a git revision for the premarket:vcs:revision-kind
// property: "commit", "tag" (a release tag) or "ref" (a branch, or a tag
// that is not a release).
func RevisionKind(rev string) string {
	switch {
	case rev == "":
		return ""
	case IsCommit(rev):
		return "commit"
	case ReleaseVersion(rev) != "":
		return "tag"
	}
	return "ref"
}

// Properties written by the MCU readers, besides the design's
// premarket:build:* and premarket:source:* names.
const (
	PropBuildSystem    = "premarket:build:system"
	PropVCSURL         = "premarket:vcs:url"
	PropVCSRevision    = "premarket:vcs:revision"
	PropRevisionKind   = "premarket:vcs:revision-kind"
	PropPath           = "premarket:build:path"
	PropUnresolved     = "premarket:manifest:unresolved"
	PropDependencyKind = "premarket:dependency:kind"
	// PropVersionConstraint keeps a manifest's version requirement
	// ("^1.2.3", ">=0.4.0") when the exact version is not known, or
	// beside it for the record.
	PropVersionConstraint = "premarket:manifest:version-constraint"
)

// Project is a well-known MCU project: how to name it in a vulnerability
// database and who supplies it.
type Project struct {
	// Keys are lower-case "owner/repo" paths and bare names it is known by.
	Keys []string
	// Part, Vendor and Product form its CPE; empty when no CPE pair has
	// been confirmed (the reference marks it "unverified").
	Part, Vendor, Product string
	Supplier, Homepage    string
	Type                  sbom.ComponentType
}

// CPE returns the CPE 2.3 name of the project at version (a release
// version, see ReleaseVersion), or "" when there is no CPE pair or version.
func (p Project) CPE(version string) string {
	if p.Vendor == "" || version == "" {
		return ""
	}
	return cpe.Format(p.Part, p.Vendor, p.Product, version)
}

// projects is the table. CPE pairs are those of the reference
// "embedded-component-signatures" section 1.G (and 1.A for TLS
// libraries); pairs the reference calls unverified (nRF Connect SDK,
// ThreadX, TinyUSB, LittleFS, CMSIS, MCUboot, ...) are left out rather
// than guessed, so only the supplier and homepage are filled in.
var projects = []Project{
	{Keys: []string{"zephyrproject-rtos/zephyr", "zephyr", "nrfconnect/sdk-zephyr", "sdk-zephyr"}, Part: "o", Vendor: "zephyrproject", Product: "zephyr",
		Supplier: "Zephyr Project", Homepage: "https://www.zephyrproject.org/", Type: sbom.TypeOperatingSystem},
	{Keys: []string{"espressif/esp-idf", "esp-idf", "idf"}, Part: "a", Vendor: "espressif", Product: "esp-idf",
		Supplier: "Espressif Systems", Homepage: "https://github.com/espressif/esp-idf", Type: sbom.TypeFramework},
	{Keys: []string{"freertos/freertos-kernel", "freertos-kernel", "freertos"}, Part: "o", Vendor: "amazon", Product: "freertos",
		Supplier: "Amazon Web Services (FreeRTOS)", Homepage: "https://www.freertos.org/", Type: sbom.TypeOperatingSystem},
	{Keys: []string{"mbed-tls/mbedtls", "armmbed/mbedtls", "mbedtls"}, Part: "a", Vendor: "arm", Product: "mbed_tls",
		Supplier: "Trusted Firmware (Arm)", Homepage: "https://www.trustedfirmware.org/projects/mbed-tls/", Type: sbom.TypeLibrary},
	{Keys: []string{"lwip-tcpip/lwip", "lwip"}, Part: "a", Vendor: "lwip_project", Product: "lwip",
		Supplier: "lwIP project", Homepage: "https://savannah.nongnu.org/projects/lwip/", Type: sbom.TypeLibrary},
	{Keys: []string{"openthread/openthread", "openthread"}, Part: "o", Vendor: "google", Product: "openthread",
		Supplier: "OpenThread project", Homepage: "https://openthread.io/", Type: sbom.TypeLibrary},
	{Keys: []string{"apache/mynewt-nimble", "mynewt-nimble", "nimble"}, Part: "a", Vendor: "apache", Product: "nimble",
		Supplier: "Apache Software Foundation", Homepage: "https://github.com/apache/mynewt-nimble", Type: sbom.TypeLibrary},
	{Keys: []string{"wolfssl/wolfssl", "wolfssl"}, Part: "a", Vendor: "wolfssl", Product: "wolfssl",
		Supplier: "wolfSSL Inc.", Homepage: "https://www.wolfssl.com/", Type: sbom.TypeLibrary},
	{Keys: []string{"nrfconnect/sdk-nrf", "sdk-nrf", "nrf"}, Supplier: "Nordic Semiconductor", Homepage: "https://www.nordicsemi.com/Products/Development-software/nRF-Connect-SDK", Type: sbom.TypeFramework},
	{Keys: []string{"nordicsemiconductor/nrfx", "nrfx"}, Supplier: "Nordic Semiconductor", Homepage: "https://github.com/NordicSemiconductor/nrfx", Type: sbom.TypeLibrary},
	{Keys: []string{"mcu-tools/mcuboot", "mcuboot", "nrfconnect/sdk-mcuboot", "sdk-mcuboot"}, Supplier: "MCUboot project (Linaro / Trusted Firmware)", Homepage: "https://www.trustedfirmware.org/projects/mcuboot/", Type: sbom.TypeFirmware},
	{Keys: []string{"eclipse-threadx/threadx", "azure-rtos/threadx", "threadx"}, Supplier: "Eclipse Foundation (ThreadX)", Homepage: "https://github.com/eclipse-threadx/threadx", Type: sbom.TypeOperatingSystem},
	{Keys: []string{"armmbed/mbed-os", "mbed-os"}, Supplier: "Arm", Homepage: "https://github.com/ARMmbed/mbed-os", Type: sbom.TypeOperatingSystem},
	{Keys: []string{"hathach/tinyusb", "tinyusb"}, Supplier: "TinyUSB project", Homepage: "https://github.com/hathach/tinyusb", Type: sbom.TypeLibrary},
	{Keys: []string{"littlefs-project/littlefs", "littlefs"}, Supplier: "littlefs project", Homepage: "https://github.com/littlefs-project/littlefs", Type: sbom.TypeLibrary},
	{Keys: []string{"arm-software/cmsis_5", "arm-software/cmsis_6", "cmsis_5", "cmsis_6", "cmsis"}, Supplier: "Arm", Homepage: "https://github.com/ARM-software/CMSIS_6", Type: sbom.TypeLibrary},
}

// LookupProject finds a well-known MCU project by git URL (owner/repo) or,
// failing that, by name. Both matches are on lower case.
func LookupProject(url, name string) (Project, bool) {
	var keys []string
	if g, ok := ParseGitURL(url); ok {
		keys = append(keys, strings.ToLower(g.Owner+"/"+g.Repo), strings.ToLower(g.Repo))
	}
	if name != "" {
		keys = append(keys, strings.ToLower(name))
	}
	for _, k := range keys {
		for _, p := range projects {
			for _, pk := range p.Keys {
				if pk == k {
					return p, true
				}
			}
		}
	}
	return Project{}, false
}

// Identify fills CPE, Supplier, Homepage and (when it is still a library)
// Type of c from the MCU table, else from sbom/cpe's table of upstream
// projects, using url and c.Name. version is the upstream release version
// to put in a CPE ("" for none). Fields already set are kept.
func Identify(c *sbom.Component, url, version string) {
	if p, ok := LookupProject(url, c.Name); ok {
		if c.CPE == "" {
			c.CPE = p.CPE(version)
		}
		setIfEmpty(&c.Supplier, p.Supplier)
		setIfEmpty(&c.Homepage, p.Homepage)
		if p.Type != "" && (c.Type == "" || c.Type == sbom.TypeLibrary) {
			c.Type = p.Type
		}
		return
	}
	names := []string{c.Name}
	if g, ok := ParseGitURL(url); ok {
		names = append(names, g.Repo)
	}
	for _, n := range names {
		if e, ok := cpe.Lookup(n); ok {
			if c.CPE == "" && version != "" {
				c.CPE = e.CPE(version)
			}
			setIfEmpty(&c.Supplier, e.Supplier)
			setIfEmpty(&c.Homepage, e.Homepage)
			return
		}
	}
}

func setIfEmpty(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

// Origin returns the origin and location of something read at file:line.
func Origin(kind, file string, line int, path string) ([]sbom.Origin, sbom.Location) {
	return []sbom.Origin{{Kind: kind, File: file, Line: line, Path: path}},
		sbom.Location{File: file, Line: line, Path: path}
}

// SetVCS records a git URL and revision as properties.
func SetVCS(c *sbom.Component, url, rev string) {
	if url != "" {
		c.SetProperty(PropVCSURL, url)
	}
	if rev != "" {
		c.SetProperty(PropVCSRevision, rev)
		c.SetProperty(PropRevisionKind, RevisionKind(rev))
	}
}

// Graph collects dependency edges in first-seen order without duplicates.
type Graph struct {
	idx  map[string]int
	seen map[[2]string]bool
	Deps []sbom.Dependency
}

// Add records that from depends on to.
func (g *Graph) Add(from, to string) {
	if from == "" || to == "" || from == to {
		return
	}
	if g.idx == nil {
		g.idx = map[string]int{}
		g.seen = map[[2]string]bool{}
	}
	if g.seen[[2]string{from, to}] {
		return
	}
	g.seen[[2]string{from, to}] = true
	i, ok := g.idx[from]
	if !ok {
		i = len(g.Deps)
		g.idx[from] = i
		g.Deps = append(g.Deps, sbom.Dependency{Ref: from, DependsOn: []string{}})
	}
	g.Deps[i].DependsOn = append(g.Deps[i].DependsOn, to)
}

// Clip shortens input quoted in error messages.
func Clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
