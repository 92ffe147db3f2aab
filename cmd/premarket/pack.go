package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/premarket/premarket/finding"
	"github.com/premarket/premarket/pack"
	"github.com/premarket/premarket/report"
	tmcheck "github.com/premarket/premarket/threatmodel/check"
)

type packFlags struct {
	out     string
	profile string
	failOn  string
	font    string
	spdx    bool
	sarif   string
}

func newPackCmd(g *globalOptions) *cobra.Command {
	f := &packFlags{}
	c := &cobra.Command{
		Use:   "pack [PROJECT_DIR] --out OUTDIR",
		Short: "Build the submission-ready cybersecurity evidence pack (PDF, SBOM zip, manifest)",
		Long: `Build the cybersecurity evidence pack of a project: read premarket.yaml,
generate and check the SBOM, load and check the threat model, build the
traceability matrix, and write an eCopy-ready folder:

  OUTDIR/001_<documentName>.pdf    the evidence pack, in the order of the FDA
                                    documentation list, with bookmarks, a linked
                                    table of contents and embedded fonts
  OUTDIR/MISC FILES/<name>.zip      CycloneDX SBOM, check results (JSON),
                                    traceability matrix, threat model files
  OUTDIR/manifest.json              every input and output with SHA-256 and size,
                                    tool version, catalog edition, timestamp

--sarif FILE also writes the threat-model findings shown in the pack as SARIF
2.1.0 (the renderer and rules of 'threatmodel check --format sarif'), for
GitHub code scanning; the model's SBOM references are resolved against the
SBOM the pack generated, so the SARIF and the PDF agree.

Missing inputs (no threat model, no components.yaml, labeling items not
listed) do not stop the pack: each gap is marked in the PDF and listed in the
manifest. Nothing is half-written on failure: the pack is built in a
temporary folder beside OUTDIR and renamed into place.

Profiles: submission (default: SBOM profile fda, threat-model profile
submission) and draft (SBOM ntia, threat model default).

--fail-on decides the exit code: none (always 0 once written), errors (1 when
a checker reports an error; the default), missing (1 on errors or when any
expected input or documentation item is missing).

Set SOURCE_DATE_EPOCH for a reproducible pack: the PDF, zip and manifest are
then byte-identical across runs, and the manifest's timestamp is that time.

` + exitCodesHelp,
		Example: `  premarket pack examples/infusion-pump --out evidence
  SOURCE_DATE_EPOCH=1767225600 premarket pack . --out evidence --fail-on missing`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			return runPack(cmd.Context(), cmd.ErrOrStderr(), g, f, dir)
		},
	}
	fl := c.Flags()
	fl.StringVarP(&f.out, "out", "o", "", "output folder (required; replaced only when empty or an earlier pack)")
	fl.StringVar(&f.profile, "profile", pack.ProfileSubmission, "submission (SBOM fda + threat model submission) or draft (SBOM ntia + threat model default)")
	fl.StringVar(&f.failOn, "fail-on", "errors", "exit 1 on: none, errors or missing")
	fl.StringVar(&f.font, "font", "", "TrueType font file (.ttf) to use for all text instead of the embedded Go fonts")
	fl.BoolVar(&f.spdx, "spdx", false, "also write an SPDX SBOM (not implemented yet)")
	fl.StringVar(&f.sarif, "sarif", "", "also write the threat-model findings as SARIF 2.1.0 to this file (for code scanning; keep it outside --out)")
	return c
}

func runPack(ctx context.Context, stderr io.Writer, g *globalOptions, f *packFlags, dir string) error {
	usage := func(err error) error { return &exitError{code: exitUsage, err: err} }
	if f.out == "" {
		return usage(errors.New("give --out OUTDIR\nRun 'premarket pack --help' for usage."))
	}
	if f.spdx {
		return usage(errors.New("--spdx: not implemented: premarket has no SPDX writer yet; the pack carries the CycloneDX SBOM"))
	}
	switch f.failOn {
	case "none", "errors", "missing":
	default:
		return usage(fmt.Errorf("--fail-on %q: want none, errors or missing", f.failOn))
	}
	prof, err := pack.ParseProfile(f.profile)
	if err != nil {
		return usage(err)
	}
	ts, err := sourceDateEpoch()
	if err != nil {
		return usage(err)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return usage(fmt.Errorf("project folder %s: not found", dir))
	}
	start := time.Now()
	e, err := pack.Collect(ctx, pack.Options{ProjectDir: dir, Profile: prof, Time: ts, ToolVersion: toolVersion(), FontFile: f.font})
	if err != nil {
		// every Collect error is about an input: unreadable or invalid
		return &exitError{code: exitUsage, err: err}
	}
	// What the exit code and the summary need is taken before Build, so
	// that the evidence can be freed while the PDF is laid out.
	failed := false
	switch f.failOn {
	case "errors":
		failed = e.Failed()
	case "missing":
		failed = e.Failed() || len(e.Gaps) > 0
	}
	summary := fmt.Sprintf("premarket: SBOM check %s; threat-model check %s\n", counts(e.SBOMFindings), counts(e.TMFindings))
	var gapIDs []string
	for _, gp := range e.Gaps {
		gapIDs = append(gapIDs, gp.ID)
	}
	var sarif *report.Report
	if f.sarif != "" {
		inputs := []string{}
		if e.ModelPath != "" {
			inputs = append(inputs, e.Project.ThreatModel.Path)
		}
		r := report.New("premarket", toolVersion(), string(prof.ThreatModel), inputs, e.TMFindings, nil, finding.Fails(e.TMFindings, finding.Error))
		sarif = &r
	}
	res, err := pack.Build(ctx, e, f.out)
	if err != nil {
		return err
	}
	if sarif != nil {
		if err := writeFindings(g, "sarif", f.sarif, io.Discard, *sarif, tmcheck.Rules()); err != nil {
			return err
		}
	}
	if !g.quiet {
		pdfs := res.PDF
		if len(res.PDFs) > 1 {
			// EC-8: a pack over 50 MB is split into numbered parts.
			pdfs = fmt.Sprintf("%d PDF parts (%s … %s)", len(res.PDFs), res.PDFs[0], res.PDFs[len(res.PDFs)-1])
		}
		fmt.Fprintf(stderr, "premarket: wrote %s (%d pages), %s and %s in %s\n", pdfs, res.Pages, res.Zip, res.Manifest, time.Since(start).Round(time.Millisecond))
		fmt.Fprint(stderr, summary)
		if len(gapIDs) > 0 {
			fmt.Fprintf(stderr, "premarket: %d gaps marked in the pack: %s\n", len(gapIDs), strings.Join(uniqStrings(gapIDs), ", "))
		}
	}
	if failed {
		if !g.quiet {
			fmt.Fprintf(stderr, "premarket: the pack fails --fail-on %s\n", f.failOn)
		}
		return policyFailed
	}
	return nil
}

func counts(fs []finding.Finding) string {
	c := finding.Count(fs)
	return fmt.Sprintf("%d errors, %d warnings, %d info", c[finding.Error], c[finding.Warning], c[finding.Info])
}

func uniqStrings(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
