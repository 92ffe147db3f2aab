package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/premarket/premarket/threatmodel"
	"github.com/premarket/premarket/threatmodel/trace"
)

type tmTraceFlags struct {
	format string
	output string
}

func newTMTraceCmd(g *globalOptions) *cobra.Command {
	f := &tmTraceFlags{}
	c := &cobra.Command{
		Use:   "trace MODEL",
		Short: "Print the traceability matrix threat -> control -> requirement -> evidence -> hazard -> SBOM component",
		Long: `Print the traceability matrix of a threat model: for every threat, its
controls, the requirements they implement, the evidence that verifies them,
the hazards it links to and the SBOM components it touches, followed by
per-category (FDA Appendix 1) and per-view summaries. The evidence pack
renders the same matrix.

The model is loaded and schema-validated first; run 'premarket threatmodel
check' for the semantic checks.

` + exitCodesHelp,
		Example: `  premarket threatmodel trace examples/infusion-pump/threatmodel.yaml
  premarket threatmodel trace model.yaml --format csv -o trace.csv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var write func(*trace.Matrix, io.Writer) error
			switch f.format {
			case "text":
				write = (*trace.Matrix).WriteText
			case "json":
				write = (*trace.Matrix).WriteJSON
			case "csv":
				write = (*trace.Matrix).WriteCSV
			default:
				return &exitError{code: exitUsage, err: fmt.Errorf("--format %q: want text, json or csv", f.format)}
			}
			m, fs, err := threatmodel.Load(args[0], threatmodel.LoadOptions{})
			if err != nil {
				return err
			}
			if m == nil {
				for _, x := range fs {
					fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s: %s\n", x.Location, x.RuleID, x.Message)
				}
				return fmt.Errorf("threat model %s does not validate against its schema; fix the errors above", args[0])
			}
			mx := trace.Build(m)
			return writeReport(f.output, cmd.OutOrStdout(), func(w io.Writer) error { return write(mx, w) })
		},
	}
	c.Flags().StringVar(&f.format, "format", "text", "text, json or csv")
	c.Flags().StringVarP(&f.output, "output", "o", "-", "where to write the matrix ('-' for standard output)")
	return c
}
