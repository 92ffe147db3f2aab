package license

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/github/go-spdx/v2/spdxexp"
	"github.com/github/go-spdx/v2/spdxexp/spdxlicenses"

	"github.com/premarket/premarket/internal/testfixtures"
)

func TestNormalizeExact(t *testing.T) {
	tests := []struct {
		in, expr, name string
	}{
		// Yocto spellings
		{"GPLv2", "GPL-2.0-only", ""},
		{"GPLv2+", "GPL-2.0-or-later", ""},
		{"GPLv3", "GPL-3.0-only", ""},
		{"LGPLv2.1+", "LGPL-2.1-or-later", ""},
		{"LGPLv2", "LGPL-2.0-only", ""},
		{"LGPLv2.0+", "LGPL-2.0-or-later", ""},
		{"LGPLv2.1+ & GPLv2+", "LGPL-2.1-or-later AND GPL-2.0-or-later", ""},
		{"AFL-2 | GPLv2+", "AFL-2.0 OR GPL-2.0-or-later", ""},
		{"MPL-1 & LGPLv2.1", "MPL-1.0 AND LGPL-2.1-only", ""},
		{"Artistic-1 | GPLv1+", "Artistic-1.0 OR GPL-1.0-or-later", ""},
		{"PSFv2", "PSF-2.0", ""},
		{"MIT-X", "MIT", ""},
		{"openssl", "OpenSSL", ""},
		{"bzip2", "bzip2-1.0.6", ""},
		{"FreeType | GPLv2+", "FTL OR GPL-2.0-or-later", ""},
		{"PD", "LicenseRef-PD", ""},
		{"CLOSED", "LicenseRef-Proprietary", ""},
		{"Proprietary & LICENCE.freescale-v6-february-2015", "LicenseRef-Proprietary AND LicenseRef-LICENCE.freescale-v6-february-2015", ""},
		{"Firmware-adsp_sst & WHENCE", "LicenseRef-Firmware-adsp-sst AND LicenseRef-WHENCE", ""},
		{"(GPLv3 & Elfutils-Exception)", "GPL-3.0-only AND LicenseRef-Elfutils-Exception", ""},
		{"(LGPLv2.1+ | LGPLv3) & GPLv3+", "(LGPL-2.1-or-later OR LGPL-3.0-only) AND GPL-3.0-or-later", ""},
		{"GPLv2+ & LGPLv2+ & ( (GPLv2+ & LGPLv2.1+) | (GPLv3+ & LGPLv3+) )", "GPL-2.0-or-later AND LGPL-2.0-or-later AND ((GPL-2.0-or-later AND LGPL-2.1-or-later) OR (GPL-3.0-or-later AND LGPL-3.0-or-later))", ""},
		{"GPL-3.0-with-GCC-exception", "GPL-3.0-only WITH GCC-exception-3.1", ""},
		{"GPLv2+ & GPL-3.0-with-autoconf-exception", "GPL-2.0-or-later AND GPL-3.0-only WITH Autoconf-exception-3.0", ""},
		{"GPL-2.0-or-later WITH Linux-syscall-note", "GPL-2.0-or-later WITH Linux-syscall-note", ""},
		{"LicenseRef-Vendor-EULA | MIT", "LicenseRef-Vendor-EULA OR MIT", ""},
		{"copyleft-next-0.3.0 & ISC", "copyleft-next-0.3.0 AND ISC", ""},
		// deprecated SPDX ids
		{"GPL-2.0", "GPL-2.0-only", ""},
		{"GPL-2.0+", "GPL-2.0-or-later", ""},
		{"LGPL-2.1", "LGPL-2.1-only", ""},
		// Buildroot spellings
		{"GPL-2.0+, LGPL-2.1+", "GPL-2.0-or-later AND LGPL-2.1-or-later", ""},
		{"GPL-2.0+ (programs), LGPL-2.1+ (libraries)", "GPL-2.0-or-later AND LGPL-2.1-or-later", ""},
		{"LGPL-2.1+ (library) , GPL-2.0+ (tools)", "LGPL-2.1-or-later AND GPL-2.0-or-later", ""},
		{"BSD-3-Clause or GPL-2.0, GPL-2.0+", "(BSD-3-Clause OR GPL-2.0-only) AND GPL-2.0-or-later", ""},
		{"LGPL-3.0+ or GPL-2.0+", "LGPL-3.0-or-later OR GPL-2.0-or-later", ""},
		{"Dual GPL-2.0+/LGPL-3.0+", "GPL-2.0-or-later OR LGPL-3.0-or-later", ""},
		{"Public Domain, BSD-0-Clause", "LicenseRef-PD AND 0BSD", ""},
		{"GPL-2.0, bzip2-1.0.4", "GPL-2.0-only AND bzip2-1.0.6", ""},
		{"Libpng-2.0", "libpng-2.0", ""},
		{"IJG (libjpeg), BSD-3-Clause (TurboJPEG), Zlib (SIMD)", "IJG AND BSD-3-Clause AND Zlib", ""},
		// kept as names
		{"BSD", "", "BSD"},
		{"GPLv2 | BSD", "", "GPLv2 | BSD"},
		{"MIT-style & MIT & PD", "", "MIT-style & MIT & PD"},
		{"GPL-3.0+, others", "", "GPL-3.0+, others"},
		{"MIT with advertising clause", "", "MIT with advertising clause"},
		{"GPL-2.0+ with OpenSSL exception, LGPL-2.1+, MIT", "", "GPL-2.0+ with OpenSSL exception, LGPL-2.1+, MIT"},
		{"OpenSSL or SSLeay", "", "OpenSSL or SSLeay"},
		{"pkgconf license", "", "pkgconf license"},
		{"unknown", "", "unknown"},
		{"GPL", "", "GPL"},
		{"GPLv2 &", "", "GPLv2 &"},
		{"(GPLv2", "", "(GPLv2"},
		{"GPLv2)", "", "GPLv2)"},
		{"GPLv2++", "", "GPLv2++"},
		{"  MIT  ", "MIT", ""},
	}
	for _, tt := range tests {
		got := Normalize(tt.in)
		if got.Expression != tt.expr || got.Name != tt.name {
			t.Errorf("Normalize(%q) = {Expression:%q Name:%q}, want {Expression:%q Name:%q}", tt.in, got.Expression, got.Name, tt.expr, tt.name)
		}
		if got.Declared != strings.TrimSpace(tt.in) {
			t.Errorf("Normalize(%q).Declared = %q", tt.in, got.Declared)
		}
	}
}

func TestNormalizeBlank(t *testing.T) {
	for _, in := range []string{"", "   ", "\t\n"} {
		if got := Normalize(in); got.Expression != "" || got.Name != "" || got.Declared != "" {
			t.Errorf("Normalize(%q) = %+v, want zero", in, got)
		}
	}
}

func TestNormalizeTooLong(t *testing.T) {
	in := strings.Repeat("MIT & ", MaxDeclaredLen/6+1) + "MIT"
	got := Normalize(in)
	if got.Expression != "" || got.Name != in {
		t.Errorf("over-long text should be kept as a name, got expression %q", got.Expression)
	}
	deep := strings.Repeat("(", maxDepth+1) + "MIT" + strings.Repeat(")", maxDepth+1)
	if got := Normalize(deep); got.Expression != "" {
		t.Errorf("over-deep text should be kept as a name, got expression %q", got.Expression)
	}
}

func TestCache(t *testing.T) {
	c := NewCache()
	a := c.Normalize("GPLv2")
	b := c.Normalize("GPLv2")
	if a != b || a.Expression != "GPL-2.0-only" {
		t.Fatalf("cache: %+v %+v", a, b)
	}
}

// fixtureLicences collects every distinct licence string of the Yocto and
// Buildroot fixtures, including the ones inside DEPENDENCIES WITH LICENSES.
func fixtureLicences(t *testing.T) []string {
	fx := testfixtures.Dir(t)
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	data, err := os.ReadFile(filepath.Join(fx, "yocto", "phytec-mira-imx6_license.manifest"))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "LICENSE: "); ok {
			add(v)
		}
	}
	csvs, _ := filepath.Glob(filepath.Join(fx, "buildroot", "*.csv"))
	for _, f := range csvs {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, r := range recs[1:] {
			add(r[2])
			if len(r) > 6 {
				rest := r[6]
				for {
					i := strings.IndexByte(rest, '[')
					j := strings.IndexByte(rest, ']')
					if i < 0 || j < i {
						break
					}
					add(rest[i+1 : j])
					rest = rest[j+1:]
				}
			}
		}
	}
	b, err := os.ReadFile(filepath.Join(fx, "buildroot", "cdx-buildroot_show-info.json"))
	if err != nil {
		t.Fatal(err)
	}
	var info map[string]struct {
		Licenses string `json:"licenses"`
	}
	if err := json.Unmarshal(b, &info); err != nil {
		t.Fatal(err)
	}
	for _, p := range info {
		add(p.Licenses)
	}
	return out
}

func TestNormalizeFixtureLicences(t *testing.T) {
	all := fixtureLicences(t)
	if len(all) < 100 {
		t.Fatalf("found only %d distinct licence strings in the fixtures", len(all))
	}
	expressions := 0
	for _, in := range all {
		got := Normalize(in)
		d := strings.TrimSpace(in)
		if got.Declared != d {
			t.Errorf("%q: Declared = %q", in, got.Declared)
		}
		switch {
		case d == "":
			if got.Expression != "" || got.Name != "" {
				t.Errorf("blank: %+v", got)
			}
		case got.Expression != "":
			expressions++
			if got.Name != "" {
				t.Errorf("%q: both expression and name", in)
			}
			// Valid and free of deprecated ids.
			if ok, bad := spdxexp.ValidateLicensesWithOptions([]string{got.Expression}, spdxexp.ValidateLicensesOptions{FailDeprecatedLicenses: true}); !ok {
				t.Errorf("%q -> %q invalid: %v", in, got.Expression, bad)
			}
			for _, id := range strings.FieldsFunc(got.Expression, func(r rune) bool { return r == ' ' || r == '(' || r == ')' }) {
				if dep, _ := spdxlicenses.IsDeprecatedLicense(strings.TrimSuffix(id, "+")); dep || strings.HasSuffix(id, "+") && strings.HasPrefix(id, "GPL") {
					t.Errorf("%q -> %q contains deprecated id %q", in, got.Expression, id)
				}
			}
		default:
			if got.Name != d {
				t.Errorf("%q: unmapped text must be kept whole as Name, got %q", in, got.Name)
			}
		}
	}
	// Most of the fixtures' text is mappable; a regression that turns
	// everything into names must fail.
	if expressions*10 < len(all)*7 {
		t.Errorf("only %d of %d licence strings mapped to expressions", expressions, len(all))
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"GPLv2+ & (LGPLv2.1 | MIT)", "GPL-2.0+ (programs), LGPL-2.1+", "Dual A/B", "(((", "a with b with c", "Public Domain, x", ",,", "LicenseRef-\x00", "Firmware-\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := Normalize(in)
		d := strings.TrimSpace(in)
		if got.Declared != d {
			t.Fatalf("Declared %q != %q", got.Declared, d)
		}
		if d == "" {
			return
		}
		if (got.Expression == "") == (got.Name == "") {
			t.Fatalf("exactly one of Expression and Name must be set: %+v", got)
		}
		if got.Expression != "" && !Valid(got.Expression) {
			t.Fatalf("invalid expression %q from %q", got.Expression, in)
		}
		if got.Name != "" && got.Name != d {
			t.Fatalf("name %q is not the declared text %q", got.Name, d)
		}
	})
}
