package pkgdb

import (
	"bytes"
	"fmt"
	"path"
	"strconv"
	"strings"
)

// field is one "Key: value" field of a control stanza.
type field struct {
	key   string // as written
	value string // continuation lines joined with "\n"
	line  int
	more  []string // continuation lines while parsing
	size  int      // bytes of value and more
}

// stanza is one paragraph of a control file.
type stanza struct {
	line   int
	fields []field
}

// get returns the value of the first field named key (case-insensitive,
// as dpkg compares field names).
func (s *stanza) get(key string) string {
	for i := range s.fields {
		if strings.EqualFold(s.fields[i].key, key) {
			return s.fields[i].value
		}
	}
	return ""
}

// parseStanzas splits a deb822-style control file (dpkg status, opkg
// status, control files) into stanzas. Paragraphs are separated by blank
// lines; a line starting with space or tab continues the previous field;
// lines starting with "#" are comments. Anything else must be
// "Key: value".
func parseStanzas(data []byte) ([]stanza, error) {
	if len(data) > MaxInputSize {
		return nil, &syntaxError{Msg: fmt.Sprintf("%d bytes: %v (limit %d)", len(data), ErrTooLarge, MaxInputSize), Err: ErrTooLarge}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var out []stanza
	var cur *stanza
	lineNo := 0
	for len(data) > 0 {
		lineNo++
		var ln []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			ln, data = data[:i], data[i+1:]
		} else {
			ln, data = data, nil
		}
		if len(ln) > MaxLineLen {
			return nil, &syntaxError{Line: lineNo, Msg: fmt.Sprintf("line of %d bytes: %v (limit %d)", len(ln), ErrTooLarge, MaxLineLen), Err: ErrTooLarge}
		}
		ln = bytes.TrimSuffix(ln, []byte("\r"))
		if len(bytes.TrimSpace(ln)) == 0 {
			cur = nil
			continue
		}
		if ln[0] == '#' && cur == nil {
			continue
		}
		if ln[0] == ' ' || ln[0] == '\t' {
			if cur == nil || len(cur.fields) == 0 {
				return nil, &syntaxError{Line: lineNo, Msg: "continuation line outside a field"}
			}
			f := &cur.fields[len(cur.fields)-1]
			f.size += len(ln) + 1
			if f.size > MaxLineLen*4 {
				return nil, &syntaxError{Line: lineNo, Msg: fmt.Sprintf("field %s: %v", f.key, ErrTooLarge), Err: ErrTooLarge}
			}
			f.more = append(f.more, string(bytes.TrimSpace(ln)))
			continue
		}
		colon := bytes.IndexByte(ln, ':')
		if colon <= 0 {
			return nil, &syntaxError{Line: lineNo, Msg: fmt.Sprintf("expected \"Field: value\", got %q", truncate(string(ln), 60))}
		}
		key := string(bytes.TrimSpace(ln[:colon]))
		if key == "" || strings.ContainsAny(key, " \t") {
			return nil, &syntaxError{Line: lineNo, Msg: fmt.Sprintf("invalid field name %q", truncate(key, 60))}
		}
		if cur == nil {
			if len(out) >= MaxPackages {
				return nil, &syntaxError{Line: lineNo, Msg: fmt.Sprintf("more than %d stanzas: %v", MaxPackages, ErrTooLarge), Err: ErrTooLarge}
			}
			out = append(out, stanza{line: lineNo})
			cur = &out[len(out)-1]
		}
		v := string(bytes.TrimSpace(ln[colon+1:]))
		cur.fields = append(cur.fields, field{key: key, value: v, line: lineNo, size: len(v)})
	}
	// Join continuation lines once, so that a long multi-line field costs
	// linear time.
	for i := range out {
		for j := range out[i].fields {
			f := &out[i].fields[j]
			if len(f.more) > 0 {
				f.value = f.value + "\n" + strings.Join(f.more, "\n")
				f.more = nil
			}
		}
	}
	return out, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// ParseDpkgStatus parses a dpkg status file (var/lib/dpkg/status) or one
// distroless status.d file. Every stanza is returned, installed or not;
// see Package.Installed.
func ParseDpkgStatus(data []byte) ([]Package, error) { return parseControlDB(data, Dpkg) }

// ParseOpkgStatus parses an opkg status file (usr/lib/opkg/status) or an
// opkg info/<pkg>.control file.
func ParseOpkgStatus(data []byte) ([]Package, error) { return parseControlDB(data, Opkg) }

func parseControlDB(data []byte, t DBType) ([]Package, error) {
	st, err := parseStanzas(data)
	if err != nil {
		return nil, err
	}
	out := make([]Package, 0, len(st))
	for i := range st {
		p, err := controlPackage(&st[i], t)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// installedStates are the dpkg/opkg states whose files are on disk.
var installedStates = map[string]bool{
	"installed": true, "triggers-awaited": true, "triggers-pending": true,
	"half-configured": true, "unpacked": true,
}

func controlPackage(s *stanza, t DBType) (Package, error) {
	p := Package{Type: t, Line: s.line, Installed: true}
	p.Name = s.get("Package")
	if p.Name == "" {
		return p, &syntaxError{Line: s.line, Msg: "stanza has no Package field"}
	}
	if strings.ContainsAny(p.Name, " \t\n/") {
		return p, &syntaxError{Line: s.line, Msg: fmt.Sprintf("Package %q: invalid name", truncate(p.Name, 60))}
	}
	p.Version = s.get("Version")
	if i := strings.IndexByte(p.Version, ':'); i > 0 && isDigits(p.Version[:i]) {
		p.Epoch = p.Version[:i]
	}
	p.Arch = s.get("Architecture")
	src := s.get("Source")
	if i := strings.IndexByte(src, '('); i >= 0 {
		p.SourceVersion = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(src[i+1:]), ")"))
		src = src[:i]
	}
	p.Source = strings.TrimSpace(src)
	if sn := s.get("SourceName"); t == Opkg && sn != "" {
		// OpenWrt writes Source as a build-tree path and the source
		// package's name as SourceName.
		p.Source = sn
	}
	p.License = s.get("License")
	p.Maintainer = s.get("Maintainer")
	p.Homepage = s.get("Homepage")
	desc := s.get("Description")
	if i := strings.IndexByte(desc, '\n'); i >= 0 {
		desc = desc[:i]
	}
	p.Description = desc
	for _, k := range []string{"Pre-Depends", "Depends"} {
		p.Depends = append(p.Depends, parseRelations(s.get(k))...)
	}
	for _, g := range parseRelations(s.get("Provides")) {
		p.Provides = append(p.Provides, g...)
	}
	if st := s.get("Status"); st != "" {
		p.Status = st
		w := strings.Fields(st)
		if len(w) != 3 {
			return p, &syntaxError{Line: fieldLine(s, "Status"), Msg: fmt.Sprintf("Package %s: Status %q: want \"<want> <flag> <state>\"", p.Name, truncate(st, 60))}
		}
		p.Want, p.Flags, p.State = w[0], strings.Split(w[1], ","), w[2]
		p.Installed = installedStates[p.State]
	}
	p.Essential = strings.EqualFold(s.get("Essential"), "yes")
	p.AutoInstalled = strings.EqualFold(s.get("Auto-Installed"), "yes")
	if alt := s.get("Alternatives"); alt != "" {
		for _, a := range strings.Split(alt, ",") {
			a = strings.TrimSpace(a)
			if a == "" {
				continue
			}
			parts := strings.SplitN(a, ":", 3)
			if len(parts) != 3 {
				return p, &syntaxError{Line: fieldLine(s, "Alternatives"), Msg: fmt.Sprintf("Package %s: alternative %q: want prio:link:target", p.Name, truncate(a, 60))}
			}
			prio, err := strconv.Atoi(parts[0])
			if err != nil {
				return p, &syntaxError{Line: fieldLine(s, "Alternatives"), Msg: fmt.Sprintf("Package %s: alternative %q: priority is not a number", p.Name, truncate(a, 60))}
			}
			p.Alternatives = append(p.Alternatives, Alternative{Priority: prio, Link: cleanAbs(parts[1]), Target: parts[2]})
		}
	}
	if cf := s.get("Conffiles"); cf != "" {
		for _, l := range strings.Split(cf, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				p.Conffiles = append(p.Conffiles, l)
			}
		}
	}
	return p, nil
}

func fieldLine(s *stanza, key string) int {
	for _, f := range s.fields {
		if strings.EqualFold(f.key, key) {
			return f.line
		}
	}
	return s.line
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseRelations parses a dpkg relation field ("a (>= 1) | b, c:any [amd64]")
// into groups of alternative package names, dropping version constraints,
// architecture qualifiers and restriction lists.
func parseRelations(v string) [][]string {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	var out [][]string
	for _, grp := range strings.Split(v, ",") {
		var alts []string
		for _, a := range strings.Split(grp, "|") {
			if n := relationName(a); n != "" {
				alts = append(alts, n)
			}
		}
		if len(alts) > 0 {
			out = append(out, alts)
		}
	}
	return out
}

func relationName(a string) string {
	a = strings.TrimSpace(a)
	if i := strings.IndexAny(a, " \t\n(<[=>"); i >= 0 {
		a = a[:i]
	}
	if i := strings.IndexByte(a, ':'); i >= 0 {
		a = a[:i]
	}
	return a
}

// ParseFileList parses a dpkg or opkg info/<pkg>.list file: one absolute
// path per line (opkg may add a tab and the file mode). Paths are
// cleaned; "/." (dpkg's entry for the root directory) is dropped.
func ParseFileList(data []byte) ([]string, error) {
	if len(data) > MaxInputSize {
		return nil, &syntaxError{Msg: fmt.Sprintf("%d bytes: %v (limit %d)", len(data), ErrTooLarge, MaxInputSize), Err: ErrTooLarge}
	}
	var out []string
	lineNo := 0
	for len(data) > 0 {
		lineNo++
		var ln []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			ln, data = data[:i], data[i+1:]
		} else {
			ln, data = data, nil
		}
		if i := bytes.IndexByte(ln, '\t'); i >= 0 {
			ln = ln[:i]
		}
		s := strings.TrimSpace(string(ln))
		if s == "" {
			continue
		}
		if len(out) >= MaxFiles {
			return nil, &syntaxError{Line: lineNo, Msg: fmt.Sprintf("more than %d files: %v", MaxFiles, ErrTooLarge), Err: ErrTooLarge}
		}
		if c := cleanAbs(s); c != "/" {
			out = append(out, c)
		}
	}
	return out, nil
}

// cleanAbs makes p a cleaned absolute slash path.
func cleanAbs(p string) string { return path.Clean("/" + strings.TrimSpace(p)) }
