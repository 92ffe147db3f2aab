// Package image reads what a device really ships — a root file system
// directory or a firmware image (tar, cpio, squashfs, ext, FAT, zip,
// uImage, FIT, in any nesting and compression) — into one sbom.Document.
//
// One imagescan.Scan walks the input and hands every file to two visitors
// at once: the package-database Collector (sbom/source/pkgdb) and binary
// identification (binid). The document then holds
//
//   - the installed packages of every root file system found in the image,
//     as their package managers record them;
//   - components identified in binaries that no package owns (vendor blobs,
//     overlays, statically linked copies, firmware payloads). A match in a
//     file that an installed package owns is dropped: the package already
//     accounts for the file, and reporting it again would list the same
//     software twice under two names;
//   - every part of the image the scan could not look into (an UBI volume,
//     an encrypted blob, a limit that was hit) as a component of type
//     "file" named by its provenance path, with the property
//     premarket:image:not-checked giving the reason (and
//     premarket:image:limit the limit, when one was hit). They are
//     components, not document metadata, so that they survive every SBOM
//     format, show in `sbom check` and are reported by `sbom drift`
//     (DRIFT-NOT-CHECKED).
package image

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/premarket/premarket/binid"
	"github.com/premarket/premarket/imagescan"
	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/source/pkgdb"
)

// Kinds of input (generate --kind values and Origin kinds).
const (
	// KindRootFS is a root file system given as a directory.
	KindRootFS = "rootfs"
	// KindFirmwareImage is an image or archive file, found by its magic
	// numbers.
	KindFirmwareImage = "firmware-image"
)

// Property names written on components.
const (
	// PropNotChecked marks a part of the image premarket could not look
	// into; its value is the reason.
	PropNotChecked = "premarket:image:not-checked"
	// PropLimit names the scan limit that was hit (total-bytes, ratio,
	// depth, entries, file-size), on not-checked components.
	PropLimit = "premarket:image:limit"
	// PropRoot names the root file system (provenance path) a package
	// database component was read from.
	PropRoot = "premarket:image:root"
)

// MaxNotChecked bounds the not-checked components of one document; the
// rest are counted in one last component so that an image of a million
// escaping tar entries does not make a million components.
const MaxNotChecked = 1000

// Options configure one read.
type Options struct {
	// Limits bound the scan (zero fields: imagescan's defaults).
	Limits imagescan.Limits
	// Progress, when set, is called with the bytes read so far and the
	// total (see imagescan.Options.Progress).
	Progress func(done, total int64)
	// Identifier is the compiled binid table (nil: compiled on first use
	// by Read; pass one to share it across reads).
	Identifier *binid.Identifier
}

// Read scans input (a directory or an image file) and returns its
// document. kind is the Origin kind of the not-checked components
// (KindRootFS or KindFirmwareImage). Errors of single package databases
// do not stop the read: they are joined into the returned error only when
// nothing at all could be read; otherwise the damaged database is listed
// as not checked.
func Read(ctx context.Context, input, kind string, opts Options) (*sbom.Document, error) {
	id := opts.Identifier
	if id == nil {
		var err error
		if id, err = binid.New(); err != nil {
			return nil, fmt.Errorf("%s %s: %w", kind, input, err)
		}
	}
	pc := pkgdb.NewCollector()
	bc := id.Collector()
	// A directory's package databases are read before the walk, so that
	// files the packages own — and everything nested in them, such as
	// compressed changelogs — are not identified only to be dropped
	// afterwards, nor opened. Unowned files are still identified. For an
	// image file, ownership is known only after the walk (matches in owned
	// files are dropped then); package-manager state is skipped in both.
	so := &skipOwned{owned: preOwned(input), next: bc}
	var slow imagescan.Visitor = so
	opaque := so.isOwned
	v := newParallelVisitor(ctx, pc, slow)
	res, err := imagescan.Scan(ctx, input, imagescan.Options{Limits: opts.Limits, Progress: opts.Progress, Opaque: opaque}, v)
	if werr := v.wait(); err == nil {
		err = werr
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", kind, input, err)
	}
	pdocs, perr := pc.Documents()
	return build(input, kind, res, pdocs, perr, pc.OwnedFiles(), bc.Found()), nil
}

// build assembles the document from what the scan collected. It is pure,
// so that tests can feed it directly.
func build(input, kind string, res *imagescan.Result, pdocs []*sbom.Document, perr error, owned map[string]pkgdb.FileSet, found []binid.Found) *sbom.Document {
	doc := &sbom.Document{Format: kind, Name: filepath.Base(input), Source: input}
	// Package databases, one document per root; refs are made unique
	// across roots.
	for ri, pd := range pdocs {
		prefix := ""
		if len(pdocs) > 1 {
			prefix = fmt.Sprintf("root%d:", ri+1)
		}
		for _, c := range pd.Components {
			cp := *c
			cp.Ref = prefix + c.Ref
			if len(pdocs) > 1 {
				cp.Properties = append(append([]sbom.Property(nil), c.Properties...), sbom.Property{Name: PropRoot, Value: pd.Source})
			}
			doc.Components = append(doc.Components, &cp)
		}
		for _, d := range pd.Dependencies {
			nd := sbom.Dependency{Ref: prefix + d.Ref}
			for _, on := range d.DependsOn {
				nd.DependsOn = append(nd.DependsOn, prefix+on)
			}
			doc.Dependencies = append(doc.Dependencies, nd)
		}
	}
	// Binary identification, without files a package owns.
	var unowned []binid.Found
	for _, f := range found {
		if owned[f.Root].Has(f.Name) {
			continue
		}
		unowned = append(unowned, f)
	}
	doc.Components = append(doc.Components, binid.Components(unowned)...)
	// Everything not looked into.
	var skipped []imagescan.Skipped
	if res != nil {
		skipped = append(skipped, res.Skipped...)
	}
	for _, e := range splitErrors(perr) {
		skipped = append(skipped, imagescan.Skipped{Path: e.path, Reason: e.reason})
	}
	doc.Components = append(doc.Components, notChecked(kind, skipped)...)
	doc.SortComponents()
	return doc
}

// notChecked turns Skipped records into file components, one per
// provenance path (reasons of the same path joined), at most
// MaxNotChecked of them.
func notChecked(kind string, skipped []imagescan.Skipped) []*sbom.Component {
	type entry struct {
		reasons []string
		limit   string
	}
	byPath := map[string]*entry{}
	var paths []string
	for _, s := range skipped {
		e := byPath[s.Path]
		if e == nil {
			e = &entry{}
			byPath[s.Path] = e
			paths = append(paths, s.Path)
		}
		if !contains(e.reasons, s.Reason) {
			e.reasons = append(e.reasons, s.Reason)
		}
		if e.limit == "" {
			e.limit = s.Limit
		}
	}
	sort.Strings(paths)
	var out []*sbom.Component
	for i, p := range paths {
		if i == MaxNotChecked {
			rest := len(paths) - i
			c := &sbom.Component{Ref: "not-checked:more", Type: sbom.TypeFile,
				Name:    fmt.Sprintf("%d more parts of the image not checked", rest),
				Origins: []sbom.Origin{{Kind: kind, File: p}}}
			c.SetProperty(PropNotChecked, fmt.Sprintf("%d further paths not checked (first: %s); only the first %d are listed", rest, p, MaxNotChecked))
			out = append(out, c)
			break
		}
		e := byPath[p]
		c := &sbom.Component{Ref: "not-checked:" + p, Type: sbom.TypeFile, Name: p,
			Description: "part of the image premarket could not look into",
			Origins:     []sbom.Origin{{Kind: kind, File: p}}}
		c.SetProperty(PropNotChecked, strings.Join(e.reasons, "; "))
		if e.limit != "" {
			c.SetProperty(PropLimit, e.limit)
		}
		out = append(out, c)
	}
	return out
}

type pathReason struct{ path, reason string }

// splitErrors turns the joined errors of pkgdb.Collector.Documents into
// (path, reason) pairs; a *sbom.ParseError names its file.
func splitErrors(err error) []pathReason {
	if err == nil {
		return nil
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	var out []pathReason
	for _, e := range errs {
		if pe, ok := e.(*sbom.ParseError); ok {
			out = append(out, pathReason{path: pe.File, reason: "package database not read: " + pe.Error()})
			continue
		}
		p := e.Error()
		if i := strings.Index(p, ": "); i > 0 {
			p = p[:i]
		}
		out = append(out, pathReason{path: p, reason: "package database not read: " + e.Error()})
	}
	return out
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// IsNotChecked reports whether c stands for a part of an image that was
// not looked into, and why.
func IsNotChecked(c *sbom.Component) (reason string, ok bool) {
	return c.Property(PropNotChecked)
}
