// Package check inspects an SBOM document for the NTIA minimum elements
// (NTIA-F1..F7) and FDA's additions (FDA-SB1 support level, FDA-SB2 end
// of support, FDA-SB4 justification) and reports located findings plus a
// per-element score. It never formats output: report/ renders the
// findings, and Rules feeds SARIF's rule list.
//
// # Profiles
//
// Profile "ntia" fails (error findings) on missing NTIA minimum elements
// and reports FDA support data as warnings. Profile "fda", the default,
// additionally fails on a missing support level or end-of-support date
// unless a justification is given. Result.Failed reports any error.
//
// # Rules
//
// Document level:
//
//	SBOM-NTIA-AUTHOR             NTIA-F6  error    no author, tool or manufacturer at all
//	SBOM-NTIA-AUTHOR-TOOL-ONLY   NTIA-F6  warning  only a tool and/or the manufacturer (Document.Supplier)
//	SBOM-NTIA-TIMESTAMP          NTIA-F7  error    no timestamp
//	SBOM-NTIA-TIMESTAMP-FORMAT   NTIA-F7  warning  timestamp is not RFC 3339
//	SBOM-NTIA-DEPENDENCIES       NTIA-F5  error    no relationships at all, or none from the primary component
//	SBOM-DEPENDENCY-DANGLING     NTIA-F5  warning  a dependency ref names no component
//	SBOM-DOC-PRIMARY             NTIA-F5  warning  no primary component
//	SBOM-DOC-SERIAL              FDA-SB8  info     no serial number / document namespace
//	SBOM-DOC-EMPTY               DOC-06   warning  no components
//
// Per component:
//
//	SBOM-NTIA-SUPPLIER           NTIA-F1  error    (warning when only the author is known)
//	SBOM-NTIA-NAME               NTIA-F2  error
//	SBOM-NTIA-VERSION            NTIA-F3  error    (warning for device components)
//	SBOM-NTIA-IDENTIFIER         NTIA-F4  error    no PURL, CPE or SWID (warning for the primary)
//	SBOM-NTIA-DEPENDENCY-UNKNOWN NTIA-P3  info     no dependency entry of its own ("known unknown")
//	SBOM-ID-PURL-INVALID         NTIA-F4  error    packageurl-go cannot parse it, or no type/name
//	SBOM-ID-CPE-INVALID          NTIA-F4  error    neither CPE 2.3 formatted string nor CPE 2.2 URI
//	SBOM-ID-CPE22                NTIA-F4  warning  CPE 2.2 URI (cpe:/...)
//	SBOM-COMPONENT-HASH          DOC-06   info     no hash
//	SBOM-COMPONENT-LICENSE       DOC-06   info     no licence
//	SBOM-LICENSE-NOT-SPDX        DOC-06   info     licence kept as free text
//	SBOM-FDA-SUPPORT-LEVEL       FDA-SB1  error (fda) / warning (ntia)  missing, no justification
//	SBOM-FDA-SUPPORT-LEVEL-VALUE FDA-SB1  error (fda) / warning (ntia)  not one of the three levels
//	SBOM-FDA-EOS                 FDA-SB2  error (fda) / warning (ntia)  missing, no justification
//	SBOM-FDA-EOS-FORMAT          FDA-SB2  warning  not a date and no justification
//	SBOM-FDA-EOS-PASSED          FDA-SB2  warning  actively maintained but the date has passed (only with Options.Now)
//	SBOM-IMAGE-NOT-CHECKED       TST-3    warning  a part of an image the scan could not examine (premarket:image:not-checked)
//	SBOM-SCHEMA                  FDA-SB6  error    listed for SARIF; produced by the format validators, not by Run
//
// # Decisions
//
// Author (NTIA-F6): only Document.Authors satisfies it. NTIA asks for the
// author of the SBOM data; a generating tool, or the manufacturer alone,
// is weaker evidence and gives a warning.
//
// Which components get which rules: the primary component gets name,
// supplier (Document.Supplier counts), version and identifier (a warning
// only, devices rarely have a PURL or CPE); it gets no hash, licence or
// support rules, because the device's own support is the manufacturer's
// cybersecurity management plan, not a third-party component fact.
// Components of type device (hardware, HBOM) get name, supplier and
// version (warning): FDA's support fields and software identifiers are
// about software. Components of type cryptographic-asset and data (CBOM
// and data entries) are not software components: only the name is
// checked and they are not scored.
//
// Known unknowns: a component with no dependency entry of its own gets an
// info finding; when the document has no relationships at all, only the
// one document-level SBOM-NTIA-DEPENDENCIES error is emitted.
//
// Support data is read from Component.Support first, then from
// properties. Property names are compared ignoring case and punctuation,
// using the last colon-separated segment or the last two joined, so
// premarket:support:level, fda:support-level, cdx:supportLevel,
// "Support Level" and "Level of Support" name the level;
// premarket:support:end-of-support, End-of-Support, "End of Support",
// EOS, End-of-Life, EOL, endOfSupport (and ...Date variants) the end of
// support; premarket:support:justification and Justification the
// justification. Accepted level spellings are listed at NormalizeLevel;
// accepted dates at ParseEndOfSupport.
//
// SPDX 2.3 validUntilDate is not treated as an end-of-support date: SPDX
// defines it as the date until which the package may be used before its
// use must be reassessed, which is a statement by the SBOM author, not the
// component maker's support commitment FDA asks for. When a reader keeps
// it as a property (validUntilDate), the SBOM-FDA-EOS message mentions it.
//
// A justification (FDA-SB4) replaces a missing level or date, and a date
// that is not a date; it does not excuse a level outside the three FDA
// levels.
//
// Scores count components (not the primary) to which the element applies;
// NTIA-F6 and NTIA-F7 count the document. A component satisfies an
// element only with a present, well-formed value; justified components are
// counted separately in ElementScore.Justified.
//
// Large SBOMs produce one finding per rule per component; renderers group
// them (report.Text shows a bounded number per rule).
package check
