package check

import "github.com/premarket/premarket/finding"

// Rule IDs. They are stable across releases: CI configurations, SARIF
// baselines and suppressions refer to them.
const (
	RuleAuthor            = "SBOM-NTIA-AUTHOR"
	RuleAuthorToolOnly    = "SBOM-NTIA-AUTHOR-TOOL-ONLY"
	RuleTimestamp         = "SBOM-NTIA-TIMESTAMP"
	RuleTimestampFormat   = "SBOM-NTIA-TIMESTAMP-FORMAT"
	RuleDependencies      = "SBOM-NTIA-DEPENDENCIES"
	RuleDependencyUnknown = "SBOM-NTIA-DEPENDENCY-UNKNOWN"
	RuleDependencyDangle  = "SBOM-DEPENDENCY-DANGLING"
	RulePrimary           = "SBOM-DOC-PRIMARY"
	RuleSerial            = "SBOM-DOC-SERIAL"
	RuleEmpty             = "SBOM-DOC-EMPTY"
	RuleSupplier          = "SBOM-NTIA-SUPPLIER"
	RuleName              = "SBOM-NTIA-NAME"
	RuleVersion           = "SBOM-NTIA-VERSION"
	RuleIdentifier        = "SBOM-NTIA-IDENTIFIER"
	RulePURLInvalid       = "SBOM-ID-PURL-INVALID"
	RuleCPEInvalid        = "SBOM-ID-CPE-INVALID"
	RuleCPE22             = "SBOM-ID-CPE22"
	RuleHash              = "SBOM-COMPONENT-HASH"
	RuleLicense           = "SBOM-COMPONENT-LICENSE"
	RuleLicenseNotSPDX    = "SBOM-LICENSE-NOT-SPDX"
	RuleSupportLevel      = "SBOM-FDA-SUPPORT-LEVEL"
	RuleSupportLevelValue = "SBOM-FDA-SUPPORT-LEVEL-VALUE"
	RuleEOS               = "SBOM-FDA-EOS"
	RuleEOSFormat         = "SBOM-FDA-EOS-FORMAT"
	RuleEOSPassed         = "SBOM-FDA-EOS-PASSED"
	RuleSchema            = "SBOM-SCHEMA"
	RuleNotChecked        = "SBOM-IMAGE-NOT-CHECKED"
)

// ruleDef is one rule with its severity under each profile.
type ruleDef struct {
	id, catalog, title, help string
	ntia, fda                finding.Severity
}

// ruleDefs lists every rule in the order they are documented. The
// severity of a finding may be lower than its rule's for a documented
// reason (for example SBOM-NTIA-SUPPLIER is a warning when only the
// component author is known).
var ruleDefs = []ruleDef{
	{RuleAuthor, "NTIA-F6", "SBOM has no author",
		"NTIA minimum element 'Author of SBOM Data': name the person or organisation that produced the SBOM data (CycloneDX metadata.authors or metadata.manufacture/manufacturer, SPDX creationInfo.creators 'Person:' or 'Organization:'). premarket fills it from premarket.yaml.",
		finding.Error, finding.Error},
	{RuleAuthorToolOnly, "NTIA-F6", "SBOM author given only as a tool or manufacturer",
		"The SBOM names a generating tool (or only the product's supplier) but no author of the SBOM data. NTIA asks for the entity that assembled the SBOM; a tool is weaker evidence. Add metadata.authors (CycloneDX) or a 'Person:'/'Organization:' creator (SPDX).",
		finding.Warning, finding.Warning},
	{RuleTimestamp, "NTIA-F7", "SBOM has no timestamp",
		"NTIA minimum element 'Timestamp': record when the SBOM data was assembled (CycloneDX metadata.timestamp, SPDX creationInfo.created), as an RFC 3339 date-time.",
		finding.Error, finding.Error},
	{RuleTimestampFormat, "NTIA-F7", "SBOM timestamp is not an RFC 3339 date-time",
		"The timestamp is present but is not an RFC 3339 date-time such as 2024-05-01T12:00:00Z, so tools cannot compare it. Both CycloneDX and SPDX require this form.",
		finding.Warning, finding.Warning},
	{RuleDependencies, "NTIA-F5", "SBOM has no dependency relationships",
		"NTIA minimum element 'Dependency Relationship': the SBOM must say which components are included in which, at least the primary component's direct dependencies (CycloneDX dependencies[], SPDX CONTAINS/DEPENDS_ON relationships).",
		finding.Error, finding.Error},
	{RuleDependencyUnknown, "NTIA-P3", "component's own dependencies are not stated (known unknown)",
		"The component has no entry of its own in the dependency graph, so a reader cannot tell 'no dependencies' from 'not known'. Add an entry with an empty dependsOn when it has none (NTIA practice 'known unknowns').",
		finding.Info, finding.Info},
	{RuleDependencyDangle, "NTIA-F5", "dependency refers to a component that is not in the SBOM",
		"A dependency entry names a ref that is neither the primary component nor any component. Fix the ref or add the component.",
		finding.Warning, finding.Warning},
	{RulePrimary, "NTIA-F5", "SBOM has no primary component",
		"The SBOM does not say which product it describes (CycloneDX metadata.component, SPDX documentDescribes / DESCRIBES). Without it the dependency relationships have no root.",
		finding.Warning, finding.Warning},
	{RuleSerial, "FDA-SB8", "SBOM has no serial number",
		"A serial number (CycloneDX serialNumber, SPDX documentNamespace) identifies this SBOM revision under configuration management. premarket derives one from its inputs.",
		finding.Info, finding.Info},
	{RuleEmpty, "DOC-06", "SBOM lists no components",
		"The SBOM lists no components besides the primary one. FDA expects every commercial, open-source and off-the-shelf component.",
		finding.Warning, finding.Warning},
	{RuleSupplier, "NTIA-F1", "component has no supplier",
		"NTIA minimum element 'Supplier Name': the entity that creates, defines and identifies the component (CycloneDX supplier.name, SPDX PackageSupplier). Set it in the SBOM or with the supplier override in components.yaml. A warning instead of an error when only the component's author is known.",
		finding.Error, finding.Error},
	{RuleName, "NTIA-F2", "component has no name",
		"NTIA minimum element 'Component Name': the name the supplier gives the unit of software.",
		finding.Error, finding.Error},
	{RuleVersion, "NTIA-F3", "component has no version",
		"NTIA minimum element 'Version of the Component': the supplier's identifier for this version. A warning for hardware (device) components.",
		finding.Error, finding.Error},
	{RuleIdentifier, "NTIA-F4", "component has no unique identifier",
		"NTIA minimum element 'Other Unique Identifiers': give a PURL or a CPE (or a SWID tag) so the component can be looked up in vulnerability databases. A warning for the primary component.",
		finding.Error, finding.Error},
	{RulePURLInvalid, "NTIA-F4", "component PURL is not a valid package URL",
		"The purl does not parse as a package URL (pkg:type/namespace/name@version?qualifiers#subpath), so it cannot be matched against vulnerability data. Fix its syntax.",
		finding.Error, finding.Error},
	{RuleCPEInvalid, "NTIA-F4", "component CPE is malformed",
		"The CPE is neither a CPE 2.3 formatted string (cpe:2.3: followed by 11 colon-separated fields, special characters quoted with a backslash) nor a CPE 2.2 URI.",
		finding.Error, finding.Error},
	{RuleCPE22, "NTIA-F4", "component CPE uses the deprecated CPE 2.2 URI form",
		"The CPE is a CPE 2.2 URI (cpe:/...). NVD matches CPE 2.3 formatted strings; convert it to cpe:2.3:...",
		finding.Warning, finding.Warning},
	{RuleHash, "DOC-06", "component has no hash",
		"A cryptographic hash of the component's artefact (SHA-256 or stronger) lets users verify what they have. It is a baseline attribute of NTIA's 2021 Framing document and of CISA's 2025 draft minimum elements.",
		finding.Info, finding.Info},
	{RuleLicense, "DOC-06", "component has no licence",
		"No declared licence. Licence is an attribute in NTIA's Framing document (3rd ed.) and CISA's 2025 draft; 'NOASSERTION' or 'unknown' is better than nothing.",
		finding.Info, finding.Info},
	{RuleLicenseNotSPDX, "DOC-06", "component licence is not an SPDX expression",
		"The licence is kept as free text because it does not map to an SPDX licence expression. Map it in components.yaml so it can be processed automatically.",
		finding.Info, finding.Info},
	{RuleSupportLevel, "FDA-SB1", "component has no support level",
		"FDA asks, for each component, the level of support its maker provides: actively maintained, no longer maintained or abandoned (premarket:support:level, or support.level in components.yaml), or a justification why it cannot be given (FDA-SB4). An error under profile fda, a warning under ntia.",
		finding.Warning, finding.Error},
	{RuleSupportLevelValue, "FDA-SB1", "component support level is not one of FDA's three levels",
		"The support level must be actively maintained, no longer maintained or abandoned. Accepted spellings ignore case and punctuation: actively-maintained, active, maintained; no-longer-maintained, not-maintained, unmaintained; abandoned.",
		finding.Warning, finding.Error},
	{RuleEOS, "FDA-SB2", "component has no end-of-support date",
		"FDA asks, for each component, the date its support ends (premarket:support:end-of-support as YYYY-MM-DD, or support.endOfSupport in components.yaml), or a justification why it cannot be given (FDA-SB4). An error under profile fda, a warning under ntia.",
		finding.Warning, finding.Error},
	{RuleEOSFormat, "FDA-SB2", "component end-of-support is not a date",
		"The end-of-support value is not a date (YYYY-MM-DD, YYYY-MM or an RFC 3339 date-time). Text such as 'until hardware support ends' needs a justification (premarket:support:justification) explaining how support is assured.",
		finding.Warning, finding.Warning},
	{RuleEOSPassed, "FDA-SB2", "component is marked actively maintained but its end of support has passed",
		"The end-of-support date is before the check date while the support level says actively maintained. Update one of them.",
		finding.Warning, finding.Warning},
	{RuleNotChecked, "TST-3", "part of the device image was not examined",
		"An image scan lists every part it could not look into (an UBI or JFFS2 volume, an encrypted or unknown blob, a part cut off by a scan limit) as a file component with the property premarket:image:not-checked. Software in it is unaccounted for: examine it by other means (the supplier's SBOM, a manual analysis) and add what it holds, or record why it holds no software.",
		finding.Warning, finding.Warning},
	{RuleSchema, "FDA-SB6", "SBOM does not validate against its format's schema",
		"The document is not valid against the official CycloneDX or SPDX schema, so other tools may reject it. These findings come from the format validators (sbom/cyclonedx), not from check.Run.",
		finding.Error, finding.Error},
}

// Rules lists every rule of sbom check with its default severity (the
// severity under the default profile, fda), catalog ID, title and help.
func Rules() []finding.Rule {
	out := make([]finding.Rule, len(ruleDefs))
	for i, r := range ruleDefs {
		out[i] = finding.Rule{ID: r.id, Severity: r.fda, Catalog: r.catalog, Title: r.title, Help: r.help}
	}
	return out
}

// RulesFor lists the rules with their severity under the given profile.
func RulesFor(p Profile) []finding.Rule {
	out := Rules()
	if p.normalize() == ProfileNTIA {
		for i, r := range ruleDefs {
			out[i].Severity = r.ntia
		}
	}
	return out
}

func ruleByID(id string) ruleDef {
	for _, r := range ruleDefs {
		if r.id == id {
			return r
		}
	}
	panic("sbom/check: unknown rule " + id)
}
