package threatmodel

import (
	"bytes"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"

	"gopkg.in/yaml.v3"

	"github.com/premarket/premarket/finding"
	"github.com/premarket/premarket/schemas"
	"github.com/premarket/premarket/yamlpos"
)

// A large single-file model is parsed in pieces rather than as one yaml
// tree: the text is cut at its top-level keys, and the block sequences of
// list sections at their items, into chunks that are parsed, validated,
// decoded and located on all cores and then dropped. The yaml tree of
// the whole model (about twenty times the file's size) never exists, and
// parsing, the slowest step left, runs in parallel.
//
// The cut is made on lines only: a top-level key is a line starting with
// a plain name and a colon, an item a line at the sequence's indentation
// starting with "- ". Such a line cannot be inside a block scalar or a
// plain scalar (both end at a less indented line); it can be inside a
// quoted scalar or a flow collection, and then the chunk before it ends
// with that construct unterminated, which is a syntax error. Every chunk
// is also checked to hold exactly the keys or items its lines promise.
// On any doubt, error or anchor across chunks, Load parses the whole file
// instead, so results and error reports are those of the whole-file path
// (TestStreamEquivalent).

// streamChunkItems is how many list items one chunk holds.
const streamChunkItems = 64

// textPiece is one top-level entry of the document text.
type textPiece struct {
	key        string
	start, end int // byte range, from the key's line
	line       int // 1-based line of start
	// chunks of a list section whose items are cut (nil otherwise); the
	// key line itself is in no chunk.
	chunks []textChunk
}

// textChunk is a run of list items.
type textChunk struct {
	start, end, line int
	items            int // item lines in the chunk
}

// splitText cuts data at its top-level keys and list items. ok is false
// when the text does not have the plain shape the cut relies on.
func splitText(data []byte, isList func(string) bool) (pieces []textPiece, ok bool) {
	var cur *textPiece
	ind := -1 // item indentation of cur's list, -1 before the first item, -2 when not cut
	var ch *textChunk
	line := 0
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		next := len(data)
		if end >= 0 {
			next = off + end + 1
		}
		l := data[off:next]
		line++
		body := bytes.TrimLeft(l, " ")
		spaces := len(l) - len(body)
		body = bytes.TrimRight(body, " \t\r\n")
		switch {
		case len(body) == 0 || body[0] == '#':
			// blank or comment
		case spaces == 0 && !(cur != nil && (ind == 0 || ind == -1) && isItem(body)):
			if cur == nil && len(pieces) == 0 && (bytes.Equal(body, []byte("---")) || body[0] == '%') {
				break // directives and the document start before the first key
			}
			key, rest, isKey := plainKey(body)
			if !isKey {
				return nil, false
			}
			if cur != nil {
				cur.finish(off, ch)
			}
			pieces = append(pieces, textPiece{key: key, start: off, line: line})
			cur, ch, ind = &pieces[len(pieces)-1], nil, -2
			if isList(key) && (len(rest) == 0 || rest[0] == '#') {
				ind = -1
			}
		case cur == nil:
			return nil, false // an indented line before the first key
		case ind == -2:
			// inside a piece parsed whole
		case ind == -1:
			if !isItem(body) || bytes.IndexByte(l[:spaces], '\t') >= 0 {
				ind = -2
				break
			}
			ind = spaces
			fallthrough
		default:
			if spaces < ind || (spaces == ind && !isItem(body)) {
				ind, cur.chunks, ch = -2, nil, nil // not a plain list: parse whole
				break
			}
			if spaces == ind {
				if ch == nil || ch.items == streamChunkItems {
					if ch != nil {
						ch.end = off
						cur.chunks = append(cur.chunks, *ch)
					}
					ch = &textChunk{start: off, line: line}
				}
				ch.items++
			}
		}
		off = next
	}
	if cur == nil {
		return nil, false
	}
	cur.finish(len(data), ch)
	return pieces, true
}

// finish closes a piece at end.
func (p *textPiece) finish(end int, ch *textChunk) {
	p.end = end
	if ch != nil {
		ch.end = end
		p.chunks = append(p.chunks, *ch)
	}
}

// isItem reports whether a trimmed line starts a block sequence item.
func isItem(body []byte) bool {
	return len(body) > 0 && body[0] == '-' && (len(body) == 1 || body[1] == ' ')
}

// plainKey parses "name:" or "name: rest" where name is a plain
// identifier; rest is what follows the colon, trimmed.
func plainKey(body []byte) (key string, rest []byte, ok bool) {
	i := 0
	for i < len(body) {
		c := body[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '.') {
			i++
			continue
		}
		break
	}
	if i == 0 || i >= len(body) || body[i] != ':' || i+1 < len(body) && body[i+1] != ' ' && body[i+1] != '\t' {
		return "", nil, false
	}
	return string(body[:i]), bytes.TrimLeft(body[i+1:], " \t"), true
}

// parsePart parses data[start:end] (which starts at line) and moves its
// nodes to their lines in the whole file.
func parsePart(name string, data []byte, start, end, line int, lim yamlpos.Limits) (*yaml.Node, error) {
	doc, err := yamlpos.Parse(name, data[start:end], lim)
	if err != nil {
		return nil, err
	}
	shiftLines(doc.Root, line-1)
	return doc.Root, nil
}

// shiftLines adds by to the line of every node of a tree (an alias node
// has no Content, so shared anchors are moved once).
func shiftLines(n *yaml.Node, by int) {
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}

// streamable reports whether Load may stream data, and how to cut it.
func streamable(data []byte, plan map[string]string) ([]textPiece, bool) {
	if len(plan) == 0 || bytes.IndexByte(data, 0) >= 0 {
		return nil, false
	}
	pieces, ok := splitText(data, func(k string) bool { return plan[k] != "" })
	if !ok {
		return nil, false
	}
	cut := false
	for _, p := range pieces {
		if p.key == "includes" {
			return nil, false
		}
		cut = cut || len(p.chunks) > 1
	}
	return pieces, cut // nothing to gain on a small model
}

// loadStream loads a single-file model from its pieces. ok is false when
// the whole-file path must decide (a chunk that does not parse or holds
// other than promised, a structural or decoding error); the results are
// then to be discarded.
func loadStream(name string, data []byte, pieces []textPiece, plan map[string]string, opts LoadOptions, workers int) (m *Model, fs []finding.Finding, ok bool) {
	lim := opts.limits()
	if lim.MaxBytes > 0 && int64(len(data)) > lim.MaxBytes {
		return nil, nil, false
	}
	chunkLim := lim
	if chunkLim.MaxDepth > 0 {
		chunkLim.MaxDepth-- // a chunk's items are one level higher than in the file
		if chunkLim.MaxDepth == 0 {
			return nil, nil, false
		}
	}
	// The cut root: whole pieces, and each cut list with its first item.
	type part struct {
		piece, chunk int // chunk -1: a whole piece
	}
	var first []part
	for i, p := range pieces {
		if len(p.chunks) == 0 {
			first = append(first, part{i, -1})
		} else {
			first = append(first, part{i, 0})
		}
	}
	parsed := make([]*yaml.Node, len(first))
	var bad atomic.Bool
	var nodes atomic.Int64 // against MaxNodes; pieces' own roots make it an overcount
	nodes.Add(1)
	parallel(len(first), workers, func(_, j int) {
		p := pieces[first[j].piece]
		var n *yaml.Node
		var err error
		if first[j].chunk < 0 {
			n, err = parsePart(name, data, p.start, p.end, p.line, lim)
			if err == nil && (n.Kind != yaml.MappingNode || len(n.Content) != 2 || n.Content[0].Value != p.key || n.Content[0].Line != p.line || n.Content[0].Column != 1) {
				err = errBadCut
			}
		} else {
			c := p.chunks[0]
			n, err = parsePart(name, data, c.start, c.end, c.line, chunkLim)
			if err == nil && (n.Kind != yaml.SequenceNode || len(n.Content) != c.items) {
				err = errBadCut
			}
		}
		if err != nil {
			bad.Store(true)
			return
		}
		nodes.Add(int64(countNodes(n)))
		parsed[j] = n
	})
	if bad.Load() {
		return nil, nil, false
	}
	root := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	type list struct {
		sec    *splitSec // schema nil: parsed whole, only located here
		piece  *textPiece
		total  int
		offset []int // global index of each chunk's first item
	}
	var lists []*list
	for j, pt := range first {
		p := &pieces[pt.piece]
		n := parsed[j]
		if pt.chunk < 0 {
			root.Content = append(root.Content, n.Content...)
			// A list parsed whole is validated and decoded with the cut
			// document; its elements are still located element-wise.
			if v := yamlpos.Resolve(n.Content[1]); isListSection(p.key) && v.Kind == yaml.SequenceNode {
				l := &list{sec: &splitSec{name: p.key, key: len(root.Content) - 2, items: v.Content}, piece: p, total: len(v.Content), offset: []int{0}}
				lists = append(lists, l)
			}
			continue
		}
		nodes.Add(1)
		key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: p.key, Line: p.line, Column: 1}
		seq := *n
		seq.Content = n.Content[:1]
		root.Content = append(root.Content, key, &seq)
		s, err := schemas.Compile(plan[p.key])
		if err != nil {
			return nil, nil, false
		}
		l := &list{sec: &splitSec{name: p.key, key: len(root.Content) - 2, items: n.Content, schema: s}, piece: p}
		for _, c := range p.chunks {
			l.offset = append(l.offset, l.total)
			l.total += c.items
		}
		lists = append(lists, l)
	}
	root.Line, root.Column = root.Content[0].Line, root.Content[0].Column

	s, err := schemas.Compile(SchemaName)
	if err != nil {
		return nil, nil, false
	}
	rootSrc := &source{doc: &yamlpos.Doc{File: name, Root: root}, dir: filepath.Dir(name)}
	m = &Model{File: name, Dir: filepath.Dir(name), Files: []string{name}}
	cutDecodeErr := root.Decode(m) != nil
	b := newPosBuilder()
	rp, skel := b.rootSkeleton(root, func(key int) int {
		for _, l := range lists {
			if l.sec.key == key {
				return l.total
			}
		}
		return -1
	})
	for _, l := range lists {
		if l.sec.schema != nil {
			sectionOps[l.sec.name].grow(m, l.total)
		}
	}

	// Jobs: the cut document, then every chunk.
	type job struct{ list, chunk int }
	jobs := []job{{-1, 0}}
	for i, l := range lists {
		jobs = append(jobs, job{i, 0})
		for c := 1; c < len(l.piece.chunks); c++ {
			jobs = append(jobs, job{i, c})
		}
	}
	var mu sync.Mutex
	var viol []*schemas.Violation
	var violated atomic.Bool
	builders := make([]*posBuilder, workers)
	parallel(len(jobs), workers, func(w, j int) {
		if bad.Load() {
			return
		}
		jb := jobs[j]
		report := func(vs []*schemas.Violation) {
			if len(vs) > 0 {
				violated.Store(true)
				mu.Lock()
				viol = append(viol, vs...)
				mu.Unlock()
			}
		}
		if jb.list < 0 {
			v, err := yamlpos.Value(root)
			if err != nil {
				bad.Store(true)
				return
			}
			report(schemas.ValidateValue(s, v, &yamlpos.Doc{File: name, Root: root}))
			return
		}
		l := lists[jb.list]
		items := l.sec.items
		if jb.chunk > 0 {
			c := l.piece.chunks[jb.chunk]
			n, err := parsePart(name, data, c.start, c.end, c.line, chunkLim)
			if err != nil || n.Kind != yaml.SequenceNode || len(n.Content) != c.items {
				bad.Store(true)
				return
			}
			if nodes.Add(int64(countNodes(n))) > int64(lim.MaxNodes) && lim.MaxNodes > 0 {
				bad.Store(true)
				return
			}
			items = n.Content
		}
		if builders[w] == nil {
			builders[w] = newPosBuilder()
		}
		for k, n := range items {
			i := l.offset[jb.chunk] + k
			if i > 0 && l.sec.schema != nil {
				v, err := yamlpos.Value(n)
				if err != nil {
					bad.Store(true)
					return
				}
				report(schemas.ValidateValueAt(l.sec.schema, v, &yamlpos.Doc{File: name, Root: n}, itemPointer(l.sec.name, i)))
				if violated.Load() {
					continue // findings only: no need to decode
				}
				if err := sectionOps[l.sec.name].decode(m, i, n); err != nil {
					bad.Store(true)
					return
				}
			}
			if violated.Load() {
				continue
			}
			locateElem(m, l.sec.name, i, n, &skel[l.sec.key].kids[i], builders[w], rootSrc)
		}
	})
	if bad.Load() || lim.MaxNodes > 0 && nodes.Load() > int64(lim.MaxNodes) {
		return nil, nil, false
	}
	if len(viol) > 0 {
		return nil, violationFindings(viol, func(string) string { return name }), true
	}
	if cutDecodeErr {
		return nil, nil, false
	}
	locateTop(m, root, rp, name)
	return m, nil, true
}

// errBadCut marks a chunk that does not hold what its lines promised.
var errBadCut = errors.New("the text does not cut at these lines")

// countNodes counts the nodes of a tree as yamlpos counts them against
// MaxNodes (aliases expanded). Chunks with aliases across them do not
// parse, so each chunk's count is its own.
func countNodes(n *yaml.Node) int {
	memo := map[*yaml.Node]int{}
	var walk func(*yaml.Node) int
	walk = func(n *yaml.Node) int {
		if n.Kind == yaml.AliasNode {
			return memo[n.Alias]
		}
		size := 1
		for _, c := range n.Content {
			size += walk(c)
		}
		if n.Anchor != "" {
			memo[n] = size
		}
		return size
	}
	return walk(n)
}
