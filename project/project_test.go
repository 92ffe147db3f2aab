package project

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// exampleDir is the example device shipped with the repository.
var exampleDir = filepath.Join("..", "examples", "infusion-pump")

func TestLoadExample(t *testing.T) {
	p, err := Load(exampleDir)
	if err != nil {
		t.Fatalf("example project does not load:\n%v", err)
	}
	if p.Device.Name != "InsuLink" || p.Device.SoftwareVersion != "2.1.0" || p.Device.Type != "firmware" {
		t.Errorf("device = %+v", p.Device)
	}
	if !p.Submission.CyberDevice || !p.Submission.Subject524B() || p.Submission.Type != "510(k)" {
		t.Errorf("submission = %+v", p.Submission)
	}
	if p.SBOM.Supplier != p.Manufacturer.Name {
		t.Errorf("sbom.supplier default = %q, want manufacturer %q", p.SBOM.Supplier, p.Manufacturer.Name)
	}
	if len(p.SBOM.Inputs) != 2 {
		t.Fatalf("inputs = %+v", p.SBOM.Inputs)
	}
	want := filepath.Join(exampleDir, "build", "license.manifest")
	if p.SBOM.Inputs[0].Path != want {
		t.Errorf("input path = %q, want %q (resolved against the project dir)", p.SBOM.Inputs[0].Path, want)
	}
	if p.SBOM.Inputs[0].Line == 0 {
		t.Error("input has no line")
	}
	for _, f := range []string{p.SBOM.Inputs[0].Path, p.SBOM.Inputs[1].Path, p.SBOM.Components} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("example references %s: %v", f, err)
		}
	}
	if p.ThreatModel == nil || p.ThreatModel.Path != filepath.Join(exampleDir, "threatmodel.yaml") {
		t.Errorf("threatModel = %+v", p.ThreatModel)
	}
	if m := p.MissingFiles(); len(m) != 0 {
		t.Errorf("example references missing files: %v", m)
	}
	// The example leaves some items out or missing on purpose.
	if it, ok := p.Labeling["LBL-13"]; !ok || it.Status != StatusMissing {
		t.Errorf("LBL-13 = %+v, want missing", it)
	}
	if _, ok := p.Labeling["LBL-12"]; ok {
		t.Error("LBL-12 should be absent from the example")
	}
	if it := p.Labeling["LBL-9"]; it.Status != StatusNotApplicable || it.Reason == "" || it.Line == 0 {
		t.Errorf("LBL-9 = %+v", it)
	}
	if _, ok := p.ManagementPlan["CMP-9"]; ok {
		t.Error("CMP-9 should be absent from the example")
	}
	if p.Testing == nil || p.Testing.Items["PT-5"].Status != StatusPartial || len(p.Testing.Tools) == 0 {
		t.Errorf("testing = %+v", p.Testing)
	}
	if _, ok := p.Testing.Items["tools"]; ok {
		t.Error("tools decoded as an item")
	}
	if d := p.Documents["DOC-06"]; d.Status != StatusProvided || d.Reference == "" {
		t.Errorf("DOC-06 shorthand = %+v", d)
	}
	if d := p.Documents["DOC-08"]; d.Status != StatusMissing {
		t.Errorf("DOC-08 = %+v", d)
	}
	if p.Submission.DocumentName != "InsuLink Cybersecurity Evidence Pack" {
		t.Errorf("documentName = %q", p.Submission.DocumentName)
	}
}

func TestLoadMinimal(t *testing.T) {
	dir := filepath.Join("testdata", "minimal")
	p, err := Load(dir)
	if err != nil {
		t.Fatalf("minimal project: %v", err)
	}
	if p.Submission.DocumentName != DefaultDocumentName {
		t.Errorf("documentName default = %q", p.Submission.DocumentName)
	}
	if p.Submission.Subject524B() {
		t.Error("a device that is not a cyber device is not subject to 524B")
	}
	if p.SBOM.Inputs[0].Path != "/abs/manifest.csv" || p.SBOM.Inputs[0].Kind != "buildroot-manifest" {
		t.Errorf("absolute input changed: %+v", p.SBOM.Inputs[0])
	}
	if p.ThreatModel.Path != filepath.Join(dir, "tm", "model.yaml") {
		t.Errorf("threatModel {path} form = %q", p.ThreatModel.Path)
	}
	if p.SBOM.Components != "" || p.Labeling != nil || p.Testing != nil {
		t.Errorf("absent sections should stay empty: %+v", p)
	}
	missing := p.MissingFiles()
	if len(missing) != 2 {
		t.Errorf("MissingFiles = %v, want the input and the threat model", missing)
	}
}

func TestLoadBroken(t *testing.T) {
	_, err := Load(filepath.Join("testdata", "broken"))
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want *ValidationError, got %T: %v", err, err)
	}
	file := filepath.Join("testdata", "broken", "premarket.yaml")
	want := []string{
		file + ":3:3: device.softwareVersion: missing property",
		file + `:7:3: device.colour: unknown field "colour"`,
		file + ":14:16: submission.cyberDevice: ",
	}
	msg := ve.Error()
	lines := strings.Split(msg, "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%s", len(lines), len(want), msg)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("error %d = %q, want prefix %q", i, lines[i], w)
		}
	}
	if !strings.Contains(lines[2], "boolean") {
		t.Errorf("type error does not name the expected type: %q", lines[2])
	}
}

// TestLoadViolations checks single mistakes one at a time, so each rule of
// the schema is shown to fire with the right field.
func TestLoadViolations(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("testdata", "minimal", "premarket.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, from, to, field string
	}{
		{"version", "premarketVersion: 1", "premarketVersion: 2", "premarketVersion"},
		{"device type", "type: device", "type: appliance", "device.type"},
		{"submission type", "type: De Novo", "type: 510k", "submission.type"},
		{"email", "email: a@demo.example", "email: not-an-address", "manufacturer.contacts[0].email"},
		{"no inputs", "  inputs:\n    - {path: /abs/manifest.csv, kind: buildroot-manifest}\n", "  inputs: []\n", "sbom.inputs"},
		{"root unknown", "x-internal-ticket: DEMO-12", "internal-ticket: DEMO-12", "internal-ticket"},
		{"product code", "type: De Novo", "type: De Novo\n  productCode: qfg", "submission.productCode"},
		{"item reference", "x-internal-ticket: DEMO-12", "labeling:\n  LBL-1: {status: provided}", "labeling.LBL-1.reference"},
		{"item not-applicable reason", "x-internal-ticket: DEMO-12", "labeling:\n  LBL-2: {status: not-applicable}", "labeling.LBL-2.reason"},
		{"unknown item", "x-internal-ticket: DEMO-12", "labeling:\n  LBL-15: {status: missing}", "labeling.LBL-15"},
		{"threat model object", "threatModel: {path: tm/model.yaml}", "threatModel: {file: tm/model.yaml}", "threatModel.file"},
		{"document shorthand only in documents", "x-internal-ticket: DEMO-12", "managementPlan:\n  CMP-1: CSMP-1", "managementPlan.CMP-1"},
		{"tool usedFor", "x-internal-ticket: DEMO-12", "testing:\n  tools:\n    - {name: nmap, version: \"7.95\", usedFor: [TST-9]}", "testing.tools[0].usedFor[0]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := string(base)
			if !strings.Contains(src, c.from) {
				t.Fatalf("test input lacks %q", c.from)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, FileName), []byte(strings.Replace(src, c.from, c.to, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(dir)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("want *ValidationError, got %v", err)
			}
			found := false
			for _, e := range ve.Errors {
				if e.Path == c.field && e.Line > 0 {
					found = true
				}
			}
			if !found {
				t.Errorf("no located error for %s in:\n%v", c.field, err)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := Load(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no premarket.yaml") {
		t.Errorf("empty dir: %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte("premarketVersion: 1\ndevice: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(dir)
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Errors[0].Line == 0 {
		t.Errorf("syntax error should be a located ValidationError, got %v", err)
	}
}

func TestFirmwareInputsResolvedAndLocated(t *testing.T) {
	src := `premarketVersion: 1
device: {name: CGM, model: C1, softwareVersion: "1.0", type: device, description: BLE glucose monitor}
manufacturer: {name: ACME, contacts: [{name: A. Person, role: security, email: a@example.com}]}
submission: {type: 510(k), cyberDevice: true, cyberDeviceRationale: BLE}
sbom:
  authors: [ACME]
  firmware:
    - name: app-core
      version: "1.0"
      inputs:
        - path: west.yml
    - name: net-core
      type: firmware
      inputs:
        - {path: /abs/net.spdx, kind: spdx-tag-value}
`
	p, err := Parse("proj", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.SBOM.Firmware) != 2 || len(p.SBOM.Inputs) != 0 {
		t.Fatalf("firmware = %+v", p.SBOM.Firmware)
	}
	in := p.SBOM.Firmware[0].Inputs[0]
	if in.Path != filepath.Join("proj", "west.yml") || in.Line != 11 {
		t.Fatalf("first firmware input = %+v, want proj/west.yml at line 11", in)
	}
	if got := p.SBOM.Firmware[1].Inputs[0]; got.Path != "/abs/net.spdx" || got.Kind != "spdx-tag-value" {
		t.Fatalf("second firmware input = %+v", got)
	}
	// Neither inputs nor firmware: the schema says so.
	bad := strings.Replace(src, "  firmware:", "  x-firmware:", 1)
	if _, err := Parse("proj", []byte(bad)); err == nil || !strings.Contains(err.Error(), "sbom") {
		t.Fatalf("project without inputs or firmware accepted: %v", err)
	}
}
