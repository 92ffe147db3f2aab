package threatmodel

import (
	"fmt"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/premarket/premarket/yamlpos"
)

// locate gives every decoded element its position: the file it came from
// (root or fragment), its line and column, and its path in the merged
// model. Nested elements inherit the file of their top-level element.
func (mg *merged) locate(m *Model) {
	root := mg.root
	file := mg.rootSrc.doc.File
	m.Pos = mkPos(file, "", root)
	m.X = extensions(root)
	if n := yamlpos.Child(root, "model"); n != nil {
		m.Meta.Pos, m.Meta.X = mkPos(file, "model", n), extensions(n)
	}
	if n := yamlpos.Child(root, "riskMethod"); n != nil {
		m.RiskMethod.Pos = mkPos(file, "riskMethod", n)
	}
	if n := yamlpos.Child(root, "device"); n != nil {
		m.Device.Pos, m.Device.X = mkPos(file, "device", n), extensions(n)
		eachItem(n, "clinicalFunctions", func(i int, it *yaml.Node) {
			if i < len(m.Device.ClinicalFunctions) {
				m.Device.ClinicalFunctions[i].Pos = mkPos(file, fmt.Sprintf("device.clinicalFunctions[%d]", i), it)
			}
		})
	}
	// each visits the items of a top-level list with their source.
	each := func(sec string, f func(i int, p Pos, n *yaml.Node, src *source)) {
		eachItem(root, sec, func(i int, it *yaml.Node) {
			src := mg.rootSrc
			if o := mg.origin[sec]; i < len(o) {
				src = o[i]
			}
			f(i, mkPos(src.doc.File, fmt.Sprintf("%s[%d]", sec, i), it), it, src)
		})
	}
	each("assumptions", func(i int, p Pos, n *yaml.Node, _ *source) {
		m.Assumptions[i].Pos, m.Assumptions[i].X = p, extensions(n)
	})
	each("actors", func(i int, p Pos, n *yaml.Node, _ *source) { m.Actors[i].Pos, m.Actors[i].X = p, extensions(n) })
	each("threatActors", func(i int, p Pos, n *yaml.Node, _ *source) {
		m.ThreatActors[i].Pos, m.ThreatActors[i].X = p, extensions(n)
	})
	each("assets", func(i int, p Pos, n *yaml.Node, _ *source) { m.Assets[i].Pos, m.Assets[i].X = p, extensions(n) })
	each("trustBoundaries", func(i int, p Pos, n *yaml.Node, _ *source) {
		m.TrustBoundaries[i].Pos, m.TrustBoundaries[i].X = p, extensions(n)
	})
	each("components", func(i int, p Pos, n *yaml.Node, _ *source) {
		c := m.Components[i]
		c.Pos, c.X = p, extensions(n)
		eachItem(n, "interfaces", func(j int, it *yaml.Node) {
			if j < len(c.Interfaces) {
				f := c.Interfaces[j]
				f.Pos, f.X, f.Component = mkPos(p.File, fmt.Sprintf("%s.interfaces[%d]", p.Path, j), it), extensions(it), c.ID
			}
		})
		eachItem(n, "software", func(j int, it *yaml.Node) {
			if j < len(c.Software) {
				c.Software[j].Pos = mkPos(p.File, fmt.Sprintf("%s.software[%d]", p.Path, j), it)
			}
		})
	})
	each("dataflows", func(i int, p Pos, n *yaml.Node, _ *source) { m.Dataflows[i].Pos, m.Dataflows[i].X = p, extensions(n) })
	each("views", func(i int, p Pos, n *yaml.Node, _ *source) {
		v := m.Views[i]
		v.Pos, v.X = p, extensions(n)
		eachItem(n, "scenarios", func(j int, it *yaml.Node) {
			if j < len(v.Scenarios) {
				v.Scenarios[j].Pos = mkPos(p.File, fmt.Sprintf("%s.scenarios[%d]", p.Path, j), it)
			}
		})
		eachItem(n, "paths", func(j int, it *yaml.Node) {
			if j < len(v.Paths) {
				v.Paths[j].Pos = mkPos(p.File, fmt.Sprintf("%s.paths[%d]", p.Path, j), it)
			}
		})
		eachItem(n, "notUpdatable", func(j int, it *yaml.Node) {
			if j < len(v.NotUpdatable) {
				v.NotUpdatable[j].Pos = mkPos(p.File, fmt.Sprintf("%s.notUpdatable[%d]", p.Path, j), it)
			}
		})
	})
	each("controls", func(i int, p Pos, n *yaml.Node, _ *source) { m.Controls[i].Pos, m.Controls[i].X = p, extensions(n) })
	each("threats", func(i int, p Pos, n *yaml.Node, _ *source) { m.Threats[i].Pos, m.Threats[i].X = p, extensions(n) })
	each("evidence", func(i int, p Pos, n *yaml.Node, _ *source) { m.Evidence[i].Pos, m.Evidence[i].X = p, extensions(n) })
	each("sboms", func(i int, p Pos, n *yaml.Node, src *source) {
		m.SBOMs[i].Pos, m.SBOMs[i].X, m.SBOMs[i].Dir = p, extensions(n), src.dir
	})
	each("vulnerabilities", func(i int, p Pos, n *yaml.Node, _ *source) {
		v := m.Vulnerabilities[i]
		v.Pos, v.X = p, extensions(n)
		v.Component.Pos = p.Field("component")
	})
	each("imports", func(i int, p Pos, n *yaml.Node, _ *source) { m.Imports[i].Pos, m.Imports[i].X = p, extensions(n) })
}

func mkPos(file, path string, n *yaml.Node) Pos {
	return Pos{File: file, Line: n.Line, Column: n.Column, Path: path, node: n}
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
