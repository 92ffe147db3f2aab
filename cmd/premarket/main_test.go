package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"premarket": func() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts pins the CLI's behaviour: flags, outputs, exit codes and
// error messages, one txtar script per scenario in testdata/script.
// $EXAMPLES points at the repository's examples/ and $FIXTURES at
// ../shared/fixtures (scripts that need it skip when it is absent).
func TestScripts(t *testing.T) {
	root, _ := filepath.Abs("../..")
	fixtures := filepath.Join(root, "..", "shared", "fixtures")
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("EXAMPLES", filepath.Join(root, "examples"))
			env.Setenv("ROOT", root)
			env.Setenv("GOLDEN", filepath.Join(root, "cmd", "premarket", "testdata", "golden"))
			env.Setenv("SOURCE_DATE_EPOCH", "1767225600")
			if _, err := os.Stat(fixtures); err == nil {
				env.Setenv("FIXTURES", fixtures)
			}
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "fixtures" {
				_, err := os.Stat(fixtures)
				return err == nil, nil
			}
			return false, nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// mkbinary FILE writes a small file with NUL bytes (txtar cannot hold them).
			"mkbinary": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: mkbinary FILE")
				}
				ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte("\x7fELF\x02\x01\x01\x00\x00\x00binary"), 0o644))
			},
		},
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") != "",
	})
}
