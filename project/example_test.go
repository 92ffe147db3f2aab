package project

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/premarket/premarket/sbom"
)

// manifestBlock is one blank-line separated block of a Yocto manifest.
type manifestBlock struct {
	line   int
	keys   []string
	fields map[string]string
}

// readBlocks is a deliberately small reader of the "KEY: value" block
// format, used only to check that the example's invented build outputs
// keep the exact shape of real Yocto output. The real reader lives in
// sbom/source/yocto.
func readBlocks(t *testing.T, name string) []manifestBlock {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []manifestBlock
	var cur *manifestBlock
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" {
			if cur != nil {
				out = append(out, *cur)
				cur = nil
			}
			continue
		}
		k, v, ok := strings.Cut(line, ": ")
		if !ok || strings.TrimSpace(v) != v || v == "" {
			t.Fatalf("%s:%d: not a 'KEY: value' line: %q", name, n, line)
		}
		if cur == nil {
			cur = &manifestBlock{line: n, fields: map[string]string{}}
		}
		if _, dup := cur.fields[k]; dup {
			t.Fatalf("%s:%d: %s twice in one block", name, n, k)
		}
		cur.keys = append(cur.keys, k)
		cur.fields[k] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil {
		out = append(out, *cur)
	}
	return out
}

func TestExampleLicenseManifest(t *testing.T) {
	name := filepath.Join(exampleDir, "build", "license.manifest")
	blocks := readBlocks(t, name)
	if len(blocks) < 150 {
		t.Fatalf("%s has %d packages, want at least 150", name, len(blocks))
	}
	want := "PACKAGE NAME,PACKAGE VERSION,RECIPE NAME,LICENSE"
	var names []string
	recipes := map[string]bool{}
	for _, b := range blocks {
		if got := strings.Join(b.keys, ","); got != want {
			t.Errorf("%s:%d: fields %s, want %s", name, b.line, got, want)
		}
		names = append(names, b.fields["PACKAGE NAME"])
		recipes[b.fields["RECIPE NAME"]] = true
	}
	if !sort.StringsAreSorted(names) {
		t.Errorf("%s: packages are not sorted by name as Yocto writes them", name)
	}
	for i := 1; i < len(names); i++ {
		if names[i] == names[i-1] {
			t.Errorf("%s: package %s twice", name, names[i])
		}
	}
	// Real images have several packages per recipe.
	if len(recipes) >= len(blocks)*2/3 {
		t.Errorf("%d recipes for %d packages: too few packages per recipe to be realistic", len(recipes), len(blocks))
	}
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(data), "\n\n") || strings.Contains(string(data), "\r") {
		t.Errorf("%s: Yocto ends every block, the last included, with a blank line and uses LF", name)
	}

	img := filepath.Join(exampleDir, "build", "image_license.manifest")
	iblocks := readBlocks(t, img)
	seen := map[string]bool{}
	for _, b := range iblocks {
		if got := strings.Join(b.keys, ","); got != "RECIPE NAME,VERSION,LICENSE,FILES" {
			t.Errorf("%s:%d: fields %s", img, b.line, got)
		}
		seen[b.fields["RECIPE NAME"]] = true
	}
	if !seen["u-boot"] || !seen["linux-yocto"] {
		t.Errorf("%s lacks u-boot or linux-yocto: %v", img, seen)
	}
}

// exampleComponents builds model components from the example manifests
// the way a Yocto reader does at minimum: name, version and the recipe
// property.
func exampleComponents(t *testing.T) []*sbom.Component {
	var out []*sbom.Component
	for _, b := range readBlocks(t, filepath.Join(exampleDir, "build", "license.manifest")) {
		c := &sbom.Component{Name: b.fields["PACKAGE NAME"], Version: b.fields["PACKAGE VERSION"]}
		c.SetProperty(RecipeProperty, b.fields["RECIPE NAME"])
		out = append(out, c)
	}
	for _, b := range readBlocks(t, filepath.Join(exampleDir, "build", "image_license.manifest")) {
		c := &sbom.Component{Name: b.fields["RECIPE NAME"], Version: b.fields["VERSION"]}
		c.SetProperty(RecipeProperty, b.fields["RECIPE NAME"])
		out = append(out, c)
	}
	return out
}

// exampleUncoveredRecipes are the recipes the example's components.yaml
// leaves without support data on purpose, and exampleStale its one entry
// that matches nothing; the README of the example says so.
var (
	exampleUncoveredRecipes = []string{"iw", "json-c", "libgpiod", "wireless-regdb"}
	exampleStale            = []string{"libusb1"}
)

// checkExampleApply applies the example's support data to comps and checks
// the deliberate gaps, and only those, are reported.
func checkExampleApply(t *testing.T, comps []*sbom.Component) {
	t.Helper()
	sd, err := LoadComponents(filepath.Join(exampleDir, "components.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rep := sd.Apply(&sbom.Document{Components: comps})
	var stale []string
	for _, e := range rep.Unused {
		stale = append(stale, e.Match.Name)
	}
	if strings.Join(stale, ",") != strings.Join(exampleStale, ",") {
		t.Errorf("stale entries = %v, want %v", stale, exampleStale)
	}
	uncovered := map[string]bool{}
	for _, c := range rep.Uncovered {
		r, _ := c.Property(RecipeProperty)
		if r == "" {
			r = c.Name
		}
		uncovered[r] = true
	}
	var got []string
	for r := range uncovered {
		got = append(got, r)
	}
	sort.Strings(got)
	if strings.Join(got, ",") != strings.Join(exampleUncoveredRecipes, ",") {
		t.Errorf("recipes without support data = %v, want %v", got, exampleUncoveredRecipes)
	}
	if len(rep.Applied) < len(comps)*9/10 {
		t.Errorf("support data for %d of %d components; most should have it", len(rep.Applied), len(comps))
	}
	for _, c := range comps {
		if c.Support == nil {
			continue
		}
		if c.Support.EndOfSupport == "" && c.Support.Justification == "" {
			t.Errorf("%s got support data with neither date nor justification", c.Name)
		}
	}
	// Spot checks of the realistic facts the example encodes.
	for _, c := range comps {
		switch c.Name {
		case "libssl3", "libcrypto3", "openssl-conf":
			if c.Support == nil || c.Support.Level != sbom.SupportNoLonger || c.Support.EndOfSupport != "2025-11-23" {
				t.Errorf("%s: OpenSSL 3.2 ended upstream support on 2025-11-23, got %+v", c.Name, c.Support)
			}
		case "libdaemon0":
			if c.Support == nil || c.Support.Level != sbom.SupportAbandoned {
				t.Errorf("%s should be abandoned, got %+v", c.Name, c.Support)
			}
		case "insulink-pumpd":
			if c.Supplier != "ExampleMed Inc." {
				t.Errorf("%s supplier = %q", c.Name, c.Supplier)
			}
		}
	}
}

func TestExampleSupportDataCoverage(t *testing.T) {
	checkExampleApply(t, exampleComponents(t))
}
