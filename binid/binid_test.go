package binid

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"runtime"
	"strings"
	"testing"
)

func newID(t testing.TB) *Identifier {
	t.Helper()
	id, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// sigCase is one synthetic input: want lists "component@version" that
// must be found (version "" = found without version); deny lists
// components that must NOT be found (false-positive guards).
type sigCase struct {
	name string // test name; also the signature id it covers (before '/')
	file string
	data []byte
	want []string
	deny []string
}

func sigCases() []sigCase {
	return []sigCase{
		{"openssl-3", "/usr/lib/libcrypto.so.3", blob("OpenSSL 3.0.2 15 Mar 2022"), []string{"openssl@3.0.2"}, nil},
		{"openssl-3/no-date", "/usr/lib/libfoo.so", blob("OpenSSL 3.0.2"), nil, []string{"openssl"}},
		{"openssl-3/built-with", "/usr/sbin/nginx", blob("built with OpenSSL 3.0.2 15 Mar 2022"), nil, []string{"openssl"}},
		{"openssl-1.1", "/lib/libcrypto.so.1.1", blob("OpenSSL 1.1.1w  11 Sep 2023"), []string{"openssl@1.1.1w"}, nil},
		{"openssl-1.1/vendor-suffix", "/lib/x", blob("OpenSSL 1.1.1g  21 Apr 2020, Open Quantum Safe 2020-07 snapshot"), []string{"openssl@1.1.1g"}, nil},
		{"openssl-1.1/one-space-is-3x-form", "/lib/x", blob("OpenSSL 1.1.1w 11 Sep 2023"), nil, []string{"openssl"}},
		{"openssl-1.0", "/lib/x", blob("SSLv3 part of OpenSSL 1.0.2u  20 Dec 2019"), []string{"openssl@1.0.2u"}, nil},
		{"boringssl", "/system/lib/libcrypto.so", blob("OpenSSL 1.1.1 (compatible; BoringSSL)"), []string{"boringssl@"}, []string{"openssl"}},
		{"aws-lc", "/lib/x", blob("OpenSSL 1.1.1 (compatible; AWS-LC 1.20.0)"), []string{"aws-lc@1.20.0"}, []string{"openssl", "boringssl"}},
		{"wolfssl", "/lib/x", blob("wolfSSL 5.7.2"), []string{"wolfssl@5.7.2"}, nil},
		{"wolfssl/kernel-module", "/lib/x", blob("wolfSSL 5.7.2 loaded. See https://www.wolfssl.com/ for information."), []string{"wolfssl@5.7.2"}, nil},
		{"wolfssl/symbol-only", "/lib/x", blob("wolfSSL_CTX_new", "wolfSSL 5"), nil, []string{"wolfssl"}},
		{"mbedtls", "/lib/x", blob("mbed TLS 2.19.1"), []string{"mbedtls@2.19.1"}, nil},
		{"mbedtls/3x", "/lib/x", blob("Mbed TLS 3.6.0"), []string{"mbedtls@3.6.0"}, nil},
		{"linux", "/boot/vmlinux", blob("Linux version 5.15.0-91-generic (buildd@host) (gcc 11.4.0, GNU ld 2.38) #101-Ubuntu SMP"), []string{"linux@5.15.0-91-generic"}, nil},
		{"linux/prose", "/usr/share/doc/x", blob("Linux version 5 is great", "Linux version numbers (see uname)"), nil, []string{"linux"}},
		{"linux/vermagic-outside-modinfo", "/sbin/modprobe", blob("vermagic=5.15.0 SMP mod_unload "), nil, []string{"linux"}},
		{"u-boot", "/boot/u-boot.bin", blob("U-Boot 2023.04 (Apr 03 2023 - 10:21:33 +0000) myboard"), []string{"u-boot@2023.04"}, nil},
		{"u-boot/spl", "/boot/spl.bin", blob("U-Boot SPL 2018.03-imx_v2018.03+g1234 (Jan 01 2020 - 00:00:00 +0000)"), []string{"u-boot@2018.03-imx_v2018.03+g1234"}, nil},
		{"u-boot/tools", "/usr/bin/mkimage", blob("U-Boot 2023.04", "mkimage version %s"), nil, []string{"u-boot"}},
		{"barebox", "/boot/barebox.bin", blob("barebox 2023.05.0 #1 Mon May 1 12:00:00 UTC 2023"), []string{"barebox@2023.05.0"}, nil},
		{"glibc", "/lib/libc.so.6", blob("GNU C Library (Debian GLIBC 2.36-9+deb12u4) stable release version 2.36.\nCopyright"), []string{"glibc@2.36"}, nil},
		{"glibc/filename", "/lib/libc-2.31.so", blob("nothing"), []string{"glibc@2.31"}, nil},
		{"musl", "/lib/ld-musl-armhf.so.1", blob("musl libc (arm)\nVersion %s\nDynamic Program Loader\n", "/proc/self/fd/", "1.2.4"), []string{"musl@1.2.4"}, nil},
		{"musl/other-file", "/usr/bin/tool", blob("musl libc (arm)\nVersion %s\nDynamic Program Loader\n", "1.2.4"), nil, []string{"musl"}},
		{"uclibc-ng", "/lib/ld-uClibc-1.0.31.so", blob("x"), []string{"uclibc-ng@1.0.31"}, []string{"uclibc"}},
		{"uclibc", "/lib/libuClibc-0.9.30.1.so", blob("x"), []string{"uclibc@0.9.30.1"}, []string{"uclibc-ng"}},
		{"uclibc/symlink-name", "/lib/ld-uClibc.so.0", blob("x"), nil, []string{"uclibc", "uclibc-ng"}},
		{"busybox", "/bin/busybox", blob("BusyBox v1.36.1 (2023-07-27 12:00:00 UTC)"), []string{"busybox@1.36.1"}, nil},
		{"busybox/distro", "/bin/busybox", blob("BusyBox v1.30.1 (Ubuntu 1:1.30.1-7ubuntu3) multi-call binary."), []string{"busybox@1.30.1"}, nil},
		{"bash", "/bin/bash", blob("@(#)Bash version 5.2.15(1) release GNU"), []string{"bash@5.2.15"}, nil},
		{"bash/shebang", "/etc/init.d/x", []byte("#!/bin/bash\necho Bash version 5\n"), nil, []string{"bash"}},
		{"util-linux", "/bin/mount", blob("util-linux 2.39.3"), []string{"util-linux@2.39.3"}, nil},
		{"systemd", "/bin/systemctl", blob("systemd 252 (252.22-1~deb12u1)\n+PAM +AUDIT"), []string{"systemd@252"}, nil},
		{"systemd/filename", "/usr/lib/systemd/libsystemd-shared-254.so", blob("x"), []string{"systemd@254"}, nil},
		{"dropbear", "/usr/sbin/dropbear", blob("SSH-2.0-dropbear_2024.85", "keepalive@openssh.com"), []string{"dropbear@2024.85"}, []string{"openssh"}},
		{"openssh", "/usr/sbin/sshd", blob("OpenSSH_7.4p2"), []string{"openssh@7.4p2"}, nil},
		{"openssh/distro", "/usr/bin/ssh", blob("OpenSSH_8.9p1 Ubuntu-3ubuntu0.6", "OpenSSH_8.9"), []string{"openssh@8.9p1"}, []string{"openssh@8.9"}},
		{"openssh/compat-table", "/usr/bin/ssh", blob("OpenSSH_2.*,OpenSSH_3.0*,OpenSSH_3.1*", "OpenSSH_6.6.1*", "OpenSSH_7.0*,OpenSSH_7.1*"), nil, []string{"openssh"}},
		{"lighttpd", "/usr/sbin/lighttpd", blob("lighttpd/1.4.73"), []string{"lighttpd@1.4.73"}, nil},
		{"lighttpd/path", "/etc/init.d/lighttpd", blob("/etc/lighttpd/lighttpd.conf"), nil, []string{"lighttpd"}},
		{"nginx", "/usr/sbin/nginx", blob("nginx/1.25.1", "built with OpenSSL 3.0.2 15 Mar 2022"), []string{"nginx@1.25.1"}, []string{"openssl"}},
		{"nginx/path", "/x", blob("/etc/nginx/1.2.3 x"), nil, []string{"nginx"}},
		{"openresty", "/usr/sbin/nginx", blob("openresty/1.21.4.1"), []string{"openresty@1.21.4.1"}, []string{"nginx"}},
		{"dnsmasq", "/usr/sbin/dnsmasq", blob("dnsmasq-2.89", "Simon Kelley"), []string{"dnsmasq@2.89"}, nil},
		{"dnsmasq/other", "/x", blob("dnsmasq-dhcp", "/var/lib/dnsmasq-2.89.leases"), nil, []string{"dnsmasq"}},
		{"hostapd", "/usr/sbin/hostapd", blob("hostapd v2.10\nUser space daemon for IEEE 802.11 AP management,\n"), []string{"hostapd@2.10"}, nil},
		{"hostapd/split", "/usr/sbin/hostapd", blob("hostapd v%s\nUser space daemon for IEEE 802.11 AP management,\n", "  -v   show hostapd version", "2.11-devel"), []string{"hostapd@2.11-devel"}, nil},
		{"wpa_supplicant", "/sbin/wpa_supplicant", blob("wpa_supplicant v2.10\nCopyright (c) 2003-2022"), []string{"wpa_supplicant@2.10"}, nil},
		{"bluez", "/usr/libexec/bluetooth/bluetoothd", blob("5.66", "BlueZ %s", "Bluetooth daemon %s"), []string{"bluez@5.66"}, nil},
		{"bluez/no-version-near", "/x", blob("Bluetooth daemon %s"), nil, []string{"bluez"}},
		{"mosquitto", "/usr/sbin/mosquitto", blob("1.6.7", "mosquitto version %s starting"), []string{"mosquitto@1.6.7"}, nil},
		{"curl", "/usr/lib/libcurl.so.4", blob("libcurl/8.5.0"), []string{"curl@8.5.0"}, nil},
		{"zlib", "/lib/libz.so.1", blob(" deflate 1.3.1 Copyright 1995-2024 Jean-loup Gailly and Mark Adler ", " inflate 1.3.1 Copyright 1995-2024 Mark Adler "), []string{"zlib@1.3.1"}, nil},
		{"zlib/bare-header-version", "/usr/bin/app", blob("1.3.1", "deflateInit_"), nil, []string{"zlib"}},
		{"expat", "/usr/lib/libexpat.so.1", blob("expat_2.2.5"), []string{"expat@2.2.5"}, nil},
		{"libpng", "/usr/lib/libpng16.so.16", blob(" libpng version 1.6.37 - April 14, 2019\n"), []string{"libpng@1.6.37"}, nil},
		{"libpng/recent", "/usr/lib/libpng16.so.16", blob("\n libpng version 1.6.58\n Copyright"), []string{"libpng@1.6.58"}, nil},
		{"libpng/consumer-header", "/usr/bin/viewer", blob("1.6.40", "png_create_read_struct"), nil, []string{"libpng"}},
		{"libjpeg-turbo", "/usr/lib/libjpeg.so.62", blob("libjpeg-turbo version 2.1.5 (build 20230203)", "6b  27-Mar-1998"), []string{"libjpeg-turbo@2.1.5"}, nil},
		{"cjson", "/usr/lib/libfoo.so", blob("cJSON_Parse", "cJSON_PrintUnformatted"), []string{"cjson@"}, nil},
		{"cjson/one-anchor", "/usr/lib/libfoo.so", blob("cJSON_Parse"), nil, []string{"cjson"}},
		{"protobuf-c", "/usr/bin/app", blob("((message)->descriptor)->magic == PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC"), []string{"protobuf-c@"}, nil},
		{"nanopb", "/fw.bin", blob("nanopb-0.4.6-dev"), []string{"nanopb@0.4.6-dev"}, nil},
		{"libcoap", "/usr/lib/libcoap-3.so.3", blob("libcoap 4.3.4"), []string{"libcoap@4.3.4"}, nil},
		{"paho-mqtt-c", "/usr/lib/libpaho-mqtt3c.so.1", blob("MQTTClientV3_Version 1.3.13", "MQTTClientV3_Timestamp Tue Jan 1 2024"), []string{"paho-mqtt-c@1.3.13"}, nil},
		{"paho-mqtt-c/placeholder", "/usr/lib/x", blob("MQTTClientV3_Version ##MQTTCLIENT_VERSION_TAG##"), nil, []string{"paho-mqtt-c"}},
		{"freertos", "/fw.bin", blob("IDLE", "Tmr Svc", "TmrQ", "V10.4.3"), []string{"freertos-kernel@10.4.3"}, nil},
		{"freertos/one-name", "/fw.bin", blob("Tmr Svc"), nil, []string{"freertos-kernel"}},
		{"zephyr", "/zephyr.bin", blob("*** Booting Zephyr OS build v3.5.0-rc2-331-gb7a06954094c ***\n"), []string{"zephyr@v3.5.0-rc2-331-gb7a06954094c"}, nil},
		{"zephyr/prefixed", "/zephyr.bin", blob("*** Booting Zephyr OS build zephyr-v3.4.0-27775-g750ed00d564b ***\n"), []string{"zephyr@v3.4.0-27775-g750ed00d564b"}, nil},
		{"zephyr/two-instances", "/flash.bin", blob("*** Booting Zephyr OS version 3.6.0 ***", "*** Booting Zephyr OS build v3.7.0 ***"), []string{"zephyr@3.6.0", "zephyr@v3.7.0"}, nil},
		{"ncs", "/app.bin", blob("*** Booting nRF Connect SDK v3.2.1-d8887f6f32df ***", "*** Using Zephyr OS v4.2.99-ec78104f1569 ***"), []string{"nrf-connect-sdk@v3.2.1-d8887f6f32df", "zephyr@v4.2.99-ec78104f1569"}, nil},
		{"threadx", "/fw.bin", blob("Copyright (c) Microsoft Corporation. All rights reserved.  *  ThreadX Cortex-M3/AC5 Version 6.1.12 *"), []string{"threadx@6.1.12"}, nil},
		{"mbed-os", "/fw.bin", blob("++ MbedOS Error Info ++"), []string{"mbed-os@"}, nil},
		{"cmsis-rtx", "/fw.bin", blob("RTX V5.5.2"), []string{"cmsis-rtx@5.5.2"}, nil},
		{"esp-idf", "/bootloader.bin", blob("v5.1.2", "ESP-IDF %s 2nd stage bootloader"), []string{"esp-idf@v5.1.2"}, nil},
		{"esp-idf/app-desc", "/app.bin", espImage("v5.1.2", "my-app", "1.0.0"), []string{"esp-idf@v5.1.2"}, nil},
		{"lwip", "/fw.bin", blob("lwIP/2.1.3 (http://savannah.nongnu.org/projects/lwip)"), []string{"lwip@2.1.3"}, nil},
		{"lwip/devel", "/fw.bin", blob("lwIP/2.2.0d (http://savannah.nongnu.org/projects/lwip)"), []string{"lwip@2.2.0d"}, nil},
		{"openthread", "/rcp.bin", blob("OPENTHREAD/1.0.0; NRF52840; Jan  1 2024 00:00:00"), []string{"openthread@1.0.0"}, nil},
		{"python", "/usr/lib/libpython3.11.so.1.0", blob("x"), []string{"python@3.11"}, nil},
		{"nodejs", "/usr/bin/node", blob("node.js/v22.9.0"), []string{"node.js@22.9.0"}, nil},
		{"qt", "/usr/lib/libQt5Core.so.5", blob("This is the QtCore library version Qt 5.15.2 (x86_64-little_endian-lp64 shared (dynamic) release build; by GCC 10)"), []string{"qt@5.15.2"}, nil},
		{"qt/build-string", "/usr/lib/libQt5Core.so.5", blob("Qt 5.11.3 (arm-little_endian-ilp32-eabi-hardfloat shared (dynamic) release build; by GCC 8.3.0)"), []string{"qt@5.11.3"}, nil},
		{"qt/prose", "/x", blob("Qt 5.11.3 is nice"), nil, []string{"qt"}},
	}
}

// espImage builds an ESP32 application image header with an
// esp_app_desc_t at 0x20.
func espImage(idf, project, version string) []byte {
	b := make([]byte, 0x20+256)
	b[0] = 0xE9
	binary.LittleEndian.PutUint32(b[0x20:], 0xABCD5432)
	copy(b[0x20+16:], version)
	copy(b[0x20+48:], project)
	copy(b[0x20+112:], idf)
	return b
}

func has(ms []Match, want string) bool {
	comp, ver, withVer := strings.Cut(want, "@")
	for _, m := range ms {
		if m.Component == comp && (!withVer || m.Version == ver) {
			return true
		}
	}
	return false
}

func TestSignatures(t *testing.T) {
	id := newID(t)
	for _, c := range sigCases() {
		t.Run(c.name, func(t *testing.T) {
			ms := id.Identify(c.file, c.data)
			for _, w := range c.want {
				if !has(ms, w) {
					t.Errorf("want %s, got %s", w, describe(ms))
				}
			}
			for _, d := range c.deny {
				if has(ms, d) {
					t.Errorf("must not find %s (false-positive guard), got %s", d, describe(ms))
				}
			}
			for _, m := range ms {
				if len(m.Evidence) == 0 || m.PURL == "" || m.Confidence <= 0 || m.Confidence > 1 {
					t.Errorf("incomplete match %+v", m)
				}
			}
		})
	}
}

func describe(ms []Match) string {
	var s []string
	for _, m := range ms {
		s = append(s, m.Component+"@"+m.Version+"("+m.Signature+")")
	}
	return "[" + strings.Join(s, " ") + "]"
}

// TestEverySignatureHasPositiveCase keeps the table and the tests in step:
// a row without a positive synthetic case fails.
func TestEverySignatureHasPositiveCase(t *testing.T) {
	id := newID(t)
	covered := map[string]bool{}
	for _, c := range sigCases() {
		for _, m := range id.Identify(c.file, c.data) {
			covered[m.Signature] = true
		}
	}
	elfCovered := []string{"sqlite", "libxml2", "jansson"} // covered by the ELF tests below
	for _, s := range elfCovered {
		covered[s] = true
	}
	for _, s := range id.table.Signatures {
		if !covered[s.ID] {
			t.Errorf("signature %s has no positive test case", s.ID)
		}
	}
	if n := len(id.Components()); n < 40 {
		t.Errorf("table covers %d components, want at least 40", n)
	}
}

func TestMatchFields(t *testing.T) {
	id := newID(t)
	ms := id.Identify("/usr/lib/libcrypto.so.3", blob("xx", "OpenSSL 3.0.11 19 Sep 2023"))
	if len(ms) != 1 {
		t.Fatalf("got %s", describe(ms))
	}
	m := ms[0]
	if m.CPE != "cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:*" || m.PURL != "pkg:generic/openssl@3.0.11" {
		t.Errorf("identifiers: %q %q", m.CPE, m.PURL)
	}
	e := m.Evidence[0]
	if e.Text != "OpenSSL 3.0.11 19 Sep 2023" || e.Offset != int64(bytes.Index(blob("xx", "OpenSSL 3.0.11 19 Sep 2023"), []byte("OpenSSL"))) || e.Method != "signature" {
		t.Errorf("evidence %+v", e)
	}
	// The base name fits libcrypto.so: confidence raised above the base.
	if m.Confidence <= 0.85 || m.Level() != "high" {
		t.Errorf("confidence %v level %s", m.Confidence, m.Level())
	}
	other := id.Identify("/usr/lib/libother.so", blob("xx", "OpenSSL 3.0.11 19 Sep 2023"))
	if other[0].Confidence >= m.Confidence {
		t.Errorf("a fitting file name must raise confidence: %v vs %v", other[0].Confidence, m.Confidence)
	}
}

func TestELFEvidenceAndGuards(t *testing.T) {
	id := newID(t)
	bid := []byte{0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	comment := testSection{name: ".comment", typ: elf.SHT_PROGBITS, data: []byte("GCC: (GNU) 12.3.0\x00GCC: (GNU) 12.3.0\x00")}
	lib := buildELF(elf.ET_DYN, append(dynSections("libz.so.1", "libc.so.6"), rodata(" deflate 1.2.13 Copyright 1995-2022 Jean-loup Gailly and Mark Adler "), comment, buildIDNote(bid)))
	info, err := ReadELF(lib)
	if err != nil {
		t.Fatal(err)
	}
	if info.Soname != "libz.so.1" || len(info.Needed) != 1 || info.Needed[0] != "libc.so.6" || info.BuildID != "deadbeef0102030405060708090a0b0c0d0e0f10" || len(info.Comment) != 1 || info.Comment[0] != "GCC: (GNU) 12.3.0" {
		t.Fatalf("ELF facts %+v", info)
	}
	ms := id.Identify("/lib/x86_64-linux-gnu/libz.so.1.2.13", lib)
	if !has(ms, "zlib@1.2.13") {
		t.Fatalf("got %s", describe(ms))
	}
	methods := map[string]string{}
	for _, e := range ms[0].Evidence {
		methods[e.Method] = e.Text
		if e.Method == "signature" && e.Section != ".rodata" {
			t.Errorf("signature evidence section %q, want .rodata", e.Section)
		}
	}
	if methods["soname"] != "SONAME libz.so.1" || methods["elf-build-id"] != info.BuildID || methods["elf-comment"] != "GCC: (GNU) 12.3.0" {
		t.Errorf("ELF evidence %v", methods)
	}
	if ms[0].Confidence < 0.95 {
		t.Errorf("SONAME fit must raise confidence, got %v", ms[0].Confidence)
	}

	// A consumer linking libcurl embeds the header's "libcurl/x.y.z" user
	// agent: not the shipped library (reference §6.1).
	app := buildELF(elf.ET_DYN, append(dynSections("", "libcurl.so.4", "libc.so.6"), rodata("libcurl/8.5.0")))
	if ms := id.Identify("/usr/bin/app", app); has(ms, "curl") {
		t.Errorf("consumer of libcurl reported curl: %s", describe(ms))
	}
	// The same text in a static binary (no DT_NEEDED on libcurl) counts.
	static := buildELF(elf.ET_EXEC, []testSection{rodata("libcurl/8.5.0")})
	if ms := id.Identify("/usr/bin/app", static); !has(ms, "curl@8.5.0") {
		t.Errorf("static copy of libcurl not found: %s", describe(ms))
	}

	// SONAME without version text: version-less match.
	ssl := buildELF(elf.ET_DYN, append(dynSections("libssl.so.3", "libcrypto.so.3"), rodata("SSL_do_handshake")))
	if ms := id.Identify("/usr/lib/libssl.so.3", ssl); !has(ms, "openssl@") || ms[0].Version != "" || ms[0].Level() != "medium" {
		t.Errorf("libssl.so.3: %s", describe(ms))
	}
	jansson := buildELF(elf.ET_DYN, append(dynSections("libjansson.so.4"), rodata("json_loads")))
	if ms := id.Identify("/usr/lib/libjansson.so.4.14.0", jansson); !has(ms, "jansson@") {
		t.Errorf("libjansson: %s", describe(ms))
	}

	// Kernel module: vermagic in .modinfo.
	ko := buildELF(elf.ET_REL, []testSection{{name: ".modinfo", typ: elf.SHT_PROGBITS, data: []byte("license=GPL\x00vermagic=6.1.0-18-amd64 SMP preempt mod_unload modversions \x00name=af_key\x00")}})
	if ms := id.Identify("/lib/modules/6.1.0-18-amd64/kernel/net/key/af_key.ko", ko); !has(ms, "linux@6.1.0-18-amd64") {
		t.Errorf("vermagic: %s", describe(ms))
	}
}

func TestSQLiteAndLibxml2(t *testing.T) {
	id := newID(t)
	const srcID = "2022-12-28 14:03:47 df5c253c0b3dd24916e4ec7cf77d3db5294cc9fd45ae7b9c5e82ad8197f3alt1"
	lib := buildELF(elf.ET_DYN, append(dynSections("libsqlite3.so.0"), rodata("SQLite format 3", srcID, "unable to close", "3.40.1")))
	if ms := id.Identify("/usr/lib/libsqlite3.so.0.8.6", lib); !has(ms, "sqlite@3.40.1") {
		t.Errorf("sqlite: %s", describe(ms))
	}
	// The sqlite3 shell links libsqlite3: it carries no library of its own.
	cli := buildELF(elf.ET_DYN, append(dynSections("", "libsqlite3.so.0"), rodata("SQLite format 3", srcID, "3.40.1")))
	if ms := id.Identify("/usr/bin/sqlite3", cli); has(ms, "sqlite") {
		t.Errorf("sqlite3 CLI linking libsqlite3: %s", describe(ms))
	}
	// A database file holds the header literal but is not a library.
	if ms := id.Identify("/var/db.sqlite", append([]byte("SQLite format 3\x00"), make([]byte, 200)...)); has(ms, "sqlite") {
		t.Errorf("database file: %s", describe(ms))
	}

	x := buildELF(elf.ET_DYN, append(dynSections("libxml2.so.2"), rodata("LIBXML2_2.9.0", "LIBXML2_2.9.11", "LIBXML2_2.4.30", "10500", "::20914")))
	if ms := id.Identify("/usr/lib/libxml2.so.2.9.14", x); !has(ms, "libxml2@2.9.14") {
		t.Errorf("libxml2: %s", describe(ms))
	}
	// A number that contradicts the symbol-version nodes is not taken.
	bad := buildELF(elf.ET_DYN, append(dynSections("libxml2.so.2"), rodata("LIBXML2_2.9.11", "20708")))
	if ms := id.Identify("/usr/lib/libxml2.so.2", bad); has(ms, "libxml2@2.7.8") {
		t.Errorf("libxml2 inconsistent number taken: %s", describe(ms))
	}
}

func TestGoBuildInfo(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Skip(err)
	}
	ms := newID(t).Identify(exe, data)
	want := strings.TrimPrefix(runtime.Version(), "go")
	found := false
	for _, m := range ms {
		if m.Component == "stdlib" && m.Signature == "go-buildinfo" {
			found = m.Version == want && m.PURL == "pkg:golang/stdlib@"+purlEscape(want) && m.Confidence == 1
		}
	}
	if !found {
		t.Errorf("Go stdlib %s not identified from the test binary: %s", want, describe(ms))
	}
	// Test binaries record the main module (dependencies only for
	// ordinary builds).
	if !has(ms, "github.com/premarket/premarket") {
		t.Errorf("main module not listed: %s", describe(ms))
	}
}

func TestCargoAuditable(t *testing.T) {
	js := `{"packages":[{"name":"myapp","version":"0.1.0","source":"local","root":true,"dependencies":[1,2]},
{"name":"serde","version":"1.0.197","source":"crates.io","dependencies":[]},
{"name":"cc","version":"1.0.90","source":"crates.io","kind":"build"}]}`
	bin := buildELF(elf.ET_DYN, []testSection{{name: ".dep-v0", typ: elf.SHT_PROGBITS, data: zlibBytes([]byte(js))}})
	ms := newID(t).Identify("/usr/bin/myapp", bin)
	if !has(ms, "serde@1.0.197") || !has(ms, "myapp@0.1.0") || has(ms, "cc") {
		t.Fatalf("cargo auditable: %s", describe(ms))
	}
	for _, m := range ms {
		if m.Component == "serde" && (m.PURL != "pkg:cargo/serde@1.0.197" || m.Type != "library") {
			t.Errorf("serde %+v", m)
		}
		if m.Component == "myapp" && m.Type != "application" {
			t.Errorf("root crate type %q", m.Type)
		}
	}
}

func TestVersionGrammar(t *testing.T) {
	cases := []struct {
		in   string
		g    grammarSpec
		want string
	}{
		{"1.2.3 x", grammarSpec{Grammar: grammarDotted}, "1.2.3"},
		{"1.2.", grammarSpec{Grammar: grammarDotted}, "1.2"},
		{"1.", grammarSpec{Grammar: grammarDotted}, ""},
		{"1.1.1w  11", grammarSpec{Grammar: grammarDotted, Suffix: suffixLetters}, "1.1.1w"},
		{"9.2p1 D", grammarSpec{Grammar: grammarDotted, Suffix: suffixLetters}, "9.2p1"},
		{"2.10-devel\n", grammarSpec{Grammar: grammarDotted, Suffix: suffixPre}, "2.10-devel"},
		{"2.2.5c", grammarSpec{Grammar: grammarDotted, Suffix: suffixPre}, "2.2.5"},
		{"2.10-\n", grammarSpec{Grammar: grammarDotted, Suffix: suffixPre}, "2.10"},
		{"2023.01+dfsg-2+deb12u3 (", grammarSpec{Grammar: grammarDotted, Suffix: suffixToken}, "2023.01+dfsg-2+deb12u3"},
		{"6.1.0-18-amd64 (", grammarSpec{Grammar: grammarToken}, "6.1.0-18-amd64"},
		{"v3.5.0-rc2 ***", grammarSpec{Grammar: grammarToken}, "v3.5.0-rc2"},
		{"version", grammarSpec{Grammar: grammarToken}, ""},
		{"20914\x00", grammarSpec{Grammar: grammarDigits, MinParts: 5, MaxParts: 6}, "20914"},
		{"1.2.3.4.5.6", grammarSpec{Grammar: grammarDotted, MaxParts: 3}, "1.2.3"},
	}
	for _, c := range cases {
		n := parseVersion([]byte(c.in), &c.g)
		if got := c.in[:n]; got != c.want {
			t.Errorf("parseVersion(%q, %+v) = %q, want %q", c.in, c.g, got, c.want)
		}
	}
	if !matchThen([]byte(" 15 Mar 2022"), " {N} {A} {N}") || matchThen([]byte("  15 Mar 2022"), " {N} {A} {N}") || !matchThen(nil, "{0}") || matchThen([]byte("x"), "{0}") {
		t.Error("matchThen")
	}
	if v, ok := transformVersion("21004", "libxml-number"); !ok || v != "2.10.4" {
		t.Errorf("libxml-number: %q", v)
	}
}

func TestAhoCorasick(t *testing.T) {
	pats := [][]byte{[]byte("he"), []byte("she"), []byte("his"), []byte("hers"), []byte("OpenSSL "), []byte("OpenSSL 1.1.1 (compatible; BoringSSL)")}
	m := newACMatcher(pats)
	text := []byte("ushers and his OpenSSL 1.1.1 (compatible; BoringSSL) she")
	var got []string
	m.scan(text, func(p, start int) bool {
		got = append(got, string(pats[p])+"@"+itoa(start))
		return true
	})
	// Brute force reference.
	var want []string
	for end := 1; end <= len(text); end++ {
		for _, p := range []int{1, 0, 3, 2, 4, 5} {
			_ = p
		}
		for pi, p := range pats {
			if end >= len(p) && bytes.Equal(text[end-len(p):end], p) {
				want = append(want, string(pats[pi])+"@"+itoa(end-len(p)))
			}
		}
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	gs, ws := map[string]bool{}, map[string]bool{}
	for i := range got {
		gs[got[i]], ws[want[i]] = true, true
	}
	for w := range ws {
		if !gs[w] {
			t.Errorf("missing %s in %v", w, got)
		}
	}
}

func TestTableValidation(t *testing.T) {
	bad := []string{
		"version: 2\nsignatures: []\n",
		"version: 1\nsignatures:\n- {id: a, component: a, type: library, purl: 'pkg:generic/a@{version}', confidence: 2, patterns: [{anchor: abcd}]}\n",
		"version: 1\nsignatures:\n- {id: a, component: a, type: thing, purl: 'pkg:generic/a@{version}', confidence: 0.5, patterns: [{anchor: abcd}]}\n",
		"version: 1\nsignatures:\n- {id: a, component: a, type: library, purl: 'pkg:generic/a@{version}', confidence: 0.5, patterns: [{anchor: ab}]}\n",
		"version: 1\nsignatures:\n- {id: a, component: a, type: library, purl: 'pkg:generic/a@{version}', confidence: 0.5, patterns: [{anchor: abcd, grammar: regex}]}\n",
		"version: 1\nsignatures:\n- {id: a, component: a, type: library, purl: 'pkg:generic/a@{version}', confidence: 0.5}\n",
		"version: 1\nsignatures:\n- {id: a, component: a, type: library, purl: 'pkg:generic/a@{version}', confidence: 0.5, extractor: nope}\n",
		"version: 1\nsignatures:\n- {id: a, component: a, type: library, purl: 'pkg:generic/a@{version}', cpe: 'openssl', confidence: 0.5, patterns: [{anchor: abcd}]}\n",
	}
	for _, b := range bad {
		if _, err := loadTable([]byte(b)); err == nil || !strings.Contains(err.Error(), "signatures.yaml") {
			t.Errorf("loadTable(%q) err = %v, want a located error", b, err)
		}
	}
}
