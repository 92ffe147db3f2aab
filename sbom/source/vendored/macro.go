package vendored

import (
	"bytes"
	"strconv"
	"strings"
)

// Define is one object-like macro definition read from a C header:
// "#define NAME value". Function-like macros ("#define F(x) ...") are
// skipped: no version macro the rules use takes arguments.
type Define struct {
	Name  string
	Value string // the replacement text, comments removed, spaces collapsed
	Line  int    // 1-based line of the "#define"
}

// Limits of ParseDefines, so that a hostile "header" cannot make the
// parser do unbounded work or keep unbounded memory.
const (
	// maxDefines is the largest number of definitions kept per file.
	maxDefines = 20000
	// maxValueLen is the longest replacement text kept; longer values are
	// cut (no version macro comes near it).
	maxValueLen = 512
	// maxLogicalLine bounds a line joined from backslash continuations.
	maxLogicalLine = 64 << 10
)

// ParseDefines returns the object-like macros DEFINED in data, in file
// order. It reads preprocessor lines only: "#define" (with any blanks
// around '#'), joining backslash-continued lines and removing /* */ and
// // comments, including block comments that span lines. A header that
// merely mentions or #includes another library's macros therefore yields
// nothing for them. Conditional compilation is not evaluated: every
// definition is reported, in order, and Lookup returns the first.
func ParseDefines(data []byte) []Define {
	var out []Define
	inComment := false // inside a /* */ comment spanning lines
	line := 0
	for len(data) > 0 && len(out) < maxDefines {
		// Read one logical line (joining continuations).
		startLine := line + 1
		var logical []byte
		for {
			var raw []byte
			if i := bytes.IndexByte(data, '\n'); i >= 0 {
				raw, data = data[:i], data[i+1:]
			} else {
				raw, data = data, nil
			}
			line++
			raw = bytes.TrimSuffix(raw, []byte{'\r'})
			cont := len(raw) > 0 && raw[len(raw)-1] == '\\'
			if cont {
				raw = raw[:len(raw)-1]
			}
			if len(logical)+len(raw) <= maxLogicalLine {
				logical = append(logical, raw...)
			}
			if !cont || len(data) == 0 {
				break
			}
			logical = append(logical, ' ')
		}
		var text []byte
		text, inComment = stripComments(logical, inComment)
		d, ok := parseDefineLine(text)
		if !ok {
			continue
		}
		d.Line = startLine
		out = append(out, d)
	}
	return out
}

// stripComments removes comments from one logical line. inComment says
// whether the line starts inside a block comment; the result says whether
// it ends inside one. String and character literals are respected so that
// "//" inside a string is kept.
func stripComments(s []byte, inComment bool) ([]byte, bool) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if inComment {
			j := bytes.Index(s[i:], []byte("*/"))
			if j < 0 {
				return out, true
			}
			i += j + 2
			inComment = false
			out = append(out, ' ')
			continue
		}
		c := s[i]
		switch {
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			inComment = true
			i += 2
		case c == '/' && i+1 < len(s) && s[i+1] == '/':
			return out, false
		case c == '"' || c == '\'':
			// Copy the literal through its closing quote.
			j := i + 1
			for j < len(s) && s[j] != c {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				j = len(s) - 1
			}
			out = append(out, s[i:j+1]...)
			i = j + 1
		default:
			out = append(out, c)
			i++
		}
	}
	return out, inComment
}

// parseDefineLine recognises "# define NAME value" in a comment-free line.
func parseDefineLine(s []byte) (Define, bool) {
	t := bytes.TrimLeft(s, " \t\f\v")
	if len(t) == 0 || t[0] != '#' {
		return Define{}, false
	}
	t = bytes.TrimLeft(t[1:], " \t")
	if !bytes.HasPrefix(t, []byte("define")) {
		return Define{}, false
	}
	t = t[len("define"):]
	if len(t) == 0 || (t[0] != ' ' && t[0] != '\t') {
		return Define{}, false
	}
	t = bytes.TrimLeft(t, " \t")
	n := 0
	for n < len(t) && isIdent(t[n], n == 0) {
		n++
	}
	if n == 0 {
		return Define{}, false
	}
	name := string(t[:n])
	rest := t[n:]
	if len(rest) > 0 && rest[0] == '(' {
		return Define{}, false // function-like macro
	}
	if len(rest) > 0 && rest[0] != ' ' && rest[0] != '\t' {
		return Define{}, false
	}
	val := strings.Join(strings.Fields(string(rest)), " ")
	if len(val) > maxValueLen {
		val = val[:maxValueLen]
	}
	return Define{Name: name, Value: val}, true
}

func isIdent(c byte, first bool) bool {
	switch {
	case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		return true
	case c >= '0' && c <= '9':
		return !first
	}
	return false
}

// defines indexes the first definition of each name.
type defines map[string]Define

func indexDefines(ds []Define) defines {
	m := make(defines, len(ds))
	for _, d := range ds {
		if _, dup := m[d.Name]; !dup {
			m[d.Name] = d
		}
	}
	return m
}

// StringValue returns the C string a macro value denotes: one or more
// adjacent string literals ("a" "b" -> "ab"), possibly in parentheses.
// ok is false when the value is not only string literals.
func StringValue(v string) (string, bool) {
	v = strings.TrimSpace(unparen(v))
	if v == "" || v[0] != '"' {
		return "", false
	}
	var b strings.Builder
	for v != "" {
		if v[0] != '"' {
			return "", false
		}
		j := 1
		for j < len(v) && v[j] != '"' {
			if v[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(v) {
			return "", false // unterminated
		}
		b.WriteString(v[1:j])
		v = strings.TrimSpace(v[j+1:])
	}
	return b.String(), true
}

// IntValue returns the integer a macro value denotes: a decimal, hex
// (0x) or octal literal with optional U/L suffixes, possibly in
// parentheses or with a cast-free unary plus, e.g. "(0x02U)", "10", "5UL".
func IntValue(v string) (uint64, bool) {
	v = strings.TrimSpace(unparen(v))
	v = strings.TrimPrefix(v, "+")
	v = strings.TrimRight(v, "uUlL")
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseUint(v, 0, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

// unparen removes balanced outer parentheses: "((2U))" -> "2U".
func unparen(v string) string {
	for {
		v = strings.TrimSpace(v)
		if len(v) < 2 || v[0] != '(' || v[len(v)-1] != ')' {
			return v
		}
		// The outer pair must match each other.
		depth := 0
		for i := 0; i < len(v); i++ {
			switch v[i] {
			case '(':
				depth++
			case ')':
				depth--
				if depth == 0 && i != len(v)-1 {
					return v
				}
			}
		}
		v = v[1 : len(v)-1]
	}
}

// Assignment is one "NAME = value" line of a make-style file (Zephyr's
// VERSION file).
func parseAssignments(data []byte) []Define {
	var out []Define
	for i, raw := range bytes.Split(data, []byte{'\n'}) {
		if len(out) >= maxDefines {
			break
		}
		s := strings.TrimSpace(string(raw))
		if s == "" || s[0] == '#' {
			continue
		}
		name, val, ok := strings.Cut(s, "=")
		if !ok {
			continue
		}
		name = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(name, ":"), "?"))
		valid := name != ""
		for j := 0; j < len(name); j++ {
			if !isIdent(name[j], j == 0) {
				valid = false
				break
			}
		}
		if !valid {
			continue
		}
		val = strings.TrimSpace(val)
		if len(val) > maxValueLen {
			val = val[:maxValueLen]
		}
		out = append(out, Define{Name: name, Value: val, Line: i + 1})
	}
	return out
}
