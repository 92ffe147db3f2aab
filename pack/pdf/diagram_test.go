package pdf

import (
	"fmt"
	"math"
	"reflect"
	"testing"
)

func TestLayoutDiagram(t *testing.T) {
	d := Diagram{
		Groups: []DiagramGroup{{ID: "a", Label: "A"}, {ID: "b", Label: "B"}},
		Nodes:  []DiagramNode{{ID: "1", Group: "a"}, {ID: "2", Group: "a"}, {ID: "3", Group: "b"}, {ID: "4"}},
		Edges:  []DiagramEdge{{From: "1", To: "2"}, {From: "2", To: "3"}, {From: "3", To: "2"}, {From: "3", To: "1"}, {From: "4", To: "1"}, {From: "1", To: "1"}},
	}
	l1, err := LayoutDiagram(d)
	if err != nil {
		t.Fatal(err)
	}
	l2, _ := LayoutDiagram(d)
	if !reflect.DeepEqual(l1, l2) {
		t.Fatal("layout not deterministic")
	}
	if len(l1.Edges) != 5 {
		t.Errorf("%d edges placed, want 5 (self-loop dropped)", len(l1.Edges))
	}
	// nodes sit inside their group rectangles and never overlap
	groupOf := map[string]Rect{}
	for _, g := range l1.Groups {
		groupOf[g.ID] = g.Rect
	}
	for i, n := range l1.Nodes {
		g := groupOf[n.Group]
		if n.X < g.X || n.Y < g.Y || n.X+n.W > g.X+g.W || n.Y+n.H > g.Y+g.H {
			t.Errorf("node %s outside group %q", n.ID, n.Group)
		}
		if n.X+n.W > l1.Width+0.01 || n.Y+n.H > l1.Height+0.01 {
			t.Errorf("node %s outside the layout", n.ID)
		}
		for _, m := range l1.Nodes[i+1:] {
			if n.X < m.X+m.W && m.X < n.X+n.W && n.Y < m.Y+m.H && m.Y < n.Y+n.H {
				t.Errorf("nodes %s and %s overlap", n.ID, m.ID)
			}
		}
	}
	// groups do not overlap
	for i, g := range l1.Groups {
		for _, h := range l1.Groups[i+1:] {
			if g.X < h.X+h.W && h.X < g.X+g.W && g.Y < h.Y+h.H && h.Y < g.Y+g.H {
				t.Errorf("groups %q and %q overlap", g.ID, h.ID)
			}
		}
	}
	// the flow 1->2 inside group a places 2 in a later sub-column
	if !(l1.Nodes[1].X > l1.Nodes[0].X) {
		t.Errorf("flow 1->2 not laid out left to right")
	}
	// the parallel edges 2->3 and 3->2 are spread apart
	e23, e32 := l1.Edges[1], l1.Edges[2]
	if e23.X1 == e32.X2 && e23.Y1 == e32.Y2 {
		t.Errorf("parallel edges overlap")
	}
}

func TestLargeDiagramFitsOnePage(t *testing.T) {
	var d Diagram
	for g := 0; g < 6; g++ {
		d.Groups = append(d.Groups, DiagramGroup{ID: fmt.Sprint("g", g), Label: fmt.Sprint("Boundary ", g)})
		for n := 0; n < 8; n++ {
			id := fmt.Sprintf("n%d_%d", g, n)
			d.Nodes = append(d.Nodes, DiagramNode{ID: id, Label: "Component " + id, Group: fmt.Sprint("g", g)})
			if g > 0 {
				d.Edges = append(d.Edges, DiagramEdge{From: fmt.Sprintf("n%d_%d", g-1, n), To: id, Label: "flow"})
			}
		}
	}
	_, st := render(t, New(testOptions()).Add(d))
	if st.Pages != 1 {
		t.Errorf("large diagram took %d pages, want 1 (scaled down)", st.Pages)
	}
}

// exampleDiagram is shaped like a medical device system: boundaries with
// long names, an external actor, flows in both directions.
func exampleDiagram() Diagram {
	return Diagram{
		Groups: []DiagramGroup{
			{ID: "phone", Label: "Patient phone"},
			{ID: "body", Label: "Body-worn insulin pump hardware and its radio links"},
			{ID: "cloud", Label: "Manufacturer cloud tenant"},
			{ID: "rel", Label: "Manufacturer release environment (air-gapped signing room)"},
			{ID: "clinic", Label: "Clinic workstation and network"},
		},
		Nodes: []DiagramNode{
			{ID: "pump", Label: "Insulin pump", Group: "body"},
			{ID: "app", Label: "Patient app (iOS, Android)", Group: "phone"},
			{ID: "api", Label: "Cloud API", Group: "cloud"},
			{ID: "db", Label: "Therapy data store", Group: "cloud"},
			{ID: "upd", Label: "Firmware update service", Group: "cloud"},
			{ID: "hsm", Label: "Release signing HSM", Group: "rel"},
			{ID: "portal", Label: "Clinician web portal (browser)", Group: "clinic"},
			{ID: "patient", Label: "Patient or caregiver"},
		},
		Edges: []DiagramEdge{
			{From: "app", To: "pump", Label: "DF-01"}, {From: "app", To: "api", Label: "DF-02"},
			{From: "pump", To: "api", Label: "DF-03"}, {From: "upd", To: "pump", Label: "DF-04"},
			{From: "hsm", To: "upd", Label: "DF-05"}, {From: "portal", To: "api", Label: "DF-06"},
			{From: "api", To: "db", Label: "DF-07"}, {From: "patient", To: "pump", Label: "DF-08"},
		},
	}
}

// segmentHitsRect reports whether an axis-parallel segment passes through
// the interior of r.
func segmentHitsRect(a, b Point, r Rect) bool {
	const e = 0.5
	x1, x2 := min(a.X, b.X), max(a.X, b.X)
	y1, y2 := min(a.Y, b.Y), max(a.Y, b.Y)
	return x2 > r.X+e && x1 < r.X+r.W-e && y2 > r.Y+e && y1 < r.Y+r.H-e
}

func TestDiagramRouting(t *testing.T) {
	d := exampleDiagram()
	l, err := LayoutDiagram(d)
	if err != nil {
		t.Fatal(err)
	}
	if !l.Routed {
		t.Fatal("small diagram not routed")
	}
	lblFace, err := newFace(mustGoFont(t, "bolditalic"))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range l.Groups {
		if g.ID == "" {
			continue
		}
		if len(g.LabelLines) == 0 || len(g.LabelLines) > 2 {
			t.Errorf("group %s label in %d lines", g.ID, len(g.LabelLines))
		}
		joined := ""
		for i, ln := range g.LabelLines {
			if w := lblFace.textWidth(ln, dGroupLabel); w > g.W-dGroupPad {
				t.Errorf("group %s label line %q (%.0f pt) wider than the group (%.0f pt)", g.ID, ln, w, g.W)
			}
			if i > 0 {
				joined += " "
			}
			joined += ln
		}
		if joined != g.Label {
			t.Errorf("group %s label %q shown as %q", g.ID, g.Label, joined)
		}
	}
	byID := map[string]Rect{}
	for _, n := range l.Nodes {
		byID[n.ID] = n.Rect
	}
	for _, e := range l.Edges {
		if len(e.Points) < 2 {
			t.Fatalf("edge %s has %d points", e.Label, len(e.Points))
		}
		for i := 0; i+1 < len(e.Points); i++ {
			a, b := e.Points[i], e.Points[i+1]
			if a.X != b.X && a.Y != b.Y {
				t.Errorf("edge %s segment %d is not orthogonal: %v %v", e.Label, i, a, b)
			}
			for _, n := range l.Nodes {
				if segmentHitsRect(a, b, n.Rect) {
					t.Errorf("edge %s crosses box %s", e.Label, n.ID)
				}
			}
		}
		// ends on the borders of its boxes
		if !onBorder(e.Points[0], byID[e.From]) || !onBorder(e.Points[len(e.Points)-1], byID[e.To]) {
			t.Errorf("edge %s does not run border to border: %v", e.Label, e.Points)
		}
		lr := Rect{e.LabelX - e.LabelW/2, e.LabelY - e.LabelH/2, e.LabelW, e.LabelH}
		for _, n := range l.Nodes {
			if lr.overlaps(n.Rect) {
				t.Errorf("label %s overlaps box %s", e.Label, n.ID)
			}
		}
		for _, o := range l.Edges {
			if o.Label != e.Label && lr.overlaps(Rect{o.LabelX - o.LabelW/2, o.LabelY - o.LabelH/2, o.LabelW, o.LabelH}) {
				t.Errorf("labels %s and %s overlap", e.Label, o.Label)
			}
		}
	}
	// everything inside the layout box
	for _, n := range l.Nodes {
		if n.X < -0.01 || n.Y < -0.01 || n.X+n.W > l.Width+0.01 || n.Y+n.H > l.Height+0.01 {
			t.Errorf("node %s outside the layout", n.ID)
		}
	}
}

func onBorder(p Point, r Rect) bool {
	const e = 0.01
	inX := p.X >= r.X-e && p.X <= r.X+r.W+e
	inY := p.Y >= r.Y-e && p.Y <= r.Y+r.H+e
	return (inX && (math.Abs(p.Y-r.Y) < e || math.Abs(p.Y-r.Y-r.H) < e)) ||
		(inY && (math.Abs(p.X-r.X) < e || math.Abs(p.X-r.X-r.W) < e))
}

func mustGoFont(t *testing.T, which string) []byte {
	t.Helper()
	fs := Fonts{}.resolved()
	switch which {
	case "bolditalic":
		return fs[sBoldItalic]
	}
	return fs[sRegular]
}

// Crossing reduction: two chains drawn in crossed input order come out
// uncrossed (each target sits at the height of its source).
func TestDiagramBarycentre(t *testing.T) {
	d := Diagram{
		Groups: []DiagramGroup{{ID: "l", Label: "Left"}, {ID: "r", Label: "Right"}},
		Nodes: []DiagramNode{{ID: "a", Group: "l"}, {ID: "b", Group: "l"}, {ID: "c", Group: "l"},
			{ID: "z", Group: "r"}, {ID: "y", Group: "r"}, {ID: "x", Group: "r"}},
		Edges: []DiagramEdge{{From: "a", To: "x"}, {From: "b", To: "y"}, {From: "c", To: "z"}},
	}
	l, err := LayoutDiagram(d)
	if err != nil {
		t.Fatal(err)
	}
	y := map[string]float64{}
	for _, n := range l.Nodes {
		y[n.ID] = n.Y
	}
	for _, e := range d.Edges {
		if y[e.From] != y[e.To] {
			t.Errorf("%s (y %.0f) and %s (y %.0f) not level: the flows cross", e.From, y[e.From], e.To, y[e.To])
		}
	}
	for _, e := range l.Edges {
		if len(e.Points) != 2 {
			t.Errorf("edge %s->%s has %d points, want a straight run", e.From, e.To, len(e.Points))
		}
	}
}

// A diagram too large to route still lays out, with straight edges.
func TestDiagramFallback(t *testing.T) {
	var d Diagram
	for i := range 300 {
		d.Nodes = append(d.Nodes, DiagramNode{ID: fmt.Sprint(i), Label: fmt.Sprint("n", i)})
		if i > 0 {
			d.Edges = append(d.Edges, DiagramEdge{From: fmt.Sprint(i - 1), To: fmt.Sprint(i)})
			d.Edges = append(d.Edges, DiagramEdge{From: fmt.Sprint(i), To: fmt.Sprint(i / 2)})
		}
	}
	l, err := LayoutDiagram(d)
	if err != nil {
		t.Fatal(err)
	}
	if l.Routed {
		t.Errorf("a 300-node diagram was routed; want the straight fallback")
	}
	if len(l.Edges) != len(d.Edges) {
		t.Errorf("%d edges placed, want %d", len(l.Edges), len(d.Edges))
	}
}
