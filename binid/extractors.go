package binid

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"
)

// extractors are version readers for rows whose evidence a literal anchor
// plus grammar cannot express. A row names one with `extractor:`.
var extractors = map[string]func(st *fileState, s *signature) []candidate{
	"libxml2-number":   libxml2Number,
	"esp-app-desc":     espAppDesc,
	"sqlite-source-id": sqliteSourceID,
}

// libxml2Number reads libxml2's xmlParserVersion, a bare five- or six-digit
// literal such as "20914" (2.9.14), which has no text anchor. To keep a
// bare number from being taken at random, the row requires the file to be
// libxml2 itself (SONAME), and the number must agree with the highest
// LIBXML2_x.y.z symbol-version node the library defines: same major and
// minor, micro not lower (the nodes bound the release from below).
func libxml2Number(st *fileState, s *signature) []candidate {
	data := st.data
	// Highest LIBXML2_ node named in the file.
	best := [3]int{-1, -1, -1}
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte("LIBXML2_"))
		if j < 0 {
			break
		}
		i += j + len("LIBXML2_")
		var v [3]int
		n := 0
		parts := strings.SplitN(string(readWhile(data[i:], func(b byte) bool { return isDigit(b) || b == '.' }, 16)), ".", 4)
		if len(parts) != 3 {
			continue
		}
		for k, p := range parts {
			x, err := strconv.Atoi(p)
			if err != nil {
				n = -1
				break
			}
			v[k] = x
		}
		if n == 0 && (v[0] > best[0] || v[0] == best[0] && (v[1] > best[1] || v[1] == best[1] && v[2] > best[2])) {
			best = v
		}
	}
	if best[0] < 0 {
		return nil
	}
	// NUL-terminated digit runs of 5-6 digits encoding that major.minor.
	lo := best[0]*10000 + best[1]*100 + best[2]
	hi := best[0]*10000 + best[1]*100 + 99
	var out []candidate
	for i := 1; i < len(data); i++ {
		if data[i] != 0 || !isDigit(data[i-1]) {
			continue
		}
		s0 := i - 1
		for s0 > 0 && isDigit(data[s0-1]) && i-s0 < 7 {
			s0--
		}
		if i-s0 < 5 || i-s0 > 6 || (s0 > 0 && isDigit(data[s0-1])) {
			continue
		}
		n, _ := strconv.Atoi(string(data[s0:i]))
		if n < lo || n > hi {
			continue
		}
		v, _ := transformVersion(string(data[s0:i]), "libxml-number")
		out = append(out, candidate{sig: s, component: s.Component, version: v, confidence: s.Confidence, anchor: "xmlParserVersion",
			ev: Evidence{File: st.name, Method: "signature", Offset: int64(s0), Section: st.sectionOf(s0),
				Text: "xmlParserVersion " + string(data[s0:i]) + " (highest symbol version LIBXML2_" + strconv.Itoa(best[0]) + "." + strconv.Itoa(best[1]) + "." + strconv.Itoa(best[2]) + ")"}})
		if len(out) >= 4 {
			break
		}
	}
	return out
}

func (st *fileState) sectionOf(off int) string {
	if st.elf == nil {
		return ""
	}
	return st.elf.sectionAt(int64(off))
}

func readWhile(b []byte, ok func(byte) bool, max int) []byte {
	n := 0
	for n < len(b) && n < max && ok(b[n]) {
		n++
	}
	return b[:n]
}

// espAppDesc reads the ESP-IDF application descriptor (esp_app_desc_t) of
// an ESP32 application image: image magic 0xE9 at offset 0, descriptor
// magic 0xABCD5432 at 0x20, then version[32], project_name[32], time[16],
// date[16] and idf_ver[32] (the ESP-IDF version the app was built with).
func espAppDesc(st *fileState, s *signature) []candidate {
	d := st.data
	const base = 0x20
	if len(d) < base+144 || d[0] != 0xE9 || binary.LittleEndian.Uint32(d[base:]) != 0xABCD5432 {
		return nil
	}
	field := func(off, n int) string {
		b := d[base+off : base+off+n]
		if z := bytes.IndexByte(b, 0); z >= 0 {
			b = b[:z]
		}
		return string(b)
	}
	idf := field(112, 32)
	if idf == "" || parseVersion([]byte(idf), &grammarSpec{Grammar: grammarToken}) != len(idf) {
		return nil
	}
	text := "esp_app_desc_t project " + printable([]byte(field(48, 32))) + " version " + printable([]byte(field(16, 32))) + " idf_ver " + printable([]byte(idf))
	return []candidate{{sig: s, component: s.Component, version: idf, confidence: s.Confidence, anchor: "esp_app_desc",
		ev: Evidence{File: st.name, Method: "esp-app-desc", Offset: base, Section: ".rodata_desc", Text: text}}}
}

// sqliteSourceID finds SQLite's SQLITE_SOURCE_ID, "<YYYY-MM-DD HH:MM:SS>
// <64 hex digits>" as a whole NUL-delimited string (an edited
// amalgamation may change the last four characters, e.g. "...alt1"), and
// the SQLITE_VERSION literal as the nearest whole "3.x.y" string. The
// source id has no literal prefix, so the search only runs in files that
// also hold the library's database header literal "SQLite format 3" (a
// data file holds the header but is not ELF, and carries no source id).
func sqliteSourceID(st *fileState, s *signature) []candidate {
	data := st.data
	if st.elf == nil || !bytes.Contains(data, []byte("SQLite format 3")) {
		return nil
	}
	const idLen = 19 + 1 + 64
	g := &grammarSpec{Grammar: grammarDotted, MinParts: 3, MaxParts: 4, VersionPrefix: []string{"3."}}
	var out []candidate
	for i := 0; i+idLen < len(data) && len(out) < 4; {
		j := bytes.IndexByte(data[i:], ':')
		if j < 0 {
			break
		}
		c := i + j - 13 // start of "YYYY-MM-DD HH:MM:SS"
		i += j + 1
		if c < 1 || c+idLen >= len(data) || data[c-1] != 0 && data[c-1] != ' ' || data[c+idLen] != 0 || !isSourceID(data[c:c+idLen]) {
			continue
		}
		id := string(data[c : c+idLen])
		v, _, ok := nearbyVersion(data, c, c+idLen, 16384, g)
		if !ok {
			v = ""
		}
		text := "SQLITE_SOURCE_ID " + id
		if v != "" {
			text += " ... SQLITE_VERSION " + v
		}
		out = append(out, candidate{sig: s, component: s.Component, version: v, confidence: s.Confidence, anchor: "sqlite-source-id",
			ev: Evidence{File: st.name, Method: "signature", Offset: int64(c), Section: st.sectionOf(c), Text: text}})
		i = c + idLen
	}
	return out
}

// isSourceID checks "DDDD-DD-DD DD:DD:DD " + 60 hex + 4 alphanumerics.
func isSourceID(b []byte) bool {
	const shape = "DDDD-DD-DD DD:DD:DD "
	for k := 0; k < len(shape); k++ {
		if shape[k] == 'D' && !isDigit(b[k]) || shape[k] != 'D' && b[k] != shape[k] {
			return false
		}
	}
	for k := len(shape); k < len(b); k++ {
		c := b[k]
		hex := isDigit(c) || c >= 'a' && c <= 'f'
		if !hex && (k < len(b)-4 || !isAlnum(c)) {
			return false
		}
	}
	return true
}
