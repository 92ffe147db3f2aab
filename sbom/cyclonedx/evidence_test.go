package cyclonedx

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/premarket/premarket/sbom"
)

func evidenceDoc() *sbom.Document {
	return &sbom.Document{
		Name: "fw", Timestamp: "2026-01-01T00:00:00Z",
		Components: []*sbom.Component{{
			Ref: "openssl@3.0.11", Type: sbom.TypeLibrary, Name: "openssl", Version: "3.0.11",
			PURL: "pkg:generic/openssl@3.0.11", CPE: "cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:*",
			Evidence: []sbom.Evidence{
				{Method: "binary-analysis", Confidence: 0.85, Location: "rootfs.tar!/usr/lib/libcrypto.so.3@0x1a2b#.rodata", Text: "OpenSSL 3.0.11 19 Sep 2023"},
				{Method: "binary-analysis", Confidence: 0.85, Location: "rootfs.tar!/usr/lib/libcrypto.so.3@0x2000#.rodata", Text: "OpenSSL 3.0.11 19 Sep 2023"},
				{Method: "filename", Confidence: 0.5, Location: "rootfs.tar!/usr/lib/libssl.so.3", Text: "libssl.so.3"},
				{Method: "soname-guess", Confidence: 1.5, Location: "odd@name#x/y"},
			},
		}},
	}
}

func TestEncodeEvidenceValidates(t *testing.T) {
	for _, v := range []string{"1.5", "1.6", "1.7"} {
		t.Run(v, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Encode(&buf, evidenceDoc(), EncodeOptions{SpecVersion: v}); err != nil {
				t.Fatal(err)
			}
			vs, err := ValidateJSON(v, buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range vs {
				t.Errorf("schema %s: %v", v, x)
			}
			var bom struct {
				Components []struct {
					Evidence struct {
						Identity    json.RawMessage `json:"identity"`
						Occurrences []struct {
							Location          string `json:"location"`
							Offset            *int   `json:"offset"`
							AdditionalContext string `json:"additionalContext"`
						} `json:"occurrences"`
					} `json:"evidence"`
				} `json:"components"`
			}
			if err := json.Unmarshal(buf.Bytes(), &bom); err != nil {
				t.Fatal(err)
			}
			ev := bom.Components[0].Evidence
			type method struct {
				Technique  string  `json:"technique"`
				Confidence float64 `json:"confidence"`
				Value      string  `json:"value"`
			}
			type identity struct {
				Field          string   `json:"field"`
				Confidence     float64  `json:"confidence"`
				ConcludedValue string   `json:"concludedValue"`
				Methods        []method `json:"methods"`
			}
			var id identity
			if v == "1.5" {
				if err := json.Unmarshal(ev.Identity, &id); err != nil {
					t.Fatalf("1.5 identity is not one object: %v: %s", err, ev.Identity)
				}
			} else {
				var ids []identity
				if err := json.Unmarshal(ev.Identity, &ids); err != nil || len(ids) != 1 {
					t.Fatalf("%s identity is not an array of one: %v: %s", v, err, ev.Identity)
				}
				id = ids[0]
				if id.ConcludedValue != "pkg:generic/openssl@3.0.11" {
					t.Errorf("concludedValue = %q", id.ConcludedValue)
				}
			}
			if id.Field != "purl" || id.Confidence != 1 {
				t.Errorf("identity = %+v", id)
			}
			want := []method{
				{"binary-analysis", 0.85, "OpenSSL 3.0.11 19 Sep 2023"},
				{"filename", 0.5, "libssl.so.3"},
				{"other", 1, ""},
			}
			if len(id.Methods) != len(want) {
				t.Fatalf("methods = %+v", id.Methods)
			}
			for i, m := range want {
				got := id.Methods[i]
				if got.Technique != m.Technique || got.Value != m.Value || got.Confidence < m.Confidence-1e-6 || got.Confidence > m.Confidence+1e-6 {
					t.Errorf("method %d = %+v, want %+v", i, got, m)
				}
			}
			locs := []string{"rootfs.tar!/usr/lib/libcrypto.so.3", "rootfs.tar!/usr/lib/libssl.so.3", "odd@name#x/y"}
			if len(ev.Occurrences) != len(locs) {
				t.Fatalf("occurrences = %+v", ev.Occurrences)
			}
			for i, l := range locs {
				if ev.Occurrences[i].Location != l {
					t.Errorf("occurrence %d = %q, want %q", i, ev.Occurrences[i].Location, l)
				}
			}
			o := ev.Occurrences[0]
			if v == "1.5" {
				if o.Offset != nil || o.AdditionalContext != "" {
					t.Errorf("1.5 occurrence has 1.6 fields: %+v", o)
				}
			} else if o.Offset == nil || *o.Offset != 0x1a2b || o.AdditionalContext != "ELF section .rodata" {
				t.Errorf("occurrence = %+v", o)
			}
		})
	}
}

func TestSplitEvidenceLocation(t *testing.T) {
	for _, tc := range []struct {
		in, file, section string
		off               int64
	}{
		{"a!/b@0x10#.text", "a!/b", ".text", 16},
		{"a!/b@0x10", "a!/b", "", 16},
		{"a!/b", "a!/b", "", -1},
		{"a@b!/c", "a@b!/c", "", -1},
		{"a!/b#c/d", "a!/b#c/d", "", -1},
		{"x@0xzz", "x@0xzz", "", -1},
	} {
		f, o, s := SplitEvidenceLocation(tc.in)
		if f != tc.file || o != tc.off || s != tc.section {
			t.Errorf("SplitEvidenceLocation(%q) = %q %d %q", tc.in, f, o, s)
		}
	}
}
