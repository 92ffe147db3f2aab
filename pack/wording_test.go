package pack

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/premarket/premarket/pack/pdf"
	"github.com/premarket/premarket/templates"
)

// TestWordingKeysExist finds every text and table key package pack looks
// up in templates/pack.json (b.say, b.tab, b.parsed, b.text, b.text2,
// w.say with a section; b.doc, b.docTab, b.coverLabel, e.gapText and the
// split texts without one; closures such as l := func(key string) string
// { return b.say("threat-model", key, nil) } followed to their section)
// and checks that the layout has it, so that a typo fails here even on a
// path no example project renders (Document would fail there too, but
// only when it gets there).
func TestWordingKeysExist(t *testing.T) {
	lay, err := templates.Pack()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	found := 0
	lit := func(e ast.Expr, consts map[string]string) (string, bool) {
		switch x := e.(type) {
		case *ast.BasicLit:
			if x.Kind == token.STRING {
				s, err := strconv.Unquote(x.Value)
				return s, err == nil
			}
		case *ast.Ident:
			s, ok := consts[x.Name]
			return s, ok
		}
		return "", false
	}
	sectionText := func(pos token.Pos, section, key string) {
		found++
		s, err := lay.Section(section)
		if err != nil {
			t.Errorf("%s: %v", fset.Position(pos), err)
			return
		}
		_, errT := s.Text(key)
		_, errTab := s.Table(key)
		if errT != nil && errTab != nil {
			t.Errorf("%s: section %q has no text or table %q", fset.Position(pos), section, key)
		}
	}
	docText := func(pos token.Pos, kind, key string) {
		found++
		var ok bool
		switch kind {
		case "cover":
			_, ok = lay.Document.CoverFields[key]
		case "table":
			_, ok = lay.Document.Tables[key]
		default:
			_, ok = lay.Document.Texts[key]
		}
		if !ok {
			t.Errorf("%s: document has no %s %q", fset.Position(pos), kind, key)
		}
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			consts := map[string]string{}     // x := "literal"
			closures := map[string]string{}   // l := func(key) { ... say("section", key, ...) }
			docClosure := map[string]string{} // text := func(key) { ... d.Text(key) }
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				as, ok := n.(*ast.AssignStmt)
				if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
					return true
				}
				name, ok := as.Lhs[0].(*ast.Ident)
				if !ok {
					return true
				}
				if s, ok := lit(as.Rhs[0], nil); ok {
					consts[name.Name] = s
				}
				if fl, ok := as.Rhs[0].(*ast.FuncLit); ok {
					ast.Inspect(fl.Body, func(m ast.Node) bool {
						c, ok := m.(*ast.CallExpr)
						if !ok {
							return true
						}
						if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
							switch {
							case sel.Sel.Name == "say" && len(c.Args) >= 2:
								if sec, ok := lit(c.Args[0], consts); ok {
									closures[name.Name] = sec
								}
							case sel.Sel.Name == "Text" && len(c.Args) == 1:
								docClosure[name.Name] = "text"
							}
						}
						return true
					})
				}
				return true
			})
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				c, ok := n.(*ast.CallExpr)
				if !ok || len(c.Args) == 0 {
					return true
				}
				switch fn := c.Fun.(type) {
				case *ast.SelectorExpr:
					switch fn.Sel.Name {
					case "say", "tab", "parsed", "text", "text2":
						if len(c.Args) >= 2 {
							sec, ok1 := lit(c.Args[0], consts)
							key, ok2 := lit(c.Args[1], consts)
							if ok1 && ok2 {
								sectionText(c.Pos(), sec, key)
							}
						}
					case "gapText":
						if key, ok := lit(c.Args[0], consts); ok {
							sectionText(c.Pos(), "doc-checklist", key)
						}
					case "doc":
						if key, ok := lit(c.Args[0], consts); ok {
							docText(c.Pos(), "text", key)
						}
					case "docTab":
						if key, ok := lit(c.Args[0], consts); ok {
							docText(c.Pos(), "table", key)
						}
					case "coverLabel":
						if key, ok := lit(c.Args[0], consts); ok {
							docText(c.Pos(), "cover", key)
						}
					}
				case *ast.Ident:
					key, ok := lit(c.Args[0], nil)
					if !ok {
						return true
					}
					if sec, ok := closures[fn.Name]; ok {
						sectionText(c.Pos(), sec, key)
					} else if kind, ok := docClosure[fn.Name]; ok {
						docText(c.Pos(), kind, key)
					} else if fn.Name == "parse" {
						docText(c.Pos(), "text", key) // loadSplitTexts
					} else if fn.Name == "label" {
						docText(c.Pos(), "cover", key) // cover: label := b.coverLabel
					}
				}
				return true
			})
		}
	}
	// The pack looks up well over a hundred keys; far fewer means the
	// scan no longer recognises the accessors.
	if found < 150 {
		t.Errorf("found %d key lookups in package pack, want at least 150: update the scan", found)
	}
	t.Logf("%d key lookups checked", found)
}

// TestWordingMissingKey: a key missing from the layout or a placeholder
// without data is an error the builder keeps, not a blank.
func TestWordingMissingKey(t *testing.T) {
	lay, err := templates.Pack()
	if err != nil {
		t.Fatal(err)
	}
	b := &builder{t: lay}
	if got := b.say("doc-checklist", "summary", map[string]any{"Provided": 1}); b.err == nil {
		t.Errorf("summary without data expanded to %q and no error", got)
	}
	b = &builder{t: lay}
	b.tab("threats", "no-such-table", nil, pdf.Table{})
	if b.err == nil || !strings.Contains(b.err.Error(), "no-such-table") {
		t.Errorf("missing table: error %v", b.err)
	}
	b = &builder{t: lay}
	b.doc("no-such-text", nil)
	if b.err == nil || !strings.Contains(b.err.Error(), "no-such-text") {
		t.Errorf("missing document text: error %v", b.err)
	}
	w := &wording{t: lay}
	if w.say("doc-checklist", "no-such-reason", nil); w.err == nil {
		t.Errorf("wording: missing key gave no error")
	}
	// the first error is kept
	w.say("doc-checklist", "other-missing", nil)
	if !strings.Contains(w.err.Error(), "no-such-reason") {
		t.Errorf("wording kept %v, want the first error", w.err)
	}
	tb := (&builder{t: lay}).tab("threats", "threats", count(7), pdf.Table{Size: 8})
	if !strings.HasPrefix(tb.Caption, "Threats (7) ") || len(tb.Columns) == 0 || tb.Size != 8 {
		t.Errorf("tab = caption %q, %d columns, size %g", tb.Caption, len(tb.Columns), tb.Size)
	}
}
