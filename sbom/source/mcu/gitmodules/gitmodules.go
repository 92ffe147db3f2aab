// Package gitmodules reads git submodules (kind "git-submodules"): the
// .gitmodules file of a superproject, plus the commit each submodule is
// pinned to when the superproject's .git directory is beside it.
//
// Vendored MCU code (HALs, RTOS kernels, TLS libraries) is very often a
// submodule, and .gitmodules alone only names a URL and perhaps a branch:
// the exact commit lives in the superproject's tree. The reader finds it
// without running git:
//
//  1. In the index, .git/index: entries with mode 160000 ("gitlink") are
//     submodules, and their object id is the pinned commit. Index
//     versions 2, 3 (extended flags) and 4 (prefix-compressed paths) are
//     read, with SHA-1 object ids, or SHA-256 ids when .git/config sets
//     extensions.objectformat = sha256.
//  2. Failing that, .git/modules/<name>/HEAD when it holds a commit id (a
//     checked-out submodule is on a detached HEAD). This is the commit
//     checked out, which may differ from the recorded one if the working
//     tree was changed; the property premarket:git:commit-source says
//     which source gave the commit ("index" or "modules-head").
//
// ".git" may be a file ("gitdir: <path>", worktrees and nested
// submodules); it is followed. Packed refs, the commit graph and git
// objects are not read: the index is the record of what is committed.
//
// Each submodule becomes a component: Name is the submodule name, Version
// the pinned commit ("" when unknown; premarket:manifest:unresolved then
// says why), PURL pkg:github/<owner>/<repo>@<commit> or pkg:generic with
// vcs_url, premarket:build:path the submodule path and premarket:git:branch
// the branch. Relative URLs ("../hal.git") are resolved against the
// superproject's remote "origin" in .git/config when it is there. The
// superproject is the Primary and depends on every submodule.
package gitmodules

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/source/mcu/internal/common"
)

// Kind is the input kind read by this package.
const Kind = "git-submodules"

const human = ".gitmodules"

// MaxIndexEntries bounds the entries read from a git index.
const MaxIndexEntries = 5_000_000

// Reader reads .gitmodules.
type Reader struct {
	// Files gives access to the .git directory beside the input; nil
	// means the operating system's files.
	Files common.Files
}

var _ sbom.Reader = (*Reader)(nil)

// NewReader returns a reader of .gitmodules that looks for .git beside it.
func NewReader() *Reader { return &Reader{} }

// Kind implements sbom.Reader.
func (*Reader) Kind() string { return Kind }

var detectRe = regexp.MustCompile(`(?m)^\s*\[submodule\s+"[^"\n]*"\s*\]`)

// Detect reports whether head has a [submodule "name"] section.
func (*Reader) Detect(_ string, head []byte) bool {
	return bytes.IndexByte(head, 0) < 0 && detectRe.Match(head)
}

// submodule is one [submodule] section.
type submodule struct {
	name, path, url, branch string
	line                    int
}

// Read implements sbom.Reader.
func (r *Reader) Read(ctx context.Context, name string, data []byte) (*sbom.Document, error) {
	data, err := common.CheckText(human, name, data)
	if err != nil {
		return nil, err
	}
	subs, err := parse(name, data)
	if err != nil {
		return nil, err
	}
	files := common.Or(r.Files)
	dir := filepath.Dir(name)
	gitdir := findGitDir(files, dir)
	var gitlinks map[string]string
	var idxErr error
	origin := ""
	if gitdir != "" {
		cfg, _ := files.ReadFile(filepath.Join(gitdir, "config"))
		origin = configValue(cfg, `remote "origin"`, "url")
		hashLen := 20
		if strings.EqualFold(configValue(cfg, "extensions", "objectformat"), "sha256") {
			hashLen = 32
		}
		if idx, err := files.ReadFile(filepath.Join(gitdir, "index")); err == nil {
			gitlinks, idxErr = ReadGitlinks(idx, hashLen)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	super := filepath.Base(filepath.Clean(dir))
	if super == "." || super == string(filepath.Separator) {
		super = "superproject"
	}
	doc := &sbom.Document{Format: Kind, Source: name, Loc: sbom.Location{File: name, Line: 1}}
	doc.Primary = &sbom.Component{Ref: "git:superproject", Type: sbom.TypeApplication, Name: super}
	if origin != "" {
		common.SetVCS(doc.Primary, origin, "")
	}
	var g common.Graph
	for _, s := range subs {
		url := resolveURL(origin, s.url)
		commit, source := gitlinks[s.path], "index"
		if commit == "" && gitdir != "" {
			commit, source = modulesHead(files, gitdir, s.name), "modules-head"
		}
		c := &sbom.Component{Ref: "git:" + s.name, Type: sbom.TypeLibrary, Name: s.name, Version: commit}
		c.Origins, c.Loc = common.Origin(Kind, name, s.line, `submodule "`+s.name+`"`)
		c.SetProperty(common.PropBuildSystem, "git")
		c.SetProperty(common.PropPath, s.path)
		if s.branch != "" {
			c.SetProperty("premarket:git:branch", s.branch)
		}
		common.SetVCS(c, url, commit)
		purlURL := url
		if _, ok := common.ParseGitURL(url); !ok {
			purlURL = ""
		} else {
			c.DownloadURL = url
		}
		repoName := s.name
		if gu, ok := common.ParseGitURL(url); ok {
			repoName = gu.Repo
		}
		c.PURL = common.GitPURL(purlURL, path.Base(repoName), commit)
		switch {
		case commit != "":
			c.SetProperty("premarket:git:commit-source", source)
		case gitdir == "":
			c.SetProperty(common.PropUnresolved, "pinned commit unknown: no .git directory beside "+name)
		case idxErr != nil:
			c.SetProperty(common.PropUnresolved, "pinned commit unknown: "+idxErr.Error())
		default:
			c.SetProperty(common.PropUnresolved, "pinned commit unknown: "+s.path+" is not a gitlink in the index and .git/modules/"+s.name+"/HEAD holds no commit")
		}
		common.Identify(c, url, "")
		doc.Components = append(doc.Components, c)
		g.Add(doc.Primary.Ref, c.Ref)
	}
	doc.Dependencies = g.Deps
	return doc, nil
}

// parse reads the git-config syntax of .gitmodules.
func parse(name string, data []byte) ([]*submodule, error) {
	var subs []*submodule
	byName := map[string]*submodule{}
	var cur *submodule
	for i, raw := range strings.Split(string(data), "\n") {
		line := i + 1
		l := strings.TrimSpace(strings.TrimRight(raw, "\r"))
		if l == "" || l[0] == '#' || l[0] == ';' {
			continue
		}
		if l[0] == '[' {
			end := strings.LastIndexByte(l, ']')
			if end < 0 {
				return nil, common.Errf(human, name, line, "section header without \"]\": %q", common.Clip(l))
			}
			sec := strings.TrimSpace(l[1:end])
			cur = nil
			if rest, ok := strings.CutPrefix(sec, "submodule"); ok {
				rest = strings.TrimSpace(rest)
				if len(rest) < 2 || rest[0] != '"' || rest[len(rest)-1] != '"' {
					return nil, common.Errf(human, name, line, "want [submodule \"name\"], got %q", common.Clip(l))
				}
				sn := rest[1 : len(rest)-1]
				if sn == "" {
					return nil, common.Errf(human, name, line, "empty submodule name")
				}
				if prev, dup := byName[sn]; dup {
					cur = prev // git merges repeated sections
					continue
				}
				if len(subs) >= common.MaxComponents {
					return nil, common.Errf(human, name, line, "more than %d submodules", common.MaxComponents)
				}
				cur = &submodule{name: sn, line: line}
				byName[sn] = cur
				subs = append(subs, cur)
			}
			continue
		}
		if cur == nil {
			continue // keys of other sections
		}
		key, val, ok := strings.Cut(l, "=")
		if !ok {
			continue // a boolean key without value; none matter here
		}
		key = strings.ToLower(strings.TrimSpace(key))
		val = unquote(strings.TrimSpace(stripComment(val)))
		switch key {
		case "path":
			cur.path = val
		case "url":
			cur.url = val
		case "branch":
			cur.branch = val
		}
	}
	for _, s := range subs {
		if s.path == "" {
			return nil, common.Errf(human, name, s.line, "submodule %q has no path", s.name)
		}
		if s.url == "" {
			return nil, common.Errf(human, name, s.line, "submodule %q has no url", s.name)
		}
	}
	if len(subs) == 0 {
		return nil, common.Errf(human, name, 0, "no [submodule] sections")
	}
	return subs, nil
}

// stripComment removes a trailing # or ; comment outside quotes.
func stripComment(v string) string {
	inq := false
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '"':
			inq = !inq
		case '#', ';':
			if !inq {
				return v[:i]
			}
		}
	}
	return v
}

func unquote(v string) string {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		return v[1 : len(v)-1]
	}
	return v
}

// configValue returns key of the given section ("remote \"origin\"") in a
// git config file, or "".
func configValue(cfg []byte, section, key string) string {
	in := false
	for _, raw := range strings.Split(string(cfg), "\n") {
		l := strings.TrimSpace(raw)
		if strings.HasPrefix(l, "[") {
			end := strings.LastIndexByte(l, ']')
			in = end > 0 && strings.EqualFold(strings.TrimSpace(l[1:end]), section)
			continue
		}
		if !in {
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), key) {
			return unquote(strings.TrimSpace(stripComment(v)))
		}
	}
	return ""
}

// resolveURL resolves a relative submodule URL ("../x.git", "./x")
// against the superproject's origin URL, as git does.
func resolveURL(origin, u string) string {
	if !strings.HasPrefix(u, "./") && !strings.HasPrefix(u, "../") {
		return u
	}
	if origin == "" {
		return u
	}
	base := strings.TrimRight(origin, "/")
	for {
		if rest, ok := strings.CutPrefix(u, "./"); ok {
			u = rest
			continue
		}
		if rest, ok := strings.CutPrefix(u, "../"); ok {
			u = rest
			i := strings.LastIndexAny(base, "/:")
			if i < 0 {
				return u
			}
			if base[i] == ':' {
				base = base[:i+1]
			} else {
				base = base[:i]
			}
			continue
		}
		break
	}
	if strings.HasSuffix(base, ":") {
		return base + u
	}
	return base + "/" + u
}

// findGitDir finds the .git directory beside dir (following a "gitdir:"
// file), or "".
func findGitDir(files common.Files, dir string) string {
	p := filepath.Join(dir, ".git")
	if files.IsDir(p) {
		return p
	}
	data, err := files.ReadFile(p)
	if err != nil || len(data) > 4096 {
		return ""
	}
	rest, ok := strings.CutPrefix(strings.TrimSpace(string(data)), "gitdir:")
	if !ok {
		return ""
	}
	target := strings.TrimSpace(rest)
	if !filepath.IsAbs(target) {
		target = filepath.Join(dir, target)
	}
	if files.IsDir(target) {
		return target
	}
	return ""
}

var hexCommit = regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`)

// modulesHead reads .git/modules/<name>/HEAD when it holds a commit id.
func modulesHead(files common.Files, gitdir, name string) string {
	clean := path.Clean(name)
	if strings.HasPrefix(clean, "../") || clean == ".." || path.IsAbs(clean) {
		return ""
	}
	data, err := files.ReadFile(filepath.Join(gitdir, "modules", filepath.FromSlash(clean), "HEAD"))
	if err != nil || len(data) > 1024 {
		return ""
	}
	h := strings.TrimSpace(string(data))
	if hexCommit.MatchString(h) {
		return h
	}
	return ""
}

// ReadGitlinks reads a git index (versions 2, 3 and 4) and returns the
// path and object id (hex) of every gitlink entry (mode 160000). hashLen
// is 20 for SHA-1 repositories and 32 for SHA-256.
func ReadGitlinks(data []byte, hashLen int) (map[string]string, error) {
	if len(data) < 12 || string(data[:4]) != "DIRC" {
		return nil, errors.New("git index: no DIRC signature")
	}
	version := binary.BigEndian.Uint32(data[4:8])
	if version < 2 || version > 4 {
		return nil, fmt.Errorf("git index: version %d not supported (2, 3 and 4 are)", version)
	}
	count := binary.BigEndian.Uint32(data[8:12])
	if count > MaxIndexEntries {
		return nil, fmt.Errorf("git index: %d entries, more than the limit of %d", count, MaxIndexEntries)
	}
	out := map[string]string{}
	off := 12
	prev := ""
	fixed := 40 + hashLen + 2 // stat data, mode etc., object id, flags
	for i := uint32(0); i < count; i++ {
		start := off
		if off+fixed > len(data) {
			return nil, fmt.Errorf("git index: entry %d truncated", i)
		}
		mode := binary.BigEndian.Uint32(data[off+24 : off+28])
		oid := data[off+40 : off+40+hashLen]
		flags := binary.BigEndian.Uint16(data[off+40+hashLen : off+fixed])
		off += fixed
		if flags&0x4000 != 0 {
			if version < 3 {
				return nil, fmt.Errorf("git index: entry %d has extended flags in a version 2 index", i)
			}
			off += 2
		}
		if off >= len(data) {
			return nil, fmt.Errorf("git index: entry %d truncated", i)
		}
		var name string
		if version == 4 {
			strip, n := binary.Uvarint(data[off:])
			if n <= 0 {
				return nil, fmt.Errorf("git index: entry %d: bad path prefix length", i)
			}
			off += n
			end := bytes.IndexByte(data[off:], 0)
			if end < 0 || strip > uint64(len(prev)) {
				return nil, fmt.Errorf("git index: entry %d: bad path", i)
			}
			name = prev[:len(prev)-int(strip)] + string(data[off:off+end])
			off += end + 1
		} else {
			end := bytes.IndexByte(data[off:], 0)
			if end < 0 {
				return nil, fmt.Errorf("git index: entry %d: path not terminated", i)
			}
			name = string(data[off : off+end])
			// Entries are padded with 1-8 NULs to a multiple of 8 bytes.
			entryLen := off + end - start
			off = start + (entryLen+8)&^7
			if off > len(data) {
				return nil, fmt.Errorf("git index: entry %d truncated", i)
			}
		}
		prev = name
		if mode == 0o160000 {
			out[name] = hex.EncodeToString(oid)
		}
	}
	return out, nil
}
