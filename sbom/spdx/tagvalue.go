package spdx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/premarket/premarket/sbom"
)

// TagValueReader reads SPDX 2.2 and 2.3 tag-value documents (kind
// "spdx-tag-value"): "Tag: Value" lines, values spanning lines inside
// <text>...</text>, '#' comment lines.
type TagValueReader struct{ Options ReadOptions }

var _ sbom.Reader = (*TagValueReader)(nil)

// Kind implements sbom.Reader.
func (*TagValueReader) Kind() string { return KindTagValue }

var tvMarker = regexp.MustCompile(`(?m)^\s*SPDXVersion\s*:\s*SPDX-2\.`)

// Detect implements sbom.Reader: a "SPDXVersion: SPDX-2.x" line.
func (*TagValueReader) Detect(_ string, head []byte) bool {
	t := bytes.TrimLeft(head, " \t\r\n\ufeff")
	return len(t) > 0 && t[0] != '{' && t[0] != '<' && tvMarker.Match(head)
}

// section says which element the following tags describe.
type section int

const (
	inDocument section = iota
	inPackage
	inFile
	inOther // snippets, extracted licences, annotations: skipped
)

// Read implements sbom.Reader.
func (r *TagValueReader) Read(ctx context.Context, name string, data []byte) (*sbom.Document, error) {
	perr := func(line int, err error) error {
		return &sbom.ParseError{Kind: "SPDX tag-value", File: name, Line: line, Err: err}
	}
	if err := sbom.CheckInput("SPDX tag-value", name, data, r.Options.maxBytes()); err != nil {
		return nil, err
	}
	if !utf8.Valid(data) {
		return nil, perr(0, errors.New("file is not UTF-8 text"))
	}
	var d document
	sec := inDocument
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		lineNo := i + 1
		line := strings.TrimRight(lines[i], "\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		tag, val, ok := strings.Cut(line, ":")
		tag = strings.TrimSpace(tag)
		if !ok || tag == "" || strings.ContainsAny(tag, " \t") {
			return nil, perr(lineNo, fmt.Errorf("want \"Tag: Value\", got %q", clip(trimmed)))
		}
		val = strings.TrimSpace(val)
		// A <text> value may span lines up to </text>.
		if strings.HasPrefix(val, "<text>") {
			start := lineNo
			rest := strings.TrimPrefix(val, "<text>")
			var b strings.Builder
			for {
				if j := strings.Index(rest, "</text>"); j >= 0 {
					b.WriteString(rest[:j])
					break
				}
				b.WriteString(rest)
				i++
				if i >= len(lines) {
					return nil, perr(start, fmt.Errorf("%s: <text> is never closed by </text>", tag))
				}
				b.WriteByte('\n')
				rest = strings.TrimRight(lines[i], "\r")
			}
			val = strings.TrimSpace(b.String())
		}
		if err := r.apply(&d, &sec, tag, val, lineNo); err != nil {
			return nil, perr(lineNo, err)
		}
	}
	if !strings.HasPrefix(d.SPDXVersion, "SPDX-2.") {
		return nil, perr(1, fmt.Errorf("no \"SPDXVersion: SPDX-2.x\" line (got %q)", d.SPDXVersion))
	}
	at := func(path string) (int, int) {
		kind, n, ok := parsePath(path)
		switch {
		case !ok:
		case kind == "packages" && n < len(d.Packages):
			return d.Packages[n].line, 1
		case kind == "files" && n < len(d.Files):
			return d.Files[n].line, 1
		}
		return 0, 0
	}
	return toDocument(&d, name, KindTagValue, r.Options, at), nil
}

// apply records one tag in the element the current section describes.
func (r *TagValueReader) apply(d *document, sec *section, tag, val string, line int) error {
	var p *pkg
	var f *file
	switch tag {
	case "PackageName":
		d.Packages = append(d.Packages, pkg{Name: val, line: line})
		*sec = inPackage
		return nil
	case "FileName":
		d.Files = append(d.Files, file{FileName: val, line: line})
		*sec = inFile
		return nil
	case "SnippetSPDXID", "LicenseID", "Annotator":
		*sec = inOther
		return nil
	case "Relationship":
		fields := strings.Fields(val)
		if len(fields) < 3 {
			return fmt.Errorf("Relationship: want \"<element> <TYPE> <element>\", got %q", clip(val))
		}
		d.Relationships = append(d.Relationships, relation{SPDXElementID: fields[0], RelationshipType: fields[1], RelatedSPDXElement: fields[2]})
		return nil
	}
	switch *sec {
	case inPackage:
		p = &d.Packages[len(d.Packages)-1]
	case inFile:
		f = &d.Files[len(d.Files)-1]
	case inOther:
		return nil
	}
	switch {
	case p != nil:
		switch tag {
		case "SPDXID":
			p.SPDXID = val
		case "PackageVersion":
			p.VersionInfo = val
		case "PackageSupplier":
			p.Supplier = val
		case "PackageOriginator":
			p.Originator = val
		case "PackageDownloadLocation":
			p.DownloadLocation = val
		case "PackageHomePage":
			p.Homepage = val
		case "PackageLicenseConcluded":
			p.LicenseConcluded = val
		case "PackageLicenseDeclared":
			p.LicenseDeclared = val
		case "PackageDescription":
			p.Description = val
		case "PackageSummary":
			p.Summary = val
		case "PrimaryPackagePurpose":
			p.PrimaryPackagePurpose = val
		case "PackageChecksum":
			c, err := parseChecksum(tag, val)
			if err != nil {
				return err
			}
			p.Checksums = append(p.Checksums, c)
		case "ExternalRef":
			fields := strings.Fields(val)
			if len(fields) < 3 {
				return fmt.Errorf("ExternalRef: want \"<category> <type> <locator>\", got %q", clip(val))
			}
			p.ExternalRefs = append(p.ExternalRefs, externalRef{ReferenceCategory: fields[0], ReferenceType: fields[1], ReferenceLocator: fields[2]})
		}
	case f != nil:
		switch tag {
		case "SPDXID":
			f.SPDXID = val
		case "LicenseConcluded":
			f.LicenseConcluded = val
		case "FileChecksum":
			c, err := parseChecksum(tag, val)
			if err != nil {
				return err
			}
			f.Checksums = append(f.Checksums, c)
		}
	default:
		switch tag {
		case "SPDXVersion":
			d.SPDXVersion = val
		case "SPDXID":
			d.SPDXID = val
		case "DocumentName":
			d.Name = val
		case "DocumentNamespace":
			d.DocumentNamespace = val
		case "Creator":
			d.CreationInfo.Creators = append(d.CreationInfo.Creators, val)
		case "Created":
			d.CreationInfo.Created = val
		}
	}
	return nil
}

// parseChecksum reads "SHA256: 0123…".
func parseChecksum(tag, val string) (checksum, error) {
	alg, v, ok := strings.Cut(val, ":")
	if !ok || strings.TrimSpace(alg) == "" || strings.TrimSpace(v) == "" {
		return checksum{}, fmt.Errorf("%s: want \"<algorithm>: <value>\", got %q", tag, clip(val))
	}
	return checksum{Algorithm: strings.TrimSpace(alg), ChecksumValue: strings.TrimSpace(v)}, nil
}

func parsePath(p string) (kind string, n int, ok bool) {
	i := strings.IndexByte(p, '[')
	if i < 0 || !strings.HasSuffix(p, "]") {
		return "", 0, false
	}
	n, err := strconv.Atoi(p[i+1 : len(p)-1])
	return p[:i], n, err == nil
}

// clip shortens text quoted in an error.
func clip(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}
