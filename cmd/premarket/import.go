package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/premarket/premarket/internal/atomicfile"
	"github.com/premarket/premarket/threatmodel/importer"
)

type tmImportFlags struct {
	from   string
	output string
}

func newTMImportCmd(g *globalOptions) *cobra.Command {
	f := &tmImportFlags{}
	c := &cobra.Command{
		Use:   "import FILE",
		Short: "Turn a Threat Dragon or OTM threat model into a DTM starting point",
		Long: `Convert a threat model made with another tool into premarket's DTM format
(threatmodel/FORMAT.md): OWASP Threat Dragon v2 JSON, legacy Threat Dragon v1
JSON, or Open Threat Model (OTM) JSON/YAML. The format is detected from the
content unless --from names it.

Elements, trust boundaries, data flows, threats (with their STRIDE category
and status) and mitigations (as control stubs) are carried over. Nothing the
source lacks is invented: every threat's exploitability and impact are
"unassessed", foreign risk values (Threat Dragon severity, OTM likelihood and
impact) are kept only under x-threat-dragon-*/x-otm-* keys, and fields the
DTM schema requires but the source cannot fill hold placeholders listed in
x-premarket-import-placeholders. imports[0].losses counts everything that was
not carried over. Run 'premarket threatmodel check' on the result to see what
to complete (risk method, assets, the four FDA views, Appendix 1 categories).

The output depends only on the input (set SOURCE_DATE_EPOCH to record an
import date) and is written atomically.

` + exitCodesHelp,
		Example: `  premarket threatmodel import model.json -o threatmodel.yaml
  premarket threatmodel import --from otm system.otm.yaml -o threatmodel.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTMImport(cmd.OutOrStdout(), cmd.ErrOrStderr(), g, f, args[0])
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.from, "from", "auto", "source format: auto, threat-dragon or otm")
	fl.StringVarP(&f.output, "output", "o", "-", "where to write the DTM YAML ('-' for standard output)")
	return c
}

func runTMImport(stdout, stderr io.Writer, g *globalOptions, f *tmImportFlags, path string) error {
	format, err := importer.ParseFormat(f.from)
	if err != nil {
		return &exitError{code: exitUsage, err: fmt.Errorf("--from: %w", err)}
	}
	info, err := os.Stat(path)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	if info.IsDir() {
		return &exitError{code: exitUsage, err: fmt.Errorf("%s is a directory; give the threat model file", path)}
	}
	if info.Size() > importer.DefaultLimits.MaxBytes {
		return &exitError{code: exitUsage, err: fmt.Errorf("%s: %d bytes is larger than the %d-byte limit for threat models", path, info.Size(), importer.DefaultLimits.MaxBytes)}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	opts := importer.Options{Format: format, Name: path, PremarketVersion: toolVersion()}
	if os.Getenv("SOURCE_DATE_EPOCH") != "" {
		t, err := sourceDateEpoch()
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		opts.ImportedAt = t.Format("2006-01-02T15:04:05Z")
	}
	res, err := importer.Import(data, opts)
	if err != nil {
		var ue *importer.UnsupportedError
		if errors.As(err, &ue) {
			return &exitError{code: exitUsage, err: fmt.Errorf("cannot import %w", err)}
		}
		return &exitError{code: exitUsage, err: err}
	}
	if f.output == "-" || f.output == "" {
		if _, err := stdout.Write(res.YAML); err != nil {
			return err
		}
	} else if err := atomicfile.WriteFile(f.output, res.YAML, 0o644); err != nil {
		return err
	}
	if !g.quiet {
		c := res.Counts
		ver := ""
		if res.SourceVersion != "" {
			ver = " " + res.SourceVersion
		}
		dest := f.output
		if dest == "-" || dest == "" {
			dest = "standard output"
		}
		fmt.Fprintf(stderr, "imported %s%s from %s to %s: %d components, %d data flows, %d trust boundaries, %d threats, %d controls, %d assets\n",
			res.Kind.Describe(), ver, path, dest, c.Components, c.Dataflows, c.TrustBoundaries, c.Threats, c.Controls, c.Assets)
		fmt.Fprintf(stderr, "%d kinds of loss recorded in imports[0].losses; every threat's risk is unassessed.\n", len(res.Losses))
		if dest != "standard output" {
			fmt.Fprintf(stderr, "next: premarket threatmodel check %s\n", shellQuote(f.output))
		}
	}
	return nil
}

// shellQuote quotes a path for a copy-and-paste hint when it needs it.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`*?[]{}()<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
