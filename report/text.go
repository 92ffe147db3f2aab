package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/premarket/premarket/finding"
)

// DefaultMaxPerRule is how many findings of one rule in one file Text
// lists before summarising the rest, when TextOptions.MaxPerRule is 0.
const DefaultMaxPerRule = 10

// TextOptions controls the human-readable renderer.
type TextOptions struct {
	// Color adds ANSI colours (severity, verdict, file headings). Off
	// unless the caller decides the output is a terminal.
	Color bool
	// Quiet leaves out info findings and the metrics table; the summary
	// line still counts every finding.
	Quiet bool
	// MaxPerRule bounds the findings listed per rule per file (0 means
	// DefaultMaxPerRule, negative means no limit), so a 10,000-component
	// SBOM with one missing field everywhere stays readable. JSON, SARIF
	// and JUnit always carry every finding.
	MaxPerRule int
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiGreen  = "\x1b[1;32m"
)

// Text writes findings grouped by file, then by rule (errors first), each
// rule headed by its severity, ID, catalog ID and count, then the metrics
// and a one-line summary such as
//
//	3 errors, 12 warnings, 40 info in 2 documents; profile fda: FAIL
//
// Findings without a file are listed under "(no file)" last.
func Text(w io.Writer, r Report, opts TextOptions) error {
	bw := bufio.NewWriter(w)
	paint := func(code, s string) string {
		if !opts.Color {
			return s
		}
		return code + s + ansiReset
	}
	sevColor := map[finding.Severity]string{finding.Error: ansiRed, finding.Warning: ansiYellow, finding.Info: ansiCyan}
	limit := opts.MaxPerRule
	if limit == 0 {
		limit = DefaultMaxPerRule
	}

	var shown []finding.Finding
	for _, f := range r.sorted() {
		if opts.Quiet && f.Severity == finding.Info {
			continue
		}
		shown = append(shown, f)
	}
	// Group by file, keeping the sorted order of files; "" goes last.
	var files []string
	byFile := map[string][]finding.Finding{}
	for _, f := range shown {
		if _, ok := byFile[f.Location.File]; !ok {
			files = append(files, f.Location.File)
		}
		byFile[f.Location.File] = append(byFile[f.Location.File], f)
	}
	if len(files) > 0 && files[0] == "" {
		files = append(files[1:], "")
	}
	for fi, file := range files {
		if fi > 0 {
			fmt.Fprintln(bw)
		}
		name := file
		if name == "" {
			name = "(no file)"
		}
		fmt.Fprintln(bw, paint(ansiBold, name))
		for _, g := range groupByRule(byFile[file]) {
			head := fmt.Sprintf("  %s %s", paint(sevColor[g.severity], fmt.Sprintf("%-7s", g.severity)), g.rule)
			if g.catalog != "" {
				head += " [" + g.catalog + "]"
			}
			fmt.Fprintf(bw, "%s  %d %s\n", head, len(g.findings), plural(len(g.findings), "finding", "findings"))
			n := len(g.findings)
			if limit > 0 && n > limit {
				n = limit
			}
			width := 0
			locs := make([]string, n)
			for i := 0; i < n; i++ {
				locs[i] = shortLoc(g.findings[i].Location)
				if len(locs[i]) > width {
					width = len(locs[i])
				}
			}
			for i := 0; i < n; i++ {
				f := g.findings[i]
				msg := f.Message
				if f.Severity != g.severity {
					msg = f.Severity.String() + ": " + msg
				}
				fmt.Fprintf(bw, "    %-*s  %s\n", width, locs[i], oneLine(msg))
			}
			if rest := len(g.findings) - n; rest > 0 {
				fmt.Fprintf(bw, "    ... and %d more %s findings (all are in the JSON, SARIF and JUnit output)\n", rest, g.rule)
			}
		}
	}

	if !opts.Quiet && len(r.Summary.Metrics) > 0 {
		if len(files) > 0 {
			fmt.Fprintln(bw)
		}
		fmt.Fprintln(bw, "Coverage (satisfied/total):")
		idW, titleW, numW := 0, 0, 0
		for _, m := range r.Summary.Metrics {
			idW = max(idW, len(m.ID))
			titleW = max(titleW, len(m.Title))
			numW = max(numW, len(fmt.Sprintf("%d/%d", m.Satisfied, m.Total)))
		}
		for _, m := range r.Summary.Metrics {
			pct := "n/a"
			if m.Total > 0 {
				pct = strconv.FormatFloat(m.Percent, 'f', 1, 64) + "%"
			}
			line := fmt.Sprintf("  %-*s  %-*s  %*s  %6s", idW, m.ID, titleW, m.Title, numW, fmt.Sprintf("%d/%d", m.Satisfied, m.Total), pct)
			if m.Justified > 0 {
				line += fmt.Sprintf("  (%d justified)", m.Justified)
			}
			fmt.Fprintln(bw, strings.TrimRight(line, " "))
		}
	}
	if len(files) > 0 || (!opts.Quiet && len(r.Summary.Metrics) > 0) {
		fmt.Fprintln(bw)
	}
	fmt.Fprintln(bw, summaryLine(r, paint))
	return bw.Flush()
}

// summaryLine formats "3 errors, 12 warnings, 40 info in 2 documents;
// profile fda: FAIL".
func summaryLine(r Report, paint func(code, s string) string) string {
	s := r.summary()
	n := len(r.Inputs)
	verdict := paint(ansiGreen, "PASS")
	if r.Failed {
		verdict = paint(ansiRed, "FAIL")
	}
	line := fmt.Sprintf("%d %s, %d %s, %d info in %d %s",
		s.Errors, plural(s.Errors, "error", "errors"),
		s.Warnings, plural(s.Warnings, "warning", "warnings"),
		s.Info, n, plural(n, "document", "documents"))
	if r.Profile != "" {
		return line + "; profile " + r.Profile + ": " + verdict
	}
	return line + ": " + verdict
}

// shortLoc is the location inside a file: line:column, else the document
// path, else "-".
func shortLoc(l finding.Location) string {
	switch {
	case l.Line > 0 && l.Column > 0:
		return fmt.Sprintf("%d:%d", l.Line, l.Column)
	case l.Line > 0:
		return strconv.Itoa(l.Line)
	case l.Path != "":
		return l.Path
	}
	return "-"
}

// oneLine keeps a message on one line of the listing.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
