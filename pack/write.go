package pack

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/premarket/premarket/finding"
	"github.com/premarket/premarket/pack/ecopy"
	"github.com/premarket/premarket/pack/pdf"
	"github.com/premarket/premarket/report"
	"github.com/premarket/premarket/sbom/check"
)

// ManifestName is the manifest file at the root of the output folder.
const ManifestName = "manifest.json"

// ManifestVersion is the version of the manifest's shape.
const ManifestVersion = 1

// Result describes a written pack.
type Result struct {
	Dir string // the output folder
	PDF string // path of the PDF (of part 1 when the PDF is split)
	// PDFs are the paths of all PDFs in eCopy order: one, or the numbered
	// parts of a PDF larger than Options.MaxPDFBytes (EC-8).
	PDFs     []string
	Zip      string // path of the zip in MISC FILES
	Manifest string // path of manifest.json
	Pages    int    // pages of all PDFs
	PDFBytes int64  // bytes of all PDFs
}

// Manifest is manifest.json: what the pack was built from and what it
// holds, each file with its SHA-256. Timestamp is the pack's timestamp
// (Options.Time, from SOURCE_DATE_EPOCH when set), never the wall clock at
// the end of the run, so manifests of reproducible builds are
// byte-identical; no elapsed time is recorded.
type Manifest struct {
	ManifestVersion int          `json:"manifestVersion"`
	Tool            string       `json:"tool"`
	Version         string       `json:"version"`
	CatalogEdition  string       `json:"catalogEdition"`
	Timestamp       string       `json:"timestamp"`
	Profile         string       `json:"profile"`
	Device          string       `json:"device"`
	SoftwareVersion string       `json:"softwareVersion"`
	InputsDigest    string       `json:"inputsDigest"`
	Inputs          []Input      `json:"inputs"`
	Outputs         []OutputFile `json:"outputs"`
	ZipEntries      []OutputFile `json:"zipEntries"`
	Pages           int          `json:"pages"`
	Findings        struct {
		SBOM        report.Summary `json:"sbom"`
		ThreatModel report.Summary `json:"threatModel"`
	} `json:"findings"`
	Gaps []ManifestGap `json:"gaps"`
}

// OutputFile is one written file.
type OutputFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// ManifestGap is a Gap in the manifest.
type ManifestGap struct {
	ID     string `json:"id"`
	What   string `json:"what"`
	Reason string `json:"reason,omitempty"`
}

// PDFName returns the eCopy file name of the pack PDF, "001_<documentName>.pdf",
// or an error naming the eCopy rule the document name breaks.
func PDFName(documentName string) (string, error) {
	name := "001_" + documentName + ".pdf"
	if _, err := ecopy.ParsePDFName(name); err != nil {
		return "", fmt.Errorf("submission.documentName %q cannot name the pack PDF %q: %w (change submission.documentName in premarket.yaml; allowed are ASCII letters, digits, spaces, hyphens, underscores and periods)", documentName, name, err)
	}
	return name, nil
}

// Build renders the evidence and writes the pack into outDir: the PDF,
// MISC FILES/<zip> and manifest.json. Everything is written into a
// temporary folder beside outDir and renamed into place at the end, so
// outDir is never left half-written; an existing outDir is replaced only
// when it is empty or holds an earlier pack (a manifest.json).
func Build(ctx context.Context, e *Evidence, outDir string) (*Result, error) {
	pdfName, err := PDFName(e.Project.Submission.DocumentName)
	if err != nil {
		return nil, err
	}
	if err := checkReplaceable(outDir); err != nil {
		return nil, err
	}
	var fonts pdf.Fonts
	if e.Options.FontFile != "" {
		b, err := pdf.LoadFontFile(e.Options.FontFile)
		if err != nil {
			return nil, err
		}
		fonts.Regular = b
	}
	zipName := ecopy.SanitizeDescription(e.Project.Device.Name+" "+e.Project.Device.SoftwareVersion) + " machine-readable files.zip"
	if err := ecopy.CheckChars(zipName); err != nil {
		return nil, fmt.Errorf("zip name: %w", err)
	}
	zipPath := ecopy.MiscFiles + "/" + zipName
	if errs := ecopy.CheckLayout([]string{pdfName, zipPath}); len(errs) > 0 {
		return nil, fmt.Errorf("eCopy layout: %w", errors.Join(errs...))
	}
	zipBytes, entries, err := e.zip()
	if err != nil {
		return nil, err
	}
	doc, err := e.Document(fonts)
	if err != nil {
		return nil, err
	}
	man := e.manifest(entries)
	docName := e.Project.Submission.DocumentName
	limit := e.Options.MaxPDFBytes
	if limit <= 0 {
		limit = DefaultMaxPDFBytes
	}
	// From here on only doc and man are used: the evidence (threat-model
	// YAML trees, SBOM) can be collected while the PDF is laid out, which
	// bounds the peak memory of large packs when the caller has let go
	// of e too.
	e = nil
	pdfBytes, st, err := doc.Bytes(ctx)
	if err != nil {
		return nil, fmt.Errorf("render the pack PDF: %w", err)
	}
	pdfs := []pdfFile{{name: pdfName, data: pdfBytes, pages: st.Pages}}
	if st.Bytes > limit {
		// EC-8: split into numbered parts, each a complete PDF
		pdfBytes = nil
		var sp *splitter
		sp, err = newSplitter(doc, docName)
		if err == nil {
			pdfs, err = sp.split(ctx, limit)
		}
		if err != nil {
			return nil, fmt.Errorf("the pack PDF is %d bytes, more than the limit of %d bytes (eCopy EC-8): %w", st.Bytes, limit, err)
		}
	}
	files := map[string][]byte{zipPath: zipBytes}
	layout := []string{zipPath}
	var pdfPaths []string
	var pages int
	var pdfTotal int64
	for _, f := range pdfs {
		files[f.name] = f.data
		layout = append(layout, f.name)
		pdfPaths = append(pdfPaths, filepath.Join(outDir, f.name))
		pages += f.pages
		pdfTotal += int64(len(f.data))
	}
	if errs := ecopy.CheckLayout(layout); len(errs) > 0 {
		return nil, fmt.Errorf("eCopy layout: %w", errors.Join(errs...))
	}
	man.Pages = pages
	for n, b := range files {
		man.Outputs = append(man.Outputs, OutputFile{Path: n, SHA256: sum(b), Size: int64(len(b))})
	}
	sort.Slice(man.Outputs, func(i, j int) bool { return man.Outputs[i].Path < man.Outputs[j].Path })
	mb, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return nil, err
	}
	files[ManifestName] = append(mb, '\n')

	parent := filepath.Dir(filepath.Clean(outDir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(outDir)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create a temporary folder beside %s: %w", outDir, err)
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := filepath.Join(tmp, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := writeSynced(p, files[n]); err != nil {
			return nil, err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, err
	}
	if err := replaceDir(tmp, outDir); err != nil {
		return nil, err
	}
	ok = true
	return &Result{Dir: outDir, PDF: pdfPaths[0], PDFs: pdfPaths, Zip: filepath.Join(outDir, ecopy.MiscFiles, zipName),
		Manifest: filepath.Join(outDir, ManifestName), Pages: pages, PDFBytes: pdfTotal}, nil
}

func writeSynced(p string, data []byte) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", p, err)
	}
	return f.Close()
}

// checkReplaceable refuses to overwrite a folder that is not a pack.
func checkReplaceable(outDir string) error {
	st, err := os.Stat(outDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("--out %s exists and is not a folder", outDir)
	}
	ents, err := os.ReadDir(outDir)
	if err != nil {
		return err
	}
	if len(ents) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(outDir, ManifestName)); err == nil {
		return nil
	}
	return fmt.Errorf("--out %s exists, is not empty and holds no %s from an earlier pack; refusing to replace it (choose an empty or new folder)", outDir, ManifestName)
}

// replaceDir moves the finished tmp folder to outDir, moving an earlier
// pack aside first and deleting it only once the new one is in place.
func replaceDir(tmp, outDir string) error {
	if _, err := os.Stat(outDir); errors.Is(err, os.ErrNotExist) {
		return os.Rename(tmp, outDir)
	}
	old := tmp + ".old"
	if err := os.Rename(outDir, old); err != nil {
		return fmt.Errorf("move the earlier pack %s aside: %w", outDir, err)
	}
	if err := os.Rename(tmp, outDir); err != nil {
		if rerr := os.Rename(old, outDir); rerr != nil {
			return fmt.Errorf("install the pack in %s: %w (the earlier pack is in %s)", outDir, err, old)
		}
		return fmt.Errorf("install the pack in %s: %w", outDir, err)
	}
	return os.RemoveAll(old)
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// zip builds the MISC FILES zip: the CycloneDX SBOM, the check results and
// the threat model files as given. Entries are sorted and carry the pack
// timestamp, so the zip is byte-identical for the same inputs.
func (e *Evidence) zip() ([]byte, []OutputFile, error) {
	files := map[string][]byte{}
	if e.SBOM != nil {
		files["sbom/"+sbomFileName(e.Project)] = e.SBOMJSON
	}
	var inputs []string
	for _, in := range e.Inputs {
		inputs = append(inputs, in.Path)
	}
	var sb bytes.Buffer
	srep := report.New("premarket", e.Options.ToolVersion, string(e.Options.Profile.SBOM), []string{"sbom/" + sbomFileName(e.Project)}, e.SBOMFindings, metrics(e.SBOMResult.Scores), finding.Fails(e.SBOMFindings, finding.Error))
	if err := report.JSON(&sb, srep); err != nil {
		return nil, nil, err
	}
	files["check-results/sbom-check.json"] = sb.Bytes()
	if e.ModelPath != "" && len(e.ModelFiles) > 0 {
		var tb bytes.Buffer
		trep := report.New("premarket", e.Options.ToolVersion, string(e.Options.Profile.ThreatModel), []string{e.ModelPath}, e.TMFindings, nil, finding.Fails(e.TMFindings, finding.Error))
		if err := report.JSON(&tb, trep); err != nil {
			return nil, nil, err
		}
		files["check-results/threatmodel-check.json"] = tb.Bytes()
		base := filepath.Dir(e.ModelFiles[0])
		for _, f := range e.ModelFiles {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, nil, fmt.Errorf("threat model %s: %w", f, err)
			}
			rel, err := filepath.Rel(base, f)
			if err != nil || strings.HasPrefix(rel, "..") {
				rel = filepath.Base(f)
			}
			files["threatmodel/"+filepath.ToSlash(rel)] = data
		}
		if mx := e.Trace(); mx != nil {
			var xb bytes.Buffer
			if err := mx.WriteJSON(&xb); err != nil {
				return nil, nil, err
			}
			files["check-results/trace.json"] = xb.Bytes()
		}
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	mod := e.Options.Time.UTC()
	if mod.Year() < 1980 {
		mod = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC) // the earliest MS-DOS time
	}
	var entries []OutputFile
	for _, n := range names {
		h := &zip.FileHeader{Name: path.Clean(n), Method: zip.Deflate, Modified: mod}
		h.SetMode(0o644)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, nil, err
		}
		if _, err := w.Write(files[n]); err != nil {
			return nil, nil, err
		}
		entries = append(entries, OutputFile{Path: n, SHA256: sum(files[n]), Size: int64(len(files[n]))})
	}
	if err := zw.Close(); err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), entries, nil
}

func metrics(scores []check.ElementScore) []report.Metric {
	var ms []report.Metric
	for _, s := range scores {
		ms = append(ms, report.Metric{ID: s.ID, Title: s.Title, Satisfied: s.Satisfied, Total: s.Total, Justified: s.Justified, Percent: s.Percent})
	}
	return ms
}

func summary(fs []finding.Finding) report.Summary {
	c := finding.Count(fs)
	return report.Summary{Errors: c[finding.Error], Warnings: c[finding.Warning], Info: c[finding.Info]}
}

// manifest fills everything but the outputs and the page count, which
// Build adds once the PDF is rendered.
func (e *Evidence) manifest(entries []OutputFile) Manifest {
	m := Manifest{
		ManifestVersion: ManifestVersion,
		Tool:            "premarket",
		Version:         e.Options.ToolVersion,
		CatalogEdition:  e.Catalog.Edition,
		Timestamp:       e.Options.Time.UTC().Format(time.RFC3339),
		Profile:         e.Options.Profile.Name,
		Device:          e.Project.Device.Name,
		SoftwareVersion: e.Project.Device.SoftwareVersion,
		InputsDigest:    e.InputsDigest(),
		Inputs:          append([]Input{}, e.Inputs...),
		ZipEntries:      entries,
		Gaps:            []ManifestGap{},
	}
	m.Findings.SBOM = summary(e.SBOMFindings)
	m.Findings.ThreatModel = summary(e.TMFindings)
	for _, g := range e.Gaps {
		m.Gaps = append(m.Gaps, ManifestGap{ID: g.ID, What: g.What, Reason: g.Reason})
	}
	return m
}
