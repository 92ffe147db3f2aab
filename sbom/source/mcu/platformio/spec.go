package platformio

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/premarket/premarket/sbom/source/mcu/internal/common"
)

// Where a package specification points.
const (
	srcRegistry = "registry" // owner/name@requirements in the PlatformIO registry
	srcGit      = "git"      // a git repository, optionally at #ref
	srcArchive  = "archive"  // a downloaded archive (zip, tar.gz, ...)
	srcLocal    = "local"    // file:// or symlink:// path on the build machine
)

// spec is one package specification as PlatformIO's PackageSpec reads
// it from lib_deps, platform and platform_packages.
type spec struct {
	raw         string
	owner, name string // registry owner and name, or the custom name of "name=url"
	custom      bool   // name came from "name=url" / "name @ url"
	req         string // version requirements, e.g. "^6.21.3"
	source      string // srcRegistry, srcGit, srcArchive or srcLocal
	url         string // external URL without its #fragment
	ref         string // the #fragment: a git branch, tag or commit
	path        string // local path of file:// and symlink://
	ghOwner     string // GitHub owner and repository of a GitHub archive URL
	ghRepo      string
}

var (
	// customRe matches "name=URL" and "[owner/]name @ URL".
	customRe = regexp.MustCompile(`^([^=@:/]+(?:/[^=@:/]+)?)\s*(?:=|@)\s*((?:[A-Za-z][A-Za-z0-9+.-]*://|git@|file:|symlink:).*)$`)
	// ghArchiveRe matches GitHub source archives and release assets.
	ghArchiveRe = regexp.MustCompile(`^https?://(?:www\.)?github\.com/([^/]+)/([^/]+)/(?:archive/(?:refs/(?:tags|heads)/)?(.+?)\.(?:zip|tar\.gz)|releases/download/([^/]+)/[^/]+)$`)
	archiveExt  = []string{".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar"}
	exactRe     = regexp.MustCompile(`^(?:==?\s*)?v?(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?)$`)
	// registryNameRe is what a registry owner or name may hold (names
	// like "Adafruit GFX Library" have spaces).
	registryNameRe = regexp.MustCompile(`^[^\s/@=:;#$][^/@=:;#$]*$`)
)

var errEmpty = errors.New("empty package specification")

// parseSpec reads one specification.
func parseSpec(raw string) (spec, error) {
	s := spec{raw: strings.TrimSpace(raw)}
	rest := s.raw
	if rest == "" {
		return s, errEmpty
	}
	if m := customRe.FindStringSubmatch(rest); m != nil {
		s.owner, s.name = splitOwner(strings.TrimSpace(m[1]))
		s.custom = true
		rest = strings.TrimSpace(m[2])
	}
	switch {
	case strings.HasPrefix(rest, "file://"), strings.HasPrefix(rest, "symlink://"):
		s.source = srcLocal
		_, s.path, _ = strings.Cut(rest, "://")
		if s.path == "" {
			return s, fmt.Errorf("%q names no path", common.Clip(s.raw))
		}
		if s.name == "" {
			s.name = path.Base(strings.TrimRight(strings.ReplaceAll(s.path, `\`, "/"), "/"))
		}
		return s, nil
	case strings.HasPrefix(rest, "file:"), strings.HasPrefix(rest, "symlink:"):
		s.source = srcLocal
		_, s.path, _ = strings.Cut(rest, ":")
		if s.name == "" {
			s.name = path.Base(strings.TrimRight(strings.ReplaceAll(s.path, `\`, "/"), "/"))
		}
		return s, nil
	case strings.Contains(rest, "://") || strings.HasPrefix(rest, "git@"):
		s.url, s.ref, _ = strings.Cut(rest, "#")
		s.source = urlSource(s.url)
		if m := ghArchiveRe.FindStringSubmatch(s.url); m != nil {
			s.source = srcArchive
			s.ghOwner, s.ghRepo = m[1], m[2]
			if s.ref == "" {
				s.ref = m[3] + m[4]
			}
		}
		if s.name == "" {
			switch {
			case s.ghRepo != "":
				s.name = s.ghRepo
			case s.source == srcGit:
				if g, ok := common.ParseGitURL(s.url); ok {
					s.name = g.Repo
				}
			}
			if s.name == "" {
				s.name = archiveBase(s.url)
			}
		}
		if s.name == "" {
			return s, fmt.Errorf("%q: cannot tell the package name from the URL", common.Clip(s.raw))
		}
		return s, nil
	}
	if s.custom {
		return s, fmt.Errorf("%q: unknown source", common.Clip(s.raw))
	}
	// Registry: [owner/]name[@requirements], PackageSpec splitting at the
	// last "@".
	s.source = srcRegistry
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		s.req = strings.TrimSpace(rest[i+1:])
		rest = strings.TrimSpace(rest[:i])
		if s.req == "" {
			return s, fmt.Errorf("%q: empty version requirement after @", common.Clip(s.raw))
		}
	}
	if strings.Count(rest, "/") > 1 {
		return s, fmt.Errorf("%q: want [owner/]name[@version], a URL, or file://path", common.Clip(s.raw))
	}
	s.owner, s.name = splitOwner(rest)
	if !registryNameRe.MatchString(s.name) || (s.owner != "" && !registryNameRe.MatchString(s.owner)) {
		return s, fmt.Errorf("%q: want [owner/]name[@version], a URL, or file://path", common.Clip(s.raw))
	}
	return s, nil
}

func splitOwner(s string) (owner, name string) {
	if i := strings.IndexByte(s, '/'); i >= 0 {
		return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
	}
	return "", strings.TrimSpace(s)
}

// urlSource tells a git repository URL from an archive download, as
// PlatformIO does: git+ and ssh schemes, scp-like git@host:path, a ".git"
// suffix, or a bare repository path on GitHub, GitLab or Bitbucket are
// git; everything else is downloaded as an archive.
func urlSource(u string) string {
	lu := strings.ToLower(u)
	if strings.HasPrefix(lu, "git+") || strings.HasPrefix(lu, "git://") || strings.HasPrefix(lu, "ssh://") || strings.HasPrefix(lu, "git@") {
		return srcGit
	}
	p := lu
	if i := strings.IndexAny(p, "?"); i >= 0 {
		p = p[:i]
	}
	p = strings.TrimRight(p, "/")
	if strings.HasSuffix(p, ".git") {
		return srcGit
	}
	for _, ext := range archiveExt {
		if strings.HasSuffix(p, ext) {
			return srcArchive
		}
	}
	if g, ok := common.ParseGitURL(u); ok && !strings.Contains(g.Owner, "/") {
		switch g.Host {
		case "github.com", "gitlab.com", "bitbucket.org":
			return srcGit
		}
	}
	return srcArchive
}

// archiveBase is the file name of an archive URL without its extension.
func archiveBase(u string) string {
	if i := strings.IndexAny(u, "?"); i >= 0 {
		u = u[:i]
	}
	b := path.Base(strings.TrimRight(u, "/"))
	lb := strings.ToLower(b)
	for _, ext := range archiveExt {
		if strings.HasSuffix(lb, ext) {
			return b[:len(b)-len(ext)]
		}
	}
	if b == "." || b == "/" || strings.Contains(b, ":") {
		return ""
	}
	return b
}

// exactVersion returns the version requirements pin, when they pin one
// ("1.2.3", "==1.2.3"); PlatformIO reads a bare full version as "exactly
// this version". Ranges (^, ~, >=, partial versions) return "".
func exactVersion(req string) string {
	if m := exactRe.FindStringSubmatch(strings.TrimSpace(req)); m != nil {
		return m[1]
	}
	return ""
}
