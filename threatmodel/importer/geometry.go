package importer

// Plane geometry for Threat Dragon diagrams: which boundary box holds an
// element, and which boundary lines a flow crosses. Threat Dragon stores
// only drawing coordinates; containment and crossing are what the drawing
// shows, so they are computed from it (as startleft does for TMT).

type point struct{ x, y float64 }

type rect struct{ x, y, w, h float64 }

func (r rect) center() point { return point{r.x + r.w/2, r.y + r.h/2} }

func (r rect) area() float64 { return r.w * r.h }

func (r rect) contains(p point) bool {
	return p.x >= r.x && p.x <= r.x+r.w && p.y >= r.y && p.y <= r.y+r.h
}

func (r rect) containsRect(o rect) bool {
	return o.x >= r.x && o.y >= r.y && o.x+o.w <= r.x+r.w && o.y+o.h <= r.y+r.h
}

// orient is the sign of the cross product (b-a) x (c-a).
func orient(a, b, c point) int {
	v := (b.x-a.x)*(c.y-a.y) - (b.y-a.y)*(c.x-a.x)
	switch {
	case v > 1e-9:
		return 1
	case v < -1e-9:
		return -1
	}
	return 0
}

func onSegment(a, b, p point) bool {
	return min(a.x, b.x)-1e-9 <= p.x && p.x <= max(a.x, b.x)+1e-9 && min(a.y, b.y)-1e-9 <= p.y && p.y <= max(a.y, b.y)+1e-9
}

// segmentsIntersect reports whether segments ab and cd share a point.
func segmentsIntersect(a, b, c, d point) bool {
	o1, o2, o3, o4 := orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
	if o1 != o2 && o3 != o4 {
		return true
	}
	return (o1 == 0 && onSegment(a, b, c)) || (o2 == 0 && onSegment(a, b, d)) ||
		(o3 == 0 && onSegment(c, d, a)) || (o4 == 0 && onSegment(c, d, b))
}

// polylinesIntersect reports whether two polylines cross. Work is bounded
// by the caller's limit on vertices per line.
func polylinesIntersect(p, q []point) bool {
	for i := 0; i+1 < len(p); i++ {
		for j := 0; j+1 < len(q); j++ {
			if segmentsIntersect(p[i], p[i+1], q[j], q[j+1]) {
				return true
			}
		}
	}
	return false
}

// unionFind groups elements connected by flows that cross no boundary.
type unionFind struct{ parent []int }

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int, n)}
	for i := range u.parent {
		u.parent[i] = i
	}
	return u
}

func (u *unionFind) find(i int) int {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

// union joins two groups; the smaller index stays the root so that group
// order follows element order.
func (u *unionFind) union(a, b int) {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return
	}
	if rb < ra {
		ra, rb = rb, ra
	}
	u.parent[rb] = ra
}
