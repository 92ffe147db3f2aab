package pdf

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
)

// fixOutlineCounts rewrites the /Count of outline items that have children.
//
// fpdf writes "/Count 0" on every outline item; ISO 32000 requires a
// non-zero count on an item with descendants (negative when the item is
// closed), and strict validators reject 0. The items are fpdf's last k
// objects before the /Outlines root, in bookmark order; each gets
// "/Count -n" (closed, n direct children). Object offsets in the
// cross-reference table and startxref are recomputed, so the file stays
// exact.
func fixOutlineCounts(pdf []byte, levels []int) ([]byte, error) {
	children := make([]int, len(levels))
	need := false
	for i, l := range levels {
		for j := i + 1; j < len(levels) && levels[j] > l; j++ {
			if levels[j] == l+1 {
				children[i]++
			}
		}
		if children[i] > 0 {
			need = true
		}
	}
	if !need {
		return pdf, nil
	}
	fail := func(what string) ([]byte, error) {
		return nil, fmt.Errorf("pdf outline fix-up: %s", what)
	}
	sx := bytes.LastIndex(pdf, []byte("startxref\n"))
	if sx < 0 {
		return fail("no startxref")
	}
	m := regexp.MustCompile(`^startxref\n(\d+)`).FindSubmatch(pdf[sx:])
	if m == nil {
		return fail("bad startxref")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	hm := regexp.MustCompile(`^xref\n0 (\d+)\n`).FindSubmatch(pdf[min(xref, len(pdf)):])
	if hm == nil {
		return fail("no xref table at startxref")
	}
	nObj, _ := strconv.Atoi(string(hm[1]))
	entries := xref + len(hm[0])
	if entries+20*nObj > len(pdf) {
		return fail("xref table truncated")
	}
	offs := make([]int, nObj)
	for i := range nObj {
		offs[i], _ = strconv.Atoi(string(pdf[entries+20*i : entries+20*i+10]))
	}
	rm := regexp.MustCompile(`/Root (\d+) 0 R`).FindSubmatch(pdf[xref:])
	if rm == nil {
		return fail("no /Root in trailer")
	}
	root, _ := strconv.Atoi(string(rm[1]))
	if root <= 0 || root >= nObj {
		return fail("bad /Root")
	}
	end := bytes.Index(pdf[offs[root]:], []byte("endobj"))
	om := regexp.MustCompile(`/Outlines (\d+) 0 R`).FindSubmatch(pdf[offs[root] : offs[root]+max(end, 0)])
	if om == nil {
		return fail("catalog has no /Outlines")
	}
	outl, _ := strconv.Atoi(string(om[1]))
	first := outl - len(levels)
	if first <= 0 || outl >= nObj {
		return fail("outline objects out of range")
	}
	type edit struct {
		at  int // offset of "/Count 0>>"
		rep []byte
	}
	var edits []edit
	zero := []byte("/Count 0>>")
	for i, c := range children {
		if c == 0 {
			continue
		}
		o := offs[first+i]
		e := bytes.Index(pdf[o:], []byte("endobj"))
		if e < 0 {
			return fail("outline item not terminated")
		}
		obj := pdf[o : o+e]
		if !bytes.Contains(obj, []byte("/Title ")) {
			return fail(fmt.Sprintf("object %d is not an outline item", first+i))
		}
		k := bytes.LastIndex(obj, zero)
		if k < 0 {
			return fail(fmt.Sprintf("outline item %d has no /Count 0", first+i))
		}
		edits = append(edits, edit{at: o + k, rep: []byte("/Count -" + strconv.Itoa(c) + ">>")})
	}
	// apply edits (ascending offsets) and shift later offsets
	var out bytes.Buffer
	out.Grow(len(pdf) + 8*len(edits))
	prev := 0
	shift := func(off int) int {
		d := 0
		for _, e := range edits {
			if e.at < off {
				d += len(e.rep) - len(zero)
			}
		}
		return off + d
	}
	for _, e := range edits {
		out.Write(pdf[prev:e.at])
		out.Write(e.rep)
		prev = e.at + len(zero)
	}
	out.Write(pdf[prev:entries])
	for i := range nObj {
		line := pdf[entries+20*i : entries+20*i+20]
		if i == 0 || line[17] != 'n' {
			out.Write(line)
			continue
		}
		fmt.Fprintf(&out, "%010d", shift(offs[i]))
		out.Write(line[10:])
	}
	rest := pdf[entries+20*nObj:]
	k := bytes.LastIndex(rest, []byte("startxref\n"))
	out.Write(rest[:k])
	fmt.Fprintf(&out, "startxref\n%d", shift(xref))
	out.Write(rest[k+len("startxref\n")+len(m[1]):])
	return out.Bytes(), nil
}
