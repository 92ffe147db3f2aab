package platformio

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/premarket/premarket/sbom/source/mcu/internal/common"
)

// Limits of the INI reader.
const (
	// MaxSections bounds the sections of one platformio.ini.
	MaxSections = 10_000
	// MaxInterpolationDepth bounds nested ${section.option} references.
	MaxInterpolationDepth = 32
	// MaxExpandedBytes bounds the text interpolation may produce for one
	// file, so references that double at every level cannot exhaust
	// memory.
	MaxExpandedBytes = 16 << 20
)

// item is one line of an option's value with the line it was read from.
type item struct {
	text string
	line int
}

type option struct {
	name   string
	line   int
	values []item // the text after "=" and each continuation line
}

type section struct {
	name  string
	line  int
	opts  map[string]*option
	order []string
}

// config is a parsed platformio.ini: Python configparser's syntax as
// PlatformIO configures it (delimiters "=" and ":", full-line comments
// starting with ";" or "#", inline comments starting with ";" or "#"
// after whitespace, values continued on more-indented lines, option
// names lower-cased, duplicate sections and options are errors).
type config struct {
	file     string
	sections map[string]*section
	order    []string
	budget   int // bytes interpolation may still produce
}

// parseINI reads data (already checked by common.CheckText).
func parseINI(file string, data []byte) (*config, error) {
	c := &config{file: file, sections: map[string]*section{}, budget: MaxExpandedBytes}
	var cur *section
	var opt *option
	optIndent := 0
	for i, raw := range strings.Split(string(data), "\n") {
		ln := i + 1
		raw = strings.TrimSuffix(raw, "\r")
		text := stripInlineComment(raw)
		trimmed := strings.TrimSpace(text)
		if t := strings.TrimSpace(raw); t == "" || t[0] == ';' || t[0] == '#' {
			continue // blank and comment lines never end a value
		}
		indent := len(text) - len(strings.TrimLeft(text, " \t"))
		if opt != nil && indent > optIndent {
			if trimmed != "" {
				opt.values = append(opt.values, item{trimmed, ln})
			}
			continue
		}
		opt = nil
		if strings.HasPrefix(trimmed, "[") {
			end := strings.IndexByte(trimmed, ']')
			if end < 0 {
				return nil, common.Errf(human, file, ln, "section header %q has no closing ]", common.Clip(trimmed))
			}
			name := strings.TrimSpace(trimmed[1:end])
			if name == "" {
				return nil, common.Errf(human, file, ln, "empty section name")
			}
			if prev, dup := c.sections[name]; dup {
				return nil, common.Errf(human, file, ln, "section [%s] already defined at line %d", name, prev.line)
			}
			if len(c.sections) >= MaxSections {
				return nil, common.Errf(human, file, ln, "more than %d sections", MaxSections)
			}
			cur = &section{name: name, line: ln, opts: map[string]*option{}}
			c.sections[name] = cur
			c.order = append(c.order, name)
			continue
		}
		if cur == nil {
			return nil, common.Errf(human, file, ln, "option before the first [section]: %q", common.Clip(trimmed))
		}
		d := strings.IndexAny(trimmed, "=:")
		if d <= 0 {
			return nil, common.Errf(human, file, ln, "want \"option = value\", got %q", common.Clip(trimmed))
		}
		key := strings.ToLower(strings.TrimSpace(trimmed[:d]))
		if prev, dup := cur.opts[key]; dup {
			return nil, common.Errf(human, file, ln, "[%s] option %q already set at line %d", cur.name, key, prev.line)
		}
		opt = &option{name: key, line: ln}
		optIndent = indent
		if v := strings.TrimSpace(trimmed[d+1:]); v != "" {
			opt.values = append(opt.values, item{v, ln})
		}
		cur.opts[key] = opt
		cur.order = append(cur.order, key)
	}
	return c, nil
}

// stripInlineComment cuts s at the first ";" or "#" that follows
// whitespace (configparser's inline_comment_prefixes), so that
// "https://host/repo.git#v1.0" keeps its fragment.
func stripInlineComment(s string) string {
	for i := 1; i < len(s); i++ {
		if (s[i] == ';' || s[i] == '#') && (s[i-1] == ' ' || s[i-1] == '\t') {
			return s[:i]
		}
	}
	return s
}

// walk returns the sections an option of root is looked up in, in
// PlatformIO's order (ProjectConfig.walk_options): the section itself,
// then the sections its "extends" names, the last named first, each
// followed by what it extends in turn, and finally, for "env:NAME"
// sections, the common [env] section.
func (c *config) walk(root string) []*section {
	stack := []string{root}
	if strings.HasPrefix(root, "env:") {
		stack = []string{"env", root}
	}
	var out []*section
	seen := map[string]bool{}
	for len(stack) > 0 {
		name := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[name] {
			continue
		}
		seen[name] = true
		s := c.sections[name]
		if s == nil {
			continue
		}
		out = append(out, s)
		if ext := s.opts["extends"]; ext != nil {
			for _, it := range splitMulti(ext.values) {
				stack = append(stack, strings.TrimSpace(it.text))
			}
		}
	}
	return out
}

// lookup finds option name for section root (see walk).
func (c *config) lookup(root, name string) (*option, *section) {
	for _, s := range c.walk(root) {
		if o := s.opts[name]; o != nil {
			return o, s
		}
	}
	return nil, nil
}

// refRe matches PlatformIO's ${section.option} and ${option} references.
var refRe = regexp.MustCompile(`\$\{(?:([^.}()]+)\.)?([^}]+)\}`)

// get returns the value of option name as seen from section root, with
// references to other options of the file expanded. env is the
// environment being built ("" outside one): ${this.x} refers to it and
// ${this.__env__} is its name. References the file cannot answer
// (${sysenv.X}, PlatformIO's built-in ${platformio.packages_dir}, unknown
// options) are left in the text.
func (c *config) get(root, name, env string) ([]item, error) {
	return c.expand(root, name, env, 0)
}

func (c *config) expand(root, name, env string, depth int) ([]item, error) {
	o, _ := c.lookup(root, name)
	if o == nil {
		return nil, nil
	}
	if depth > MaxInterpolationDepth {
		return nil, common.Errf(human, c.file, o.line, "option %q: references nested more than %d deep (a reference cycle?)", name, MaxInterpolationDepth)
	}
	var out []item
	for _, v := range o.values {
		if err := c.spend(len(v.text), v.line); err != nil {
			return nil, err
		}
		if !strings.Contains(v.text, "${") {
			out = append(out, v)
			continue
		}
		// A value line that is one reference keeps the referenced lines'
		// own line numbers.
		if m := refRe.FindStringSubmatchIndex(v.text); m != nil && m[0] == 0 && m[1] == len(v.text) {
			sec := ""
			if m[2] >= 0 {
				sec = v.text[m[2]:m[3]]
			}
			sub, ok, err := c.ref(sec, v.text[m[4]:m[5]], root, env, depth)
			if err != nil {
				return nil, err
			}
			if ok {
				for _, s := range sub {
					if err := c.spend(len(s.text), v.line); err != nil {
						return nil, err
					}
				}
				out = append(out, sub...)
				continue
			}
		}
		var ferr error
		text := refRe.ReplaceAllStringFunc(v.text, func(ref string) string {
			m := refRe.FindStringSubmatch(ref)
			sub, ok, err := c.ref(m[1], m[2], root, env, depth)
			if err != nil && ferr == nil {
				ferr = err
			}
			if !ok {
				return ref
			}
			parts := make([]string, len(sub))
			for i, s := range sub {
				parts[i] = s.text
			}
			return strings.Join(parts, "\n")
		})
		if ferr != nil {
			return nil, ferr
		}
		if err := c.spend(len(text), v.line); err != nil {
			return nil, err
		}
		for _, t := range strings.Split(text, "\n") {
			if t = strings.TrimSpace(t); t != "" {
				out = append(out, item{t, v.line})
			}
		}
	}
	return out, nil
}

// ref resolves one reference; ok is false when the file cannot answer it.
func (c *config) ref(sec, opt, root, env string, depth int) ([]item, bool, error) {
	opt = strings.ToLower(strings.TrimSpace(opt))
	switch sec {
	case "", "this":
		sec = root
		if env != "" {
			sec = "env:" + env
		}
		if opt == "__env__" && env != "" {
			return []item{{env, 0}}, true, nil
		}
	case "sysenv":
		return nil, false, nil
	}
	if o, _ := c.lookup(sec, opt); o == nil {
		return nil, false, nil
	}
	sub, err := c.expand(sec, opt, env, depth+1)
	return sub, err == nil, err
}

func (c *config) spend(n, line int) error {
	c.budget -= n + 64 // every value costs something, even an empty one
	if c.budget < 0 {
		return common.Errf(human, c.file, line, "interpolation produces more than %d bytes", MaxExpandedBytes)
	}
	return nil
}

// splitMulti splits a multi-value option as PlatformIO's
// parse_multi_values does: one value per line, or, when the value is a
// single line, values separated by ", "; anything after ";" in a value is
// a comment.
func splitMulti(items []item) []item {
	if len(items) == 1 {
		var out []item
		for _, p := range strings.Split(items[0].text, ", ") {
			out = appendValue(out, item{p, items[0].line})
		}
		return out
	}
	var out []item
	for _, it := range items {
		out = appendValue(out, it)
	}
	return out
}

func appendValue(out []item, it item) []item {
	t := strings.TrimSpace(it.text)
	if t == "" || t[0] == ';' || t[0] == '#' {
		return out
	}
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	if t == "" {
		return out
	}
	return append(out, item{t, it.line})
}

// single returns a single-valued option: its first value line.
func single(items []item) item {
	if len(items) == 0 {
		return item{}
	}
	return items[0]
}

func (it item) String() string { return fmt.Sprintf("%q@%d", it.text, it.line) }
