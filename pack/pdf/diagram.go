package pdf

import (
	"container/heap"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobolditalic"
	"golang.org/x/image/font/gofont/goregular"
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

func (r Rect) overlaps(o Rect) bool {
	return r.X < o.X+o.W && o.X < r.X+r.W && r.Y < o.Y+o.H && o.Y < r.Y+r.H
}

func (r Rect) inflate(d float64) Rect { return Rect{r.X - d, r.Y - d, r.W + 2*d, r.H + 2*d} }

// Point is a position in layout coordinates.
type Point struct{ X, Y float64 }

// PlacedGroup is a group with its rectangle and its label broken into at
// most two lines that fit the rectangle. The implicit group of ungrouped
// nodes has an empty ID and is not drawn.
type PlacedGroup struct {
	DiagramGroup
	Rect
	LabelLines []string
}

// PlacedNode is a node with its box.
type PlacedNode struct {
	DiagramNode
	Rect
}

// PlacedEdge is an edge as a polyline from the border of its source box to
// the border of its target box (the arrow head is at the last point).
// Routed edges are orthogonal and avoid every box and group label; X1, Y1
// and X2, Y2 repeat the first and last points. The label is centred on
// (LabelX, LabelY) in a LabelW x LabelH box clear of boxes and of other
// labels whenever the router found such a place.
type PlacedEdge struct {
	DiagramEdge
	Points                         []Point
	X1, Y1, X2, Y2                 float64
	LabelX, LabelY, LabelW, LabelH float64
}

// DiagramLayout is the result of LayoutDiagram, in points at scale 1.
type DiagramLayout struct {
	Width, Height float64
	Groups        []PlacedGroup
	Nodes         []PlacedNode
	Edges         []PlacedEdge
	// Routed is false when the diagram was too large for orthogonal
	// routing and edges are straight segments between box borders.
	Routed bool
}

// Limits on diagram input: beyond them the picture is unreadable anyway.
const (
	MaxDiagramNodes = 400
	MaxDiagramEdges = 2000
)

// maxRouteWork bounds orthogonal routing: grid points times edges. Larger
// diagrams get straight edges (they are scaled far down anyway).
const maxRouteWork = 6_000_000

// Layout metrics at scale 1, in points.
const (
	dNodeWMin   = 104.0
	dNodeWMax   = 168.0
	dNodeH      = 40.0
	dRowGap     = 30.0 // between boxes of one sub-column: room for a routed flow and its label
	dSubColGap  = 56.0
	dGroupPad   = 14.0
	dGroupVGap  = 34.0
	dColGap     = 104.0 // between columns of boundaries: the routing channel
	dGroupLabel = 8.5   // group label size
	dGroupLineH = 11.0
	dGroupLblW  = 230.0 // a boundary label longer than this wraps onto two lines
	dNodeText   = 8.5
	dEdgeText   = 7.0
	dPortOff    = 9.0  // distance between parallel ports on a box side
	dClear      = 7.0  // clearance between a routed flow and a box
	dBend       = 28.0 // routing cost of a bend, in points of length
)

// diagramFaces measures text for the layout: the regular face for boxes
// and flow labels, the bold italic face for boundary labels.
type diagramFaces struct{ regular, label *face }

// LayoutDiagram places a diagram deterministically with a layered
// (Sugiyama-style) scheme, measuring text with the engine's default fonts:
//
//   - trust boundaries are assigned to columns by the flows between them
//     (longest path over the boundary graph; cycles are broken by input
//     order); boundaries of one column are stacked vertically;
//   - inside a boundary, components are placed in sub-columns by the flows
//     between them;
//   - crossings are reduced by barycentre ordering: boundaries within a
//     column and components within a sub-column are sorted by the mean
//     height of their neighbours, over a fixed number of sweeps;
//   - boundary rectangles are sized to fit their labels (wrapped onto two
//     lines when long); boxes are sized to fit their labels on two lines;
//   - flows are routed orthogonally on the grid of box and channel lines
//     (shortest path with a cost per bend and for sharing a segment with
//     a flow already routed), never through a box or a boundary label;
//     each label sits on a segment of its flow, clear of boxes and of the
//     labels placed before it.
//
// The same input always yields the same output.
func LayoutDiagram(d Diagram) (DiagramLayout, error) {
	reg, err := newFace(goregular.TTF)
	if err != nil {
		return DiagramLayout{}, err
	}
	lbl, err := newFace(gobolditalic.TTF)
	if err != nil {
		return DiagramLayout{}, err
	}
	return layoutDiagram(d, diagramFaces{reg, lbl})
}

func layoutDiagram(d Diagram, fc diagramFaces) (DiagramLayout, error) {
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
	var edges [][2]int
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
		edges = append(edges, [2]int{a, b})
		kept = append(kept, e)
	}
	nbrs := make([][]int, len(d.Nodes))
	for _, e := range edges {
		nbrs[e[0]] = append(nbrs[e[0]], e[1])
		nbrs[e[1]] = append(nbrs[e[1]], e[0])
	}

	// box width: the narrowest that holds every label on two lines
	nodeW := dNodeWMin
	for _, n := range d.Nodes {
		s := fc.regular.sanitize(n.Label, false)
		for nodeW < dNodeWMax && len(fc.regular.wrap(s, dNodeText, nodeW-8)) > 2 {
			nodeW += 8
		}
	}

	// columns of groups
	var gEdges [][2]int
	for _, e := range edges {
		if ga, gb := nodeGroup[e[0]], nodeGroup[e[1]]; ga != gb {
			gEdges = append(gEdges, [2]int{ga, gb})
		}
	}
	gLayer := layers(len(groups), gEdges)

	// sub-columns inside each group; rows[g][sc] is the order of a sub-column
	members := make([][]int, len(groups))
	for i := range d.Nodes {
		members[nodeGroup[i]] = append(members[nodeGroup[i]], i)
	}
	subCol := make([]int, len(d.Nodes))
	rows := make([][][]int, len(groups))
	for g, mem := range members {
		local := map[int]int{}
		for k, n := range mem {
			local[n] = k
		}
		var le [][2]int
		for _, e := range edges {
			if nodeGroup[e[0]] == g && nodeGroup[e[1]] == g {
				le = append(le, [2]int{local[e[0]], local[e[1]]})
			}
		}
		ly := layers(len(mem), le)
		for k, n := range mem {
			subCol[n] = ly[k]
			for len(rows[g]) <= ly[k] {
				rows[g] = append(rows[g], nil)
			}
			rows[g][ly[k]] = append(rows[g][ly[k]], n)
		}
	}

	// group sizes (independent of the order inside)
	type gdim struct {
		w, h, head float64
		lines      []string
	}
	dims := make([]gdim, len(groups))
	for g := range groups {
		cols := max(1, len(rows[g]))
		nRows := 1
		for _, r := range rows[g] {
			nRows = max(nRows, len(r))
		}
		w := float64(cols)*nodeW + float64(cols-1)*dSubColGap + 2*dGroupPad
		h := float64(nRows)*dNodeH + float64(nRows-1)*dRowGap + 2*dGroupPad
		var lines []string
		if groups[g].ID != "" {
			lines, w = groupLabel(fc.label, groups[g].Label, w)
		}
		head := 0.0
		if len(lines) > 0 {
			head = float64(len(lines))*dGroupLineH + 4
		}
		dims[g] = gdim{w: w, h: h + head, head: head, lines: lines}
	}

	nCols := 0
	for _, l := range gLayer {
		nCols = max(nCols, l+1)
	}
	colGroups := make([][]int, nCols)
	for g := range groups {
		colGroups[gLayer[g]] = append(colGroups[gLayer[g]], g)
	}
	colW := make([]float64, nCols)
	colH := make([]float64, nCols)
	for c, gs := range colGroups {
		for k, g := range gs {
			colW[c] = max(colW[c], dims[g].w)
			if k > 0 {
				colH[c] += dGroupVGap
			}
			colH[c] += dims[g].h
		}
	}
	totalH := slices.Max(append(colH, 0))
	gRect := make([]Rect, len(groups))
	nRect := make([]Rect, len(d.Nodes))
	place := func() {
		x := 0.0
		for c := range nCols {
			y := (totalH - colH[c]) / 2
			for _, g := range colGroups[c] {
				gr := Rect{X: x + (colW[c]-dims[g].w)/2, Y: y, W: dims[g].w, H: dims[g].h}
				gRect[g] = gr
				inner := gr.H - 2*dGroupPad - dims[g].head
				for sc, col := range rows[g] {
					k := float64(len(col))
					colHt := k*dNodeH + (k-1)*dRowGap
					// sub-columns are centred in a group widened for its label
					cw := float64(len(rows[g]))*nodeW + float64(len(rows[g])-1)*dSubColGap
					nx := gr.X + (gr.W-cw)/2 + float64(sc)*(nodeW+dSubColGap)
					for r, n := range col {
						ny := gr.Y + dims[g].head + dGroupPad + (inner-colHt)/2 + float64(r)*(dNodeH+dRowGap)
						nRect[n] = Rect{nx, ny, nodeW, dNodeH}
					}
				}
				y += dims[g].h + dGroupVGap
			}
			x += colW[c] + dColGap
		}
	}
	centre := func(n int) float64 { return nRect[n].Y + nRect[n].H/2 }
	// barycentre sweeps (crossing reduction), column by column, left to
	// right then right to left; positions are recomputed after each
	// column so that a column follows its neighbours' new order
	sortColumn := func(c int) {
		key := map[int]float64{}
		for _, g := range colGroups[c] {
			sum, k := 0.0, 0
			for _, n := range members[g] {
				for _, m := range nbrs[n] {
					if nodeGroup[m] != g {
						sum += centre(m)
						k++
					}
				}
			}
			if k > 0 {
				key[g] = sum / float64(k)
			} else {
				key[g] = gRect[g].Y + gRect[g].H/2
			}
		}
		sort.SliceStable(colGroups[c], func(i, j int) bool { return key[colGroups[c][i]] < key[colGroups[c][j]] })
		place()
		for _, g := range colGroups[c] {
			for _, col := range rows[g] {
				key := map[int]float64{}
				for _, n := range col {
					sum := 0.0
					for _, m := range nbrs[n] {
						sum += centre(m)
					}
					if len(nbrs[n]) > 0 {
						key[n] = sum / float64(len(nbrs[n]))
					} else {
						key[n] = centre(n)
					}
				}
				sort.SliceStable(col, func(i, j int) bool { return key[col[i]] < key[col[j]] })
				place()
			}
		}
	}
	place()
	for sweep := range 4 {
		for k := range nCols {
			c := k
			if sweep%2 == 1 {
				c = nCols - 1 - k
			}
			sortColumn(c)
		}
	}
	place()

	out := DiagramLayout{}
	for g, grp := range groups {
		out.Groups = append(out.Groups, PlacedGroup{DiagramGroup: grp, Rect: gRect[g], LabelLines: dims[g].lines})
	}
	for n, node := range d.Nodes {
		out.Nodes = append(out.Nodes, PlacedNode{DiagramNode: node, Rect: nRect[n]})
	}
	// obstacles for flows and labels: boxes and boundary label areas
	var labelRects []Rect
	for g, pg := range out.Groups {
		if len(pg.LabelLines) > 0 {
			w := 0.0
			for _, l := range pg.LabelLines {
				w = max(w, fc.label.textWidth(l, dGroupLabel))
			}
			// from above the border down to below the text, so that no
			// flow runs along the border over the label
			labelRects = append(labelRects, Rect{pg.X + dGroupPad/2 - 2, pg.Y - dClear, w + 6, dims[g].head + dClear + 1})
		}
	}
	var boundaries []Rect
	for _, pg := range out.Groups {
		if pg.ID != "" {
			boundaries = append(boundaries, pg.Rect)
		}
	}
	rt := newRouter(nRect, labelRects, boundaries)
	work := rt.size() * max(1, len(edges))
	out.Routed = work <= maxRouteWork
	for i, e := range edges {
		var pts []Point
		if out.Routed {
			pts = rt.route(e[0], e[1])
		}
		if pts == nil {
			pts = straight(nRect[e[0]], nRect[e[1]])
		}
		out.Edges = append(out.Edges, PlacedEdge{DiagramEdge: kept[i], Points: pts})
	}
	// labels
	taken := append(slices.Clone(labelRects), inflated(nRect, 1)...)
	for i := range out.Edges {
		e := &out.Edges[i]
		if e.Label == "" {
			continue
		}
		w := fc.regular.textWidth(fc.regular.sanitize(e.Label, false), dEdgeText) + 4
		h := dEdgeText * 1.35
		p := labelSpot(e.Points, w, h, taken)
		e.LabelX, e.LabelY, e.LabelW, e.LabelH = p.X, p.Y, w, h
		taken = append(taken, Rect{p.X - w/2 - 1, p.Y - h/2 - 1, w + 2, h + 2})
	}
	out.normalise()
	return out, nil
}

// groupLabel breaks a boundary label into at most two lines and returns
// them with the group width widened to fit them.
func groupLabel(fc *face, label string, w float64) ([]string, float64) {
	s := fc.sanitize(label, false)
	if s == "" {
		return nil, w
	}
	one := fc.textWidth(s, dGroupLabel) + 2*dGroupPad
	if one <= max(w, dGroupLblW) {
		return []string{s}, max(w, one)
	}
	// two lines: the narrowest width (at least the content's) that holds it
	for lw := max(w-2*dGroupPad, one/2-dGroupPad); ; lw += 6 {
		lines := fc.wrap(s, dGroupLabel, lw)
		if len(lines) <= 2 {
			widest := 0.0
			for _, l := range lines {
				widest = max(widest, fc.textWidth(l, dGroupLabel))
			}
			return lines, max(w, widest+2*dGroupPad)
		}
		if lw > 2*dGroupLblW {
			lines = fc.wrap(s, dGroupLabel, lw)
			lines = []string{lines[0], fc.ellipsize(lines[1]+" "+lines[2], dGroupLabel, lw)}
			return lines, max(w, lw+2*dGroupPad)
		}
	}
}

func inflated(rs []Rect, d float64) []Rect {
	out := make([]Rect, len(rs))
	for i, r := range rs {
		out[i] = r.inflate(d)
	}
	return out
}

// normalise moves the layout so that everything (routes included) starts
// at (0, 0) and sets Width and Height, and fills the edges' end points.
func (l *DiagramLayout) normalise() {
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	add := func(x, y float64) {
		minX, minY = min(minX, x), min(minY, y)
		maxX, maxY = max(maxX, x), max(maxY, y)
	}
	for _, g := range l.Groups {
		if g.ID != "" {
			add(g.X, g.Y)
			add(g.X+g.W, g.Y+g.H)
		}
	}
	for _, n := range l.Nodes {
		add(n.X, n.Y)
		add(n.X+n.W, n.Y+n.H)
	}
	for _, e := range l.Edges {
		for _, p := range e.Points {
			add(p.X, p.Y)
		}
		if e.Label != "" {
			add(e.LabelX-e.LabelW/2, e.LabelY-e.LabelH/2)
			add(e.LabelX+e.LabelW/2, e.LabelY+e.LabelH/2)
		}
	}
	if math.IsInf(minX, 1) {
		return
	}
	for i := range l.Groups {
		l.Groups[i].X -= minX
		l.Groups[i].Y -= minY
	}
	for i := range l.Nodes {
		l.Nodes[i].X -= minX
		l.Nodes[i].Y -= minY
	}
	for i := range l.Edges {
		e := &l.Edges[i]
		for k := range e.Points {
			e.Points[k].X -= minX
			e.Points[k].Y -= minY
		}
		e.LabelX -= minX
		e.LabelY -= minY
		if len(e.Points) > 0 {
			e.X1, e.Y1 = e.Points[0].X, e.Points[0].Y
			last := e.Points[len(e.Points)-1]
			e.X2, e.Y2 = last.X, last.Y
		}
	}
	l.Width, l.Height = maxX-minX, maxY-minY
}

// straight is the fallback route: a segment between the box centres,
// clipped to the box borders.
func straight(a, b Rect) []Point {
	ax, ay := a.X+a.W/2, a.Y+a.H/2
	bx, by := b.X+b.W/2, b.Y+b.H/2
	x1, y1 := clipToRect(a, ax, ay, bx, by)
	x2, y2 := clipToRect(b, bx, by, ax, ay)
	return []Point{{x1, y1}, {x2, y2}}
}

// labelSpot picks where a w x h label goes on a polyline: the middle of
// its longest segment if that is clear of taken, else the first clear
// spot among the quarter points of the segments, longest first; else the
// middle of the longest segment.
func labelSpot(pts []Point, w, h float64, taken []Rect) Point {
	type seg struct {
		a, b Point
		l    float64
	}
	var segs []seg
	for i := 0; i+1 < len(pts); i++ {
		a, b := pts[i], pts[i+1]
		segs = append(segs, seg{a, b, math.Abs(b.X-a.X) + math.Abs(b.Y-a.Y)})
	}
	if len(segs) == 0 {
		return Point{}
	}
	sort.SliceStable(segs, func(i, j int) bool { return segs[i].l > segs[j].l })
	best := Point{(segs[0].a.X + segs[0].b.X) / 2, (segs[0].a.Y + segs[0].b.Y) / 2}
	for _, s := range segs {
		for _, t := range []float64{0.5, 0.3, 0.7, 0.15, 0.85} {
			p := Point{s.a.X + (s.b.X-s.a.X)*t, s.a.Y + (s.b.Y-s.a.Y)*t}
			r := Rect{p.X - w/2, p.Y - h/2, w, h}
			clear := true
			for _, o := range taken {
				if r.overlaps(o) {
					clear = false
					break
				}
			}
			if clear {
				return p
			}
		}
	}
	return best
}

// ---- orthogonal routing ----

// router routes flows on the sparse grid made of the lines around every
// box (at clearance dClear), through box centres and parallel ports, and
// along the edges of the boundary label areas. Boxes (inflated by dClear)
// and label areas are obstacles; a flow leaves its source box and enters
// its target box perpendicularly through a port on a side.
type router struct {
	xs, ys []float64
	boxes  []Rect // node boxes
	obst   []Rect // inflated boxes and label areas
	groups []Rect // boundaries: running along their dashed borders costs extra
	used   map[[2]int]int
	ports  map[[2]int]int // grid point -> flows using it as a port
	nx, ny int
}

const (
	dirRight = iota
	dirDown
	dirLeft
	dirUp
)

var dirDX = [4]int{1, 0, -1, 0}
var dirDY = [4]int{0, 1, 0, -1}

func newRouter(boxes, labels, groups []Rect) *router {
	rt := &router{boxes: boxes, groups: groups, used: map[[2]int]int{}, ports: map[[2]int]int{}}
	var xs, ys []float64
	for _, g := range groups {
		xs = append(xs, g.X-dClear, g.X+g.W+dClear)
		ys = append(ys, g.Y-dClear, g.Y+g.H+dClear)
	}
	for _, b := range boxes {
		o := b.inflate(dClear)
		rt.obst = append(rt.obst, o)
		cx, cy := b.X+b.W/2, b.Y+b.H/2
		xs = append(xs, o.X, o.X+o.W, cx, cx-2*dPortOff, cx+2*dPortOff)
		ys = append(ys, o.Y, o.Y+o.H, cy, cy-dPortOff, cy+dPortOff)
	}
	for _, l := range labels {
		rt.obst = append(rt.obst, l)
		xs = append(xs, l.X, l.X+l.W)
		ys = append(ys, l.Y, l.Y+l.H)
	}
	// channels between and around everything
	if len(boxes) > 0 {
		minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for _, o := range rt.obst {
			minX, minY = min(minX, o.X), min(minY, o.Y)
			maxX, maxY = max(maxX, o.X+o.W), max(maxY, o.Y+o.H)
		}
		xs = append(xs, minX-dClear*2, maxX+dClear*2)
		ys = append(ys, minY-dClear*2, maxY+dClear*2)
		sx := slices.Clone(xs)
		sort.Float64s(sx)
		for i := 0; i+1 < len(sx); i++ {
			if sx[i+1]-sx[i] > 4*dClear {
				xs = append(xs, (sx[i]+sx[i+1])/2)
			}
		}
		sy := slices.Clone(ys)
		sort.Float64s(sy)
		for i := 0; i+1 < len(sy); i++ {
			if sy[i+1]-sy[i] > 4*dClear {
				ys = append(ys, (sy[i]+sy[i+1])/2)
			}
		}
	}
	rt.xs, rt.ys = uniq(xs), uniq(ys)
	rt.nx, rt.ny = len(rt.xs), len(rt.ys)
	return rt
}

func uniq(v []float64) []float64 {
	for i := range v {
		v[i] = math.Round(v[i]*100) / 100
	}
	sort.Float64s(v)
	return slices.Compact(v)
}

func (rt *router) size() int { return rt.nx * rt.ny }

// blocked reports whether the open segment between two adjacent grid
// points runs through an obstacle (its midpoint lies strictly inside one;
// obstacle borders are grid lines, so that decides the whole segment).
func (rt *router) blocked(x1, y1, x2, y2 float64, skip1, skip2 int) bool {
	mx, my := (x1+x2)/2, (y1+y2)/2
	for i, o := range rt.obst {
		if i == skip1 || i == skip2 {
			continue
		}
		if mx > o.X+0.01 && mx < o.X+o.W-0.01 && my > o.Y+0.01 && my < o.Y+o.H-0.01 {
			return true
		}
	}
	return false
}

// alongBorder is the extra cost of a segment that runs on (within 2 pt
// of) a boundary's dashed border, where the two lines would merge.
func (rt *router) alongBorder(x1, y1, x2, y2 float64) float64 {
	l := math.Abs(x2-x1) + math.Abs(y2-y1)
	lo, hi := min(x1, x2), max(x1, x2)
	if y1 == y2 {
		for _, g := range rt.groups {
			if (math.Abs(y1-g.Y) < 2 || math.Abs(y1-g.Y-g.H) < 2) && hi > g.X && lo < g.X+g.W {
				return 3 * l
			}
		}
		return 0
	}
	lo, hi = min(y1, y2), max(y1, y2)
	for _, g := range rt.groups {
		if (math.Abs(x1-g.X) < 2 || math.Abs(x1-g.X-g.W) < 2) && hi > g.Y && lo < g.Y+g.H {
			return 3 * l
		}
	}
	return 0
}

type portPt struct {
	ix, iy int
	dir    int   // direction leaving the box (into the grid)
	border Point // where the flow meets the box
}

// portsOf returns the grid points on the clearance ring of box b at its
// side centres and the parallel offsets.
func (rt *router) portsOf(b int) []portPt {
	r := rt.boxes[b]
	o := r.inflate(dClear)
	cx, cy := r.X+r.W/2, r.Y+r.H/2
	var out []portPt
	add := func(x, y float64, dir int, bx, by float64) {
		ix, ok1 := slices.BinarySearch(rt.xs, math.Round(x*100)/100)
		iy, ok2 := slices.BinarySearch(rt.ys, math.Round(y*100)/100)
		if ok1 && ok2 {
			// the border point shares the grid line's (rounded) coordinate
			// so that the first and last segments stay exactly orthogonal
			if dir == dirLeft || dir == dirRight {
				by = rt.ys[iy]
			} else {
				bx = rt.xs[ix]
			}
			out = append(out, portPt{ix, iy, dir, Point{bx, by}})
		}
	}
	for _, dy := range []float64{0, -dPortOff, dPortOff} {
		add(o.X+o.W, cy+dy, dirRight, r.X+r.W, cy+dy)
		add(o.X, cy+dy, dirLeft, r.X, cy+dy)
	}
	for _, dx := range []float64{0, -2 * dPortOff, 2 * dPortOff} {
		add(cx+dx, o.Y+o.H, dirDown, cx+dx, r.Y+r.H)
		add(cx+dx, o.Y, dirUp, cx+dx, r.Y)
	}
	return out
}

type pqItem struct {
	cost  float64
	state int
}
type pq []pqItem

func (q pq) Len() int { return len(q) }
func (q pq) Less(i, j int) bool {
	if q[i].cost != q[j].cost {
		return q[i].cost < q[j].cost
	}
	return q[i].state < q[j].state
}
func (q pq) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *pq) Push(x any)   { *q = append(*q, x.(pqItem)) }
func (q *pq) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}

// route finds the cheapest orthogonal path from box a to box b (Dijkstra
// over grid point and direction), records its segments so later flows
// avoid sharing them, and returns it as a polyline from border to border,
// or nil when there is none.
func (rt *router) route(a, b int) []Point {
	nStates := rt.nx * rt.ny * 4
	dist := make([]float64, nStates)
	prev := make([]int32, nStates)
	for i := range dist {
		dist[i] = math.Inf(1)
		prev[i] = -1
	}
	st := func(ix, iy, dir int) int { return (iy*rt.nx+ix)*4 + dir }
	q := &pq{}
	src := rt.portsOf(a)
	dst := rt.portsOf(b)
	goal := map[int]portPt{}
	for _, p := range dst {
		goal[st(p.ix, p.iy, (p.dir+2)%4)] = p
	}
	startOf := map[int]portPt{}
	for k, p := range src {
		s := st(p.ix, p.iy, p.dir)
		c := float64(rt.ports[[2]int{p.ix, p.iy}])*40 + float64(k%3)*0.5
		if c < dist[s] {
			dist[s] = c
			startOf[s] = p
			heap.Push(q, pqItem{c, s})
		}
	}
	end := -1
	for q.Len() > 0 {
		it := heap.Pop(q).(pqItem)
		if it.cost > dist[it.state] {
			continue
		}
		if _, ok := goal[it.state]; ok {
			end = it.state
			break
		}
		pi, dir := it.state/4, it.state%4
		ix, iy := pi%rt.nx, pi/rt.nx
		for nd := range 4 {
			if nd == (dir+2)%4 {
				continue
			}
			jx, jy := ix+dirDX[nd], iy+dirDY[nd]
			if jx < 0 || jy < 0 || jx >= rt.nx || jy >= rt.ny {
				continue
			}
			x1, y1, x2, y2 := rt.xs[ix], rt.ys[iy], rt.xs[jx], rt.ys[jy]
			if rt.blocked(x1, y1, x2, y2, -1, -1) {
				continue
			}
			c := it.cost + math.Abs(x2-x1) + math.Abs(y2-y1)
			if nd != dir {
				c += dBend
			}
			c += rt.alongBorder(x1, y1, x2, y2)
			k := segKey(iy*rt.nx+ix, jy*rt.nx+jx)
			c += float64(rt.used[k]) * (math.Abs(x2-x1) + math.Abs(y2-y1) + 20)
			ns := st(jx, jy, nd)
			if c < dist[ns] {
				dist[ns] = c
				prev[ns] = int32(it.state)
				heap.Push(q, pqItem{c, ns})
			}
		}
	}
	if end < 0 {
		return nil
	}
	// walk back
	var cells []int
	s := end
	for {
		cells = append(cells, s)
		if prev[s] < 0 {
			break
		}
		s = int(prev[s])
	}
	slices.Reverse(cells)
	sp, gp := startOf[cells[0]], goal[end]
	rt.ports[[2]int{sp.ix, sp.iy}]++
	rt.ports[[2]int{gp.ix, gp.iy}]++
	pts := []Point{sp.border}
	for i, c := range cells {
		pi := c / 4
		pts = append(pts, Point{rt.xs[pi%rt.nx], rt.ys[pi/rt.nx]})
		if i > 0 {
			rt.used[segKey(cells[i-1]/4, pi)]++
		}
	}
	pts = append(pts, gp.border)
	return simplify(pts)
}

func segKey(p, q int) [2]int {
	if p > q {
		p, q = q, p
	}
	return [2]int{p, q}
}

// simplify drops repeated and collinear interior points.
func simplify(pts []Point) []Point {
	var out []Point
	for _, p := range pts {
		if n := len(out); n > 0 && math.Abs(out[n-1].X-p.X) < 0.01 && math.Abs(out[n-1].Y-p.Y) < 0.01 {
			continue
		}
		if n := len(out); n >= 2 {
			a, b := out[n-2], out[n-1]
			if (math.Abs(a.X-b.X) < 0.01 && math.Abs(b.X-p.X) < 0.01) || (math.Abs(a.Y-b.Y) < 0.01 && math.Abs(b.Y-p.Y) < 0.01) {
				out[n-1] = p
				continue
			}
		}
		out = append(out, p)
	}
	return out
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
	lay, err := layoutDiagram(dg, diagramFaces{r.faces[sRegular], r.faces[sBoldItalic]})
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
	if r.f.PageNo() == 0 || r.y()+capH+lay.Height*s+4 > r.bottom() {
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
		size := dGroupLabel * s
		r.font(sBoldItalic, size)
		r.color(Black)
		for i, ln := range g.LabelLines {
			r.text(X(g.X+dGroupPad/2), Y(g.Y+3+float64(i)*dGroupLineH), (g.W-dGroupPad)*s, dGroupLineH*s, ln, "L")
		}
	}
	// flows
	for _, e := range lay.Edges {
		r.drawColor(Black)
		f.SetLineWidth(math.Max(0.4, 0.9*s))
		pts := e.Points
		for i := 0; i+2 < len(pts); i++ {
			f.Line(X(pts[i].X), Y(pts[i].Y), X(pts[i+1].X), Y(pts[i+1].Y))
		}
		if n := len(pts); n >= 2 {
			r.arrow(X(pts[n-2].X), Y(pts[n-2].Y), X(pts[n-1].X), Y(pts[n-1].Y), math.Max(3, 6*s))
		}
	}
	// components
	for _, n := range lay.Nodes {
		r.fill(boxFill)
		r.drawColor(Black)
		f.SetLineWidth(math.Max(0.4, 0.8*s))
		f.Rect(X(n.X), Y(n.Y), n.W*s, n.H*s, "FD")
		r.boxText(n.Label, X(n.X), Y(n.Y), n.W*s, n.H*s, dNodeText*s)
	}
	// flow labels on top, on a white ground
	for _, e := range lay.Edges {
		if e.Label == "" {
			continue
		}
		size := dEdgeText * s
		fc := r.faces[sRegular]
		lbl := fc.sanitize(e.Label, false)
		w, h := e.LabelW*s, e.LabelH*s
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
	head = math.Min(head, l)
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
