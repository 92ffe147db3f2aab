package pdf

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
)

// finish rewrites fpdf's output into a file that passes strict ISO 32000
// validation and carries nothing an eCopy reviewer would query:
//
//   - outline items with children get "/Count -n" (closed, n direct
//     children): fpdf writes "/Count 0" everywhere, which strict
//     validators reject on items with descendants;
//   - link annotations, which fpdf writes as direct dictionaries inside a
//     page's /Annots array, become indirect objects with a /P back
//     reference and a normalised /Rect, as ISO 32000 requires;
//   - the empty /EmbeddedFiles name tree fpdf always writes into the
//     catalog is removed: nothing is embedded (eCopy EC-6) and a strict
//     checker may flag the tree itself.
//
// The objects are re-serialised in their original order (new annotation
// objects last) with a fresh cross-reference table, so the output is as
// deterministic as its input. levels are the bookmark levels in order.
func finish(pdf []byte, levels []int) ([]byte, error) {
	f, err := parseXref(pdf)
	if err != nil {
		return nil, fmt.Errorf("pdf post-processing: %w", err)
	}
	if err := f.fixOutlineCounts(levels); err != nil {
		return nil, fmt.Errorf("pdf post-processing: %w", err)
	}
	if err := f.dropEmptyEmbeddedFiles(); err != nil {
		return nil, fmt.Errorf("pdf post-processing: %w", err)
	}
	if err := f.indirectAnnots(); err != nil {
		return nil, fmt.Errorf("pdf post-processing: %w", err)
	}
	return f.serialize(), nil
}

// rawPDF is a classic (non-stream xref) PDF split into its objects.
type rawPDF struct {
	header  []byte   // everything before the first object
	objs    [][]byte // objs[n] is "n 0 obj ... endobj\n"; nil for free entries
	order   []int    // object numbers in file order
	trailer []byte   // the trailer dictionary, "<<...>>"
	root    int
}

var (
	startxrefRe = regexp.MustCompile(`startxref\s+(\d+)\s*%%EOF\s*$`)
	xrefHeadRe  = regexp.MustCompile(`^xref\r?\n0 (\d+)\r?\n`)
	rootRe      = regexp.MustCompile(`/Root (\d+) 0 R`)
	sizeRe      = regexp.MustCompile(`/Size \d+`)
)

// parseXref splits a PDF written by fpdf (one xref section, 20-byte
// entries, generation 0) into objects, using the cross-reference table:
// each object runs from its offset to the next object's offset.
func parseXref(pdf []byte) (*rawPDF, error) {
	m := startxrefRe.FindSubmatch(pdf)
	if m == nil {
		return nil, fmt.Errorf("no startxref")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if xref <= 0 || xref >= len(pdf) {
		return nil, fmt.Errorf("startxref %d out of range", xref)
	}
	hm := xrefHeadRe.FindSubmatch(pdf[xref:])
	if hm == nil {
		return nil, fmt.Errorf("no xref table at offset %d", xref)
	}
	n, _ := strconv.Atoi(string(hm[1]))
	entries := xref + len(hm[0])
	if n < 1 || entries+20*n > len(pdf) {
		return nil, fmt.Errorf("xref table of %d entries truncated", n)
	}
	offs := make([]int, n)
	var order []int
	for i := 1; i < n; i++ {
		e := pdf[entries+20*i : entries+20*i+20]
		if e[17] != 'n' {
			continue
		}
		o, err := strconv.Atoi(string(e[:10]))
		if err != nil || o <= 0 || o >= xref {
			return nil, fmt.Errorf("xref entry %d: bad offset %q", i, e[:10])
		}
		offs[i] = o
		order = append(order, i)
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("no objects")
	}
	slices.SortFunc(order, func(a, b int) int { return offs[a] - offs[b] })
	r := &rawPDF{objs: make([][]byte, n), order: order, header: pdf[:offs[order[0]]]}
	for k, i := range order {
		end := xref
		if k+1 < len(order) {
			end = offs[order[k+1]]
		}
		obj := pdf[offs[i]:end]
		if !bytes.HasPrefix(obj, []byte(strconv.Itoa(i)+" 0 obj")) {
			return nil, fmt.Errorf("object %d does not start at its xref offset", i)
		}
		r.objs[i] = obj
	}
	rest := pdf[entries+20*n:]
	t0 := bytes.Index(rest, []byte("<<"))
	t1 := bytes.LastIndex(rest, []byte(">>"))
	if !bytes.HasPrefix(bytes.TrimSpace(rest), []byte("trailer")) || t0 < 0 || t1 < t0 {
		return nil, fmt.Errorf("no trailer dictionary")
	}
	r.trailer = rest[t0 : t1+2]
	rm := rootRe.FindSubmatch(r.trailer)
	if rm == nil {
		return nil, fmt.Errorf("no /Root in trailer")
	}
	r.root, _ = strconv.Atoi(string(rm[1]))
	if r.root <= 0 || r.root >= n || r.objs[r.root] == nil {
		return nil, fmt.Errorf("bad /Root %d", r.root)
	}
	return r, nil
}

// fixOutlineCounts sets "/Count -n" on outline items with n > 0 direct
// children. fpdf writes the items as the len(levels) objects right before
// the /Outlines root, in bookmark order.
func (r *rawPDF) fixOutlineCounts(levels []int) error {
	children := make([]int, len(levels))
	need := false
	for i, l := range levels {
		for j := i + 1; j < len(levels) && levels[j] > l; j++ {
			if levels[j] == l+1 {
				children[i]++
			}
		}
		need = need || children[i] > 0
	}
	if !need {
		return nil
	}
	om := regexp.MustCompile(`/Outlines (\d+) 0 R`).FindSubmatch(r.objs[r.root])
	if om == nil {
		return fmt.Errorf("catalog has no /Outlines")
	}
	outl, _ := strconv.Atoi(string(om[1]))
	first := outl - len(levels)
	if first <= 0 || outl >= len(r.objs) {
		return fmt.Errorf("outline objects out of range")
	}
	zero := []byte("/Count 0>>")
	for i, c := range children {
		if c == 0 {
			continue
		}
		obj := r.objs[first+i]
		if obj == nil || !bytes.Contains(obj, []byte("/Title ")) {
			return fmt.Errorf("object %d is not an outline item", first+i)
		}
		k := bytes.LastIndex(obj, zero)
		if k < 0 {
			return fmt.Errorf("outline item %d has no /Count 0", first+i)
		}
		r.objs[first+i] = slices.Concat(obj[:k], []byte("/Count -"+strconv.Itoa(c)+">>"), obj[k+len(zero):])
	}
	return nil
}

// emptyNamesRe is the name dictionary fpdf writes into the catalog when
// there is no JavaScript and no attachment.
var emptyNamesRe = regexp.MustCompile(`/Names <<\s*/EmbeddedFiles << /Names \[\s*\] >>\s*>>\s*`)

// dropEmptyEmbeddedFiles removes the catalog's empty /EmbeddedFiles name
// tree. A non-empty one (an attachment) is an error: the engine never
// embeds files.
func (r *rawPDF) dropEmptyEmbeddedFiles() error {
	cat := r.objs[r.root]
	if loc := emptyNamesRe.FindIndex(cat); loc != nil {
		cat = slices.Concat(cat[:loc[0]], cat[loc[1]:])
		r.objs[r.root] = cat
	}
	if bytes.Contains(cat, []byte("/EmbeddedFiles")) {
		return fmt.Errorf("catalog holds embedded files")
	}
	return nil
}

var rectRe = regexp.MustCompile(`/Rect \[([-0-9.]+) ([-0-9.]+) ([-0-9.]+) ([-0-9.]+)\]`)

// indirectAnnots moves the annotation dictionaries of every page's
// /Annots array into new objects.
func (r *rawPDF) indirectAnnots() error {
	key := []byte("/Annots [")
	for _, n := range slices.Clone(r.order) {
		obj := r.objs[n]
		k := bytes.Index(obj, key)
		if k < 0 {
			continue
		}
		if !bytes.Contains(obj, []byte("/Type /Page")) {
			return fmt.Errorf("object %d: /Annots outside a page", n)
		}
		var refs bytes.Buffer
		refs.WriteString("/Annots [")
		p := k + len(key)
		for first := true; ; first = false {
			for p < len(obj) && isPDFSpace(obj[p]) {
				p++
			}
			if p >= len(obj) {
				return fmt.Errorf("object %d: unterminated /Annots", n)
			}
			if obj[p] == ']' {
				break
			}
			if !bytes.HasPrefix(obj[p:], []byte("<<")) {
				return fmt.Errorf("object %d: /Annots holds something other than dictionaries", n)
			}
			end, err := dictEnd(obj, p)
			if err != nil {
				return fmt.Errorf("object %d: %w", n, err)
			}
			dict := obj[p:end]
			dict = rectRe.ReplaceAllFunc(dict, normRect)
			num := len(r.objs)
			body := slices.Concat([]byte(strconv.Itoa(num)+" 0 obj\n"), dict[:len(dict)-2],
				[]byte(" /P "+strconv.Itoa(n)+" 0 R>>\nendobj\n"))
			r.objs = append(r.objs, body)
			r.order = append(r.order, num)
			if !first {
				refs.WriteByte(' ')
			}
			refs.WriteString(strconv.Itoa(num) + " 0 R")
			p = end
		}
		refs.WriteByte(']')
		r.objs[n] = slices.Concat(obj[:k], refs.Bytes(), obj[p+1:])
	}
	return nil
}

// normRect rewrites "/Rect [x1 y1 x2 y2]" with lower-left before
// upper-right (fpdf writes the top edge second).
func normRect(m []byte) []byte {
	sm := rectRe.FindSubmatch(m)
	v := make([]float64, 4)
	for i := range v {
		v[i], _ = strconv.ParseFloat(string(sm[i+1]), 64)
	}
	x1, x2 := min(v[0], v[2]), max(v[0], v[2])
	y1, y2 := min(v[1], v[3]), max(v[1], v[3])
	return fmt.Appendf(nil, "/Rect [%.2f %.2f %.2f %.2f]", x1, y1, x2, y2)
}

func isPDFSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

// dictEnd returns the offset just past the dictionary starting at b[p]
// ("<<"), skipping literal strings (with escapes and nested parentheses)
// and nested dictionaries.
func dictEnd(b []byte, p int) (int, error) {
	depth := 0
	for i := p; i < len(b); i++ {
		switch b[i] {
		case '(':
			lvl := 0
			for ; i < len(b); i++ {
				switch b[i] {
				case '\\':
					i++
				case '(':
					lvl++
				case ')':
					lvl--
				}
				if lvl == 0 {
					break
				}
			}
		case '<':
			if i+1 < len(b) && b[i+1] == '<' {
				depth++
				i++
			}
		case '>':
			if i+1 < len(b) && b[i+1] == '>' {
				depth--
				i++
				if depth == 0 {
					return i + 1, nil
				}
			}
		}
	}
	return 0, fmt.Errorf("unterminated dictionary at offset %d", p)
}

// serialize writes the objects in file order with a new xref table.
func (r *rawPDF) serialize() []byte {
	size := 0
	for _, o := range r.objs {
		size += len(o)
	}
	var out bytes.Buffer
	out.Grow(len(r.header) + size + 20*len(r.objs) + len(r.trailer) + 64)
	out.Write(r.header)
	offs := make([]int, len(r.objs))
	for _, n := range r.order {
		offs[n] = out.Len()
		out.Write(r.objs[n])
		if b := r.objs[n]; len(b) > 0 && b[len(b)-1] != '\n' {
			out.WriteByte('\n')
		}
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n", len(r.objs))
	out.WriteString("0000000000 65535 f \n")
	for n := 1; n < len(r.objs); n++ {
		if r.objs[n] == nil {
			out.WriteString("0000000000 65535 f \n")
			continue
		}
		fmt.Fprintf(&out, "%010d 00000 n \n", offs[n])
	}
	out.WriteString("trailer\n")
	out.Write(sizeRe.ReplaceAll(r.trailer, []byte("/Size "+strconv.Itoa(len(r.objs)))))
	fmt.Fprintf(&out, "\nstartxref\n%d\n%%%%EOF\n", xref)
	return out.Bytes()
}
