// Command gen copies the official CycloneDX JSON Schemas, with their licence
// and notice, from the pinned github.com/CycloneDX/cyclonedx-go module into
// the current directory (schemas/cyclonedx). It follows whatever version
// go.mod pins, so updating the module and re-running `go generate` keeps the
// embedded schemas in step with the encoder that writes the BOMs.
//
// The module ships the JSF schema as "jsf-0.82.schemax.json"; the BOM
// schemas refer to it as "jsf-0.82.schema.json", so it is copied under that
// name.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// files maps the name in the module to the name written here.
var files = [][2]string{
	{"schema/bom-1.2.schema.json", "bom-1.2.schema.json"},
	{"schema/bom-1.3.schema.json", "bom-1.3.schema.json"},
	{"schema/bom-1.4.schema.json", "bom-1.4.schema.json"},
	{"schema/bom-1.5.schema.json", "bom-1.5.schema.json"},
	{"schema/bom-1.6.schema.json", "bom-1.6.schema.json"},
	{"schema/bom-1.7.schema.json", "bom-1.7.schema.json"},
	{"schema/spdx.schema.json", "spdx.schema.json"},
	{"schema/jsf-0.82.schemax.json", "jsf-0.82.schema.json"},
	{"LICENSE", "LICENSE"},
	{"NOTICE", "NOTICE"},
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run() error {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/CycloneDX/cyclonedx-go").Output()
	if err != nil {
		return fmt.Errorf("locate github.com/CycloneDX/cyclonedx-go (run `go mod download` first): %w", err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return fmt.Errorf("github.com/CycloneDX/cyclonedx-go is not in the module cache; run `go mod download`")
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f[0])))
		if err != nil {
			return err
		}
		if err := os.WriteFile(f[1], b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
