package vendored

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseDefines(t *testing.T) {
	src := "#define A 1\n" +
		"  #  define   B   \"x\"  /* note */ \"y\"\n" +
		"#define F(x) ((x)+1)\n" + // function-like: skipped
		"/* #define HIDDEN 1\n" +
		"#define ALSO_HIDDEN 2 */ #define NOT_A_LINE_START 3\n" + // a comment is blank space: still a directive
		"// #define COMMENTED 4\n" +
		"#define CONT 1 \\\n   + 2\n" +
		"#define URL \"http://x//y\" // trailing\n" +
		"#defineX 5\n" +
		"#define EMPTY\n" +
		"#undef A\n" +
		"#define A 2\n" +
		"int x = MENTION_ONLY;\n"
	ds := ParseDefines([]byte(src))
	got := map[string]Define{}
	var names []string
	for _, d := range ds {
		if _, dup := got[d.Name]; !dup {
			got[d.Name] = d
		}
		names = append(names, d.Name)
	}
	if strings.Join(names, ",") != "A,B,NOT_A_LINE_START,CONT,URL,EMPTY,A" {
		t.Fatalf("names = %v", names)
	}
	if got["B"].Value != `"x" "y"` || got["B"].Line != 2 {
		t.Errorf("B = %+v", got["B"])
	}
	if got["CONT"].Value != "1 + 2" || got["CONT"].Line != 7 {
		t.Errorf("CONT = %+v", got["CONT"])
	}
	if got["URL"].Value != `"http://x//y"` {
		t.Errorf("URL = %+v", got["URL"])
	}
	if d := indexDefines(ds)["A"]; d.Value != "1" || d.Line != 1 {
		t.Errorf("first A = %+v", d)
	}
	if s, ok := StringValue(got["B"].Value); !ok || s != "xy" {
		t.Errorf("StringValue(B) = %q %v", s, ok)
	}
}

func TestValues(t *testing.T) {
	for in, want := range map[string]uint64{"10": 10, "(0x02U)": 2, "((5UL))": 5, "0x00020009": 0x20009, "+3": 3} {
		if got, ok := IntValue(in); !ok || got != want {
			t.Errorf("IntValue(%q) = %d %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "x", "(1)+(2)", "1.5", "-1", "LWIP_RC_RELEASE"} {
		if _, ok := IntValue(in); ok {
			t.Errorf("IntValue(%q) ok", in)
		}
	}
	for in, want := range map[string]string{`"a"`: "a", `("a" "b")`: "ab", `"a\"b"`: `a\"b`} {
		if got, ok := StringValue(in); !ok || got != want {
			t.Errorf("StringValue(%q) = %q %v", in, got, ok)
		}
	}
	for _, in := range []string{`a`, `"a`, `"a" b`, ``} {
		if _, ok := StringValue(in); ok {
			t.Errorf("StringValue(%q) ok", in)
		}
	}
}

func TestParseAssignments(t *testing.T) {
	ds := parseAssignments([]byte("# comment\nVERSION_MAJOR = 3\nEXTRAVERSION =\nbad line\n1X = 2\nA := b\n"))
	m := indexDefines(ds)
	if m["VERSION_MAJOR"].Value != "3" || m["VERSION_MAJOR"].Line != 2 {
		t.Errorf("%+v", m["VERSION_MAJOR"])
	}
	if d, ok := m["EXTRAVERSION"]; !ok || d.Value != "" {
		t.Errorf("EXTRAVERSION %+v", d)
	}
	if _, ok := m["1X"]; ok {
		t.Error("1X accepted")
	}
	if m["A"].Value != "b" {
		t.Errorf("A = %+v", m["A"])
	}
}

func FuzzParseDefines(f *testing.F) {
	f.Add([]byte(mbedtls3))
	f.Add([]byte("#define A \"x\\\n/* y */\n#define B (0x1U)\n"))
	f.Add([]byte("/* unterminated\n#define X 1"))
	f.Add([]byte("#define S \"\\"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ds := ParseDefines(data)
		if len(ds) > maxDefines {
			t.Fatalf("%d defines", len(ds))
		}
		lines := strings.Count(string(data), "\n") + 1
		for _, d := range ds {
			if d.Name == "" || d.Line < 1 || d.Line > lines || len(d.Value) > maxValueLen {
				t.Fatalf("bad define %+v (lines %d)", d, lines)
			}
			StringValue(d.Value)
			IntValue(d.Value)
		}
		parseAssignments(data)
		// The version assemblers must cope with any definition set.
		defs := indexDefines(ds)
		for _, r := range DefaultRules().rules {
			for _, fs := range r.Files {
				for i := range fs.Versions {
					v, _, _ := fs.Versions[i].version(defs, data, "f4")
					if v != "" && !utf8.ValidString(v) && plausibleVersion(v) {
						t.Fatalf("implausible version accepted %q", v)
					}
				}
			}
		}
	})
}

func FuzzParseSHA256Sums(f *testing.F) {
	f.Add([]byte(sha("a") + "  a.c\n"))
	f.Add([]byte(sha("a") + " *../x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseSHA256Sums(data)
		if err != nil {
			return
		}
		for p, s := range m {
			if cleanRel(p) != p || len(s) != 64 {
				t.Fatalf("entry %q %q", p, s)
			}
		}
	})
}
