package binid

import (
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"encoding/binary"
	"io"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

// Compressed-stream magics the kernel's own decompressor table recognises
// (lib/decompress.c), with the full stream signature used here.
var streamMagics = []struct {
	name  string
	magic []byte
}{
	{"gzip", []byte{0x1f, 0x8b, 0x08}},
	{"xz", []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}},
	{"zstd", []byte{0x28, 0xb5, 0x2f, 0xfd}},
	{"lz4", []byte{0x02, 0x21, 0x4c, 0x18}}, // legacy frame, used by the kernel
	{"bzip2", []byte{'B', 'Z', 'h'}},
	{"lzma", []byte{0x5d, 0x00, 0x00}},
}

// kernelKind recognises a bootable Linux kernel image by its architecture
// header: x86 bzImage ("HdrS" at 0x202) or ARM zImage (0x016F2818 at
// 0x24). It returns "" for anything else.
func kernelKind(data []byte) string {
	switch {
	case len(data) > 0x250 && string(data[0x202:0x206]) == "HdrS":
		return "bzImage"
	case len(data) > 0x30 && binary.LittleEndian.Uint32(data[0x24:]) == 0x016f2818:
		return "zImage"
	}
	return ""
}

// kernelImage reads the version of a compressed kernel image: from the x86
// setup header's kernel_version string (uncompressed), and by finding the
// compressed vmlinux payload at its magic, decompressing it (bounded) and
// identifying the payload like any other file (the linux_banner,
// "Linux version ...", lives in its .rodata). It also returns the file
// range of the compressed payload that was decompressed (zero when none).
func (id *Identifier) kernelImage(st *fileState) ([]Match, [2]int) {
	var span [2]int
	kind := kernelKind(st.data)
	if kind == "" {
		return nil, span
	}
	var out []Match
	data := st.data
	region, regionStart := data, 0
	if kind == "bzImage" {
		// kernel_version (0x20E): pointer to a NUL-terminated string, less 0x200.
		if kv := int(binary.LittleEndian.Uint16(data[0x20e:])); kv != 0 && kv+0x200 < len(data) {
			s, _ := cString(data, kv+0x200, 200)
			if rel := strings.SplitN(string(s), " ", 2)[0]; rel != "" && parseVersion([]byte(rel), &grammarSpec{Grammar: grammarToken}) == len(rel) {
				if row := id.rowFor("linux"); row != nil {
					out = append(out, Match{Component: "linux", Version: rel, Type: row.Type, CPE: cpeName(row.CPE, rel), PURL: purlFor(row.PURL, rel),
						Confidence: 0.9, Signature: row.ID,
						Evidence: []Evidence{{File: st.name, Method: "kernel-header", Offset: int64(kv + 0x200), Section: "setup header kernel_version", Text: printable(s)}}})
				}
			}
		}
		// payload_offset/payload_length (protocol 2.08+) point straight at
		// the compressed payload inside the protected-mode code.
		setup := int(data[0x1f1])
		if setup == 0 {
			setup = 4
		}
		pm := (setup + 1) * 512
		po := int(binary.LittleEndian.Uint32(data[0x248:]))
		pl := int(binary.LittleEndian.Uint32(data[0x24c:]))
		if po > 0 && pl > 0 && pm+po < len(data) && pm+po+pl <= len(data) {
			region, regionStart = data[pm+po:pm+po+pl], pm+po
		}
	}
	tried := 0
	for off := 0; off < len(region) && tried < id.limits.MaxCandidates; {
		next, method := -1, ""
		for _, m := range streamMagics {
			if i := bytes.Index(region[off:], m.magic); i >= 0 && (next < 0 || off+i < next) {
				next, method = off+i, m.name
			}
		}
		if next < 0 {
			break
		}
		tried++
		payload := decompress(method, region[next:], id.limits.MaxDecompressed)
		if bytes.Contains(payload, []byte("Linux version ")) {
			base := int64(regionStart + next)
			span = [2]int{regionStart + next, regionStart + len(region)}
			for _, m := range id.identify(st.name+"!vmlinux", payload, 1) {
				m.Evidence = append(m.Evidence, Evidence{File: st.name, Method: "kernel-payload", Offset: base, Text: method + "-compressed " + kind + " payload, " + itoa(len(payload)) + " bytes decompressed"})
				out = append(out, m)
			}
			break
		}
		off = next + 1
	}
	return mergeSame(out), span
}

// mergeSame folds matches with the same component, version and signature
// (the setup header and the banner agree) into one.
func mergeSame(ms []Match) []Match {
	var out []Match
	for _, m := range ms {
		merged := false
		for i := range out {
			if out[i].Component == m.Component && out[i].Version == m.Version && out[i].Signature == m.Signature {
				out[i].Evidence = append(out[i].Evidence, m.Evidence...)
				if m.Confidence > out[i].Confidence {
					out[i].Confidence = m.Confidence
				}
				out[i].Confidence += 0.05
				if out[i].Confidence > 1 {
					out[i].Confidence = 1
				}
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, m)
		}
	}
	return out
}

// decompress reads one stream of the given method from b, at most max
// bytes; trailing data after the stream is ignored and a truncated or
// corrupt stream yields what was decoded before the error.
func decompress(method string, b []byte, max int64) []byte {
	var r io.Reader
	var err error
	src := bytes.NewReader(b)
	switch method {
	case "gzip":
		var z *gzip.Reader
		if z, err = gzip.NewReader(src); err == nil {
			z.Multistream(false)
			r = z
		}
	case "xz":
		var x *xz.Reader
		if x, err = xz.NewReader(src); err == nil {
			x.SingleStream = true
			r = x
		}
	case "lzma":
		r, err = lzma.NewReader(src)
	case "zstd":
		var d *zstd.Decoder
		if d, err = zstd.NewReader(src, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(uint64(max))); err == nil {
			defer d.Close()
			r = d
		}
	case "lz4":
		r = lz4.NewReader(src)
	case "bzip2":
		r = bzip2.NewReader(src)
	}
	if err != nil || r == nil {
		return nil
	}
	var buf bytes.Buffer
	_, _ = io.Copy(&buf, io.LimitReader(r, max))
	return buf.Bytes()
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
