package pdf

import (
	"strings"
	"testing"

	"github.com/premarket/premarket/internal/pdftest"

	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
)

func mustGoMono(t testing.TB) []byte { return gomono.TTF }

func TestWrap(t *testing.T) {
	fc, err := newFace(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	const size, width = 10.0, 100.0
	purl := "pkg:generic/gnome/libxml2@2.9.14?download_url=https://download.gnome.org/sources/libxml2/2.9/libxml2-2.9.14.tar.xz"
	hash := strings.Repeat("a1b2c3d4", 8)
	for _, in := range []string{purl, hash, "short words only here that wrap nicely across lines", "x\ny", ""} {
		lines := fc.wrap(in, size, width)
		if len(lines) == 0 {
			t.Fatalf("%q: no lines", in)
		}
		for _, ln := range lines {
			if w := fc.textWidth(ln, size); w > width+0.001 {
				t.Errorf("%q: line %q is %.1f wide > %.0f", in, ln, w, width)
			}
		}
		joined := strings.Join(lines, "")
		if strings.ReplaceAll(strings.ReplaceAll(in, " ", ""), "\n", "") != strings.ReplaceAll(joined, " ", "") {
			t.Errorf("%q: text lost or changed: %q", in, lines)
		}
	}
	if got := fc.wrap("x\ny", size, width); len(got) != 2 {
		t.Errorf("newline not kept: %q", got)
	}
	// PURLs prefer breaking after a separator
	if lines := fc.wrap(purl, size, width); !strings.ContainsAny(lines[0][len(lines[0])-1:], "/-_.:@?&=+#") {
		t.Errorf("PURL broken mid-token: %q", lines)
	}
}

func TestSanitize(t *testing.T) {
	fc, _ := newFace(goregular.TTF)
	got := fc.sanitize("a\tb\x00c\r\u00ad😀d\xffe", false)
	if got != "a bc?d?e" {
		t.Errorf("sanitize = %q", got)
	}
	if s := "libxml2 — ünïcødé"; fc.sanitize(s, false) != s {
		t.Errorf("Latin text altered: %q", fc.sanitize(s, false))
	}
}

func TestEllipsize(t *testing.T) {
	fc, _ := newFace(goregular.TTF)
	s := fc.ellipsize(strings.Repeat("long title ", 20), 10, 120)
	if fc.textWidth(s, 10) > 120 || !strings.HasSuffix(s, "…") {
		t.Errorf("ellipsize = %q", s)
	}
}

func FuzzParseTTF(f *testing.F) {
	f.Add(goregular.TTF[:2000])
	f.Add([]byte("\x00\x01\x00\x00\x00\x09"))
	f.Add([]byte("true"))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := parseTTF(b)
		if err == nil {
			for r := rune(0); r < 300; r++ {
				info.width(r)
			}
		}
	})
}

func FuzzWrap(f *testing.F) {
	f.Add("pkg:npm/%40scope/name@1.0.0", 50.0)
	f.Add("a b\nc", 1.0)
	fc, _ := newFace(goregular.TTF)
	f.Fuzz(func(t *testing.T, s string, width float64) {
		if width != width || width > 1e6 || width < -1e6 {
			return
		}
		s = fc.sanitize(s, true)
		lines := fc.wrap(s, 9, width)
		if len(lines) == 0 {
			t.Fatal("no lines")
		}
	})
}

// A narrow column is widened to hold its longest word ("implemented",
// "Assessed") instead of breaking it; long PURL-like tokens claim nothing.
func TestFitColumns(t *testing.T) {
	d := New(testOptions()).Add(Table{Columns: []Column{
		{Header: "ID", Width: 0.5}, {Header: "Assessed in", Width: 0.3}, {Header: "Status", Width: 0.3},
		{Header: "Text", Width: 6}, {Header: "PURL", Width: 1, Mono: true},
	}, Rows: [][]Cell{Row("CVE-2099-0001", "T-08", "implemented", "words words words", "pkg:generic/example/a-very-long-package-name@1.2.3?arch=armv7hf")}})
	b, _ := render(t, d)
	txt := strings.Join(pdftest.PageTexts(t, b), "\n")
	for _, w := range []string{"\nAssessed", "\nimplemented\n", "\nCVE-2099-0001\n"} {
		if !strings.Contains(txt, w) {
			t.Errorf("word %q broken:\n%s", strings.TrimSpace(w), txt)
		}
	}
}
