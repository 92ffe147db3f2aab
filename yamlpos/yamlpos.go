// Package yamlpos reads YAML or JSON documents as yaml.v3 node trees so that
// every later error can name the file, line and column it is about.
//
// It converts node trees to the plain values that JSON Schema validators
// expect (dates stay strings, numbers stay exact), resolves JSON pointers
// back to nodes, and bounds the work an untrusted document can cause: file
// size, nesting depth and alias expansion are limited.
package yamlpos

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Limits bound the resources one document may use.
type Limits struct {
	MaxBytes int64 // largest accepted file
	MaxDepth int   // deepest nesting of mappings and sequences
	MaxNodes int   // most nodes after alias expansion
}

// DefaultLimits suit hand-written project files and threat models.
var DefaultLimits = Limits{MaxBytes: 64 << 20, MaxDepth: 200, MaxNodes: 5_000_000}

// Doc is a parsed document and the name it was read from.
type Doc struct {
	File string
	Root *yaml.Node // the document's top node (not the DocumentNode wrapper)
}

// Error is an error located in a file.
type Error struct {
	File   string
	Line   int
	Column int
	Path   string // JSON pointer or dotted field path, when known
	Err    error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	if e.Path != "" {
		fmt.Fprintf(&b, ": %s", e.Path)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// ReadFile reads and parses the named file.
func ReadFile(name string, lim Limits) (*Doc, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, &Error{File: name, Err: errors.New("is a directory, want a YAML or JSON file")}
	}
	if lim.MaxBytes > 0 && st.Size() > lim.MaxBytes {
		return nil, &Error{File: name, Err: fmt.Errorf("file is %d bytes, larger than the limit of %d", st.Size(), lim.MaxBytes)}
	}
	data, err := io.ReadAll(io.LimitReader(f, lim.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	return Parse(name, data, lim)
}

// Parse parses data (YAML 1.2 or JSON) read from the named file.
func Parse(name string, data []byte, lim Limits) (*Doc, error) {
	if lim.MaxBytes > 0 && int64(len(data)) > lim.MaxBytes {
		return nil, &Error{File: name, Err: fmt.Errorf("file is %d bytes, larger than the limit of %d", len(data), lim.MaxBytes)}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{File: name, Line: 1, Err: errors.New("file is empty")}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, &Error{File: name, Err: errors.New("file is binary (contains NUL bytes), want YAML or JSON text")}
	}
	var n yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&n); err != nil {
		return nil, syntaxError(name, err)
	}
	// A second document in the stream is almost always a mistake.
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &Error{File: name, Line: extra.Line, Column: extra.Column, Err: errors.New("file holds more than one YAML document; premarket reads only one")}
	}
	root := &n
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if err := checkShape(name, root, lim); err != nil {
		return nil, err
	}
	return &Doc{File: name, Root: root}, nil
}

func syntaxError(name string, err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 0
	// yaml.v3 reports "line N: message".
	if strings.HasPrefix(msg, "line ") {
		rest := msg[len("line "):]
		if i := strings.Index(rest, ":"); i > 0 {
			if v, e := strconv.Atoi(rest[:i]); e == nil {
				line = v
				msg = strings.TrimSpace(rest[i+1:])
			}
		}
	}
	return &Error{File: name, Line: line, Err: fmt.Errorf("not valid YAML or JSON: %s", msg)}
}

// checkShape enforces depth and expanded-size limits before anything walks
// the tree, so alias bombs are refused rather than expanded.
func checkShape(name string, root *yaml.Node, lim Limits) error {
	count := 0
	memo := map[*yaml.Node]int{} // expanded size of an anchored subtree
	var walk func(n *yaml.Node, depth int) (int, error)
	walk = func(n *yaml.Node, depth int) (int, error) {
		if lim.MaxDepth > 0 && depth > lim.MaxDepth {
			return 0, &Error{File: name, Line: n.Line, Column: n.Column, Err: fmt.Errorf("nesting deeper than %d levels", lim.MaxDepth)}
		}
		if n.Kind == yaml.AliasNode {
			if n.Alias == nil {
				return 0, &Error{File: name, Line: n.Line, Column: n.Column, Err: errors.New("alias without anchor")}
			}
			if sz, ok := memo[n.Alias]; ok {
				count += sz
				if lim.MaxNodes > 0 && count > lim.MaxNodes {
					return 0, &Error{File: name, Line: n.Line, Column: n.Column, Err: fmt.Errorf("aliases expand to more than %d nodes (a YAML bomb?)", lim.MaxNodes)}
				}
				return sz, nil
			}
			return 0, &Error{File: name, Line: n.Line, Column: n.Column, Err: errors.New("alias refers to an anchor that encloses it")}
		}
		size := 1
		count++
		for _, c := range n.Content {
			sz, err := walk(c, depth+1)
			if err != nil {
				return 0, err
			}
			size += sz
		}
		if lim.MaxNodes > 0 && count > lim.MaxNodes {
			return 0, &Error{File: name, Line: n.Line, Column: n.Column, Err: fmt.Errorf("document expands to more than %d nodes", lim.MaxNodes)}
		}
		if n.Anchor != "" {
			memo[n] = size
		}
		return size, nil
	}
	_, err := walk(root, 0)
	return err
}

// Resolve follows aliases.
func Resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// Value converts a node tree to plain Go values as encoding/json would
// produce them with UseNumber: map[string]any, []any, string, json.Number,
// bool and nil. Timestamps and other tagged scalars stay strings, so a date
// written 2025-01-31 reaches the schema as the string "2025-01-31".
func Value(n *yaml.Node) (any, error) {
	n = Resolve(n)
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return Value(n.Content[0])
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := Resolve(n.Content[i])
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: mapping key is not a scalar", k.Line)
			}
			if k.Tag == "!!merge" {
				return nil, fmt.Errorf("line %d: YAML merge keys (<<) are not supported; write the fields out", k.Line)
			}
			if _, dup := m[k.Value]; dup {
				return nil, fmt.Errorf("line %d: duplicate key %q", k.Line, k.Value)
			}
			v, err := Value(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[k.Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := Value(c)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return nil, nil
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err != nil {
				return nil, fmt.Errorf("line %d: %v", n.Line, err)
			}
			return b, nil
		case "!!int":
			var i int64
			if err := n.Decode(&i); err != nil {
				return json.Number(n.Value), nil
			}
			return json.Number(strconv.FormatInt(i, 10)), nil
		case "!!float":
			var f float64
			if err := n.Decode(&f); err != nil {
				return nil, fmt.Errorf("line %d: %v", n.Line, err)
			}
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), nil
		default:
			return n.Value, nil
		}
	}
	return nil, fmt.Errorf("line %d: unsupported YAML node", n.Line)
}

// Lookup finds the node at a JSON pointer ("/threats/3/id"). When the path
// does not exist it returns the deepest node that does, so a "missing
// property" error still points at the enclosing object.
func Lookup(root *yaml.Node, pointer string) *yaml.Node {
	n := Resolve(root)
	if pointer == "" || pointer == "/" {
		return n
	}
	for _, tok := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		next := Child(n, tok)
		if next == nil {
			return n
		}
		n = next
	}
	return n
}

// Child returns the value node under a mapping key or sequence index.
func Child(n *yaml.Node, key string) *yaml.Node {
	n = Resolve(n)
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return Resolve(n.Content[i+1])
			}
		}
	case yaml.SequenceNode:
		i, err := strconv.Atoi(key)
		if err == nil && i >= 0 && i < len(n.Content) {
			return Resolve(n.Content[i])
		}
	}
	return nil
}

// KeyNode returns the key node of a mapping entry, whose position is where
// an error about that field should point.
func KeyNode(n *yaml.Node, key string) *yaml.Node {
	n = Resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i]
		}
	}
	return nil
}

// PointerToPath turns "/threats/3/id" into "threats[3].id" for messages.
func PointerToPath(pointer string) string {
	if pointer == "" || pointer == "/" {
		return "(document)"
	}
	var b strings.Builder
	for _, tok := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		if _, err := strconv.Atoi(tok); err == nil {
			fmt.Fprintf(&b, "[%s]", tok)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}
