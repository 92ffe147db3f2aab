// Package testutil helps the MCU readers' tests find the shared fixtures.
package testutil

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/premarket/premarket/sbom"
)

// Fixtures returns ../shared/fixtures relative to the repository root (the
// directory holding go.mod), skipping the test when it is absent.
func Fixtures(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Skip("../shared/fixtures not present: no go.mod above the test directory")
		}
		dir = up
	}
	fx := filepath.Join(dir, "..", "shared", "fixtures")
	if st, err := os.Stat(fx); err != nil || !st.IsDir() {
		t.Skip("../shared/fixtures not present: " + fx)
	}
	return fx
}

// ByName returns the component named name, failing the test when absent.
func ByName(t testing.TB, doc *sbom.Document, name string) *sbom.Component {
	t.Helper()
	for _, c := range doc.Components {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no component %q", name)
	return nil
}

// Prop returns a component property or "".
func Prop(c *sbom.Component, name string) string {
	v, _ := c.Property(name)
	return v
}

// DependsOn returns the refs that ref depends on.
func DependsOn(doc *sbom.Document, ref string) []string {
	for _, d := range doc.Dependencies {
		if d.Ref == ref {
			return d.DependsOn
		}
	}
	return nil
}
