package binid

import (
	"bytes"
	"path"
	"sort"
	"strings"
)

// fileState is what Identify knows about the file being examined.
type fileState struct {
	name string
	base string
	data []byte
	elf  *ELFInfo // nil when not ELF
}

// fits reports whether the file's SONAME or base name starts with one of
// the row's library names.
func (st *fileState) fits(s *signature) bool {
	for _, list := range [][]string{s.Sonames, s.Names} {
		for _, n := range list {
			if st.elf != nil && st.elf.Soname != "" && strings.HasPrefix(st.elf.Soname, n) {
				return true
			}
			if strings.HasPrefix(st.base, n) {
				return true
			}
		}
	}
	return false
}

// links reports whether the ELF file needs a library starting with one of
// the prefixes, returning it.
func (st *fileState) links(prefixes []string) (string, bool) {
	if st.elf == nil {
		return "", false
	}
	for _, n := range st.elf.Needed {
		for _, p := range prefixes {
			if strings.HasPrefix(n, p) {
				return n, true
			}
		}
	}
	return "", false
}

// candidate is one verified observation before aggregation.
type candidate struct {
	sig        *signature
	component  string
	version    string
	confidence float64
	anchor     string
	ev         Evidence
}

// Identify examines one file's content and returns the components found in
// it, sorted by component, version and signature. name is the file's path
// (provenance path or path inside the root file system); its base name
// feeds the file-name rules and the SONAME fit. Identify never panics on
// malformed input and reads at most the limits' worth of decompressed data.
func (id *Identifier) Identify(name string, data []byte) []Match {
	return id.identify(name, data, 0)
}

func (id *Identifier) identify(name string, data []byte, depth int) []Match {
	st := &fileState{name: name, base: path.Base(name), data: data}
	if info, err := ReadELF(data); err == nil {
		st.elf = info
	}
	var cands []candidate
	alsoSeen := make([]bool, len(id.also))
	counts := make([]int, len(id.patterns))
	id.matcher.scan(data, func(pi, start int) bool {
		if pi >= len(id.patterns) {
			alsoSeen[pi-len(id.patterns)] = true
			return true
		}
		if counts[pi] >= id.limits.MaxHitsPerPattern {
			return true
		}
		if c, ok := id.verify(st, id.patterns[pi], start); ok {
			counts[pi]++
			cands = append(cands, c)
		}
		return true
	})
	for _, s := range id.table.Signatures {
		if s.Extractor != "" && (!s.RequireName || st.fits(s)) {
			cands = append(cands, extractors[s.Extractor](st, s)...)
		}
	}
	cands = id.applyGuards(st, cands, alsoSeen)
	cands = append(cands, id.fileNameRules(st)...)
	var kernel []Match
	if depth == 0 {
		var payload [2]int
		kernel, payload = id.kernelImage(st)
		if payload[1] > payload[0] {
			// Text seen inside the compressed payload is a literal run
			// of the compressor, not the binary's text: the decompressed
			// payload was identified instead.
			kept := cands[:0]
			for _, c := range cands {
				if c.ev.Offset < int64(payload[0]) || c.ev.Offset >= int64(payload[1]) {
					kept = append(kept, c)
				}
			}
			cands = kept
		}
	}
	matches := id.aggregate(st, cands)
	matches = append(matches, id.sonameOnly(st, matches)...)
	if st.elf != nil {
		matches = append(matches, goBuildInfo(st)...)
		matches = append(matches, cargoAuditable(st, id.limits)...)
	}
	matches = append(matches, kernel...)
	matches = foldVersions(mergeSame(matches))
	sortMatches(matches)
	return matches
}

// verify checks one anchor hit against its pattern.
func (id *Identifier) verify(st *fileState, p *pattern, start int) (candidate, bool) {
	data := st.data
	end := start + len(p.Anchor)
	if hasPrefixBefore(data, start, p.NotBefore) {
		return candidate{}, false
	}
	sec := ""
	if st.elf != nil {
		sec = st.elf.sectionAt(int64(start))
	}
	if p.Section != "" && sec != p.Section {
		return candidate{}, false
	}
	pos := end
	if p.SkipTo != "" {
		lim := end + 160
		if lim > len(data) {
			lim = len(data)
		}
		win := data[end:lim]
		if z := bytes.IndexByte(win, 0); z >= 0 {
			win = win[:z]
		}
		i := bytes.Index(win, []byte(p.SkipTo))
		if i < 0 {
			return candidate{}, false
		}
		pos = end + i + len(p.SkipTo)
	}
	version := ""
	textStart, textEnd := start, pos
	switch {
	case p.Grammar == grammarNone:
	case p.Nearby > 0:
		v, _, ok := nearbyVersion(data, start, pos, p.Nearby, &p.grammarSpec)
		if !ok {
			return candidate{}, false
		}
		version = v
	default:
		n := parseVersion(data[pos:], &p.grammarSpec)
		if n == 0 {
			return candidate{}, false
		}
		version = string(data[pos : pos+n])
		if !versionHasPrefix(version, p.VersionPrefix) {
			return candidate{}, false
		}
		pos += n
		textEnd = pos
	}
	if len(p.Then) > 0 {
		lim := pos + 96
		if lim > len(data) {
			lim = len(data)
		}
		ok := false
		for _, t := range p.Then {
			if matchThen(data[pos:lim], t) {
				ok = true
				break
			}
		}
		if !ok {
			return candidate{}, false
		}
	}
	if v, ok := transformVersion(version, p.Transform); ok {
		version = v
	} else {
		return candidate{}, false
	}
	// Evidence text: from the anchor to the end of its C string, bounded.
	csStart := textStart
	csEnd := textEnd
	for csEnd < len(data) && csEnd-csStart < 160 && data[csEnd] != 0 {
		csEnd++
	}
	text := printable(data[csStart:csEnd])
	if p.Nearby > 0 {
		text += " ... " + version
	}
	conf := p.sig.Confidence
	if p.Confidence > 0 {
		conf = p.Confidence
	}
	comp := p.sig.Component
	if p.Component != "" {
		comp = p.Component
	}
	return candidate{
		sig: p.sig, component: comp, version: version, confidence: conf, anchor: p.Anchor,
		ev: Evidence{File: st.name, Method: "signature", Offset: int64(csStart), Section: sec, Text: text},
	}, true
}

// applyGuards drops candidates whose row guards fail: missing second
// anchors, a file whose name does not fit a row that requires it, and
// consumers that merely link the component's library.
func (id *Identifier) applyGuards(st *fileState, cands []candidate, alsoSeen []bool) []candidate {
	out := cands[:0]
	for _, c := range cands {
		s := c.sig
		ok := true
		for _, a := range s.Also {
			if !alsoSeen[id.alsoIdx[a]] {
				ok = false
			}
		}
		if s.RequireName && !st.fits(s) {
			ok = false
		}
		if _, linked := st.links(s.Consumers); linked && !st.fits(s) {
			ok = false
		}
		if ok {
			out = append(out, c)
		}
	}
	return out
}

// fileNameRules reads versions from file base names (ld-uClibc-1.0.31.so).
func (id *Identifier) fileNameRules(st *fileState) []candidate {
	var out []candidate
	for _, s := range id.table.Signatures {
		for i := range s.Files {
			r := &s.Files[i]
			if !strings.HasPrefix(st.base, r.Prefix) || !strings.HasSuffix(st.base, r.Suffix) || len(st.base) <= len(r.Prefix)+len(r.Suffix) {
				continue
			}
			v := st.base[len(r.Prefix) : len(st.base)-len(r.Suffix)]
			if n := parseVersion([]byte(v), &r.grammarSpec); n != len(v) || !versionHasPrefix(v, r.VersionPrefix) {
				continue
			}
			comp := s.Component
			if r.Component != "" {
				comp = r.Component
			}
			out = append(out, candidate{sig: s, component: comp, version: v, confidence: s.Confidence * 0.8, anchor: "file:" + r.Prefix,
				ev: Evidence{File: st.name, Method: "filename", Offset: -1, Text: st.base}})
		}
	}
	return out
}

type matchKey struct{ component, version string }

// aggregate merges candidates into one match per component and version.
// Confidence is the best candidate's, raised when the file's SONAME or
// name fits the component's library and when independent anchors agree.
func (id *Identifier) aggregate(st *fileState, cands []candidate) []Match {
	type acc struct {
		m       *Match
		anchors map[string]bool
		sig     *signature
	}
	byKey := map[matchKey]*acc{}
	var order []matchKey
	for _, c := range cands {
		k := matchKey{c.component, c.version}
		a := byKey[k]
		if a == nil {
			a = &acc{m: &Match{Component: c.component, Version: c.version, Type: c.sig.Type,
				CPE: cpeName(c.sig.CPE, c.version), PURL: purlFor(c.sig.PURL, c.version), Signature: c.sig.ID},
				anchors: map[string]bool{}, sig: c.sig}
			if c.component != c.sig.Component {
				// A pattern naming another component (nRF Connect SDK's
				// Zephyr line) takes that component's own row, if any.
				if o := id.rowFor(c.component); o != nil {
					a.m.Type, a.m.CPE, a.m.PURL, a.m.Signature = o.Type, cpeName(o.CPE, c.version), purlFor(o.PURL, c.version), o.ID
				}
			}
			byKey[k] = a
			order = append(order, k)
		}
		if c.confidence > a.m.Confidence {
			a.m.Confidence = c.confidence
		}
		a.anchors[c.anchor] = true
		if len(a.m.Evidence) < id.limits.MaxEvidence {
			a.m.Evidence = append(a.m.Evidence, c.ev)
		}
	}
	out := make([]Match, 0, len(order))
	for _, k := range order {
		a := byKey[k]
		m := a.m
		if len(a.anchors) > 1 {
			m.Confidence += 0.05
		}
		if st.fits(a.sig) {
			m.Confidence += 0.1
			if st.elf != nil && st.elf.Soname != "" {
				m.Evidence = append(m.Evidence, Evidence{File: st.name, Method: "soname", Offset: -1, Section: ".dynamic", Text: "SONAME " + st.elf.Soname})
			}
		}
		if m.Confidence > 1 {
			m.Confidence = 1
		}
		m.Evidence = append(m.Evidence, st.elfEvidence()...)
		out = append(out, *m)
	}
	return out
}

func (id *Identifier) rowFor(component string) *signature {
	for _, s := range id.table.Signatures {
		if s.Component == component {
			return s
		}
	}
	return nil
}

// sonameOnly adds a version-less match for a shared library whose SONAME
// names a component that no text pattern found (libssl.so.3 carries no
// version text; its sibling libcrypto does).
func (id *Identifier) sonameOnly(st *fileState, have []Match) []Match {
	if st.elf == nil || st.elf.Soname == "" {
		return nil
	}
	var out []Match
	seen := map[string]bool{}
	for _, m := range have {
		seen[m.Component] = true
	}
	for _, s := range id.table.Signatures {
		if seen[s.Component] {
			continue
		}
		for _, n := range s.Sonames {
			if strings.HasPrefix(st.elf.Soname, n) {
				seen[s.Component] = true
				m := Match{Component: s.Component, Type: s.Type, CPE: cpeName(s.CPE, ""), PURL: purlFor(s.PURL, ""),
					Confidence: 0.5, Signature: s.ID,
					Evidence: append([]Evidence{{File: st.name, Method: "soname", Offset: -1, Section: ".dynamic", Text: "SONAME " + st.elf.Soname}}, st.elfEvidence()...)}
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// elfEvidence is the per-file ELF provenance attached to every match from
// an ELF file: GNU build-id and the toolchain's .comment.
func (st *fileState) elfEvidence() []Evidence {
	if st.elf == nil {
		return nil
	}
	var out []Evidence
	if st.elf.BuildID != "" {
		out = append(out, Evidence{File: st.name, Method: "elf-build-id", Offset: -1, Section: ".note.gnu.build-id", Text: st.elf.BuildID})
	}
	if len(st.elf.Comment) > 0 {
		out = append(out, Evidence{File: st.name, Method: "elf-comment", Offset: -1, Section: ".comment", Text: printable([]byte(strings.Join(st.elf.Comment, "; ")))})
	}
	return out
}

func sortMatches(ms []Match) {
	sort.SliceStable(ms, func(i, j int) bool {
		a, b := ms[i], ms[j]
		if a.Component != b.Component {
			return a.Component < b.Component
		}
		if a.Version != b.Version {
			return a.Version < b.Version
		}
		return a.Signature < b.Signature
	})
}

// foldVersions merges, per component within one file, matches that say
// less into the one that says more: a version-less match into the single
// versioned one, and a version that is a prefix of a longer one ("9.2"
// from SSH_VERSION next to "9.2p1" from SSH_RELEASE) into the longer one.
func foldVersions(ms []Match) []Match {
	into := func(a, b *Match) { // fold a into b
		b.Evidence = append(b.Evidence, a.Evidence...)
		if a.Confidence > b.Confidence {
			b.Confidence = a.Confidence
		}
	}
	drop := make([]bool, len(ms))
	for i := range ms {
		var target = -1
		count := 0
		for j := range ms {
			if i == j || drop[j] || ms[j].Component != ms[i].Component || ms[j].Version == "" {
				continue
			}
			vi, vj := ms[i].Version, ms[j].Version
			if vi == "" {
				count++
				target = j
				continue
			}
			if len(vj) > len(vi) && strings.HasPrefix(vj, vi) && !isDigit(vj[len(vi)]) && vj[len(vi)] != '.' {
				count, target = 1, j
				break
			}
		}
		if count == 1 {
			into(&ms[i], &ms[target])
			drop[i] = true
		}
	}
	out := ms[:0]
	for i, m := range ms {
		if !drop[i] {
			out = append(out, m)
		}
	}
	return out
}
