package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=..."; when
// empty, the module version from the build info is used.
var version = ""

func toolVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "0.1.0-dev"
}

const exitCodesHelp = `Exit codes:
  0  success: nothing fails the chosen policy
  1  findings fail the chosen policy (--profile / --fail-on)
  2  usage or input error (bad flags, unreadable or invalid input)`

// globalOptions are the flags every command shares.
type globalOptions struct {
	quiet   bool
	noColor bool
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	reportError(stderr, err)
	return exitCode(err)
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	g := &globalOptions{}
	root := &cobra.Command{
		Use:   "premarket",
		Short: "Cybersecurity evidence for FDA premarket submissions, from the build",
		Long: `premarket turns a medical device's firmware build and design records into the
cybersecurity evidence the FDA expects in a premarket submission (510(k),
De Novo, PMA): SBOMs with support data, threat-model checks and a PDF
evidence pack. It works offline and its output is reproducible: set
SOURCE_DATE_EPOCH to fix every timestamp.

` + exitCodesHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().BoolVarP(&g.quiet, "quiet", "q", false, "print only errors and the requested output")
	root.PersistentFlags().BoolVar(&g.noColor, "no-color", false, "never colour the text output")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{code: exitUsage, err: fmt.Errorf("%w\nRun '%s --help' for usage.", err, c.CommandPath())}
	})
	root.AddCommand(newVersionCmd(), newSBOMCmd(g), newThreatModelCmd(g))
	root.AddCommand(newPackCmd(g))
	return root
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print premarket's version and the FDA catalog edition it encodes",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(cmd.OutOrStdout(), "premarket %s\n", toolVersion())
			return nil
		},
	}
}
