// Package cmake reads the third-party sources a CMake project downloads
// itself (kind "cmake-fetchcontent"): FetchContent_Declare(<name> ...) and
// ExternalProject_Add(<name> ...) calls in a CMakeLists.txt or *.cmake
// file. Bare-metal and MCU projects use them to pull HALs, RTOS kernels
// and libraries at configure time, so the build's real inputs are only
// visible there.
//
// The tokenizer follows the CMake language's command syntax: commands are
// identifier "(" arguments ")" across any number of lines; arguments are
// unquoted, "quoted" (with \-escapes and \ line continuations) or
// [[bracket]] / [==[bracket]==] arguments; # line comments and #[[ ]]
// bracket comments are skipped; parentheses nest inside arguments.
// Variables (${VAR}) are not expanded: an argument holding one is kept as
// written and the component gets premarket:manifest:unresolved naming it.
//
// From each call: GIT_REPOSITORY and GIT_TAG (a tag, branch or commit),
// URL (the first of several) and URL_HASH "<ALG>=<hex>" (SHA256, SHA1,
// MD5, SHA512, ... -> a component hash), SOURCE_SUBDIR. The component's
// Name is the call's first argument, Version the GIT_TAG, or for URL
// downloads a version-looking part of the archive name ("v1.2.3.tar.gz",
// "lib-1.2.3.zip"). PURL: the git repository at the tag (pkg:github or
// pkg:generic with vcs_url), or pkg:generic/<name>@<version> with a
// download_url and checksum qualifier for archives. CPEs come from the
// MCU table and sbom/cpe when the version is a release.
package cmake

import (
	"bytes"
	"context"

	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/source/mcu/internal/common"
)

// Kind is the input kind read by this package.
const Kind = "cmake-fetchcontent"

const human = "cmake file"

// MaxArgs bounds the arguments of one command.
const MaxArgs = 100_000

// Reader reads FetchContent and ExternalProject calls.
type Reader struct{}

var _ sbom.Reader = (*Reader)(nil)

// NewReader returns a reader of CMake FetchContent / ExternalProject calls.
func NewReader() *Reader { return &Reader{} }

// Kind implements sbom.Reader.
func (*Reader) Kind() string { return Kind }

var detectRe = regexp.MustCompile(`(?mi)^[ \t]*(FetchContent_Declare|ExternalProject_Add)[ \t]*\(`)

// Detect reports whether head has a FetchContent_Declare or
// ExternalProject_Add command at the start of a line.
func (*Reader) Detect(_ string, head []byte) bool {
	return bytes.IndexByte(head, 0) < 0 && detectRe.Match(head)
}

// Command is one CMake command invocation.
type Command struct {
	Name string
	Line int
	Args []Arg
}

// Arg is one argument.
type Arg struct {
	Value string
	Line  int
}

// Tokenize splits CMake source into command invocations.
func Tokenize(src string) ([]Command, error) {
	var cmds []Command
	i, line := 0, 1
	n := len(src)
	skipSpace := func() error {
		for i < n {
			switch c := src[i]; {
			case c == '\n':
				line++
				i++
			case c == ' ' || c == '\t' || c == '\r':
				i++
			case c == '#':
				if l, ok := bracketOpen(src[i+1:]); ok {
					end := strings.Index(src[i+1+l:], "]"+strings.Repeat("=", l-2)+"]")
					if end < 0 {
						return fmt.Errorf("line %d: bracket comment not closed", line)
					}
					body := src[i : i+1+l+end+l]
					line += strings.Count(body, "\n")
					i += len(body)
					continue
				}
				for i < n && src[i] != '\n' {
					i++
				}
			default:
				return nil
			}
		}
		return nil
	}
	for {
		if err := skipSpace(); err != nil {
			return nil, err
		}
		if i >= n {
			return cmds, nil
		}
		start := i
		for i < n && (isIdent(src[i])) {
			i++
		}
		if i == start {
			return nil, fmt.Errorf("line %d: want a command name, got %q", line, common.Clip(src[i:min(n, i+20)]))
		}
		cmd := Command{Name: src[start:i], Line: line}
		for i < n && (src[i] == ' ' || src[i] == '\t') {
			i++
		}
		if i >= n || src[i] != '(' {
			return nil, fmt.Errorf("line %d: want \"(\" after %s", line, cmd.Name)
		}
		i++
		depth := 0
		for {
			if err := skipSpace(); err != nil {
				return nil, err
			}
			if i >= n {
				return nil, fmt.Errorf("line %d: %s( is not closed", cmd.Line, cmd.Name)
			}
			if len(cmd.Args) > MaxArgs {
				return nil, fmt.Errorf("line %d: more than %d arguments", cmd.Line, MaxArgs)
			}
			c := src[i]
			switch {
			case c == ')':
				i++
				if depth == 0 {
					goto done
				}
				depth--
			case c == '(':
				depth++
				i++
			case c == '"':
				aline := line
				i++
				var b strings.Builder
				for {
					if i >= n {
						return nil, fmt.Errorf("line %d: quoted argument not closed", aline)
					}
					ch := src[i]
					if ch == '"' {
						i++
						break
					}
					if ch == '\\' && i+1 < n {
						nx := src[i+1]
						i += 2
						switch nx {
						case '\n':
							line++ // line continuation
						case 'n':
							b.WriteByte('\n')
						case 't':
							b.WriteByte('\t')
						case 'r':
							b.WriteByte('\r')
						default:
							b.WriteByte(nx)
						}
						continue
					}
					if ch == '\n' {
						line++
					}
					b.WriteByte(ch)
					i++
				}
				cmd.Args = append(cmd.Args, Arg{b.String(), aline})
			case c == '[':
				if l, ok := bracketOpen(src[i:]); ok {
					closeTok := "]" + strings.Repeat("=", l-2) + "]"
					end := strings.Index(src[i+l:], closeTok)
					if end < 0 {
						return nil, fmt.Errorf("line %d: bracket argument not closed", line)
					}
					body := src[i+l : i+l+end]
					aline := line
					body = strings.TrimPrefix(body, "\n")
					line += strings.Count(src[i:i+l+end+len(closeTok)], "\n")
					i += l + end + len(closeTok)
					cmd.Args = append(cmd.Args, Arg{body, aline})
					continue
				}
				fallthrough
			default:
				aline := line
				var b strings.Builder
				for i < n {
					ch := src[i]
					if ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '(' || ch == ')' || ch == '#' || ch == '"' {
						break
					}
					if ch == '\\' && i+1 < n {
						b.WriteByte(src[i+1])
						i += 2
						continue
					}
					b.WriteByte(ch)
					i++
				}
				cmd.Args = append(cmd.Args, Arg{b.String(), aline})
			}
		}
	done:
		cmds = append(cmds, cmd)
	}
}

// bracketOpen reports whether s starts with "[" "="* "[" and returns its
// length.
func bracketOpen(s string) (int, bool) {
	if len(s) < 2 || s[0] != '[' {
		return 0, false
	}
	j := 1
	for j < len(s) && s[j] == '=' {
		j++
	}
	if j < len(s) && s[j] == '[' {
		return j + 1, true
	}
	return 0, false
}

func isIdent(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// keywords of FetchContent_Declare / ExternalProject_Add whose values are
// read; every other upper-case keyword ends a value list.
var keywords = map[string]bool{
	"GIT_REPOSITORY": true, "GIT_TAG": true, "GIT_SHALLOW": true, "GIT_PROGRESS": true, "GIT_SUBMODULES": true,
	"URL": true, "URL_HASH": true, "URL_MD5": true, "SOURCE_SUBDIR": true, "SOURCE_DIR": true, "BINARY_DIR": true,
	"SVN_REPOSITORY": true, "SVN_REVISION": true, "HG_REPOSITORY": true, "HG_TAG": true, "DOWNLOAD_NAME": true,
	"PATCH_COMMAND": true, "UPDATE_COMMAND": true, "CONFIGURE_COMMAND": true, "BUILD_COMMAND": true,
	"INSTALL_COMMAND": true, "TEST_COMMAND": true, "CMAKE_ARGS": true, "CMAKE_CACHE_ARGS": true, "PREFIX": true,
	"DOWNLOAD_COMMAND": true, "DEPENDS": true, "FIND_PACKAGE_ARGS": true, "OVERRIDE_FIND_PACKAGE": true,
	"EXCLUDE_FROM_ALL": true, "SYSTEM": true, "TIMEOUT": true, "TLS_VERIFY": true, "LOG_DOWNLOAD": true,
	"BUILD_BYPRODUCTS": true, "BUILD_IN_SOURCE": true, "DOWNLOAD_EXTRACT_TIMESTAMP": true, "INSTALL_DIR": true,
	"STEP_TARGETS": true, "USES_TERMINAL_DOWNLOAD": true, "GIT_REMOTE_NAME": true, "GIT_CONFIG": true,
}

var (
	hashRe   = regexp.MustCompile(`^(MD5|SHA1|SHA224|SHA256|SHA384|SHA512|SHA3_224|SHA3_256|SHA3_384|SHA3_512)=([0-9A-Fa-f]+)$`)
	archVer  = regexp.MustCompile(`[-_/vV]v?(\d+(?:\.\d+)+(?:-?(?:rc|alpha|beta)\d*)?)(?:\.tar\.gz|\.tar\.bz2|\.tar\.xz|\.tgz|\.zip|\.tar)$`)
	algNames = map[string]string{"MD5": "MD5", "SHA1": "SHA-1", "SHA224": "SHA-224", "SHA256": "SHA-256", "SHA384": "SHA-384", "SHA512": "SHA-512",
		"SHA3_224": "SHA3-224", "SHA3_256": "SHA3-256", "SHA3_384": "SHA3-384", "SHA3_512": "SHA3-512"}
)

// Read implements sbom.Reader.
func (*Reader) Read(ctx context.Context, name string, data []byte) (*sbom.Document, error) {
	data, err := common.CheckText(human, name, data)
	if err != nil {
		return nil, err
	}
	cmds, err := Tokenize(string(data))
	if err != nil {
		return nil, &sbom.ParseError{Kind: human, File: name, Line: lineOf(err), Err: err}
	}
	doc := &sbom.Document{Format: Kind, Source: name, Loc: sbom.Location{File: name, Line: 1}}
	seen := map[string]int{}
	for _, cmd := range cmds {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		lower := strings.ToLower(cmd.Name)
		if lower != "fetchcontent_declare" && lower != "externalproject_add" {
			continue
		}
		if len(cmd.Args) == 0 || cmd.Args[0].Value == "" {
			return nil, common.Errf(human, name, cmd.Line, "%s without a name", cmd.Name)
		}
		cname := cmd.Args[0].Value
		vals := map[string][]Arg{}
		cur := ""
		for _, a := range cmd.Args[1:] {
			if keywords[a.Value] {
				cur = a.Value
				if _, ok := vals[cur]; !ok {
					vals[cur] = nil
				}
				continue
			}
			if cur != "" {
				vals[cur] = append(vals[cur], a)
			}
		}
		first := func(k string) string {
			if v := vals[k]; len(v) > 0 {
				return v[0].Value
			}
			return ""
		}
		if prev, dup := seen[strings.ToLower(cname)]; dup {
			return nil, common.Errf(human, name, cmd.Line, "%s(%s): already declared at line %d", cmd.Name, cname, prev)
		}
		if len(seen) >= common.MaxComponents {
			return nil, common.Errf(human, name, cmd.Line, "more than %d declarations", common.MaxComponents)
		}
		seen[strings.ToLower(cname)] = cmd.Line
		repo, tag, url := first("GIT_REPOSITORY"), first("GIT_TAG"), first("URL")
		c := &sbom.Component{Ref: "cmake:" + cname, Type: sbom.TypeLibrary, Name: cname}
		c.Origins, c.Loc = common.Origin(Kind, name, cmd.Line, cmd.Name+"("+cname+")")
		c.SetProperty(common.PropBuildSystem, "cmake")
		c.SetProperty("premarket:cmake:command", cmd.Name)
		var unresolved []string
		for _, v := range []string{cname, repo, tag, url} {
			if strings.Contains(v, "${") || strings.Contains(v, "$ENV{") {
				unresolved = append(unresolved, v)
			}
		}
		var hashQual string
		if h := first("URL_HASH"); h != "" {
			m := hashRe.FindStringSubmatch(h)
			if m == nil && !strings.Contains(h, "${") {
				return nil, common.Errf(human, name, vals["URL_HASH"][0].Line, "%s(%s): URL_HASH %q: want <ALG>=<hex>", cmd.Name, cname, common.Clip(h))
			}
			if m != nil {
				c.Hashes = append(c.Hashes, sbom.Hash{Alg: algNames[m[1]], Value: strings.ToLower(m[2])})
				hashQual = strings.ToLower(strings.ReplaceAll(m[1], "_", "-")) + ":" + strings.ToLower(m[2])
			}
		}
		if md5 := first("URL_MD5"); md5 != "" {
			c.Hashes = append(c.Hashes, sbom.Hash{Alg: "MD5", Value: strings.ToLower(md5)})
		}
		if sub := first("SOURCE_SUBDIR"); sub != "" {
			c.SetProperty(common.PropPath, sub)
		}
		version := ""
		switch {
		case repo != "":
			c.Version = tag
			c.DownloadURL = repo
			common.SetVCS(c, repo, tag)
			if len(unresolved) == 0 {
				c.PURL = common.GitPURL(repo, cname, tag)
			}
			version = common.ReleaseVersion(tag)
		case url != "":
			c.DownloadURL = url
			if m := archVer.FindStringSubmatch(url); m != nil {
				c.Version = m[1]
				version = common.ReleaseVersion(m[1])
			}
			if len(unresolved) == 0 {
				q := map[string]string{"download_url": url}
				if hashQual != "" {
					q["checksum"] = hashQual
				}
				c.PURL = packageurl.NewPackageURL("generic", "", path.Base(strings.ToLower(cname)), c.Version, packageurl.QualifiersFromMap(q), "").ToString()
			}
		default:
			unresolved = append(unresolved, "no GIT_REPOSITORY or URL (local SOURCE_DIR or another VCS)")
		}
		if len(unresolved) > 0 {
			c.SetProperty(common.PropUnresolved, "not resolvable from the file alone: "+strings.Join(unresolved, ", "))
		}
		common.Identify(c, repo, version)
		doc.Components = append(doc.Components, c)
	}
	if len(doc.Components) == 0 {
		return nil, common.Errf(human, name, 0, "no FetchContent_Declare or ExternalProject_Add calls")
	}
	return doc, nil
}

var lineRe = regexp.MustCompile(`^line (\d+):`)

func lineOf(err error) int {
	var n int
	if m := lineRe.FindStringSubmatch(err.Error()); m != nil {
		fmt.Sscanf(m[1], "%d", &n)
	}
	return n
}
