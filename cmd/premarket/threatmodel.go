package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/premarket/premarket/finding"
	"github.com/premarket/premarket/report"
	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/generate"
	"github.com/premarket/premarket/threatmodel"
	tmcheck "github.com/premarket/premarket/threatmodel/check"
)

func newThreatModelCmd(g *globalOptions) *cobra.Command {
	c := &cobra.Command{
		Use:     "threatmodel",
		Aliases: []string{"tm"},
		Short:   "Check threat models against the FDA premarket expectations",
	}
	c.AddCommand(newTMCheckCmd(g))
	c.AddCommand(newTMImportCmd(g))
	if tc := newTMTraceCmd(g); tc != nil {
		c.AddCommand(tc)
	}
	return c
}

type tmCheckFlags struct {
	profile string
	format  string
	output  string
	sboms   []string
	noSBOM  bool
}

func newTMCheckCmd(g *globalOptions) *cobra.Command {
	f := &tmCheckFlags{}
	c := &cobra.Command{
		Use:   "check MODEL",
		Short: "Validate a threat model (schema, then every semantic check)",
		Long: `Validate a threat-model-as-code file (YAML or JSON; see threatmodel/FORMAT.md)
first against its JSON Schema, then with the semantic checks: IDs and
references, boundary-crossing flows, STRIDE-per-element coverage, interfaces,
CVSS vectors and exploitability bands, risk before and after mitigation,
safety linkage, controls and evidence, FDA Appendix 1 categories, the four
architecture views, known vulnerabilities and KEV, and SBOM references.

Every finding has a stable rule ID, a severity, the FDA section or catalog ID
it comes from, and the file, line and column it is about. --format sarif
writes SARIF 2.1.0 for GitHub code scanning; junit writes one test case per
rule per element.

Profiles: default (STRIDE gaps are warnings) and submission (they are errors).

` + exitCodesHelp,
		Example: `  premarket threatmodel check examples/infusion-pump/threatmodel.yaml --profile submission
  premarket threatmodel check model.yaml --sbom sbom.cdx.json --format sarif -o threatmodel.sarif`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTMCheck(cmd.Context(), cmd.OutOrStdout(), g, f, args[0])
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.profile, "profile", "default", "policy: default or submission")
	fl.StringVar(&f.format, "format", "text", reportFormatsHelp)
	fl.StringVarP(&f.output, "output", "o", "-", "where to write the report ('-' for standard output)")
	fl.StringArrayVar(&f.sboms, "sbom", nil, "SBOM for the model's sboms[] entries, as ID=FILE (or FILE when the model has one SBOM; repeatable)")
	fl.BoolVar(&f.noSBOM, "no-sbom", false, "skip the SBOM reference checks (TM-SBOM-*)")
	return c
}

// checkThreatModel loads and checks a model; it is shared by the check and
// pack commands. Findings from the schema stage and the semantic stage come
// back together.
func checkThreatModel(ctx context.Context, path, profile string, sbomFlags []string, noSBOM bool) (*threatmodel.Model, []finding.Finding, error) {
	prof, err := tmcheck.ParseProfile(profile)
	if err != nil {
		return nil, nil, &exitError{code: exitUsage, err: err}
	}
	m, loadFindings, err := threatmodel.Load(path, threatmodel.LoadOptions{})
	if err != nil {
		return nil, nil, err
	}
	if m == nil {
		return nil, loadFindings, nil
	}
	opts := tmcheck.Options{Profile: prof, SkipSBOM: noSBOM, Context: ctx}
	if len(sbomFlags) > 0 {
		docs, err := readSBOMFlags(ctx, m, sbomFlags)
		if err != nil {
			return nil, nil, err
		}
		opts.SBOMs = docs
	}
	fs := append(loadFindings, tmcheck.Run(m, opts)...)
	finding.Sort(fs)
	return m, fs, nil
}

func readSBOMFlags(ctx context.Context, m *threatmodel.Model, flags []string) (map[string]*sbom.Document, error) {
	out := map[string]*sbom.Document{}
	readers := generate.Readers()
	for _, fl := range flags {
		id, file := "", fl
		if i := indexEq(fl); i > 0 {
			id, file = fl[:i], fl[i+1:]
		}
		if id == "" {
			if len(m.SBOMs) != 1 {
				return nil, &exitError{code: exitUsage, err: fmt.Errorf("--sbom %s: the model lists %d SBOMs; write --sbom ID=FILE", fl, len(m.SBOMs))}
			}
			id = m.SBOMs[0].ID
		}
		doc, _, err := readForCheck(ctx, readers, file)
		if err != nil {
			return nil, err
		}
		out[id] = doc
	}
	return out, nil
}

func indexEq(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '=' {
			return i
		}
		if s[i] == '/' || s[i] == '.' {
			return -1
		}
	}
	return -1
}

func runTMCheck(ctx context.Context, stdout io.Writer, g *globalOptions, f *tmCheckFlags, path string) error {
	_, fs, err := checkThreatModel(ctx, path, f.profile, f.sboms, f.noSBOM)
	if err != nil {
		return err
	}
	failed := finding.Fails(fs, finding.Error)
	rep := report.New("premarket", toolVersion(), f.profile, []string{path}, fs, nil, failed)
	if err := writeFindings(g, f.format, f.output, stdout, rep, tmcheck.Rules()); err != nil {
		return err
	}
	if failed {
		return policyFailed
	}
	return nil
}
