package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/premarket/premarket/sbom/generate"
)

// TestGenerateHelpNamesEveryKind keeps `sbom generate --help` in step with
// the readers: every kind premarket can read is named there.
func TestGenerateHelpNamesEveryKind(t *testing.T) {
	var out bytes.Buffer
	if code := run(t.Context(), []string{"sbom", "generate", "--help"}, &out, &out); code != 0 {
		t.Fatalf("exit %d", code)
	}
	help := out.String()
	var kinds []string
	for _, r := range generate.Readers() {
		kinds = append(kinds, r.Kind())
	}
	for _, r := range generate.DirReaders() {
		kinds = append(kinds, r.Kind())
	}
	for _, k := range kinds {
		if !strings.Contains(help, k) {
			t.Errorf("sbom generate --help does not name kind %q", k)
		}
	}
}
