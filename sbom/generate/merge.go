package generate

import (
	"fmt"
	"sort"

	"github.com/premarket/premarket/sbom"
)

// Merge combines documents into one, deduplicating components by
// sbom.Component.Key (PURL without qualifiers, else name@version). A merged
// component keeps every origin, the union of hashes and properties, and
// the first non-empty value of each other field in input order.
// Dependency edges are rewritten to the merged refs.
func Merge(docs []*sbom.Document) *sbom.Document {
	out, _ := merge(docs, nil)
	return out
}

// merge is Merge that also returns, per input document, the merged refs of
// its components (so callers can tell which firmware a component came from).
// rootAlias, when set for a document, is the ref its primary component
// stands for in the merged graph (the firmware it is part of): edges from
// and to the primary become edges of that ref.
func merge(docs []*sbom.Document, rootAlias []string) (*sbom.Document, [][]string) {
	out := &sbom.Document{}
	perDoc := make([][]string, len(docs))
	byKey := map[string]*sbom.Component{}
	refs := map[string]bool{}
	deps := map[string]map[string]bool{}
	for di, d := range docs {
		local := map[string]string{} // ref in d -> merged ref
		for _, c := range d.Components {
			k := c.Key()
			m, ok := byKey[k]
			if !ok {
				cp := *c
				cp.Ref = uniqueRef(refs, c)
				cp.Origins = append([]sbom.Origin(nil), c.Origins...)
				cp.Hashes = append([]sbom.Hash(nil), c.Hashes...)
				cp.Properties = append([]sbom.Property(nil), c.Properties...)
				cp.Licenses = append([]sbom.License(nil), c.Licenses...)
				cp.Evidence = append([]sbom.Evidence(nil), c.Evidence...)
				byKey[k] = &cp
				out.Components = append(out.Components, &cp)
				m = &cp
			} else {
				mergeInto(m, c)
			}
			if c.Ref != "" {
				local[c.Ref] = m.Ref
			}
			perDoc[di] = append(perDoc[di], m.Ref)
		}
		if di < len(rootAlias) && rootAlias[di] != "" && d.Primary != nil && d.Primary.Ref != "" {
			local[d.Primary.Ref] = rootAlias[di]
		}
		for _, dep := range d.Dependencies {
			from, ok := local[dep.Ref]
			if !ok {
				continue // an edge from the document's own primary: re-rooted later
			}
			set := deps[from]
			if set == nil {
				set = map[string]bool{}
				deps[from] = set
			}
			for _, to := range dep.DependsOn {
				if t, ok := local[to]; ok && t != from {
					set[t] = true
				}
			}
		}
	}
	// Second pass: components observed in binaries join the declared
	// component they are (see foldObserved).
	if into := foldObserved(out.Components); len(into) > 0 {
		kept := out.Components[:0]
		for _, c := range out.Components {
			if _, gone := into[c.Ref]; !gone {
				kept = append(kept, c)
			}
		}
		out.Components = kept
		for di := range perDoc {
			for i, r := range perDoc[di] {
				if t, ok := into[r]; ok {
					perDoc[di][i] = t
				}
			}
		}
		folded := map[string]map[string]bool{}
		for from, set := range deps {
			if t, ok := into[from]; ok {
				from = t
			}
			ns := folded[from]
			if ns == nil {
				ns = map[string]bool{}
				folded[from] = ns
			}
			for to := range set {
				if t, ok := into[to]; ok {
					to = t
				}
				if to != from {
					ns[to] = true
				}
			}
		}
		deps = folded
	}
	for from, set := range deps {
		dep := sbom.Dependency{Ref: from, DependsOn: []string{}}
		for to := range set {
			dep.DependsOn = append(dep.DependsOn, to)
		}
		sort.Strings(dep.DependsOn)
		out.Dependencies = append(out.Dependencies, dep)
	}
	out.SortComponents()
	return out, perDoc
}

// uniqueRef gives a merged component a readable bom-ref, name@version,
// made unique with a numeric suffix when two components share it (the same
// name and version from two ecosystems).
func uniqueRef(used map[string]bool, c *sbom.Component) string {
	base := c.Name
	if c.Version != "" {
		base += "@" + c.Version
	}
	ref := base
	for i := 2; used[ref]; i++ {
		ref = fmt.Sprintf("%s#%d", base, i)
	}
	used[ref] = true
	return ref
}

func mergeInto(m, c *sbom.Component) {
	first := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	first((*string)(&m.Type), string(c.Type))
	first(&m.Group, c.Group)
	first(&m.Supplier, c.Supplier)
	first(&m.Author, c.Author)
	first(&m.Description, c.Description)
	first(&m.PURL, c.PURL)
	first(&m.CPE, c.CPE)
	first(&m.Homepage, c.Homepage)
	first(&m.DownloadURL, c.DownloadURL)
	if len(m.Licenses) == 0 {
		m.Licenses = append(m.Licenses, c.Licenses...)
	}
	if m.Support == nil && c.Support != nil {
		s := *c.Support
		m.Support = &s
	}
	for _, h := range c.Hashes {
		if !hasHash(m.Hashes, h) {
			m.Hashes = append(m.Hashes, h)
		}
	}
	for _, p := range c.Properties {
		if !hasProp(m.Properties, p) {
			m.Properties = append(m.Properties, p)
		}
	}
	m.Origins = append(m.Origins, c.Origins...)
	for _, e := range c.Evidence {
		if !hasEvidence(m.Evidence, e) {
			m.Evidence = append(m.Evidence, e)
		}
	}
}

func hasEvidence(es []sbom.Evidence, e sbom.Evidence) bool {
	for _, x := range es {
		if x == e {
			return true
		}
	}
	return false
}

func hasHash(hs []sbom.Hash, h sbom.Hash) bool {
	for _, x := range hs {
		if x == h {
			return true
		}
	}
	return false
}

func hasProp(ps []sbom.Property, p sbom.Property) bool {
	for _, x := range ps {
		if x == p {
			return true
		}
	}
	return false
}

// rootGraph makes the primary component the root of the dependency graph.
// Each group (firmware) component is a child of the primary and depends on
// the components of its own inputs that no other component depends on; the
// primary depends directly on such components of the ungrouped inputs.
// Components whose inputs carry no graph get no dependency entry of their
// own, which CycloneDX reads as "unknown", not "none".
func rootGraph(d *sbom.Document, groups []*sbom.Component, members [][]string) {
	edges := map[string][]string{}
	for _, dep := range d.Dependencies {
		edges[dep.Ref] = dep.DependsOn
	}
	// attach makes from depend on every member that no other member of
	// the same group depends on: a library shared by two firmware images
	// hangs under both.
	attach := func(from string, refs []string) {
		in := map[string]bool{}
		for _, r := range refs {
			in[r] = true
		}
		inbound := map[string]bool{}
		for _, r := range refs {
			for _, to := range edges[r] {
				if in[to] && to != r {
					inbound[to] = true
				}
			}
		}
		set := map[string]bool{}
		for _, r := range refs {
			if !inbound[r] && r != from {
				set[r] = true
			}
		}
		// The root may already have edges of its own (an image that
		// lent itself as the root): add to them, one entry per ref.
		for i := range d.Dependencies {
			if d.Dependencies[i].Ref == from {
				for _, r := range d.Dependencies[i].DependsOn {
					set[r] = true
				}
				d.Dependencies = append(d.Dependencies[:i], d.Dependencies[i+1:]...)
				break
			}
		}
		dep := sbom.Dependency{Ref: from, DependsOn: []string{}}
		for r := range set {
			dep.DependsOn = append(dep.DependsOn, r)
		}
		sort.Strings(dep.DependsOn)
		d.Dependencies = append(d.Dependencies, dep)
	}
	var direct []string
	for i, g := range groups {
		if g == nil {
			direct = append(direct, members[i]...)
			continue
		}
		attach(g.Ref, members[i])
		direct = append(direct, g.Ref)
	}
	if d.Primary != nil {
		attach(d.Primary.Ref, direct)
	}
}
