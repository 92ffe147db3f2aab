package cyclonedx

import (
	"strings"
	"testing"
)

// TestCompileAll checks that every embedded schema compiles offline and
// tells a valid minimal BOM from an invalid one.
func TestCompileAll(t *testing.T) {
	for _, v := range Versions() {
		s, err := Compile(v)
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		ok := map[string]any{"bomFormat": "CycloneDX", "specVersion": v, "version": 1}
		if err := s.Validate(ok); err != nil {
			t.Errorf("%s: minimal BOM rejected: %v", v, err)
		}
		bad := map[string]any{"bomFormat": "CycloneDX", "specVersion": v, "version": 1, "serialNumber": "not-a-urn"}
		if err := s.Validate(bad); err == nil {
			t.Errorf("%s: bad serialNumber accepted", v)
		}
	}
	if _, err := Compile("9.9"); err == nil || !strings.Contains(err.Error(), "9.9") {
		t.Errorf("unknown version: %v", err)
	}
}
