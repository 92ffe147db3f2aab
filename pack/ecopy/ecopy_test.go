package ecopy

import (
	"errors"
	"strings"
	"testing"
)

func TestParsePDFName(t *testing.T) {
	good := map[string]PDFName{
		"001_Cover Letter.pdf":                {1, "Cover Letter"},
		"012_Cybersecurity Evidence Pack.PDF": {12, "Cybersecurity Evidence Pack"},
		"003_SBOM_v1.2-final.pdf":             {3, "SBOM_v1.2-final"},
		"999_x.pdf":                           {999, "x"},
		"002_Evidence Pack Part 1.pdf":        {2, "Evidence Pack Part 1"},
	}
	for name, want := range good {
		got, err := ParsePDFName(name)
		if err != nil || got != want {
			t.Errorf("%q: got %+v, %v; want %+v", name, got, err, want)
		}
	}
	bad := map[string]string{ // name -> text the error must contain
		"1_Cover.pdf":            "three digits",
		"000_Cover.pdf":          "starts at 001",
		"001Cover.pdf":           "three digits",
		"001_.pdf":               "form",
		"001_Cover.docx":         ".pdf",
		"001_Pump – design.pdf":  "U+2013 EN DASH",
		"001_Pump: design.pdf":   "U+003A COLON",
		"001_What?.pdf":          "QUESTION MARK",
		"001_a#b.pdf":            "NUMBER SIGN",
		"001_a/b.pdf":            "SOLIDUS",
		"001_Größe.pdf":          "non-English letter",
		"001_Device™.pdf":        "TRADE MARK",
		"001_it’s.pdf":           "RIGHT SINGLE QUOTATION MARK",
		"001_risk → control.pdf": "RIGHTWARDS ARROW",
		"001_a(b).pdf":           "not allowed",
		"001_x .pdf":             "",
		"001_" + strings.Repeat("a", 130) + ".pdf": "more than 125",
	}
	for name, want := range bad {
		_, err := ParsePDFName(name)
		if err == nil {
			t.Errorf("%q accepted", name)
			continue
		}
		var ne *NameError
		if !errors.As(err, &ne) {
			t.Errorf("%q: error %T is not a *NameError", name, err)
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %q lacks %q", name, err, want)
		}
	}
	// the error names the position of the character
	_, err := ParsePDFName("001_ab:c.pdf")
	if !strings.Contains(err.Error(), "position 7") {
		t.Errorf("position missing: %v", err)
	}
}

func TestMakePDFName(t *testing.T) {
	got, err := MakePDFName(4, "InfuPump X — Évaluation: “security” α/β ™")
	if err != nil {
		t.Fatal(err)
	}
	if got != "004_InfuPump X - Evaluation - security alpha-beta.pdf" {
		t.Errorf("MakePDFName = %q", got)
	}
	if _, err := MakePDFName(1, "™™"); err == nil {
		t.Errorf("empty description accepted")
	}
	if _, err := MakePDFName(1000, "x"); err == nil {
		t.Errorf("number 1000 accepted")
	}
	long, err := MakePDFName(1, strings.Repeat("abc ", 60))
	if err != nil || len(long) > MaxNameLength {
		t.Errorf("long name %q (%d), %v", long, len(long), err)
	}
}

func TestParseVolumeName(t *testing.T) {
	for name, want := range map[string]int{"VOL_001": 1, "VOL_002_Cybersecurity": 2, "VOL_010_Test Reports-v2.1": 10} {
		if got, err := ParseVolumeName(name); err != nil || got != want {
			t.Errorf("%q: %d, %v", name, got, err)
		}
	}
	for _, name := range []string{"VOL_1", "VOL_000", "VOL_001-x", "VOL_001_", "vol_001", "VOL_001_a—b", "Volume 1"} {
		if _, err := ParseVolumeName(name); err == nil {
			t.Errorf("%q accepted", name)
		}
	}
}

func TestCheckLayout(t *testing.T) {
	ok := []string{
		"001_Cover Letter.pdf",
		"VOL_001_Cybersecurity/001_Evidence Pack.pdf",
		"VOL_001_Cybersecurity/002_Test Report.pdf",
		"VOL_002/001_Labeling.pdf",
		"MISC FILES/sbom-cyclonedx.zip",
		"misc files/other.zip",
	}
	if errs := CheckLayout(ok); len(errs) != 0 {
		t.Fatalf("valid layout rejected: %v", errs)
	}
	bad := map[string][]string{
		"EC-4: PDF numbers repeat 001":  {"001_a.pdf", "001_b.pdf"},
		"EC-4: PDF numbers must run":    {"001_a.pdf", "003_b.pdf"},
		"EC-2: volume numbers must run": {"VOL_001/001_a.pdf", "VOL_003/001_b.pdf"},
		"repeats VOL_001":               {"VOL_001/001_a.pdf", "VOL_001_X/001_b.pdf"},
		"EC-3: no subfolders":           {"VOL_001/sub/001_a.pdf"},
		"may not contain PDFs":          {"MISC FILES/001_a.pdf"},
		"never inside a volume":         {"VOL_001/MISC FILES/x.zip"},
		"non-PDF files belong zipped":   {"sbom.json"},
		"zip archives":                  {"MISC FILES/sbom.json"},
		"EC-3: volumes hold PDFs only":  {"VOL_001/x.zip"},
		"not a clean relative path":     {"../001_a.pdf"},
		"EN DASH":                       {"VOL_001/001_a–b.pdf"},
	}
	for want, paths := range bad {
		errs := CheckLayout(paths)
		found := false
		for _, e := range errs {
			if strings.Contains(e.Error(), want) {
				found = true
			}
		}
		if !found {
			t.Errorf("%v: want an error containing %q, got %v", paths, want, errs)
		}
	}
}

func FuzzParsePDFName(f *testing.F) {
	for _, s := range []string{"001_a.pdf", "001_Pump – design.pdf", "\xff", "VOL_001_x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := ParsePDFName(s); err == nil {
			if n.Seq < 1 || n.Seq > 999 || n.Description == "" {
				t.Fatalf("%q accepted as %+v", s, n)
			}
			_ = err
		} else {
			_ = err.Error()
		}
		_, _ = ParseVolumeName(s)
		d := SanitizeDescription(s)
		if d != "" && len(d) <= MaxNameLength {
			if err := CheckChars(d); err != nil {
				t.Fatalf("SanitizeDescription(%q) = %q is not valid: %v", s, d, err)
			}
		}
		_ = CheckLayout([]string{s})
	})
}
