package spdx

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/premarket/premarket/internal/jsonpos"
	"github.com/premarket/premarket/sbom"
)

// JSONReader reads SPDX 2.2 and 2.3 JSON (kind "spdx-json").
type JSONReader struct{ Options ReadOptions }

var _ sbom.Reader = (*JSONReader)(nil)

// Kind implements sbom.Reader.
func (*JSONReader) Kind() string { return KindJSON }

// jsonMarker finds "spdxVersion": "SPDX-2.x", or the document's own
// "SPDXID": "SPDXRef-DOCUMENT": writers that sort keys (Yocto's
// create-spdx) put spdxVersion at the very end of a large file, beyond the
// head that detection sees.
var jsonMarker = regexp.MustCompile(`"spdxVersion"\s*:\s*"SPDX-2\.|^\{\s*"SPDXID"\s*:\s*"SPDXRef-DOCUMENT"`)

// Detect implements sbom.Reader: a JSON object with "spdxVersion": "SPDX-2.x"
// or, first, "SPDXID": "SPDXRef-DOCUMENT".
func (*JSONReader) Detect(_ string, head []byte) bool {
	t := bytes.TrimLeft(head, " \t\r\n\ufeff")
	return len(t) > 0 && t[0] == '{' && jsonMarker.Match(t)
}

// Read implements sbom.Reader.
func (r *JSONReader) Read(ctx context.Context, name string, data []byte) (*sbom.Document, error) {
	perr := func(line int, err error) error {
		return &sbom.ParseError{Kind: "SPDX JSON", File: name, Line: line, Err: err}
	}
	if err := sbom.CheckInput("SPDX JSON", name, data, r.Options.maxBytes()); err != nil {
		return nil, err
	}
	var d document
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, perr(jsonErr(data, err))
	}
	if !strings.HasPrefix(d.SPDXVersion, "SPDX-2.") {
		return nil, perr(jsonpos.KeyLine(data, "spdxVersion"), fmt.Errorf("spdxVersion is %q, want SPDX-2.2 or SPDX-2.3", d.SPDXVersion))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	idx := jsonpos.NewIndex(data)
	pos := jsonPositions(data)
	at := func(path string) (int, int) {
		off, ok := pos[path]
		if !ok {
			return 0, 0
		}
		return idx.At(off)
	}
	return toDocument(&d, name, KindJSON, r.Options, at), nil
}

// jsonErr locates a decoding error.
func jsonErr(data []byte, err error) (int, error) {
	if line, msg, ok := jsonpos.Describe(data, err); ok {
		return line, msg
	}
	return 0, fmt.Errorf("not valid SPDX JSON: %w", err)
}

// jsonPositions returns the byte offset of each packages[i] and files[i]
// object of the top-level object. Best effort: the document has already
// been decoded, so errors here only lose positions.
func jsonPositions(data []byte) map[string]int64 {
	out := map[string]int64{}
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return out
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return out
		}
		key, _ := kt.(string)
		if key != "packages" && key != "files" {
			var raw json.RawMessage
			if dec.Decode(&raw) != nil {
				return out
			}
			continue
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return out
		}
		for i := 0; dec.More(); i++ {
			// InputOffset is where the next value starts, after any
			// whitespace and the separating comma.
			start := dec.InputOffset()
			var raw json.RawMessage
			if dec.Decode(&raw) != nil {
				return out
			}
			end := dec.InputOffset()
			if j := bytes.IndexByte(data[start:end], '{'); j >= 0 {
				start += int64(j)
			}
			out[key+"["+strconv.Itoa(i)+"]"] = start
		}
		if _, err := dec.Token(); err != nil {
			return out
		}
	}
	return out
}
