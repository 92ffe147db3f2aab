package pack

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// fmtVerb matches a fmt verb such as %d, %-8s or %q.
var fmtVerb = regexp.MustCompile(`%[-+# 0-9.*]*[a-zA-Z%]`)

// englishWord matches a word of running text: letters, optionally with an
// inner hyphen or apostrophe ("pre-mitigation", "device's"). File names,
// property paths and identifiers (premarket.yaml, sbom.components,
// check-results/trace.json, DOC-08) are not words.
var englishWord = regexp.MustCompile(`^[A-Za-z]+(?:['-][A-Za-z]+)*$`)

// fileNamePattern matches a literal that names a file ("%03d_%s Part %d
// of %d.pdf"): file names are eCopy layout (EC-4, EC-8), not wording.
var fileNamePattern = regexp.MustCompile(`\.(pdf|zip|json|yaml)$`)

// proseWords returns the number of English words in s once fmt verbs are
// removed; a literal without a space is no prose and counts 0.
func proseWords(s string) int {
	if !strings.Contains(s, " ") || fileNamePattern.MatchString(s) {
		return 0
	}
	n := 0
	for _, f := range strings.Fields(fmtVerb.ReplaceAllString(s, " ")) {
		if englishWord.MatchString(strings.Trim(f, ",.;:()\"'!?[]")) {
			n++
		}
	}
	return n
}

// TestNoProseLiterals keeps the pack's wording in templates/pack.json: no
// non-test Go file of package pack may hold a string literal of three or
// more words (a caption, sentence or label), except the messages of
// errors (fmt.Errorf, errors.New), which are code, not layout. Format
// verbs, file names and identifiers are not words of prose: they contain
// no space.
func TestNoProseLiterals(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		exempted := map[*ast.BasicLit]bool{}
		exempt := func(a ast.Node) {
			ast.Inspect(a, func(m ast.Node) bool {
				if l, ok := m.(*ast.BasicLit); ok {
					exempted[l] = true
				}
				return true
			})
		}
		ast.Inspect(file, func(n ast.Node) bool {
			// A finding's message is checker output, like the messages
			// of sbom/check and threatmodel/check, not pack wording.
			if cl, ok := n.(*ast.CompositeLit); ok {
				if sel, ok := cl.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "Finding" {
					for _, el := range cl.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok {
							if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Message" {
								exempt(kv.Value)
							}
						}
					}
				}
			}
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
				if x, ok := sel.X.(*ast.Ident); ok && ((x.Name == "fmt" && sel.Sel.Name == "Errorf") || (x.Name == "errors" && sel.Sel.Name == "New")) {
					for _, a := range call.Args {
						exempt(a)
					}
				}
			}
			return true
		})
		ast.Inspect(file, func(n ast.Node) bool {
			if fld, ok := n.(*ast.Field); ok && fld.Tag != nil {
				exempted[fld.Tag] = true // struct tags are not text
			}
			l, ok := n.(*ast.BasicLit)
			if !ok || l.Kind != token.STRING || exempted[l] {
				return true
			}
			s, err := strconv.Unquote(l.Value)
			if err != nil {
				t.Fatalf("%s: %v", fset.Position(l.Pos()), err)
			}
			if w := proseWords(s); w >= 3 {
				t.Errorf("%s: %q is wording (%d words): move it to templates/pack.json", fset.Position(l.Pos()), s, w)
			}
			return true
		})
	}
	if checked == 0 {
		t.Fatal("no Go files of package pack found")
	}
}

func TestProseWords(t *testing.T) {
	for s, want := range map[string]int{
		"%s: %d":                   0,
		"premarket.yaml":           0,
		"Controls (%d)":            1,
		"Rationale for the device": 4,
		"%d errors, %d warnings":   2,
		"Threat model: %s":         2,
		"pre-mitigation and post":  3,
		"check-results/trace.json": 0,
		"a b c":                    3,
		"premarket.yaml names no sbom.components file": 3,
		"SBOM DOC-08 (MISC FILES)":                     3,
	} {
		if got := proseWords(s); got != want {
			t.Errorf("proseWords(%q) = %d, want %d", s, got, want)
		}
	}
}
