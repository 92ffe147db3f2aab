package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/premarket/premarket/imagescan"
	"github.com/premarket/premarket/report"
	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/drift"
	"github.com/premarket/premarket/sbom/generate"
	"github.com/premarket/premarket/sbom/source/image"
)

// imageFlags are the limits of image and root-file-system scans.
type imageFlags struct {
	maxTotalBytes int64
	maxRatio      int64
	maxDepth      int
	maxEntries    int
	maxFileSize   int64
}

func (f *imageFlags) register(fl *pflag.FlagSet) {
	fl.Int64Var(&f.maxTotalBytes, "max-total-bytes", imagescan.DefaultMaxTotalBytes, "image scans: most decompressed bytes over one input")
	fl.Int64Var(&f.maxRatio, "max-ratio", imagescan.DefaultMaxRatio, "image scans: highest decompressed/compressed ratio of one stream")
	fl.IntVar(&f.maxDepth, "max-depth", imagescan.DefaultMaxDepth, "image scans: deepest nesting of containers")
	fl.IntVar(&f.maxEntries, "max-entries", imagescan.DefaultMaxEntries, "image scans: most entries over one input")
	fl.Int64Var(&f.maxFileSize, "max-file-size", imagescan.DefaultMaxFileSize, "image scans: largest single file examined")
}

// options returns the scan options: the limits, and a progress bar on
// stderr when stderr is a terminal and --quiet is not given.
func (f *imageFlags) options(g *globalOptions, stderr io.Writer) (image.Options, error) {
	for _, l := range []struct {
		name string
		v    int64
	}{{"--max-total-bytes", f.maxTotalBytes}, {"--max-ratio", f.maxRatio}, {"--max-depth", int64(f.maxDepth)},
		{"--max-entries", int64(f.maxEntries)}, {"--max-file-size", f.maxFileSize}} {
		if l.v <= 0 {
			return image.Options{}, &exitError{code: exitUsage, err: fmt.Errorf("%s %d: want a positive number", l.name, l.v)}
		}
	}
	o := image.Options{Limits: imagescan.Limits{MaxTotalBytes: f.maxTotalBytes, MaxRatio: f.maxRatio, MaxDepth: f.maxDepth,
		MaxEntries: f.maxEntries, MaxFileSize: f.maxFileSize}}
	if !g.quiet && isTerminal(stderr) {
		o.Progress = newProgress(stderr)
	}
	return o, nil
}

// isTerminal reports whether w is a character device.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// newProgress returns an imagescan progress callback drawing one bar per
// scanned input on w. It is called from one goroutine at a time.
func newProgress(w io.Writer) func(done, total int64) {
	var bar *progressbar.ProgressBar
	var barTotal int64
	return func(done, total int64) {
		if bar == nil || total != barTotal {
			bar = progressbar.NewOptions64(total,
				progressbar.OptionSetWriter(w),
				progressbar.OptionSetDescription("scanning"),
				progressbar.OptionShowBytes(true),
				progressbar.OptionSetWidth(30),
				progressbar.OptionThrottle(100_000_000),
				progressbar.OptionClearOnFinish(),
				progressbar.OptionOnCompletion(func() { fmt.Fprint(w, "\r") }),
			)
			barTotal = total
		}
		_ = bar.Set64(done)
		if done >= total {
			_ = bar.Finish()
			bar = nil
		}
	}
}

type driftFlags struct {
	declared []string
	observed []string
	kind     string
	failOn   []string
	format   string
	output   string
	image    imageFlags
}

func newSBOMDriftCmd(g *globalOptions) *cobra.Command {
	f := &driftFlags{}
	c := &cobra.Command{
		Use:   "drift --declared INPUT... --observed INPUT...",
		Short: "Compare what the build declares with what the device image really ships",
		Long: `Compare the components the build declares (build outputs or their SBOM) with
those observed in what the device ships (a root file system, a firmware image,
or their SBOM). Each side may be any input 'sbom generate' reads, repeated;
the inputs of one side are merged first.

  DRIFT-UNDECLARED        in the image, not declared (vendor blobs, overlays,
                          statically linked copies)
  DRIFT-VERSION-MISMATCH  in the image in another version than declared
  DRIFT-ABSENT            declared, not found in the image
  DRIFT-NOT-CHECKED       a part of the image premarket could not look into

Components match by PURL, by CPE vendor:product and version, or by name and
version with epochs and distribution revisions ignored (3.0.11-1~deb12u2
matches 3.0.11). Build-host tools are not compared.

--fail-on decides what fails (comma-separated or repeated): undeclared,
mismatch, absent, not-checked, any or none (default: undeclared,mismatch).

` + exitCodesHelp,
		Example: `  premarket sbom drift --declared build.cdx.json --observed rootfs.tar.gz
  premarket sbom drift --declared tmp/deploy/licenses/core-image/license.manifest --observed core-image.squashfs --format sarif -o drift.sarif`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSBOMDrift(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), g, f)
		},
	}
	fl := c.Flags()
	fl.StringArrayVar(&f.declared, "declared", nil, "what the build declares: an SBOM or build output (repeatable)")
	fl.StringArrayVar(&f.observed, "observed", nil, "what ships: an image, root file system or its SBOM (repeatable)")
	fl.StringVar(&f.kind, "kind", "", "force the kind of every input instead of detecting it")
	fl.StringArrayVar(&f.failOn, "fail-on", nil, "rules that fail: undeclared, mismatch, absent, not-checked, any, none (default undeclared,mismatch)")
	fl.StringVar(&f.format, "format", "text", reportFormatsHelp)
	fl.StringVarP(&f.output, "output", "o", "-", "where to write the report ('-' for standard output)")
	f.image.register(fl)
	return c
}

func runSBOMDrift(ctx context.Context, stdout, stderr io.Writer, g *globalOptions, f *driftFlags) error {
	if len(f.declared) == 0 || len(f.observed) == 0 {
		return &exitError{code: exitUsage, err: fmt.Errorf("give at least one --declared and one --observed input\nRun 'premarket sbom drift --help' for usage.")}
	}
	switch f.format {
	case "text", "json", "sarif", "junit":
	default:
		return &exitError{code: exitUsage, err: fmt.Errorf("--format %q: want text, json, sarif or junit", f.format)}
	}
	failList := f.failOn
	if len(failList) == 0 {
		failList = drift.DefaultFailOn
	}
	failOn, err := drift.ParseFailOn(failList)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	imgOpts, err := f.image.options(g, stderr)
	if err != nil {
		return err
	}
	read := func(paths []string) (*sbom.Document, error) {
		o := generate.Options{Readers: generate.Readers(), DirReaders: generate.DirReadersWith(imgOpts), PathReaders: generate.PathReaders(imgOpts)}
		for _, p := range paths {
			o.Inputs = append(o.Inputs, generate.Input{Path: p, Kind: f.kind})
		}
		doc, err := generate.Generate(ctx, o)
		if err != nil {
			return nil, err
		}
		if len(paths) == 1 {
			doc.Source = paths[0]
		}
		return doc, nil
	}
	declared, err := read(f.declared)
	if err != nil {
		return err
	}
	observed, err := read(f.observed)
	if err != nil {
		return err
	}
	res := drift.Compare(declared, observed, drift.Options{FailOn: failOn})
	inputs := append(append([]string(nil), f.declared...), f.observed...)
	metrics := []report.Metric{{ID: "DRIFT-MATCHED", Title: "Observed components matching a declared one",
		Satisfied: res.Matched, Total: res.Matched + res.Counts[drift.RuleUndeclared] + res.Counts[drift.RuleVersionMismatch]}}
	if metrics[0].Total > 0 {
		metrics[0].Percent = float64(int(1000*float64(metrics[0].Satisfied)/float64(metrics[0].Total)+0.5)) / 10
	}
	rep := report.New("premarket", toolVersion(), "drift", inputs, res.Findings, metrics, res.Failed)
	if err := writeFindings(g, f.format, f.output, stdout, rep, drift.Rules()); err != nil {
		return err
	}
	if res.Failed {
		return policyFailed
	}
	return nil
}
