package threatmodel

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"

	"gopkg.in/yaml.v3"

	"github.com/premarket/premarket/yamlpos"
)

// decodeAndLocate completes m, which holds the decoded cut document:
// it decodes the remaining items of split sections and gives every
// element its position: the file it came from (root or fragment), its
// line and column, and its path in the merged model. Nested elements
// inherit the file of their top-level element. The elements of list
// sections are handled on up to workers goroutines. It reports false when
// an item does not decode (the caller then reports the error).
func (mg *merged) decodeAndLocate(m *Model, sd *splitDoc, workers int) bool {
	root := mg.root
	file := mg.rootSrc.doc.File
	b := newPosBuilder()
	rp, lists := b.rootSkeleton(root, func(key int) int {
		if s := sd.secAt(key); s >= 0 {
			return len(sd.secs[s].items)
		}
		return -1
	})
	locateTop(m, root, rp, file)

	// Elements of list sections: decode the items the cut left out, build
	// their skeletons and locate them.
	type item struct{ sec, i int }
	var items []item
	for s, sec := range sd.secs {
		if sec.schema != nil {
			sectionOps[sec.name].grow(m, len(sec.items))
		}
		for i := range sec.items {
			items = append(items, item{s, i})
		}
	}
	builders := make([]*posBuilder, workers)
	builders[0] = b
	var failed atomic.Bool
	parallel(len(items), workers, func(w, j int) {
		it := items[j]
		sec := sd.secs[it.sec]
		n := sec.items[it.i]
		if sec.schema != nil && it.i > 0 {
			if err := sectionOps[sec.name].decode(m, it.i, n); err != nil {
				failed.Store(true)
				return
			}
		}
		if builders[w] == nil {
			builders[w] = newPosBuilder()
		}
		src := mg.rootSrc
		if o := mg.origin[sec.name]; it.i < len(o) {
			src = o[it.i]
		}
		locateElem(m, sec.name, it.i, n, &lists[sec.key].kids[it.i], builders[w], src)
	})
	return !failed.Load()
}

// rootSkeleton builds the skeleton of a root mapping except the items of
// the list sections for which listLen (given the Content index of the
// section's key) returns n >= 0: those get n empty kids, which
// locateElem fills, and are returned by key index.
func (b *posBuilder) rootSkeleton(root *yaml.Node, listLen func(key int) int) (*posNode, map[int]*posNode) {
	rp := &posNode{line: int32(root.Line), col: int32(root.Column), kind: yaml.MappingNode, kids: make([]posNode, len(root.Content)/2)}
	lists := map[int]*posNode{}
	for i := range rp.kids {
		k, v := root.Content[2*i], root.Content[2*i+1]
		kp := &rp.kids[i]
		kp.name, kp.keyLine, kp.keyCol = b.intern(k.Value), int32(k.Line), int32(k.Column)
		if n := listLen(2 * i); n >= 0 {
			r := yamlpos.Resolve(v)
			kp.line, kp.col, kp.kind = int32(r.Line), int32(r.Column), r.Kind
			kp.kids = make([]posNode, n)
			lists[2*i] = kp
			continue
		}
		b.build(kp, v)
	}
	return rp, lists
}

// locateTop sets the positions and extensions of the model and its
// top-level objects.
func locateTop(m *Model, root *yaml.Node, rp *posNode, file string) {
	m.Pos = mkPos(file, "", rp)
	m.X = extensions(root)
	if n := yamlpos.Child(root, "model"); n != nil {
		m.Meta.Pos, m.Meta.X = mkPos(file, "model", rp.child("model")), extensions(n)
	}
	if pn := rp.child("riskMethod"); pn != nil {
		m.RiskMethod.Pos = mkPos(file, "riskMethod", pn)
	}
	if n := yamlpos.Child(root, "device"); n != nil {
		pn := rp.child("device")
		m.Device.Pos, m.Device.X = mkPos(file, "device", pn), extensions(n)
		cf := pn.items("clinicalFunctions")
		for i := range cf {
			if i < len(m.Device.ClinicalFunctions) && m.Device.ClinicalFunctions[i] != nil {
				m.Device.ClinicalFunctions[i].Pos = mkPos(file, fmt.Sprintf("device.clinicalFunctions[%d]", i), &cf[i])
			}
		}
	}
}

// locateElem builds into pn the skeleton of item i of list section sec,
// whose node is n and which came from src, and locates the decoded
// element.
func locateElem(m *Model, sec string, i int, n *yaml.Node, pn *posNode, b *posBuilder, src *source) {
	b.build(pn, n)
	sectionOps[sec].locate(m, i, mkPos(src.doc.File, sec+"["+strconv.Itoa(i)+"]", pn), yamlpos.Resolve(n), src)
}

// secAt returns the index in sd.secs of the section whose key is at
// Content index key of the root, or -1.
func (sd *splitDoc) secAt(key int) int {
	for i, s := range sd.secs {
		if s.key == key {
			return i
		}
	}
	return -1
}

// secOps decodes and locates the elements of one list section.
type secOps struct {
	// grow extends the section's slice to n elements, keeping those
	// already decoded.
	grow func(m *Model, n int)
	// decode decodes item i from n.
	decode func(m *Model, i int, n *yaml.Node) error
	// locate sets the position and extensions of element i, whose
	// (alias-resolved) node is n and which came from src.
	locate func(m *Model, i int, p Pos, n *yaml.Node, src *source)
}

// listOps builds the secOps of a section held in the slice get returns.
func listOps[T any](get func(*Model) *[]*T, loc func(e *T, p Pos, n *yaml.Node, src *source)) secOps {
	return secOps{
		grow: func(m *Model, n int) {
			s := get(m)
			if len(*s) < n {
				ns := make([]*T, n)
				copy(ns, *s)
				*s = ns
			}
		},
		decode: func(m *Model, i int, n *yaml.Node) error {
			// Decoding into a *T, as yaml.v3 does for each element of a
			// []*T, so that the result is that of decoding the list.
			var e *T
			err := n.Decode(&e)
			(*get(m))[i] = e
			return err
		},
		locate: func(m *Model, i int, p Pos, n *yaml.Node, src *source) {
			if s := *get(m); i < len(s) && s[i] != nil {
				loc(s[i], p, n, src)
			}
		},
	}
}

// locateItems sets the positions of the items of a nested list of an
// element at p.
func locateItems[T any](p Pos, key string, elems []*T, pos func(*T) *Pos) {
	its := p.at.items(key)
	for j := range its {
		if j < len(elems) && elems[j] != nil {
			*pos(elems[j]) = mkPos(p.File, fmt.Sprintf("%s.%s[%d]", p.Path, key, j), &its[j])
		}
	}
}

// sectionOps holds the secOps of every list section (immutable).
var sectionOps = map[string]secOps{
	"assumptions": listOps(func(m *Model) *[]*Assumption { return &m.Assumptions }, func(e *Assumption, p Pos, n *yaml.Node, _ *source) {
		e.Pos, e.X = p, extensions(n)
	}),
	"actors": listOps(func(m *Model) *[]*Actor { return &m.Actors }, func(e *Actor, p Pos, n *yaml.Node, _ *source) {
		e.Pos, e.X = p, extensions(n)
	}),
	"threatActors": listOps(func(m *Model) *[]*ThreatActor { return &m.ThreatActors }, func(e *ThreatActor, p Pos, n *yaml.Node, _ *source) {
		e.Pos, e.X = p, extensions(n)
	}),
	"assets": listOps(func(m *Model) *[]*Asset { return &m.Assets }, func(e *Asset, p Pos, n *yaml.Node, _ *source) {
		e.Pos, e.X = p, extensions(n)
	}),
	"trustBoundaries": listOps(func(m *Model) *[]*TrustBoundary { return &m.TrustBoundaries }, func(e *TrustBoundary, p Pos, n *yaml.Node, _ *source) {
		e.Pos, e.X = p, extensions(n)
	}),
	"components": listOps(func(m *Model) *[]*Component { return &m.Components }, func(c *Component, p Pos, n *yaml.Node, _ *source) {
		c.Pos, c.X = p, extensions(n)
		ifs := p.at.items("interfaces")
		eachItem(n, "interfaces", func(j int, it *yaml.Node) {
			if j < len(c.Interfaces) && j < len(ifs) && c.Interfaces[j] != nil {
				f := c.Interfaces[j]
				f.Pos, f.X, f.Component = mkPos(p.File, fmt.Sprintf("%s.interfaces[%d]", p.Path, j), &ifs[j]), extensions(it), c.ID
			}
		})
		locateItems(p, "software", c.Software, func(s *SoftwareRef) *Pos { return &s.Pos })
	}),
	"dataflows": listOps(func(m *Model) *[]*Dataflow { return &m.Dataflows }, func(e *Dataflow, p Pos, n *yaml.Node, _ *source) {
		e.Pos, e.X = p, extensions(n)
	}),
	"views": listOps(func(m *Model) *[]*View { return &m.Views }, func(v *View, p Pos, n *yaml.Node, _ *source) {
		v.Pos, v.X = p, extensions(n)
		locateItems(p, "scenarios", v.Scenarios, func(s *Scenario) *Pos { return &s.Pos })
		locateItems(p, "paths", v.Paths, func(s *UpdatePath) *Pos { return &s.Pos })
		locateItems(p, "notUpdatable", v.NotUpdatable, func(s *NotUpdatable) *Pos { return &s.Pos })
	}),
	"controls": listOps(func(m *Model) *[]*Control { return &m.Controls }, func(e *Control, p Pos, n *yaml.Node, _ *source) {
		e.Pos, e.X = p, extensions(n)
	}),
	"threats": listOps(func(m *Model) *[]*Threat { return &m.Threats }, func(e *Threat, p Pos, n *yaml.Node, _ *source) {
		e.Pos, e.X = p, extensions(n)
	}),
	"evidence": listOps(func(m *Model) *[]*Evidence { return &m.Evidence }, func(e *Evidence, p Pos, n *yaml.Node, _ *source) {
		e.Pos, e.X = p, extensions(n)
	}),
	"sboms": listOps(func(m *Model) *[]*SBOMRef { return &m.SBOMs }, func(e *SBOMRef, p Pos, n *yaml.Node, src *source) {
		e.Pos, e.X, e.Dir = p, extensions(n), src.dir
	}),
	"vulnerabilities": listOps(func(m *Model) *[]*Vulnerability { return &m.Vulnerabilities }, func(v *Vulnerability, p Pos, n *yaml.Node, _ *source) {
		v.Pos, v.X = p, extensions(n)
		v.Component.Pos = p.Field("component")
	}),
	"imports": listOps(func(m *Model) *[]*ImportRecord { return &m.Imports }, func(e *ImportRecord, p Pos, n *yaml.Node, _ *source) {
		e.Pos, e.X = p, extensions(n)
	}),
}

func eachItem(n *yaml.Node, key string, f func(int, *yaml.Node)) {
	seq := yamlpos.Child(n, key)
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return
	}
	for i, it := range seq.Content {
		f(i, yamlpos.Resolve(it))
	}
}

// extensions returns the x- keys of a mapping as plain values.
func extensions(n *yaml.Node) Extensions {
	n = yamlpos.Resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var x Extensions
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		if !strings.HasPrefix(k, "x-") {
			continue
		}
		v, err := yamlpos.Value(n.Content[i+1])
		if err != nil {
			continue
		}
		if x == nil {
			x = Extensions{}
		}
		x[k] = v
	}
	return x
}

// ResolvePath resolves a path written in the model (an SBOM, a diagram)
// against the directory of the file that declared it.
func ResolvePath(dir, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, filepath.FromSlash(p))
}
