package check

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/premarket/premarket/finding"
	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/threatmodel"
)

// baseSBOM is the SBOM S-1 of testdata/base.yaml, supplied in memory.
func baseSBOM() map[string]*sbom.Document {
	return map[string]*sbom.Document{"S-1": {Components: []*sbom.Component{
		{Ref: "fw", Name: "fw", Version: "1.0", Support: &sbom.Support{Level: sbom.SupportActive}},
		{Ref: "libx", Name: "libx", Version: "2.0"},
	}}}
}

// mut replaces old (which must occur exactly once in the base model) by
// new; an empty old appends new at the end. A line of the mutated model
// that contains "#!" is where the rule must fire.
type mut struct{ old, new string }

// ruleCase is one mutation of the base model and what it must do to one
// rule: fire at the marked line (pos), or not fire at all (neg). subject
// narrows both to findings about one subject; msg lists substrings the
// positive finding's message must contain.
type ruleCase struct {
	rule    string
	pos     bool
	muts    []mut
	subject string
	msg     []string
	noSBOM  bool // do not supply S-1 in memory (the file does not exist)
}

const (
	preLine   = `        exploitability: {level: low, cvss: "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}`
	postLine  = `        exploitability: {level: low, cvss: "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:H/I:H/A:H"}`
	accLine   = `      acceptance: {decision: accepted, basis: matrix, rationale: Cell A., approvedBy: Board, date: "2026-01-01"}`
	usbLine   = `      - {id: usb, type: usb, exposure: physical, enabledInProduction: true}`
	targets   = `    targets: [{component: pump}, {dataflow: DF-1}, {actor: clin}]`
	stride    = `    stride: [spoofing, tampering, repudiation, information-disclosure, denial-of-service, elevation-of-privilege]`
	mitLine   = `    mitigations: [{control: CTL-1}]`
	evLine    = `  - {id: EV-1, kind: penetration-test, title: Pen test, document: {id: RPT-1}, result: pass}`
	secLine   = `    security: {authentication: {mechanism: pin, algorithm: pin}}`
	noUpdLine = `    notUpdatable: [{component: pump, reason: Firmware is in mask ROM.}]`
	mphLine   = `  - {id: V-M, type: multi-patient-harm, title: MPH, notApplicable: {reason: One patient per pump.}}`
	catsLine  = `    fdaCategories: [A, B, C, D, E, F, G, H]`
	compsKey  = "components:\n  - id: pump"
	vulnSect  = "vulnerabilities:\n  - {id: CVE-2024-0001, component: {sbom: S-1, ref: fw@1.0}, "
)

// m is shorthand for a mutation.
func m(old, new string) mut { return mut{old, new} }

// mark appends the "#!" marker to a line of the base model.
func mark(line string) mut { return mut{line, line + " #!"} }

// mph is a multi-patient harm view with one scenario.
func mph(reach, containment, shared string) mut {
	return m(mphLine, `  - id: V-M
    type: multi-patient-harm
    title: MPH
    description: Many pumps.
    diagram: {path: mph.svg, format: svg}
    sharedElements: [`+shared+`]
    scenarios:
      - {id: SC-1, description: Attack on many pumps., path: [DF-1], reach: `+reach+`, threats: [T-1], containment: [`+containment+`]}`)
}

// updatePathMuts adds a signing HSM, a code-carrying flow DF-U from it to the pump
// and an update path UP-1 whose fields are given.
func updatePathMuts(path string, carries string) []mut {
	return []mut{
		m(usbLine, usbLine+"\n  - {id: hsm, name: HSM, kind: hsm, dfdType: process, boundary: TB-1, inScope: false, outOfScopeReason: Manufacturer HSM analysed separately.}"),
		m(secLine, secLine+"\n  - {id: DF-U, name: Update, from: {component: hsm}, to: {component: pump, interface: usb}, carries: [{asset: A-1, kind: "+carries+"}]}"),
		m(noUpdLine, "    paths:\n      - {id: UP-1, target: pump, "+path+"} #!"),
	}
}

func cat(ms ...[]mut) []mut {
	var out []mut
	for _, x := range ms {
		out = append(out, x...)
	}
	return out
}

var ruleCases = []ruleCase{
	{rule: threatmodel.RuleSchema, pos: true, muts: []mut{m("    kind: device\n    dfdType", "    kind: toaster #!\n    dfdType")}},
	{rule: threatmodel.RuleSchema, muts: []mut{m("    kind: device\n    dfdType", "    kind: device\n    x-colour: blue\n    dfdType")}},

	{rule: "TM-ID-001", pos: true, muts: []mut{m(evLine, evLine+"\n  - {id: CTL-1, kind: penetration-test, title: Again, document: {id: RPT-2}, result: pass} #!")}},
	{rule: "TM-ID-001", muts: []mut{m(evLine, evLine+"\n  - {id: EV-2, kind: penetration-test, title: Again, document: {id: RPT-2}, result: pass}")}},
	{rule: "TM-ID-002", pos: true, muts: []mut{m(mitLine, "    mitigations: [{control: CTL-9}] #!")}},
	{rule: "TM-ID-002"},
	{rule: "TM-ID-003", pos: true, muts: []mut{m(mitLine, "    mitigations: [{control: EV-1}] #!")}},
	{rule: "TM-ID-003"},
	{rule: "TM-ID-004", pos: true, muts: []mut{
		m(usbLine, usbLine+"\n  - {id: aux, name: Aux, kind: accessory, dfdType: process, boundary: TB-1, interfaces: [{id: ser, type: usb, exposure: physical, enabledInProduction: false, notes: Fused off at manufacture.}]}"),
		m("    to: {component: pump, interface: usb}", "    to: {component: pump, interface: ser} #!")}},
	{rule: "TM-ID-004", muts: []mut{
		m(usbLine, usbLine+"\n  - {id: aux, name: Aux, kind: accessory, dfdType: process, boundary: TB-1, interfaces: [{id: ser, type: usb, exposure: physical, enabledInProduction: false, notes: Fused off at manufacture.}]}"),
		m("    to: {component: pump, interface: usb}", "    to: {component: aux, interface: ser}")}},

	{rule: "TM-FLOW-001", pos: true, muts: []mut{m(targets, "    targets: [{component: pump}, {actor: clin}]"), mark("  - id: DF-1")}},
	{rule: "TM-FLOW-001", muts: []mut{m(targets, "    targets: [{component: pump}, {actor: clin}]"),
		m("evidence:\n", "  - {id: T-NA, title: Programming flow, stride: [tampering, information-disclosure, denial-of-service], targets: [{dataflow: DF-1}], status: not-applicable, notApplicableReason: The flow carries no data an attacker can use.}\nevidence:\n")}},
	{rule: "TM-FLOW-002", pos: true, muts: []mut{m(secLine+"\n", ""), mark("  - id: DF-1")}},
	{rule: "TM-FLOW-002", muts: []mut{m(secLine, "    security: {none: The port is inside the sealed case.}")}},
	{rule: "TM-STRIDE-001", pos: true, muts: []mut{m(stride, "    stride: [tampering, repudiation, information-disclosure, denial-of-service, elevation-of-privilege]"), mark("  - id: pump")}},
	{rule: "TM-STRIDE-001", muts: []mut{m(stride, "    stride: [tampering, repudiation, information-disclosure, denial-of-service, elevation-of-privilege]"),
		m("evidence:\n", "  - {id: T-NA, title: Spoofing, stride: [spoofing], targets: [{component: pump}, {actor: clin}], status: not-applicable, notApplicableReason: No identity is asserted over USB.}\nevidence:\n")}},
	{rule: "TM-IF-001", pos: true, muts: []mut{m(usbLine, usbLine+"\n      - {id: svc, type: usb, exposure: physical, enabledInProduction: true} #!")}},
	{rule: "TM-IF-001", muts: []mut{m(usbLine, usbLine+"\n      - {id: svc, type: usb, exposure: physical, enabledInProduction: true, notes: Service port used only by the factory tool.}")}},
	{rule: "TM-IF-002", pos: true, muts: []mut{m(usbLine, usbLine+"\n      - {id: dbg, type: jtag, exposure: physical, enabledInProduction: false} #!")}},
	{rule: "TM-IF-002", muts: []mut{m(usbLine, usbLine+"\n      - {id: dbg, type: jtag, exposure: physical, enabledInProduction: false, notes: Fused off at manufacture.}")}},

	{rule: "TM-CVSS-001", pos: true, muts: []mut{m(preLine, `        exploitability: {level: low, cvss: "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/RL:O/RL:O"} #!`)}, msg: []string{"duplicate metric RL"}},
	{rule: "TM-CVSS-001", muts: []mut{m(preLine, `        exploitability: {level: low, cvss: "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/RL:O"}`)}},
	// Stated level high, but AV:P/AC:L/PR:N/UI:N gives 8.22 x 0.2 x 0.77 x
	// 0.85 x 0.85 = 0.915, below the 2.0 bound of "low".
	{rule: "TM-CVSS-002", pos: true, muts: []mut{m(preLine, `        exploitability: {level: high, cvss: "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"} #!`)},
		msg: []string{"sub-score 0.915", `band "low"`, `stated level is "high"`}},
	// The v4.0 vector is banded with the v3.1 weights: AT:P counts as
	// AC:H, UI:A as UI:R, so 8.22 x 0.85 x 0.44 x 0.85 x 0.62 = 1.620 is
	// "low" although the level says "high".
	{rule: "TM-CVSS-002", pos: true, muts: []mut{m(preLine, `        exploitability: {level: high, cvss4: "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"} #!`)},
		msg: []string{"sub-score 1.620", "of cvss4", `band "low"`}},
	{rule: "TM-CVSS-002", pos: true, muts: []mut{m("  - {id: TA-1, name: Thief, access: physical}", "  - {id: TA-1, name: Thief, access: network}"),
		m("    entryPoints: [usb]", "    entryPoints: [usb, net]"),
		m(usbLine, usbLine+"\n      - {id: net, type: wifi, exposure: network, enabledInProduction: true, notes: Used by the companion app.}"),
		m(preLine, `        exploitability: {level: low, cvss: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"} #!`)},
		msg: []string{"sub-score 3.887", `band "high"`, `stated level is "low"`}},
	{rule: "TM-CVSS-002", muts: []mut{m(preLine, `        exploitability: {level: high, cvss: "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", rationale: The pump is used unattended in public places.}`)}},
	{rule: "TM-CVSS-003", pos: true, muts: []mut{m(preLine, "        exploitability: {level: low} #!")}},
	{rule: "TM-CVSS-003", muts: []mut{m(preLine, "        exploitability: {level: low, rationale: Physical access to a sealed case is needed.}")}},
	{rule: "TM-CVSS-004", pos: true, muts: []mut{m(preLine, `        exploitability: {level: high, cvss: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"} #!`)}},
	{rule: "TM-CVSS-004"},
	{rule: "TM-CVSS-005", pos: true, muts: []mut{m("    entryPoints: [usb]", "    entryPoints: [usb, net]"),
		m(usbLine, usbLine+"\n      - {id: net, type: wifi, exposure: network, enabledInProduction: true, notes: Used by the companion app.}"), mark(preLine)}},
	{rule: "TM-CVSS-005", muts: []mut{m("    entryPoints: [usb]", "    entryPoints: [usb, net]"),
		m(usbLine, usbLine+"\n      - {id: net, type: wifi, exposure: network, enabledInProduction: true, notes: Used by the companion app.}"),
		m(preLine, `        exploitability: {level: low, cvss: "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", rationale: The radio cannot reach therapy functions.}`),
		m(postLine, `        exploitability: {level: low, cvss: "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:H/I:H/A:H", rationale: The radio cannot reach therapy functions.}`)}},
	{rule: "TM-CVSS-006", pos: true, muts: []mut{m(preLine, `        exploitability: {level: low, cvss: "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P"} #!`)}, msg: []string{"E:P"}},
	{rule: "TM-CVSS-006", muts: []mut{m(postLine, `        exploitability: {level: low, cvss: "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:H/I:H/A:H/E:P"}`)}},
	{rule: "TM-CVSS-007", pos: true, muts: []mut{m("  - {id: TA-1, name: Thief, access: physical}", "  - {id: TA-1, name: Thief, access: local}"), mark(preLine)}},
	{rule: "TM-CVSS-007", muts: []mut{m("  - {id: TA-1, name: Thief, access: physical}", "  - {id: TA-1, name: Thief, access: supply-chain}")}},

	{rule: "TM-RISK-001", pos: true, muts: []mut{m("      bands: [{level: low, below: 2.0}, {level: high}]", "      bands: [{level: high, below: 2.0}, {level: low}] #!")}},
	{rule: "TM-RISK-001"},
	{rule: "TM-RISK-002", pos: true, muts: []mut{m("        safety: {severity: minor, hazardRef: HAZ-1}", "        safety: {severity: minor, hazardRef: HAZ-1}\n        evaluation: R #!")}},
	{rule: "TM-RISK-002", muts: []mut{m("        safety: {severity: minor, hazardRef: HAZ-1}", "        safety: {severity: minor, hazardRef: HAZ-1}\n        evaluation: A")}},
	{rule: "TM-RISK-003", pos: true, muts: []mut{m("serious: [A, R]", "serious: [U, R]"), m("        safety: {severity: minor, hazardRef: HAZ-1}", "        safety: {severity: serious, hazardRef: HAZ-1}"), mark("      post:")}},
	{rule: "TM-RISK-003", muts: []mut{m("serious: [A, R]", "serious: [U, R]"), m("        safety: {severity: minor, hazardRef: HAZ-1}", "        safety: {severity: serious, hazardRef: HAZ-1}"),
		m("    status: mitigated\n", "    status: open\n"), m(accLine, `      acceptance: {decision: not-accepted, basis: matrix, rationale: Needs more controls., approvedBy: Board, date: "2026-01-01"}`)}},
	{rule: "TM-RISK-004", pos: true, muts: []mut{m("minor: [A, A]", "minor: [R, A]"), mark(accLine)}},
	{rule: "TM-RISK-004", muts: []mut{m("minor: [A, A]", "minor: [R, A]"), m(accLine, `      acceptance: {decision: accepted, basis: benefit-risk, rationale: Therapy outweighs the residual risk., approvedBy: Board, date: "2026-01-01"}`)}},
	{rule: "TM-RISK-005", pos: true, muts: []mut{m(accLine, `      acceptance: {decision: not-accepted, basis: matrix, rationale: Needs more controls., approvedBy: Board, date: "2026-01-01"} #!`)}},
	{rule: "TM-RISK-005", muts: []mut{m("    status: mitigated\n", "    status: open\n"), m(accLine, `      acceptance: {decision: not-accepted, basis: matrix, rationale: Needs more controls., approvedBy: Board, date: "2026-01-01"}`)}},
	{rule: "TM-RISK-006", pos: true, muts: []mut{m(postLine, preLine), m("        safety: {severity: minor, hazardRef: HAZ-1}", "        safety: {severity: serious, hazardRef: HAZ-1}"), mark("      post:")}},
	{rule: "TM-RISK-006", muts: []mut{m("        safety: {severity: minor, hazardRef: HAZ-1}", "        safety: {severity: serious, hazardRef: HAZ-1}")}}, // the sub-score drops
	{rule: "TM-RISK-007", pos: true, muts: []mut{m(preLine, "        exploitability: {level: unassessed} #!")}},
	{rule: "TM-RISK-007", muts: []mut{m(preLine, "        exploitability: {level: unassessed}"), m("    status: mitigated\n", "    status: mitigated\n    origin: imported\n")}},
	{rule: "TM-SAFETY-001", pos: true, muts: []mut{m("        safety: {severity: serious, hazardRef: HAZ-1}", "        safety: {severity: serious, hazardRef: TBD}"), mark("      pre:")}},
	{rule: "TM-SAFETY-001", muts: []mut{m("        safety: {severity: serious, hazardRef: HAZ-1}", "        safety: {severity: serious, hazardRef: TBD}"), m(stride, "    stride: [spoofing, repudiation, information-disclosure]")}},
	{rule: "TM-SAFETY-002", pos: true, muts: []mut{
		m("  safetySeverity:", "  securityImpact: {levels: [limited, severe]}\n  safetySeverity:"),
		m("  acceptance: {safety: {minor: [A, A], serious: [A, R]}}", "  acceptance: {safety: {minor: [A, A], serious: [A, R]}, security: {limited: [A, A], severe: [A, R]}}"),
		m(postLine+"\n        safety: {severity: minor, hazardRef: HAZ-1}", `        exploitability: {level: low, cvss: "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:H/I:H/A:H", cvss4: "CVSS:4.0/AV:P/AC:H/AT:N/PR:H/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSI:S"} #!`+"\n        securityImpact: limited")}},
	{rule: "TM-SAFETY-002", muts: []mut{
		m("  safetySeverity:", "  securityImpact: {levels: [limited, severe]}\n  safetySeverity:"),
		m("  acceptance: {safety: {minor: [A, A], serious: [A, R]}}", "  acceptance: {safety: {minor: [A, A], serious: [A, R]}, security: {limited: [A, A], severe: [A, R]}}"),
		m(postLine+"\n        safety: {severity: minor, hazardRef: HAZ-1}", `        exploitability: {level: low, cvss: "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:H/I:H/A:H", cvss4: "CVSS:4.0/AV:P/AC:H/AT:N/PR:H/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}`+"\n        securityImpact: limited")}},

	{rule: "TM-CTL-001", pos: true, muts: []mut{m("    status: verified\n    verifiedBy: [EV-1]", "    status: planned"), mark(mitLine)}},
	{rule: "TM-CTL-001", muts: []mut{m("    status: verified\n    verifiedBy: [EV-1]", "    status: implemented")}},
	{rule: "TM-CTL-002", pos: true, muts: []mut{m("result: pass}", "result: fail}"), mark("    verifiedBy: [EV-1]")}},
	{rule: "TM-CTL-002", muts: []mut{m("result: pass}", "result: fail}"), m("    status: verified\n    verifiedBy: [EV-1]", "    status: implemented")}},
	{rule: "TM-CTL-003", pos: true, muts: []mut{m(mitLine+"\n", ""), mark("    status: mitigated")}},
	{rule: "TM-CTL-003"},
	{rule: "TM-FDA-001", pos: true, subject: "H", muts: []mut{m(catsLine, "    fdaCategories: [A, B, C, D, E, F, G]"), mark("  id: base")}},
	{rule: "TM-FDA-001", subject: "H", muts: []mut{m(catsLine, "    fdaCategories: [A, B, C, D, E, F, G]"), m("  controlCategoryNotes: {}", "  controlCategoryNotes: {H: No cloud or remote service exists.}")}},
	{rule: "TM-FDA-002", pos: true, muts: []mut{m(catsLine, catsLine+"\n    recommendations: [AUTH-99] #!")}},
	{rule: "TM-FDA-002", muts: []mut{m(catsLine, catsLine+"\n    recommendations: [AUTH-1]")}},
	{rule: "TM-FDA-003", pos: true, subject: "AUTH-1", muts: []mut{mark("  id: base")}},
	{rule: "TM-FDA-003", subject: "AUTH-1", muts: []mut{m(catsLine, catsLine+"\n    recommendations: [AUTH-1]")}},

	{rule: "TM-VIEW-001", pos: true, muts: []mut{m(mphLine+"\n", ""), mark("views:")}},
	{rule: "TM-VIEW-001"},
	{rule: "TM-VIEW-002", pos: true, muts: []mut{m("    status: mitigated\n", "    status: mitigated\n    multiPatient: true #!\n")}},
	{rule: "TM-VIEW-002", muts: []mut{m("    status: mitigated\n", "    status: mitigated\n    multiPatient: true\n"), mph("single", "CTL-1", "pump")}},
	{rule: "TM-VIEW-003", pos: true, muts: []mut{mph("fleet", "", "pump"), m("containment: []}", "containment: []} #!")}},
	{rule: "TM-VIEW-003", muts: []mut{mph("fleet", "CTL-1", "pump")}},
	{rule: "TM-VIEW-004", pos: true, muts: []mut{mph("fleet", "CTL-1", "pump"), m(usbLine, usbLine+"\n  - {id: cloud, name: Cloud, kind: cloud-service, dfdType: process, boundary: TB-1, inScope: true} #!")}},
	{rule: "TM-VIEW-004", muts: []mut{mph("fleet", "CTL-1", "pump, cloud"), m(usbLine, usbLine+"\n  - {id: cloud, name: Cloud, kind: cloud-service, dfdType: process, boundary: TB-1, inScope: true}")}},
	{rule: "TM-VIEW-005", pos: true, muts: []mut{m(usbLine, usbLine+"\n  - {id: aux, name: Aux, kind: accessory, dfdType: process, boundary: TB-1, software: [{sbom: S-1, ref: fw@1.0}]} #!")}},
	{rule: "TM-VIEW-005", muts: []mut{m(usbLine, usbLine+"\n  - {id: aux, name: Aux, kind: accessory, dfdType: process, boundary: TB-1, software: [{sbom: S-1, ref: fw@1.0}]}"),
		m(noUpdLine, "    notUpdatable: [{component: pump, reason: Firmware is in mask ROM.}, {component: aux, reason: Firmware is in mask ROM.}]")}},
	{rule: "TM-VIEW-006", pos: true, muts: updatePathMuts("source: hsm, steps: [DF-U], rollbackProtection: [CTL-1]", "code")},
	{rule: "TM-VIEW-006", muts: updatePathMuts("source: hsm, steps: [DF-U], authenticity: [CTL-1], rollbackProtection: [CTL-1]", "code")},
	{rule: "TM-VIEW-007", pos: true, muts: []mut{m(usbLine, usbLine+"\n  - {id: cloud, name: Cloud, kind: cloud-service, dfdType: process, boundary: TB-1}"),
		m(noUpdLine, noUpdLine+"\n    paths:\n      - {id: UP-2, target: cloud, thirdPartyPath: The CI/CD pipeline deploys it.} #!")}},
	{rule: "TM-VIEW-007", muts: []mut{m(usbLine, usbLine+"\n  - {id: cloud, name: Cloud, kind: cloud-service, dfdType: process, boundary: TB-1}"),
		m(noUpdLine, noUpdLine+"\n    paths:\n      - {id: UP-2, target: cloud, thirdPartyPath: The CI/CD pipeline deploys it., pipelineControls: [CTL-1]}")}},
	{rule: "TM-VIEW-008", pos: true, muts: updatePathMuts("source: hsm, steps: [DF-U], authenticity: [CTL-1], rollbackProtection: [CTL-1]", "data")},
	{rule: "TM-VIEW-008", muts: updatePathMuts("source: hsm, steps: [DF-U], authenticity: [CTL-1], rollbackProtection: [CTL-1]", "code")},
	{rule: "TM-VIEW-009", pos: true, muts: updatePathMuts("source: pump, steps: [DF-U], authenticity: [CTL-1], rollbackProtection: [CTL-1]", "code")},
	{rule: "TM-VIEW-009", muts: updatePathMuts("steps: [DF-U], authenticity: [CTL-1], rollbackProtection: [CTL-1]", "code")},
	{rule: "TM-VIEW-010", pos: true, muts: updatePathMuts("source: hsm, steps: [DF-U], authenticity: [CTL-1]", "code")},
	{rule: "TM-VIEW-010", muts: updatePathMuts("source: hsm, steps: [DF-U], authenticity: [CTL-1], rollbackProtection: [CTL-1]", "code")},
	{rule: "TM-VIEW-011", pos: true, muts: []mut{m("    - {id: CF-1, name: Bolus, safetyCritical: false}", "    - {id: CF-1, name: Bolus, safetyCritical: false}\n    - {id: CF-2, name: Basal, safetyCritical: true} #!")}},
	{rule: "TM-VIEW-011", muts: []mut{m("    - {id: CF-1, name: Bolus, safetyCritical: false}", "    - {id: CF-1, name: Bolus, safetyCritical: true}")}},
	{rule: "TM-VIEW-012", pos: true, muts: []mut{
		m(usbLine, usbLine+"\n  - {id: x1, name: X1, kind: accessory, dfdType: process, boundary: TB-1}\n  - {id: x2, name: X2, kind: accessory, dfdType: process, boundary: TB-1}"),
		m(secLine, secLine+"\n  - {id: DF-2, name: Other, from: {component: x1}, to: {component: x2}, carries: [{asset: A-1, kind: data}]}"),
		m("    sequence: [DF-1]", "    sequence: [DF-1, DF-2] #!")}},
	{rule: "TM-VIEW-012", muts: []mut{
		m(usbLine, usbLine+"\n  - {id: x1, name: X1, kind: accessory, dfdType: process, boundary: TB-1}"),
		m(secLine, secLine+"\n  - {id: DF-2, name: Other, from: {component: pump}, to: {component: x1}, carries: [{asset: A-1, kind: data}]}"),
		m("    sequence: [DF-1]", "    sequence: [DF-1, DF-2]")}},
	{rule: "TM-VIEW-013", pos: true, muts: []mut{m("    additionalStates: [transition, update]\n", ""), mark("    operationalState: power-on")}},
	{rule: "TM-VIEW-013", muts: []mut{m("    additionalStates: [transition, update]", "    additionalStates: [update, transition, standby]")}},
	{rule: "TM-VIEW-014", pos: true, muts: []mut{m(`    scope: {components: ["*"], dataflows: ["*"]}`, `    scope: {components: ["*"], dataflows: []} #!`)}},
	{rule: "TM-VIEW-014", muts: []mut{m(`    scope: {components: ["*"], dataflows: ["*"]}`, `    scope: {components: [pump], dataflows: [DF-1]}`)}},
	{rule: "TM-VIEW-015", pos: true, muts: []mut{m(usbLine, usbLine+"\n      - {id: net, type: wifi, exposure: network, enabledInProduction: true, notes: Used by the companion app.}"), m(compsKey, "components: #!\n  - id: pump")}},
	{rule: "TM-VIEW-015"},
	{rule: "TM-VIEW-016", pos: true, muts: []mut{m("    diagram: {path: global.svg, format: svg}\n", ""), mark("  - id: V-G")}},
	{rule: "TM-VIEW-016"},

	{rule: "TM-VULN-001", pos: true, muts: []mut{m("", vulnSect+"status: not_affected, justification: component_not_present, assessedIn: [T-1]} #!\n")}},
	{rule: "TM-VULN-001", muts: []mut{m("", vulnSect+"status: not_affected, justification: component_not_present, assessedIn: [T-1]}\n"), m(mitLine, mitLine+"\n    vulnerabilities: [CVE-2024-0001]")}},
	{rule: "TM-VULN-002", pos: true, muts: []mut{m("", vulnSect+"status: affected, remediation: {plan: Patch it.}, assessedIn: [T-1]} #!\n"), m(mitLine, mitLine+"\n    vulnerabilities: [CVE-2024-0001]")}},
	{rule: "TM-VULN-002", muts: []mut{m("", vulnSect+"status: affected, remediation: {plan: Patch it., targetRelease: \"2.0\"}, assessedIn: [T-1]}\n"), m(mitLine, mitLine+"\n    vulnerabilities: [CVE-2024-0001]")}},
	{rule: "TM-VULN-003", pos: true, muts: []mut{m("", vulnSect+"kev: true, status: affected, remediation: {plan: Patch it., targetRelease: \"2.0\"}, assessedIn: [T-1]} #!\n"), m(mitLine, mitLine+"\n    vulnerabilities: [CVE-2024-0001]")}},
	{rule: "TM-VULN-003", muts: []mut{m("", vulnSect+"kev: true, status: fixed, assessedIn: [T-1]}\n"), m(mitLine, mitLine+"\n    vulnerabilities: [CVE-2024-0001]")}},
	{rule: "TM-VULN-004", pos: true, muts: []mut{m("    status: mitigated\n", "    status: mitigated\n    origin: known-vulnerability #!\n")}},
	{rule: "TM-VULN-004", muts: []mut{m("    status: mitigated\n", "    status: mitigated\n    origin: known-vulnerability\n    vulnerabilities: [CVE-2024-0001]\n"),
		m("", vulnSect+"status: fixed, assessedIn: [T-1]}\n")}},

	{rule: "TM-SBOM-001", pos: true, muts: []mut{m("    software: [{sbom: S-1, ref: fw@1.0}]", "    software: [{sbom: S-1, ref: fw@9.9}] #!")}},
	{rule: "TM-SBOM-001", muts: []mut{m("    software: [{sbom: S-1, ref: fw@1.0}]", "    software: [{sbom: S-1, ref: fw}]")}},
	{rule: "TM-SBOM-002", pos: true, noSBOM: true, muts: []mut{mark("  - {id: S-1, format: cyclonedx, path: sbom.cdx.json}")}},
	{rule: "TM-SBOM-002"},
	{rule: "TM-SBOM-003", pos: true, muts: []mut{m("    software: [{sbom: S-1, ref: fw@1.0}]", "    software: [{sbom: S-1, ref: libx@2.0}] #!")}},
	{rule: "TM-SBOM-003"},

	{rule: "TM-HYG-001", pos: true, muts: []mut{m("  - {id: A-1, name: Dose, kind: data, safetyRelevant: true}", "  - {id: A-1, name: Dose, kind: data, safetyRelevant: true}\n  - {id: A-2, name: Log, kind: data, safetyRelevant: false} #!")}},
	{rule: "TM-HYG-001", muts: []mut{m("  - {id: A-1, name: Dose, kind: data, safetyRelevant: true}", "  - {id: A-1, name: Dose, kind: data, safetyRelevant: true}\n  - {id: A-2, name: Log, kind: data, safetyRelevant: false}"),
		m("    assets: [A-1]\n    status", "    assets: [A-1, A-2]\n    status")}},
	{rule: "TM-HYG-002", pos: true, muts: []mut{m("  methodologyRationale: STRIDE per element over the data flow diagram.", "  methodologyRationale: TBD #!")}},
	{rule: "TM-HYG-002"},
	{rule: "TM-HYG-003", pos: true, muts: []mut{m("{id: AS-1, text: The clinician is trained., appliesTo: [clin]}", "{id: AS-1, text: The clinician is trained.} #!")}},
	{rule: "TM-HYG-003", muts: []mut{m("{id: AS-1, text: The clinician is trained., appliesTo: [clin]}", "{id: AS-1, text: The clinician is trained.}"), m("    assets: [A-1]\n    status", "    assets: [A-1]\n    assumptions: [AS-1]\n    status")}},
	{rule: "TM-HYG-004", pos: true, muts: []mut{m("  status: draft", "  status: approved #!")}},
	{rule: "TM-HYG-004", muts: []mut{m("  status: draft", "  status: approved\n  reviewers: [{name: QA lead}]")}},
	{rule: "TM-HYG-005", pos: true, muts: []mut{m("    dfdType: process\n    boundary: TB-1", "    dfdType: process\n    inScope: false\n    outOfScopeReason: Covered by the pump's own file.\n    boundary: TB-1"), mark("  - id: DF-1")}},
	{rule: "TM-HYG-005", muts: []mut{m("    dfdType: process\n    boundary: TB-1", "    dfdType: process\n    inScope: true\n    boundary: TB-1")}},
}

// TestEachRule runs every case against testdata/base.yaml under the
// submission profile. A positive case must make its rule fire at the
// marked line (and only with the expected message text); a negative case,
// usually the nearest variant that is correct, must not make it fire.
// Every rule of Rules() has at least one case of each kind.
func TestEachRule(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("testdata", "base.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	posCases, negCases := map[string]int{}, map[string]int{}
	for i, c := range ruleCases {
		kind := "neg"
		if c.pos {
			kind = "pos"
			posCases[c.rule]++
		} else {
			negCases[c.rule]++
		}
		t.Run(c.rule+"/"+kind+"/"+itoa(i), func(t *testing.T) {
			src := string(base)
			for _, mu := range c.muts {
				if mu.old == "" {
					src += mu.new
					continue
				}
				if n := strings.Count(src, mu.old); n != 1 {
					t.Fatalf("mutation target occurs %d times: %q", n, mu.old)
				}
				src = strings.Replace(src, mu.old, mu.new, 1)
			}
			line := 0
			for n, l := range strings.Split(src, "\n") {
				if strings.Contains(l, "#!") {
					line = n + 1
				}
			}
			if c.pos && line == 0 {
				t.Fatal("positive case without a #! marker")
			}
			dir := t.TempDir()
			m, fs, err := threatmodel.LoadBytes(filepath.Join(dir, "tm.yaml"), []byte(src), threatmodel.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if m != nil {
				opts := Options{Profile: ProfileSubmission, SBOMs: baseSBOM()}
				if c.noSBOM {
					opts.SBOMs = nil
				}
				fs = Run(m, opts)
			} else if c.rule != threatmodel.RuleSchema {
				t.Fatalf("mutation is not schema-valid: %v", fs)
			}
			var hits []finding.Finding
			for _, f := range fs {
				if f.RuleID == c.rule && (c.subject == "" || f.Subject == c.subject) {
					hits = append(hits, f)
				}
			}
			if !c.pos {
				for _, f := range hits {
					t.Errorf("fired: %s: %s", f.Location, f.Message)
				}
				return
			}
			for _, f := range hits {
				if f.Location.Line != line {
					continue
				}
				for _, s := range c.msg {
					if !strings.Contains(f.Message, s) {
						t.Errorf("message %q lacks %q", f.Message, s)
					}
				}
				return
			}
			t.Errorf("did not fire at line %d; fired at %v; all findings:", line, hits)
			for _, f := range fs {
				t.Logf("  %s %s: %s", f.Location, f.RuleID, f.Message)
			}
		})
	}
	for _, r := range Rules() {
		if posCases[r.ID] == 0 || negCases[r.ID] == 0 {
			t.Errorf("rule %s has %d positive and %d negative cases; want at least one of each", r.ID, posCases[r.ID], negCases[r.ID])
		}
	}
}

// TestBaseClean: the base model has no finding but the informational
// TM-FDA-003, so each case's mutation is what makes a rule fire.
func TestBaseClean(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "base.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	m, fs, err := threatmodel.LoadBytes(filepath.Join(t.TempDir(), "tm.yaml"), data, threatmodel.LoadOptions{})
	if err != nil || len(fs) > 0 {
		t.Fatalf("%v %v", err, fs)
	}
	for _, f := range Run(m, Options{Profile: ProfileSubmission, SBOMs: baseSBOM()}) {
		if f.RuleID != "TM-FDA-003" {
			t.Errorf("%s %s: %s", f.Location, f.RuleID, f.Message)
		}
	}
}

// TestImportPlaceholderCategoriesDoNotCover: a control whose fdaCategories
// the importer filled as a placeholder covers nothing, so TM-FDA-001 still
// reports the category.
func TestImportPlaceholderCategoriesDoNotCover(t *testing.T) {
	k := &threatmodel.Control{ID: "CTL-X", FDACategories: []string{"D"},
		X: threatmodel.Extensions{importPlaceholders: []any{"kind", "fdaCategories"}}}
	if got := categories(k); got != nil {
		t.Fatalf("placeholder categories counted: %v", got)
	}
	k.X = threatmodel.Extensions{importPlaceholders: []any{"kind"}}
	if got := categories(k); len(got) != 1 || got[0] != "D" {
		t.Fatalf("real categories lost: %v", got)
	}
}
