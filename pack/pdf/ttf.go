package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// ttfInfo is what the engine needs from a TrueType font: glyph coverage
// and advance widths of the Basic Multilingual Plane, read from the same
// tables (format-4 Unicode cmap, hmtx) and scaled the same way as fpdf
// does, so that line breaking measures exactly what fpdf will draw.
type ttfInfo struct {
	upem    int
	advance []uint16        // per glyph, from hmtx
	cmap    map[rune]uint16 // BMP rune -> glyph
	widths  []int32         // per BMP rune: width in 1/1000 em, -1 without glyph
}

// errTTF marks a font that fpdf cannot embed.
var errTTF = errors.New("unsupported font")

// parseTTF checks that b is a single TrueType (glyf-outline) font with the
// tables fpdf reads and a Unicode format-4 cmap, and reads its metrics.
// b is untrusted (a manufacturer's --font): every offset is bounds-checked.
func parseTTF(b []byte) (*ttfInfo, error) {
	if len(b) > MaxFontSize {
		return nil, fmt.Errorf("%w: %d bytes exceeds the %d-byte limit", errTTF, len(b), MaxFontSize)
	}
	if len(b) < 12 {
		return nil, fmt.Errorf("%w: not a TrueType font (%d bytes)", errTTF, len(b))
	}
	switch string(b[:4]) {
	case "\x00\x01\x00\x00", "true":
	case "OTTO":
		return nil, fmt.Errorf("%w: OpenType font with CFF outlines; use a TrueType (.ttf) font", errTTF)
	case "ttcf":
		return nil, fmt.Errorf("%w: font collection (.ttc); extract one .ttf", errTTF)
	default:
		return nil, fmt.Errorf("%w: not a TrueType font (signature % x)", errTTF, b[:4])
	}
	u16 := func(off int) (int, bool) {
		if off < 0 || off+2 > len(b) {
			return 0, false
		}
		return int(binary.BigEndian.Uint16(b[off:])), true
	}
	u32 := func(off int) (int, bool) {
		if off < 0 || off+4 > len(b) {
			return 0, false
		}
		v := binary.BigEndian.Uint32(b[off:])
		if v > math.MaxInt32 {
			return 0, false
		}
		return int(v), true
	}
	numTables, _ := u16(4)
	type table struct{ off, size int }
	tables := map[string]table{}
	for i := 0; i < numTables; i++ {
		rec := 12 + 16*i
		if rec+16 > len(b) {
			return nil, fmt.Errorf("%w: table directory truncated", errTTF)
		}
		tag := string(b[rec : rec+4])
		off, ok1 := u32(rec + 8)
		size, ok2 := u32(rec + 12)
		if !ok1 || !ok2 || off+size > len(b) || off+size < off {
			return nil, fmt.Errorf("%w: table %q lies outside the file", errTTF, tag)
		}
		tables[tag] = table{off, size}
	}
	for _, tag := range []string{"head", "hhea", "maxp", "hmtx", "cmap", "glyf", "loca", "post"} {
		if _, ok := tables[tag]; !ok {
			return nil, fmt.Errorf("%w: required table %q missing", errTTF, tag)
		}
	}
	head, hhea, maxp := tables["head"], tables["hhea"], tables["maxp"]
	if head.size < 54 || hhea.size < 36 || maxp.size < 6 {
		return nil, fmt.Errorf("%w: head, hhea or maxp table too short", errTTF)
	}
	upem, _ := u16(head.off + 18)
	if upem < 16 || upem > 16384 {
		return nil, fmt.Errorf("%w: unitsPerEm %d out of range", errTTF, upem)
	}
	nMetrics, _ := u16(hhea.off + 34)
	nGlyphs, _ := u16(maxp.off + 4)
	hmtx := tables["hmtx"]
	if nMetrics == 0 || nMetrics > nGlyphs || nMetrics*4 > hmtx.size {
		return nil, fmt.Errorf("%w: hmtx table inconsistent with hhea/maxp", errTTF)
	}
	info := &ttfInfo{upem: upem, advance: make([]uint16, nGlyphs), cmap: map[rune]uint16{}}
	for g := 0; g < nGlyphs; g++ {
		m := min(g, nMetrics-1)
		aw, _ := u16(hmtx.off + 4*m)
		info.advance[g] = uint16(aw)
	}
	// the format-4 subtable fpdf uses: platform 3 encoding 1, or platform 0
	cm := tables["cmap"]
	n, ok := u16(cm.off + 2)
	if !ok {
		return nil, fmt.Errorf("%w: cmap truncated", errTTF)
	}
	sub := -1
	for i := 0; i < n; i++ {
		plat, ok1 := u16(cm.off + 4 + 8*i)
		enc, ok2 := u16(cm.off + 6 + 8*i)
		off, ok3 := u32(cm.off + 8 + 8*i)
		if !ok1 || !ok2 || !ok3 {
			return nil, fmt.Errorf("%w: cmap truncated", errTTF)
		}
		if (plat == 3 && enc == 1) || plat == 0 {
			if f, ok := u16(cm.off + off); ok && f == 4 {
				sub = cm.off + off
				break
			}
		}
	}
	if sub < 0 {
		return nil, fmt.Errorf("%w: no Unicode format-4 cmap", errTTF)
	}
	segX2, ok := u16(sub + 6)
	if !ok || segX2 == 0 || segX2%2 != 0 {
		return nil, fmt.Errorf("%w: bad cmap segment count", errTTF)
	}
	ends, starts, deltas, ranges := sub+14, sub+16+segX2, sub+16+2*segX2, sub+16+3*segX2
	if ranges+segX2 > len(b) {
		return nil, fmt.Errorf("%w: cmap truncated", errTTF)
	}
	for s := 0; s < segX2/2; s++ {
		end, _ := u16(ends + 2*s)
		start, _ := u16(starts + 2*s)
		delta, _ := u16(deltas + 2*s)
		ro, _ := u16(ranges + 2*s)
		if start > end {
			continue
		}
		for c := start; c <= end && c != 0xFFFF; c++ {
			var g int
			if ro == 0 {
				g = (c + delta) & 0xFFFF
			} else {
				gv, ok := u16(ranges + 2*s + ro + 2*(c-start))
				if !ok {
					break
				}
				if gv != 0 {
					g = (gv + delta) & 0xFFFF
				}
			}
			if g != 0 && g < nGlyphs {
				info.cmap[rune(c)] = uint16(g)
			}
		}
	}
	if _, ok := info.cmap['A']; !ok {
		return nil, fmt.Errorf("%w: no glyph for 'A'", errTTF)
	}
	info.widths = make([]int32, 0x10000)
	for r := range info.widths {
		info.widths[r] = -1
	}
	for r, g := range info.cmap {
		aw := int(info.advance[g])
		if aw >= 1<<15 {
			aw = 0
		}
		info.widths[r] = int32(math.Round(1000 / float64(upem) * float64(aw)))
	}
	return info, nil
}

// width returns the advance of r in 1/1000 em as fpdf computes it, and
// whether the font has a glyph for r.
func (t *ttfInfo) width(r rune) (int, bool) {
	if r < 0 || int(r) >= len(t.widths) || t.widths[r] < 0 {
		return 0, false
	}
	return int(t.widths[r]), true
}
