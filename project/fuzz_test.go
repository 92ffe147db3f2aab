package project

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the premarket.yaml loader: it must
// return a project or an error, never panic, whatever the schema lets
// through to the decoder.
func FuzzParse(f *testing.F) {
	for _, name := range []string{
		filepath.Join(exampleDir, FileName),
		filepath.Join("testdata", "minimal", FileName),
		filepath.Join("testdata", "broken", FileName),
	} {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("premarketVersion: 1\ntesting: {x-a: [1], tools: [{name: a, version: 1.10}]}\ndocuments: {DOC-01: a}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("proj", data)
		if err == nil && p == nil {
			t.Fatal("nil project without error")
		}
	})
}

// FuzzParseComponents does the same for components.yaml.
func FuzzParseComponents(f *testing.F) {
	// The start of the example only: minimising a 20 KB seed takes the
	// fuzzer minutes per new input.
	if b, err := os.ReadFile(filepath.Join(exampleDir, "components.yaml")); err == nil {
		if i := nthIndex(string(b), "\n  - match:", 4); i > 0 {
			f.Add(b[:i+1])
		}
	}
	f.Add([]byte(applySrc))
	f.Add([]byte("components:\n  - match: {name: a, version: \"[\"}\n    supportLevel: abandoned\n    justification: x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sd, err := ParseComponents("components.yaml", data)
		if err != nil {
			return
		}
		if sd == nil {
			t.Fatal("nil support data without error")
		}
		sd.Apply(exampleDocForFuzz())
	})
}

// nthIndex returns the index of the n-th occurrence of sub in s, or -1.
func nthIndex(s, sub string, n int) int {
	off := 0
	for ; n > 0; n-- {
		i := strings.Index(s[off:], sub)
		if i < 0 {
			return -1
		}
		off += i + len(sub)
	}
	return off - len(sub)
}
