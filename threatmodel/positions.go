package threatmodel

import (
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/premarket/premarket/yamlpos"
)

// posNode is the position skeleton of one YAML node: where it is, where
// its key is, and its children. A loaded Model keeps these instead of the
// yaml.v3 node tree, so that Pos.Field can still point findings at any
// field while the tree (about five times larger: tags, styles, comments,
// scalar values, separate key nodes) is freed as soon as Load returns.
type posNode struct {
	// name is the key under which the node sits in its parent mapping
	// (empty for sequence items and the document root).
	name string
	// kids are a mapping's values or a sequence's items, in document
	// order.
	kids []posNode
	// line, col locate the node (aliases resolved, as yamlpos.Child does);
	// keyLine, keyCol locate its key in the parent mapping.
	line, col       int32
	keyLine, keyCol int32
	kind            yaml.Kind
}

// child returns the node under a mapping key or sequence index, like
// yamlpos.Child does for yaml nodes: the first key that matches, or the
// item at a decimal index.
func (n *posNode) child(seg string) *posNode {
	switch n.kind {
	case yaml.MappingNode:
		for i := range n.kids {
			if n.kids[i].name == seg {
				return &n.kids[i]
			}
		}
	case yaml.SequenceNode:
		i, err := strconv.Atoi(seg)
		if err == nil && i >= 0 && i < len(n.kids) {
			return &n.kids[i]
		}
	}
	return nil
}

// items returns the items under key when it holds a sequence.
func (n *posNode) items(key string) []posNode {
	if n == nil {
		return nil
	}
	c := n.child(key)
	if c == nil || c.kind != yaml.SequenceNode {
		return nil
	}
	return c.kids
}

// posBuilder builds position skeletons. It interns key names (a model
// repeats a few dozen names hundreds of thousands of times) and shares the
// skeleton of an anchored node among its aliases, so aliases cost no more
// than they do in the yaml tree. A builder is used by one goroutine.
type posBuilder struct {
	names map[string]string
	memo  map[*yaml.Node]posNode
}

func newPosBuilder() *posBuilder {
	return &posBuilder{names: make(map[string]string, 64)}
}

func (b *posBuilder) intern(s string) string {
	if v, ok := b.names[s]; ok {
		return v
	}
	// Keep a copy, not the parser's string, so the name does not pin a
	// larger allocation.
	s = string([]byte(s))
	b.names[s] = s
	return s
}

// build fills dst (whose name and key position the caller sets) with the
// skeleton of n.
func (b *posBuilder) build(dst *posNode, n *yaml.Node) {
	r := yamlpos.Resolve(n)
	if r == nil {
		return
	}
	if r.Anchor != "" && b.memo != nil {
		if m, ok := b.memo[r]; ok {
			dst.kids, dst.line, dst.col, dst.kind = m.kids, m.line, m.col, m.kind
			return
		}
	}
	dst.line, dst.col, dst.kind = int32(r.Line), int32(r.Column), r.Kind
	switch r.Kind {
	case yaml.MappingNode:
		if len(r.Content) >= 2 {
			kids := make([]posNode, len(r.Content)/2)
			for i := range kids {
				k := r.Content[2*i]
				kids[i].name = b.intern(k.Value)
				kids[i].keyLine, kids[i].keyCol = int32(k.Line), int32(k.Column)
				b.build(&kids[i], r.Content[2*i+1])
			}
			dst.kids = kids
		}
	case yaml.SequenceNode:
		if len(r.Content) > 0 {
			kids := make([]posNode, len(r.Content))
			for i, c := range r.Content {
				b.build(&kids[i], c)
			}
			dst.kids = kids
		}
	}
	if r.Anchor != "" {
		if b.memo == nil {
			b.memo = map[*yaml.Node]posNode{}
		}
		b.memo[r] = posNode{kids: dst.kids, line: dst.line, col: dst.col, kind: dst.kind}
	}
}

// mkPos is the position of an element whose skeleton is pn.
func mkPos(file, path string, pn *posNode) Pos {
	return Pos{File: file, Line: int(pn.line), Column: int(pn.col), Path: path, at: pn}
}
