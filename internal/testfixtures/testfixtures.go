// Package testfixtures locates files that live beside the repository rather
// than in it, for tests: the real-world inputs in ../shared/fixtures, the
// reference texts in ../shared/reference, and the repository root itself.
//
// Tests that need ../shared skip with a clear message when it is absent
// (DESIGN.md: fixtures are never copied into the project), so a checkout
// without it still passes. Only _test.go files import this package.
package testfixtures

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// findRoot walks up from dir to the directory holding go.mod.
func findRoot(dir string) (string, error) {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		up := filepath.Dir(d)
		if up == d {
			return "", fmt.Errorf("no go.mod above %s", dir)
		}
		d = up
	}
}

// Root returns the repository root: the nearest directory above the
// test's working directory that holds go.mod. It fails the test when there
// is none, since then the test is not running inside the repository.
func Root(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root, err := findRoot(wd)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// Shared returns the directory ../shared/<sub> beside the repository root
// (sub is "fixtures" or "reference"), skipping the test when it is not
// present.
func Shared(t testing.TB, sub string) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root, err := findRoot(wd)
	if err != nil {
		t.Skipf("../shared/%s not present: %v", sub, err)
	}
	dir := filepath.Join(root, "..", "shared", sub)
	st, err := os.Stat(dir)
	if err == nil && !st.IsDir() {
		err = errors.New("not a directory")
	}
	if err != nil {
		t.Skipf("../shared/%s not present: %s: %v", sub, dir, err)
	}
	return dir
}

// Dir returns ../shared/fixtures beside the repository root, skipping the
// test when it is not present.
func Dir(t testing.TB) string {
	t.Helper()
	return Shared(t, "fixtures")
}
