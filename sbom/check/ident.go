package check

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/package-url/packageurl-go"
)

// cpe23Pattern is the CPE 2.3 formatted-string pattern published by NIST
// in the CPE 2.3 dictionary schema (cpe-dictionary_2.3.xsd, type
// cpe23Type) and reused by the CycloneDX schema. It checks the 13
// colon-separated fields, the part letter, the language tag field, the
// characters allowed unquoted (letters, digits, "-", "." and "_"), the
// backslash quoting of every other printable character, and that the
// wildcards "*" and "?" appear only at the start or end of a value.
var cpe23Pattern = regexp.MustCompile(`^cpe:2\.3:[aho\*\-](:(((\?*|\*?)([a-zA-Z0-9\-\._]|(\\[\\\*\?!"#\$%&'\(\)\+,/:;<=>@\[\]\^` + "`" + `\{\|}~]))+(\?*|\*?))|[\*\-])){5}(:(([a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?)|[\*\-]))(:(((\?*|\*?)([a-zA-Z0-9\-\._]|(\\[\\\*\?!"#\$%&'\(\)\+,/:;<=>@\[\]\^` + "`" + `\{\|}~]))+(\?*|\*?))|[\*\-])){4}$`)

// cpe22Pattern is the CPE 2.2 URI pattern of the CPE 2.2 schema
// (cpe-language_2.2a.xsd, type cpe22Type): "cpe:/" then up to seven
// colon-separated components of URI-safe characters.
var cpe22Pattern = regexp.MustCompile(`^[cC][pP][eE]:/[AHOaho]?(:[A-Za-z0-9\._\-~%]*){0,6}$`)

// maxIdentifierLen bounds identifiers before they reach the regular
// expressions and the PURL parser; longer values are reported as invalid.
const maxIdentifierLen = 4096

// CPEKind classifies a CPE string.
type CPEKind int

// CPE kinds returned by ClassifyCPE.
const (
	CPEInvalid CPEKind = iota // neither a CPE 2.3 formatted string nor a CPE 2.2 URI
	CPE23                     // well-formed CPE 2.3 formatted string
	CPE22                     // well-formed CPE 2.2 URI (accepted with a warning)
)

// ClassifyCPE reports whether s is a well-formed CPE 2.3 formatted string,
// a CPE 2.2 URI, or neither. When it is neither, the error says why, as
// precisely as the structure allows (field count, bad part, bad field).
func ClassifyCPE(s string) (CPEKind, error) {
	if len(s) > maxIdentifierLen {
		return CPEInvalid, fmt.Errorf("longer than %d bytes", maxIdentifierLen)
	}
	if cpe23Pattern.MatchString(s) {
		return CPE23, nil
	}
	lower := strings.ToLower(s)
	if strings.HasPrefix(lower, "cpe:/") {
		if cpe22Pattern.MatchString(s) {
			return CPE22, nil
		}
		return CPEInvalid, fmt.Errorf("not a well-formed CPE 2.2 URI")
	}
	if !strings.HasPrefix(s, "cpe:2.3:") {
		return CPEInvalid, fmt.Errorf(`does not start with "cpe:2.3:" (CPE 2.3) or "cpe:/" (CPE 2.2)`)
	}
	fields := splitCPE(s)
	if len(fields) != 13 {
		return CPEInvalid, fmt.Errorf("has %d colon-separated fields, CPE 2.3 needs 13 (cpe:2.3:part:vendor:product:version:update:edition:language:sw_edition:target_sw:target_hw:other)", len(fields))
	}
	if p := fields[2]; p != "a" && p != "o" && p != "h" && p != "*" && p != "-" {
		return CPEInvalid, fmt.Errorf("part %q is not a, o, h, * or -", p)
	}
	names := [...]string{"", "", "part", "vendor", "product", "version", "update", "edition", "language", "sw_edition", "target_sw", "target_hw", "other"}
	for i := 3; i < 13; i++ {
		if fields[i] == "" {
			return CPEInvalid, fmt.Errorf("field %s is empty (use * for any or - for not applicable)", names[i])
		}
	}
	for i := 3; i < 13; i++ {
		probe := make([]string, 13)
		copy(probe, []string{"cpe", "2.3", "a", "*", "*", "*", "*", "*", "*", "*", "*", "*", "*"})
		probe[i] = fields[i]
		if !cpe23Pattern.MatchString(strings.Join(probe, ":")) {
			return CPEInvalid, fmt.Errorf("field %s %q has a character that is not allowed (spaces) or must be quoted with a backslash, or a misplaced wildcard", names[i], fields[i])
		}
	}
	return CPEInvalid, fmt.Errorf("not a well-formed CPE 2.3 formatted string")
}

// splitCPE splits a CPE 2.3 formatted string at colons that are not
// quoted with a backslash.
func splitCPE(s string) []string {
	var out []string
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			b.WriteByte(c)
			b.WriteByte(s[i+1])
			i++
			continue
		}
		if c == ':' {
			out = append(out, b.String())
			b.Reset()
			continue
		}
		b.WriteByte(c)
	}
	return append(out, b.String())
}

// ValidatePURL reports whether s is a syntactically valid package URL, as
// parsed by github.com/package-url/packageurl-go, with a type and a name.
func ValidatePURL(s string) error {
	if len(s) > maxIdentifierLen {
		return fmt.Errorf("longer than %d bytes", maxIdentifierLen)
	}
	p, err := packageurl.FromString(s)
	if err != nil {
		return err
	}
	if p.Type == "" {
		return fmt.Errorf("has no type")
	}
	if p.Name == "" {
		return fmt.Errorf("has no name")
	}
	return nil
}
