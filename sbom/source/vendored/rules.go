package vendored

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/premarket/premarket/sbom"
)

//go:embed rules.json
var rulesJSON []byte

// Rule says how to recognise one library copied into a source tree from
// the version macros in its own headers. The embedded table (rules.json)
// is built from the "version macro" and "where it comes from in source"
// columns of the project's embedded-component reference.
type Rule struct {
	// ID is the stable rule name, e.g. "mbedtls".
	ID string `json:"id"`
	// Name is the component name. "{w}" is replaced by the text the
	// wildcard of the matching file path stood for ("stm32{w}xx-hal-driver").
	Name string `json:"name"`
	// Type is the CycloneDX component type; "library" when empty.
	Type     string `json:"type,omitempty"`
	Supplier string `json:"supplier,omitempty"`
	// CPE is the NVD vendor and product, when one is in common use.
	CPE *RuleCPE `json:"cpe,omitempty"`
	// PURL is the package URL without version; "{w}" as in Name.
	PURL string `json:"purl"`
	// Files lists the files that carry the version, most specific first.
	Files []FileSpec `json:"files"`
}

// RuleCPE is a CPE 2.3 part, vendor and product.
type RuleCPE struct {
	Part    string `json:"part"`
	Vendor  string `json:"vendor"`
	Product string `json:"product"`
}

// FileSpec is one file that carries a library's version.
type FileSpec struct {
	// Path is the file's path relative to the library root, slash
	// separated. Its base name may hold one "*", whose match is the
	// rule's {w} (and {W} in upper case). A file matches when its path in
	// the tree ends with Path at a directory boundary; the library root
	// is what precedes.
	Path string `json:"path"`
	// Syntax is how the file is read: "c" (default: #define lines),
	// "assign" (make-style NAME = value lines) or "line" (the first
	// non-empty line is the value).
	Syntax string `json:"syntax,omitempty"`
	// Require lists macros that must be defined in the file.
	Require []string `json:"require,omitempty"`
	// Companions are paths relative to the library root of which at
	// least one must exist: they tell a library's source from a lone
	// copy of its header.
	Companions []string `json:"companions,omitempty"`
	// Versions are the ways to assemble the version, tried in order.
	Versions []VersionSpec `json:"versions"`
}

// VersionSpec assembles a version from macros. Exactly one of String,
// Parts, Hex, Table or Line is set.
type VersionSpec struct {
	// String names a macro whose value is a C string literal. With Token,
	// an unquoted token is accepted too.
	String string `json:"string,omitempty"`
	Token  bool   `json:"token,omitempty"`
	// Pattern, for String and Line, is a regular expression whose first
	// group is the version.
	Pattern string `json:"pattern,omitempty"`
	// Parts names integer macros joined with ".".
	Parts []string `json:"parts,omitempty"`
	// Suffix appends text chosen by another macro's value.
	Suffix *SuffixSpec `json:"suffix,omitempty"`
	// Hex names one integer macro decoded into fields [shift, width],
	// joined with "." (LittleFS 0x00020009 -> 2.9).
	Hex    string   `json:"hex,omitempty"`
	Fields [][2]int `json:"fields,omitempty"`
	// Table names an integer macro whose value maps to a release name
	// (FatFs revision IDs). Banner, a regular expression on the file's
	// first 4 KiB, is the fallback when the ID is not in Values.
	Table  string            `json:"table,omitempty"`
	Values map[string]string `json:"values,omitempty"`
	Banner string            `json:"banner,omitempty"`
	// Line takes the first non-empty line of the file.
	Line bool `json:"line,omitempty"`

	pattern, banner *regexp.Regexp
}

// SuffixSpec maps a macro's value (integers as decimal) to a suffix;
// values not in Map use Default with "{v}" replaced by the value.
type SuffixSpec struct {
	Macro   string            `json:"macro"`
	Map     map[string]string `json:"map"`
	Default string            `json:"default"`
}

// Table is a parsed and indexed rule table.
type Table struct {
	rules []Rule
	// byBase indexes file specs by exact base name; wild holds specs
	// whose base name has a wildcard.
	byBase map[string][]specRef
	wild   []specRef
}

type specRef struct {
	rule, file int
	prefix     string // wildcard base: text before "*"
	suffix     string // text after "*"
}

var defaultOnce = sync.OnceValues(func() (*Table, error) { return ParseRules(rulesJSON) })

// DefaultRules returns the embedded rule table. It panics only if the
// embedded file is malformed, which the package tests rule out.
func DefaultRules() *Table {
	t, err := defaultOnce()
	if err != nil {
		panic("sbom/source/vendored: embedded rules.json: " + err.Error())
	}
	return t
}

// Rules returns a copy of the table's rules.
func (t *Table) Rules() []Rule { return append([]Rule(nil), t.rules...) }

// ParseRules reads and checks a rule table in the rules.json format.
func ParseRules(data []byte) (*Table, error) {
	var rules []Rule
	if err := json.Unmarshal(data, &rules); err != nil {
		return nil, err
	}
	t := &Table{rules: rules, byBase: map[string][]specRef{}}
	ids := map[string]bool{}
	for i := range rules {
		r := &rules[i]
		where := fmt.Sprintf("rule %d (%s)", i, r.ID)
		if r.ID == "" || r.Name == "" || r.PURL == "" || len(r.Files) == 0 {
			return nil, fmt.Errorf("%s: id, name, purl and files are required", where)
		}
		if ids[r.ID] {
			return nil, fmt.Errorf("%s: duplicate id", where)
		}
		ids[r.ID] = true
		if !strings.HasPrefix(r.PURL, "pkg:") || strings.ContainsAny(r.PURL, "@?#") {
			return nil, fmt.Errorf("%s: purl %q must be pkg:type/... without version, qualifiers or subpath", where, r.PURL)
		}
		if r.CPE != nil && (r.CPE.Part == "" || r.CPE.Vendor == "" || r.CPE.Product == "") {
			return nil, fmt.Errorf("%s: cpe needs part, vendor and product", where)
		}
		switch sbom.ComponentType(r.Type) {
		case "", sbom.TypeLibrary, sbom.TypeOperatingSystem, sbom.TypeFramework, sbom.TypeFirmware, sbom.TypeApplication:
		default:
			return nil, fmt.Errorf("%s: type %q not supported", where, r.Type)
		}
		for j := range r.Files {
			f := &r.Files[j]
			fw := fmt.Sprintf("%s file %d (%s)", where, j, f.Path)
			if f.Path == "" || strings.HasPrefix(f.Path, "/") || f.Path == ".." || strings.HasPrefix(f.Path, "../") || strings.Contains(f.Path, "\\") || path.Clean(f.Path) != f.Path {
				return nil, fmt.Errorf("%s: path must be a clean relative slash path", fw)
			}
			dir, base := path.Split(f.Path)
			if strings.Contains(dir, "*") || strings.Count(base, "*") > 1 {
				return nil, fmt.Errorf("%s: only the base name may hold one \"*\"", fw)
			}
			switch f.Syntax {
			case "", "c", "assign", "line":
			default:
				return nil, fmt.Errorf("%s: syntax %q is not c, assign or line", fw, f.Syntax)
			}
			if len(f.Versions) == 0 {
				return nil, fmt.Errorf("%s: no versions", fw)
			}
			for k := range f.Versions {
				if err := f.Versions[k].compile(); err != nil {
					return nil, fmt.Errorf("%s version %d: %w", fw, k, err)
				}
			}
			ref := specRef{rule: i, file: j}
			if pre, suf, wild := strings.Cut(base, "*"); wild {
				ref.prefix, ref.suffix = pre, suf
				t.wild = append(t.wild, ref)
			} else {
				t.byBase[base] = append(t.byBase[base], ref)
			}
		}
	}
	return t, nil
}

func (v *VersionSpec) compile() error {
	n := 0
	for _, set := range []bool{v.String != "", len(v.Parts) > 0, v.Hex != "", v.Table != "", v.Line} {
		if set {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("exactly one of string, parts, hex, table, line must be set")
	}
	if v.Hex != "" {
		if len(v.Fields) == 0 {
			return fmt.Errorf("hex needs fields")
		}
		for _, f := range v.Fields {
			if f[0] < 0 || f[1] <= 0 || f[0]+f[1] > 64 {
				return fmt.Errorf("hex field %v out of range", f)
			}
		}
	}
	var err error
	if v.Pattern != "" {
		if v.pattern, err = regexp.Compile(v.Pattern); err != nil {
			return err
		}
		if v.pattern.NumSubexp() < 1 {
			return fmt.Errorf("pattern %q has no group", v.Pattern)
		}
	}
	if v.Banner != "" {
		if v.banner, err = regexp.Compile(v.Banner); err != nil {
			return err
		}
		if v.banner.NumSubexp() < 1 {
			return fmt.Errorf("banner %q has no group", v.Banner)
		}
	}
	if v.Suffix != nil && v.Suffix.Macro == "" {
		return fmt.Errorf("suffix needs a macro")
	}
	return nil
}

// candidate is a file of the tree that a file spec matches by path.
type candidate struct {
	rule, file int
	rel        string // file path relative to the scan root
	root       string // library root relative to the scan root ("" = scan root)
	wild       string // what "*" matched
}

// match returns the specs whose path the file at rel (slash separated,
// relative to the scan root) ends with; at most one spec per rule, the
// first listed.
func (t *Table) match(rel string) []candidate {
	base := path.Base(rel)
	var out []candidate
	seen := map[int]bool(nil)
	try := func(ref specRef, wild string) {
		if seen[ref.rule] {
			return
		}
		spec := t.rules[ref.rule].Files[ref.file].Path
		if ref.prefix != "" || ref.suffix != "" {
			spec = path.Dir(spec) + "/" + base
			if path.Dir(t.rules[ref.rule].Files[ref.file].Path) == "." {
				spec = base
			}
		}
		var root string
		switch {
		case rel == spec:
			root = ""
		case strings.HasSuffix(rel, "/"+spec):
			root = rel[:len(rel)-len(spec)-1]
		default:
			return
		}
		if seen == nil {
			seen = map[int]bool{}
		}
		seen[ref.rule] = true
		out = append(out, candidate{rule: ref.rule, file: ref.file, rel: rel, root: root, wild: wild})
	}
	for _, ref := range t.byBase[base] {
		try(ref, "")
	}
	for _, ref := range t.wild {
		if len(base) > len(ref.prefix)+len(ref.suffix) && strings.HasPrefix(base, ref.prefix) && strings.HasSuffix(base, ref.suffix) {
			w := base[len(ref.prefix) : len(base)-len(ref.suffix)]
			if validWild(w) {
				try(ref, w)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].rule < out[j].rule })
	return out
}

// validWild accepts a short run of letters and digits ("f4", "h7rs").
func validWild(w string) bool {
	if len(w) == 0 || len(w) > 8 {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// expand replaces {w} and {W} by the wildcard text.
func expand(s, w string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	return strings.NewReplacer("{w}", strings.ToLower(w), "{W}", strings.ToUpper(w)).Replace(s)
}

// evidence is what a version was read from.
type evidence struct {
	Macros []string // "NAME=value" as written
	Line   int      // line of the first macro used
}

// version assembles the version of spec from the file's content. ok is
// false when no version spec applies.
func (v *VersionSpec) version(defs defines, head []byte, w string) (string, evidence, bool) {
	var ev evidence
	use := func(d Define) {
		ev.Macros = append(ev.Macros, d.Name+"="+d.Value)
		if ev.Line == 0 || (d.Line > 0 && d.Line < ev.Line) {
			ev.Line = d.Line
		}
	}
	switch {
	case v.Line:
		d, ok := defs[lineKey]
		if !ok {
			return "", ev, false
		}
		s := d.Value
		if v.pattern != nil {
			m := v.pattern.FindStringSubmatch(s)
			if m == nil {
				return "", ev, false
			}
			s = m[1]
		}
		use(d)
		return s, ev, true
	case v.String != "":
		d, ok := defs[expand(v.String, w)]
		if !ok {
			return "", ev, false
		}
		s, isStr := StringValue(defs.resolve(d).Value)
		if !isStr {
			if !v.Token || strings.ContainsAny(d.Value, " \t\"()") {
				return "", ev, false
			}
			s = d.Value
		}
		if v.pattern != nil {
			m := v.pattern.FindStringSubmatch(s)
			if m == nil {
				return "", ev, false
			}
			s = m[1]
		}
		use(d)
		return s, ev, true
	case len(v.Parts) > 0:
		parts := make([]string, 0, len(v.Parts))
		for _, name := range v.Parts {
			d, ok := defs[expand(name, w)]
			if !ok {
				return "", ev, false
			}
			n, ok := IntValue(defs.resolve(d).Value)
			if !ok {
				return "", ev, false
			}
			use(d)
			parts = append(parts, strconv.FormatUint(n, 10))
		}
		s := strings.Join(parts, ".")
		if v.Suffix != nil {
			if d, ok := defs[expand(v.Suffix.Macro, w)]; ok {
				val := defs.resolve(d).Value
				if n, ok := IntValue(val); ok {
					val = strconv.FormatUint(n, 10)
				} else if sv, ok := StringValue(val); ok {
					val = sv
				}
				suf, mapped := v.Suffix.Map[val]
				if !mapped {
					suf = strings.ReplaceAll(v.Suffix.Default, "{v}", val)
				}
				use(d)
				s += suf
			}
		}
		return s, ev, true
	case v.Hex != "":
		d, ok := defs[expand(v.Hex, w)]
		if !ok {
			return "", ev, false
		}
		n, ok := IntValue(d.Value)
		if !ok {
			return "", ev, false
		}
		parts := make([]string, 0, len(v.Fields))
		for _, f := range v.Fields {
			x := (n >> uint(f[0])) & (1<<uint(f[1]) - 1)
			parts = append(parts, strconv.FormatUint(x, 10))
		}
		use(d)
		return strings.Join(parts, "."), ev, true
	case v.Table != "":
		d, ok := defs[expand(v.Table, w)]
		if !ok {
			return "", ev, false
		}
		use(d)
		if n, ok := IntValue(d.Value); ok {
			if rel, ok := v.Values[strconv.FormatUint(n, 10)]; ok {
				return rel, ev, true
			}
		}
		if v.banner != nil {
			if m := v.banner.FindSubmatch(head); m != nil {
				ev.Macros = append(ev.Macros, "banner="+string(m[1]))
				return string(m[1]), ev, true
			}
		}
		// The ID is known to be this library's, but not which release.
		return "", ev, true
	}
	return "", ev, false
}

// resolve follows a value that is only the name of another defined macro
// ("#define LWIP_VERSION_RC LWIP_RC_RELEASE"), at most 8 steps.
func (m defines) resolve(d Define) Define {
	for i := 0; i < 8; i++ {
		v := unparen(d.Value)
		if v == "" || !isIdent(v[0], true) || strings.ContainsAny(v, " \t") {
			return d
		}
		next, ok := m[v]
		if !ok || next.Name == d.Name {
			return d
		}
		d = Define{Name: d.Name, Value: next.Value, Line: d.Line}
	}
	return d
}

// lineKey is the pseudo-macro under which "line" syntax stores the line.
const lineKey = "\x00line"
