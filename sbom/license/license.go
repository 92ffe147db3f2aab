// Package license turns the licence text that build systems write
// (Yocto's LICENSE variable, Buildroot's <PKG>_LICENSE) into SPDX licence
// expressions.
//
// Build systems predate SPDX or use it loosely: Yocto writes "GPLv2+ &
// LGPLv2.1", Buildroot "GPL-2.0+ (programs), LGPL-2.1+ (libraries)". Normalize
// rewrites such text into a valid SPDX expression when every part of it
// can be mapped with confidence, and otherwise keeps the text verbatim as a
// named licence. It never drops what the input declared: the original text
// is always returned in License.Declared.
//
// # Mapping rules
//
//   - Operators: "&", "and" -> AND; "|", "or" -> OR; "with" -> WITH.
//     Buildroot's comma-separated list is a conjunction of its items; the
//     comma binds more loosely than "or", so "A or B, C" becomes
//     "(A OR B) AND C".
//   - Buildroot's "Dual A/B" means "A OR B".
//   - A parenthesised group written directly after a licence, such as
//     "GPL-2.0+ (programs)" or "ISC (rfkill)", is a Buildroot annotation
//     saying which part of the package the licence covers. It is dropped
//     from the expression (the AND of all parts already covers the whole
//     package) and survives in Declared. A group after an operator or at
//     the start is ordinary grouping.
//   - Old version spellings: "GPLv2" -> GPL-2.0-only, "GPLv2+" ->
//     GPL-2.0-or-later, "LGPLv2.1" -> LGPL-2.1-only, "MPL-1" -> MPL-1.0,
//     "Artistic-1" -> Artistic-1.0, "PSFv2" -> PSF-2.0. Deprecated SPDX ids
//     are replaced by their successors: "GPL-2.0" -> GPL-2.0-only,
//     "GPL-2.0+" -> GPL-2.0-or-later, "GPL-3.0-with-GCC-exception" ->
//     "GPL-3.0-only WITH GCC-exception-3.1".
//   - Case is corrected ("openssl" -> OpenSSL).
//   - Yocto names for a specific licence text that SPDX does not list
//     become LicenseRef ids: CLOSED and Proprietary ->
//     LicenseRef-Proprietary; PD and "Public Domain" -> LicenseRef-PD;
//     licence files "LICENCE.xxx"/"LICENSE.xxx" and linux-firmware's
//     "Firmware-xxx" -> LicenseRef-<name> (characters SPDX does not allow
//     in an id become "-"). This follows oe-core's create-spdx, which also
//     writes LicenseRef-<name> for such names.
//   - Ambiguous family names are NOT invented into ids: "BSD" (which
//     clause count?), "MIT-style", "GPL" without a version, "others",
//     free text such as "MIT with advertising clause" or "pkgconf license".
//     When any part of the text is like this, the whole text is kept as
//     License.Name.
//   - "unknown" (Buildroot's value for an unset licence) and NOASSERTION
//     are kept as License.Name: NTIA's minimum elements allow an author to
//     state that a licence is unknown, and writers map a License without
//     Expression to NOASSERTION where the format needs it.
//
// The result expression is validated with github.com/github/go-spdx; an
// expression that does not validate is never returned.
package license

import (
	"strings"

	"github.com/github/go-spdx/v2/spdxexp"
	"github.com/github/go-spdx/v2/spdxexp/spdxlicenses"

	"github.com/premarket/premarket/sbom"
)

// Limits on the declared text. Longer or deeper text is kept verbatim as
// a named licence without being translated, which bounds the work done on
// untrusted input.
const (
	// MaxDeclaredLen is the longest declared text that is translated.
	MaxDeclaredLen = 8192
	// maxTokens bounds the number of tokens of one declared text.
	maxTokens = 1024
	// maxDepth bounds parenthesis nesting.
	maxDepth = 32
)

// Normalize maps a build system's licence text to an sbom.License.
//
// The returned License has Expression set when the text maps to a valid
// SPDX expression, and Name set (to the whole trimmed text) otherwise.
// Declared always holds the trimmed input. Blank input yields the zero
// License, which callers should treat as "no licence declared".
func Normalize(declared string) sbom.License {
	d := strings.TrimSpace(declared)
	if d == "" {
		return sbom.License{}
	}
	l := sbom.License{Declared: d}
	if IsUnknown(d) || len(d) > MaxDeclaredLen {
		l.Name = d
		return l
	}
	if expr, ok := translate(d); ok && Valid(expr) {
		l.Expression = expr
		return l
	}
	l.Name = d
	return l
}

// IsUnknown reports whether text is one of the spellings build systems use
// for "no licence information": unknown, NOASSERTION, NONE.
func IsUnknown(text string) bool {
	t := strings.TrimSpace(text)
	return strings.EqualFold(t, "unknown") || strings.EqualFold(t, "NOASSERTION") || strings.EqualFold(t, "NONE")
}

// Valid reports whether expr is a valid SPDX licence expression without
// deprecated licence ids.
func Valid(expr string) bool {
	if strings.TrimSpace(expr) == "" {
		return false
	}
	ok, _ := spdxexp.ValidateLicensesWithOptions([]string{expr}, spdxexp.ValidateLicensesOptions{FailDeprecatedLicenses: true})
	return ok
}

// Cache memoises Normalize for one reader run. Build outputs repeat the
// same few dozen licence strings thousands of times; a Cache makes each
// distinct string cost one translation. A Cache is not safe for
// concurrent use; create one per Read call.
type Cache struct {
	m map[string]sbom.License
}

// NewCache returns an empty Cache.
func NewCache() *Cache { return &Cache{m: make(map[string]sbom.License)} }

// Normalize is Normalize(declared), memoised.
func (c *Cache) Normalize(declared string) sbom.License {
	if l, ok := c.m[declared]; ok {
		return l
	}
	l := Normalize(declared)
	if len(c.m) < 1<<16 {
		c.m[declared] = l
	}
	return l
}

type tokKind uint8

const (
	tWord tokKind = iota
	tAnd
	tOr
	tWith
	tComma
	tLParen
	tRParen
)

type token struct {
	kind tokKind
	text string
}

// tokenize splits declared text into words, operators, commas and
// parentheses. ok is false when the text is too long in tokens.
func tokenize(s string) ([]token, bool) {
	var toks []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch c {
		case ' ', '\t', '\n', '\r', '\v', '\f':
			i++
			continue
		case '&':
			toks = append(toks, token{kind: tAnd})
			i++
		case '|':
			toks = append(toks, token{kind: tOr})
			i++
		case ',', ';':
			toks = append(toks, token{kind: tComma})
			i++
		case '(':
			toks = append(toks, token{kind: tLParen})
			i++
		case ')':
			toks = append(toks, token{kind: tRParen})
			i++
		default:
			j := i
			for j < len(s) && !isDelim(s[j]) {
				j++
			}
			w := s[i:j]
			switch {
			case strings.EqualFold(w, "and"):
				toks = append(toks, token{kind: tAnd})
			case strings.EqualFold(w, "or"):
				toks = append(toks, token{kind: tOr})
			case strings.EqualFold(w, "with"):
				toks = append(toks, token{kind: tWith})
			default:
				toks = append(toks, token{kind: tWord, text: w})
			}
			i = j
		}
		if len(toks) > maxTokens {
			return nil, false
		}
	}
	return toks, true
}

func isDelim(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\v', '\f', '&', '|', ',', ';', '(', ')':
		return true
	}
	return false
}

// translate rewrites declared text into an SPDX expression. ok is false
// when some part cannot be mapped with confidence.
func translate(s string) (string, bool) {
	toks, ok := tokenize(s)
	if !ok || len(toks) == 0 {
		return "", false
	}
	// Buildroot "Dual A/B": drop "Dual", split words on "/" into OR.
	if toks[0].kind == tWord && strings.EqualFold(toks[0].text, "dual") && len(toks) > 1 {
		var out []token
		for _, t := range toks[1:] {
			if t.kind != tWord || !strings.Contains(t.text, "/") {
				out = append(out, t)
				continue
			}
			for k, part := range strings.Split(t.text, "/") {
				if k > 0 {
					out = append(out, token{kind: tOr})
				}
				if part == "" {
					return "", false
				}
				out = append(out, token{kind: tWord, text: part})
			}
		}
		toks = out
	}
	toks, ok = dropAnnotations(toks)
	if !ok {
		return "", false
	}
	return emit(toks)
}

// dropAnnotations removes parenthesised groups that directly follow a
// licence word or a closing parenthesis: Buildroot's "(programs)" notes.
func dropAnnotations(toks []token) ([]token, bool) {
	out := toks[:0:0]
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind == tLParen && len(out) > 0 && (out[len(out)-1].kind == tWord || out[len(out)-1].kind == tRParen) {
			depth := 0
			j := i
			for ; j < len(toks); j++ {
				if toks[j].kind == tLParen {
					depth++
				} else if toks[j].kind == tRParen {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			if j == len(toks) {
				return nil, false // unterminated annotation
			}
			i = j
			continue
		}
		out = append(out, t)
	}
	return out, true
}

// level is one parenthesis level being emitted: its comma-separated
// segments, each a list of SPDX tokens, and whether each has a top-level OR.
type level struct {
	segs  [][]string
	hasOr []bool
}

func (l *level) add(s string) { l.segs[len(l.segs)-1] = append(l.segs[len(l.segs)-1], s) }

func newLevel() *level { return &level{segs: [][]string{nil}, hasOr: []bool{false}} }

// render joins a level's segments; with more than one segment the
// segments are ANDed and segments containing OR are parenthesised.
func (l *level) render() (string, bool) {
	if len(l.segs) == 1 {
		if len(l.segs[0]) == 0 {
			return "", false
		}
		return strings.Join(l.segs[0], " "), true
	}
	parts := make([]string, 0, len(l.segs))
	for i, seg := range l.segs {
		if len(seg) == 0 {
			return "", false
		}
		p := strings.Join(seg, " ")
		if l.hasOr[i] {
			p = "(" + p + ")"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " AND "), true
}

// emit maps words to SPDX ids and operators to SPDX operators.
func emit(toks []token) (string, bool) {
	stack := []*level{newLevel()}
	afterWith := false
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		cur := stack[len(stack)-1]
		switch t.kind {
		case tAnd:
			cur.add("AND")
		case tOr:
			cur.add("OR")
			cur.hasOr[len(cur.hasOr)-1] = true
		case tWith:
			cur.add("WITH")
			afterWith = true
			continue
		case tComma:
			cur.segs = append(cur.segs, nil)
			cur.hasOr = append(cur.hasOr, false)
		case tLParen:
			if len(stack) >= maxDepth {
				return "", false
			}
			stack = append(stack, newLevel())
		case tRParen:
			if len(stack) == 1 {
				return "", false
			}
			s, ok := cur.render()
			if !ok {
				return "", false
			}
			stack = stack[:len(stack)-1]
			stack[len(stack)-1].add("(" + s + ")")
		case tWord:
			// Consecutive words form a phrase ("Public Domain").
			j := i + 1
			for j < len(toks) && toks[j].kind == tWord {
				j++
			}
			var id string
			var ok bool
			if j-i == 1 {
				if afterWith {
					id, ok = mapException(t.text)
				} else {
					id, ok = mapID(t.text)
				}
			} else if !afterWith {
				words := make([]string, 0, j-i)
				for _, w := range toks[i:j] {
					words = append(words, w.text)
				}
				id, ok = phrases[strings.ToLower(strings.Join(words, " "))]
			}
			if !ok {
				return "", false
			}
			cur.add(id)
			i = j - 1
		}
		afterWith = false
	}
	if len(stack) != 1 {
		return "", false
	}
	top := stack[0]
	if len(top.segs) == 1 && len(top.segs[0]) == 1 {
		// The whole text was one parenthesised group: drop the parentheses.
		if g := top.segs[0][0]; len(g) > 1 && g[0] == '(' {
			return g[1 : len(g)-1], true
		}
	}
	return top.render()
}

// phrases maps multi-word names (lower case) to SPDX ids.
var phrases = map[string]string{
	"public domain": "LicenseRef-PD",
}

// refs maps Yocto names (lower case) of specific, non-SPDX licence texts
// to LicenseRef ids.
var refs = map[string]string{
	"pd":                                   "LicenseRef-PD",
	"publicdomain":                         "LicenseRef-PD",
	"public-domain":                        "LicenseRef-PD",
	"proprietary":                          "LicenseRef-Proprietary",
	"closed":                               "LicenseRef-Proprietary",
	"whence":                               "LicenseRef-WHENCE",
	"elfutils-exception":                   "LicenseRef-Elfutils-Exception",
	"the-qt-company-qt-lgpl-exception-1.1": "LicenseRef-The-Qt-Company-Qt-LGPL-Exception-1.1",
	"gpl-2.0-with-lmbench-restriction":     "LicenseRef-GPL-2.0-with-lmbench-restriction",
	"iozone3":                              "LicenseRef-iozone3",
	"beerware-olszak":                      "LicenseRef-Beerware-Olszak",
}

// aliases maps other spellings (lower case, without a trailing "+") to
// SPDX ids or WITH expressions. Version spellings such as "GPLv2" are
// handled by rewriteVersion, not listed here.
var aliases = map[string]string{
	"mit-x":                            "MIT",
	"bzip2":                            "bzip2-1.0.6",
	"bzip2-1.0.4":                      "bzip2-1.0.6", // same licence text; SPDX keeps one id
	"bzip2-1.0.5":                      "bzip2-1.0.6", // deprecated in SPDX as a duplicate of 1.0.6
	"bsd-0-clause":                     "0BSD",
	"freetype":                         "FTL",
	"psf":                              "PSF-2.0",
	"gpl-2.0-with-autoconf-exception":  "GPL-2.0-only WITH Autoconf-exception-2.0",
	"gpl-3.0-with-autoconf-exception":  "GPL-3.0-only WITH Autoconf-exception-3.0",
	"gpl-2.0-with-gcc-exception":       "GPL-2.0-only WITH GCC-exception-2.0",
	"gpl-3.0-with-gcc-exception":       "GPL-3.0-only WITH GCC-exception-3.1",
	"gpl-2.0-with-classpath-exception": "GPL-2.0-only WITH Classpath-exception-2.0",
	"gpl-2.0-with-font-exception":      "GPL-2.0-only WITH Font-exception-2.0",
}

// mapID maps one licence word to an SPDX id (or a WITH expression).
func mapID(w string) (string, bool) {
	if w == "" {
		return "", false
	}
	if strings.HasPrefix(w, "LicenseRef-") || strings.HasPrefix(w, "DocumentRef-") {
		return w, validRefChars(w)
	}
	plus := strings.HasSuffix(w, "+")
	base := strings.TrimSuffix(w, "+")
	if base == "" || strings.HasSuffix(base, "+") {
		return "", false
	}
	lower := strings.ToLower(base)
	if r, ok := refs[lower]; ok {
		return r, !plus
	}
	for _, p := range []string{"licence.", "license.", "firmware-"} {
		if strings.HasPrefix(lower, p) && len(base) > len(p) {
			return "LicenseRef-" + sanitizeRef(base), !plus
		}
	}
	if a, ok := aliases[lower]; ok {
		if strings.Contains(a, " ") { // a WITH expression: no "+"
			return a, !plus
		}
		base = a
	}
	if id, ok := resolve(base, plus); ok {
		return id, true
	}
	if rw, ok := rewriteVersion(base); ok {
		return resolve(rw, plus)
	}
	return "", false
}

// resolve finds the current SPDX id for base, with "or later" when plus.
func resolve(base string, plus bool) (string, bool) {
	if plus {
		if ok, id := spdxlicenses.IsActiveLicense(base + "-or-later"); ok {
			return id, true
		}
		if strings.HasSuffix(base, "-only") || strings.HasSuffix(base, "-or-later") {
			return "", false
		}
		if ok, id := spdxlicenses.IsActiveLicense(base); ok {
			return id + "+", true
		}
		return "", false
	}
	if ok, id := spdxlicenses.IsActiveLicense(base + "-only"); ok {
		return id, true
	}
	if ok, id := spdxlicenses.IsActiveLicense(base); ok {
		return id, true
	}
	return "", false
}

// mapException maps the word after WITH to an SPDX exception id.
func mapException(w string) (string, bool) {
	if strings.HasPrefix(w, "LicenseRef-") || strings.HasPrefix(w, "AdditionRef-") {
		return w, validRefChars(w)
	}
	if ok, id := spdxlicenses.IsException(w); ok {
		return id, true
	}
	return "", false
}

// rewriteVersion turns "GPLv2" into "GPL-2.0", "LGPLv2.1" into "LGPL-2.1",
// "MPL-1" into "MPL-1.0". ok is false when base has no such version.
func rewriteVersion(base string) (string, bool) {
	j := len(base)
	for j > 0 && (isDigit(base[j-1]) || base[j-1] == '.') {
		j--
	}
	ver := base[j:]
	if ver == "" || !isDigit(ver[0]) || j < 2 {
		return "", false
	}
	var name string
	switch sep := base[j-1]; {
	case sep == '-':
		name = base[:j-1]
	case sep == 'v' || sep == 'V':
		name = base[:j-1]
		if strings.HasSuffix(name, "-") {
			name = name[:len(name)-1]
		}
	default:
		return "", false
	}
	if name == "" || !isLetter(name[len(name)-1]) {
		return "", false
	}
	if !strings.Contains(ver, ".") {
		ver += ".0"
	}
	return name + "-" + ver, true
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// sanitizeRef replaces characters SPDX does not allow in a LicenseRef id
// (anything but letters, digits, "." and "-") with "-".
func sanitizeRef(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(isLetter(c) || isDigit(c) || c == '.' || c == '-') {
			b[i] = '-'
		}
	}
	return string(b)
}

func validRefChars(s string) bool {
	i := strings.IndexByte(s, '-')
	if i < 0 || i == len(s)-1 {
		return false
	}
	return sanitizeRef(s) == s
}
