package buildroot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/premarket/premarket/sbom"
)

var _ sbom.Reader = (*PkgStatsReader)(nil)

// PkgStatsReader reads the JSON written by Buildroot's
// "support/scripts/pkg-stats --json". It describes the packages of a
// Buildroot tree (or of one configuration), not what one build installed,
// so its components carry no scope. It gives the licence, current version,
// upstream URL and CPE id of each package; the CVE lists are not read.
type PkgStatsReader struct{}

// NewPkgStatsReader returns a reader of pkg-stats JSON.
func NewPkgStatsReader() *PkgStatsReader { return &PkgStatsReader{} }

// Kind implements sbom.Reader.
func (r *PkgStatsReader) Kind() string { return KindPkgStats }

// Detect reports whether head is a JSON object with pkg-stats' "packages"
// entries.
func (r *PkgStatsReader) Detect(name string, head []byte) bool {
	head = bytes.TrimLeft(trimBOM(head), " \t\r\n")
	return len(head) > 0 && head[0] == '{' && bytes.Contains(head, []byte(`"packages"`)) &&
		bytes.Contains(head, []byte(`"pkg_path"`)) && bytes.Contains(head, []byte(`"current_version"`))
}

type pkgStatsPkg struct {
	License        *string `json:"license"`
	CurrentVersion *string `json:"current_version"`
	URL            *string `json:"url"`
	CPEID          *string `json:"cpeid"`
}

// Read implements sbom.Reader.
func (r *PkgStatsReader) Read(ctx context.Context, name string, data []byte) (*sbom.Document, error) {
	perr := func(err error) error {
		return &sbom.ParseError{Kind: "buildroot pkg-stats", File: name, Err: err}
	}
	if len(data) > MaxInputSize {
		return nil, perr(fmt.Errorf("input is %d bytes, more than the limit of %d", len(data), MaxInputSize))
	}
	var top struct {
		Packages map[string]pkgStatsPkg `json:"packages"`
	}
	if err := json.Unmarshal(trimBOM(data), &top); err != nil {
		return nil, jsonError("buildroot pkg-stats", name, data, err)
	}
	if len(top.Packages) == 0 {
		return nil, perr(errors.New(`no "packages"`))
	}
	if len(top.Packages) > MaxPackages {
		return nil, perr(errors.New("too many packages"))
	}
	keys := make([]string, 0, len(top.Packages))
	for k := range top.Packages {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b := newBuilder(KindPkgStats, name)
	doc := &sbom.Document{Format: KindPkgStats, Source: name}
	for i, k := range keys {
		if i%4096 == 4095 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if strings.TrimSpace(k) == "" {
			return nil, perr(errors.New("package with an empty name"))
		}
		p := top.Packages[k]
		q := pkg{name: k, path: "packages." + k}
		if p.CurrentVersion != nil {
			q.version = *p.CurrentVersion
		}
		if p.License != nil {
			q.licence = *p.License
		}
		if p.CPEID != nil {
			q.cpe = strings.TrimSpace(*p.CPEID)
		}
		if p.URL != nil {
			q.homepage = *p.URL
		}
		doc.Components = append(doc.Components, b.component(q))
	}
	doc.SortComponents()
	return doc, nil
}
