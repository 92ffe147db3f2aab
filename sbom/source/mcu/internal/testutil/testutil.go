// Package testutil holds the MCU readers' test helpers: looking up
// components, properties and dependencies of a read document. (Tests find
// ../shared/fixtures with internal/testfixtures.)
package testutil

import (
	"testing"

	"github.com/premarket/premarket/sbom"
)

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
