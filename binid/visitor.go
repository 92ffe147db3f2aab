package binid

import (
	"fmt"
	"sort"
	"strconv"
	"sync"

	"github.com/premarket/premarket/imagescan"
	"github.com/premarket/premarket/sbom"
)

// Found is a match together with the provenance of the file it was found
// in.
type Found struct {
	// Path is the provenance path, e.g. "rootfs.tar.gz!/usr/bin/busybox".
	Path string `json:"path"`
	// Name is the path inside the innermost root file system.
	Name string `json:"name"`
	// Root identifies the innermost root file system.
	Root string `json:"root"`
	Match
}

// Collector is an imagescan.Visitor that identifies every regular file it
// is handed and collects the matches with their provenance. It is safe
// for concurrent VisitFile calls.
type Collector struct {
	id    *Identifier
	mu    sync.Mutex
	found []Found
}

var _ imagescan.Visitor = (*Collector)(nil)

// Collector returns a new imagescan visitor using id.
func (id *Identifier) Collector() *Collector { return &Collector{id: id} }

// VisitFile identifies one file. Symlinks and files without content are
// skipped. It keeps no reference to data.
func (c *Collector) VisitFile(f *imagescan.File, data []byte) error {
	if data == nil || !f.Mode.IsRegular() && f.Mode.Type() != 0 {
		return nil
	}
	name := f.Path
	if name == "" {
		name = f.Name
	}
	ms := c.id.Identify(name, data)
	if len(ms) == 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range ms {
		c.found = append(c.found, Found{Path: f.Path, Name: f.Name, Root: f.Root, Match: m})
	}
	return nil
}

// Found returns the collected matches sorted by path, component and
// version.
func (c *Collector) Found() []Found {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := append([]Found(nil), c.found...)
	sortFound(out)
	return out
}

func sortFound(fs []Found) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Component != b.Component {
			return a.Component < b.Component
		}
		if a.Version != b.Version {
			return a.Version < b.Version
		}
		return a.Signature < b.Signature
	})
}

// maxComponentEvidence bounds the evidence entries kept per component
// (every occurrence is still listed in Origins).
const maxComponentEvidence = 32

// OriginKind is the sbom.Origin kind of components found in binaries.
const OriginKind = "binary-identification"

// Components turns matches into SBOM components, one per component name
// and version across all files. A version-less match (a SONAME without
// version text, such as libssl.so.3 next to libcrypto.so.3) is folded into
// the versioned component of the same name found in the same root file
// system when there is exactly one. Each file is an Origin; each
// observation becomes an sbom.Evidence with a CycloneDX identity technique
// ("binary-analysis", "filename", "manifest-analysis"). The result is
// sorted by name and version.
func Components(found []Found) []*sbom.Component {
	fs := append([]Found(nil), found...)
	sortFound(fs)
	versions := map[[2]string]map[string]bool{} // (root, component) -> versions
	for _, f := range fs {
		if f.Version == "" {
			continue
		}
		k := [2]string{f.Root, f.Component}
		if versions[k] == nil {
			versions[k] = map[string]bool{}
		}
		versions[k][f.Version] = true
	}
	type key struct{ name, version string }
	byKey := map[key]*sbom.Component{}
	var order []key
	add := func(k key, f Found) {
		c := byKey[k]
		if c == nil {
			c = &sbom.Component{Ref: "binid:" + k.name + "@" + k.version, Type: sbom.ComponentType(f.Type),
				Name: f.Component, Version: k.version, PURL: f.PURL, CPE: f.CPE}
			byKey[k] = c
			order = append(order, k)
		}
		c.Origins = appendOrigin(c.Origins, sbom.Origin{Kind: OriginKind, File: f.Path})
		for _, e := range f.Evidence {
			if len(c.Evidence) >= maxComponentEvidence {
				break
			}
			c.Evidence = append(c.Evidence, sbom.Evidence{Method: technique(e.Method), Confidence: f.Confidence, Location: location(e), Text: e.Text})
		}
		if conf, ok := c.Property("premarket:binid:confidence"); !ok || parseConf(conf) < f.Confidence {
			c.SetProperty("premarket:binid:confidence", strconv.FormatFloat(f.Confidence, 'f', 2, 64))
		}
		if _, ok := c.Property("premarket:binid:signature"); !ok {
			c.SetProperty("premarket:binid:signature", f.Signature)
		}
	}
	// Versioned (and unfoldable version-less) matches first, so that the
	// fold target exists with its own PURL and CPE.
	var deferred []Found
	for _, f := range fs {
		if f.Version == "" && len(versions[[2]string{f.Root, f.Component}]) == 1 {
			deferred = append(deferred, f)
			continue
		}
		add(key{f.Component, f.Version}, f)
	}
	for _, f := range deferred {
		for v := range versions[[2]string{f.Root, f.Component}] {
			add(key{f.Component, v}, f)
		}
	}
	out := make([]*sbom.Component, 0, len(order))
	for _, k := range order {
		out = append(out, byKey[k])
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Version < out[j].Version
	})
	return out
}

func parseConf(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

func appendOrigin(l []sbom.Origin, o sbom.Origin) []sbom.Origin {
	for _, x := range l {
		if x == o {
			return l
		}
	}
	return append(l, o)
}

// technique maps an evidence method to a CycloneDX identity technique.
func technique(method string) string {
	switch method {
	case "filename":
		return "filename"
	case "go-buildinfo", "cargo-auditable":
		return "manifest-analysis"
	}
	return "binary-analysis"
}

func location(e Evidence) string {
	l := e.File
	if e.Offset >= 0 {
		l += fmt.Sprintf("@0x%x", e.Offset)
	}
	if e.Section != "" {
		l += "#" + e.Section
	}
	return l
}
