package binid

import (
	"bytes"
	"compress/zlib"
	"debug/buildinfo"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// ELFInfo holds the ELF facts binid uses as evidence and guards.
type ELFInfo struct {
	Class   string // "ELF32" or "ELF64"
	Machine string // e.g. "EM_X86_64"
	Type    string // e.g. "ET_DYN"
	// Soname is DT_SONAME of a shared library.
	Soname string
	// Needed lists DT_NEEDED entries (the SONAMEs the file links).
	Needed []string
	// Interp is the PT_INTERP program interpreter.
	Interp string
	// Comment holds the NUL-separated .comment strings (toolchain ids).
	Comment []string
	// BuildID is the hex GNU build-id from .note.gnu.build-id.
	BuildID  string
	sections []secRange
	file     *elf.File
}

type secRange struct {
	name     string
	off, end int64
}

// maxComment bounds the .comment bytes read.
const maxComment = 4096

// errNotELF is returned by ReadELF for data without the ELF magic.
var errNotELF = errors.New("not an ELF file")

// ReadELF parses the ELF facts of data. Malformed files return an error;
// a panic inside debug/elf on hostile input is turned into an error too,
// since binid reads untrusted firmware.
func ReadELF(data []byte) (info *ELFInfo, err error) {
	if len(data) < 52 || !bytes.HasPrefix(data, []byte(elf.ELFMAG)) {
		return nil, errNotELF
	}
	defer func() {
		if r := recover(); r != nil {
			info, err = nil, fmt.Errorf("malformed ELF: %v", r)
		}
	}()
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	info = &ELFInfo{Class: f.Class.String(), Machine: f.Machine.String(), Type: f.Type.String(), file: f}
	for _, s := range f.Sections {
		if s.Type != elf.SHT_NOBITS && s.Size > 0 && s.Offset < uint64(len(data)) {
			end := s.Offset + s.Size
			if end > uint64(len(data)) {
				end = uint64(len(data))
			}
			info.sections = append(info.sections, secRange{s.Name, int64(s.Offset), int64(end)})
		}
	}
	sort.Slice(info.sections, func(i, j int) bool { return info.sections[i].off < info.sections[j].off })
	if v, err := f.DynString(elf.DT_SONAME); err == nil && len(v) > 0 {
		info.Soname = v[0]
	}
	if v, err := f.DynString(elf.DT_NEEDED); err == nil {
		info.Needed = v
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP && p.Filesz < 256 {
			b := make([]byte, p.Filesz)
			if _, err := p.ReadAt(b, 0); err == nil {
				info.Interp = strings.TrimRight(string(b), "\x00")
			}
		}
	}
	if s := f.Section(".comment"); s != nil && s.Type != elf.SHT_NOBITS {
		b := sectionBytes(data, s, maxComment)
		for _, c := range bytes.Split(b, []byte{0}) {
			if len(c) > 0 {
				info.Comment = appendUnique(info.Comment, string(c))
			}
		}
	}
	if s := f.Section(".note.gnu.build-id"); s != nil {
		info.BuildID = parseBuildID(sectionBytes(data, s, 1024), f.ByteOrder)
	}
	return info, nil
}

// sectionBytes returns a section's bytes straight from data, bounded.
func sectionBytes(data []byte, s *elf.Section, max uint64) []byte {
	if s.Offset >= uint64(len(data)) {
		return nil
	}
	end := s.Offset + s.Size
	if s.Size > max {
		end = s.Offset + max
	}
	if end > uint64(len(data)) || end < s.Offset {
		end = uint64(len(data))
	}
	return data[s.Offset:end]
}

// parseBuildID reads an NT_GNU_BUILD_ID (type 3, owner "GNU") note.
func parseBuildID(b []byte, bo binary.ByteOrder) string {
	for len(b) >= 12 {
		nsz, dsz, typ := bo.Uint32(b[0:]), bo.Uint32(b[4:]), bo.Uint32(b[8:])
		na := (uint64(nsz) + 3) &^ 3
		da := (uint64(dsz) + 3) &^ 3
		if 12+na+da > uint64(len(b)) {
			return ""
		}
		name := b[12 : 12+uint64(nsz)]
		desc := b[12+na : 12+na+uint64(dsz)]
		if typ == 3 && string(bytes.TrimRight(name, "\x00")) == "GNU" {
			return hex.EncodeToString(desc)
		}
		b = b[12+na+da:]
	}
	return ""
}

func appendUnique(l []string, s string) []string {
	for _, x := range l {
		if x == s {
			return l
		}
	}
	return append(l, s)
}

// sectionAt names the section holding file offset off.
func (e *ELFInfo) sectionAt(off int64) string {
	i := sort.Search(len(e.sections), func(i int) bool { return e.sections[i].end > off })
	for ; i < len(e.sections); i++ {
		s := e.sections[i]
		if s.off > off {
			break
		}
		if off < s.end {
			return s.name
		}
	}
	return ""
}

// goBuildInfo turns the Go build information of a Go executable into
// matches: the main module (application), every dependency module and the
// Go standard library, with pkg:golang PURLs. It is an exact source: the
// linker wrote it.
func goBuildInfo(st *fileState) (out []Match) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	bi, err := buildinfo.Read(bytes.NewReader(st.data))
	if err != nil {
		return nil
	}
	ev := func(text string) []Evidence {
		return []Evidence{{File: st.name, Method: "go-buildinfo", Offset: -1, Section: ".go.buildinfo", Text: printable([]byte(text))}}
	}
	if bi.GoVersion != "" {
		v := strings.TrimPrefix(bi.GoVersion, "go")
		out = append(out, Match{Component: "stdlib", Version: v, Type: "library", CPE: cpeName("a:golang:go", v),
			PURL: "pkg:golang/stdlib@" + purlEscape(v), Confidence: 1, Signature: "go-buildinfo",
			Evidence: ev("go " + bi.GoVersion)})
	}
	if bi.Main.Path != "" {
		v := bi.Main.Version
		if v == "(devel)" {
			v = ""
		}
		out = append(out, Match{Component: bi.Main.Path, Version: v, Type: "application", PURL: purlFor("pkg:golang/"+bi.Main.Path+"@{version}", v),
			Confidence: 1, Signature: "go-buildinfo", Evidence: ev("mod " + bi.Main.Path + " " + bi.Main.Version)})
	}
	for _, d := range bi.Deps {
		m := d
		if d.Replace != nil {
			m = d.Replace
		}
		out = append(out, Match{Component: m.Path, Version: m.Version, Type: "library", PURL: purlFor("pkg:golang/"+m.Path+"@{version}", m.Version),
			Confidence: 1, Signature: "go-buildinfo", Evidence: ev("dep " + d.Path + " " + d.Version + " " + d.Sum)})
	}
	return out
}

// cargoAuditData is the JSON that cargo auditable stores, zlib-compressed,
// in the .dep-v0 section.
type cargoAuditData struct {
	Packages []struct {
		Name    string `json:"name"`
		Version string `json:"version"`
		Source  string `json:"source"`
		Kind    string `json:"kind"`
		Root    bool   `json:"root"`
	} `json:"packages"`
}

// maxCargoAudit bounds the decompressed .dep-v0 JSON (the format's own
// documentation says it stays under 4 kB for 400 dependencies).
const maxCargoAudit = 8 << 20

// cargoAuditable reads the Rust dependency list embedded by cargo
// auditable: one match per runtime crate, pkg:cargo PURLs, exact versions.
// Build-time dependencies (kind "build") do not ship and are left out.
func cargoAuditable(st *fileState, _ Limits) []Match {
	f := st.elf.file
	s := f.Section(".dep-v0")
	if s == nil {
		s = f.Section(".rust-deps-v0")
	}
	if s == nil || s.Type == elf.SHT_NOBITS {
		return nil
	}
	raw := sectionBytes(st.data, s, 16<<20)
	zr, err := zlib.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil
	}
	js, err := io.ReadAll(io.LimitReader(zr, maxCargoAudit+1))
	if err != nil || len(js) > maxCargoAudit {
		return nil
	}
	var d cargoAuditData
	if json.Unmarshal(js, &d) != nil {
		return nil
	}
	var out []Match
	for _, p := range d.Packages {
		if p.Name == "" || p.Kind == "build" {
			continue
		}
		typ := "library"
		if p.Root {
			typ = "application"
		}
		purl := "pkg:cargo/" + p.Name + "@" + purlEscape(p.Version)
		if p.Version == "" {
			purl = "pkg:cargo/" + p.Name
		}
		src := p.Source
		if src == "" {
			src = "crates.io"
		}
		out = append(out, Match{Component: p.Name, Version: p.Version, Type: typ, PURL: purl, Confidence: 1, Signature: "cargo-auditable",
			Evidence: []Evidence{{File: st.name, Method: "cargo-auditable", Offset: int64(s.Offset), Section: s.Name, Text: printable([]byte(p.Name + " " + p.Version + " (" + src + ")"))}}})
	}
	return out
}
