// Package cyclonedx embeds the official CycloneDX JSON Schemas (BOM 1.2 to
// 1.7 with the SPDX licence-id and JSF signature schemas they refer to) and
// compiles them offline.
//
// The schema files are copied verbatim from the pinned
// github.com/CycloneDX/cyclonedx-go module by `go generate` (see gen/); they
// are CycloneDX's, published under the Apache License 2.0 (LICENSE and
// NOTICE in this directory).
package cyclonedx

//go:generate go run ./gen

import (
	"bytes"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

//go:embed *.schema.json LICENSE NOTICE
var files embed.FS

// FS exposes the embedded schema files and their licence.
func FS() fs.FS { return files }

// idBase is the base of every CycloneDX schema's $id; the BOM schemas refer
// to their siblings relatively ("spdx.schema.json"), which resolves against
// it.
const idBase = "http://cyclonedx.org/schema/"

// cryptoDefsStandIn replaces cryptography-defs.schema.json, which bom-1.7
// refers to for two enumerations (algorithm families and elliptic curves)
// but which cyclonedx-go v0.12.0 does not ship. It is premarket's own,
// deliberately permissive text: those two fields are checked as strings
// only. Everything else in the 1.7 schema is enforced as published.
const cryptoDefsStandIn = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "$id": "http://cyclonedx.org/schema/cryptography-defs.schema.json",
  "$comment": "premarket stand-in: the official file is not shipped by cyclonedx-go; these enumerations are checked as strings only.",
  "definitions": {
    "algorithmFamiliesEnum": {"type": "string"},
    "ellipticCurvesEnum": {"type": "string"}
  }
}`

// Versions lists the spec versions with an embedded schema, oldest first.
var versions = []string{"1.2", "1.3", "1.4", "1.5", "1.6", "1.7"}

// Versions returns the spec versions that have an embedded schema.
func Versions() []string { return append([]string(nil), versions...) }

// compiled caches one compiled schema per version. Compiled schemas are
// immutable, so sharing them is safe.
var compiled = func() map[string]func() (*jsonschema.Schema, error) {
	m := map[string]func() (*jsonschema.Schema, error){}
	for _, v := range versions {
		m[v] = sync.OnceValues(func() (*jsonschema.Schema, error) { return compile(v) })
	}
	return m
}()

// Compile returns the compiled official schema of a spec version ("1.6").
func Compile(specVersion string) (*jsonschema.Schema, error) {
	f, ok := compiled[specVersion]
	if !ok {
		return nil, fmt.Errorf("no CycloneDX JSON schema for spec version %q (have %s)", specVersion, strings.Join(versions, ", "))
	}
	return f()
}

// itemSchemas caches the compiled item schemas of the BOM's top-level
// lists, per version and list.
var itemSchemas sync.Map // "1.6/components" -> func() (*jsonschema.Schema, error)

// CompileItems returns the compiled schema that every element of a
// top-level list of the BOM ("components", "dependencies", "services")
// must satisfy in a spec version: the schema at
// #/properties/<list>/items. Validating a long list's elements with it,
// concurrently, is what validating the list inside the whole document
// does, apart from the list's own keywords (type, uniqueItems).
func CompileItems(specVersion, list string) (*jsonschema.Schema, error) {
	if _, ok := compiled[specVersion]; !ok {
		return nil, fmt.Errorf("no CycloneDX JSON schema for spec version %q (have %s)", specVersion, strings.Join(versions, ", "))
	}
	f, _ := itemSchemas.LoadOrStore(specVersion+"/"+list, sync.OnceValues(func() (*jsonschema.Schema, error) {
		return compileAt(specVersion, "#/properties/"+list+"/items")
	}))
	return f.(func() (*jsonschema.Schema, error))()
}

func compile(specVersion string) (*jsonschema.Schema, error) {
	return compileAt(specVersion, "")
}

func compileAt(specVersion, fragment string) (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	// The CycloneDX schemas all declare draft-07 in $schema; the default
	// only matters for a file without one.
	c.Draft = jsonschema.Draft7
	c.AssertFormat = true
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".schema.json") {
			continue
		}
		b, err := fs.ReadFile(files, e.Name())
		if err != nil {
			return nil, err
		}
		if err := c.AddResource(idBase+e.Name(), bytes.NewReader(b)); err != nil {
			return nil, fmt.Errorf("embedded schema %s: %w", e.Name(), err)
		}
	}
	if err := c.AddResource(idBase+"cryptography-defs.schema.json", strings.NewReader(cryptoDefsStandIn)); err != nil {
		return nil, err
	}
	c.LoadURL = func(u string) (io.ReadCloser, error) {
		return nil, fmt.Errorf("CycloneDX schema refers to %s, which is not embedded (premarket never fetches schemas)", u)
	}
	s, err := c.Compile(idBase + "bom-" + specVersion + ".schema.json" + fragment)
	if err != nil {
		return nil, fmt.Errorf("compile CycloneDX %s schema: %w", specVersion, err)
	}
	return s, nil
}
