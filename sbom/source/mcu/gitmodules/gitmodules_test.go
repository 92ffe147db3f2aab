package gitmodules

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/source/mcu/internal/common"
	tu "github.com/premarket/premarket/sbom/source/mcu/internal/testutil"
)

// dotGit shows testdata's "dot-git" directories as ".git" (git refuses to
// track a directory named .git).
type dotGit struct{ common.OSFiles }

func (d dotGit) fix(p string) string {
	return strings.ReplaceAll(p, string(filepath.Separator)+".git", string(filepath.Separator)+"dot-git")
}
func (d dotGit) ReadFile(p string) ([]byte, error) { return d.OSFiles.ReadFile(d.fix(p)) }
func (d dotGit) IsDir(p string) bool               { return d.OSFiles.IsDir(d.fix(p)) }
func (d dotGit) List(p string) ([]string, error)   { return d.OSFiles.List(d.fix(p)) }

func TestSuperproject(t *testing.T) {
	path := filepath.Join("testdata", "super", ".gitmodules")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := &Reader{Files: dotGit{}}
	if !r.Detect(path, data) {
		t.Fatal("not detected")
	}
	doc, err := r.Read(context.Background(), path, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Components) != 4 {
		t.Fatalf("%d components", len(doc.Components))
	}
	hal := tu.ByName(t, doc, "ext/hal")
	if hal.Version != "1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c" || tu.Prop(hal, "premarket:git:commit-source") != "index" {
		t.Errorf("hal version %q %v", hal.Version, hal.Properties)
	}
	if tu.Prop(hal, common.PropVCSURL) != "https://github.com/example-med/vendor-hal.git" || hal.PURL != "pkg:github/example-med/vendor-hal@1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c" {
		t.Errorf("hal url %q purl %q", tu.Prop(hal, common.PropVCSURL), hal.PURL)
	}
	if tu.Prop(hal, "premarket:git:branch") != "release/1.x" || hal.Origins[0].Line != 2 {
		t.Errorf("hal branch/origin %v %v", hal.Properties, hal.Origins)
	}
	mb := tu.ByName(t, doc, "ext/mbedtls")
	if mb.PURL != "pkg:github/mbed-tls/mbedtls@aabbccddeeff00112233445566778899aabbccdd" || mb.Supplier == "" || mb.CPE != "" {
		t.Errorf("mbedtls %q %q %q (a commit gives no CPE)", mb.PURL, mb.Supplier, mb.CPE)
	}
	fr := tu.ByName(t, doc, "freertos")
	if fr.PURL != "pkg:github/freertos/freertos-kernel@0123456789abcdef0123456789abcdef01234567" || tu.Prop(fr, common.PropPath) != "modules/lib/freertos-kernel" {
		t.Errorf("freertos %q", fr.PURL)
	}
	tiny := tu.ByName(t, doc, "tinyusb")
	if tiny.Version != "0a0b0c0d0e0f0a0b0c0d0e0f0a0b0c0d0e0f0a0b" || tu.Prop(tiny, "premarket:git:commit-source") != "modules-head" {
		t.Errorf("tinyusb %q %v", tiny.Version, tiny.Properties)
	}
	if !strings.HasPrefix(tiny.PURL, "pkg:generic/tinyusb@0a0b0c") {
		t.Errorf("tinyusb purl %q", tiny.PURL)
	}
	if got := tu.DependsOn(doc, "git:superproject"); len(got) != 4 {
		t.Errorf("superproject -> %v", got)
	}
	// Without .git the commits are unknown and said to be.
	alone, err := (&Reader{Files: common.NoFiles{}}).Read(context.Background(), path, data)
	if err != nil {
		t.Fatal(err)
	}
	h := tu.ByName(t, alone, "ext/hal")
	if h.Version != "" || !strings.Contains(tu.Prop(h, common.PropUnresolved), "no .git directory") || tu.Prop(h, common.PropVCSURL) != "../vendor-hal.git" {
		t.Errorf("alone hal %+v", h)
	}
	if h.PURL != "pkg:generic/hal" {
		t.Errorf("alone purl %q: an unresolvable relative URL gives no vcs_url", h.PURL)
	}
}

func TestIndexVersions(t *testing.T) {
	want := map[string]string{
		"ext/hal":                     "1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c",
		"ext/mbedtls":                 "aabbccddeeff00112233445566778899aabbccdd",
		"modules/lib/freertos-kernel": "0123456789abcdef0123456789abcdef01234567",
	}
	for _, f := range []string{"super/dot-git/index", "index-v3", "index-v4"} {
		data, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		got, err := ReadGitlinks(data, 20)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v", f, got)
		}
		for i := 12; i < len(data); i += 7 {
			if _, err := ReadGitlinks(data[:i], 20); err == nil && i < len(data)-40 {
				// a cut inside the entries must be an error (a cut in the
				// trailing extensions and checksum is not noticed)
				if i < 300 {
					t.Errorf("%s cut at %d: no error", f, i)
				}
			}
		}
	}
}

func TestResolveURL(t *testing.T) {
	for _, c := range [][3]string{
		{"https://github.com/a/b.git", "../c.git", "https://github.com/a/c.git"},
		{"https://github.com/a/b", "./c", "https://github.com/a/b/c"},
		{"git@github.com:a/b.git", "../../x/c.git", "git@github.com:x/c.git"},
		{"", "../c.git", "../c.git"},
		{"https://h/a/b", "https://o/p.git", "https://o/p.git"},
	} {
		if got := resolveURL(c[0], c[1]); got != c[2] {
			t.Errorf("resolveURL(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}

func TestErrors(t *testing.T) {
	for in, want := range map[string]string{
		"[submodule \"a\"]\n\turl = x\n":  "has no path",
		"[submodule \"a\"]\n\tpath = x\n": "has no url",
		"[submodule a]\n":                 "want [submodule",
		"[core]\n\tbare = false\n":        "no [submodule]",
		"[submodule \"a\"\n\tpath = x\n":  "without \"]\"",
	} {
		_, err := (&Reader{Files: common.NoFiles{}}).Read(context.Background(), ".gitmodules", []byte(in))
		var pe *sbom.ParseError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", in, err, want)
		}
	}
}

func FuzzGitmodules(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join("testdata", "super", ".gitmodules")); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := (&Reader{Files: common.NoFiles{}}).Read(context.Background(), ".gitmodules", data); err != nil {
			var pe *sbom.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("not a ParseError: %v", err)
			}
		}
	})
}

func FuzzIndex(f *testing.F) {
	for _, p := range []string{"super/dot-git/index", "index-v3", "index-v4"} {
		if data, err := os.ReadFile(filepath.Join("testdata", p)); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ReadGitlinks(data, 20)
		_, _ = ReadGitlinks(data, 32)
	})
}
