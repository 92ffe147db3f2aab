package spdx

import (
	"testing"

	"github.com/premarket/premarket/sbom/license"
)

// TestValueHelpers pins the exported field helpers that the Yocto
// create-spdx reader shares with this package.
func TestValueHelpers(t *testing.T) {
	for in, want := range map[string]string{" 1.2 ": "1.2", "NOASSERTION": "", "none": "", "": ""} {
		if got := Value(in); got != want {
			t.Errorf("Value(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"Organization: OpenEmbedded ()":       "OpenEmbedded",
		"Person: Jane Doe (jane@example.com)": "Jane Doe",
		"Tool: syft":                          "syft",
		"NOASSERTION":                         "",
		"Organization: NOASSERTION":           "",
		"Acme (acme@example.com)":             "Acme",
	} {
		if got := Party(in); got != want {
			t.Errorf("Party(%q) = %q, want %q", in, got, want)
		}
	}
	c := license.NewCache()
	if l := Licence(c, "NOASSERTION", "MIT"); l == nil || l.Expression != "MIT" {
		t.Errorf("Licence falls back to the concluded licence: %+v", l)
	}
	if l := Licence(c, "Apache-2.0", "MIT"); l == nil || l.Expression != "Apache-2.0" {
		t.Errorf("Licence prefers the declared licence: %+v", l)
	}
	if l := Licence(c, "NONE", ""); l != nil {
		t.Errorf("Licence without a licence = %+v, want nil", l)
	}
}
