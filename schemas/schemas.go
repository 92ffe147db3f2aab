// Package schemas embeds the JSON Schemas premarket validates against (its
// own project, support-data and threat-model formats, and the official
// CycloneDX schemas) and validates YAML/JSON documents with them, reporting
// each violation with file, line and column.
//
// Schemas are compiled from the embedded files only; nothing is fetched.
package schemas

import (
	"bytes"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/premarket/premarket/yamlpos"
)

//go:embed *.json
var files embed.FS

// baseURL prefixes every embedded schema so $refs between them resolve
// offline.
const baseURL = "https://schemas.premarket.invalid/"

var (
	mu       sync.Mutex
	compiled = map[string]*jsonschema.Schema{}
)

// FS exposes the embedded schema files (for documentation and tests).
func FS() fs.FS { return files }

// Register adds schema files from another embedded tree (for example the
// CycloneDX schemas) under the given directory prefix. It must be called
// before the first Compile of a schema that refers to them.
var extra = map[string]fs.FS{}

// AddFS makes the files of fsys available under dir (e.g. "cyclonedx").
func AddFS(dir string, fsys fs.FS) {
	mu.Lock()
	defer mu.Unlock()
	extra[dir] = fsys
}

func open(name string) (io.ReadCloser, error) {
	if i := strings.IndexByte(name, '/'); i > 0 {
		if f, ok := extra[name[:i]]; ok {
			b, err := fs.ReadFile(f, name[i+1:])
			if err != nil {
				return nil, err
			}
			return io.NopCloser(bytes.NewReader(b)), nil
		}
	}
	b, err := fs.ReadFile(files, name)
	if err != nil {
		return nil, err
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

// Compile returns the compiled schema of an embedded file such as
// "premarket.schema.json" or "cyclonedx/bom-1.6.schema.json". Results are
// cached; the cache holds only immutable compiled schemas.
func Compile(name string) (*jsonschema.Schema, error) {
	mu.Lock()
	defer mu.Unlock()
	if s, ok := compiled[name]; ok {
		return s, nil
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	c.LoadURL = func(u string) (io.ReadCloser, error) {
		if !strings.HasPrefix(u, baseURL) {
			return nil, fmt.Errorf("schema %s refers to %s, which is not embedded (premarket never fetches schemas)", name, u)
		}
		return open(strings.TrimPrefix(u, baseURL))
	}
	s, err := c.Compile(baseURL + name)
	if err != nil {
		return nil, fmt.Errorf("compile embedded schema %s: %w", name, err)
	}
	compiled[name] = s
	return s, nil
}

// Violation is one schema error, located in the document.
type Violation = yamlpos.Error

// Validate checks a parsed document against an embedded schema and returns
// one located violation per failing leaf, sorted by position. A nil slice
// means the document is valid.
func Validate(schemaName string, doc *yamlpos.Doc) ([]*Violation, error) {
	s, err := Compile(schemaName)
	if err != nil {
		return nil, err
	}
	v, err := yamlpos.Value(doc.Root)
	if err != nil {
		return []*Violation{{File: doc.File, Err: err}}, nil
	}
	return ValidateValue(s, v, doc), nil
}

// ValidateValue validates an already converted value; doc locates errors.
func ValidateValue(s *jsonschema.Schema, v any, doc *yamlpos.Doc) []*Violation {
	return ValidateValueAt(s, v, doc, "")
}

// ValidateValueAt validates v, the value found at the JSON pointer prefix
// (for example "/threats/12") of a larger document, against s, typically
// a compiled sub-schema such as "threatmodel.schema.json#/$defs/threat".
// doc.Root is the node v was converted from; the violations' paths are
// those of the larger document ("threats[12].id") and their lines and
// columns are found below doc.Root. This lets a caller validate the
// elements of a long list independently (and concurrently) and still
// report exactly what validating the whole document would.
func ValidateValueAt(s *jsonschema.Schema, v any, doc *yamlpos.Doc, prefix string) []*Violation {
	err := s.Validate(v)
	if err == nil {
		return nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return []*Violation{{File: doc.File, Err: err}}
	}
	var out []*Violation
	seen := map[string]bool{}
	for _, leaf := range leaves(ve) {
		key := leaf.InstanceLocation + "\x00" + leaf.Message
		if seen[key] {
			continue
		}
		seen[key] = true
		one := *leaf
		one.InstanceLocation = prefix + unescapePointer(leaf.InstanceLocation)
		out = append(out, locateAll(locator{doc, prefix}, &one)...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Column < out[j].Column
	})
	return out
}

// unescapePointer undoes the URL path escaping jsonschema/v5 applies to
// each token of an instance location (a key "credential stuffing" arrives
// as "credential%20stuffing"), leaving a plain JSON pointer whose tokens
// use only the ~0 and ~1 escapes. A token that does not unescape is kept.
func unescapePointer(p string) string {
	if !strings.Contains(p, "%") {
		return p
	}
	toks := strings.Split(p, "/")
	for i, t := range toks {
		if u, err := url.PathUnescape(t); err == nil {
			toks[i] = u
		}
	}
	return strings.Join(toks, "/")
}

func leaves(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return []*jsonschema.ValidationError{ve}
	}
	var out []*jsonschema.ValidationError
	for _, c := range ve.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

// locateAll splits a "missing properties: 'a', 'b'" error into one
// violation per property, each named by its full field path
// ("device.softwareVersion: missing property") and placed at the object
// that lacks it; other errors pass to locate.
//
// Likewise "additionalProperties 'a', 'b' not allowed" becomes one
// unknown-field violation per key, each at its own key.
func locateAll(doc locator, leaf *jsonschema.ValidationError) []*Violation {
	const prefix = "missing properties: "
	if names, ok := additionalNames(leaf.Message); ok && len(names) > 1 {
		out := make([]*Violation, 0, len(names))
		for _, name := range names {
			one := *leaf
			one.Message = "additionalProperties " + quote(name) + " not allowed"
			out = append(out, locate(doc, &one))
		}
		return out
	}
	if !strings.HasPrefix(leaf.Message, prefix) {
		return []*Violation{locate(doc, leaf)}
	}
	var out []*Violation
	for _, name := range strings.Split(strings.TrimPrefix(leaf.Message, prefix), ", ") {
		name = strings.Trim(name, "'")
		v := &Violation{File: doc.File, Path: yamlpos.PointerToPath(leaf.InstanceLocation + "/" + name)}
		if n := yamlpos.Lookup(doc.Root, doc.rel(leaf.InstanceLocation)); n != nil {
			v.Line, v.Column = n.Line, n.Column
		}
		v.Err = fmt.Errorf("missing property (schema %s)", path.Base(leaf.KeywordLocation))
		out = append(out, v)
	}
	return out
}

// locator finds the nodes of instance locations: doc.Root is the node at
// the JSON pointer prefix, which every location it is asked about starts
// with.
type locator struct {
	*yamlpos.Doc
	prefix string
}

// rel returns a document pointer relative to the locator's root.
func (l locator) rel(ptr string) string { return strings.TrimPrefix(ptr, l.prefix) }

func locate(doc locator, leaf *jsonschema.ValidationError) *Violation {
	v := &Violation{File: doc.File, Path: yamlpos.PointerToPath(leaf.InstanceLocation)}
	msg := leaf.Message
	n := yamlpos.Lookup(doc.Root, doc.rel(leaf.InstanceLocation))
	// For an unknown key, point at the key itself.
	if strings.HasPrefix(msg, "additionalProperties") || strings.HasPrefix(msg, "unevaluatedProperties") {
		if q := quoted(msg); q != "" {
			if k := yamlpos.KeyNode(n, q); k != nil {
				n = k
				v.Path = strings.TrimPrefix(v.Path+"."+q, "(document).")
				msg = fmt.Sprintf("unknown field %q (custom fields must start with x-)", q)
			}
		}
	}
	// Draft 2020-12 "unevaluatedProperties: false" reports "not allowed" at
	// the unknown member itself; point at its key and say what to do.
	if msg == "not allowed" && path.Base(leaf.KeywordLocation) == "unevaluatedProperties" {
		if i := strings.LastIndexByte(leaf.InstanceLocation, '/'); i >= 0 {
			name := strings.ReplaceAll(strings.ReplaceAll(leaf.InstanceLocation[i+1:], "~1", "/"), "~0", "~")
			if k := yamlpos.KeyNode(yamlpos.Lookup(doc.Root, doc.rel(leaf.InstanceLocation[:i])), name); k != nil {
				n = k
			}
			msg = fmt.Sprintf("unknown field %q (custom fields must start with x-)", name)
		}
	}
	// A propertyNames error is about the key, not its value.
	if strings.Contains(leaf.KeywordLocation, "/propertyNames/") {
		if i := strings.LastIndexByte(leaf.InstanceLocation, '/'); i >= 0 {
			name := strings.ReplaceAll(strings.ReplaceAll(leaf.InstanceLocation[i+1:], "~1", "/"), "~0", "~")
			if k := yamlpos.KeyNode(yamlpos.Lookup(doc.Root, doc.rel(leaf.InstanceLocation[:i])), name); k != nil {
				n = k
			}
		}
	}
	if n != nil {
		v.Line, v.Column = n.Line, n.Column
	}
	v.Err = fmt.Errorf("%s (schema %s)", msg, path.Base(leaf.KeywordLocation))
	return v
}

// quoted returns the first single-quoted name of a message, unquoted.
func quoted(msg string) string {
	i := strings.IndexByte(msg, '\'')
	if i < 0 {
		return ""
	}
	names, _ := quotedList(msg[i:])
	if len(names) == 0 {
		return ""
	}
	return names[0]
}

// additionalNames returns the property names of an
// "additionalProperties 'a', 'b' not allowed" message.
func additionalNames(msg string) ([]string, bool) {
	const pre, post = "additionalProperties ", " not allowed"
	if !strings.HasPrefix(msg, pre) || !strings.HasSuffix(msg, post) {
		return nil, false
	}
	return quotedList(strings.TrimSuffix(strings.TrimPrefix(msg, pre), post))
}

// quotedList parses the validator's list of names, each written as a Go
// quoted string between single quotes ('a', 'b\'c'), up to the first
// text that is not such a list. ok is false when nothing parses.
func quotedList(s string) (names []string, ok bool) {
	for len(s) > 0 && s[0] == '\'' {
		end := -1
		for i := 1; i < len(s); i++ {
			if s[i] == '\\' {
				i++
				continue
			}
			if s[i] == '\'' {
				end = i
				break
			}
		}
		if end < 0 {
			break
		}
		body := strings.ReplaceAll(s[1:end], `\'`, `'`)
		name, err := strconv.Unquote(`"` + strings.ReplaceAll(body, `"`, `\"`) + `"`)
		if err != nil {
			break
		}
		names = append(names, name)
		s = strings.TrimPrefix(s[end+1:], ", ")
	}
	return names, len(names) > 0
}

// quote writes a name the way the validator does in its messages.
func quote(s string) string {
	q := strconv.Quote(s)
	q = strings.ReplaceAll(q, `\"`, `"`)
	q = strings.ReplaceAll(q, `'`, `\'`)
	return "'" + q[1:len(q)-1] + "'"
}
