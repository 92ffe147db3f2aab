package importer

import (
	"fmt"
	"math"
	"strings"
)

// Open Threat Model 0.1/0.2 (threat-model-format.md §3.1, §6).
//
// Mapping: trustZones become trust boundaries (trustRating -> trustLevel),
// components become components in their parent zone (a component parent
// becomes parent, and the boundary is inherited), dataflows become flows
// carrying their assets, assets become assets, the mitigations catalogue
// becomes controls, and each catalogue threat becomes one DTM threat per
// distinct instance state, targeting every component and flow that holds an
// instance in that state. OTM risk values stay under x-otm-risk.

// Limits on the work an OTM document may cause beyond parsing.
const (
	otmMaxElements  = 50_000
	otmMaxInstances = 200_000
)

var otmTopKeys = map[string]bool{"otmVersion": true, "project": true, "representations": true, "assets": true,
	"trustZones": true, "components": true, "dataflows": true, "threats": true, "mitigations": true}

func importOTM(src *source, top map[string]any, b *builder) error {
	d := b.doc
	b.sourceVersion = str(top, "otmVersion")
	project := obj(top["project"])
	if project == nil && top["project"] != nil {
		return src.errf("/project", "OTM: project is not an object")
	}
	title := strings.TrimSpace(str(project, "name"))
	d.Model.Title = text(title, "Imported OTM model")
	d.Model.ID = modelID(str(project, "id"), title)
	d.Device.Name = d.Model.Title
	b.placeholder(d.Device.X, "device", "name")
	if o := strings.TrimSpace(str(project, "owner")); o != "" {
		d.Model.Owners = []dtmPerson{{Name: o, Contact: str(project, "ownerContact"), Role: "owner (OTM project.owner)"}}
	}
	keepUnknown(b, d.Model.X, b.tool+"-project-", project, map[string]bool{"name": true, "id": true, "owner": true, "ownerContact": true})
	keepUnknown(b, d.X, b.tool+"-", top, otmTopKeys)
	if reps := list(top["representations"]); len(reps) > 0 {
		d.X[b.tool+"-representations"] = plain(reps)
	}
	for _, k := range []string{"trustZones", "components", "dataflows", "threats", "mitigations", "assets", "representations"} {
		if v, ok := top[k]; ok && v != nil {
			if _, isList := v.([]any); !isList {
				return src.errf("/"+k, "OTM: %s is not a list", k)
			}
		}
	}

	// Assets.
	assetID := map[string]string{}
	for i, av := range list(top["assets"]) {
		am := obj(av)
		if am == nil {
			b.losses.add("assets that are not objects, skipped", 1)
			continue
		}
		sid := str(am, "id")
		a := &dtmAsset{Name: text(strings.TrimSpace(str(am, "name")), "Unnamed asset"), Description: str(am, "description"), Kind: "data", SafetyRelevant: true, X: map[string]any{}}
		a.ID = b.idOrSeq(sid, "A", i)
		if a.ID != sid {
			a.X[b.tool+"-id"] = sid
		}
		if sid != "" && assetID[sid] == "" {
			assetID[sid] = a.ID
		}
		b.placeholder(a.X, "asset", "kind", "safetyRelevant")
		a.X[noteKey] = "safetyRelevant is true until the engineer decides otherwise: true makes the checker ask for hazard links (conservative)."
		if r := obj(am["risk"]); r != nil {
			a.X[b.tool+"-risk"] = plain(r)
			for _, o := range []struct{ k, obj string }{{"confidentiality", "confidentiality"}, {"integrity", "integrity"}, {"availability", "availability"}} {
				if v, ok := num(r[o.k]); ok && v > 0 {
					a.Objectives = append(a.Objectives, o.obj)
				}
			}
		}
		keepX(b, a.X, am, "id", "name", "description", "risk")
		d.Assets = append(d.Assets, a)
	}

	// Trust zones.
	zoneID := map[string]string{}
	zones := list(top["trustZones"])
	zoneTB := make([]*dtmBoundary, len(zones))
	for i, zv := range zones {
		zm := obj(zv)
		if zm == nil {
			b.losses.add("trust zones that are not objects, skipped", 1)
			continue
		}
		sid := str(zm, "id")
		tb := &dtmBoundary{Name: text(strings.TrimSpace(str(zm, "name")), "Unnamed trust zone"), Description: str(zm, "description"), Owner: "third-party", X: map[string]any{}}
		tb.ID = b.idOrSeq(sid, "TB", i)
		if tb.ID != sid {
			tb.X[b.tool+"-id"] = sid
		}
		if sid != "" && zoneID[sid] == "" {
			zoneID[sid] = tb.ID
		}
		tb.Kind = zoneKind(str(zm, "type") + " " + str(zm, "name"))
		if tb.Kind == "" {
			tb.Kind = "network"
			b.placeholder(tb.X, "trustBoundary", "kind", "owner")
		} else {
			b.placeholder(tb.X, "trustBoundary", "owner")
		}
		if r, ok := num(obj(zm["risk"])["trustRating"]); ok {
			lvl := int(math.Round(math.Max(0, math.Min(100, r))))
			tb.TrustLevel = &lvl
		}
		keepX(b, tb.X, zm, "id", "name", "description", "risk", "parent")
		zoneTB[i] = tb
		d.TrustBoundaries = append(d.TrustBoundaries, tb)
	}
	for i, zv := range zones {
		zm := obj(zv)
		if zm == nil || zoneTB[i] == nil {
			continue
		}
		kind, pid := otmParent(zm["parent"])
		tb := zoneTB[i]
		if pid == "" {
			continue
		}
		if p := zoneID[pid]; (kind == "trustZone" || kind == "") && p != "" && p != tb.ID {
			tb.Parent = p
		} else {
			tb.X[b.tool+"-parent"] = plain(zm["parent"])
			b.losses.add("trust zones whose parent is a component or unknown (kept as x-otm-parent)", 1)
		}
	}

	// Components.
	type compRef struct {
		c      *dtmComp
		m      map[string]any
		parent string // source parent component id
	}
	compID := map[string]string{}
	var comps []compRef
	for i, cv := range list(top["components"]) {
		cm := obj(cv)
		if cm == nil {
			b.losses.add("components that are not objects, skipped", 1)
			continue
		}
		sid := str(cm, "id")
		typ := str(cm, "type")
		k := &dtmComp{Name: text(strings.TrimSpace(str(cm, "name")), "Unnamed component"), Description: str(cm, "description"), X: map[string]any{}}
		k.ID = b.idOrSeq(sid, "C", i)
		if k.ID != sid {
			k.X[b.tool+"-id"] = sid
		}
		if sid != "" && compID[sid] == "" {
			compID[sid] = k.ID
		}
		k.Kind = componentKind(typ)
		if k.Kind == "other" {
			k.Kind = componentKind(k.Name)
		}
		if k.Kind == "other" {
			b.placeholder(k.X, "component", "kind")
		}
		k.DFDType = "process"
		low := strings.ToLower(typ)
		switch {
		case k.Kind == "datastore":
			k.DFDType = "datastore"
		case k.Kind == "web-client" || strings.Contains(low, "user") || strings.Contains(low, "actor") || strings.Contains(low, "external") || strings.Contains(low, "human"):
			k.DFDType = "external-entity"
		}
		if typ != "" {
			k.X[b.tool+"-type"] = typ
		}
		if as := obj(cm["assets"]); as != nil {
			ca := &dtmCompAssets{}
			ca.Processed = mapIDs(b, strList(as["processed"]), assetID, "component assets naming an undefined OTM asset, dropped")
			ca.Stored = mapIDs(b, strList(as["stored"]), assetID, "component assets naming an undefined OTM asset, dropped")
			if len(ca.Processed)+len(ca.Stored) > 0 {
				k.Assets = ca
			}
		}
		facts := map[string]any{}
		for _, bag := range []string{"attributes", "properties"} {
			m := obj(cm[bag])
			nested := false
			for _, key := range sortedKeys(m) {
				if scalar(m[key]) {
					facts["otm."+key] = plain(m[key])
				} else if m[key] != nil {
					nested = true
				}
			}
			if nested {
				k.X[b.tool+"-"+bag] = plain(m)
				b.losses.add("component attributes/properties with nested values (no facts equivalent), kept whole as x-otm-attributes/properties", 1)
			}
		}
		if len(facts) > 0 {
			k.Facts = facts
		}
		// Microsoft TMT conversions carry scope in properties.
		if props := obj(cm["properties"]); props != nil {
			if out, ok := boolean(props, "Out Of Scope"); ok && out {
				f := false
				k.InScope = &f
				k.OutOfScopeReason = strings.TrimSpace(str(props, "Reason For Out Of Scope"))
				if k.OutOfScopeReason == "" {
					k.OutOfScopeReason = placeholderText
					b.placeholder(k.X, "component", "outOfScopeReason")
				}
			}
		}
		keepX(b, k.X, cm, "id", "name", "description", "type", "parent", "assets", "threats", "attributes", "properties")
		pk, pid := otmParent(cm["parent"])
		ref := compRef{c: k, m: cm}
		switch {
		case pid == "":
		case (pk == "trustZone" || pk == "") && zoneID[pid] != "":
			k.Boundary = zoneID[pid]
		case pk == "component" || pk == "":
			ref.parent = pid
		default:
			k.X[b.tool+"-parent"] = plain(cm["parent"])
			b.losses.add("component parents of unknown kind (kept as x-otm-parent)", 1)
		}
		comps = append(comps, ref)
		d.Components = append(d.Components, k)
	}
	// Component parents: parent and inherited boundary (bounded walk).
	byDTM := map[string]compRef{}
	for _, r := range comps {
		byDTM[r.c.ID] = r
	}
	var unassigned []*dtmComp
	for _, r := range comps {
		if r.parent != "" {
			if p := compID[r.parent]; p != "" && p != r.c.ID {
				r.c.Parent = p
			} else {
				r.c.X[b.tool+"-parent"] = plain(r.m["parent"])
				b.losses.add("component parents naming no trust zone or component (kept as x-otm-parent)", 1)
			}
		}
		cur := r
		for n := 0; cur.c.Boundary == "" && cur.parent != "" && n < len(comps); n++ {
			next, ok := byDTM[compID[cur.parent]]
			if !ok {
				break
			}
			cur = next
		}
		if r.c.Boundary == "" {
			r.c.Boundary = cur.c.Boundary
		}
		if r.c.Boundary == "" {
			unassigned = append(unassigned, r.c)
		}
	}
	if len(unassigned) > 0 {
		tb := &dtmBoundary{ID: b.newID("TB", "unassigned"), Name: "Components the source places in no trust zone", Kind: "network", Owner: "third-party",
			Description: "Synthetic boundary: the OTM components listed here have no trust zone parent.", X: map[string]any{}}
		b.placeholder(tb.X, "trustBoundary", "kind", "owner")
		d.TrustBoundaries = append(d.TrustBoundaries, tb)
		for _, k := range unassigned {
			k.Boundary = tb.ID
		}
		b.losses.add("components without a trust zone, placed in a synthetic boundary", len(unassigned))
	}

	// Data flows.
	type flowRef struct {
		f *dtmFlow
		m map[string]any
	}
	var flows []flowRef
	var dropped []any
	for i, fv := range list(top["dataflows"]) {
		fm := obj(fv)
		if fm == nil {
			b.losses.add("dataflows that are not objects, skipped", 1)
			continue
		}
		sid := str(fm, "id")
		from, to := compID[str(fm, "source")], compID[firstNonEmpty(str(fm, "destination"), str(fm, "target"))]
		if from == "" || to == "" {
			dropped = append(dropped, map[string]any{"id": sid, "name": str(fm, "name"), "threats": len(list(fm["threats"]))})
			b.losses.add("dataflows not imported: source or destination is not a component (listed in x-otm-unattachedDataflows)", 1)
			b.losses.add("threat instances on unattached dataflows not imported", len(list(fm["threats"])))
			continue
		}
		f := &dtmFlow{From: dtmEndpoint{Component: from}, To: dtmEndpoint{Component: to}, X: map[string]any{}}
		f.ID = b.idOrSeq(sid, "DF", i)
		if f.ID != sid {
			f.X[b.tool+"-id"] = sid
		}
		f.Name = text(strings.TrimSpace(str(fm, "name")), fmt.Sprintf("%s to %s", from, to))
		f.Description = str(fm, "description")
		if bi, ok := boolean(fm, "bidirectional"); ok {
			f.Bidirectional = bi
		}
		for _, a := range mapIDs(b, strList(fm["assets"]), assetID, "dataflow assets naming an undefined OTM asset, dropped") {
			f.Carries = append(f.Carries, dtmCarried{Asset: a, Kind: "data"})
		}
		if len(f.Carries) == 0 {
			f.Carries = []dtmCarried{{Asset: placeholderAsset, Kind: "data"}}
			b.placeholder(f.X, "dataflow", "carries")
		}
		if tags := strList(fm["tags"]); len(tags) > 0 {
			f.X[b.tool+"-tags"] = tags
		}
		for _, bag := range []string{"attributes", "properties"} {
			if m := obj(fm[bag]); len(m) > 0 {
				f.X[b.tool+"-"+bag] = plain(m)
				b.losses.add("dataflow attributes/properties with no DTM field, kept as x-otm-attributes/properties", 1)
			}
		}
		keepX(b, f.X, fm, "id", "name", "description", "source", "destination", "target", "bidirectional", "assets", "threats", "tags", "attributes", "properties")
		flows = append(flows, flowRef{f, fm})
		d.Dataflows = append(d.Dataflows, f)
	}
	if len(dropped) > 0 {
		d.X[b.tool+"-unattachedDataflows"] = dropped
	}

	// Mitigations catalogue -> controls (status from instance states below).
	ctlBySrc := map[string]*dtmControl{}
	for i, mv := range list(top["mitigations"]) {
		mm := obj(mv)
		if mm == nil {
			b.losses.add("mitigations that are not objects, skipped", 1)
			continue
		}
		sid := str(mm, "id")
		if sid == "" {
			sid = fmt.Sprintf("\x00%d", i+1)
		}
		name := strings.TrimSpace(str(mm, "name"))
		desc := strings.TrimSpace(str(mm, "description"))
		c := b.control(firstNonEmpty(desc, name, "Imported mitigation"), sid, name, nil)
		if c.ID != sid && !strings.HasPrefix(sid, "\x00") {
			c.X[b.tool+"-id"] = sid
		}
		if rr, ok := mm["riskReduction"]; ok && rr != nil {
			c.X[b.tool+"-riskReduction"] = plain(rr)
			b.losses.add("mitigation riskReduction kept as x-otm-riskReduction (no DTM equivalent)", 1)
		}
		keepX(b, c.X, mm, "id", "name", "description", "riskReduction")
		if ctlBySrc[sid] == nil {
			ctlBySrc[sid] = c
		}
	}

	// Threats: catalogue entries, instantiated on components and flows.
	catalogue := map[string]map[string]any{}
	var order []string
	for _, tv := range list(top["threats"]) {
		tm := obj(tv)
		if tm == nil {
			b.losses.add("threats that are not objects, skipped", 1)
			continue
		}
		sid := str(tm, "id")
		if _, dup := catalogue[sid]; dup {
			b.losses.add("threats with a duplicate id, ignored", 1)
			continue
		}
		catalogue[sid] = tm
		order = append(order, sid)
	}
	type group struct {
		threat   string
		status   string
		rawState []string
		targets  []dtmTarget
		mits     []string
		mitState map[string][]string
		seen     map[string]bool // "s:"+state, "m:"+control, "ms:"+control+state
	}
	total := 0
	for _, k := range []string{"trustZones", "components", "dataflows", "threats", "mitigations", "assets"} {
		total += len(list(top[k]))
	}
	if total > otmMaxElements {
		return src.errf("", "OTM: %d elements; premarket imports at most %d", total, otmMaxElements)
	}
	instances := 0
	groups := map[string]*group{}
	var gorder []string
	ctlStates := map[*dtmControl][]string{}
	ctlSeen := map[string]bool{}
	instance := func(iv any, target dtmTarget) {
		im := obj(iv)
		if im == nil {
			b.losses.add("threat instances that are not objects, skipped", 1)
			return
		}
		if instances++; instances > otmMaxInstances {
			b.losses.add(fmt.Sprintf("threat instances beyond %d, skipped", otmMaxInstances), 1)
			return
		}
		tid := str(im, "threat")
		if _, ok := catalogue[tid]; !ok {
			b.losses.add("threat instances naming no catalogue threat, skipped", 1)
			return
		}
		state := str(im, "state")
		st, known := mapStatus(state)
		if !known {
			b.losses.add("threat instance states OTM leaves free and premarket does not know, imported as open (source value in x-otm-state)", 1)
		}
		key := tid + "\x00" + st
		g := groups[key]
		if g == nil {
			g = &group{threat: tid, status: st, mitState: map[string][]string{}, seen: map[string]bool{}}
			groups[key] = g
			gorder = append(gorder, key)
		}
		if state != "" && !g.seen["s:"+state] {
			g.seen["s:"+state] = true
			g.rawState = append(g.rawState, state)
		}
		g.targets = append(g.targets, target)
		for _, mv := range list(im["mitigations"]) {
			mm := obj(mv)
			c := ctlBySrc[str(mm, "mitigation")]
			if c == nil {
				b.losses.add("mitigation instances naming no catalogue mitigation, skipped", 1)
				continue
			}
			if !g.seen["m:"+c.ID] {
				g.seen["m:"+c.ID] = true
				g.mits = append(g.mits, c.ID)
			}
			if s := str(mm, "state"); s != "" {
				if !g.seen["ms:"+c.ID+"\x00"+s] {
					g.seen["ms:"+c.ID+"\x00"+s] = true
					g.mitState[c.ID] = append(g.mitState[c.ID], s)
				}
				if !ctlSeen[c.ID+"\x00"+s] {
					ctlSeen[c.ID+"\x00"+s] = true
					ctlStates[c] = append(ctlStates[c], s)
				}
			}
		}
	}
	for i, r := range comps {
		for _, iv := range list(r.m["threats"]) {
			instance(iv, dtmTarget{Component: d.Components[i].ID})
		}
	}
	for _, r := range flows {
		for _, iv := range list(r.m["threats"]) {
			instance(iv, dtmTarget{Dataflow: r.f.ID})
		}
	}
	used := map[string]int{}
	for _, key := range gorder {
		used[groups[key].threat]++
	}
	var unreferenced []any
	for _, sid := range order {
		if used[sid] == 0 {
			unreferenced = append(unreferenced, plain(catalogue[sid]))
		}
	}
	if len(unreferenced) > 0 {
		d.X[b.tool+"-unreferencedThreats"] = unreferenced
		b.losses.add("catalogue threats with no instance on a component or dataflow (a DTM threat needs a target), kept as x-otm-unreferencedThreats", len(unreferenced))
	}
	for _, key := range gorder {
		g := groups[key]
		tm := catalogue[g.threat]
		t := &dtmThreat{Targets: g.targets, Origin: "imported", Status: g.status, X: map[string]any{}}
		idSrc := g.threat
		if used[g.threat] > 1 {
			idSrc = g.threat + "-" + g.status
			t.X[noteKey] = "The source threat's instances have different states; one DTM threat per state."
			b.losses.add("catalogue threats split into one DTM threat per instance state", 1)
		}
		t.ID = b.idOrSeq(idSrc, "TH", len(d.Threats))
		if t.ID != g.threat {
			t.X[b.tool+"-id"] = g.threat
		}
		t.Title = strings.TrimSpace(str(tm, "name"))
		if t.Title == "" {
			t.Title = "Untitled imported threat"
			b.placeholder(t.X, "threat", "title")
		}
		t.Description = str(tm, "description")
		var ph bool
		t.Stride, t.OtherCategories, ph = categorize(strList(tm["categories"]))
		if ph {
			b.placeholder(t.X, "threat", "stride")
		}
		cweSeen := map[string]bool{}
		for _, w := range strList(tm["cwes"]) {
			if cwe := normCWE(w); cwe != "" && !cweSeen[cwe] {
				cweSeen[cwe] = true
				t.CWE = append(t.CWE, cwe)
			} else if cwe == "" {
				b.losses.add("CWE entries not of the form CWE-<n>, dropped", 1)
			}
		}
		if len(g.rawState) > 0 {
			t.X[b.tool+"-state"] = g.rawState
		}
		if r := obj(tm["risk"]); r != nil {
			t.X[b.tool+"-risk"] = plain(r)
			b.losses.add("threat risk (likelihood/impact 0-100) kept only as x-otm-risk: an OTM likelihood is not an exploitability", 1)
		}
		if tags := strList(tm["tags"]); len(tags) > 0 {
			t.X[b.tool+"-tags"] = tags
		}
		keepX(b, t.X, tm, "id", "name", "description", "categories", "cwes", "risk", "tags")
		if g.status == "not-applicable" {
			t.NotApplicable = placeholderText
			b.placeholder(t.X, "threat", "notApplicableReason")
		}
		for _, cid := range g.mits {
			m := dtmMitigation{Control: cid}
			if s := g.mitState[cid]; len(s) > 0 {
				m.X = map[string]any{b.tool + "-state": s}
			}
			t.Mitigations = append(t.Mitigations, m)
			b.noteStride(cid, t.Stride)
		}
		b.risk(t)
		d.Threats = append(d.Threats, t)
	}
	// Control status from the mitigation instance states: implemented only
	// when every instance says so.
	for _, c := range d.Controls {
		states := ctlStates[c]
		if len(states) == 0 {
			continue
		}
		all := true
		for _, s := range states {
			if k := strings.ToLower(s); k != "implemented" && k != "verified" {
				all = false
			}
		}
		if all {
			c.Status = "implemented"
		}
		c.X[b.tool+"-state"] = states
	}
	methods := []string{}
	for _, t := range d.Threats {
		if len(t.X) > 0 {
			if _, ph := t.X[placeholderKey]; ph {
				if l, _ := t.X[placeholderKey].([]string); contains(l, "stride") {
					continue
				}
			}
		}
		methods = []string{"STRIDE (threat categories of the imported OTM model)"}
		break
	}
	if len(methods) == 0 {
		methods = []string{"Not stated in the source (OTM has no methodology field)"}
		b.placeholder(d.Model.X, "model", "methodology")
	}
	d.Model.Methodology = methods
	return nil
}

// idOrSeq returns the DTM ID for a source ID, or a sequence-derived one
// when the source has none.
func (b *builder) idOrSeq(sid, prefix string, i int) string {
	if sid == "" {
		return b.newID(prefix, fmt.Sprintf("%d", i+1))
	}
	return b.id(sid, prefix)
}

// otmParent reads a parent in the schema's form {trustZone: id} or
// {component: id}, the README's {id, type}, or a bare string.
func otmParent(v any) (kind, id string) {
	if s, ok := v.(string); ok {
		return "", s
	}
	m := obj(v)
	if m == nil {
		return "", ""
	}
	if s := str(m, "trustZone"); s != "" {
		return "trustZone", s
	}
	if s := str(m, "component"); s != "" {
		return "component", s
	}
	t := strings.ToLower(str(m, "type"))
	switch {
	case strings.Contains(t, "zone"):
		t = "trustZone"
	case strings.Contains(t, "component"):
		t = "component"
	case t != "":
		t = "other:" + t
	}
	return t, str(m, "id")
}

// zoneKind maps an OTM trust zone type or name to a DTM boundary kind by
// keyword; "" when nothing matches.
func zoneKind(s string) string {
	low := " " + strings.ToLower(s)
	switch {
	case containsWordStart(low, "cloud"), containsWordStart(low, "azure"), containsWordStart(low, "aws"), containsWordStart(low, "gcp"):
		return "cloud-tenant"
	case containsWordStart(low, "device"), containsWordStart(low, "mobile"), containsWordStart(low, "android"), containsWordStart(low, "ios"):
		return "device"
	case containsWordStart(low, "internet"), containsWordStart(low, "public"), containsWordStart(low, "dmz"), containsWordStart(low, "network"), containsWordStart(low, "lan"), containsWordStart(low, "wan"):
		return "network"
	case containsWordStart(low, "private"), containsWordStart(low, "internal"), containsWordStart(low, "corporate"), containsWordStart(low, "on-prem"):
		return "organization"
	}
	return ""
}

func mapIDs(b *builder, src []string, m map[string]string, loss string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range src {
		if id := m[s]; id != "" {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		} else {
			b.losses.add(loss, 1)
		}
	}
	return out
}

// keepX copies the keys of m not in known into x-<tool>-<key>.
func keepX(b *builder, x map[string]any, m map[string]any, known ...string) {
	k := map[string]bool{"representations": true}
	for _, s := range known {
		k[s] = true
	}
	for _, key := range sortedKeys(m) {
		if k[key] || m[key] == nil {
			continue
		}
		x[b.tool+"-"+key] = plain(m[key])
		b.losses.add("fields with no DTM equivalent kept as "+b.tool+"-<field>: "+key, 1)
	}
	if r, ok := m["representations"]; ok && r != nil {
		x[b.tool+"-representations"] = plain(r)
		b.losses.add("representations (diagram geometry, code locations) kept as "+b.tool+"-representations", 1)
	}
}

func normCWE(s string) string {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimPrefix(t, "CWE-")
	t = strings.TrimPrefix(t, "CWE")
	if t == "" || len(t) > 9 {
		return ""
	}
	for _, r := range t {
		if r < '0' || r > '9' {
			return ""
		}
	}
	return "CWE-" + t
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
