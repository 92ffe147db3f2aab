package check

import (
	"sort"

	"github.com/premarket/premarket/finding"
	"github.com/premarket/premarket/threatmodel"
)

// rule is one check's metadata. Submission is the severity under the
// submission profile when it differs from the default.
type rule struct {
	finding.Rule
	Submission *finding.Severity
}

func sev(s finding.Severity) *finding.Severity { return &s }

var rules = []rule{
	{Rule: finding.Rule{ID: threatmodel.RuleSchema, Severity: finding.Error, Catalog: "DOC-02", Title: "Model does not follow the DTM schema",
		Help: "Reported by the loader: a type, enum, required field, unknown key (custom keys must start with x-) or conditional requirement of schemas/threatmodel.schema.json is violated. Semantic checks run only on schema-valid models."}},
	{Rule: finding.Rule{ID: "TM-ID-001", Severity: finding.Error, Catalog: "DOC-02", Title: "Duplicate ID",
		Help: "Element IDs share one namespace per model (assumptions, actors, threat actors, assets, boundaries, components, interfaces, flows, views, controls, threats, evidence, SBOMs, vulnerabilities). Nested IDs (clinical functions, scenarios, update paths, severity levels) must be unique within their own list. Rename one of the elements."}},
	{Rule: finding.Rule{ID: "TM-ID-002", Severity: finding.Error, Catalog: "DOC-02", Title: "Reference does not resolve",
		Help: "A field names an ID that no element of the model defines. Fix the spelling or add the element."}},
	{Rule: finding.Rule{ID: "TM-ID-003", Severity: finding.Error, Catalog: "DOC-02", Title: "Reference names the wrong kind of element",
		Help: "A field that needs, e.g., a control names an evidence record. Point it at an element of the right kind."}},
	{Rule: finding.Rule{ID: "TM-ID-004", Severity: finding.Error, Catalog: "A2-1", Title: "Flow names an interface of another component",
		Help: "A data-flow endpoint {component, interface} must name an interface declared under that component."}},
	{Rule: finding.Rule{ID: "TM-FLOW-001", Severity: finding.Error, Catalog: "§V.A.1", Title: "Boundary-crossing flow has no threat",
		Help: "A flow whose endpoints sit in different trust boundaries (an actor sits outside every boundary) must be the target of at least one threat. A not-applicable record with a reason counts, because it records that the crossing was analysed."}},
	{Rule: finding.Rule{ID: "TM-FLOW-002", Severity: finding.Warning, Catalog: "A2-9", Title: "Boundary-crossing flow has no security description",
		Help: "App. 2 asks for the authentication, integrity and encryption of each path. Give security.authentication/integrity/encryption, or security.none with the reason the flow is unprotected."}},
	{Rule: finding.Rule{ID: "TM-STRIDE-001", Severity: finding.Warning, Catalog: "§V.A.1", Title: "STRIDE-per-element category not analysed",
		Help: "STRIDE per element (Threat Dragon's table): process S,T,R,I,D,E; datastore T,R,I,D; external entity S,R; flow T,I,D. Actors that are flow endpoints count as external entities. A threat with several targets and categories covers every (target, category) pair; an interface target covers its component. Add a threat or a not-applicable record with a reason. Error under the submission profile."},
		Submission: sev(finding.Error)},
	{Rule: finding.Rule{ID: "TM-IF-001", Severity: finding.Warning, Catalog: "A2-4", Title: "Enabled interface is not used by any flow",
		Help: "An interface enabled in production that no flow uses is unexplained attack surface. Add the flow, disable the interface, or say why it is there in notes. Error under the submission profile."},
		Submission: sev(finding.Error)},
	{Rule: finding.Rule{ID: "TM-IF-002", Severity: finding.Error, Catalog: "A2-4", Title: "Disabled interface without an explanation",
		Help: "App. 2 asks for assurance that dormant or debug interfaces cannot be re-enabled. Give notes saying how the interface is disabled and why it cannot be re-enabled."}},
	{Rule: finding.Rule{ID: "TM-CVSS-001", Severity: finding.Error, Catalog: "§V.A.2", Title: "CVSS vector is not valid",
		Help: "The vector must be a complete CVSS v3.1 (cvss) or v4.0 (cvss4) vector: base metrics in order, known metrics and values, no duplicates."}},
	{Rule: finding.Rule{ID: "TM-CVSS-002", Severity: finding.Error, Catalog: "§V.A.2", Title: "Exploitability level disagrees with the CVSS band",
		Help: "The unrounded v3.1 exploitability sub-score (8.22 x AV x AC x PR x UI) of the vector, mapped through riskMethod.exploitability.derivation.bands, must give the stated level. Fix the level or the vector, or give exploitability.rationale explaining the difference."}},
	{Rule: finding.Rule{ID: "TM-CVSS-003", Severity: finding.Error, Catalog: "§V.A.2", Title: "Stated exploitability level without vector or rationale",
		Help: "Under the cvss-exploitability-bands method a level needs a CVSS vector or a rationale saying why CVSS does not fit (e.g. repudiation)."}},
	{Rule: finding.Rule{ID: "TM-CVSS-004", Severity: finding.Error, Catalog: "§V.A.2", Title: "Attack vector more remote than every entry point",
		Help: "The vector claims, e.g., AV:N while every entry point is adjacent or physical: the model has no such path. Lower AV or add the entry point."}},
	{Rule: finding.Rule{ID: "TM-CVSS-005", Severity: finding.Warning, Catalog: "§V.A.2", Title: "Attack vector less remote than the most exposed entry point",
		Help: "The vector may under-score: an entry point is more exposed than AV says. Raise AV or give a rationale."}},
	{Rule: finding.Rule{ID: "TM-CVSS-006", Severity: finding.Error, Catalog: "§V.A.2", Title: "Temporal or threat metrics in a worst-case pre-mitigation vector",
		Help: "Under premarketPolicy worst-case, pre-mitigation vectors leave E, RL, RC (v3.1) and E (v4.0) unset: exploit maturity and remediation do not apply to unreleased software."}},
	{Rule: finding.Rule{ID: "TM-CVSS-007", Severity: finding.Warning, Catalog: "§V.A.2", Title: "Threat actor access disagrees with the attack vector",
		Help: "A threat actor's access (network, adjacent, local, physical) should match the AV of the threat's vectors. supply-chain and insider access are not compared."}},
	{Rule: finding.Rule{ID: "TM-RISK-001", Severity: finding.Error, Catalog: "§V.A.2", Title: "Risk method is inconsistent",
		Help: "Bands must name declared levels in ascending order with only the last one unbounded; each acceptance-matrix row must name a declared severity or impact level and have one cell per exploitability level; every severity level needs a row."}},
	{Rule: finding.Rule{ID: "TM-RISK-002", Severity: finding.Error, Catalog: "§V.A.2", Title: "Risk point uses an undeclared level or disagrees with the matrix",
		Help: "Exploitability, severity and impact levels must come from riskMethod; a stated evaluation must equal the matrix cell."}},
	{Rule: finding.Rule{ID: "TM-RISK-003", Severity: finding.Error, Catalog: "§V.A.2", Title: "Unacceptable residual risk",
		Help: "The post-mitigation cell is U. Add or strengthen controls, or keep the threat open."}},
	{Rule: finding.Rule{ID: "TM-RISK-004", Severity: finding.Error, Catalog: "§V.A.2", Title: "Residual risk R without benefit-risk acceptance",
		Help: "A post-mitigation R cell needs risk.acceptance with basis benefit-risk, a rationale, the approver and the date (TIR57 §6.5 / SW96 §7.4)."}},
	{Rule: finding.Rule{ID: "TM-RISK-005", Severity: finding.Error, Catalog: "§V.A.2", Title: "Threat status and acceptance disagree",
		Help: "A threat that is mitigated, accepted, transferred or avoided must have an acceptance decision 'accepted'; a not-accepted risk keeps the threat open."}},
	{Rule: finding.Rule{ID: "TM-RISK-006", Severity: finding.Warning, Catalog: "DOC-01", Title: "Mitigation shows no measurable risk reduction",
		Help: "The post-mitigation point is not lower than the pre-mitigation point on either axis although controls are credited. Check the pre point (worst case, no controls) and the post point (as verified)."}},
	{Rule: finding.Rule{ID: "TM-RISK-007", Severity: finding.Error, Catalog: "§V.A.2", Title: "Unassessed exploitability outside an import",
		Help: "The level 'unassessed' is allowed only on threats with origin imported; assess the threat."}},
	{Rule: finding.Rule{ID: "TM-SAFETY-001", Severity: finding.Error, Catalog: "§V.A.2", Title: "Safety-relevant threat without hazard link",
		Help: "A threat that harms a safety-relevant asset (listed in assets or as an asset target) through tampering, denial of service or elevation of privilege needs a safety block with hazardRef at both pre and post, so the 14971 file can be reconciled."}},
	{Rule: finding.Rule{ID: "TM-SAFETY-002", Severity: finding.Error, Catalog: "§V.A.2", Title: "CVSS v4.0 safety metrics without a safety block",
		Help: "MSI:S, MSA:S or S:P in a v4.0 vector says the impact reaches safety; the risk point must then use safety (with severity and hazardRef), not securityImpact."}},
	{Rule: finding.Rule{ID: "TM-CTL-001", Severity: finding.Error, Catalog: "DOC-11", Title: "Mitigated threat relies on a control that is not implemented",
		Help: "Every control of a mitigated threat must be implemented or verified (FDA asks to show each control was implemented and tested)."}},
	{Rule: finding.Rule{ID: "TM-CTL-002", Severity: finding.Error, Catalog: "DOC-16", Title: "Control verified by failing evidence",
		Help: "A verified control cites evidence whose result is fail. Fix the control and re-test, or set its status to implemented."}},
	{Rule: finding.Rule{ID: "TM-CTL-003", Severity: finding.Error, Catalog: "DOC-11", Title: "Mitigated threat names no control",
		Help: "Status mitigated needs at least one mitigation entry."}},
	{Rule: finding.Rule{ID: "TM-FDA-001", Severity: finding.Error, Catalog: "App. 1", Title: "Appendix 1 category not covered or explained",
		Help: "Each Appendix 1 category A-H needs at least one control, or an entry in model.controlCategoryNotes explaining the gap (DOC-11)."}},
	{Rule: finding.Rule{ID: "TM-FDA-002", Severity: finding.Error, Catalog: "App. 1", Title: "Unknown or mis-categorised Appendix 1 recommendation",
		Help: "controls[].recommendations must be catalog IDs (AUTH-1 ... UPD-7) whose category is among the control's fdaCategories."}},
	{Rule: finding.Rule{ID: "TM-FDA-003", Severity: finding.Info, Catalog: "App. 1", Title: "Appendix 1 recommendation not addressed",
		Help: "No control cites the recommendation and model.recommendationNotes does not explain it. Informational: a coverage report per recommendation ID."}},
	{Rule: finding.Rule{ID: "TM-VIEW-001", Severity: finding.Error, Catalog: "DOC-19", Title: "Architecture view missing",
		Help: "All four FDA views (global system, multi-patient harm, updatability/patchability, security use case) must be present or carry notApplicable.reason."}},
	{Rule: finding.Rule{ID: "TM-VIEW-002", Severity: finding.Error, Catalog: "DOC-13", Title: "Multi-patient threat not in a scenario",
		Help: "A threat with multiPatient: true must appear in a multi-patient harm scenario."}},
	{Rule: finding.Rule{ID: "TM-VIEW-003", Severity: finding.Error, Catalog: "DOC-13", Title: "Fleet-wide scenario without containment",
		Help: "A scenario with reach fleet needs at least one containment control in category B, C or D."}},
	{Rule: finding.Rule{ID: "TM-VIEW-004", Severity: finding.Warning, Catalog: "DOC-13", Title: "Shared infrastructure not considered for multi-patient harm",
		Help: "Components many patients share (cloud services, update services, HSMs, gateways, build systems, and components reached by flows from several device-side components) should be listed in sharedElements or lie on a scenario path."}},
	{Rule: finding.Rule{ID: "TM-VIEW-005", Severity: finding.Error, Catalog: "DOC-14", Title: "Software without an update path",
		Help: "Every in-scope component with software needs an update path (paths[].target) or a notUpdatable entry with a reason."}},
	{Rule: finding.Rule{ID: "TM-VIEW-006", Severity: finding.Error, Catalog: "DOC-14", Title: "Update path without authenticity control",
		Help: "A path that delivers code to fielded devices or apps needs an authenticity control in category D.code (or D) or H (AUTH-7, INT-2, INT-4)."}},
	{Rule: finding.Rule{ID: "TM-VIEW-007", Severity: finding.Warning, Catalog: "DOC-14", Title: "Cloud update path without pipeline controls",
		Help: "A path for the manufacturer's own cloud service should name its build and deployment pipeline controls in pipelineControls (or authenticity). Error under the submission profile."},
		Submission: sev(finding.Error)},
	{Rule: finding.Rule{ID: "TM-VIEW-008", Severity: finding.Error, Catalog: "DOC-14", Title: "Update step does not carry code",
		Help: "Each step flow of an update path must carry an asset with kind code."}},
	{Rule: finding.Rule{ID: "TM-VIEW-009", Severity: finding.Error, Catalog: "DOC-14", Title: "Update path is not connected end to end",
		Help: "Steps must chain (each step starts where the previous one ended; a bidirectional flow may run either way), start at the signing environment (source, or an hsm/build-system component) and end at the target."}},
	{Rule: finding.Rule{ID: "TM-VIEW-010", Severity: finding.Warning, Catalog: "CRYPT-6", Title: "Device update path without rollback protection",
		Help: "A path that delivers code to a fielded device should name rollbackProtection controls (CRYPT-6, INT-4). Error under the submission profile."},
		Submission: sev(finding.Error)},
	{Rule: finding.Rule{ID: "TM-VIEW-011", Severity: finding.Error, Catalog: "DOC-15", Title: "Safety-critical clinical function without a use case",
		Help: "Every device.clinicalFunctions entry with safetyCritical: true must be covered by a security-use-case view."}},
	{Rule: finding.Rule{ID: "TM-VIEW-012", Severity: finding.Error, Catalog: "DOC-15", Title: "Use-case sequence is not connected",
		Help: "Consecutive flows of a use-case sequence must share an endpoint (component or actor)."}},
	{Rule: finding.Rule{ID: "TM-VIEW-013", Severity: finding.Warning, Catalog: "DOC-15", Title: "Operational state not covered by a use case",
		Help: "FDA names power-on, transitions and update among the states use cases should cover; cover each at least once (operationalState or additionalStates). Error under the submission profile."},
		Submission: sev(finding.Error)},
	{Rule: finding.Rule{ID: "TM-VIEW-014", Severity: finding.Error, Catalog: "DOC-12", Title: "Global system view leaves an element out",
		Help: "The global system view's scope must include every in-scope component and every flow (use \"*\" for all)."}},
	{Rule: finding.Rule{ID: "TM-VIEW-015", Severity: finding.Warning, Catalog: "DOC-12", Title: "Global system view lacks update or cloud infrastructure",
		Help: "FDA expects update infrastructure and cloud services in the global view; the model has no component of kind cloud-service, gateway or build-system, or no flow carrying code."}},
	{Rule: finding.Rule{ID: "TM-VIEW-016", Severity: finding.Warning, Catalog: "DOC-19", Title: "View without diagram or explanatory text",
		Help: "Each view needs a diagram and explanatory text (a description), unless it is not applicable. Error under the submission profile."},
		Submission: sev(finding.Error)},
	{Rule: finding.Rule{ID: "TM-VULN-001", Severity: finding.Error, Catalog: "DOC-08", Title: "Known vulnerability not assessed in a threat",
		Help: "Every vulnerability's assessedIn threats must list it back in their vulnerabilities (origin known-vulnerability), so it has one safety and security assessment."}},
	{Rule: finding.Rule{ID: "TM-VULN-002", Severity: finding.Error, Catalog: "DOC-08", Title: "Affected vulnerability without a remediation plan",
		Help: "Status affected needs remediation.plan, and a targetRelease or targetDate."}},
	{Rule: finding.Rule{ID: "TM-VULN-003", Severity: finding.Error, Catalog: "DOC-03", Title: "KEV vulnerability accepted",
		Help: "CISA KEV entries should be designed out: a kev: true vulnerability must be fixed or not_affected with a justification, and no threat assessing an unfixed KEV entry may end in an accepted residual risk."}},
	{Rule: finding.Rule{ID: "TM-VULN-004", Severity: finding.Warning, Catalog: "DOC-08", Title: "Known-vulnerability threat without a vulnerability record",
		Help: "A threat with origin known-vulnerability should name its vulnerabilities, each defined in the vulnerabilities list."}},
	{Rule: finding.Rule{ID: "TM-SBOM-001", Severity: finding.Error, Catalog: "A2-19", Title: "SBOM reference not found in the SBOM",
		Help: "A components[].software or vulnerabilities[].component ref must match a component of the named SBOM by bom-ref, purl (qualifiers ignored), SPDX ID or name@version."}},
	{Rule: finding.Rule{ID: "TM-SBOM-002", Severity: finding.Error, Catalog: "DOC-06", Title: "SBOM cannot be read",
		Help: "The SBOM file (path) or the build manifest it is generated from (source) must exist and be readable; generate it with premarket sbom generate or pass it with --sbom."}},
	{Rule: finding.Rule{ID: "TM-SBOM-003", Severity: finding.Warning, Catalog: "DOC-07", Title: "Referenced SBOM component has no support data",
		Help: "FDA asks for the support level and end-of-support date of each component (§V.A.4(b)); add them (premarket:support:* properties, or components.yaml) or a justification."}},
	{Rule: finding.Rule{ID: "TM-HYG-001", Severity: finding.Warning, Catalog: "DOC-02", Title: "Unused element",
		Help: "An asset, control, evidence record, threat actor or actor that nothing refers to is usually a leftover; use it or remove it."}},
	{Rule: finding.Rule{ID: "TM-HYG-002", Severity: finding.Warning, Catalog: "DOC-02", Title: "Placeholder text",
		Help: "Rationales, reasons and notes must say something: TBD, TODO, n/a, '-' and similar placeholders are reported."}},
	{Rule: finding.Rule{ID: "TM-HYG-003", Severity: finding.Warning, Catalog: "DOC-02", Title: "Assumption not referenced",
		Help: "An assumption should apply to something: give appliesTo, or list it in a threat's assumptions."}},
	{Rule: finding.Rule{ID: "TM-HYG-004", Severity: finding.Error, Catalog: "DOC-02", Title: "Approved model without reviewers",
		Help: "model.status approved requires model.reviewers."}},
	{Rule: finding.Rule{ID: "TM-HYG-005", Severity: finding.Warning, Catalog: "DOC-02", Title: "Out-of-scope component still used",
		Help: "A component with inScope: false is the endpoint of a flow or the target of a threat; bring it in scope or remove the references."}},
}

var ruleByID = func() map[string]*rule {
	m := make(map[string]*rule, len(rules))
	for i := range rules {
		m[rules[i].ID] = &rules[i]
	}
	return m
}()

// Rules returns every rule of the threat-model checks (including the
// loader's schema rule), sorted by ID, with their default severity.
func Rules() []finding.Rule {
	out := make([]finding.Rule, len(rules))
	for i, r := range rules {
		out[i] = r.Rule
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
