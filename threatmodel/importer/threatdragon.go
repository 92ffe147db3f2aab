package importer

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Threat Dragon v1 and v2 models (threat-model-format.md §3.2, §6).
//
// Both versions are read into one cell form: v2 keeps element properties in
// cells[].data and the shape in cells[].shape; v1 (JointJS) keeps them on
// the cell itself, the shape in cells[].type and names in attrs/labels.
//
// Mapping: actor, process and store cells become components (actors as
// external entities, as TD draws them as DFD nodes); flows become data
// flows; boundary boxes become trust boundaries holding the elements drawn
// inside them; boundary curves hold nothing, so the elements outside every
// box are grouped into synthetic zones: elements joined by a flow that
// crosses no boundary line share a zone. Threats on cells become threats on
// the component, flow or boundary; their mitigation texts become control
// stubs.

// Limits on the work a Threat Dragon document may cause beyond parsing.
const (
	tdMaxCells      = 50_000
	tdMaxVertices   = 256
	tdMaxCrossTests = 50_000_000
)

type tdShape string

const (
	tdActor   tdShape = "actor"
	tdProcess tdShape = "process"
	tdStore   tdShape = "store"
	tdFlow    tdShape = "flow"
	tdBox     tdShape = "trust-boundary-box"
	tdCurve   tdShape = "trust-boundary-curve"
	tdText    tdShape = "text"
)

var tdShapes = map[string]tdShape{
	"actor": tdActor, "tm.actor": tdActor,
	"process": tdProcess, "tm.process": tdProcess,
	"store": tdStore, "tm.store": tdStore,
	"flow": tdFlow, "tm.flow": tdFlow,
	"trust-boundary-box": tdBox, "tm.boundarybox": tdBox,
	"trust-boundary-curve": tdCurve, "tm.boundary": tdCurve,
	"td-text-block": tdText, "tm.text": tdText,
}

// tdCellKeys are cell keys that are structure or drawing; drawing keys are
// dropped (counted in the losses) and never become facts.
var tdCellKeys = map[string]bool{"id": true, "shape": true, "type": true, "data": true, "position": true, "size": true,
	"source": true, "target": true, "vertices": true, "threats": true, "attrs": true, "labels": true, "ports": true,
	"zIndex": true, "z": true, "visible": true, "connector": true, "router": true, "width": true, "height": true,
	"angle": true, "smooth": true, "markup": true, "tools": true, "parent": true, "children": true}

// tdDataKeys are data keys the importer maps to DTM fields.
var tdDataKeys = map[string]bool{"type": true, "name": true, "description": true, "outOfScope": true,
	"reasonOutOfScope": true, "threats": true, "hasOpenThreats": true, "isTrustBoundary": true, "trustBoundaryIds": true,
	"crossingFlows": true, "containedElements": true}

type tdCell struct {
	index    int
	diagram  int
	id       string
	shape    tdShape
	rawShape string
	name     string
	desc     string
	data     map[string]any
	raw      map[string]any
	threats  []any
	src, dst string
	srcPt    *point
	dstPt    *point
	vertices []point
	rect     *rect
	dtmID    string // component, flow or boundary ID once created
}

func (c *tdCell) isNode() bool {
	return c.shape == tdActor || c.shape == tdProcess || c.shape == tdStore
}

func importThreatDragon(src *source, top map[string]any, kind Kind, b *builder) error {
	summary := obj(top["summary"])
	detail := obj(top["detail"])
	if summary == nil {
		return src.errf("/summary", "Threat Dragon model: summary is not an object")
	}
	if detail == nil {
		return src.errf("/detail", "Threat Dragon model: detail is not an object")
	}
	if kind == KindThreatDragonV2 {
		b.sourceVersion = str(top, "version")
	}
	d := b.doc
	title := strings.TrimSpace(str(summary, "title"))
	d.Model.Title = text(title, "Imported Threat Dragon model")
	d.Model.ID = modelID(str(summary, "id"), title)
	d.Device.Name = d.Model.Title
	b.placeholder(d.Device.X, "device", "name")
	if desc := str(summary, "description"); strings.TrimSpace(desc) != "" {
		d.Model.X[b.tool+"-description"] = desc
	}
	if o := strings.TrimSpace(str(summary, "owner")); o != "" {
		d.Model.Owners = append(d.Model.Owners, dtmPerson{Name: o, Role: "owner (Threat Dragon summary.owner)"})
	}
	for _, c := range list(detail["contributors"]) {
		if n := strings.TrimSpace(str(obj(c), "name")); n != "" {
			d.Model.Owners = append(d.Model.Owners, dtmPerson{Name: n, Role: "contributor (Threat Dragon detail.contributors)"})
		}
	}
	if r := strings.TrimSpace(str(detail, "reviewer")); r != "" {
		d.Model.Reviewers = append(d.Model.Reviewers, dtmPerson{Name: r, Role: "reviewer (Threat Dragon detail.reviewer)"})
	}
	keepUnknown(b, d.X, b.tool+"-", top, map[string]bool{"summary": true, "detail": true, "version": true})
	keepUnknown(b, d.Model.X, b.tool+"-summary-", summary, map[string]bool{"title": true, "id": true, "description": true, "owner": true})
	keepUnknown(b, d.Model.X, b.tool+"-detail-", detail, map[string]bool{"contributors": true, "reviewer": true, "diagrams": true})

	diagrams, ok := detail["diagrams"].([]any)
	if !ok && detail["diagrams"] != nil {
		return src.errf("/detail/diagrams", "Threat Dragon model: detail.diagrams is not a list")
	}
	var cells []*tdCell
	var diagInfo []any
	methods := map[string]bool{}
	var methodology []string
	for di, dv := range diagrams {
		dm := obj(dv)
		if dm == nil {
			return src.errf(fmt.Sprintf("/detail/diagrams/%d", di), "Threat Dragon diagram %d is not an object", di)
		}
		ptr := fmt.Sprintf("/detail/diagrams/%d/cells", di)
		raw, present := dm["cells"]
		if kind == KindThreatDragonV1 {
			ptr = fmt.Sprintf("/detail/diagrams/%d/diagramJson/cells", di)
			raw, present = obj(dm["diagramJson"])["cells"]
		}
		cl, ok := raw.([]any)
		if present && raw != nil && !ok {
			return src.errf(ptr, "Threat Dragon diagram %d: cells is not a list", di)
		}
		info := map[string]any{"index": di}
		for _, k := range sortedKeys(dm) {
			if k != "cells" && k != "diagramJson" && scalar(dm[k]) {
				info[k] = plain(dm[k])
			}
		}
		diagInfo = append(diagInfo, info)
		if t := strings.TrimSpace(str(dm, "diagramType")); t != "" && !methods[t] {
			methods[t] = true
			methodology = append(methodology, t)
		}
		for ci, cv := range cl {
			if len(cells) >= tdMaxCells {
				return src.errf(ptr, "more than %d cells; premarket imports at most that many", tdMaxCells)
			}
			cm := obj(cv)
			if cm == nil {
				b.losses.add("cells that are not objects, skipped", 1)
				continue
			}
			cells = append(cells, readTDCell(b, kind, cm, di, ci, len(cells)))
		}
	}
	if len(methodology) == 0 {
		methodology = []string{"Not stated in the source (Threat Dragon diagram type missing)"}
		b.placeholder(d.Model.X, "model", "methodology")
	}
	d.Model.Methodology = methodology
	if len(diagInfo) > 0 {
		d.X[b.tool+"-diagrams"] = diagInfo
	}

	byID := map[string]*tdCell{}
	for _, c := range cells {
		if c.id != "" && byID[c.id] == nil {
			byID[c.id] = c
		}
	}
	tdAttach(b, cells)
	if err := tdBoundaries(src, b, cells, byID, len(diagrams)); err != nil {
		return err
	}
	tdNodes(b, cells)
	tdFlows(b, cells, byID)
	tdThreats(b, cells)
	tdLeftovers(b, cells)
	return nil
}

// tdAttachTolerance is how far (in diagram units) from an element a flow
// end drawn as a free point may lie and still count as attached to it.
const tdAttachTolerance = 20

// tdAttach attaches flow ends that Threat Dragon stored as free points
// (the user dropped the arrow next to, not onto, an element) to the nearest
// element of the same diagram within tdAttachTolerance.
func tdAttach(b *builder, cells []*tdCell) {
	nodes := map[int][]*tdCell{}
	for _, n := range cells {
		if n.isNode() && n.rect != nil && n.id != "" {
			nodes[n.diagram] = append(nodes[n.diagram], n)
		}
	}
	work := 0
	nearest := func(di int, p point) *tdCell {
		var best *tdCell
		bestD := math.Inf(1)
		work += len(nodes[di])
		if work > tdMaxCrossTests {
			b.losses.add("flow ends drawn as free points not attached: too many to search", 1)
			return nil
		}
		for _, n := range nodes[di] {
			r := *n.rect
			dx := math.Max(math.Max(r.x-p.x, 0), p.x-(r.x+r.w))
			dy := math.Max(math.Max(r.y-p.y, 0), p.y-(r.y+r.h))
			if d := math.Hypot(dx, dy); d <= tdAttachTolerance && d < bestD {
				best, bestD = n, d
			}
		}
		return best
	}
	for _, c := range cells {
		if c.shape != tdFlow {
			continue
		}
		var ends []string
		if c.src == "" && c.srcPt != nil {
			if n := nearest(c.diagram, *c.srcPt); n != nil {
				c.src = n.id
				ends = append(ends, "source")
			}
		}
		if c.dst == "" && c.dstPt != nil {
			if n := nearest(c.diagram, *c.dstPt); n != nil {
				c.dst = n.id
				ends = append(ends, "target")
			}
		}
		if len(ends) > 0 {
			c.data["\x00attached"] = ends
			b.losses.add(fmt.Sprintf("flow ends drawn as free points within %d units of an element, attached to it (x-threat-dragon-attachedByGeometry)", tdAttachTolerance), len(ends))
		}
	}
}

// modelID derives model.id from the source ID or the title.
func modelID(srcID, title string) string {
	if idPattern.MatchString(srcID) {
		return srcID
	}
	if s := strings.ToLower(sanitizeID(title)); s != "" && idPattern.MatchString(s) {
		return s
	}
	return "imported-model"
}

// keepUnknown copies keys the importer does not map into x-<tool>-<key>
// and counts them as losses.
func keepUnknown(b *builder, x map[string]any, prefix string, m map[string]any, known map[string]bool) {
	for _, k := range sortedKeys(m) {
		if known[k] || m[k] == nil {
			continue
		}
		x[prefix+k] = plain(m[k])
		b.losses.add(fmt.Sprintf("unmapped field %s kept as %s%s", strings.TrimPrefix(prefix, b.tool+"-")+k, prefix, k), 1)
	}
}

func readTDCell(b *builder, kind Kind, cm map[string]any, di, ci, index int) *tdCell {
	c := &tdCell{index: index, diagram: di, raw: cm, id: str(cm, "id")}
	data := obj(cm["data"])
	if kind == KindThreatDragonV1 || data == nil {
		data = map[string]any{}
		for k, v := range cm {
			if !tdCellKeys[k] || k == "threats" {
				data[k] = v
			}
		}
		if t := str(cm, "type"); t != "" {
			data["type"] = t
		}
	}
	c.data = data
	c.rawShape = str(cm, "shape")
	sh, ok := tdShapes[strings.ToLower(c.rawShape)]
	if !ok {
		sh, ok = tdShapes[strings.ToLower(str(data, "type"))]
	}
	if !ok {
		sh, ok = tdShapes[strings.ToLower(str(cm, "type"))]
	}
	if !ok {
		if c.rawShape == "" {
			c.rawShape = text(str(data, "type"), str(cm, "type"))
		}
		c.shape = tdShape("unknown")
	} else {
		c.shape = sh
	}
	c.name = strings.Join(strings.Fields(firstNonEmpty(str(data, "name"), tdLabel(cm))), " ")
	c.desc = strings.TrimSpace(str(data, "description"))
	c.threats = list(data["threats"])
	if c.threats == nil {
		c.threats = list(cm["threats"])
	}
	c.src, c.srcPt = tdEnd(cm["source"])
	c.dst, c.dstPt = tdEnd(cm["target"])
	for i, v := range list(cm["vertices"]) {
		if i >= tdMaxVertices {
			b.losses.add(fmt.Sprintf("flow or boundary-line vertices beyond %d ignored", tdMaxVertices), 1)
			break
		}
		if p, ok := pointOf(obj(v)); ok {
			c.vertices = append(c.vertices, p)
		}
	}
	pos, size := obj(cm["position"]), obj(cm["size"])
	if p, ok := pointOf(pos); ok {
		w, okw := num(size["width"])
		h, okh := num(size["height"])
		if okw && okh && w >= 0 && h >= 0 {
			c.rect = &rect{p.x, p.y, w, h}
		}
	}
	if c.rect == nil {
		// X6 may store geometry flat on the cell.
		x, ok1 := num(cm["x"])
		y, ok2 := num(cm["y"])
		w, ok3 := num(cm["width"])
		h, ok4 := num(cm["height"])
		if ok1 && ok2 && ok3 && ok4 && c.shape != tdFlow && c.shape != tdCurve {
			c.rect = &rect{x, y, w, h}
		}
	}
	return c
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			return x
		}
	}
	return ""
}

// tdLabel finds a name in the drawing attributes: attrs.text.text,
// attrs.label.text (v1 and v2 nodes) or labels[0] (flows).
func tdLabel(cm map[string]any) string {
	attrs := obj(cm["attrs"])
	for _, k := range []string{"text", "label", ".element-text"} {
		if s := str(obj(attrs[k]), "text"); s != "" {
			return s
		}
	}
	for _, l := range list(cm["labels"]) {
		lm := obj(l)
		if s := str(obj(obj(lm["attrs"])["text"]), "text"); s != "" {
			return s
		}
		if s := str(obj(obj(lm["attrs"])["label"]), "text"); s != "" {
			return s
		}
		if s := str(lm, "text"); s != "" {
			return s
		}
	}
	return ""
}

// tdEnd reads an edge end: {cell: id} (v2), {id: id} (v1) or {x, y}.
func tdEnd(v any) (string, *point) {
	m := obj(v)
	if m == nil {
		if s, ok := v.(string); ok {
			return s, nil
		}
		return "", nil
	}
	if id := firstNonEmpty(str(m, "cell"), str(m, "id")); id != "" {
		return id, nil
	}
	if p, ok := pointOf(m); ok {
		return "", &p
	}
	return "", nil
}

func pointOf(m map[string]any) (point, bool) {
	x, ok1 := num(m["x"])
	y, ok2 := num(m["y"])
	return point{x, y}, ok1 && ok2
}

// tdBoundaries creates the boundary boxes and the synthetic zones of the
// elements outside every box, and sets each node's boundary.
func tdBoundaries(src *source, b *builder, cells []*tdCell, byID map[string]*tdCell, ndiag int) error {
	d := b.doc
	nodeBoundary := map[*tdCell]string{}
	byDiagram := map[int][]*tdCell{}
	for _, c := range cells {
		byDiagram[c.diagram] = append(byDiagram[c.diagram], c)
	}
	work := 0
	for di := 0; di < max(ndiag, 1); di++ {
		var nodes, boxes, curves, flows []*tdCell
		for _, c := range byDiagram[di] {
			switch {
			case c.isNode():
				nodes = append(nodes, c)
			case c.shape == tdBox:
				boxes = append(boxes, c)
			case c.shape == tdCurve:
				curves = append(curves, c)
			case c.shape == tdFlow:
				flows = append(flows, c)
			}
		}
		// Boxes become trust boundaries; the innermost box holding an
		// element's centre is its boundary.
		for _, bx := range boxes {
			name := text(bx.name, "Trust boundary")
			tb := &dtmBoundary{ID: b.id(bx.id, "TB"), Name: name, Description: bx.desc, Kind: "network", Owner: "third-party", X: map[string]any{}}
			b.placeholder(tb.X, "trustBoundary", "kind", "owner")
			if tb.ID != bx.id {
				tb.X[b.tool+"-id"] = bx.id
			}
			tb.X[noteKey] = "From a Threat Dragon boundary box; members are the elements drawn inside it."
			if bx.rect == nil {
				tb.X[noteKey] = "From a Threat Dragon boundary box without geometry: no element could be placed in it."
				b.losses.add("boundary boxes without position/size: membership unknown", 1)
			}
			bx.dtmID = tb.ID
			d.TrustBoundaries = append(d.TrustBoundaries, tb)
		}
		work += (len(nodes) + len(boxes)) * len(boxes)
		if work > tdMaxCrossTests {
			return src.errf("/detail/diagrams", "diagram %d: too many elements and boundary boxes to compute containment (limit %d tests)", di, tdMaxCrossTests)
		}
		innermost := func(r rect, self *tdCell, whole bool) *tdCell {
			var best *tdCell
			for _, bx := range boxes {
				if bx == self || bx.rect == nil {
					continue
				}
				in := bx.rect.contains(r.center())
				if whole {
					in = bx.rect.containsRect(r) && bx.rect.area() > r.area()
				}
				if in && (best == nil || bx.rect.area() < best.rect.area()) {
					best = bx
				}
			}
			return best
		}
		for _, bx := range boxes {
			if bx.rect == nil {
				continue
			}
			if p := innermost(*bx.rect, bx, true); p != nil {
				for _, tb := range d.TrustBoundaries {
					if tb.ID == bx.dtmID {
						tb.Parent = p.dtmID
					}
				}
			}
		}
		var free []*tdCell
		for _, n := range nodes {
			if n.rect != nil {
				if bx := innermost(*n.rect, nil, false); bx != nil {
					nodeBoundary[n] = bx.dtmID
					continue
				}
			}
			free = append(free, n)
		}
		// Boundary lines: which flows cross them.
		line := func(c *tdCell) []point {
			var pts []point
			if e := byID[c.src]; e != nil && e.rect != nil {
				pts = append(pts, e.rect.center())
			} else if c.srcPt != nil {
				pts = append(pts, *c.srcPt)
			}
			pts = append(pts, c.vertices...)
			if e := byID[c.dst]; e != nil && e.rect != nil {
				pts = append(pts, e.rect.center())
			} else if c.dstPt != nil {
				pts = append(pts, *c.dstPt)
			}
			return pts
		}
		crossing := map[*tdCell][]*tdCell{} // flow -> curves
		crossedBy := map[*tdCell][]string{} // curve -> flow IDs
		for _, f := range flows {
			ids := strList(f.data["trustBoundaryIds"])
			if len(ids) > 0 {
				for _, id := range ids {
					if cv := byID[id]; cv != nil && cv.shape == tdCurve {
						crossing[f] = append(crossing[f], cv)
					}
				}
				continue
			}
			fl := line(f)
			for _, cv := range curves {
				cl := line(cv)
				work += len(fl) * len(cl)
				if work > tdMaxCrossTests {
					return src.errf("/detail/diagrams", "diagram %d: too many flows and boundary lines to compute crossings (limit %d segment tests)", di, tdMaxCrossTests)
				}
				if polylinesIntersect(fl, cl) {
					crossing[f] = append(crossing[f], cv)
				}
			}
		}
		for _, f := range flows {
			for _, cv := range crossing[f] {
				crossedBy[cv] = append(crossedBy[cv], f.id)
			}
		}
		var lines []any
		for _, cv := range curves {
			e := map[string]any{"id": cv.id, "name": cv.name, "diagram": di}
			if len(crossedBy[cv]) > 0 {
				e["crossedByFlows"] = crossedBy[cv]
			}
			lines = append(lines, e)
		}
		if len(lines) > 0 {
			prev, _ := d.X[b.tool+"-boundaryLines"].([]any)
			d.X[b.tool+"-boundaryLines"] = append(prev, lines...)
			b.losses.add("boundary lines (trust-boundary-curve) contain nothing in DTM: kept under x-threat-dragon-boundaryLines; elements grouped into synthetic zones between them", len(curves))
		}
		for _, f := range flows {
			var names []string
			for _, cv := range crossing[f] {
				names = append(names, text(cv.name, cv.id))
			}
			if len(names) > 0 {
				f.data["\x00crosses"] = names
			}
		}
		if len(free) == 0 {
			continue
		}
		// Zones: free elements joined by a flow that crosses no line.
		index := map[*tdCell]int{}
		for i, n := range free {
			index[n] = i
		}
		uf := newUnionFind(len(free))
		for _, f := range flows {
			s, okS := index[byID[f.src]]
			t, okT := index[byID[f.dst]]
			if okS && okT && (len(crossing[f]) == 0 || len(curves) == 0) {
				uf.union(s, t)
			}
		}
		if len(curves) == 0 {
			for i := range free {
				uf.union(0, i)
			}
		}
		groups := map[int][]*tdCell{}
		var roots []int
		for i, n := range free {
			r := uf.find(i)
			if groups[r] == nil {
				roots = append(roots, r)
			}
			groups[r] = append(groups[r], n)
		}
		for zi, r := range roots {
			members := groups[r]
			var names []string
			for _, m := range members {
				names = append(names, text(m.name, "unnamed "+string(m.shape)))
			}
			label := strings.Join(names, ", ")
			if len(names) > 3 {
				label = strings.Join(names[:3], ", ") + fmt.Sprintf(" and %d more", len(names)-3)
			}
			name, desc := "", ""
			switch {
			case len(curves) == 0 && len(boxes) == 0:
				name = "Whole system (the source draws no trust boundary)"
				desc = "Synthetic boundary: the Threat Dragon diagram has no trust boundaries, so every element was placed here."
			case len(curves) == 0:
				name = "Outside every boundary box"
				desc = "Synthetic boundary: elements the Threat Dragon diagram draws outside all boundary boxes."
			default:
				name = fmt.Sprintf("Zone %d: %s", zi+1, label)
				desc = "Synthetic trust zone: Threat Dragon draws trust boundaries as lines, which contain nothing; elements joined by a flow that crosses no boundary line share a zone."
			}
			if ndiag > 1 {
				name = fmt.Sprintf("Diagram %d, %s", di+1, name)
			}
			tb := &dtmBoundary{ID: b.newID("TB-zone", fmt.Sprintf("%d-%d", di+1, zi+1)), Name: name, Description: desc, Kind: "network", Owner: "third-party", X: map[string]any{}}
			b.placeholder(tb.X, "trustBoundary", "kind", "owner")
			d.TrustBoundaries = append(d.TrustBoundaries, tb)
			for _, m := range members {
				nodeBoundary[m] = tb.ID
			}
		}
		if len(curves) > 0 {
			b.losses.add("synthetic trust zones derived from boundary lines (not in the source as regions)", len(roots))
		}
	}
	for n, id := range nodeBoundary {
		n.data["\x00boundary"] = id
	}
	return nil
}

// newID always derives a prefixed ID: prefix-s, unique.
func (b *builder) newID(prefix, s string) string {
	return b.id("\x00"+s, prefix)
}

func tdNodes(b *builder, cells []*tdCell) {
	d := b.doc
	styled := 0
	for _, c := range cells {
		if !c.isNode() {
			continue
		}
		k := &dtmComp{Name: text(c.name, "Unnamed "+string(c.shape)), Description: c.desc, X: map[string]any{}}
		if c.name == "" {
			b.losses.add("elements without a name (named after their shape)", 1)
		}
		if c.id == "" {
			k.ID = b.newID("C", fmt.Sprintf("%d", c.index+1))
			b.losses.add("cells without an id (ID derived from the cell position in the file)", 1)
		} else {
			k.ID = b.id(c.id, "C")
			if k.ID != c.id {
				k.X[b.tool+"-id"] = c.id
			}
		}
		c.dtmID = k.ID
		switch c.shape {
		case tdActor:
			k.Kind, k.DFDType = componentKind(c.name), "external-entity"
		case tdProcess:
			k.Kind, k.DFDType = componentKind(c.name), "process"
		case tdStore:
			k.Kind, k.DFDType = "datastore", "datastore"
		}
		if k.Kind == "other" {
			b.placeholder(k.X, "component", "kind")
		}
		k.Boundary, _ = c.data["\x00boundary"].(string)
		if out, ok := boolean(c.data, "outOfScope"); ok && out {
			f := false
			k.InScope = &f
			k.OutOfScopeReason = strings.TrimSpace(str(c.data, "reasonOutOfScope"))
			if k.OutOfScopeReason == "" {
				k.OutOfScopeReason = placeholderText
				b.placeholder(k.X, "component", "outOfScopeReason")
			}
		}
		facts, extra := tdFacts(c.data)
		if len(facts) > 0 {
			k.Facts = facts
		}
		for key, v := range extra {
			k.X[b.tool+"-data-"+key] = v
			b.losses.add("element properties that are not flags, kept as x-threat-dragon-data-*", 1)
		}
		if c.rect != nil {
			k.X[b.tool+"-layout"] = map[string]any{"diagram": c.diagram, "x": c.rect.x, "y": c.rect.y, "width": c.rect.w, "height": c.rect.h}
		}
		if tdStyled(c.raw) {
			styled++
		}
		d.Components = append(d.Components, k)
	}
	b.losses.add("drawing attributes (attrs, ports, zIndex, labels and similar styling) dropped; positions kept under x-threat-dragon-layout", styled)
}

// tdFacts turns element flags into facts with the td. prefix; values that
// are not scalars are returned separately.
func tdFacts(data map[string]any) (map[string]any, map[string]any) {
	facts, extra := map[string]any{}, map[string]any{}
	for _, k := range sortedKeys(data) {
		if tdDataKeys[k] || strings.HasPrefix(k, "\x00") || data[k] == nil {
			continue
		}
		if scalar(data[k]) {
			facts["td."+k] = plain(data[k])
		} else {
			extra[k] = plain(data[k])
		}
	}
	return facts, extra
}

func tdStyled(raw map[string]any) bool {
	for _, k := range []string{"attrs", "ports", "zIndex", "z", "labels", "connector", "visible", "markup", "tools", "angle", "smooth", "router"} {
		if _, ok := raw[k]; ok {
			return true
		}
	}
	return false
}

func tdFlows(b *builder, cells []*tdCell, byID map[string]*tdCell) {
	d := b.doc
	var dropped []any
	for _, c := range cells {
		if c.shape != tdFlow {
			continue
		}
		from, to := byID[c.src], byID[c.dst]
		if from == nil || to == nil || !from.isNode() || !to.isNode() {
			e := map[string]any{"id": c.id, "name": c.name, "diagram": c.diagram, "threats": len(c.threats)}
			dropped = append(dropped, e)
			b.losses.add("flows not imported: an end is not attached to a process, store or actor (listed in x-threat-dragon-unattachedFlows)", 1)
			b.losses.add("threats on unattached flows not imported", len(c.threats))
			c.threats = nil
			continue
		}
		f := &dtmFlow{Description: c.desc, From: dtmEndpoint{Component: from.dtmID}, To: dtmEndpoint{Component: to.dtmID},
			Carries: []dtmCarried{{Asset: placeholderAsset, Kind: "data"}}, X: map[string]any{}}
		f.Name = text(c.name, fmt.Sprintf("%s to %s", text(from.name, from.dtmID), text(to.name, to.dtmID)))
		if c.id == "" {
			f.ID = b.newID("DF", fmt.Sprintf("%d", c.index+1))
			b.losses.add("cells without an id (ID derived from the cell position in the file)", 1)
		} else {
			f.ID = b.id(c.id, "DF")
			if f.ID != c.id {
				f.X[b.tool+"-id"] = c.id
			}
		}
		c.dtmID = f.ID
		b.placeholder(f.X, "dataflow", "carries")
		if p := strings.TrimSpace(str(c.data, "protocol")); p != "" {
			f.Protocol = []string{p}
		}
		if bi, ok := boolean(c.data, "isBidirectional"); ok {
			f.Bidirectional = bi
		}
		if enc, ok := boolean(c.data, "isEncrypted"); ok && enc {
			f.Security = &dtmSecurity{Encryption: &dtmCrypto{Mechanism: "encrypted (Threat Dragon isEncrypted: true; mechanism and strength not recorded)"}}
		}
		flags := map[string]any{}
		for _, k := range sortedKeys(c.data) {
			switch k {
			case "protocol", "isBidirectional", "type", "name", "description", "threats", "hasOpenThreats", "isTrustBoundary", "trustBoundaryIds":
				continue
			}
			if strings.HasPrefix(k, "\x00") || c.data[k] == nil {
				continue
			}
			flags[k] = plain(c.data[k])
		}
		if len(flags) > 0 {
			f.X[b.tool+"-flags"] = flags
			b.losses.add("flow flags with no DTM field (isPublicNetwork, isEncrypted, outOfScope ...), kept as x-threat-dragon-flags", 1)
		}
		if out, ok := boolean(c.data, "outOfScope"); ok && out {
			b.losses.add("flows marked out of scope: DTM flows have no scope flag (kept in x-threat-dragon-flags)", 1)
		}
		if ends, ok := c.data["\x00attached"].([]string); ok {
			f.X[b.tool+"-attachedByGeometry"] = ends
		}
		if names, ok := c.data["\x00crosses"].([]string); ok {
			f.X[b.tool+"-crossesBoundaryLines"] = names
		}
		if len(c.vertices) > 0 {
			var vs []any
			for _, v := range c.vertices {
				vs = append(vs, map[string]any{"x": v.x, "y": v.y})
			}
			f.X[b.tool+"-layout"] = map[string]any{"diagram": c.diagram, "vertices": vs}
		}
		d.Dataflows = append(d.Dataflows, f)
	}
	if len(dropped) > 0 {
		d.X[b.tool+"-unattachedFlows"] = dropped
	}
}

// tdDefaultTexts are the prompts Threat Dragon puts into new threats.
var tdDefaultTexts = map[string]bool{
	"provide remediation for this threat or a reason if status is n/a": true,
	"provide a description for this threat":                            true,
	"no mitigation provided":                                           true,
}

func tdPrompt(s string) string {
	t := strings.TrimSpace(s)
	if tdDefaultTexts[strings.ToLower(strings.TrimSuffix(t, "."))] {
		return ""
	}
	return t
}

var tdThreatKeys = map[string]bool{"title": true, "type": true, "status": true, "severity": true, "description": true,
	"mitigation": true, "id": true, "threatId": true, "number": true, "modelType": true, "score": true}

func tdThreats(b *builder, cells []*tdCell) {
	d := b.doc
	for _, c := range cells {
		if len(c.threats) == 0 {
			continue
		}
		var target dtmTarget
		switch {
		case c.isNode() && c.dtmID != "":
			target.Component = c.dtmID
		case c.shape == tdFlow && c.dtmID != "":
			target.Dataflow = c.dtmID
		case c.shape == tdBox && c.dtmID != "":
			target.TrustBoundary = c.dtmID
		default:
			b.losses.add(fmt.Sprintf("threats on %s cells not imported (no DTM element to target)", text(string(c.shape), "unknown")), len(c.threats))
			continue
		}
		for _, tv := range c.threats {
			tm := obj(tv)
			if tm == nil {
				b.losses.add("threat entries that are not objects, skipped", 1)
				continue
			}
			t := &dtmThreat{Targets: []dtmTarget{target}, Origin: "imported", X: map[string]any{}}
			srcID := firstNonEmpty(str(tm, "id"), str(tm, "threatId"))
			if srcID == "" {
				t.ID = b.newID("TH", fmt.Sprintf("%d", len(d.Threats)+1))
			} else {
				t.ID = b.id(srcID, "TH")
				if t.ID != srcID {
					t.X[b.tool+"-id"] = srcID
				}
			}
			t.Title = strings.TrimSpace(str(tm, "title"))
			if t.Title == "" {
				t.Title = "Untitled threat on " + text(c.name, c.dtmID)
				b.placeholder(t.X, "threat", "title")
			}
			t.Description = tdPrompt(str(tm, "description"))
			typ := str(tm, "type")
			var stridePH bool
			t.Stride, t.OtherCategories, stridePH = categorize([]string{typ})
			if stridePH {
				b.placeholder(t.X, "threat", "stride")
				t.X[b.tool+"-type"] = typ
			}
			raw := str(tm, "status")
			st, known := mapStatus(raw)
			t.Status = st
			if !known {
				t.X[b.tool+"-status"] = raw
				b.losses.add("threat statuses Threat Dragon-unknown or empty, imported as open (source value in x-threat-dragon-status)", 1)
			}
			mit := tdPrompt(str(tm, "mitigation"))
			if st == "not-applicable" {
				t.NotApplicable = mit
				if mit == "" {
					t.NotApplicable = placeholderText
					b.placeholder(t.X, "threat", "notApplicableReason")
				} else {
					t.X[noteKey] = "notApplicableReason is the Threat Dragon mitigation text, where the editor asks for the reason."
				}
			} else if mit != "" {
				ctl := b.control(mit, "", "", t.Stride)
				t.Mitigations = []dtmMitigation{{Control: ctl.ID}}
			}
			for _, k := range []string{"severity", "score", "number", "modelType"} {
				if v, ok := tm[k]; ok && v != nil && !(k == "score" && str(tm, k) == "") {
					t.X[b.tool+"-"+k] = plain(v)
				}
			}
			if _, ok := tm["severity"]; ok {
				b.losses.add("threat severity kept only as x-threat-dragon-severity (not an exploitability or impact level)", 1)
			}
			for _, k := range sortedKeys(tm) {
				if !tdThreatKeys[k] && tm[k] != nil {
					t.X[b.tool+"-"+k] = plain(tm[k])
					b.losses.add("threat fields with no DTM equivalent kept as x-threat-dragon-<field>: "+k, 1)
				}
			}
			b.risk(t)
			d.Threats = append(d.Threats, t)
		}
	}
}

// tdLeftovers records text blocks and cells of unknown shape.
func tdLeftovers(b *builder, cells []*tdCell) {
	var texts, unknown []any
	shapes := map[string]int{}
	for _, c := range cells {
		switch c.shape {
		case tdText:
			texts = append(texts, map[string]any{"diagram": c.diagram, "text": c.name})
		case "unknown":
			unknown = append(unknown, map[string]any{"diagram": c.diagram, "id": c.id, "shape": c.rawShape, "name": c.name})
			shapes[text(c.rawShape, "(none)")]++
			b.losses.add("threats on cells of unknown shape not imported", len(c.threats))
		}
	}
	if len(texts) > 0 {
		b.doc.X[b.tool+"-textBlocks"] = texts
		b.losses.add("text blocks (no DTM element), kept as x-threat-dragon-textBlocks", len(texts))
	}
	if len(unknown) > 0 {
		b.doc.X[b.tool+"-unknownCells"] = unknown
		names := sortedKeys(shapes)
		sort.Strings(names)
		for _, n := range names {
			b.losses.add(fmt.Sprintf("cells of unknown shape %q not imported (listed in x-threat-dragon-unknownCells)", n), shapes[n])
		}
	}
}
