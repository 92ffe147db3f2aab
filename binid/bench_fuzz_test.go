package binid

import (
	"debug/elf"
	"io/fs"
	"math/rand"
	"strings"
	"testing"

	"github.com/premarket/premarket/imagescan"
)

// mixedData builds n bytes of mixed content: pseudo-random bytes (like
// compressed or machine code), English-like text (like .rodata and
// scripts), zero runs (like .bss padding), with real anchors and
// near-misses sprinkled every 256 KiB.
func mixedData(n int) []byte {
	r := rand.New(rand.NewSource(1))
	words := strings.Fields("the of and to in is for on that with version Linux OpenSSL library error file %s %d copyright daemon server client config")
	sprinkle := []string{"OpenSSL 3.0.2 15 Mar 2022", "BusyBox v1.36.1 (2023-07-27)", "Linux version 6.1.0 (x@y)", "nginx/1.25.1", "OpenSSL 3.0", "U-Boot 2023", "expat_2.5.0", "Qt 5.15.2 (x86_64"}
	b := make([]byte, 0, n)
	for len(b) < n {
		switch r.Intn(3) {
		case 0:
			for i := 0; i < 4096; i++ {
				b = append(b, byte(r.Intn(256)))
			}
		case 1:
			for i := 0; i < 600; i++ {
				b = append(b, words[r.Intn(len(words))]...)
				b = append(b, " \x00\n"[r.Intn(3)])
			}
		case 2:
			b = append(b, make([]byte, 2048)...)
		}
		if len(b)/(256<<10) != (len(b)-4096)/(256<<10) {
			b = append(b, 0)
			b = append(b, sprinkle[r.Intn(len(sprinkle))]...)
			b = append(b, 0)
		}
	}
	return b[:n]
}

// BenchmarkIdentify measures the whole per-file pipeline (matcher and
// verification) over 64 MiB of mixed data.
func BenchmarkIdentify(b *testing.B) {
	id := newID(b)
	data := mixedData(64 << 20)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id.Identify("/blob.bin", data)
	}
}

// BenchmarkMatcher measures the Aho–Corasick scan alone.
func BenchmarkMatcher(b *testing.B) {
	id := newID(b)
	data := mixedData(64 << 20)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		id.matcher.scan(data, func(int, int) bool { n++; return true })
	}
}

// FuzzIdentify: Identify must not panic on any input, whatever its name.
func FuzzIdentify(f *testing.F) {
	for _, c := range sigCases() {
		f.Add(c.file, c.data)
	}
	f.Add("/usr/lib/libz.so.1", buildELF(elf.ET_DYN, append(dynSections("libz.so.1", "libc.so.6"), rodata(" deflate 1.2.13 Copyright x"), buildIDNote([]byte{1, 2, 3}))))
	f.Add("/x.ko", buildELF(elf.ET_REL, []testSection{{name: ".modinfo", typ: elf.SHT_PROGBITS, data: []byte("vermagic=6.1.0 SMP \x00")}}))
	f.Add("/app", buildELF(elf.ET_DYN, []testSection{{name: ".dep-v0", typ: elf.SHT_PROGBITS, data: zlibBytes([]byte(`{"packages":[{"name":"a","version":"1"}]}`))}}))
	bz := make([]byte, 0x300)
	copy(bz[0x202:], "HdrS")
	bz[0x20e] = 0x10
	copy(bz[0x280:], []byte{0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0})
	f.Add("/boot/vmlinuz", bz)
	id := newID(f)
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		for _, m := range id.Identify(name, data) {
			if m.Component == "" || m.Confidence < 0 || m.Confidence > 1 {
				t.Fatalf("bad match %+v", m)
			}
		}
	})
}

func TestCollectorAndComponents(t *testing.T) {
	id := newID(t)
	c := id.Collector()
	var v imagescan.Visitor = c
	files := []struct {
		path string
		data []byte
	}{
		{"fw.img!/usr/lib/libcrypto.so.3", blob("OpenSSL 3.0.11 19 Sep 2023")},
		{"fw.img!/usr/lib/libssl.so.3", buildELF(elf.ET_DYN, append(dynSections("libssl.so.3", "libcrypto.so.3"), rodata("SSL_new")))},
		{"fw.img!/bin/busybox", blob("BusyBox v1.36.1 (2023-07-27 12:00:00 UTC)")},
		{"fw.img!/bin/sh", nil}, // symlink: no content
	}
	for _, f := range files {
		mode := fs.FileMode(0o755)
		if f.data == nil {
			mode = fs.ModeSymlink
		}
		name := f.path[strings.Index(f.path, "!")+1:]
		if err := v.VisitFile(&imagescan.File{Path: f.path, Name: name, Root: "fw.img", Mode: mode, Size: int64(len(f.data))}, f.data); err != nil {
			t.Fatal(err)
		}
	}
	found := c.Found()
	if len(found) != 3 {
		t.Fatalf("found %d matches: %+v", len(found), found)
	}
	comps := Components(found)
	if len(comps) != 2 {
		for _, c := range comps {
			t.Logf("%s %s %v", c.Name, c.Version, c.Origins)
		}
		t.Fatalf("want busybox and one openssl (libssl.so.3 folded into libcrypto's 3.0.11), got %d", len(comps))
	}
	ossl := comps[1]
	if ossl.Name != "openssl" || ossl.Version != "3.0.11" || ossl.PURL != "pkg:generic/openssl@3.0.11" || len(ossl.Origins) != 2 {
		t.Fatalf("openssl component %+v", ossl)
	}
	if ossl.Evidence[0].Method != "binary-analysis" || !strings.HasPrefix(ossl.Evidence[0].Location, "fw.img!/usr/lib/libcrypto.so.3@0x") || ossl.Evidence[0].Text != "OpenSSL 3.0.11 19 Sep 2023" {
		t.Errorf("evidence %+v", ossl.Evidence[0])
	}
	if v, _ := ossl.Property("premarket:binid:confidence"); v != "0.95" {
		t.Errorf("confidence property %q", v)
	}
	if comps[0].Name != "busybox" || comps[0].Type != "application" || comps[0].Origins[0].Kind != OriginKind {
		t.Errorf("busybox component %+v", comps[0])
	}
}
