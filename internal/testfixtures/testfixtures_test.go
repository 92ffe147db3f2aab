package testfixtures

import (
	"os"
	"path/filepath"
	"testing"
)

// TestFindRoot checks that the walk stops at the nearest go.mod above the
// start directory.
func TestFindRoot(t *testing.T) {
	tmp := t.TempDir()
	deep := filepath.Join(tmp, "a", "b", "c")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{tmp, filepath.Join(tmp, "a")} {
		if err := os.WriteFile(filepath.Join(d, "go.mod"), []byte("module x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	root, err := findRoot(deep)
	if err != nil || root != filepath.Join(tmp, "a") {
		t.Fatalf("findRoot = %q, %v; want %q", root, err, filepath.Join(tmp, "a"))
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// TestRoot checks that the repository root found from this package holds
// this package.
func TestRoot(t *testing.T) {
	root := Root(t)
	if !fileExists(filepath.Join(root, "internal", "testfixtures", "testfixtures.go")) {
		t.Fatalf("Root = %s, which does not hold internal/testfixtures", root)
	}
}

// TestSharedSkips checks that an absent ../shared directory skips rather
// than fails: the subtest must end skipped.
func TestSharedSkips(t *testing.T) {
	var skipped bool
	t.Run("absent", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		Shared(t, "no-such-directory-premarket")
		t.Error("Shared returned for an absent directory")
	})
	if !skipped {
		t.Fatal("Shared did not skip for an absent directory")
	}
}
