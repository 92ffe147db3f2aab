package binid

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/premarket/premarket/internal/testfixtures"
)

// The real-binary tests read Debian packages extracted by
// scripts/fetch-debian-binaries.sh into .cache/debian-binaries/ and skip
// when they are absent. Expected versions are derived from each package's
// own version in manifest.tsv, never written here.

// debianManifest reads manifest.tsv: package -> version.
func debianManifest(t *testing.T) (string, map[string]string) {
	dir := filepath.Join(testfixtures.Root(t), ".cache", "debian-binaries")
	f, err := os.Open(filepath.Join(dir, "manifest.tsv"))
	if err != nil {
		t.Skipf(".cache/debian-binaries not present (run scripts/fetch-debian-binaries.sh): %v", err)
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.Split(sc.Text(), "\t")
		if len(parts) >= 2 {
			m[parts[0]] = parts[1]
		}
	}
	return dir, m
}

// upstream derives the upstream version from a Debian version:
// 1:1.2.13.dfsg-1 -> 1.2.13, 2023.01+dfsg-2+deb12u3 -> 2023.01,
// 1:9.2p1-2+deb12u10 -> 9.2p1.
func upstream(deb string) string {
	v := deb
	if i := strings.Index(v, ":"); i >= 0 {
		v = v[i+1:]
	}
	if i := strings.LastIndex(v, "-"); i >= 0 {
		v = v[:i]
	}
	for _, cut := range []string{"+dfsg", ".dfsg", "+ds", "~", "+really"} {
		if i := strings.Index(v, cut); i >= 0 {
			v = v[:i]
		}
	}
	return v
}

// realCase: in package pkg, the file matching glob must yield component
// with a version checked by mode: "exact" (upstream or the full Debian
// version without epoch), "major" (upstream starts with version + "."),
// "none" (no version: SONAME/presence only), "any" (some version).
type realCase struct {
	pkg, glob, component, mode string
}

var realCases = []realCase{
	{"busybox-static", "bin/busybox", "busybox", "exact"},
	{"libssl3", "usr/lib/*/libcrypto.so.3", "openssl", "exact"},
	{"libssl3", "usr/lib/*/libssl.so.3", "openssl", "none"},
	{"libcurl4", "usr/lib/*/libcurl.so.4.*", "curl", "exact"},
	{"zlib1g", "lib/*/libz.so.1.*", "zlib", "exact"},
	{"libsqlite3-0", "usr/lib/*/libsqlite3.so.0.*", "sqlite", "exact"},
	{"dropbear-bin", "usr/sbin/dropbear", "dropbear", "exact"},
	{"dropbear-bin", "usr/bin/dbclient", "dropbear", "exact"},
	{"openssh-client", "usr/bin/ssh", "openssh", "exact"},
	{"lighttpd", "usr/sbin/lighttpd", "lighttpd", "exact"},
	{"nginx", "usr/sbin/nginx", "nginx", "exact"},
	{"dnsmasq-base", "usr/sbin/dnsmasq", "dnsmasq", "exact"},
	{"hostapd", "usr/sbin/hostapd", "hostapd", "exact"},
	{"wpasupplicant", "sbin/wpa_supplicant", "wpa_supplicant", "exact"},
	{"bluez", "usr/libexec/bluetooth/bluetoothd", "bluez", "exact"},
	{"mosquitto", "usr/sbin/mosquitto", "mosquitto", "exact"},
	{"libxml2", "usr/lib/*/libxml2.so.2.*", "libxml2", "exact"},
	{"libexpat1", "lib/*/libexpat.so.1.*", "expat", "exact"},
	{"libpng16-16", "usr/lib/*/libpng16.so.16.*", "libpng", "exact"},
	{"u-boot-qemu", "usr/lib/u-boot/qemu_arm64/u-boot.bin", "u-boot", "exact"},
	{"u-boot-qemu", "usr/lib/u-boot/qemu-riscv64/u-boot.bin", "u-boot", "exact"},
	{"libc6", "lib/*/libc.so.6", "glibc", "exact"},
	{"musl", "lib/*-linux-musl/libc.so", "musl", "exact"},
	{"libwolfssl35", "usr/lib/*/libwolfssl.so.*", "wolfssl", "exact"},
	{"libmbedcrypto7", "usr/lib/*/libmbedcrypto.so.*", "mbedtls", "exact"},
	{"libcoap3", "usr/lib/*/libcoap-3-openssl.so.*", "libcoap", "exact"},
	// Debian's 1.3.12 package builds a library whose eyecatcher says
	// 1.3.11 (the upstream release did not bump its CMake version): the
	// binary's own text is reported, so only presence of a version is
	// checked here.
	{"libpaho-mqtt1.3", "usr/lib/*/libpaho-mqtt3c.so.*", "paho-mqtt-c", "any"},
	{"bash", "bin/bash", "bash", "exact"},
	{"util-linux", "bin/dmesg", "util-linux", "exact"},
	{"libjpeg62-turbo", "usr/lib/*/libjpeg.so.62.*", "libjpeg-turbo", "exact"},
	{"libqt5core5a", "usr/lib/*/libQt5Core.so.5.*", "qt", "exact"},
	{"libcjson1", "usr/lib/*/libcjson.so.1.*", "cjson", "none"},
	{"libprotobuf-c1", "usr/lib/*/libprotobuf-c.so.1.*", "protobuf-c", "none"},
	{"systemd", "bin/systemctl", "systemd", "major"},
}

func TestRealDebianBinaries(t *testing.T) {
	dir, man := debianManifest(t)
	id := newID(t)
	for _, c := range realCases {
		t.Run(c.pkg+"/"+filepath.Base(c.glob), func(t *testing.T) {
			ver, ok := man[c.pkg]
			if !ok {
				t.Skipf("package %s not fetched", c.pkg)
			}
			files, _ := filepath.Glob(filepath.Join(dir, c.pkg, c.glob))
			if len(files) == 0 {
				t.Fatalf("%s: no file matches %s", c.pkg, c.glob)
			}
			data, err := os.ReadFile(files[0])
			if err != nil {
				t.Fatal(err)
			}
			ms := id.Identify(files[0], data)
			up := upstream(ver)
			noEpoch := ver[strings.Index(ver, ":")+1:]
			for _, m := range ms {
				if m.Component != c.component {
					continue
				}
				ok := false
				switch c.mode {
				case "exact":
					ok = m.Version == up || m.Version == noEpoch
				case "major":
					ok = m.Version != "" && strings.HasPrefix(up, m.Version+".")
				case "none":
					ok = m.Version == ""
				case "any":
					ok = m.Version != ""
				}
				if ok {
					t.Logf("%s %s: %s %s (%.2f, %s) from %q", c.pkg, ver, m.Component, m.Version, m.Confidence, m.Level(), m.Evidence[0].Text)
					return
				}
			}
			t.Errorf("%s %s (%s): want %s with version %s (mode %s), got %s", c.pkg, ver, filepath.Base(files[0]), c.component, up, c.mode, describe(ms))
		})
	}
}

// TestRealKernel checks the compressed kernel image (bzImage; the banner
// is only visible after decompressing the payload) and one module.
func TestRealKernel(t *testing.T) {
	dir, man := debianManifest(t)
	var pkg string
	for p := range man {
		if strings.HasPrefix(p, "linux-image-") {
			pkg = p
		}
	}
	if pkg == "" {
		t.Skip("no linux-image package fetched")
	}
	abi := strings.TrimPrefix(pkg, "linux-image-") // the kernel's UTS_RELEASE
	id := newID(t)
	imgs, _ := filepath.Glob(filepath.Join(dir, pkg, "boot", "vmlinuz-*"))
	if len(imgs) == 0 {
		t.Fatal("no vmlinuz in", pkg)
	}
	data, err := os.ReadFile(imgs[0])
	if err != nil {
		t.Fatal(err)
	}
	var banner, payload bool
	for _, m := range id.Identify(imgs[0], data) {
		if m.Component != "linux" || m.Version != abi {
			t.Errorf("unexpected %s %s", m.Component, m.Version)
			continue
		}
		for _, e := range m.Evidence {
			if e.Method == "signature" && strings.HasPrefix(e.Text, "Linux version "+abi+" (") && strings.HasSuffix(e.File, "!vmlinux") {
				banner = true
				// Debian records the package version in UTS_VERSION.
				if !strings.Contains(e.Text, man[pkg]) && len(e.Text) < 150 {
					t.Logf("banner does not show package version %s: %s", man[pkg], e.Text)
				}
			}
			if e.Method == "kernel-payload" {
				payload = true
				t.Logf("%s", e.Text)
			}
		}
	}
	if !banner || !payload {
		t.Errorf("vmlinuz: banner from decompressed payload found=%v, payload evidence=%v", banner, payload)
	}
	var ko string
	filepath.WalkDir(filepath.Join(dir, pkg, "lib", "modules"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && ko == "" && strings.HasSuffix(p, ".ko") {
			ko = p
		}
		return nil
	})
	if ko == "" {
		t.Fatal("no .ko module in", pkg)
	}
	data, err = os.ReadFile(ko)
	if err != nil {
		t.Fatal(err)
	}
	ms := id.Identify(ko, data)
	if !has(ms, "linux@"+abi) {
		t.Errorf("%s: want linux %s from vermagic, got %s", ko, abi, describe(ms))
	}
}

// TestRealConsumerGuards walks every extracted file: libraries that many
// programs link (OpenSSL, curl, zlib, SQLite, libpng, libxml2, expat) must
// be reported only from their own package, never from a consumer that
// embeds the header version it was built against.
func TestRealConsumerGuards(t *testing.T) {
	dir, _ := debianManifest(t)
	own := map[string][]string{
		"openssl": {"libssl3"}, "curl": {"libcurl4"}, "zlib": {"zlib1g"}, "sqlite": {"libsqlite3-0"},
		"libpng": {"libpng16-16"}, "libxml2": {"libxml2"}, "expat": {"libexpat1"},
	}
	id := newID(t)
	files := 0
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || strings.Contains(p, "/debs/") || strings.Contains(p, "/share/") {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		pkg := strings.SplitN(rel, string(filepath.Separator), 2)[0]
		if strings.HasPrefix(pkg, "linux-image-") && strings.HasSuffix(p, ".ko") {
			return nil // 1000+ modules; covered by TestRealKernel
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		files++
		for _, m := range id.Identify(p, data) {
			owners, watched := own[m.Component]
			if !watched {
				continue
			}
			okPkg := false
			for _, o := range owners {
				okPkg = okPkg || o == pkg
			}
			// Static copies are real instances (reference §6.3); none of
			// the fetched programs carries one.
			if !okPkg {
				t.Errorf("%s reported %s %s (a consumer, not the library): %q", rel, m.Component, m.Version, m.Evidence[0].Text)
			}
		}
		return nil
	})
	t.Logf("%d files checked", files)
}
