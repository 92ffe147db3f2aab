package threatmodel

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/premarket/premarket/finding"
	"github.com/premarket/premarket/schemas"
	"github.com/premarket/premarket/yamlpos"
)

// SchemaName is the embedded JSON Schema every model is validated against.
const SchemaName = "threatmodel.schema.json"

// RuleSchema is the rule ID of schema violations reported by Load.
const RuleSchema = "TM-SCHEMA-001"

// LoadOptions bound the work Load may do.
type LoadOptions struct {
	// Limits apply to each file; the zero value means
	// yamlpos.DefaultLimits. MaxBytes also bounds the total size of the
	// root file and all its includes.
	Limits yamlpos.Limits
	// MaxIncludes bounds how many fragment files one model may pull in
	// (0 means 256).
	MaxIncludes int
}

func (o LoadOptions) limits() yamlpos.Limits {
	if o.Limits == (yamlpos.Limits{}) {
		return yamlpos.DefaultLimits
	}
	return o.Limits
}

// listSections are the top-level keys that hold element lists; includes
// append to them and fragments may contain only them.
var listSections = []string{
	"assumptions", "actors", "threatActors", "assets", "trustBoundaries",
	"components", "dataflows", "views", "controls", "threats", "evidence",
	"sboms", "vulnerabilities", "imports",
}

func isListSection(k string) bool {
	for _, s := range listSections {
		if s == k {
			return true
		}
	}
	return false
}

// Load reads a threat model (YAML or JSON) and the fragments it includes,
// validates the merged document against the embedded schema and decodes
// it into typed elements that remember their file and line.
//
// The error is non-nil when the input cannot be read at all: a missing
// file, a YAML syntax error, a limit exceeded, an include cycle or escape
// (it is a *yamlpos.Error when it can be located). Schema violations are
// returned as findings with rule TM-SCHEMA-001 and a nil model, because
// the semantic checks need a structurally valid model.
func Load(path string, opts LoadOptions) (*Model, []finding.Finding, error) {
	lim := opts.limits()
	if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() && lim.MaxBytes > 0 && st.Size() <= lim.MaxBytes {
		data, err := os.ReadFile(path)
		if err == nil && int64(len(data)) <= lim.MaxBytes {
			return loadBytes(path, data, opts, defaultWorkers())
		}
	}
	// Anything unusual: yamlpos reads the file and reports the problem.
	doc, err := yamlpos.ReadFile(path, lim)
	if err != nil {
		return nil, nil, err
	}
	return load(doc, opts)
}

// LoadBytes is Load for a root document already in memory; name is used in
// messages and to resolve includes.
func LoadBytes(name string, data []byte, opts LoadOptions) (*Model, []finding.Finding, error) {
	return loadBytes(name, data, opts, defaultWorkers())
}

// loadBytes streams a large single-file model in chunks when its text
// allows (stream.go) and otherwise parses it whole.
func loadBytes(name string, data []byte, opts LoadOptions, workers int) (*Model, []finding.Finding, error) {
	if plan, err := splitPlan(); err == nil {
		if pieces, ok := streamable(data, plan); ok {
			if m, fs, ok := loadStream(name, data, pieces, plan, opts, workers); ok {
				return m, fs, nil
			}
		}
	}
	doc, err := yamlpos.Parse(name, data, opts.limits())
	if err != nil {
		return nil, nil, err
	}
	return loadWith(doc, opts, workers)
}

// source is one file of a model.
type source struct {
	doc *yamlpos.Doc
	dir string
}

// merged is the root document with its includes appended list-wise.
type merged struct {
	root    *yaml.Node
	files   []string
	origin  map[string][]*source // section -> source of each element
	rootSrc *source
}

func load(doc *yamlpos.Doc, opts LoadOptions) (*Model, []finding.Finding, error) {
	return loadWith(doc, opts, defaultWorkers())
}

// loadWith is load on up to workers goroutines.
//
// The merged tree is converted to plain values, validated, decoded and
// located element by element (see split.go); the Model keeps only position
// skeletons, so the yaml tree is garbage once loadWith returns.
func loadWith(doc *yamlpos.Doc, opts LoadOptions, workers int) (*Model, []finding.Finding, error) {
	if doc.Root.Kind != yaml.MappingNode {
		return nil, nil, &yamlpos.Error{File: doc.File, Line: doc.Root.Line, Column: doc.Root.Column, Err: errors.New("a threat model must be a mapping (dtmVersion, model, device, ...)")}
	}
	mg, err := mergeIncludes(doc, opts)
	if err != nil {
		return nil, nil, err
	}
	s, err := schemas.Compile(SchemaName)
	if err != nil {
		return nil, nil, err
	}
	plan, err := splitPlan()
	if err != nil {
		return nil, nil, err
	}
	sd, err := split(mg.root, plan)
	if err != nil {
		return nil, nil, err
	}
	viol, valueErr := sd.validate(s, doc, mg.root, workers)
	if valueErr {
		return nil, nil, mg.valueError(doc.File)
	}
	if len(viol) > 0 {
		return nil, violationFindings(viol, func(p string) string { return mg.fileOfPath(p, doc.File) }), nil
	}
	m := &Model{File: doc.File, Dir: filepath.Dir(doc.File), Files: mg.files}
	if err := sd.cut.Decode(m); err != nil {
		return nil, nil, mg.decodeError(doc.File)
	}
	if !mg.decodeAndLocate(m, sd, workers) {
		return nil, nil, mg.decodeError(doc.File)
	}
	return m, nil, nil
}

// violationFindings turns schema violations into sorted findings;
// fileOf names the file of a document path.
func violationFindings(viol []*schemas.Violation, fileOf func(path string) string) []finding.Finding {
	fs := make([]finding.Finding, 0, len(viol))
	for _, x := range viol {
		fs = append(fs, finding.Finding{
			RuleID:   RuleSchema,
			Severity: finding.Error,
			Catalog:  "DOC-02",
			Subject:  x.Path,
			Message:  fmt.Sprintf("%v; fix the field so the model follows the DTM schema", x.Err),
			Location: finding.Location{File: fileOf(x.Path), Line: x.Line, Column: x.Column, Path: x.Path},
		})
	}
	finding.Sort(fs)
	return fs
}

// valueError finds the structural problem (duplicate key, merge key) that
// yamlpos.Value reports and names the file it is in: the merged tree is
// converted once, then the files one by one to find the culprit.
func (mg *merged) valueError(rootFile string) error {
	_, err := yamlpos.Value(mg.root)
	if err == nil {
		return &yamlpos.Error{File: rootFile, Err: errors.New("the model cannot be converted to plain values")}
	}
	for _, f := range mg.allSources() {
		if _, e := yamlpos.Value(f.doc.Root); e != nil {
			return locateValueError(f.doc.File, e)
		}
	}
	return locateValueError(rootFile, err)
}

// decodeError decodes the whole merged tree, as one call, to report the
// first decoding error in document order.
func (mg *merged) decodeError(rootFile string) error {
	if err := mg.root.Decode(&Model{}); err != nil {
		return locateDecodeError(rootFile, err)
	}
	return &yamlpos.Error{File: rootFile, Err: errors.New("the model cannot be decoded")}
}

func (mg *merged) allSources() []*source {
	out := []*source{mg.rootSrc}
	seen := map[*source]bool{mg.rootSrc: true}
	for _, sec := range listSections {
		for _, s := range mg.origin[sec] {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// fileOfPath maps a dotted document path ("threats[12].risk") of the
// merged model to the file its element came from.
func (mg *merged) fileOfPath(path, def string) string {
	i := strings.IndexAny(path, ".[")
	if i < 0 || path[i] != '[' {
		return def
	}
	srcs, ok := mg.origin[path[:i]]
	if !ok {
		return def
	}
	j := strings.IndexByte(path[i:], ']')
	if j < 0 {
		return def
	}
	n, err := strconv.Atoi(path[i+1 : i+j])
	if err != nil || n < 0 || n >= len(srcs) {
		return def
	}
	return srcs[n].doc.File
}

func locateValueError(file string, err error) error {
	msg := err.Error()
	line := 0
	if strings.HasPrefix(msg, "line ") {
		rest := msg[len("line "):]
		if i := strings.Index(rest, ":"); i > 0 {
			if v, e := strconv.Atoi(rest[:i]); e == nil {
				line = v
				msg = strings.TrimSpace(rest[i+1:])
			}
		}
	}
	return &yamlpos.Error{File: file, Line: line, Err: errors.New(msg)}
}

func locateDecodeError(file string, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		return locateValueError(file, errors.New(strings.TrimPrefix(te.Errors[0], "yaml: ")))
	}
	return &yamlpos.Error{File: file, Err: err}
}

// mergeIncludes reads the include tree of doc depth-first and appends each
// fragment's list sections after the including file's own elements.
func mergeIncludes(doc *yamlpos.Doc, opts LoadOptions) (*merged, error) {
	lim := opts.limits()
	maxInc := opts.MaxIncludes
	if maxInc <= 0 {
		maxInc = 256
	}
	rootDir, err := filepath.Abs(filepath.Dir(doc.File))
	if err != nil {
		return nil, err
	}
	rootSrc := &source{doc: doc, dir: filepath.Dir(doc.File)}
	mg := &merged{files: []string{doc.File}, origin: map[string][]*source{}, rootSrc: rootSrc}
	items := map[string][]*yaml.Node{}
	rootAbs, _ := filepath.Abs(doc.File)
	seen := map[string]bool{rootAbs: true}
	total := fileSize(doc.File)
	var visit func(src *source, stack []string, fragment bool) error
	visit = func(src *source, stack []string, fragment bool) error {
		root := src.doc.Root
		var incNode *yaml.Node
		for i := 0; i+1 < len(root.Content); i += 2 {
			k, v := root.Content[i], yamlpos.Resolve(root.Content[i+1])
			switch {
			case isListSection(k.Value):
				if v.Kind != yaml.SequenceNode {
					if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null" {
						continue
					}
					if !fragment {
						continue // the schema reports the wrong type with its location
					}
					return &yamlpos.Error{File: src.doc.File, Line: v.Line, Column: v.Column, Path: k.Value, Err: errors.New("must be a list")}
				}
				for _, it := range v.Content {
					items[k.Value] = append(items[k.Value], it)
					mg.origin[k.Value] = append(mg.origin[k.Value], src)
				}
			case k.Value == "includes":
				incNode = v
			case fragment && k.Value == "dtmVersion":
				// allowed in fragments for editor tooling; the root's value governs
			case fragment && !strings.HasPrefix(k.Value, "x-"):
				return &yamlpos.Error{File: src.doc.File, Line: k.Line, Column: k.Column, Path: k.Value,
					Err: fmt.Errorf("an included fragment may hold only list sections (%s), includes and x- keys, not %q", strings.Join(listSections, ", "), k.Value)}
			}
		}
		if incNode == nil || (incNode.Kind == yaml.ScalarNode && incNode.ShortTag() == "!!null") {
			return nil
		}
		if incNode.Kind != yaml.SequenceNode {
			return &yamlpos.Error{File: src.doc.File, Line: incNode.Line, Column: incNode.Column, Path: "includes", Err: errors.New("must be a list of relative file paths")}
		}
		for i, n := range incNode.Content {
			n = yamlpos.Resolve(n)
			at := func(err error) error {
				return &yamlpos.Error{File: src.doc.File, Line: n.Line, Column: n.Column, Path: fmt.Sprintf("includes[%d]", i), Err: err}
			}
			if n.Kind != yaml.ScalarNode || n.Value == "" {
				return at(errors.New("must be a relative file path"))
			}
			rel := n.Value
			if filepath.IsAbs(rel) || strings.HasPrefix(rel, "/") || strings.Contains(rel, "\\") || filepath.VolumeName(rel) != "" {
				return at(fmt.Errorf("include %q must be a relative path with forward slashes", rel))
			}
			name := filepath.Join(src.dir, filepath.FromSlash(rel))
			abs, err := filepath.Abs(name)
			if err != nil {
				return at(err)
			}
			if !within(rootDir, abs) {
				return at(fmt.Errorf("include %q leaves the model's directory %s", rel, rootDir))
			}
			if real, err := filepath.EvalSymlinks(abs); err == nil {
				realRoot, _ := filepath.EvalSymlinks(rootDir)
				if realRoot != "" && !within(realRoot, real) {
					return at(fmt.Errorf("include %q resolves (through a symbolic link) outside the model's directory", rel))
				}
			}
			for _, s := range stack {
				if s == abs {
					return at(fmt.Errorf("include cycle: %s includes %s, which is already being included", src.doc.File, name))
				}
			}
			if seen[abs] {
				return at(fmt.Errorf("%s is included more than once; include each fragment from one place", name))
			}
			seen[abs] = true
			if len(mg.files) > maxInc {
				return at(fmt.Errorf("more than %d included files", maxInc))
			}
			total += fileSize(name)
			if lim.MaxBytes > 0 && total > lim.MaxBytes {
				return at(fmt.Errorf("the model and its includes exceed %d bytes", lim.MaxBytes))
			}
			d, err := yamlpos.ReadFile(name, lim)
			if err != nil {
				var ye *yamlpos.Error
				if errors.As(err, &ye) {
					return err
				}
				return at(fmt.Errorf("include %q: %w", rel, err))
			}
			if d.Root.Kind != yaml.MappingNode {
				return &yamlpos.Error{File: name, Line: d.Root.Line, Column: d.Root.Column, Err: errors.New("an included fragment must be a mapping of list sections")}
			}
			mg.files = append(mg.files, name)
			if err := visit(&source{doc: d, dir: filepath.Dir(name)}, append(stack, abs), true); err != nil {
				return err
			}
		}
		return nil
	}
	if err := visit(rootSrc, []string{rootAbs}, false); err != nil {
		return nil, err
	}
	if len(mg.files) == 1 {
		mg.root = doc.Root
		return mg, nil
	}
	// Build the merged mapping: the root's keys in order, list sections
	// replaced by the concatenation, sections only fragments have added.
	root := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: doc.Root.Line, Column: doc.Root.Column}
	done := map[string]bool{}
	for i := 0; i+1 < len(doc.Root.Content); i += 2 {
		k, v := doc.Root.Content[i], doc.Root.Content[i+1]
		if isListSection(k.Value) && yamlpos.Resolve(v).Kind == yaml.SequenceNode || isListSection(k.Value) && items[k.Value] != nil && isNull(v) {
			rv := yamlpos.Resolve(v)
			v = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: rv.Line, Column: rv.Column, Content: items[k.Value]}
			done[k.Value] = true
		}
		root.Content = append(root.Content, k, v)
	}
	for _, sec := range listSections {
		if !done[sec] && len(items[sec]) > 0 {
			if yamlpos.KeyNode(doc.Root, sec) != nil {
				continue // root has a non-list value; the schema reports it
			}
			first := items[sec][0]
			root.Content = append(root.Content,
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: sec, Line: first.Line, Column: first.Column},
				&yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: first.Line, Column: first.Column, Content: items[sec]})
		}
	}
	mg.root = root
	return mg, nil
}

func isNull(n *yaml.Node) bool {
	n = yamlpos.Resolve(n)
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func fileSize(name string) int64 {
	st, err := os.Stat(name)
	if err != nil {
		return 0
	}
	return st.Size()
}
