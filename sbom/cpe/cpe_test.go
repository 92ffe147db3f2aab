package cpe

import (
	"strings"
	"testing"
)

func TestEmbeddedTable(t *testing.T) {
	tab, err := Parse(projectsJSON)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(tab.Entries()); n < 80 {
		t.Errorf("table has %d entries, want at least 80", n)
	}
	withCPE := 0
	for _, e := range tab.Entries() {
		if e.HasCPE() {
			withCPE++
		}
		for _, n := range e.Names {
			if n != strings.ToLower(n) || strings.TrimSpace(n) != n {
				t.Errorf("name %q must be lower case without spaces", n)
			}
		}
	}
	if withCPE < 75 {
		t.Errorf("only %d entries have a CPE", withCPE)
	}
}

func TestParseRejects(t *testing.T) {
	bad := map[string]string{
		"not json":         `{`,
		"no names":         `[{"names":[],"supplier":"s","homepage":"h"}]`,
		"no supplier":      `[{"names":["a"],"homepage":"h"}]`,
		"vendor alone":     `[{"names":["a"],"vendor":"v","supplier":"s","homepage":"h"}]`,
		"bad part":         `[{"names":["a"],"vendor":"v","product":"p","part":"x","supplier":"s","homepage":"h"}]`,
		"duplicate name":   `[{"names":["a"],"supplier":"s","homepage":"h"},{"names":["A"],"supplier":"s","homepage":"h"}]`,
		"unescaped vendor": `[{"names":["a"],"vendor":"v:x","product":"p","part":"a","supplier":"s","homepage":"h"}]`,
	}
	for name, in := range bad {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("%s: Parse accepted %s", name, in)
		}
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name, vendor, product, part string
	}{
		{"busybox", "busybox", "busybox", "a"},
		{"openssl", "openssl", "openssl", "a"},
		{"libopenssl", "openssl", "openssl", "a"},
		{"host-libopenssl", "openssl", "openssl", "a"},
		{"openssl-native", "openssl", "openssl", "a"},
		{"nativesdk-openssl", "openssl", "openssl", "a"},
		{"linux-mainline", "linux", "linux_kernel", "o"},
		{"linux-yocto", "linux", "linux_kernel", "o"},
		{"linux-headers", "linux", "linux_kernel", "o"},
		{"linux", "linux", "linux_kernel", "o"},
		{"glibc", "gnu", "glibc", "a"},
		{"uclibc", "uclibc-ng_project", "uclibc-ng", "a"},
		{"bluez5", "bluez", "bluez", "a"},
		{"wpa-supplicant", "w1.fi", "wpa_supplicant", "a"},
		{"wpa_supplicant", "w1.fi", "wpa_supplicant", "a"},
		{"mosquitto", "eclipse", "mosquitto", "a"},
		{"sqlite3", "sqlite", "sqlite", "a"},
		{"SQLite", "sqlite", "sqlite", "a"},
		{"libzlib", "zlib", "zlib", "a"},
		{"libcurl", "haxx", "curl", "a"},
		{"openssh", "openbsd", "openssh", "a"},
		{"dropbear", "dropbear_ssh_project", "dropbear_ssh", "a"},
		{"u-boot", "denx", "u-boot", "a"},
		{"barebox", "pengutronix", "barebox", "a"},
		{"dnsmasq", "thekelleys", "dnsmasq", "a"},
		{"zstd", "facebook", "zstandard", "a"},
	}
	for _, tt := range tests {
		e, ok := Lookup(tt.name)
		if !ok {
			t.Errorf("Lookup(%q): not found", tt.name)
			continue
		}
		if e.Vendor != tt.vendor || e.Product != tt.product || e.Part != tt.part {
			t.Errorf("Lookup(%q) = %s:%s:%s, want %s:%s:%s", tt.name, e.Part, e.Vendor, e.Product, tt.part, tt.vendor, tt.product)
		}
		if e.Supplier == "" || e.Homepage == "" {
			t.Errorf("Lookup(%q): no supplier or homepage", tt.name)
		}
	}
	for _, n := range []string{"", "my-company-app", "host-", "skeleton-init-sysv"} {
		if _, ok := Lookup(n); ok {
			t.Errorf("Lookup(%q) found an entry", n)
		}
	}
	e, ok := Lookup("ca-certificates")
	if !ok || e.HasCPE() || e.CPE("20240203") != "" {
		t.Errorf("ca-certificates: want an entry without CPE, got %+v", e)
	}
}

func TestVersion(t *testing.T) {
	tests := map[string]string{
		"1.36.1":                "1.36.1",
		"1.36.1-r0":             "1.36.1",
		"2016.11.0-phy4":        "2016.11.0",
		"4.1.36-phy3":           "4.1.36",
		"3.2.2-15":              "3.2.2",
		"1.0+gitAUTOINC+abc123": "1.0",
		"2.1+git0+1234abcd":     "2.1",
		"AUTOINC+abc":           "",
		"+git":                  "",
		"v1.2.3":                "1.2.3",
		"1.1.1g":                "1.1.1g",
		"9.8p1":                 "9.8p1",
		"1.0-rc3":               "1.0-rc3",
		"2.0-beta1":             "2.0-beta1",
		"2.36-81-g4f4d7a13edfd2fdc57c9d76e1fd6d017fb47550c": "2.36",
		"3f20b832b27cd730deb6419b570f31a98167eef6":          "",
		"0b54dbda3cca": "",
		"20240203":     "20240203",
		"custom":       "",
		"unknown":      "",
		"":             "",
		"  1.2  ":      "1.2",
	}
	for in, want := range tests {
		if got := Version(in); got != want {
			t.Errorf("Version(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCPE(t *testing.T) {
	kernel, _ := Lookup("linux-mainline")
	ossl, _ := Lookup("openssl")
	tests := []struct {
		e    Entry
		v    string
		want string
	}{
		{kernel, "4.1.36-phy3", "cpe:2.3:o:linux:linux_kernel:4.1.36:*:*:*:*:*:*:*"},
		{ossl, "1.1.1g", "cpe:2.3:a:openssl:openssl:1.1.1g:*:*:*:*:*:*:*"},
		{ossl, "custom", ""},
		{Entry{Vendor: "v", Product: "p", Part: "a"}, "1:2*?!", `cpe:2.3:a:v:p:1\:2\*\?\!:*:*:*:*:*:*:*`},
		{Entry{Vendor: "v", Product: "p", Part: "a"}, "1.0-rc1", `cpe:2.3:a:v:p:1.0-rc1:*:*:*:*:*:*:*`},
	}
	for _, tt := range tests {
		if got := tt.e.CPE(tt.v); got != tt.want {
			t.Errorf("CPE(%q) = %q, want %q", tt.v, got, tt.want)
		}
	}
	// Every table entry makes a well-formed 13-field CPE.
	for _, e := range Default().Entries() {
		if !e.HasCPE() {
			continue
		}
		c := e.CPE("1.2.3")
		if n := len(strings.Split(c, ":")); n != 13 {
			t.Errorf("%s: %q has %d fields", e.Names[0], c, n)
		}
	}
	if got := Format("a", "v", "p", "1 2\x01é"); got != `cpe:2.3:a:v:p:12:*:*:*:*:*:*:*` {
		t.Errorf("Format with space and non-ASCII = %q", got)
	}
}

func FuzzVersionCPE(f *testing.F) {
	for _, s := range []string{"1.0+git", "v1", "2.36-81-gabc", "1:2", "\\", "1.0-rc1"} {
		f.Add(s)
	}
	e := Entry{Vendor: "v", Product: "p", Part: "a"}
	f.Fuzz(func(t *testing.T, v string) {
		c := e.CPE(v)
		if c == "" {
			return
		}
		// Unescaped colons separate exactly 13 fields.
		fields, esc := 1, false
		for i := 0; i < len(c); i++ {
			switch {
			case esc:
				esc = false
			case c[i] == '\\':
				esc = true
			case c[i] == ':':
				fields++
			}
		}
		if fields != 13 {
			t.Fatalf("CPE(%q) = %q has %d fields", v, c, fields)
		}
	})
}
