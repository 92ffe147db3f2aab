package generate

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/premarket/premarket/sbom"
)

// lineReader is a test reader for "name version [dep...]" lines after a
// "#test-sbom" header, so generation is tested apart from real formats.
type lineReader struct{}

func (lineReader) Kind() string { return "test-lines" }
func (lineReader) Detect(_ string, head []byte) bool {
	return bytes.HasPrefix(head, []byte("#test-sbom\n"))
}
func (lineReader) Read(_ context.Context, name string, data []byte) (*sbom.Document, error) {
	doc := &sbom.Document{Format: "test"}
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := 0
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if line == 1 || len(f) == 0 {
			continue
		}
		if len(f) < 2 {
			return nil, &sbom.ParseError{Kind: "test", File: name, Line: line, Err: errors.New("want name and version")}
		}
		c := &sbom.Component{Ref: f[0], Name: f[0], Version: f[1], Type: sbom.TypeLibrary,
			Origins: []sbom.Origin{{Kind: "test-lines", File: name, Line: line}}}
		if f[0] == "zlib" {
			c.PURL = "pkg:generic/zlib@" + f[1]
		}
		doc.Components = append(doc.Components, c)
		if len(f) > 2 {
			doc.Dependencies = append(doc.Dependencies, sbom.Dependency{Ref: f[0], DependsOn: f[2:]})
		}
	}
	return doc, nil
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func opts(inputs ...string) Options {
	o := Options{Readers: []sbom.Reader{lineReader{}}, Timestamp: time.Unix(1767225600, 0),
		Primary: &sbom.Component{Name: "pump", Version: "1.0", Type: sbom.TypeDevice}}
	for _, in := range inputs {
		o.Inputs = append(o.Inputs, Input{Path: in})
	}
	return o
}

func TestMergeDeduplicatesWithProvenance(t *testing.T) {
	dir := t.TempDir()
	a := write(t, dir, "a.txt", "#test-sbom\nopenssl 3.2.1 zlib\nzlib 1.3.1\n")
	b := write(t, dir, "b.txt", "#test-sbom\nzlib 1.3.1\nbusybox 1.36.1\n")
	doc, err := Generate(context.Background(), opts(a, b))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range doc.Components {
		names = append(names, c.Name+"@"+c.Version)
	}
	if want := []string{"busybox@1.36.1", "openssl@3.2.1", "zlib@1.3.1"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("components = %v, want %v", names, want)
	}
	z := doc.ComponentByRef("zlib@1.3.1")
	if z == nil {
		t.Fatal("zlib not found by its ref")
	}
	if len(z.Origins) != 2 || z.Origins[0].File != a || z.Origins[0].Line != 3 || z.Origins[1].File != b || z.Origins[1].Line != 2 {
		t.Fatalf("zlib origins = %+v, want a.txt:3 and b.txt:2", z.Origins)
	}
	// The device roots the graph: it depends on what nothing else depends on.
	deps := map[string][]string{}
	for _, d := range doc.Dependencies {
		deps[d.Ref] = d.DependsOn
	}
	if got := deps["device:pump@1.0"]; !reflect.DeepEqual(got, []string{"busybox@1.36.1", "openssl@3.2.1"}) {
		t.Fatalf("root depends on %v", got)
	}
	if got := deps["openssl@3.2.1"]; !reflect.DeepEqual(got, []string{"zlib@1.3.1"}) {
		t.Fatalf("openssl depends on %v", got)
	}
	if _, ok := deps["busybox@1.36.1"]; ok {
		t.Fatal("busybox has a dependency entry although its input has no graph (unknown must not become none)")
	}
}

func TestSerialNumberIsDeterministicAndInputDependent(t *testing.T) {
	dir := t.TempDir()
	a := write(t, dir, "a.txt", "#test-sbom\nzlib 1.3.1\n")
	d1, err := Generate(context.Background(), opts(a))
	if err != nil {
		t.Fatal(err)
	}
	d2, _ := Generate(context.Background(), opts(a))
	if d1.SerialNumber != d2.SerialNumber || !strings.HasPrefix(d1.SerialNumber, "urn:uuid:") {
		t.Fatalf("serials %q and %q differ or are malformed", d1.SerialNumber, d2.SerialNumber)
	}
	write(t, dir, "a.txt", "#test-sbom\nzlib 1.3.2\n")
	d3, _ := Generate(context.Background(), opts(a))
	if d3.SerialNumber == d1.SerialNumber {
		t.Fatal("different input gave the same serial number")
	}
	if d1.Timestamp != "2026-01-01T00:00:00Z" {
		t.Fatalf("timestamp = %q", d1.Timestamp)
	}
}

func TestDirectoryInputFindsKnownFiles(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "build/x/a.txt", "#test-sbom\nzlib 1.3.1\n")
	write(t, dir, "build/notes.md", "hello\n")
	write(t, dir, "build/.hidden/b.txt", "#test-sbom\nbusybox 1\n")
	doc, err := Generate(context.Background(), opts(filepath.Join(dir, "build")))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Components) != 1 || doc.Components[0].Name != "zlib" {
		t.Fatalf("got %d components, want zlib only", len(doc.Components))
	}
}

func TestErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]struct {
		path, want string
	}{
		"empty":   {write(t, dir, "empty", "  \n"), "file is empty"},
		"unknown": {write(t, dir, "unknown.txt", "what is this\n"), "no known input: text that no reader recognises"},
		"parse":   {write(t, dir, "bad.txt", "#test-sbom\nlonely\n"), "line 2: want name and version"},
		"dir":     {filepath.Join(dir, "emptydir"), "the directory holds no file premarket can read"},
	}
	os.Mkdir(filepath.Join(dir, "emptydir"), 0o755)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Generate(context.Background(), opts(tc.path))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), filepath.Base(tc.path)) {
				t.Fatalf("err = %v, want it to name %s and say %q", err, tc.path, tc.want)
			}
		})
	}
}

func TestInputSizeLimit(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "big.txt", "#test-sbom\n"+strings.Repeat("zlib 1\n", 100))
	o := opts(p)
	o.MaxInputBytes = 64
	_, err := Generate(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "larger than the limit of 64 bytes") {
		t.Fatalf("err = %v", err)
	}
}

func TestCancelled(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "a.txt", "#test-sbom\nzlib 1\n")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Generate(ctx, opts(p)); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func ExampleMerge() {
	a := &sbom.Document{Components: []*sbom.Component{{Ref: "1", Name: "zlib", Version: "1.3.1"}}}
	b := &sbom.Document{Components: []*sbom.Component{{Ref: "x", Name: "zlib", Version: "1.3.1", Supplier: "zlib"}}}
	m := Merge([]*sbom.Document{a, b})
	fmt.Println(len(m.Components), m.Components[0].Ref, m.Components[0].Supplier)
	// Output: 1 zlib@1.3.1 zlib
}

// TestGroupsAreFirmwareUnderTheDevice: each firmware is its own component
// under the device, with its inputs' components beneath it; a library in
// two firmwares is one component with two parents.
func TestGroupsAreFirmwareUnderTheDevice(t *testing.T) {
	dir := t.TempDir()
	app := write(t, dir, "app.txt", "#test-sbom\nzephyr 3.7.0 mbedtls\nmbedtls 3.6.2\n")
	net := write(t, dir, "net.txt", "#test-sbom\nmbedtls 3.6.2\nsdc 5.0\n")
	top := write(t, dir, "top.txt", "#test-sbom\nbootloader-keys 1\n")
	o := opts(top)
	o.Groups = []Group{
		{Component: &sbom.Component{Name: "app-core", Version: "1.4.0"}, Inputs: []Input{{Path: app}}},
		{Component: &sbom.Component{Name: "net-core", Version: "1.4.0"}, Inputs: []Input{{Path: net}}},
	}
	doc, err := Generate(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	deps := map[string][]string{}
	for _, d := range doc.Dependencies {
		deps[d.Ref] = d.DependsOn
	}
	want := map[string][]string{
		"device:pump@1.0":         {"bootloader-keys@1", "firmware:app-core@1.4.0", "firmware:net-core@1.4.0"},
		"firmware:app-core@1.4.0": {"zephyr@3.7.0"},
		"firmware:net-core@1.4.0": {"mbedtls@3.6.2", "sdc@5.0"},
		"zephyr@3.7.0":            {"mbedtls@3.6.2"},
	}
	for ref, w := range want {
		if !reflect.DeepEqual(deps[ref], w) {
			t.Errorf("%s depends on %v, want %v", ref, deps[ref], w)
		}
	}
	if c := doc.ComponentByRef("firmware:app-core@1.4.0"); c == nil || c.Type != sbom.TypeFirmware {
		t.Fatalf("app-core component = %+v", c)
	}
	if len(doc.Components) != 6 {
		t.Fatalf("%d components, want 6 (4 libraries, 2 firmware)", len(doc.Components))
	}
}

// TestDirectoryReaders: a source tree is read only when asked for by kind;
// a Yocto deploy directory is recognised by its layout.
func TestDirectoryReaders(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "src/third_party/mbedtls/include/mbedtls/build_info.h",
		"#define MBEDTLS_VERSION_MAJOR 3\n#define MBEDTLS_VERSION_MINOR 6\n#define MBEDTLS_VERSION_PATCH 2\n#define MBEDTLS_VERSION_NUMBER 0x03060200\n#define MBEDTLS_VERSION_STRING \"3.6.2\"\n#define MBEDTLS_VERSION_STRING_FULL \"Mbed TLS 3.6.2\"\n")
	o := opts()
	o.DirReaders = DirReaders()
	o.Inputs = []Input{{Path: filepath.Join(dir, "src"), Kind: "source-tree"}}
	doc, err := Generate(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range doc.Components {
		if c.Version == "3.6.2" && strings.Contains(strings.ToLower(c.Name), "mbed") {
			found = true
		}
	}
	if !found {
		t.Fatalf("vendored Mbed TLS 3.6.2 not found in %d components", len(doc.Components))
	}
	// Without the kind the same folder is an ordinary directory with no
	// known input.
	o.Inputs = []Input{{Path: filepath.Join(dir, "src")}}
	if _, err := Generate(context.Background(), o); err == nil || !errors.Is(err, ErrNoInput) {
		t.Fatalf("plain directory: err = %v, want ErrNoInput", err)
	}
}
