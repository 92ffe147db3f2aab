// Package pdftest reads PDFs that premarket writes back in tests: strict
// pdfcpu validation and the text drawn on each page.
package pdftest

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// Conf validates in strict ISO 32000 mode: the pdf engine's
// post-processing makes fpdf's output pass it (indirect link annotations,
// outline counts, no empty name tree).
func Conf() *model.Configuration {
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationStrict
	return conf
}

// PageTexts returns the text drawn on each page, decoded from the content
// streams (fpdf writes UTF-16BE strings for its Identity-H fonts).
func PageTexts(t testing.TB, b []byte) []string {
	t.Helper()
	ctx, err := api.ReadContext(bytes.NewReader(b), Conf())
	if err != nil {
		t.Fatalf("pdfcpu read: %v", err)
	}
	if err := ctx.EnsurePageCount(); err != nil {
		t.Fatal(err)
	}
	var out []string
	for p := 1; p <= ctx.PageCount; p++ {
		rd, err := pdfcpu.ExtractPageContent(ctx, p)
		if err != nil {
			t.Fatalf("page %d content: %v", p, err)
		}
		raw, _ := io.ReadAll(rd)
		out = append(out, DecodeShows(raw))
	}
	return out
}

var showRe = regexp.MustCompile(`\(((?:\\.|[^\\)])*)\)\s*Tj`)

// DecodeShows returns the strings of a content stream's Tj operators, one
// per line, decoded from UTF-16BE.
func DecodeShows(content []byte) string {
	var sb strings.Builder
	for _, m := range showRe.FindAllSubmatch(content, -1) {
		s := m[1]
		var raw []byte
		for i := 0; i < len(s); i++ {
			if s[i] == '\\' && i+1 < len(s) {
				i++
				switch s[i] {
				case 'r':
					raw = append(raw, '\r')
				case 'n':
					raw = append(raw, '\n')
				default:
					raw = append(raw, s[i])
				}
				continue
			}
			raw = append(raw, s[i])
		}
		u := make([]uint16, len(raw)/2)
		for i := range u {
			u[i] = uint16(raw[2*i])<<8 | uint16(raw[2*i+1])
		}
		sb.WriteString(string(utf16.Decode(u)))
		sb.WriteByte('\n')
	}
	return sb.String()
}
