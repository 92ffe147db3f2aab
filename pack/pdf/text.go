package pdf

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// replacementRune stands in for characters the font cannot draw. fpdf's
// UTF-8 support covers the Basic Multilingual Plane only.
const replacementRune = '?'

// face measures text in one font: per-rune advance widths in 1/1000 em,
// computed exactly as fpdf computes them, plus glyph coverage.
type face struct {
	t *ttfInfo
}

func newFace(b []byte) (*face, error) {
	t, err := parseTTF(b)
	if err != nil {
		return nil, err
	}
	return &face{t: t}, nil
}

// runeWidth returns the advance of r in 1/1000 em, and whether the font
// has a glyph for it.
func (fc *face) runeWidth(r rune) (int, bool) {
	if r > 0xFFFF {
		return 0, false
	}
	return fc.t.width(r)
}

// sanitize makes s drawable with fc: tabs become spaces, carriage returns
// and other control characters go (newlines stay when keepNewlines),
// invalid UTF-8 and characters without a glyph become '?'.
func (fc *face) sanitize(s string, keepNewlines bool) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || r < 0x20 || r == 0x7f || r > 0xFFFF || unicode.IsControl(r) {
			clean = false
			break
		}
		if _, ok := fc.runeWidth(r); !ok {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToValidUTF8(s, string(replacementRune)) {
		switch {
		case r == '\t':
			b.WriteByte(' ')
		case r == '\n':
			if keepNewlines {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		case r == '\u00ad' || r == '\u200b' || r == '\ufeff':
			// soft hyphen, zero-width space, BOM: invisible, drop
		case r < 0x20 || r == 0x7f || unicode.IsControl(r):
		default:
			if _, ok := fc.runeWidth(r); !ok {
				if alt, ok := asciiFallback[r]; ok {
					b.WriteString(alt)
					continue
				}
				r = replacementRune
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// asciiFallback spells typographic characters the engine's callers use
// in ASCII, for a caller-supplied font that lacks them.
var asciiFallback = map[rune]string{
	'→': "->", '←': "<-", '×': "x", '–': "-", '—': "-", '‑': "-", '…': "...",
	'≤': "<=", '≥': ">=", '‘': "'", '’': "'", '“': "\"", '”': "\"", '§': "Sec. ",
}

// textWidth returns the width of s in points at size (s must be sanitized).
func (fc *face) textWidth(s string, size float64) float64 {
	total := 0
	for _, r := range s {
		w, _ := fc.runeWidth(r)
		if w > 0 {
			total += w
		}
	}
	return float64(total) * size / 1000
}

// isBreakAfter reports whether a long token (URL, PURL, path, hash with
// separators) may be broken after r.
func isBreakAfter(r rune) bool {
	switch r {
	case '/', '-', '_', '.', ':', '@', '?', '&', '=', '+', '#', ',', ';', '|', '\\', '~':
		return true
	}
	return false
}

// wrap splits sanitized text into lines no wider than width points at size.
// It breaks at spaces; a word wider than a line (a PURL, a hash) is broken
// after a separator when possible and between any two characters
// otherwise, so no line ever overflows. Explicit newlines are kept. An
// empty text yields one empty line.
func (fc *face) wrap(text string, size, width float64) []string {
	if width <= 0 {
		width = 1
	}
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		lines = fc.wrapPara(lines, para, size, width)
	}
	return lines
}

func (fc *face) wrapPara(lines []string, para string, size, width float64) []string {
	words := strings.Fields(para)
	if len(words) == 0 {
		return append(lines, "")
	}
	spaceW := fc.textWidth(" ", size)
	var cur strings.Builder
	curW := 0.0
	flush := func() {
		lines = append(lines, cur.String())
		cur.Reset()
		curW = 0
	}
	for _, w := range words {
		ww := fc.textWidth(w, size)
		if cur.Len() > 0 {
			if curW+spaceW+ww <= width {
				cur.WriteByte(' ')
				cur.WriteString(w)
				curW += spaceW + ww
				continue
			}
			flush()
		}
		for ww > width {
			head, tail := fc.breakWord(w, size, width)
			lines = append(lines, head)
			w = tail
			ww = fc.textWidth(w, size)
		}
		cur.WriteString(w)
		curW = ww
	}
	if cur.Len() > 0 {
		flush()
	}
	return lines
}

// breakWord splits a word wider than width into a head that fits and the
// rest. It prefers the last separator that fits, if that keeps at least a
// third of the line filled; otherwise it breaks at the last character that
// fits. The head always holds at least one character.
func (fc *face) breakWord(w string, size, width float64) (string, string) {
	acc := 0.0
	lastFit, lastSep := 0, 0
	for i, r := range w {
		rw, _ := fc.runeWidth(r)
		acc += float64(max(rw, 0)) * size / 1000
		end := i + utf8.RuneLen(r)
		if acc > width {
			break
		}
		lastFit = end
		if isBreakAfter(r) && acc >= width/3 {
			lastSep = end
		}
	}
	cut := lastSep
	if cut == 0 {
		cut = lastFit
	}
	if cut == 0 { // even one character is wider than the line
		_, n := utf8.DecodeRuneInString(w)
		cut = n
	}
	return w[:cut], w[cut:]
}

// ellipsize shortens s to fit width, ending it with an ellipsis.
func (fc *face) ellipsize(s string, size, width float64) string {
	if fc.textWidth(s, size) <= width {
		return s
	}
	ell := "…"
	if _, ok := fc.runeWidth('…'); !ok {
		ell = "..."
	}
	avail := width - fc.textWidth(ell, size)
	acc := 0.0
	for i, r := range s {
		rw, _ := fc.runeWidth(r)
		acc += float64(max(rw, 0)) * size / 1000
		if acc > avail {
			return strings.TrimRight(s[:i], " ") + ell
		}
	}
	return s
}
