package buildroot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/premarket/premarket/internal/jsonpos"
	"github.com/premarket/premarket/sbom"
)

var _ sbom.Reader = (*ShowInfoReader)(nil)

// ShowInfoReader reads the JSON of "make show-info": an object keyed by
// package name whose values have type, name, virtual, version, licenses,
// downloads, dependencies, cpe-id and more.
type ShowInfoReader struct{}

// NewShowInfoReader returns a reader of "make show-info" JSON.
func NewShowInfoReader() *ShowInfoReader { return &ShowInfoReader{} }

// Kind implements sbom.Reader.
func (r *ShowInfoReader) Kind() string { return KindShowInfo }

// Detect reports whether head is a JSON object whose entries carry
// show-info's fields.
func (r *ShowInfoReader) Detect(name string, head []byte) bool {
	head = bytes.TrimLeft(trimBOM(head), " \t\r\n")
	return len(head) > 0 && head[0] == '{' &&
		bytes.Contains(head, []byte(`"reverse_dependencies"`)) &&
		(bytes.Contains(head, []byte(`"virtual"`)) || bytes.Contains(head, []byte(`"dl_dir"`)))
}

// showInfoPkg is one value of the show-info object.
type showInfoPkg struct {
	Type      string  `json:"type"`
	Name      string  `json:"name"`
	Virtual   *bool   `json:"virtual"`
	Version   *string `json:"version"`
	Licenses  *string `json:"licenses"`
	Downloads []struct {
		Source string   `json:"source"`
		URIs   []string `json:"uris"`
	} `json:"downloads"`
	Dependencies []string `json:"dependencies"`
	CPEID        *string  `json:"cpe-id"`
}

// Read implements sbom.Reader. Packages of type "target" and "host" that
// are not virtual become components; "rootfs" entries (filesystem images)
// and virtual packages do not, but edges through virtual packages are
// resolved to the packages behind them.
func (r *ShowInfoReader) Read(ctx context.Context, name string, data []byte) (*sbom.Document, error) {
	perr := func(path string, err error) error {
		if path != "" {
			err = fmt.Errorf("%s: %w", path, err)
		}
		return &sbom.ParseError{Kind: "buildroot show-info", File: name, Err: err}
	}
	if len(data) > MaxInputSize {
		return nil, perr("", fmt.Errorf("input is %d bytes, more than the limit of %d", len(data), MaxInputSize))
	}
	var all map[string]showInfoPkg
	if err := json.Unmarshal(trimBOM(data), &all); err != nil {
		return nil, jsonError("buildroot show-info", name, data, err)
	}
	if len(all) == 0 {
		return nil, perr("", errors.New("no packages"))
	}
	if len(all) > MaxPackages {
		return nil, perr("", errors.New("too many packages"))
	}
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	b := newBuilder(KindShowInfo, name)
	doc := &sbom.Document{Format: KindShowInfo, Source: name}
	refOf := map[string]string{} // show-info key -> component ref
	for i, k := range keys {
		if i%4096 == 4095 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		p := all[k]
		if p.Type != "target" && p.Type != "host" {
			continue
		}
		if p.Virtual != nil && *p.Virtual {
			continue
		}
		scope := ScopeTarget
		n := k
		if p.Type == "host" {
			scope = ScopeHost
			n = strings.TrimPrefix(k, "host-")
		}
		if p.Name != "" {
			n = p.Name
		}
		q := pkg{name: n, scope: scope, path: k}
		if p.Version != nil {
			q.version = *p.Version
		}
		if p.Licenses != nil {
			q.licence = *p.Licenses
		}
		if p.CPEID != nil {
			q.cpe = strings.TrimSpace(*p.CPEID)
		}
		if len(p.Downloads) > 0 && len(p.Downloads[0].URIs) > 0 {
			q.downloadURL = joinURL(siteURI(p.Downloads[0].URIs[0]), p.Downloads[0].Source)
		}
		c := b.component(q)
		if _, dup := refOf[k]; dup {
			return nil, perr(k, errors.New("duplicate package"))
		}
		refOf[k] = c.Ref
		doc.Components = append(doc.Components, c)
	}
	if len(doc.Components) == 0 {
		return nil, perr("", errors.New("no non-virtual target or host packages"))
	}
	// Resolve dependencies, looking through virtual packages.
	memo := map[string][]string{}
	var resolve func(k string, depth int) []string
	resolve = func(k string, depth int) []string {
		if ref, ok := refOf[k]; ok {
			return []string{ref}
		}
		if r, ok := memo[k]; ok {
			return r
		}
		memo[k] = nil // breaks cycles
		p, ok := all[k]
		if !ok || p.Virtual == nil || !*p.Virtual || depth > 64 {
			return nil
		}
		var out []string
		for _, d := range p.Dependencies {
			out = append(out, resolve(d, depth+1)...)
		}
		memo[k] = out
		return out
	}
	for _, k := range keys {
		from, ok := refOf[k]
		if !ok {
			continue
		}
		set := map[string]bool{}
		for _, d := range all[k].Dependencies {
			for _, to := range resolve(d, 0) {
				if to != from {
					set[to] = true
				}
			}
		}
		if len(set) == 0 {
			continue
		}
		on := make([]string, 0, len(set))
		for to := range set {
			on = append(on, to)
		}
		doc.Dependencies = append(doc.Dependencies, sbom.Dependency{Ref: from, DependsOn: on})
	}
	doc.SortComponents()
	return doc, nil
}

// siteURI strips show-info's download-method prefix: "https+https://x",
// "https|urlencode+https://x", "git+https://x" -> the URL.
func siteURI(u string) string {
	if i := strings.Index(u, "+"); i >= 0 && !strings.Contains(u[:i], "/") {
		return u[i+1:]
	}
	return u
}

// jsonError turns a JSON decoding error into a ParseError with the line
// where decoding failed and a message in the input's terms.
func jsonError(kind, file string, data []byte, err error) error {
	line, msg, ok := jsonpos.Describe(data, err)
	if !ok {
		line, msg = 0, err
	}
	return &sbom.ParseError{Kind: kind, File: file, Line: line, Err: msg}
}
