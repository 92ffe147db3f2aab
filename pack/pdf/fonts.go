package pdf

import (
	"fmt"
	"os"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gobolditalic"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
)

// MaxFontSize bounds a caller-supplied font file (a manufacturer's --font).
const MaxFontSize = 32 << 20

// Fonts holds TrueType (glyf-outline) font files. Empty fields fall back:
// Regular to Go Regular; Bold, Italic and BoldItalic to the caller's Regular
// when one is given (so a single corporate font is used throughout, as the
// eCopy recommendations prefer) and to the Go fonts otherwise; Mono to Go
// Mono. All fonts are embedded in the PDF.
type Fonts struct {
	Regular, Bold, Italic, BoldItalic, Mono []byte
}

// LoadFontFile reads and checks a TrueType font file, for a caller-supplied
// --font. It refuses files that fpdf cannot embed (CFF/OpenType-PS outlines,
// collections) with an error naming the file.
func LoadFontFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", path, err)
	}
	if fi.Size() > MaxFontSize {
		return nil, fmt.Errorf("font %s: %d bytes exceeds the %d-byte limit", path, fi.Size(), MaxFontSize)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", path, err)
	}
	if _, err := parseTTF(b); err != nil {
		return nil, fmt.Errorf("font %s: %w", path, err)
	}
	return b, nil
}

// font families registered with fpdf.
const (
	famText = "pmtext"
	famMono = "pmmono"
)

// style is one face the engine draws with.
type style int

const (
	sRegular style = iota
	sBold
	sItalic
	sBoldItalic
	sMono
	nStyles
)

func (s style) family() (string, string) {
	switch s {
	case sBold:
		return famText, "B"
	case sItalic:
		return famText, "I"
	case sBoldItalic:
		return famText, "BI"
	case sMono:
		return famMono, ""
	}
	return famText, ""
}

// resolved returns the font bytes of every style after fallbacks.
func (fs Fonts) resolved() [nStyles][]byte {
	var out [nStyles][]byte
	custom := fs.Regular != nil
	pick := func(b, customFallback, goFont []byte) []byte {
		switch {
		case b != nil:
			return b
		case custom:
			return customFallback
		}
		return goFont
	}
	out[sRegular] = pick(fs.Regular, fs.Regular, goregular.TTF)
	out[sBold] = pick(fs.Bold, fs.Regular, gobold.TTF)
	out[sItalic] = pick(fs.Italic, fs.Regular, goitalic.TTF)
	out[sBoldItalic] = pick(fs.BoldItalic, firstNonNil(fs.Bold, fs.Regular), gobolditalic.TTF)
	out[sMono] = fs.Mono
	if out[sMono] == nil {
		out[sMono] = gomono.TTF
	}
	return out
}

func firstNonNil(bs ...[]byte) []byte {
	for _, b := range bs {
		if b != nil {
			return b
		}
	}
	return nil
}
