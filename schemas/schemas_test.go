package schemas

import (
	"strings"
	"testing"

	"github.com/premarket/premarket/yamlpos"
)

func validate(t *testing.T, src string) []*Violation {
	t.Helper()
	doc, err := yamlpos.Parse("premarket.yaml", []byte(src), yamlpos.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := Validate("premarket.schema.json", doc)
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

// TestEveryEmbeddedSchemaCompiles guards against a schema that only fails
// when a user first needs it.
func TestEveryEmbeddedSchemaCompiles(t *testing.T) {
	for _, name := range []string{"premarket.schema.json", "components.schema.json", "threatmodel.schema.json"} {
		if _, err := Compile(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestViolationsAreLocated(t *testing.T) {
	vs := validate(t, "premarketVersion: 1\ndevice:\n  name: Pump\n  colour: red\n")
	var unknown, missing *Violation
	for _, v := range vs {
		if strings.Contains(v.Err.Error(), `unknown field "colour"`) {
			unknown = v
		}
		if strings.Contains(v.Path, "device.softwareVersion") {
			missing = v
		}
	}
	if unknown == nil || unknown.Line != 4 || unknown.Column != 3 || unknown.Path != "device.colour" {
		t.Fatalf("unknown-field violation = %+v in %v", unknown, vs)
	}
	if missing == nil || missing.Line != 3 {
		t.Fatalf("missing-property violation = %+v in %v", missing, vs)
	}
}

func TestExtensionKeysAllowed(t *testing.T) {
	for _, v := range validate(t, "premarketVersion: 1\nx-team: blue\ndevice:\n  name: P\n  x-note: ok\n") {
		if strings.Contains(v.Err.Error(), "x-") {
			t.Fatalf("x- key refused: %v", v)
		}
	}
}

func TestRefsNeverLeaveTheBinary(t *testing.T) {
	if _, err := open("no-such.schema.json"); err == nil {
		t.Fatal("opened a schema that is not embedded")
	}
}

// TestKeysWithSpacesAndEscapes: instance locations reach messages and
// positions unescaped, whatever the key contains (the validator escapes
// pointer tokens like URL paths).
func TestKeysWithSpacesAndEscapes(t *testing.T) {
	src := `dtmVersion: "0.1"
model:
  controlCategoryNotes:
    credential stuffing: note
    "100%25 a/b~c": note
`
	doc, err := yamlpos.Parse("tm.yaml", []byte(src), yamlpos.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := Validate("threatmodel.schema.json", doc)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"model.controlCategoryNotes.credential stuffing": 4,
		"model.controlCategoryNotes.100%25 a/b~c":        5,
	}
	for _, v := range vs {
		if strings.Contains(v.Path, "%20") || strings.Contains(v.Path, "~1") || strings.Contains(v.Path, "%2F") {
			t.Errorf("escaped path %q", v.Path)
		}
		if l, ok := want[v.Path]; ok && v.Line == l && v.Column == 5 {
			delete(want, v.Path)
		}
	}
	if len(want) > 0 {
		t.Errorf("not located at their keys: %v; got %v", want, vs)
	}
}
