package vendored

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/premarket/premarket/sbom"
)

// writeTree writes files (slash paths relative to dir).
func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func tarGz(t testing.TB, prefix string, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := tw.WriteHeader(&tar.Header{Name: prefix + n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(files[n])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const mbedtls3 = `/**
 * \file build_info.h
 */
#ifndef MBEDTLS_BUILD_INFO_H
#define MBEDTLS_BUILD_INFO_H

/*
 * This set of compile-time defines can be used to determine the version.
 */
#define MBEDTLS_VERSION_MAJOR  3
#define MBEDTLS_VERSION_MINOR  6
#define MBEDTLS_VERSION_PATCH  0
#define MBEDTLS_VERSION_NUMBER         0x03060000
#define MBEDTLS_VERSION_STRING         "3.6.0"
#define MBEDTLS_VERSION_STRING_FULL    "Mbed TLS 3.6.0"
#endif
`

const mbedtls2 = `#ifndef MBEDTLS_VERSION_H
#define MBEDTLS_VERSION_H
#define MBEDTLS_VERSION_MAJOR  2
#define MBEDTLS_VERSION_MINOR  28
#define MBEDTLS_VERSION_PATCH  8
#define MBEDTLS_VERSION_NUMBER         0x021C0800
#define MBEDTLS_VERSION_STRING         "2.28.8"
#define MBEDTLS_VERSION_STRING_FULL    "mbed TLS 2.28.8"
#endif
`

const lwipInit = `#ifndef LWIP_HDR_INIT_H
#define LWIP_HDR_INIT_H
#define LWIP_RC_RELEASE         255U
#define LWIP_RC_DEVELOPMENT     0U
/** X.x.x: Major version of the stack */
#define LWIP_VERSION_MAJOR      2
/** x.X.x: Minor version of the stack */
#define LWIP_VERSION_MINOR      %d
/** x.x.X: Revision of the stack */
#define LWIP_VERSION_REVISION   3
/** For release candidates, this is set to 1..254
  * For official releases, this is set to 255 (LWIP_RC_RELEASE)
  * For development versions (Git), this is set to 0 (LWIP_RC_DEVELOPMENT) */
#define LWIP_VERSION_RC         %s
#endif
`

func testTree(t *testing.T) string {
	dir := t.TempDir()
	cjsonC := "/* cJSON */\nint cJSON_Parse(void);\n"
	cjsonH := "#define CJSON_VERSION_MAJOR 1\n#define CJSON_VERSION_MINOR 7\n#define CJSON_VERSION_PATCH 18\n"
	lfsH := "#define LFS_VERSION 0x00020009\n#define LFS_VERSION_MAJOR (0xffff & (LFS_VERSION >> 16))\n"
	lfsC := "/* littlefs */\n"
	writeTree(t, dir, map[string]string{
		"CMakeLists.txt": "project(device)\n",
		// A project header that includes mbedtls and uses its macro: not mbedtls.
		"src/app/include/app_tls.h": "#include <mbedtls/version.h>\nconst char *v = MBEDTLS_VERSION_STRING;\n",
		// A project header at a path that ends like mbedtls' but defines nothing.
		"src/app/include/mbedtls/version.h": "#include \"../../../../third_party/mbedtls/include/mbedtls/version.h\"\n/* MBEDTLS_VERSION_STRING is defined there */\n",
		// Mbed TLS 3.6.0 with its own test folder holding a fake version.
		"third_party/mbedtls/include/mbedtls/build_info.h":            mbedtls3,
		"third_party/mbedtls/include/mbedtls/version.h":               "/* prototypes only */\n#include \"mbedtls/build_info.h\"\n",
		"third_party/mbedtls/tests/fake/include/mbedtls/build_info.h": strings.ReplaceAll(mbedtls3, "3.6.0", "9.9.9"),
		// A second, older copy in the bootloader.
		"bootloader/crypto/mbedtls/include/mbedtls/version.h": mbedtls2,
		// lwIP 2.1.3 release.
		"third_party/lwip/src/include/lwip/init.h": fmt.Sprintf(lwipInit, 1, "LWIP_RC_RELEASE"),
		// FreeRTOS kernel.
		"rtos/FreeRTOS-Kernel/include/task.h": "#define tskKERNEL_VERSION_NUMBER \"V10.5.1\"\n#define tskKERNEL_VERSION_MAJOR 10\n",
		"rtos/FreeRTOS-Kernel/tasks.c":        "/* tasks */\n",
		// FatFs R0.15, and a lone ff.h copy without ff.c (not the library).
		"fs/fatfs/source/ff.h":            "/  FatFs - Generic FAT Filesystem module  R0.15   /\n#ifndef FF_DEFINED\n#define FF_DEFINED\t80286\t/* Revision ID */\n",
		"fs/fatfs/source/ff.c":            "#include \"ff.h\"\n#if FF_DEFINED != 80286\n#error\n#endif\n",
		"src/app/include/ff.h":            "#define FF_DEFINED 1 /* our own flag */\n",
		"fs/oldfat/src/ff.h":              "/  FatFs - Generic FAT Filesystem module  R0.14a   /\n#define FF_DEFINED\t80196\n",
		"fs/oldfat/src/ff.c":              "",
		"fs/unknownfat/ff.h":              "#define FF_DEFINED\t12345\n",
		"fs/unknownfat/ff.c":              "",
		"fs/littlefs/lfs.h":               lfsH,
		"fs/littlefs/lfs.c":               lfsC,
		"fs/littlefs.tar.gz":              string(tarGz(t, "littlefs-2.9/", map[string]string{"lfs.h": lfsH, "lfs.c": lfsC})),
		"lib/cJSON/cJSON.h":               cjsonH,
		"lib/cJSON/cJSON.c":               cjsonC + "/* local fix */\n",
		"lib/cJSON/extra.c":               "",
		"lib/cJSON/" + PristineSHA256File: sha(cjsonH) + "  cJSON.h\n" + sha(cjsonC) + " *cJSON.c\n" + sha("x") + "  README.md\n",
		// STM32F4 HAL driver 1.8.3.
		"Drivers/STM32F4xx_HAL_Driver/Src/stm32f4xx_hal.c": "#define __STM32F4xx_HAL_VERSION_MAIN   (0x01U) /*!< [31:24] main version */\n" +
			"#define __STM32F4xx_HAL_VERSION_SUB1   (0x08U)\n#define __STM32F4xx_HAL_VERSION_SUB2   (0x03U)\n#define __STM32F4xx_HAL_VERSION_RC     (0x00U)\n" +
			"#define __STM32F4xx_HAL_VERSION         ((__STM32F4xx_HAL_VERSION_MAIN << 24U)\\\n                                        |(__STM32F4xx_HAL_VERSION_SUB1 << 16U))\n",
		// nanopb.
		"proto/nanopb/pb.h":        "#define NANOPB_VERSION \"nanopb-0.4.8\"\n",
		"proto/nanopb/pb_common.c": "",
		// Zephyr with an rc.
		"zephyr/VERSION":                 "VERSION_MAJOR = 3\nVERSION_MINOR = 7\nPATCHLEVEL = 0\nVERSION_TWEAK = 0\nEXTRAVERSION = rc1\n",
		"zephyr/include/zephyr/kernel.h": "",
		// A VERSION file that is not Zephyr's (no kernel.h).
		"tools/VERSION": "VERSION_MAJOR = 1\nVERSION_MINOR = 0\nPATCHLEVEL = 0\n",
		// ESP-IDF carrying its own lwIP (development version).
		"esp-idf/components/esp_common/include/esp_idf_version.h": "#define ESP_IDF_VERSION_MAJOR   5\n#define ESP_IDF_VERSION_MINOR   1\n#define ESP_IDF_VERSION_PATCH   2\n",
		"esp-idf/components/lwip/lwip/src/include/lwip/init.h":    fmt.Sprintf(lwipInit, 2, "0"),
		// A library that redefines ESP-IDF's macros as a fallback.
		"lib/compat/esp_idf_version.h": "#ifndef ESP_IDF_VERSION_MAJOR\n#define ESP_IDF_VERSION_MAJOR 3\n#endif\n",
		// An unsubstituted template is not a version.
		"mqtt/paho.mqtt.c/src/VersionInfo.h": "#define CLIENT_VERSION \"@CLIENT_VERSION@\"\n",
		"mqtt/paho.mqtt.c/src/MQTTClient.c":  "",
		// Versioned folder in .git must be skipped.
		".git/modules/x/include/mbedtls/build_info.h": mbedtls3,
	})
	// A symbolic link to a library folder must not be followed.
	if err := os.Symlink(filepath.Join(dir, "third_party", "mbedtls"), filepath.Join(dir, "mbedtls-link")); err != nil {
		t.Logf("symlink not created: %v", err)
	}
	return dir
}

func byPath(doc *sbom.Document) map[string]*sbom.Component {
	m := map[string]*sbom.Component{}
	for _, c := range doc.Components {
		p, _ := c.Property(PropPath)
		m[c.Name+" "+p] = c
	}
	return m
}

func TestScan(t *testing.T) {
	dir := testTree(t)
	doc, st, err := ScanStats(context.Background(), dir, Options{Name: "device-fw"})
	if err != nil {
		t.Fatal(err)
	}
	got := byPath(doc)
	var keys []string
	for k, c := range got {
		keys = append(keys, k+" @"+c.Version)
	}
	sort.Strings(keys)
	want := []string{
		"cjson lib/cJSON @1.7.18",
		"esp-idf esp-idf @5.1.2",
		"fatfs fs/fatfs/source @R0.15",
		"fatfs fs/oldfat/src @R0.14a",
		"fatfs fs/unknownfat @",
		"freertos-kernel rtos/FreeRTOS-Kernel @10.5.1",
		"littlefs fs/littlefs @2.9",
		"lwip esp-idf/components/lwip/lwip @2.2.3d",
		"lwip third_party/lwip @2.1.3",
		"mbedtls bootloader/crypto/mbedtls @2.28.8",
		"mbedtls third_party/mbedtls @3.6.0",
		"nanopb proto/nanopb @0.4.8",
		"stm32f4xx-hal-driver Drivers/STM32F4xx_HAL_Driver @1.8.3",
		"zephyr zephyr @3.7.0-rc1",
	}
	if strings.Join(keys, "\n") != strings.Join(want, "\n") {
		t.Fatalf("components:\n%s\nwant:\n%s", strings.Join(keys, "\n"), strings.Join(want, "\n"))
	}
	if st.Hits != len(want) || st.Files < 30 {
		t.Errorf("stats %+v", st)
	}
	if doc.Primary == nil || doc.Primary.Name != "device-fw" || doc.Format != KindSourceTree {
		t.Errorf("primary %+v format %q", doc.Primary, doc.Format)
	}

	m := got["mbedtls third_party/mbedtls"]
	if m.CPE != "cpe:2.3:a:arm:mbed_tls:3.6.0:*:*:*:*:*:*:*" || m.PURL != "pkg:github/mbed-tls/mbedtls@3.6.0" {
		t.Errorf("mbedtls ids: %q %q", m.CPE, m.PURL)
	}
	if v, _ := m.Property(PropIgnoredCopies); v != "third_party/mbedtls/tests/fake" {
		t.Errorf("ignored copies = %q", v)
	}
	if v, _ := m.Property(PropEvidence); !strings.HasPrefix(v, "third_party/mbedtls/include/mbedtls/build_info.h:14 MBEDTLS_VERSION_STRING=\"3.6.0\"") {
		t.Errorf("evidence = %q", v)
	}
	if v, _ := m.Property(PropModified); v != ModifiedUnknown {
		t.Errorf("modified = %q", v)
	}
	if len(m.Origins) != 1 || m.Origins[0].Line != 14 || !strings.HasSuffix(m.Origins[0].File, filepath.FromSlash("include/mbedtls/build_info.h")) {
		t.Errorf("origins %+v", m.Origins)
	}

	// Nesting: ESP-IDF carries its lwIP.
	l := got["lwip esp-idf/components/lwip/lwip"]
	if v, _ := l.Property(PropCarrier); v != "vendored:esp-idf@esp-idf" {
		t.Errorf("carrier = %q", v)
	}
	if l.CPE != "cpe:2.3:a:lwip_project:lwip:2.2.3d:*:*:*:*:*:*:*" {
		t.Errorf("lwip cpe %q", l.CPE)
	}
	deps := map[string][]string{}
	for _, d := range doc.Dependencies {
		deps[d.Ref] = d.DependsOn
	}
	if fmt.Sprint(deps["vendored:esp-idf@esp-idf"]) != "[vendored:lwip@esp-idf/components/lwip/lwip]" {
		t.Errorf("esp-idf deps %v", deps["vendored:esp-idf@esp-idf"])
	}
	if len(deps["source-tree"]) != len(want)-1 {
		t.Errorf("primary deps %v", deps["source-tree"])
	}

	// Pristine comparisons.
	cj := got["cjson lib/cJSON"]
	if v, _ := cj.Property(PropModified); v != ModifiedTrue {
		t.Errorf("cjson modified = %q", v)
	}
	if v, _ := cj.Property(PropChangedFiles); v != "D README.md; M cJSON.c; A extra.c" {
		t.Errorf("cjson changes = %q", v)
	}
	lf := got["littlefs fs/littlefs"]
	if v, _ := lf.Property(PropModified); v != ModifiedFalse {
		t.Errorf("littlefs modified = %q", v)
	}
	if v, _ := lf.Property(PropPristine); v != "fs/littlefs.tar.gz" {
		t.Errorf("littlefs reference = %q", v)
	}

	// FatFs: unknown revision ID -> no version, low confidence, evidence kept.
	uf := got["fatfs fs/unknownfat"]
	if v, _ := uf.Property(PropConfidence); v != "low" || uf.PURL != "pkg:generic/fatfs" {
		t.Errorf("unknown fatfs: confidence %q purl %q", v, uf.PURL)
	}
	if hal := got["stm32f4xx-hal-driver Drivers/STM32F4xx_HAL_Driver"]; hal.PURL != "pkg:github/stmicroelectronics/stm32f4xx-hal-driver@1.8.3" || hal.CPE != "" {
		t.Errorf("hal ids %q %q", hal.PURL, hal.CPE)
	}
	if z := got["zephyr zephyr"]; z.Type != sbom.TypeOperatingSystem || z.CPE != "cpe:2.3:o:zephyrproject:zephyr:3.7.0-rc1:*:*:*:*:*:*:*" {
		t.Errorf("zephyr %q %q", z.Type, z.CPE)
	}
}

func TestScanDeterministic(t *testing.T) {
	dir := testTree(t)
	a, err := Scan(context.Background(), dir, Options{Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Scan(context.Background(), dir, Options{Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprintf("%+v %+v", a.Components, a.Dependencies) == "" || fmt.Sprint(a.Dependencies) != fmt.Sprint(b.Dependencies) {
		t.Fatal("dependencies differ between runs")
	}
	for i := range a.Components {
		if fmt.Sprint(*a.Components[i]) != fmt.Sprint(*b.Components[i]) {
			t.Fatalf("component %d differs", i)
		}
	}
}

func TestScanAuxCopyKeptLowConfidence(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"tests/fixtures/cjson/cJSON.h": "#define CJSON_VERSION_MAJOR 0\n#define CJSON_VERSION_MINOR 0\n#define CJSON_VERSION_PATCH 1\n",
		"tests/fixtures/cjson/cJSON.c": "",
	})
	doc, err := Scan(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Components) != 1 {
		t.Fatalf("got %d components", len(doc.Components))
	}
	if v, _ := doc.Components[0].Property(PropConfidence); v != "low" {
		t.Errorf("confidence %q", v)
	}
}

func TestScanLimits(t *testing.T) {
	dir := testTree(t)
	_, err := Scan(context.Background(), dir, Options{MaxFiles: 5})
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("MaxFiles: err = %v", err)
	}
	_, err = Scan(context.Background(), dir, Options{MaxDepth: 2})
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("MaxDepth: err = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	big := t.TempDir()
	files := map[string]string{}
	for i := 0; i < 5000; i++ {
		files[fmt.Sprintf("d%d/f%d.c", i%50, i)] = ""
	}
	writeTree(t, big, files)
	if _, err := Scan(ctx, big, Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: err = %v", err)
	}
	if _, err := Scan(context.Background(), filepath.Join(dir, "missing"), Options{}); err == nil {
		t.Fatal("missing root: no error")
	}
}

func TestParseSHA256Sums(t *testing.T) {
	good := sha("a") + "  a.c\n\n# comment\n" + sha("b") + " *dir/b.h\r\n"
	m, err := ParseSHA256Sums([]byte(good))
	if err != nil || len(m) != 2 || m["dir/b.h"] != sha("b") {
		t.Fatalf("%v %v", m, err)
	}
	for _, bad := range []string{
		"zz  a.c\n",
		sha("a") + "  ../etc/passwd\n",
		sha("a") + "  /abs\n",
		strings.Repeat("g", 64) + "  a\n",
	} {
		if _, err := ParseSHA256Sums([]byte(bad)); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
}

func TestReadTarballSums(t *testing.T) {
	data := tarGz(t, "pkg-1.0/", map[string]string{"a.c": "A", "inc/b.h": "B"})
	m, err := ReadTarballSums(bytes.NewReader(data), 1<<20)
	if err != nil || m["a.c"] != sha("A") || m["inc/b.h"] != sha("B") {
		t.Fatalf("%v %v", m, err)
	}
	if _, err := ReadTarballSums(bytes.NewReader(data), 1); !errors.Is(err, ErrLimit) {
		t.Fatalf("limit: %v", err)
	}
	if _, err := ReadTarballSums(strings.NewReader("not gzip"), 1<<20); err == nil {
		t.Fatal("no error for garbage")
	}
}

func TestParseRules(t *testing.T) {
	tab := DefaultRules()
	if len(tab.Rules()) < 20 {
		t.Fatalf("only %d rules", len(tab.Rules()))
	}
	for _, bad := range []string{
		`[{"id":"a","name":"a","purl":"pkg:generic/a","files":[]}]`,
		`[{"id":"a","name":"a","purl":"pkg:generic/a@1","files":[{"path":"a.h","versions":[{"string":"A"}]}]}]`,
		`[{"id":"a","name":"a","purl":"pkg:generic/a","files":[{"path":"../a.h","versions":[{"string":"A"}]}]}]`,
		`[{"id":"a","name":"a","purl":"pkg:generic/a","files":[{"path":"a.h","versions":[{"string":"A","parts":["B"]}]}]}]`,
		`[{"id":"a","name":"a","purl":"pkg:generic/a","files":[{"path":"a.h","versions":[{"string":"A","pattern":"("}]}]}]`,
		`[{"id":"a","name":"a","purl":"pkg:generic/a","files":[{"path":"*/a.h","versions":[{"string":"A"}]}]}]`,
		`[{"id":"a","name":"a","purl":"pkg:generic/a","files":[{"path":"a.h","versions":[{"hex":"A"}]}]}]`,
		`[{"id":"a","name":"a","purl":"pkg:generic/a","cpe":{"part":"a"},"files":[{"path":"a.h","versions":[{"string":"A"}]}]}]`,
	} {
		if _, err := ParseRules([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

func TestLicenseFromSPDXTag(t *testing.T) {
	for head, want := range map[string]string{
		"/*\n *  Copyright The Mbed TLS Contributors\n *  SPDX-License-Identifier: Apache-2.0 OR GPL-2.0-or-later\n */\n": "Apache-2.0 OR GPL-2.0-or-later",
		"// SPDX-License-Identifier: MIT\n#define X 1\n":                                                                  "MIT",
		"/* SPDX-License-Identifier: BSD-3-Clause */\n":                                                                   "BSD-3-Clause",
		"#define NO_TAG 1\n": "",
	} {
		if got := spdxLicenseID([]byte(head)); got != want {
			t.Errorf("spdxLicenseID(%q) = %q, want %q", head, got, want)
		}
	}
}
