package pkgdb

import (
	"bytes"
	"context"

	"github.com/premarket/premarket/sbom"
)

// statusReader reads one package database file given on its own
// ("premarket sbom generate -i status"). Without the root file system
// there is no os-release: PURLs get the package manager's usual namespace
// (debian, openwrt, alpine) and no distro qualifier, and dpkg packages get
// no file lists.
type statusReader struct {
	kind  string
	typ   DBType
	parse func([]byte) ([]Package, error)
	// detect looks at the first stanza's field names.
	detect func(head []byte) bool
}

// NewDpkgStatusReader returns the sbom.Reader of a dpkg status file (kind
// "dpkg-status"). Detection: the first stanza has Package and Version
// fields and Status or Maintainer, and none of opkg's Installed-Time or
// Auto-Installed fields.
func NewDpkgStatusReader() sbom.Reader {
	return &statusReader{kind: KindDpkgStatus, typ: Dpkg, parse: ParseDpkgStatus, detect: func(h []byte) bool {
		f := firstStanzaFields(h)
		return f["package"] && f["version"] && (f["status"] || f["maintainer"]) && !f["installed-time"] && !f["auto-installed"]
	}}
}

// NewOpkgStatusReader returns the sbom.Reader of an opkg status file
// (kind "opkg-status"). Detection: the first stanza has Package and
// Version fields and opkg's Installed-Time field, or Status with opkg's
// "user" flag, or Auto-Installed.
func NewOpkgStatusReader() sbom.Reader {
	return &statusReader{kind: KindOpkgStatus, typ: Opkg, parse: ParseOpkgStatus, detect: func(h []byte) bool {
		f := firstStanzaFields(h)
		return f["package"] && f["version"] && (f["installed-time"] || f["auto-installed"] || bytes.Contains(h, []byte("\nStatus: install user ")))
	}}
}

// NewAPKInstalledReader returns the sbom.Reader of apk's installed
// database (kind "apk-installed"). Detection: every line of the first
// entry is "X:value", with P: and V: among them.
func NewAPKInstalledReader() sbom.Reader {
	return &statusReader{kind: KindAPKInstalled, typ: APK, parse: ParseAPKInstalled, detect: detectAPK}
}

func (r *statusReader) Kind() string                         { return r.kind }
func (r *statusReader) Detect(name string, head []byte) bool { return r.detect(head) }

// Read parses the file and builds its document.
func (r *statusReader) Read(ctx context.Context, name string, data []byte) (*sbom.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	pkgs, err := r.parse(data)
	if err != nil {
		return nil, parseError(formatNames[r.kind], name, err)
	}
	doc := BuildDocument(name, []DB{{Type: r.typ, Kind: r.kind, File: name, Packages: pkgs}}, nil)
	return doc, nil
}

// firstStanzaFields returns the lower-case field names of the first
// stanza of a control file head.
func firstStanzaFields(head []byte) map[string]bool {
	out := map[string]bool{}
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	started := false
	for _, ln := range bytes.Split(head, []byte("\n")) {
		ln = bytes.TrimSuffix(ln, []byte("\r"))
		if len(bytes.TrimSpace(ln)) == 0 {
			if started {
				break
			}
			continue
		}
		started = true
		if ln[0] == ' ' || ln[0] == '\t' || ln[0] == '#' {
			continue
		}
		i := bytes.IndexByte(ln, ':')
		if i <= 0 || bytes.ContainsAny(ln[:i], " \t") {
			return map[string]bool{}
		}
		out[string(bytes.ToLower(ln[:i]))] = true
	}
	return out
}

func detectAPK(head []byte) bool {
	var p, v bool
	started := false
	for _, ln := range bytes.Split(head, []byte("\n")) {
		ln = bytes.TrimSuffix(ln, []byte("\r"))
		if len(bytes.TrimSpace(ln)) == 0 {
			if started {
				break
			}
			continue
		}
		started = true
		if len(ln) < 2 || ln[1] != ':' || !(ln[0] >= 'a' && ln[0] <= 'z' || ln[0] >= 'A' && ln[0] <= 'Z') {
			return false
		}
		p = p || ln[0] == 'P'
		v = v || ln[0] == 'V'
	}
	return p && v
}
