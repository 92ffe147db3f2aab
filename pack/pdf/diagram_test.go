package pdf

import (
	"fmt"
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
