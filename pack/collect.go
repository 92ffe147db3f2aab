// Package pack builds premarket's submission-ready evidence pack: one PDF
// laid out in the order of the FDA premarket documentation list (G-2026
// §V-§VII and Appendix 4 table 1), a zip of the machine-readable files for
// the eCopy "MISC FILES" folder, and a manifest of every input and output
// with its SHA-256.
//
// The pack is a renderer: it runs the SBOM generator and the SBOM and
// threat-model checkers, then only lays out what they return. It computes
// no findings of its own; the statuses it shows (documentation checklist,
// view coverage) are read from premarket.yaml, the generated SBOM, the
// threat model and the checkers' findings.
//
// Output is deterministic: with the same inputs and Options.Time, Build
// produces byte-identical PDF, zip and manifest.
package pack

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/premarket/premarket/fda"
	"github.com/premarket/premarket/finding"
	"github.com/premarket/premarket/project"
	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/check"
	"github.com/premarket/premarket/sbom/cyclonedx"
	"github.com/premarket/premarket/sbom/generate"
	"github.com/premarket/premarket/threatmodel"
	tmcheck "github.com/premarket/premarket/threatmodel/check"
	"github.com/premarket/premarket/threatmodel/trace"
)

// Profile names accepted by ParseProfile.
const (
	// ProfileSubmission is the fda SBOM profile plus the submission
	// threat-model profile: what a reviewer will hold the pack to.
	ProfileSubmission = "submission"
	// ProfileDraft is the ntia SBOM profile plus the default threat-model
	// profile, for work in progress.
	ProfileDraft = "draft"
)

// Profile pairs the SBOM check profile with the threat-model check profile.
type Profile struct {
	Name        string
	SBOM        check.Profile
	ThreatModel tmcheck.Profile
}

// ParseProfile maps a --profile value to the two checker profiles:
// "submission" (the default: SBOM fda + threat model submission) and
// "draft" (SBOM ntia + threat model default).
func ParseProfile(s string) (Profile, error) {
	switch strings.ToLower(s) {
	case "", ProfileSubmission:
		return Profile{Name: ProfileSubmission, SBOM: check.ProfileFDA, ThreatModel: tmcheck.ProfileSubmission}, nil
	case ProfileDraft:
		return Profile{Name: ProfileDraft, SBOM: check.ProfileNTIA, ThreatModel: tmcheck.ProfileDefault}, nil
	}
	return Profile{}, fmt.Errorf("profile %q: want submission (SBOM fda + threat model submission) or draft (SBOM ntia + threat model default)", s)
}

// Options configure Collect and Build.
type Options struct {
	// ProjectDir holds premarket.yaml.
	ProjectDir string
	Profile    Profile
	// Time is the pack's timestamp: SBOM metadata, PDF dates, zip entry
	// times and the manifest all use it. Callers derive it from
	// SOURCE_DATE_EPOCH for reproducible packs. It must not be zero.
	Time time.Time
	// ToolVersion is premarket's version, printed on the cover and in the
	// manifest.
	ToolVersion string
	// FontFile is an optional TrueType font used for all text; it is
	// hashed into the manifest as an input.
	FontFile string
	// Catalog is the FDA catalog; nil means fda.Default().
	Catalog *fda.Catalog
	// MaxPDFBytes is the largest PDF Build writes; a larger pack PDF is
	// split into numbered parts (eCopy EC-8). 0 means DefaultMaxPDFBytes.
	MaxPDFBytes int64
}

// Input is one file the pack was built from, hashed for the cover, the
// document-control page and the manifest.
type Input struct {
	Role   string `json:"role"`   // "project", "sbom-input", "components", "threat-model", "font"
	Path   string `json:"path"`   // relative to the project directory, slash-separated
	SHA256 string `json:"sha256"` // hex
	Size   int64  `json:"size"`
}

// Gap is an expected input or documentation item that is missing. Gaps are
// marked in the PDF and fail the pack under --fail-on missing.
type Gap struct {
	ID     string // catalog ID (DOC-06, LBL-12, ...) or input role
	What   string // what is missing, in words
	Reason string // why, when known
}

// Evidence is everything the pack shows, gathered from the project and the
// checkers. Build lays it out; it never adds findings.
type Evidence struct {
	Options Options
	Catalog *fda.Catalog
	Project *project.Project

	// SBOM is the generated device SBOM (nil when it could not be
	// generated: no build inputs); SBOMJSON its CycloneDX JSON encoding;
	// SBOMSpec the CycloneDX version written.
	SBOM         *sbom.Document
	SBOMJSON     []byte
	SBOMSpec     string
	SBOMError    string // why there is no SBOM
	Apply        *project.ApplyReport
	SBOMResult   check.Result
	SBOMFindings []finding.Finding // schema findings plus check.Run's

	// Model is the loaded threat model (nil when absent or unloadable);
	// ModelError says why.
	Model       *threatmodel.Model
	ModelError  string
	ModelPath   string // as named in premarket.yaml, relative to the project
	TMFindings  []finding.Finding
	ModelFiles  []string // absolute paths of every model file read
	ProjectFile string

	Inputs []Input
	Gaps   []Gap

	// words are the texts of templates/pack.json that statuses and gaps
	// are worded in.
	words *wording

	trace *trace.Matrix
}

// Trace returns the traceability matrix of the threat model (nil without
// a model), built once by threatmodel/trace.
func (e *Evidence) Trace() *trace.Matrix {
	if e.trace == nil && e.Model != nil {
		e.trace = trace.BuildWith(e.Model, e.Catalog)
	}
	return e.trace
}

// InputsDigest is the SHA-256 over the sorted "sha256  path" lines of every
// input: one value that changes when any input changes.
func (e *Evidence) InputsDigest() string {
	lines := make([]string, 0, len(e.Inputs))
	for _, in := range e.Inputs {
		lines = append(lines, in.SHA256+"  "+in.Path+"\n")
	}
	sort.Strings(lines)
	h := sha256.New()
	for _, l := range lines {
		h.Write([]byte(l))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Collect reads the project, generates and checks the SBOM, loads and
// checks the threat model and hashes the inputs. Missing inputs (no build
// outputs, no components.yaml, no threat model) are recorded as gaps, not
// errors; an input that exists but cannot be read or parsed is an error.
func Collect(ctx context.Context, o Options) (*Evidence, error) {
	if o.Time.IsZero() {
		return nil, errors.New("pack: Options.Time is zero; pass the build time (SOURCE_DATE_EPOCH)")
	}
	cat := o.Catalog
	if cat == nil {
		var err error
		if cat, err = fda.Default(); err != nil {
			return nil, err
		}
	}
	p, err := project.Load(o.ProjectDir)
	if err != nil {
		return nil, err
	}
	if _, err := PDFName(p.Submission.DocumentName); err != nil {
		return nil, err
	}
	w, err := newWording()
	if err != nil {
		return nil, err
	}
	e := &Evidence{Options: o, Catalog: cat, Project: p, ProjectFile: p.File, words: w}
	if err := e.hashInput("project", p.File); err != nil {
		return nil, err
	}
	if err := e.collectSBOM(ctx); err != nil {
		return nil, err
	}
	if err := e.collectModel(ctx); err != nil {
		return nil, err
	}
	if o.FontFile != "" {
		if err := e.hashInput("font", o.FontFile); err != nil {
			return nil, err
		}
	}
	e.collectItemGaps()
	if w.err != nil {
		return nil, w.err
	}
	return e, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func (e *Evidence) collectSBOM(ctx context.Context) error {
	p := e.Project
	q := *p // shallow copy: only the SBOM inputs and components path change
	present := func(ins []project.Input) ([]project.Input, error) {
		var out []project.Input
		for _, in := range ins {
			if !exists(in.Path) {
				e.Gaps = append(e.Gaps, Gap{ID: "DOC-06", What: e.gapText("gap_sbom_input", map[string]any{"Path": e.rel(in.Path)}), Reason: e.gapText("gap_file_not_found", nil)})
				continue
			}
			out = append(out, in)
			if err := e.hashInput("sbom-input", in.Path); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	var err error
	if q.SBOM.Inputs, err = present(p.SBOM.Inputs); err != nil {
		return err
	}
	nInputs := len(q.SBOM.Inputs)
	q.SBOM.Firmware = nil
	for _, fw := range p.SBOM.Firmware {
		if fw.Inputs, err = present(fw.Inputs); err != nil {
			return err
		}
		nInputs += len(fw.Inputs)
		q.SBOM.Firmware = append(q.SBOM.Firmware, fw)
	}
	switch {
	case p.SBOM.Components == "":
		e.Gaps = append(e.Gaps, Gap{ID: "DOC-07", What: e.gapText("gap_support_data", nil), Reason: e.gapText("gap_no_components_file", nil)})
	case !exists(p.SBOM.Components):
		e.Gaps = append(e.Gaps, Gap{ID: "DOC-07", What: e.gapText("gap_support_file", map[string]any{"Path": e.rel(p.SBOM.Components)}), Reason: e.gapText("gap_file_not_found", nil)})
		q.SBOM.Components = ""
	default:
		if err := e.hashInput("components", p.SBOM.Components); err != nil {
			return err
		}
	}
	if nInputs == 0 {
		e.SBOMError = e.gapText("sbom_error_no_inputs", nil)
		e.Gaps = append(e.Gaps, Gap{ID: "DOC-06", What: e.gapText("gap_sbom", nil), Reason: e.SBOMError})
		return nil
	}
	doc, rep, err := generate.ForProject(ctx, &q, generate.ProjectOptions{Timestamp: e.Options.Time, Tool: "premarket " + e.Options.ToolVersion})
	if err != nil {
		return fmt.Errorf("generate the SBOM: %w", err)
	}
	spec := p.SBOM.SpecVersion
	if spec == "" {
		spec = cyclonedx.DefaultSpecVersion
	}
	var buf strings.Builder
	if err := cyclonedx.Encode(&buf, doc, cyclonedx.EncodeOptions{SpecVersion: spec}); err != nil {
		return fmt.Errorf("encode the SBOM: %w", err)
	}
	e.SBOM, e.Apply, e.SBOMSpec, e.SBOMJSON = doc, rep, spec, []byte(buf.String())
	name := sbomFileName(p)
	vs, err := cyclonedx.ValidateJSONFile(name, spec, e.SBOMJSON)
	if err != nil {
		return err
	}
	for _, v := range vs {
		e.SBOMFindings = append(e.SBOMFindings, finding.Finding{RuleID: check.RuleSchema, Severity: finding.Error, Catalog: "FDA-SB6",
			Subject: name, Message: fmt.Sprintf("does not validate against the CycloneDX %s schema: %v", spec, v.Err),
			Location: finding.Location{File: name, Line: v.Line, Column: v.Column, Path: v.Path}})
	}
	e.SBOMResult = check.Run(doc, check.Options{Profile: e.Options.Profile.SBOM})
	for _, f := range e.SBOMResult.Findings {
		if f.Location.File == "" {
			f.Location.File = name
		}
		e.SBOMFindings = append(e.SBOMFindings, f)
	}
	finding.Sort(e.SBOMFindings)
	return nil
}

// sbomFileName is the name of the SBOM inside the pack's zip.
func sbomFileName(p *project.Project) string {
	if p.SBOM.Output != "" {
		return filepath.Base(p.SBOM.Output)
	}
	n := safeName(p.Device.Name + "-" + p.Device.SoftwareVersion)
	return n + ".cdx.json"
}

// safeName keeps letters, digits, dot, dash and underscore.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "sbom"
	}
	return b.String()
}

func (e *Evidence) collectModel(ctx context.Context) error {
	p := e.Project
	if p.ThreatModel == nil || p.ThreatModel.Path == "" {
		e.ModelError = e.gapText("model_error_none", nil)
		e.Gaps = append(e.Gaps, Gap{ID: "DOC-02", What: e.gapText("gap_model", nil), Reason: e.ModelError})
		return nil
	}
	path := p.ThreatModel.Path
	e.ModelPath = e.rel(path)
	if !exists(path) {
		e.ModelError = e.gapText("model_error_not_found", map[string]any{"Path": e.ModelPath})
		e.Gaps = append(e.Gaps, Gap{ID: "DOC-02", What: e.gapText("gap_model_file", map[string]any{"Path": e.ModelPath}), Reason: e.gapText("gap_file_not_found", nil)})
		return nil
	}
	m, loadFindings, err := threatmodel.Load(path, threatmodel.LoadOptions{})
	if err != nil {
		return fmt.Errorf("threat model: %w", err)
	}
	e.TMFindings = append(e.TMFindings, loadFindings...)
	if m == nil {
		e.ModelError = e.gapText("model_error_invalid", map[string]any{"Path": e.ModelPath})
		e.ModelFiles = []string{path}
		if err := e.hashInput("threat-model", path); err != nil {
			return err
		}
		finding.Sort(e.TMFindings)
		return nil
	}
	e.Model = m
	for _, f := range m.Files {
		abs := f
		if !filepath.IsAbs(abs) {
			abs, _ = filepath.Abs(f)
		}
		e.ModelFiles = append(e.ModelFiles, abs)
		if err := e.hashInput("threat-model", f); err != nil {
			return err
		}
	}
	opts := tmcheck.Options{Profile: e.Options.Profile.ThreatModel, Catalog: e.Catalog, Context: ctx}
	if e.SBOM != nil {
		// The model's SBOM entry that names the project's generated SBOM
		// (by its output path or by one of the build inputs it is built
		// from) is resolved against the SBOM just generated.
		opts.SBOMs = map[string]*sbom.Document{}
		for _, s := range m.SBOMs {
			if e.describesProjectSBOM(s) {
				opts.SBOMs[s.ID] = e.SBOM
			}
		}
	}
	e.TMFindings = append(e.TMFindings, tmcheck.Run(m, opts)...)
	finding.Sort(e.TMFindings)
	return nil
}

func (e *Evidence) describesProjectSBOM(s *threatmodel.SBOMRef) bool {
	p := e.Project
	same := func(a, b string) bool {
		if a == "" || b == "" {
			return false
		}
		x, err1 := filepath.Abs(a)
		y, err2 := filepath.Abs(b)
		return err1 == nil && err2 == nil && x == y
	}
	if s.Path != "" && same(threatmodel.ResolvePath(s.Dir, s.Path), p.SBOM.Output) {
		return true
	}
	for _, in := range p.SBOM.Inputs {
		if s.Source != "" && same(threatmodel.ResolvePath(s.Dir, s.Source), in.Path) {
			return true
		}
	}
	return false
}

// collectItemGaps records the labeling, management-plan and testing items
// premarket.yaml leaves missing.
func (e *Evidence) collectItemGaps() {
	p := e.Project
	notListed := e.gapText("gap_item_not_listed", nil)
	add := func(items []fda.Item, got map[string]project.Item) {
		for _, it := range items {
			st := got[it.ID]
			if st.Status == "" || st.Status == project.StatusMissing {
				reason := st.Reason
				if st.Status == "" {
					reason = notListed
				}
				e.Gaps = append(e.Gaps, Gap{ID: it.ID, What: it.Title, Reason: reason})
			}
		}
	}
	add(e.Catalog.Labeling(), p.Labeling)
	add(e.Catalog.ManagementPlan(), p.ManagementPlan)
	var testing map[string]project.Item
	if p.Testing != nil {
		testing = p.Testing.Items
	}
	add(e.Catalog.Testing(), testing)
	for _, d := range e.DocStatuses() {
		if d.Status == project.StatusMissing {
			e.Gaps = append(e.Gaps, Gap{ID: d.Item.ID, What: d.Item.Title, Reason: d.Reason})
		}
	}
	sort.SliceStable(e.Gaps, func(i, j int) bool { return idLess(e.Gaps[i].ID, e.Gaps[j].ID) })
	// One gap per ID and text.
	out := e.Gaps[:0]
	seen := map[string]bool{}
	for _, g := range e.Gaps {
		k := g.ID + "\x00" + g.What
		if !seen[k] {
			seen[k] = true
			out = append(out, g)
		}
	}
	e.Gaps = out
}

// idLess orders catalog IDs by prefix, then numerically.
func idLess(a, b string) bool {
	pa, na := splitID(a)
	pb, nb := splitID(b)
	if pa != pb {
		return pa < pb
	}
	if na != nb {
		return na < nb
	}
	return a < b
}

func splitID(s string) (string, int) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	n := 0
	for _, c := range s[i:] {
		n = n*10 + int(c-'0')
		if n > 1<<30 {
			break
		}
	}
	return s[:i], n
}

// rel makes a path relative to the project directory, slash-separated,
// for the manifest and the PDF (absolute paths would differ per machine).
func (e *Evidence) rel(path string) string {
	base, err1 := filepath.Abs(e.Options.ProjectDir)
	abs, err2 := filepath.Abs(path)
	if err1 == nil && err2 == nil {
		if r, err := filepath.Rel(base, abs); err == nil {
			return filepath.ToSlash(r)
		}
	}
	return filepath.ToSlash(path)
}

// hashInput records a file (or every file below a directory) as an input.
func (e *Evidence) hashInput(role, path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("%s %s: %w", role, path, err)
	}
	if !st.IsDir() {
		return e.hashFile(role, path)
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s %s: %w", role, path, err)
	}
	sort.Strings(files)
	for _, f := range files {
		if err := e.hashFile(role, f); err != nil {
			return err
		}
	}
	return nil
}

func (e *Evidence) hashFile(role, path string) error {
	r := e.rel(path)
	if strings.HasPrefix(r, "../") || filepath.IsAbs(r) {
		// outside the project (a --font): the name only, so the manifest
		// does not depend on where the file sits on this machine
		r = filepath.Base(path)
	}
	for _, in := range e.Inputs {
		if in.Path == r {
			return nil
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%s %s: %w", role, path, err)
	}
	sum := sha256.Sum256(data)
	e.Inputs = append(e.Inputs, Input{Role: role, Path: r, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))})
	return nil
}

// AllFindings returns the SBOM and threat-model findings together, sorted.
func (e *Evidence) AllFindings() []finding.Finding {
	all := append(append([]finding.Finding(nil), e.SBOMFindings...), e.TMFindings...)
	finding.Sort(all)
	return all
}

// Failed reports whether any checker finding is an error.
func (e *Evidence) Failed() bool {
	return finding.Fails(e.SBOMFindings, finding.Error) || finding.Fails(e.TMFindings, finding.Error)
}

// gapText is a text of the documentation checklist (where gaps are
// listed) expanded with data.
func (e *Evidence) gapText(key string, data any) string {
	return e.words.say("doc-checklist", key, data)
}
