// Package generate builds one product SBOM from several inputs: it detects
// each input's kind by content, reads it with the matching sbom.Reader,
// merges and deduplicates the components with their provenance, roots the
// dependency graph at the device, and stamps deterministic metadata.
package generate

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/premarket/premarket/sbom"
)

// Input is one file (or directory of build outputs) to read.
type Input struct {
	Path string
	Kind string // empty: detect by content
}

// Group is a separately built software item of the device (application
// core, network core, boot loader, companion app): it becomes its own
// component under the device, with the components of its inputs beneath it.
type Group struct {
	Component *sbom.Component // Name, Version, Type (firmware or application)...
	Inputs    []Input
}

// Options control generation.
type Options struct {
	// Inputs are read into components directly under the device.
	Inputs []Input
	// Groups are firmware or application components of the device, each
	// with its own inputs.
	Groups  []Group
	Readers []sbom.Reader
	// DirReaders read directory inputs as a whole (nil: none; Readers
	// are then used on the files inside).
	DirReaders []DirReader
	// PathReaders read file inputs from their path, before any file is
	// loaded into memory (firmware images of gigabytes); they are tried
	// before Readers.
	PathReaders []PathReader
	// Primary describes the device or firmware; it becomes
	// metadata.component and the root of the dependency graph.
	Primary  *sbom.Component
	Authors  []string
	Supplier string
	// Timestamp is written as metadata.timestamp (callers honour
	// SOURCE_DATE_EPOCH); it is also mixed into the serial number.
	Timestamp time.Time
	Tool      string // "premarket 0.1.0"
	// MaxInputBytes bounds each input file (default 512 MiB).
	MaxInputBytes int64
	// MaxDirFiles bounds how many files a directory input may hold (default 10,000).
	MaxDirFiles int
}

// ErrNoInput reports that nothing readable was found.
var ErrNoInput = errors.New("no known input")

const headSize = 64 << 10

// Generate reads every input and returns the merged document.
func Generate(ctx context.Context, opts Options) (*sbom.Document, error) {
	if len(opts.Inputs) == 0 && len(opts.Groups) == 0 {
		return nil, fmt.Errorf("%w: give at least one --input (a Yocto license.manifest, Buildroot manifest.csv or show-info JSON, or a CycloneDX/SPDX SBOM)", ErrNoInput)
	}
	if opts.MaxInputBytes <= 0 {
		opts.MaxInputBytes = 512 << 20
	}
	if opts.MaxDirFiles <= 0 {
		opts.MaxDirFiles = 10_000
	}
	var docs []*sbom.Document
	var docGroup []int // index into groups of each doc
	digest := sha256.New()
	groups := []*sbom.Component{nil} // group 0: the ungrouped inputs
	inputs := [][]Input{opts.Inputs}
	for _, g := range opts.Groups {
		c := *g.Component
		if c.Type == "" {
			c.Type = sbom.TypeFirmware
		}
		if c.Ref == "" {
			c.Ref = string(c.Type) + ":" + c.Name
			if c.Version != "" {
				c.Ref += "@" + c.Version
			}
		}
		groups = append(groups, &c)
		inputs = append(inputs, g.Inputs)
		fmt.Fprintf(digest, "group %s\n", c.Ref)
	}
	for gi, ins := range inputs {
		for _, in := range ins {
			files, err := expand(in, opts)
			if err != nil {
				return nil, err
			}
			for _, f := range files {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				doc, sum, err := readOne(ctx, f, opts)
				if err != nil {
					return nil, err
				}
				fmt.Fprintf(digest, "%s %s\n", filepath.ToSlash(f.Path), sum)
				docs = append(docs, doc)
				docGroup = append(docGroup, gi)
			}
		}
	}
	// What each input describes (an image SBOM's image, a west spdx
	// document's Zephyr) is a component like the others, with its own
	// dependencies: the product's root is the device.
	// Within a firmware group, what an input describes is that firmware
	// (a west manifest's own repository, a source tree's root): its edges
	// become the firmware's.
	described := 0
	rootAlias := make([]string, len(docs))
	for di, d := range docs {
		if d.Primary == nil {
			continue
		}
		if gi := docGroup[di]; gi > 0 {
			rootAlias[di] = groups[gi].Ref
			continue
		}
		described++
		d.Components = append([]*sbom.Component{d.Primary}, d.Components...)
	}
	out, perDoc := merge(docs, rootAlias)
	members := make([][]string, len(groups))
	for di, refs := range perDoc {
		members[docGroup[di]] = append(members[docGroup[di]], refs...)
	}
	for _, g := range groups[1:] {
		out.Components = append(out.Components, g)
	}
	out.Format = "CycloneDX"
	out.Authors = append([]string(nil), opts.Authors...)
	out.Supplier = opts.Supplier
	if opts.Tool != "" {
		out.Tools = []string{opts.Tool}
	}
	if !opts.Timestamp.IsZero() {
		out.Timestamp = opts.Timestamp.UTC().Format(time.RFC3339)
	}
	primary := opts.Primary
	if primary == nil && described == 1 && len(opts.Groups) == 0 {
		// Without a device description, the one input that describes a
		// product (an image SBOM, a CycloneDX metadata.component) lends it
		// as the root, keeping its ref and its dependencies.
		for di, d := range docs {
			if d.Primary == nil || len(perDoc[di]) == 0 {
				continue
			}
			ref := perDoc[di][0]
			for i, c := range out.Components {
				if c.Ref == ref {
					out.Components = append(out.Components[:i], out.Components[i+1:]...)
					primary = c
					break
				}
			}
			members[docGroup[di]] = without(members[docGroup[di]], ref)
		}
	}
	if primary != nil {
		p := *primary
		if p.Ref == "" {
			p.Ref = "device:" + p.Name + "@" + p.Version
		}
		if p.Type == "" {
			p.Type = sbom.TypeDevice
		}
		out.Primary = &p
		out.Name = p.Name
		fmt.Fprintf(digest, "primary %s %s %s\n", p.Name, p.Version, p.Type)
	}
	rootGraph(out, groups, members)
	fmt.Fprintf(digest, "time %s\n", out.Timestamp)
	out.SerialNumber = serialFromDigest(digest.Sum(nil))
	out.SortComponents()
	return out, nil
}

// without returns refs less one ref.
func without(refs []string, ref string) []string {
	out := refs[:0:0]
	for _, r := range refs {
		if r != ref {
			out = append(out, r)
		}
	}
	return out
}

// expand turns a directory input into the files in it that some reader
// recognises; a file input is returned as is.
func expand(in Input, opts Options) ([]Input, error) {
	st, err := os.Stat(in.Path)
	if err != nil {
		return nil, fmt.Errorf("input %s: %w", in.Path, errors.Unwrap(err))
	}
	if !st.IsDir() {
		return []Input{in}, nil
	}
	for _, r := range opts.DirReaders {
		if (in.Kind != "" && r.Kind() == in.Kind) || (in.Kind == "" && r.DetectDir(in.Path)) {
			return []Input{{Path: in.Path, Kind: r.Kind()}}, nil
		}
	}
	var found []Input
	count := 0
	err = filepath.WalkDir(in.Path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return nil // never follow links out of the tree
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && p != in.Path {
				return filepath.SkipDir
			}
			return nil
		}
		count++
		if count > opts.MaxDirFiles {
			return fmt.Errorf("input directory %s holds more than %d files; point --input at the build outputs themselves", in.Path, opts.MaxDirFiles)
		}
		head, err := readHead(p)
		if err != nil {
			return err
		}
		if r := detect(opts.Readers, p, head, in.Kind); r != nil {
			found = append(found, Input{Path: p, Kind: r.Kind()})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("input %s: %w: the directory holds no file premarket can read (%s)", in.Path, ErrNoInput, kindList(opts.Readers))
	}
	sort.Slice(found, func(i, j int) bool { return found[i].Path < found[j].Path })
	return found, nil
}

func readHead(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, headSize)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return buf[:n], nil
}

func detect(readers []sbom.Reader, name string, head []byte, kind string) sbom.Reader {
	for _, r := range readers {
		if kind != "" {
			if r.Kind() == kind {
				return r
			}
			continue
		}
		if r.Detect(name, head) {
			return r
		}
	}
	return nil
}

func kindList(readers []sbom.Reader) string {
	var ks []string
	for _, r := range readers {
		ks = append(ks, r.Kind())
	}
	return "known kinds: " + strings.Join(ks, ", ")
}

func readOne(ctx context.Context, in Input, opts Options) (*sbom.Document, string, error) {
	if isDir(in.Path) {
		return readDir(ctx, in, opts)
	}
	if doc, sum, ok, err := readPath(ctx, in, opts); ok || err != nil {
		return doc, sum, err
	}
	f, err := os.Open(in.Path)
	if err != nil {
		return nil, "", fmt.Errorf("input %s: %w", in.Path, errors.Unwrap(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, opts.MaxInputBytes+1))
	if err != nil {
		return nil, "", fmt.Errorf("input %s: %w", in.Path, err)
	}
	if int64(len(data)) > opts.MaxInputBytes {
		return nil, "", fmt.Errorf("input %s: larger than the limit of %d bytes", in.Path, opts.MaxInputBytes)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, "", fmt.Errorf("input %s: file is empty", in.Path)
	}
	head := data
	if len(head) > headSize {
		head = head[:headSize]
	}
	var r sbom.Reader
	if in.Kind != "" {
		r = detect(opts.Readers, in.Path, head, in.Kind)
		if r == nil {
			return nil, "", fmt.Errorf("input %s: unknown --kind %q (%s)", in.Path, in.Kind, kindList(opts.Readers))
		}
	} else {
		r = detect(opts.Readers, in.Path, head, "")
		if r == nil {
			what := "text"
			if bytes.IndexByte(head, 0) >= 0 {
				what = "a binary file"
			}
			return nil, "", fmt.Errorf("input %s: %w: %s that no reader recognises (%s); use --kind to force one", in.Path, ErrNoInput, what, kindList(opts.Readers))
		}
	}
	doc, err := r.Read(ctx, in.Path, data)
	if err != nil {
		return nil, "", err
	}
	if doc.Source == "" {
		doc.Source = in.Path
	}
	sum := sha256.Sum256(data)
	return doc, hex.EncodeToString(sum[:]), nil
}

// serialFromDigest formats the first 16 bytes of a SHA-256 digest as a
// name-based (version 5 layout) UUID URN, so the same inputs always get
// the same serial number and different inputs different ones.
func serialFromDigest(sum []byte) string {
	u := make([]byte, 16)
	copy(u, sum)
	u[6] = (u[6] & 0x0f) | 0x50
	u[8] = (u[8] & 0x3f) | 0x80
	h := hex.EncodeToString(u)
	return "urn:uuid:" + h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// readDir reads a directory input with its DirReader. Its digest, for the
// serial number, covers what was found: every component's identity and
// origin, in order.
func readDir(ctx context.Context, in Input, opts Options) (*sbom.Document, string, error) {
	for _, r := range opts.DirReaders {
		if r.Kind() != in.Kind {
			continue
		}
		doc, err := r.ReadDir(ctx, in.Path)
		if err != nil {
			return nil, "", err
		}
		if doc.Source == "" {
			doc.Source = in.Path
		}
		return doc, docDigest(doc), nil
	}
	return nil, "", fmt.Errorf("input %s: is a directory and no directory reader has kind %q", in.Path, in.Kind)
}

// docDigest digests what a document found, for the serial number of
// inputs that are not read into memory as a whole: every component's
// identity and origin, in order.
func docDigest(doc *sbom.Document) string {
	h := sha256.New()
	for _, c := range doc.Components {
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\n", c.Name, c.Version, c.PURL, c.CPE)
		for _, o := range c.Origins {
			fmt.Fprintf(h, "\t%s:%d %s\n", o.File, o.Line, o.Path)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
