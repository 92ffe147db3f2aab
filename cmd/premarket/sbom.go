package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/premarket/premarket/finding"
	"github.com/premarket/premarket/internal/atomicfile"
	"github.com/premarket/premarket/project"
	"github.com/premarket/premarket/report"
	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/check"
	"github.com/premarket/premarket/sbom/cyclonedx"
	"github.com/premarket/premarket/sbom/generate"
	"github.com/premarket/premarket/sbom/source/image"
	"github.com/premarket/premarket/sbom/spdx"
)

func newSBOMCmd(g *globalOptions) *cobra.Command {
	c := &cobra.Command{
		Use:   "sbom",
		Short: "Generate and check software bills of materials",
	}
	c.AddCommand(newSBOMGenerateCmd(g), newSBOMCheckCmd(g), newSBOMDriftCmd(g))
	return c
}

type generateFlags struct {
	inputs       []string
	kind         string
	output       string
	projectDir   string
	components   string
	specVersion  string
	outputFormat string
	image        imageFlags
}

func newSBOMGenerateCmd(g *globalOptions) *cobra.Command {
	f := &generateFlags{}
	c := &cobra.Command{
		Use:   "generate [--project DIR] [-i INPUT]... [-o FILE]",
		Short: "Build a CycloneDX SBOM from firmware build outputs and SBOMs",
		Long: `Build one CycloneDX SBOM from build outputs, detecting each input's kind by
its content (or --kind):

  yocto-license-manifest        tmp/deploy/licenses/<image>/license.manifest
  yocto-image-license-manifest  tmp/deploy/licenses/<image>/image_license.manifest
  buildroot-manifest            legal-info/manifest.csv
  buildroot-host-manifest       legal-info/host-manifest.csv
  buildroot-show-info           'make show-info' JSON (CPE IDs and dependencies)
  buildroot-pkg-stats           pkg-stats --json
  cyclonedx-json, cyclonedx-xml, spdx-json, spdx-tag-value, spdx3-jsonld
                                existing SBOMs
  yocto-spdx-deploy             a tmp/deploy directory of create-spdx output
  zephyr-west-manifest          west.yml (projects, imports, path-prefix)
  zephyr-west-spdx              'west spdx' documents (enriched with PURLs/CPEs)
  espidf-dependencies-lock      ESP-IDF component manager dependencies.lock
  platformio-ini                platformio.ini lib_deps (and .pio/libdeps)
  arduino-library-properties, arduino-sketch-project
                                library.properties, sketch.yaml
  cmake-fetchcontent            FetchContent_Declare / ExternalProject_Add
  git-submodules                .gitmodules with the commits recorded in .git
  conan-lock, vcpkg-manifest    conan.lock (1 and 2), vcpkg.json
  dpkg-status, opkg-status, apk-installed
                                a package database file on its own
  source-tree                   (only with --kind) a source tree: libraries
                                copied into it, found by their own version
                                macros (Mbed TLS, lwIP, FreeRTOS, ...)
  rootfs                        a root file system directory (found by its
                                dpkg, opkg, apk or rpm database)
  firmware-image                an image or archive file, found by its magic
                                number: tar, cpio, gzip, xz, zstd, bzip2,
                                squashfs, ext, FAT, ISO 9660, zip, uImage, FIT,
                                GPT/MBR disks, in any nesting

Root file systems and images are scanned without unpacking: their package
databases give the installed packages, binaries no package owns are
identified by signature (with evidence), and every part that could not be
looked into is listed as a component with the property
premarket:image:not-checked. The --max-* flags bound each scan; a progress
bar is drawn on a terminal.

An input may be a directory; every recognised file in it is read. Components
are merged and deduplicated (by PURL, else name and version) and keep their
provenance (file and line). With --project, the device, authors, supplier,
inputs and support data (components.yaml) come from DIR/premarket.yaml.

The SBOM is validated against the official CycloneDX schema before it is
written; nothing is written on error. Set SOURCE_DATE_EPOCH for a fixed
timestamp: the same inputs then give a byte-identical SBOM.

` + exitCodesHelp,
		Example: `  premarket sbom generate --project examples/infusion-pump -o sbom.cdx.json
  premarket sbom generate -i tmp/deploy/licenses/core-image/license.manifest -o -
  premarket sbom generate -i legal-info/manifest.csv -i show-info.json --spec-version 1.5 --output-format xml -o sbom.xml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSBOMGenerate(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), g, f)
		},
	}
	fl := c.Flags()
	fl.StringArrayVarP(&f.inputs, "input", "i", nil, "build output, SBOM or directory to read (repeatable)")
	fl.StringVar(&f.kind, "kind", "", "force the kind of every --input instead of detecting it")
	fl.StringVarP(&f.output, "output", "o", "", "where to write the SBOM ('-' for standard output; default: sbom.output of premarket.yaml, else '-')")
	fl.StringVar(&f.projectDir, "project", "", "project directory holding premarket.yaml")
	fl.StringVar(&f.components, "components", "", "support data file (components.yaml); default from premarket.yaml")
	fl.StringVar(&f.specVersion, "spec-version", "", "CycloneDX version: 1.5, 1.6 or 1.7 (default 1.6)")
	fl.StringVar(&f.outputFormat, "output-format", "json", "json or xml (CycloneDX), or spdx-json (SPDX 2.3)")
	f.image.register(fl)
	return c
}

// sourceDateEpoch returns the time SOURCE_DATE_EPOCH names, or now.
func sourceDateEpoch() (time.Time, error) {
	v := os.Getenv("SOURCE_DATE_EPOCH")
	if v == "" {
		return time.Now().UTC().Truncate(time.Second), nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds since 1970", v)
	}
	return time.Unix(n, 0).UTC(), nil
}

// buildSBOM runs generation as the flags and project say and returns the
// document ready to encode, plus what applying support data reported.
func buildSBOM(ctx context.Context, f *generateFlags, imgOpts image.Options) (*sbom.Document, *project.Project, *project.ApplyReport, error) {
	var p *project.Project
	if f.projectDir != "" {
		var err error
		if p, err = project.Load(f.projectDir); err != nil {
			return nil, nil, nil, err
		}
		if f.specVersion == "" {
			f.specVersion = p.SBOM.SpecVersion
		}
	}
	ts, err := sourceDateEpoch()
	if err != nil {
		return nil, nil, nil, err
	}
	o := generate.ProjectOptions{Components: f.components, Timestamp: ts, Tool: "premarket " + toolVersion(), Image: imgOpts}
	for _, in := range f.inputs {
		o.ExtraInputs = append(o.ExtraInputs, generate.Input{Path: in, Kind: f.kind})
	}
	if f.components == "" && p != nil {
		f.components = p.SBOM.Components
	}
	doc, rep, err := generate.ForProject(ctx, p, o)
	return doc, p, rep, err
}

func runSBOMGenerate(ctx context.Context, stdout, stderr io.Writer, g *globalOptions, f *generateFlags) error {
	if f.projectDir == "" && len(f.inputs) == 0 {
		return &exitError{code: exitUsage, err: fmt.Errorf("give --project DIR or at least one --input\nRun 'premarket sbom generate --help' for usage.")}
	}
	format := cyclonedx.Format(f.outputFormat)
	if format != cyclonedx.FormatJSON && format != cyclonedx.FormatXML && f.outputFormat != formatSPDXJSON {
		return fmt.Errorf("--output-format %q: want json, xml or spdx-json", f.outputFormat)
	}
	switch f.specVersion {
	case "", "1.5", "1.6", "1.7":
	default:
		return fmt.Errorf("--spec-version %q: want 1.5, 1.6 or 1.7", f.specVersion)
	}
	imgOpts, err := f.image.options(g, stderr)
	if err != nil {
		return err
	}
	doc, p, rep, err := buildSBOM(ctx, f, imgOpts)
	if err != nil {
		return err
	}
	out := f.output
	if out == "" && p != nil {
		out = p.SBOM.Output
	}
	if out == "" {
		out = "-"
	}
	var buf bytes.Buffer
	if f.outputFormat == formatSPDXJSON {
		if err := encodeSPDX(&buf, doc); err != nil {
			return err
		}
	} else if err := cyclonedx.Encode(&buf, doc, cyclonedx.EncodeOptions{SpecVersion: f.specVersion, Format: format}); err != nil {
		return fmt.Errorf("encode SBOM: %w", err)
	}
	if format == cyclonedx.FormatJSON {
		spec := f.specVersion
		if spec == "" {
			spec = cyclonedx.DefaultSpecVersion
		}
		vs, err := cyclonedx.ValidateJSON(spec, buf.Bytes())
		if err != nil {
			return err
		}
		if len(vs) > 0 {
			return fmt.Errorf("internal error: the generated SBOM does not validate against the CycloneDX %s schema (nothing written): %v", spec, vs[0])
		}
	}
	if out == "-" {
		if _, err := stdout.Write(buf.Bytes()); err != nil {
			return err
		}
	} else if err := atomicfile.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	if !g.quiet {
		fmt.Fprintf(stderr, "premarket: %d components from %d file(s)", len(doc.Components), countInputs(doc))
		if out != "-" {
			fmt.Fprintf(stderr, " written to %s", out)
		}
		fmt.Fprintln(stderr)
		if rep != nil {
			fmt.Fprintf(stderr, "premarket: support data applied to %d components; %d without support data", len(rep.Applied), len(rep.Uncovered))
			if len(rep.Unused) > 0 {
				var names []string
				for _, e := range rep.Unused {
					names = append(names, e.Match.Name)
				}
				fmt.Fprintf(stderr, "; %d entries of %s match nothing: %s", len(rep.Unused), f.components, strings.Join(names, ", "))
			}
			fmt.Fprintln(stderr)
		}
	}
	return nil
}

// formatSPDXJSON is the --output-format value for SPDX 2.3 JSON.
const formatSPDXJSON = "spdx-json"

// encodeSPDX writes doc as SPDX 2.3 JSON; the creation time is the
// document's timestamp (SOURCE_DATE_EPOCH).
func encodeSPDX(w io.Writer, doc *sbom.Document) error {
	now, err := sourceDateEpoch()
	if err != nil {
		return err
	}
	if err := spdx.Encode(w, doc, spdx.EncodeOptions{Created: now}); err != nil {
		return fmt.Errorf("encode SBOM: %w", err)
	}
	return nil
}

// countInputs counts the files the components were read from (a source
// tree or image counts each file that gave a component).
func countInputs(doc *sbom.Document) int {
	seen := map[string]bool{}
	for _, c := range doc.Components {
		for _, o := range c.Origins {
			seen[o.File] = true
		}
	}
	return len(seen)
}

type checkFlags struct {
	inputs  []string
	profile string
	format  string
	output  string
}

func newSBOMCheckCmd(g *globalOptions) *cobra.Command {
	f := &checkFlags{}
	c := &cobra.Command{
		Use:   "check FILE...",
		Short: "Check SBOMs for the NTIA minimum elements and the FDA support fields",
		Long: `Check CycloneDX (JSON 1.2-1.7, XML) and SPDX (2.2/2.3 JSON, tag-value) SBOMs:

  schema      CycloneDX JSON against the official schema of its version
  NTIA        supplier, name, version, unique identifiers, dependency
              relationships, author, timestamp (NTIA-F1..F7)
  FDA         support level and end-of-support date per component, or a
              justification (FDA-SB1..SB4); values that are not a level or not
              a date are warnings that need a justification
  identifiers PURL/CPE usable for vulnerability matching, hashes, licences

End-of-support dates already past are reported against today (or the time
SOURCE_DATE_EPOCH names, for reproducible reports).

--profile decides what fails: ntia fails on missing NTIA minimum elements;
fda (the default) also fails on missing support data.

` + exitCodesHelp,
		Example: `  premarket sbom check sbom.cdx.json
  premarket sbom check --profile ntia --format json vendor/*.spdx.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			f.inputs = append(f.inputs, args...)
			return runSBOMCheck(cmd.Context(), cmd.OutOrStdout(), g, f)
		},
	}
	fl := c.Flags()
	fl.StringArrayVarP(&f.inputs, "input", "i", nil, "SBOM to check (repeatable; also as arguments)")
	fl.StringVar(&f.profile, "profile", "fda", "policy that decides failure: fda or ntia")
	fl.StringVar(&f.format, "format", "text", reportFormatsHelp)
	fl.StringVarP(&f.output, "output", "o", "-", "where to write the report ('-' for standard output)")
	return c
}

func runSBOMCheck(ctx context.Context, stdout io.Writer, g *globalOptions, f *checkFlags) error {
	if len(f.inputs) == 0 {
		return &exitError{code: exitUsage, err: fmt.Errorf("give at least one SBOM file\nRun 'premarket sbom check --help' for usage.")}
	}
	prof, err := check.ParseProfile(f.profile)
	if err != nil {
		return err
	}
	switch f.format {
	case "text", "json", "sarif", "junit":
	default:
		return fmt.Errorf("--format %q: want text, json, sarif or junit", f.format)
	}
	now, err := sourceDateEpoch()
	if err != nil {
		return err
	}
	readers := generate.Readers()
	var all []finding.Finding
	var metrics []report.Metric
	failed := false
	for _, name := range f.inputs {
		doc, schemaFindings, err := readForCheck(ctx, readers, name)
		if err != nil {
			return err
		}
		res := check.Run(doc, check.Options{Profile: prof, Now: now})
		all = append(all, schemaFindings...)
		all = append(all, res.Findings...)
		if res.Failed() || finding.Fails(schemaFindings, finding.Error) {
			failed = true
		}
		metrics = addMetrics(metrics, res.Scores)
	}
	rep := report.New("premarket", toolVersion(), string(prof), f.inputs, all, metrics, failed)
	if err := writeFindings(g, f.format, f.output, stdout, rep, check.RulesFor(prof)); err != nil {
		return err
	}
	if failed {
		return policyFailed
	}
	return nil
}

// readForCheck reads one SBOM of any supported format and, for CycloneDX
// JSON, validates it against the official schema of its version.
func readForCheck(ctx context.Context, readers []sbom.Reader, name string) (*sbom.Document, []finding.Finding, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, nil, fmt.Errorf("sbom %s: %w", name, unwrapPathError(err))
	}
	if st.IsDir() {
		return nil, nil, fmt.Errorf("sbom %s: is a directory; name the SBOM files to check", name)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, fmt.Errorf("sbom %s: file is empty", name)
	}
	head := data
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	var r sbom.Reader
	for _, x := range readers {
		if isSBOMKind(x.Kind()) && x.Detect(name, head) {
			r = x
			break
		}
	}
	if r == nil {
		return nil, nil, fmt.Errorf("sbom %s: not a CycloneDX (JSON/XML) or SPDX (JSON/tag-value) document", name)
	}
	doc, err := r.Read(ctx, name, data)
	if err != nil {
		return nil, nil, err
	}
	var fs []finding.Finding
	if r.Kind() == cyclonedx.KindJSON {
		vs, err := cyclonedx.ValidateJSONFile(name, doc.SpecVersion, data)
		if err != nil {
			fs = append(fs, finding.Finding{RuleID: check.RuleSchema, Severity: finding.Warning, Catalog: "FDA-SB6",
				Subject: name, Message: fmt.Sprintf("schema validation not performed: %v", err), Location: finding.Location{File: name}})
		}
		for _, v := range vs {
			fs = append(fs, finding.Finding{RuleID: check.RuleSchema, Severity: finding.Error, Catalog: "FDA-SB6",
				Subject: name, Message: fmt.Sprintf("does not validate against the CycloneDX %s schema: %v", doc.SpecVersion, v.Err),
				Location: finding.Location{File: name, Line: v.Line, Column: v.Column, Path: v.Path}})
		}
	}
	return doc, fs, nil
}

func isSBOMKind(k string) bool {
	return strings.HasPrefix(k, "cyclonedx-") || strings.HasPrefix(k, "spdx-")
}

func addMetrics(ms []report.Metric, scores []check.ElementScore) []report.Metric {
	if ms == nil {
		for _, s := range scores {
			ms = append(ms, report.Metric{ID: s.ID, Title: s.Title})
		}
	}
	for i, s := range scores {
		if i >= len(ms) || ms[i].ID != s.ID {
			continue
		}
		ms[i].Satisfied += s.Satisfied
		ms[i].Total += s.Total
		ms[i].Justified += s.Justified
		if ms[i].Total > 0 {
			ms[i].Percent = float64(int(1000*float64(ms[i].Satisfied)/float64(ms[i].Total)+0.5)) / 10
		}
	}
	return ms
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// writeReport writes a report to a file atomically, or to stdout for "-".
func writeReport(out string, stdout io.Writer, fill func(io.Writer) error) error {
	if out == "" || out == "-" {
		return fill(stdout)
	}
	return atomicfile.Write(out, 0o644, fill)
}

// colorOK reports whether text output may be coloured: only on a terminal,
// never with --no-color or NO_COLOR.
func colorOK(g *globalOptions, out string, stdout io.Writer) bool {
	if g.noColor || os.Getenv("NO_COLOR") != "" || (out != "" && out != "-") {
		return false
	}
	f, ok := stdout.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
