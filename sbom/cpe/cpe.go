// Package cpe holds premarket's table of well-known upstream projects that
// embedded Linux images are built from, and builds CPE 2.3 names for them.
//
// Build outputs name software by build-system package (Yocto recipe,
// Buildroot package), which is often not the upstream name a vulnerability
// database uses: Yocto's "linux-mainline" and Buildroot's "linux-headers"
// are NVD's linux:linux_kernel, Buildroot's "libopenssl" is
// openssl:openssl. The table (projects.json, embedded) maps the names a
// project is known under to its NVD vendor and product, its supplier and
// homepage. It is read once per Table and never changed.
package cpe

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
)

//go:embed projects.json
var projectsJSON []byte

// Entry is one upstream project.
type Entry struct {
	// Names are the Yocto recipe and Buildroot package names the project
	// is built under, lower case.
	Names []string `json:"names"`
	// Vendor and Product are the NVD CPE 2.3 vendor and product. Both are
	// empty for projects NVD does not track (ca-certificates, tzdata).
	Vendor  string `json:"vendor,omitempty"`
	Product string `json:"product,omitempty"`
	// Part is the CPE part: "a" (application) or "o" (operating system,
	// the Linux kernel).
	Part     string `json:"part,omitempty"`
	Supplier string `json:"supplier"`
	Homepage string `json:"homepage"`
}

// Table is the parsed project table with a name index.
type Table struct {
	entries []Entry
	byName  map[string]int
}

// loadOnce parses the embedded table once; the result is immutable.
var loadOnce = sync.OnceValues(func() (*Table, error) { return Parse(projectsJSON) })

// Default returns the embedded table. It panics only if the embedded file
// is malformed, which the package tests rule out.
func Default() *Table {
	t, err := loadOnce()
	if err != nil {
		panic("sbom/cpe: embedded projects.json: " + err.Error())
	}
	return t
}

// Parse reads a project table in the projects.json format. Every entry
// needs at least one name, a supplier and a homepage; vendor, product and
// part come together; a name may appear in only one entry.
func Parse(data []byte) (*Table, error) {
	var entries []Entry
	if err := json.Unmarshal(data, &entries); err != nil {
		return nil, err
	}
	t := &Table{entries: entries, byName: make(map[string]int)}
	for i, e := range entries {
		if len(e.Names) == 0 {
			return nil, fmt.Errorf("entry %d: no names", i)
		}
		if e.Supplier == "" || e.Homepage == "" {
			return nil, fmt.Errorf("entry %d (%s): supplier and homepage are required", i, e.Names[0])
		}
		if (e.Vendor == "") != (e.Product == "") || (e.Vendor != "") != (e.Part != "") {
			return nil, fmt.Errorf("entry %d (%s): vendor, product and part go together", i, e.Names[0])
		}
		if e.Part != "" && e.Part != "a" && e.Part != "o" && e.Part != "h" {
			return nil, fmt.Errorf("entry %d (%s): part %q is not a, o or h", i, e.Names[0], e.Part)
		}
		for _, f := range []string{e.Vendor, e.Product} {
			if f != "" && escape(f) != f {
				return nil, fmt.Errorf("entry %d (%s): %q needs CPE escaping; write it as NVD does", i, e.Names[0], f)
			}
		}
		for _, n := range e.Names {
			k := strings.ToLower(n)
			if j, dup := t.byName[k]; dup {
				return nil, fmt.Errorf("entry %d (%s): name %q already used by entry %d", i, e.Names[0], n, j)
			}
			t.byName[k] = i
		}
	}
	return t, nil
}

// Entries returns a copy of the table's entries in file order.
func (t *Table) Entries() []Entry {
	out := make([]Entry, len(t.entries))
	copy(out, t.entries)
	return out
}

// Lookup finds the project built under name. The match is on the lower-case
// name, first as given and then with build-system decorations removed:
// Buildroot's "host-" prefix, Yocto's "nativesdk-" prefix and "-native",
// "-cross", "-crosssdk" suffixes.
func (t *Table) Lookup(name string) (Entry, bool) {
	k := strings.ToLower(strings.TrimSpace(name))
	if i, ok := t.byName[k]; ok {
		return t.entries[i], true
	}
	s := k
	for _, p := range []string{"host-", "nativesdk-"} {
		s = strings.TrimPrefix(s, p)
	}
	for _, suf := range []string{"-native", "-crosssdk", "-cross"} {
		s = strings.TrimSuffix(s, suf)
	}
	if s != k {
		if i, ok := t.byName[s]; ok {
			return t.entries[i], true
		}
	}
	return Entry{}, false
}

// Lookup is Default().Lookup(name).
func Lookup(name string) (Entry, bool) { return Default().Lookup(name) }

// HasCPE reports whether the entry has a CPE vendor and product.
func (e Entry) HasCPE() bool { return e.Vendor != "" && e.Product != "" }

// CPE returns the CPE 2.3 formatted string for this project at version,
// e.g. "cpe:2.3:a:openssl:openssl:1.1.1g:*:*:*:*:*:*:*". The version is
// passed through Version first; when no upstream version can be derived
// (a bare git hash, "custom", empty) or the entry has no CPE, CPE returns
// "" rather than a name whose "*" version would match every release.
func (e Entry) CPE(version string) string {
	if !e.HasCPE() {
		return ""
	}
	v := Version(version)
	if v == "" {
		return ""
	}
	return Format(e.Part, e.Vendor, e.Product, v)
}

// Format builds a CPE 2.3 formatted string from its part, vendor, product
// and version, escaping the version (other attributes are "*").
func Format(part, vendor, product, version string) string {
	var b strings.Builder
	b.Grow(40 + len(vendor) + len(product) + 2*len(version))
	b.WriteString("cpe:2.3:")
	b.WriteString(part)
	b.WriteByte(':')
	b.WriteString(escape(vendor))
	b.WriteByte(':')
	b.WriteString(escape(product))
	b.WriteByte(':')
	b.WriteString(escape(version))
	b.WriteString(":*:*:*:*:*:*:*")
	return b.String()
}

// escape quotes characters of a CPE 2.3 formatted-string attribute:
// everything but letters, digits, "_", "-" and "." is preceded by a
// backslash (NISTIR 7695 section 6.2). Bytes outside printable ASCII
// cannot be represented and are dropped.
func escape(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if !plain(s[i]) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case plain(c):
			b.WriteByte(c)
		case c > 0x20 && c < 0x7f:
			b.WriteByte('\\')
			b.WriteByte(c)
		}
	}
	return b.String()
}

func plain(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
}

// Version derives the upstream release version to put in a CPE from a
// build system's package version. The rule, in order:
//
//  1. Trim space and a leading "v" before a digit ("v1.2" -> "1.2").
//  2. Cut at the first "+": Yocto appends source-control and local
//     suffixes there ("1.0+gitAUTOINC+abc" -> "1.0", "2.1+git0+1234" ->
//     "2.1"). A version that starts with "+" or "AUTOINC" has none.
//  3. The version must start with a digit; otherwise ("custom", "git",
//     "master") there is no upstream version.
//  4. A bare hexadecimal string of 12 or more characters containing a
//     letter is a git commit, not a release: no version.
//  5. Cut at the first "-" unless what follows is a pre-release tag (rc,
//     alpha, beta, pre): this removes Yocto/Debian revisions ("3.2.2-15",
//     "1.36.1-r0"), vendor suffixes ("2016.11.0-phy4", "4.1.36-phy3") and
//     git describe suffixes ("2.36-81-g4f4d7a1" -> "2.36"), keeping
//     "1.0-rc3".
//
// Letters attached to the version ("1.1.1g", "9.8p1") are kept: NVD uses
// them. The result may still need escaping; CPE and Format do that.
func Version(v string) string {
	v = strings.TrimSpace(v)
	if len(v) > 1 && (v[0] == 'v' || v[0] == 'V') && v[1] >= '0' && v[1] <= '9' {
		v = v[1:]
	}
	if i := strings.IndexByte(v, '+'); i >= 0 {
		v = v[:i]
	}
	if v == "" || v[0] < '0' || v[0] > '9' {
		return ""
	}
	if len(v) >= 12 && isGitHash(v) {
		return ""
	}
	if i := strings.IndexByte(v, '-'); i >= 0 {
		rest := strings.ToLower(v[i+1:])
		pre := false
		for _, p := range []string{"rc", "alpha", "beta", "pre"} {
			if strings.HasPrefix(rest, p) {
				pre = true
				break
			}
		}
		if !pre {
			v = v[:i]
		}
	}
	return v
}

func isGitHash(s string) bool {
	letter := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
		case c >= 'a' && c <= 'f':
			letter = true
		default:
			return false
		}
	}
	return letter
}
