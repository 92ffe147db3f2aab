package common

import (
	"errors"
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/yamlpos"
)

// YAMLLimits bound the YAML manifests read here.
var yamlLimits = yamlpos.Limits{MaxBytes: MaxInputSize, MaxDepth: 64, MaxNodes: 1_000_000}

// ParseYAML parses one YAML document into a node tree, reporting errors
// as *sbom.ParseError of the given kind with the line yaml.v3 gives.
func ParseYAML(kind, name string, data []byte) (*yaml.Node, error) {
	doc, err := yamlpos.Parse(name, data, yamlLimits)
	if err != nil {
		var ye *yamlpos.Error
		if errors.As(err, &ye) {
			return nil, &sbom.ParseError{Kind: kind, File: name, Line: ye.Line, Err: ye.Err}
		}
		return nil, &sbom.ParseError{Kind: kind, File: name, Err: err}
	}
	return doc.Root, nil
}

// Pair is one key/value entry of a YAML mapping.
type Pair struct {
	Key   string
	KeyN  *yaml.Node
	Value *yaml.Node
}

// Pairs returns the entries of a mapping node (aliases resolved), or nil
// when n is not a mapping.
func Pairs(n *yaml.Node) []Pair {
	n = yamlpos.Resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	out := make([]Pair, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, Pair{Key: n.Content[i].Value, KeyN: n.Content[i], Value: yamlpos.Resolve(n.Content[i+1])})
	}
	return out
}

// Get returns the value under key in a mapping node, or nil.
func Get(n *yaml.Node, key string) *yaml.Node {
	for _, p := range Pairs(n) {
		if p.Key == key {
			return p.Value
		}
	}
	return nil
}

// IsMap, IsSeq and IsScalar test a node's kind (nil is none of them).
func IsMap(n *yaml.Node) bool    { return n != nil && n.Kind == yaml.MappingNode }
func IsSeq(n *yaml.Node) bool    { return n != nil && n.Kind == yaml.SequenceNode }
func IsScalar(n *yaml.Node) bool { return n != nil && n.Kind == yaml.ScalarNode }

// IsNull reports whether n is absent or a YAML null.
func IsNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// Str returns a scalar's text. A non-scalar is an error located at the
// node, naming the field.
func Str(kind, name, field string, n *yaml.Node) (string, error) {
	if IsNull(n) {
		return "", nil
	}
	if n.Kind != yaml.ScalarNode {
		return "", &sbom.ParseError{Kind: kind, File: name, Line: n.Line, Err: fmt.Errorf("%s: want a string, got a %s", field, nodeKind(n))}
	}
	return n.Value, nil
}

// Strs returns a scalar or a sequence of scalars as a list.
func Strs(kind, name, field string, n *yaml.Node) ([]string, error) {
	if IsNull(n) {
		return nil, nil
	}
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, &sbom.ParseError{Kind: kind, File: name, Line: n.Line, Err: fmt.Errorf("%s: want a string or a list of strings, got a %s", field, nodeKind(n))}
	}
	var out []string
	for _, e := range n.Content {
		e = yamlpos.Resolve(e)
		s, err := Str(kind, name, field, e)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "scalar"
	case yaml.AliasNode:
		return "alias"
	}
	return "document"
}

// Errf returns a *sbom.ParseError at line.
func Errf(kind, name string, line int, format string, args ...any) error {
	return &sbom.ParseError{Kind: kind, File: name, Line: line, Err: fmt.Errorf(format, args...)}
}
