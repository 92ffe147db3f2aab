package pdf

import (
	"fmt"
	"math"
	"sort"

	"github.com/go-pdf/fpdf"
)

// Diagram is a data-flow style picture: boxes (components) grouped inside
// labelled rectangles (trust boundaries) with labelled arrows (flows).
// Positions come from LayoutDiagram; the whole diagram is scaled down to
// fit one page when it is large.
type Diagram struct {
	Caption string
	Groups  []DiagramGroup
	Nodes   []DiagramNode
	Edges   []DiagramEdge
}

// DiagramGroup is a trust boundary.
type DiagramGroup struct{ ID, Label string }

// DiagramNode is a component; Group is a DiagramGroup ID or empty (drawn
// outside any boundary).
type DiagramNode struct{ ID, Label, Group string }

// DiagramEdge is a flow between two node IDs. Self-loops are ignored.
type DiagramEdge struct{ From, To, Label string }

// Rect is an axis-aligned rectangle; Y grows downwards.
type Rect struct{ X, Y, W, H float64 }

// PlacedGroup is a group with its rectangle. The implicit group of
// ungrouped nodes has an empty ID and is not drawn.
type PlacedGroup struct {
	DiagramGroup
	Rect
}

// PlacedNode is a node with its box.
type PlacedNode struct {
	DiagramNode
	Rect
}

// PlacedEdge is an edge as a straight segment between the borders of its
// boxes, with the point its label is centred on.
type PlacedEdge struct {
	DiagramEdge
	X1, Y1, X2, Y2 float64
	LabelX, LabelY float64
}

// DiagramLayout is the result of LayoutDiagram, in points at scale 1.
type DiagramLayout struct {
	Width, Height float64
	Groups        []PlacedGroup
	Nodes         []PlacedNode
	Edges         []PlacedEdge
}

// Limits on diagram input: beyond them the picture is unreadable anyway.
const (
	MaxDiagramNodes = 400
	MaxDiagramEdges = 2000
)

// Layout metrics at scale 1, in points.
const (
	dNodeW     = 120.0
	dNodeH     = 40.0
	dRowGap    = 18.0
	dSubColGap = 36.0
	dGroupPad  = 12.0
	dGroupHead = 16.0
	dGroupVGap = 24.0
	dColGap    = 72.0
)

// LayoutDiagram places a diagram deterministically with a simple layered
// scheme:
//
//   - trust boundaries are laid out in columns, ordered by the flows
//     between them (longest path over the boundary graph; cycles are broken
//     by input order), several boundaries of one column stacked vertically;
//   - inside a boundary, nodes are laid out in sub-columns by the flows
//     between them, in input order within a sub-column;
//   - edges are straight segments clipped to the box borders, parallel
//     edges between the same two boxes are spread apart.
//
// The same input always yields the same output.
func LayoutDiagram(d Diagram) (DiagramLayout, error) {
	if len(d.Nodes) > MaxDiagramNodes {
		return DiagramLayout{}, fmt.Errorf("diagram %q: %d nodes exceed the limit of %d", d.Caption, len(d.Nodes), MaxDiagramNodes)
	}
	if len(d.Edges) > MaxDiagramEdges {
		return DiagramLayout{}, fmt.Errorf("diagram %q: %d edges exceed the limit of %d", d.Caption, len(d.Edges), MaxDiagramEdges)
	}
	// groups, with the implicit "" group first when used
	groups := []DiagramGroup{}
	gIdx := map[string]int{}
	for _, n := range d.Nodes {
		if n.Group == "" {
			groups = append(groups, DiagramGroup{})
			gIdx[""] = 0
			break
		}
	}
	for i, g := range d.Groups {
		if g.ID == "" {
			return DiagramLayout{}, fmt.Errorf("diagram %q: group %d has an empty ID", d.Caption, i+1)
		}
		if _, dup := gIdx[g.ID]; dup {
			return DiagramLayout{}, fmt.Errorf("diagram %q: duplicate group ID %q", d.Caption, g.ID)
		}
		gIdx[g.ID] = len(groups)
		groups = append(groups, g)
	}
	nIdx := map[string]int{}
	nodeGroup := make([]int, len(d.Nodes))
	for i, n := range d.Nodes {
		if n.ID == "" {
			return DiagramLayout{}, fmt.Errorf("diagram %q: node %d has an empty ID", d.Caption, i+1)
		}
		if _, dup := nIdx[n.ID]; dup {
			return DiagramLayout{}, fmt.Errorf("diagram %q: duplicate node ID %q", d.Caption, n.ID)
		}
		g, ok := gIdx[n.Group]
		if !ok {
			return DiagramLayout{}, fmt.Errorf("diagram %q: node %q is in unknown group %q", d.Caption, n.ID, n.Group)
		}
		nIdx[n.ID] = i
		nodeGroup[i] = g
	}
	type ie struct{ from, to int }
	var edges []ie
	var kept []DiagramEdge
	for i, e := range d.Edges {
		a, ok1 := nIdx[e.From]
		b, ok2 := nIdx[e.To]
		if !ok1 || !ok2 {
			missing := e.From
			if ok1 {
				missing = e.To
			}
			return DiagramLayout{}, fmt.Errorf("diagram %q: edge %d (%s -> %s) names unknown node %q", d.Caption, i+1, e.From, e.To, missing)
		}
		if a == b {
			continue
		}
		edges = append(edges, ie{a, b})
		kept = append(kept, e)
	}

	// columns of groups
	var gEdges [][2]int
	for _, e := range edges {
		if ga, gb := nodeGroup[e.from], nodeGroup[e.to]; ga != gb {
			gEdges = append(gEdges, [2]int{ga, gb})
		}
	}
	gLayer := layers(len(groups), gEdges)

	// sub-columns inside each group
	members := make([][]int, len(groups))
	for i := range d.Nodes {
		members[nodeGroup[i]] = append(members[nodeGroup[i]], i)
	}
	subCol := make([]int, len(d.Nodes))
	subRow := make([]int, len(d.Nodes))
	type gdim struct {
		cols, rows int
		w, h       float64
	}
	dims := make([]gdim, len(groups))
	for g, mem := range members {
		local := map[int]int{}
		for k, n := range mem {
			local[n] = k
		}
		var le [][2]int
		for _, e := range edges {
			if nodeGroup[e.from] == g && nodeGroup[e.to] == g {
				le = append(le, [2]int{local[e.from], local[e.to]})
			}
		}
		ly := layers(len(mem), le)
		count := map[int]int{}
		cols, rows := 1, 1
		for k, n := range mem {
			subCol[n] = ly[k]
			subRow[n] = count[ly[k]]
			count[ly[k]]++
			cols = max(cols, ly[k]+1)
			rows = max(rows, count[ly[k]])
		}
		w := float64(cols)*dNodeW + float64(cols-1)*dSubColGap + 2*dGroupPad
		h := float64(rows)*dNodeH + float64(rows-1)*dRowGap + 2*dGroupPad + dGroupHead
		if len(mem) == 0 {
			w, h = 2*dGroupPad+dNodeW, dGroupHead+2*dGroupPad
		}
		dims[g] = gdim{cols, rows, w, h}
		// rows per sub-column, to centre short columns vertically
		_ = count
	}

	// column geometry
	nCols := 0
	for _, l := range gLayer {
		nCols = max(nCols, l+1)
	}
	colW := make([]float64, nCols)
	colH := make([]float64, nCols)
	colGroups := make([][]int, nCols)
	for g := range groups {
		c := gLayer[g]
		colGroups[c] = append(colGroups[c], g)
		colW[c] = max(colW[c], dims[g].w)
		if colH[c] > 0 {
			colH[c] += dGroupVGap
		}
		colH[c] += dims[g].h
	}
	total := DiagramLayout{}
	for c := range nCols {
		total.Width += colW[c]
		if c > 0 {
			total.Width += dColGap
		}
		total.Height = max(total.Height, colH[c])
	}
	gRect := make([]Rect, len(groups))
	x := 0.0
	for c := range nCols {
		y := (total.Height - colH[c]) / 2
		for _, g := range colGroups[c] {
			gRect[g] = Rect{X: x + (colW[c]-dims[g].w)/2, Y: y, W: dims[g].w, H: dims[g].h}
			y += dims[g].h + dGroupVGap
		}
		x += colW[c] + dColGap
	}
	for g, grp := range groups {
		total.Groups = append(total.Groups, PlacedGroup{DiagramGroup: grp, Rect: gRect[g]})
	}
	// node boxes
	perCol := map[[2]int]int{} // (group, subcol) -> node count
	for n := range d.Nodes {
		perCol[[2]int{nodeGroup[n], subCol[n]}]++
	}
	for n, node := range d.Nodes {
		g := nodeGroup[n]
		gr := gRect[g]
		inner := gr.H - 2*dGroupPad - dGroupHead
		k := perCol[[2]int{g, subCol[n]}]
		colHt := float64(k)*dNodeH + float64(k-1)*dRowGap
		nx := gr.X + dGroupPad + float64(subCol[n])*(dNodeW+dSubColGap)
		ny := gr.Y + dGroupHead + dGroupPad + (inner-colHt)/2 + float64(subRow[n])*(dNodeH+dRowGap)
		total.Nodes = append(total.Nodes, PlacedNode{DiagramNode: node, Rect: Rect{nx, ny, dNodeW, dNodeH}})
	}
	// edges, spreading parallel ones
	pairCount := map[[2]int]int{}
	pairSeen := map[[2]int]int{}
	key := func(a, b int) [2]int {
		if a > b {
			a, b = b, a
		}
		return [2]int{a, b}
	}
	for _, e := range edges {
		pairCount[key(e.from, e.to)]++
	}
	for i, e := range edges {
		k := key(e.from, e.to)
		nth := pairSeen[k]
		pairSeen[k]++
		off := (float64(nth) - float64(pairCount[k]-1)/2) * 10
		a, b := total.Nodes[e.from].Rect, total.Nodes[e.to].Rect
		ax, ay := a.X+a.W/2, a.Y+a.H/2
		bx, by := b.X+b.W/2, b.Y+b.H/2
		// perpendicular offset, oriented by the unordered pair so that
		// A->B and B->A land on opposite sides
		dx, dy := bx-ax, by-ay
		if e.from > e.to {
			dx, dy = -dx, -dy
		}
		l := math.Hypot(dx, dy)
		px, py := -dy/l*off, dx/l*off
		ax, ay, bx, by = ax+px, ay+py, bx+px, by+py
		x1, y1 := clipToRect(a, ax, ay, bx, by)
		x2, y2 := clipToRect(b, bx, by, ax, ay)
		total.Edges = append(total.Edges, PlacedEdge{DiagramEdge: kept[i], X1: x1, Y1: y1, X2: x2, Y2: y2,
			LabelX: (x1 + x2) / 2, LabelY: (y1 + y2) / 2})
	}
	return total, nil
}

// layers assigns each of n vertices a layer: the longest path to it over
// edges that go forward in a depth-first order started from the vertices
// in index order. Back edges (cycles) are ignored. Deterministic.
func layers(n int, edges [][2]int) []int {
	adj := make([][]int, n)
	for _, e := range edges {
		adj[e[0]] = append(adj[e[0]], e[1])
	}
	for i := range adj {
		sort.Ints(adj[i])
	}
	state := make([]int, n) // 0 new, 1 on stack, 2 done
	var post []int
	var visit func(v int)
	visit = func(v int) {
		state[v] = 1
		for _, u := range adj[v] {
			if state[u] == 0 {
				visit(u)
			}
		}
		state[v] = 2
		post = append(post, v)
	}
	for v := range n {
		if state[v] == 0 {
			visit(v)
		}
	}
	pos := make([]int, n)
	order := make([]int, n)
	for i := range post {
		v := post[len(post)-1-i]
		order[i] = v
		pos[v] = i
	}
	layer := make([]int, n)
	for _, v := range order {
		for _, u := range adj[v] {
			if pos[u] > pos[v] {
				layer[u] = max(layer[u], layer[v]+1)
			}
		}
	}
	return layer
}

// clipToRect returns where the segment from (x0,y0) (inside r) towards
// (x1,y1) leaves r.
func clipToRect(r Rect, x0, y0, x1, y1 float64) (float64, float64) {
	dx, dy := x1-x0, y1-y0
	t := 1.0
	if dx > 0 {
		t = math.Min(t, (r.X+r.W-x0)/dx)
	} else if dx < 0 {
		t = math.Min(t, (r.X-x0)/dx)
	}
	if dy > 0 {
		t = math.Min(t, (r.Y+r.H-y0)/dy)
	} else if dy < 0 {
		t = math.Min(t, (r.Y-y0)/dy)
	}
	t = math.Max(t, 0)
	return x0 + dx*t, y0 + dy*t
}

var (
	boxFill      = Color{224, 236, 250}
	boundaryLine = Color{64, 64, 64}
)

func (dg Diagram) render(r *renderer) error {
	lay, err := LayoutDiagram(dg)
	if err != nil {
		return err
	}
	capH := 0.0
	if dg.Caption != "" {
		capH = sizeBody*1.3 + 3
	}
	if lay.Width == 0 || lay.Height == 0 {
		return nil
	}
	s := math.Min(1, math.Min(ContentWidth/lay.Width, (r.usable()-capH-4)/lay.Height))
	if r.f.PageNo() == 0 || r.y()+capH+lay.Height*s > r.bottom() {
		if !r.atTop() {
			r.newPage()
		}
	}
	if dg.Caption != "" {
		r.caption(dg.Caption)
	}
	ox := MarginLeft + (ContentWidth-lay.Width*s)/2
	oy := r.y() + 2
	X := func(v float64) float64 { return ox + v*s }
	Y := func(v float64) float64 { return oy + v*s }
	f := r.f

	// trust boundaries
	for _, g := range lay.Groups {
		if g.ID == "" {
			continue
		}
		r.drawColor(boundaryLine)
		f.SetLineWidth(math.Max(0.4, 1.0*s))
		f.SetDashPattern([]float64{4 * s, 2.5 * s}, 0)
		f.Rect(X(g.X), Y(g.Y), g.W*s, g.H*s, "D")
		f.SetDashPattern(nil, 0)
		size := math.Max(4, 8.5*s)
		fc := r.faces[sBoldItalic]
		r.font(sBoldItalic, size)
		r.color(Black)
		lbl := fc.ellipsize(fc.sanitize(g.Label, false), size, (g.W-2*dGroupPad)*s)
		r.text(X(g.X+dGroupPad*0.5), Y(g.Y+2), (g.W-dGroupPad)*s, dGroupHead*s, lbl, "L")
	}
	// flows
	for _, e := range lay.Edges {
		r.drawColor(Black)
		f.SetLineWidth(math.Max(0.4, 0.9*s))
		r.arrow(X(e.X1), Y(e.Y1), X(e.X2), Y(e.Y2), math.Max(3, 7*s))
	}
	// components
	for _, n := range lay.Nodes {
		r.fill(boxFill)
		r.drawColor(Black)
		f.SetLineWidth(math.Max(0.4, 0.8*s))
		f.Rect(X(n.X), Y(n.Y), n.W*s, n.H*s, "FD")
		r.boxText(n.Label, X(n.X), Y(n.Y), n.W*s, n.H*s, 8.5*s)
	}
	// flow labels on top, on a white ground
	for _, e := range lay.Edges {
		if e.Label == "" {
			continue
		}
		size := math.Max(4, 7*s)
		fc := r.faces[sRegular]
		lbl := fc.ellipsize(fc.sanitize(e.Label, false), size, dColGap*1.6*s)
		w := fc.textWidth(lbl, size) + 3
		h := size * 1.3
		r.fill(White)
		f.Rect(X(e.LabelX)-w/2, Y(e.LabelY)-h/2, w, h, "F")
		r.font(sRegular, size)
		r.color(Black)
		r.text(X(e.LabelX)-w/2, Y(e.LabelY)-h/2, w, h, lbl, "C")
	}
	r.color(Black)
	f.SetXY(MarginLeft, oy+lay.Height*s+4)
	r.space(8)
	return nil
}

// arrow draws a line from (x1,y1) to (x2,y2) with a filled head at the end.
func (r *renderer) arrow(x1, y1, x2, y2, head float64) {
	dx, dy := x2-x1, y2-y1
	l := math.Hypot(dx, dy)
	if l < 0.01 {
		return
	}
	ux, uy := dx/l, dy/l
	bx, by := x2-ux*head, y2-uy*head
	r.f.Line(x1, y1, bx, by)
	r.fill(Black)
	r.f.Polygon([]fpdf.PointType{
		{X: x2, Y: y2},
		{X: bx - uy*head*0.4, Y: by + ux*head*0.4},
		{X: bx + uy*head*0.4, Y: by - ux*head*0.4},
	}, "F")
}

// boxText centres wrapped text in a box, shrinking the font until it fits.
func (r *renderer) boxText(s string, x, y, w, h, size float64) {
	fc := r.faces[sRegular]
	s = fc.sanitize(s, false)
	var lines []string
	for ; ; size *= 0.9 {
		lines = fc.wrap(s, size, w-6)
		if float64(len(lines))*size*1.2 <= h-4 || size < 4 {
			break
		}
	}
	maxLines := max(1, int((h-4)/(size*1.2)))
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		lines[maxLines-1] = fc.ellipsize(lines[maxLines-1]+"…", size, w-6)
	}
	lh := size * 1.2
	top := y + (h-float64(len(lines))*lh)/2
	r.font(sRegular, size)
	r.color(Black)
	for i, ln := range lines {
		r.text(x+3, top+float64(i)*lh, w-6, lh, ln, "C")
	}
}
