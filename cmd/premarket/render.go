package main

import (
	"fmt"
	"io"

	"github.com/premarket/premarket/finding"
	"github.com/premarket/premarket/report"
)

// reportFormats are the renderers of a findings report.
const reportFormatsHelp = "report format: text, json, sarif or junit"

// writeFindings renders one report in the chosen format to out ("-" is
// stdout; files are written atomically).
func writeFindings(g *globalOptions, format, out string, stdout io.Writer, rep report.Report, rules []finding.Rule) error {
	var render func(io.Writer) error
	switch format {
	case "text", "":
		render = func(w io.Writer) error {
			return report.Text(w, rep, report.TextOptions{Color: colorOK(g, out, stdout), Quiet: g.quiet})
		}
	case "json":
		render = func(w io.Writer) error { return report.JSON(w, rep) }
	case "sarif":
		render = func(w io.Writer) error { return report.SARIF(w, rep, rules) }
	case "junit":
		render = func(w io.Writer) error { return report.JUnit(w, rep) }
	default:
		return &exitError{code: exitUsage, err: fmt.Errorf("--format %q: want text, json, sarif or junit", format)}
	}
	return writeReport(out, stdout, render)
}
