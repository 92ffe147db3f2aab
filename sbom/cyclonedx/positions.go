package cyclonedx

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"strconv"

	"github.com/premarket/premarket/internal/jsonpos"
)

// pos is a 1-based line and column.
type pos struct{ Line, Column int }

// jsonPositions finds where each component object starts in a CycloneDX
// JSON document, keyed by the path the reader gives it: "components[3]",
// "components[2].components[0]", "metadata.component",
// "metadata.component.components[1]". Errors are ignored: the caller has
// already decoded the document, and positions are best effort.
func jsonPositions(data []byte) map[string]pos {
	w := posWalker{dec: json.NewDecoder(bytes.NewReader(data)), idx: jsonpos.NewIndex(data), out: map[string]pos{}}
	_ = w.object("", kindRoot)
	return w.out
}

type objKind int

const (
	kindRoot objKind = iota
	kindMetadata
	kindComponent
)

type posWalker struct {
	dec *json.Decoder
	idx jsonpos.Index
	out map[string]pos
}

var errShape = errors.New("unexpected JSON shape")

// object reads one object value; the caller has not read its '{' yet.
func (w *posWalker) object(path string, kind objKind) error {
	t, err := w.dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return errShape
	}
	if kind == kindComponent {
		line, col := w.idx.At(w.dec.InputOffset() - 1)
		w.out[path] = pos{Line: line, Column: col}
	}
	for w.dec.More() {
		kt, err := w.dec.Token()
		if err != nil {
			return err
		}
		key, _ := kt.(string)
		child := key
		if path != "" {
			child = path + "." + key
		}
		switch {
		case key == "components" && (kind == kindRoot || kind == kindComponent):
			err = w.array(child)
		case key == "metadata" && kind == kindRoot:
			err = w.object(child, kindMetadata)
		case key == "component" && kind == kindMetadata:
			err = w.object(child, kindComponent)
		default:
			err = w.skip()
		}
		if err != nil {
			return err
		}
	}
	_, err = w.dec.Token() // '}'
	return err
}

func (w *posWalker) array(path string) error {
	t, err := w.dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != '[' {
		return errShape
	}
	for i := 0; w.dec.More(); i++ {
		if err := w.object(path+"["+strconv.Itoa(i)+"]", kindComponent); err != nil {
			return err
		}
	}
	_, err = w.dec.Token() // ']'
	return err
}

func (w *posWalker) skip() error {
	var raw json.RawMessage
	return w.dec.Decode(&raw)
}

// xmlPositions is jsonPositions for CycloneDX XML: the same paths, located
// at each <component> start tag.
func xmlPositions(data []byte) map[string]pos {
	out := map[string]pos{}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	type frame struct {
		name  string
		path  string // path of a component (or the document root "")
		count int    // <component> children seen, for a <components> frame
	}
	stack := []frame{}
	line, col := 1, 1
	for {
		tok, err := dec.RawToken()
		if err != nil {
			if err != io.EOF {
				return out
			}
			return out
		}
		switch t := tok.(type) {
		case xml.StartElement:
			f := frame{name: t.Name.Local}
			n := len(stack)
			parent := func(k int) string {
				if n-k >= 0 {
					return stack[n-k].name
				}
				return ""
			}
			switch {
			case f.name == "component" && parent(1) == "components" && (n == 2 || parent(2) == "component"):
				base := stack[n-1].path
				f.path = base + "[" + strconv.Itoa(stack[n-1].count) + "]"
				stack[n-1].count++
				out[f.path] = pos{Line: line, Column: col}
			case f.name == "component" && parent(1) == "metadata" && n == 2:
				f.path = "metadata.component"
				out[f.path] = pos{Line: line, Column: col}
			case f.name == "components" && n == 1:
				f.path = "components"
			case f.name == "components" && parent(1) == "component" && stack[n-1].path != "":
				f.path = stack[n-1].path + ".components"
			}
			stack = append(stack, f)
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
		line, col = dec.InputPos()
	}
}
