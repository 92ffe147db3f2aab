package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/premarket/premarket/internal/testfixtures"
	"github.com/premarket/premarket/threatmodel"
	tmcheck "github.com/premarket/premarket/threatmodel/check"
	"github.com/premarket/premarket/yamlpos"
)

// load imports data and loads the result with the real loader; it fails
// the test on any schema finding.
func load(t *testing.T, name string, data []byte) (*Result, *threatmodel.Model) {
	t.Helper()
	res, err := Import(data, Options{Name: name, PremarketVersion: "test"})
	if err != nil {
		t.Fatalf("%s: import: %v", name, err)
	}
	m, fs, err := threatmodel.LoadBytes(name+".yaml", res.YAML, threatmodel.LoadOptions{})
	if err != nil {
		t.Fatalf("%s: loading the imported model: %v\n%s", name, err, res.YAML)
	}
	for _, f := range fs {
		t.Errorf("%s: schema finding %s at %v: %s", name, f.RuleID, f.Location, f.Message)
	}
	if m == nil {
		t.Fatalf("%s: no model", name)
	}
	return res, m
}

// tdSource counts a Threat Dragon file the way the mapping promises to
// carry it over, straight from the JSON.
type tdSource struct {
	nodes, flows, boxes, curves, threats int
	statuses                             map[string]int
}

var tdStatus = map[string]string{"Open": "open", "Mitigated": "mitigated", "Accepted": "accepted", "Transferred": "transferred",
	"Avoided": "avoided", "Eliminated": "avoided", "NotApplicable": "not-applicable", "NA": "not-applicable"}

func countTD(t *testing.T, data []byte) tdSource {
	var doc struct {
		Detail struct {
			Diagrams []struct {
				Cells       []map[string]any `json:"cells"`
				DiagramJSON struct {
					Cells []map[string]any `json:"cells"`
				} `json:"diagramJson"`
			} `json:"diagrams"`
		} `json:"detail"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	s := tdSource{statuses: map[string]int{}}
	for _, d := range doc.Detail.Diagrams {
		cells := append(d.Cells, d.DiagramJSON.Cells...)
		for _, c := range cells {
			data, _ := c["data"].(map[string]any)
			if data == nil {
				data = c
			}
			typ, _ := data["type"].(string)
			switch typ {
			case "tm.Actor", "tm.Process", "tm.Store":
				s.nodes++
			case "tm.Flow":
				s.flows++
			case "tm.BoundaryBox":
				s.boxes++
			case "tm.Boundary":
				s.curves++
			}
			ths, _ := data["threats"].([]any)
			if typ == "tm.Actor" || typ == "tm.Process" || typ == "tm.Store" || typ == "tm.Flow" {
				s.threats += len(ths)
				for _, th := range ths {
					st, _ := th.(map[string]any)["status"].(string)
					s.statuses[tdStatus[st]]++
				}
			}
		}
	}
	return s
}

func statuses(m *threatmodel.Model) map[string]int {
	out := map[string]int{}
	for _, th := range m.Threats {
		out[th.Status]++
	}
	return out
}

func sameCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func hasLoss(res *Result, sub string) bool {
	for _, l := range res.Losses {
		if strings.Contains(l, sub) {
			return true
		}
	}
	return false
}

// checkImported asserts what every import promises, whatever the source:
// every threat is of origin imported, unassessed and reported by the
// checker until assessed; nothing the checker forbids outright in an
// import (TM-RISK-007) appears.
func checkImported(t *testing.T, name string, m *threatmodel.Model) {
	t.Helper()
	open := 0
	for _, th := range m.Threats {
		if th.Origin != "imported" {
			t.Errorf("%s: threat %s origin %q", name, th.ID, th.Origin)
		}
		if th.Status == "not-applicable" {
			if th.Risk != nil {
				t.Errorf("%s: not-applicable threat %s has a risk", name, th.ID)
			}
			continue
		}
		open++
		if p := th.Pre(); p == nil || p.Exploitability.Level != "unassessed" || p.SecurityImpact != "unassessed" {
			t.Errorf("%s: threat %s pre risk is not unassessed: %+v", name, th.ID, p)
		}
		if th.Status != "open" {
			if a := th.Acceptance(); a == nil || a.Decision != "not-accepted" {
				t.Errorf("%s: closed threat %s must carry a not-accepted placeholder decision", name, th.ID)
			}
		}
	}
	rules := map[string]int{}
	for _, f := range tmcheck.Run(m, tmcheck.Options{SkipSBOM: true}) {
		rules[f.RuleID]++
	}
	if rules["TM-RISK-007"] != 0 {
		t.Errorf("%s: TM-RISK-007 reported for imported threats", name)
	}
	if rules["TM-RISK-001"] == 0 {
		t.Errorf("%s: the placeholder risk method must be reported (TM-RISK-001)", name)
	}
	if open > 0 && rules["TM-RISK-002"] < open {
		t.Errorf("%s: %d unassessed threats but only %d TM-RISK-002 findings", name, open, rules["TM-RISK-002"])
	}
	if rules["TM-VIEW-001"] != 3 {
		t.Errorf("%s: want the three missing FDA views reported, got %d", name, rules["TM-VIEW-001"])
	}
}

func TestThreatDragonFixtures(t *testing.T) {
	dir := filepath.Join(testfixtures.Dir(t), "threat-models")
	for _, tc := range []struct {
		file string
		kind Kind
	}{
		{"threat-dragon_v2_demo-threat-model.json", KindThreatDragonV2},
		{"threat-dragon_v2_iot-device.json", KindThreatDragonV2},
		{"threat-dragon_v1_demo-threat-model.json", KindThreatDragonV1},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			res, m := load(t, tc.file, data)
			if res.Kind != tc.kind {
				t.Errorf("kind %s, want %s", res.Kind, tc.kind)
			}
			src := countTD(t, data)
			t.Logf("source %+v; imported %+v", src, res.Counts)
			if len(m.Components) != src.nodes {
				t.Errorf("components %d, source has %d actors/processes/stores", len(m.Components), src.nodes)
			}
			// Every fixture flow is attached (one after snapping a free end).
			if len(m.Dataflows) != src.flows {
				t.Errorf("dataflows %d, source has %d flows", len(m.Dataflows), src.flows)
			}
			if len(m.Threats) != src.threats {
				t.Errorf("threats %d, source has %d on elements and flows", len(m.Threats), src.threats)
			}
			if !sameCounts(statuses(m), src.statuses) {
				t.Errorf("statuses %v, source %v", statuses(m), src.statuses)
			}
			zones, boxes := 0, 0
			for _, tb := range m.TrustBoundaries {
				if strings.HasPrefix(tb.ID, "TB-zone-") {
					zones++
				} else {
					boxes++
				}
			}
			if boxes != src.boxes || zones == 0 || len(m.TrustBoundaries) != boxes+zones {
				t.Errorf("boundaries: %d boxes (source %d), %d zones", boxes, src.boxes, zones)
			}
			if src.curves > 0 {
				lines, _ := m.X["x-threat-dragon-boundaryLines"].([]any)
				if len(lines) != src.curves {
					t.Errorf("x-threat-dragon-boundaryLines has %d entries, source has %d curves", len(lines), src.curves)
				}
				if zones < 2 {
					t.Errorf("boundary lines should separate at least two zones, got %d", zones)
				}
			}
			for _, k := range m.Components {
				if m.TrustBoundaries == nil || k.Boundary == "" {
					t.Errorf("component %s has no boundary", k.ID)
				}
			}
			for _, want := range []string{"threat severity kept only as x-threat-dragon-severity", "risk method", "FDA architecture views", "placeholder written"} {
				if !hasLoss(res, want) {
					t.Errorf("losses lack %q: %v", want, res.Losses)
				}
			}
			if len(m.Imports) != 1 || m.Imports[0].Source != "threat-dragon" || len(m.Imports[0].Losses) != len(res.Losses) {
				t.Errorf("imports record: %+v", m.Imports)
			}
			if !bytes.Contains(res.YAML, []byte("# Imported by premarket test from "+tc.file)) {
				t.Errorf("header comment missing:\n%s", res.YAML[:200])
			}
			checkImported(t, tc.file, m)
		})
	}
}

// TestThreatDragonV1MatchesV2 imports the same demo model saved by Threat
// Dragon 1 and 2: the element, flow, threat and control counts agree.
func TestThreatDragonV1MatchesV2(t *testing.T) {
	dir := filepath.Join(testfixtures.Dir(t), "threat-models")
	v1, _ := os.ReadFile(filepath.Join(dir, "threat-dragon_v1_demo-threat-model.json"))
	v2, _ := os.ReadFile(filepath.Join(dir, "threat-dragon_v2_demo-threat-model.json"))
	r1, m1 := load(t, "v1", v1)
	r2, m2 := load(t, "v2", v2)
	if r1.Counts != r2.Counts {
		t.Errorf("v1 %+v, v2 %+v", r1.Counts, r2.Counts)
	}
	if !sameCounts(statuses(m1), statuses(m2)) {
		t.Errorf("statuses v1 %v, v2 %v", statuses(m1), statuses(m2))
	}
}

func TestOTMFixtures(t *testing.T) {
	dir := filepath.Join(testfixtures.Dir(t), "threat-models")
	for _, file := range []string{"otm_mobile-cloud.otm.json", "otm_example-open-threat-model.json"} {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, file))
			if err != nil {
				t.Fatal(err)
			}
			res, m := load(t, file, data)
			var src struct {
				TrustZones  []map[string]any `json:"trustZones"`
				Components  []map[string]any `json:"components"`
				Dataflows   []map[string]any `json:"dataflows"`
				Threats     []map[string]any `json:"threats"`
				Mitigations []map[string]any `json:"mitigations"`
				Assets      []map[string]any `json:"assets"`
			}
			if err := json.Unmarshal(data, &src); err != nil {
				t.Fatal(err)
			}
			// One DTM threat per (catalogue threat, mapped state) instantiated.
			groups := map[string]bool{}
			wantStatus := map[string]int{}
			for _, holder := range append(append([]map[string]any{}, src.Components...), src.Dataflows...) {
				ths, _ := holder["threats"].([]any)
				for _, th := range ths {
					im := th.(map[string]any)
					st, _ := mapStatus(im["state"].(string))
					key := im["threat"].(string) + "/" + st
					if !groups[key] {
						groups[key] = true
						wantStatus[st]++
					}
				}
			}
			c := res.Counts
			if c.Components != len(src.Components) || c.Dataflows != len(src.Dataflows) || c.TrustBoundaries != len(src.TrustZones) ||
				c.Controls != len(src.Mitigations) || c.Assets != len(src.Assets) || c.Threats != len(groups) {
				t.Errorf("counts %+v; source: %d components, %d flows, %d zones, %d mitigations, %d assets, %d instantiated threats",
					c, len(src.Components), len(src.Dataflows), len(src.TrustZones), len(src.Mitigations), len(src.Assets), len(groups))
			}
			if !sameCounts(statuses(m), wantStatus) {
				t.Errorf("statuses %v, want %v", statuses(m), wantStatus)
			}
			for _, th := range m.Threats {
				if _, ok := th.X["x-otm-risk"]; !ok {
					t.Errorf("threat %s lost its OTM risk values", th.ID)
				}
			}
			if !hasLoss(res, "x-otm-risk") || !hasLoss(res, "placeholder written") {
				t.Errorf("losses: %v", res.Losses)
			}
			checkImported(t, file, m)
		})
	}
}

func TestTMBOMRefused(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testfixtures.Dir(t), "threat-models", "tmbom_pytm-example.cdx.json"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Import(data, Options{Name: "tmbom.cdx.json"})
	var ue *UnsupportedError
	if !errors.As(err, &ue) {
		t.Fatalf("want UnsupportedError, got %v", err)
	}
	for _, want := range []string{"tmbom.cdx.json", "CycloneDX", "TM-BOM", "bill of materials", "Threat Dragon v2"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q: %v", want, err)
		}
	}
}

// TestDeterministic imports every input twice and, for JSON inputs, once
// more after re-encoding (which reorders object keys): the output bytes
// must not change.
func TestDeterministic(t *testing.T) {
	files, _ := filepath.Glob("testdata/*")
	if dir, ok := fixturesDir(); ok {
		more, _ := filepath.Glob(filepath.Join(dir, "threat-models", "*.json"))
		files = append(files, more...)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		a, errA := Import(data, Options{Name: f, PremarketVersion: "x"})
		b, errB := Import(data, Options{Name: f, PremarketVersion: "x"})
		if (errA == nil) != (errB == nil) || errA != nil && errA.Error() != errB.Error() {
			t.Fatalf("%s: errors differ: %v / %v", f, errA, errB)
		}
		if errA != nil {
			continue
		}
		if !bytes.Equal(a.YAML, b.YAML) {
			t.Errorf("%s: two imports differ", f)
		}
		if strings.HasSuffix(f, ".json") {
			var v any
			if json.Unmarshal(data, &v) == nil {
				re, _ := json.MarshalIndent(v, "", " ")
				c, err := Import(re, Options{Name: f, PremarketVersion: "x"})
				if err != nil {
					t.Fatalf("%s: re-encoded: %v", f, err)
				}
				// Only the sha256 of the input (header and imports) may differ.
				strip := func(b []byte) string {
					var out []string
					for _, l := range strings.Split(string(b), "\n") {
						if !strings.Contains(l, "sha256") {
							out = append(out, l)
						}
					}
					return strings.Join(out, "\n")
				}
				if strip(a.YAML) != strip(c.YAML) {
					t.Errorf("%s: key order of the input changes the output", f)
				}
			}
		}
	}
}

func fixturesDir() (string, bool) {
	wd, _ := os.Getwd()
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			f := filepath.Join(d, "..", "shared", "fixtures")
			_, err := os.Stat(f)
			return f, err == nil
		}
		if filepath.Dir(d) == d {
			return "", false
		}
	}
}

func TestThreatDragonEdgeCases(t *testing.T) {
	data, err := os.ReadFile("testdata/td-v2-edge.json")
	if err != nil {
		t.Fatal(err)
	}
	res, m := load(t, "td-v2-edge.json", data)
	comps := map[string]*threatmodel.Component{}
	for _, k := range m.Components {
		comps[k.Name] = k
	}
	// Unicode names survive; newlines in names become spaces.
	fw := comps["Micrologiciel de la pompe"]
	phone := comps["Téléphone du patient 📱"]
	if fw == nil || phone == nil {
		t.Fatalf("components: %v", sortedNames(m))
	}
	if m.Meta.Title != "Pompe à insuline — modèle 試験" || m.Meta.ID != "pompe-insuline-mod-le" {
		t.Errorf("model %q id %q", m.Meta.Title, m.Meta.ID)
	}
	// Nested boxes: the firmware is in the inner box, which is in the outer one.
	if fw.Boundary != "box-inner" {
		t.Errorf("firmware boundary %q, want box-inner", fw.Boundary)
	}
	for _, tb := range m.TrustBoundaries {
		if tb.ID == "box-inner" && tb.Parent != "box-1" {
			t.Errorf("inner box parent %q", tb.Parent)
		}
	}
	// An ID that does not fit the DTM pattern is derived, the source kept.
	if phone.ID != "C-1-phone" || phone.X["x-threat-dragon-id"] != "1-phone" {
		t.Errorf("phone id %q x %v", phone.ID, phone.X)
	}
	if phone.IsInScope() || phone.OutOfScopeReason != "Patient-owned phone" || phone.DFDType != "external-entity" {
		t.Errorf("phone scope/type: %+v", phone)
	}
	// Duplicate cell id: the second element still gets a unique ID.
	if dup := comps["Duplicate cell id"]; dup == nil || dup.ID == phone.ID {
		t.Errorf("duplicate cell: %+v", dup)
	}
	// A store without id or name.
	if st := comps["Unnamed store"]; st == nil || !strings.HasPrefix(st.ID, "C-") || st.Facts["td.isEncrypted"] != "true" {
		t.Errorf("unnamed store: %+v", st)
	}
	if fw.Facts["td.privilegeLevel"] != "root" || fw.X["x-threat-dragon-data-custom"] == nil {
		t.Errorf("firmware facts %v x %v", fw.Facts, fw.X)
	}
	// Flows: the dangling one is dropped, the one dropped beside the phone attached.
	flows := map[string]*threatmodel.Dataflow{}
	for _, f := range m.Dataflows {
		flows[f.Name] = f
	}
	if len(m.Dataflows) != 2 || flows["Commande bolus"] == nil || flows["Dropped next to the phone"] == nil {
		t.Fatalf("flows: %d", len(m.Dataflows))
	}
	if f := flows["Dropped next to the phone"]; f.From.Component != phone.ID {
		t.Errorf("snapped flow from %q", f.From.Component)
	}
	if f := flows["Commande bolus"]; !f.Bidirectional || len(f.Protocol) != 1 || f.Protocol[0] != "BLE" || f.Security == nil || f.Security.Encryption == nil {
		t.Errorf("bolus flow: %+v", f)
	}
	// Threats: 7 on the firmware, 1 on the store, 1 on the flow; the ones
	// on the dangling flow and the unknown shape are lost.
	if len(m.Threats) != 9 {
		t.Errorf("threats %d, want 9", len(m.Threats))
	}
	byTitle := map[string]*threatmodel.Threat{}
	ids := map[string]bool{}
	for _, th := range m.Threats {
		byTitle[th.Title] = th
		if ids[th.ID] {
			t.Errorf("duplicate threat id %s", th.ID)
		}
		ids[th.ID] = true
	}
	want := map[string]string{"Usurpation BLE": "open", "Duplicate id": "mitigated", "Linkability of pump serial": "avoided",
		"No category": "open", "Not relevant": "not-applicable", "NA with reason": "not-applicable", "Same mitigation text": "accepted", "Replay": "transferred"}
	for title, st := range want {
		if th := byTitle[title]; th == nil || th.Status != st {
			t.Errorf("threat %q: %+v, want status %s", title, th, st)
		}
	}
	if th := byTitle["No category"]; th.X["x-threat-dragon-status"] != "Someday" || th.Stride[0] != "information-disclosure" {
		t.Errorf("unknown status/type: %+v", th)
	}
	if th := byTitle["Linkability of pump serial"]; len(th.OtherCategories) != 1 || th.OtherCategories[0] != "Linkability" || th.Stride[0] != "information-disclosure" {
		t.Errorf("LINDDUN: %+v", th)
	}
	if th := byTitle["Not relevant"]; th.NotApplicable != "TBD" {
		t.Errorf("NA without reason: %q (the TD prompt is not a reason)", th.NotApplicable)
	}
	if th := byTitle["NA with reason"]; !strings.HasPrefix(th.NotApplicable, "The pump keeps") {
		t.Errorf("NA reason %q", th.NotApplicable)
	}
	// One control per distinct mitigation text (whitespace ignored).
	if a, b := byTitle["Duplicate id"], byTitle["Same mitigation text"]; len(a.Mitigations) != 1 || len(b.Mitigations) != 1 || a.Mitigations[0].Control != b.Mitigations[0].Control {
		t.Errorf("same text, different controls: %+v / %+v", a.Mitigations, b.Mitigations)
	}
	if len(m.Controls) != 4 {
		t.Errorf("controls %d, want 4 distinct texts", len(m.Controls))
	}
	for _, c := range m.Controls {
		if c.Status != "planned" || len(c.FDACategories) == 0 {
			t.Errorf("control %s: %+v", c.ID, c)
		}
		if strings.Contains(c.Description, "BLE pairing") && (len(c.FDACategories) != 1 || c.FDACategories[0] != "A") {
			t.Errorf("authentication control categories %v", c.FDACategories)
		}
	}
	for _, want := range []string{"unknown shape \"cloud-blob\"", "threats on unattached flows", "text blocks", "attached to it", "cells without an id", "statuses"} {
		if !hasLoss(res, want) {
			t.Errorf("losses lack %q:\n%s", want, strings.Join(res.Losses, "\n"))
		}
	}
	if _, ok := m.X["x-threat-dragon-unknownCells"]; !ok {
		t.Error("unknown cells not kept")
	}
	checkImported(t, "td-v2-edge.json", m)
}

func sortedNames(m *threatmodel.Model) []string {
	var out []string
	for _, k := range m.Components {
		out = append(out, k.Name)
	}
	sort.Strings(out)
	return out
}

func TestThreatDragonV1Small(t *testing.T) {
	data, _ := os.ReadFile("testdata/td-v1-small.json")
	res, m := load(t, "td-v1-small.json", data)
	if res.Kind != KindThreatDragonV1 || res.SourceVersion != "" {
		t.Errorf("kind %s version %q", res.Kind, res.SourceVersion)
	}
	if len(m.Components) != 2 || len(m.Dataflows) != 1 || len(m.Threats) != 2 || len(m.TrustBoundaries) != 2 {
		t.Fatalf("counts %+v", res.Counts)
	}
	// The boundary line between the clinician and the app splits two zones.
	if m.Components[0].Boundary == m.Components[1].Boundary {
		t.Error("the boundary line should separate the actor from the process")
	}
	if m.Components[1].Name != "Programmer App" || m.Dataflows[0].Name != "Login" {
		t.Errorf("v1 names from attrs/labels: %q %q", m.Components[1].Name, m.Dataflows[0].Name)
	}
	if m.Components[1].Kind != "other" || m.Components[0].DFDType != "external-entity" {
		t.Errorf("kinds: %+v", m.Components)
	}
	checkImported(t, "td-v1-small.json", m)
}

func TestOTMEdgeCases(t *testing.T) {
	data, err := os.ReadFile("testdata/otm-edge.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, m := load(t, "otm-edge.yaml", data)
	comps := map[string]*threatmodel.Component{}
	for _, k := range m.Components {
		comps[k.Name] = k
	}
	if len(m.Components) != 4 {
		t.Fatalf("components %v", sortedNames(m))
	}
	if c := comps["Worker"]; c.Parent != "comp-api" || c.Boundary != "tz-cloud" {
		t.Errorf("child component: parent %q boundary %q", c.Parent, c.Boundary)
	}
	if c := comps["No id at all"]; c.Boundary != "tz-nested" || !strings.HasPrefix(c.ID, "C-") {
		t.Errorf("README-style parent: %+v", c)
	}
	orphan := comps["🛰 Orphan sensor"]
	if orphan.Boundary != "TB-unassigned" {
		t.Errorf("orphan boundary %q", orphan.Boundary)
	}
	if comps["API"].Facts["otm.region"] != "eu" || comps["API"].X["x-otm-attributes"] == nil {
		t.Errorf("attributes: %+v", comps["API"])
	}
	tbs := map[string]*threatmodel.TrustBoundary{}
	for _, tb := range m.TrustBoundaries {
		tbs[tb.ID] = tb
	}
	if tb := tbs["tz-cloud"]; tb.Kind != "cloud-tenant" || tb.TrustLevel == nil || *tb.TrustLevel != 100 {
		t.Errorf("cloud zone %+v", tb)
	}
	if tbs["tz-nested"].Parent != "tz-cloud" || tbs["tz-odd"].Parent != "" {
		t.Errorf("zone parents: %q %q", tbs["tz-nested"].Parent, tbs["tz-odd"].Parent)
	}
	if len(m.Dataflows) != 1 || len(m.Dataflows[0].Carries) != 1 || m.Dataflows[0].Carries[0].Asset != "asset-1" {
		t.Errorf("flows %+v", m.Dataflows)
	}
	// Threat "1" has exposed and mitigated instances: two DTM threats.
	var one []*threatmodel.Threat
	for _, th := range m.Threats {
		if th.X["x-otm-id"] == "1" {
			one = append(one, th)
		}
	}
	if len(one) != 2 || one[0].Status == one[1].Status {
		t.Fatalf("threat 1 split: %+v", one)
	}
	for _, th := range one {
		if th.Status == "open" && len(th.Targets) != 2 {
			t.Errorf("exposed instances of threat 1 target %v", th.Targets)
		}
		if strings.Join(th.CWE, ",") != "CWE-287,CWE-522" {
			t.Errorf("cwe %v", th.CWE)
		}
	}
	st := statuses(m)
	if st["not-applicable"] != 1 || st["mitigated"] != 1 || st["open"] != 2 || len(m.Threats) != 4 {
		t.Errorf("statuses %v", st)
	}
	// m1 is implemented in every instance; m2 has no text at all.
	for _, c := range m.Controls {
		if c.ID == "m1" && c.Status != "implemented" {
			t.Errorf("m1 status %s", c.Status)
		}
		if c.ID == "m2" && c.Title == "" {
			t.Error("m2 without title")
		}
	}
	for _, want := range []string{"no instance", "unattached", "naming no catalogue threat", "CWE entries", "split", "undefined OTM asset", "premarket does not know"} {
		if !hasLoss(res, want) {
			t.Errorf("losses lack %q:\n%s", want, strings.Join(res.Losses, "\n"))
		}
	}
	checkImported(t, "otm-edge.yaml", m)
}

func TestDetectAndRefuse(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		kind     Kind
	}{
		{`{"otmVersion": "0.1.0", "project": {"name": "p", "id": "p"}}`, "no element", ""},
		{`{"version": "2.2.0", "summary": {"title": "t"}, "detail": {"diagrams": [{"cells": []}]}}`, "no element", ""},
		{`{"summary": {"title": "t"}, "detail": {"diagrams": [{"diagramJson": {"cells": []}}]}}`, "no element", ""},
		{`{"version": "9.0", "summary": {}, "detail": {"diagrams": []}}`, "does not know", ""},
		{`{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": []}`, "SBOM-style", ""},
		{`{"spdxVersion": "SPDX-2.3"}`, "SPDX", ""},
		{`dtmVersion: "0.1"`, "already a DTM", ""},
		{`threagile_version: 1.0.0`, "Threagile", ""},
		{`{"hello": "world"}`, "not a recognised threat model", ""},
		{`[1, 2]`, "not an object", ""},
		{``, "empty", ""},
		{`{"summary": {"title": "t"}, "detail": {"diagrams": 5}}`, "not a list", ""},
		{`{"otmVersion": "0.2.0", "components": {"a": 1}}`, "components is not a list", ""},
	} {
		_, err := Import([]byte(tc.in), Options{Name: "in.json"})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "in.json") {
			t.Errorf("%s: error %v, want %q", tc.in, err, tc.want)
		}
	}
	otm := []byte(`{"otmVersion": "0.2.0", "project": {"name": "p", "id": "p"}, "components": [{"id": "c", "name": "c"}]}`)
	if _, err := Import(otm, Options{Format: FormatThreatDragon, Name: "x.json"}); err == nil || !strings.Contains(err.Error(), "--from threat-dragon") {
		t.Errorf("format mismatch: %v", err)
	}
	if k, err := Detect("x.json", otm); err != nil || k != KindOTM {
		t.Errorf("detect: %v %v", k, err)
	}
	if _, err := ParseFormat("visio"); err == nil {
		t.Error("ParseFormat accepted visio")
	}
	// A syntax error is located.
	if _, err := Import([]byte("{\n  \"otmVersion\": \n}"), Options{Name: "bad.json"}); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("syntax error: %v", err)
	}
}

func TestLimits(t *testing.T) {
	big := []byte(`{"otmVersion": "0.2.0", "components": [` + strings.Repeat(`{"id": "c", "name": "c"},`, 1000) + `{"id": "c"}]}`)
	_, err := Import(big, Options{Name: "big.json", Limits: yamlpos.Limits{MaxBytes: 1000, MaxDepth: 100, MaxNodes: 1000}})
	if err == nil {
		t.Error("limit not enforced")
	}
}
