// Package ecopy checks file and folder names against FDA's eCopy technical
// standards (eCopy guidance Attachment 1, catalog items EC-2 to EC-5 and
// EC-9), which FDA's loader enforces: a violation puts a submission on
// format hold.
//
// The rules encoded here:
//
//   - PDF names are "NNN_Descriptive Name.pdf": a three-digit prefix,
//     consecutive and unrepeated, starting at 001 and restarting at 001 in
//     each volume (EC-4).
//   - Volume folders are "VOL_NNN" or "VOL_NNN_Descriptive Name", numbered
//     consecutively from 001 (EC-2); they hold PDFs only, no subfolders
//     (EC-3).
//   - Non-PDF files are zipped into a root folder named "MISC FILES" or
//     "STATISTICAL DATA" (any case), which holds no PDFs and is never
//     inside a volume (EC-9).
//   - Names avoid ~ * – ’ ‘ “ : # | / \ > < ?, other symbols (→ β α ∞ ± ™)
//     and non-English letters (EC-5). This package applies that as an
//     allow-list: ASCII letters, digits, space, hyphen, underscore and
//     period. That is stricter than the forbidden list where FDA is
//     silent (e.g. parentheses, ampersand), deliberately: a name this
//     package accepts is one the loader accepts.
//   - A descriptive name is at most 125 characters (EC-2). This package
//     applies the limit to the whole file or folder name, prefix and
//     extension included — again the conservative reading.
package ecopy

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxNameLength is the longest file or folder name accepted (EC-2's 125
// characters, applied to the whole name).
const MaxNameLength = 125

// Root folders for non-PDF files (EC-9), compared case-insensitively.
const (
	MiscFiles       = "MISC FILES"
	StatisticalData = "STATISTICAL DATA"
)

// NameError is a name that breaks an eCopy rule. Rune and Pos (byte
// offset) are set when one character is the cause.
type NameError struct {
	Name string
	Rule string // "EC-4", "EC-5" ...
	Pos  int    // byte offset of the offending character, -1 if none
	Rune rune
	Msg  string
}

func (e *NameError) Error() string {
	if e.Pos >= 0 {
		return fmt.Sprintf("eCopy name %q: %s: character %s at position %d %s", e.Name, e.Rule, describeRune(e.Rune), utf8.RuneCountInString(e.Name[:e.Pos])+1, e.Msg)
	}
	return fmt.Sprintf("eCopy name %q: %s: %s", e.Name, e.Rule, e.Msg)
}

// runeNames names the characters EC-5 lists, so errors say which one.
var runeNames = map[rune]string{
	'~': "TILDE", '*': "ASTERISK", '–': "EN DASH", '—': "EM DASH", '’': "RIGHT SINGLE QUOTATION MARK",
	'‘': "LEFT SINGLE QUOTATION MARK", '“': "LEFT DOUBLE QUOTATION MARK", '”': "RIGHT DOUBLE QUOTATION MARK",
	':': "COLON", '#': "NUMBER SIGN", '|': "VERTICAL LINE", '/': "SOLIDUS", '\\': "REVERSE SOLIDUS",
	'>': "GREATER-THAN SIGN", '<': "LESS-THAN SIGN", '?': "QUESTION MARK", '→': "RIGHTWARDS ARROW",
	'β': "GREEK SMALL LETTER BETA", 'α': "GREEK SMALL LETTER ALPHA", '∞': "INFINITY", '±': "PLUS-MINUS SIGN",
	'™': "TRADE MARK SIGN", '\t': "TAB",
}

func describeRune(r rune) string {
	if n, ok := runeNames[r]; ok {
		return fmt.Sprintf("%q (U+%04X %s)", r, r, n)
	}
	return fmt.Sprintf("%q (U+%04X)", r, r)
}

// allowed reports whether r may appear in an eCopy name.
func allowed(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	case r == ' ', r == '-', r == '_', r == '.':
		return true
	}
	return false
}

// CheckChars checks a name's characters and length: the EC-5 character
// rules, the length limit, and no leading or trailing space or period
// (which Windows media silently drop).
func CheckChars(name string) error {
	if name == "" {
		return &NameError{Name: name, Rule: "EC-4", Pos: -1, Msg: "empty name"}
	}
	if !utf8.ValidString(name) {
		return &NameError{Name: name, Rule: "EC-5", Pos: -1, Msg: "not valid UTF-8"}
	}
	for i, r := range name {
		if !allowed(r) {
			why := "is not allowed (use letters A-Z, digits, space, hyphen, underscore, period)"
			if r > 127 && isLetter(r) {
				why = "is a non-English letter, which eCopy names may not contain"
			} else if _, listed := runeNames[r]; listed {
				why = "is forbidden in eCopy names"
			}
			return &NameError{Name: name, Rule: "EC-5", Pos: i, Rune: r, Msg: why}
		}
	}
	if n := utf8.RuneCountInString(name); n > MaxNameLength {
		return &NameError{Name: name, Rule: "EC-2", Pos: -1, Msg: fmt.Sprintf("%d characters, more than %d", n, MaxNameLength)}
	}
	if strings.HasPrefix(name, " ") || strings.HasSuffix(name, " ") || strings.HasSuffix(name, ".") {
		return &NameError{Name: name, Rule: "EC-5", Pos: -1, Msg: "leading or trailing space, or trailing period"}
	}
	return nil
}

func isLetter(r rune) bool {
	return strings.ContainsRune("ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ", r) || (r >= 0x100 && r <= 0x24F) || (r >= 0x370 && r <= 0x3FF) || (r >= 0x400 && r <= 0x4FF)
}

// PDFName is a parsed "NNN_Descriptive Name.pdf".
type PDFName struct {
	Seq         int    // 1-999
	Description string // the part after "NNN_", without ".pdf"
}

// String formats the name.
func (p PDFName) String() string { return fmt.Sprintf("%03d_%s.pdf", p.Seq, p.Description) }

// ParsePDFName checks a PDF file name (not a path) against EC-4 and EC-5.
func ParsePDFName(name string) (PDFName, error) {
	if err := CheckChars(name); err != nil {
		return PDFName{}, err
	}
	ext := path.Ext(name)
	if !strings.EqualFold(ext, ".pdf") {
		return PDFName{}, &NameError{Name: name, Rule: "EC-4", Pos: -1, Msg: "does not end in .pdf"}
	}
	seq, desc, err := splitPrefix(name, strings.TrimSuffix(name, ext), "NNN_Descriptive Name.pdf")
	if err != nil {
		return PDFName{}, err
	}
	return PDFName{Seq: seq, Description: desc}, nil
}

// splitPrefix splits "NNN_rest".
func splitPrefix(name, base, form string) (int, string, error) {
	if len(base) < 5 || base[3] != '_' || !digits(base[:3]) {
		return 0, "", &NameError{Name: name, Rule: "EC-4", Pos: -1, Msg: "must have the form " + form + " (three digits, underscore, description)"}
	}
	seq, _ := strconv.Atoi(base[:3])
	if seq == 0 {
		return 0, "", &NameError{Name: name, Rule: "EC-4", Pos: -1, Msg: "numbering starts at 001"}
	}
	desc := base[4:]
	if strings.TrimSpace(desc) == "" {
		return 0, "", &NameError{Name: name, Rule: "EC-4", Pos: -1, Msg: "empty description after the number"}
	}
	if strings.TrimSpace(desc) != desc {
		return 0, "", &NameError{Name: name, Rule: "EC-5", Pos: -1, Msg: "description starts or ends with a space"}
	}
	return seq, desc, nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// MakePDFName builds a valid PDF name from a sequence number and a free
// description, transliterating or dropping characters eCopy forbids
// (see SanitizeDescription).
func MakePDFName(seq int, description string) (string, error) {
	if seq < 1 || seq > 999 {
		return "", fmt.Errorf("eCopy PDF number %d out of range 1-999", seq)
	}
	desc := SanitizeDescription(description)
	if max := MaxNameLength - len("000_.pdf"); len(desc) > max {
		desc = strings.TrimRight(desc[:max], " .")
	}
	if desc == "" {
		return "", fmt.Errorf("eCopy PDF description %q has no usable characters", description)
	}
	name := PDFName{Seq: seq, Description: desc}.String()
	if _, err := ParsePDFName(name); err != nil {
		return "", err
	}
	return name, nil
}

var translit = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'æ': "ae", 'ç': "c", 'è': "e", 'é': "e", 'ê': "e", 'ë': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ù': "u",
	'ú': "u", 'û': "u", 'ü': "u", 'ý': "y", 'ÿ': "y", 'ß': "ss", 'À': "A", 'Á': "A", 'Â': "A", 'Ã': "A", 'Ä': "A", 'Å': "A",
	'Æ': "AE", 'Ç': "C", 'È': "E", 'É': "E", 'Ê': "E", 'Ë': "E", 'Ì': "I", 'Í': "I", 'Î': "I", 'Ï': "I", 'Ñ': "N", 'Ò': "O",
	'Ó': "O", 'Ô': "O", 'Õ': "O", 'Ö': "O", 'Ø': "O", 'Ù': "U", 'Ú': "U", 'Û': "U", 'Ü': "U", 'Ý': "Y",
	'–': "-", '—': "-", '’': "", '‘': "", '“': "", '”': "", ':': " -", '/': "-", '\\': "-", '|': "-", '™': "", '±': "+-",
	'→': "to", 'α': "alpha", 'β': "beta", '∞': "infinity", '&': "and", '+': "plus", '\t': " ",
}

// SanitizeDescription turns free text (a device name, a document title)
// into an eCopy-safe description: common accented letters lose their
// accents, dashes become hyphens, other forbidden characters are dropped,
// runs of spaces collapse, and leading/trailing spaces and periods go.
func SanitizeDescription(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case allowed(r):
			b.WriteRune(r)
		default:
			if t, ok := translit[r]; ok {
				b.WriteString(t)
			} else if r == '(' || r == ')' || r == ',' || r == ';' {
				b.WriteByte(' ')
			}
		}
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	return strings.Trim(out, " .")
}

// ParseVolumeName checks a volume folder name, "VOL_NNN" or
// "VOL_NNN_Descriptive Name" (EC-2), and returns its number.
func ParseVolumeName(name string) (int, error) {
	if err := CheckChars(name); err != nil {
		return 0, err
	}
	if len(name) < 7 || name[:4] != "VOL_" || !digits(name[4:7]) || (len(name) > 7 && (name[7] != '_' || len(name) == 8)) {
		return 0, &NameError{Name: name, Rule: "EC-2", Pos: -1, Msg: "volume folders are named VOL_NNN or VOL_NNN_Descriptive Name"}
	}
	n, _ := strconv.Atoi(name[4:7])
	if n == 0 {
		return 0, &NameError{Name: name, Rule: "EC-2", Pos: -1, Msg: "volume numbering starts at VOL_001"}
	}
	return n, nil
}

// IsDataFolder reports whether a root folder name is MISC FILES or
// STATISTICAL DATA (EC-9, case-insensitive).
func IsDataFolder(name string) bool {
	return strings.EqualFold(name, MiscFiles) || strings.EqualFold(name, StatisticalData)
}

// CheckLayout checks a whole eCopy: paths are slash-separated and relative
// to the eCopy root (files only; folders are implied). It returns every
// problem found, sorted, each naming the path and rule.
func CheckLayout(paths []string) []error {
	var errs []error
	add := func(p string, err error) { errs = append(errs, fmt.Errorf("%s: %w", p, err)) }
	pdfSeqs := map[string][]int{} // folder ("" for root) -> PDF numbers
	volumes := map[int]string{}
	volumeSeen := map[string]bool{}
	for _, p := range paths {
		clean := path.Clean(p)
		if clean != p || strings.HasPrefix(p, "/") || strings.HasPrefix(clean, "..") {
			add(p, errors.New("not a clean relative path"))
			continue
		}
		parts := strings.Split(p, "/")
		file := parts[len(parts)-1]
		isPDF := strings.EqualFold(path.Ext(file), ".pdf")
		switch len(parts) {
		case 1:
			if !isPDF {
				add(p, &NameError{Name: file, Rule: "EC-9", Pos: -1, Msg: "non-PDF files belong zipped in MISC FILES or STATISTICAL DATA"})
				continue
			}
			if n, err := ParsePDFName(file); err != nil {
				add(p, err)
			} else {
				pdfSeqs[""] = append(pdfSeqs[""], n.Seq)
			}
		case 2:
			dir := parts[0]
			if IsDataFolder(dir) {
				if isPDF {
					add(p, &NameError{Name: file, Rule: "EC-9", Pos: -1, Msg: dir + " may not contain PDFs"})
				} else if err := CheckChars(file); err != nil {
					add(p, err)
				} else if !strings.EqualFold(path.Ext(file), ".zip") {
					add(p, &NameError{Name: file, Rule: "EC-9", Pos: -1, Msg: "files in " + dir + " are zip archives"})
				}
				continue
			}
			v, err := ParseVolumeName(dir)
			if err != nil {
				add(p, err)
				continue
			}
			if !volumeSeen[dir] {
				volumeSeen[dir] = true
				if other, dup := volumes[v]; dup {
					add(p, &NameError{Name: dir, Rule: "EC-2", Pos: -1, Msg: "volume number repeats " + other})
				}
				volumes[v] = dir
			}
			if !isPDF {
				add(p, &NameError{Name: file, Rule: "EC-3", Pos: -1, Msg: "volumes hold PDFs only"})
				continue
			}
			if n, err := ParsePDFName(file); err != nil {
				add(p, err)
			} else {
				pdfSeqs[dir] = append(pdfSeqs[dir], n.Seq)
			}
		default:
			if IsDataFolder(parts[0]) {
				add(p, &NameError{Name: parts[1], Rule: "EC-9", Pos: -1, Msg: "no subfolders inside " + parts[0]})
			} else if IsDataFolder(parts[1]) {
				add(p, &NameError{Name: parts[1], Rule: "EC-9", Pos: -1, Msg: "data folders sit at the root, never inside a volume"})
			} else {
				add(p, &NameError{Name: parts[1], Rule: "EC-3", Pos: -1, Msg: "no subfolders inside a volume"})
			}
		}
	}
	for dir, seqs := range pdfSeqs {
		where := "the root"
		if dir != "" {
			where = dir
		}
		if err := consecutive(seqs); err != "" {
			errs = append(errs, fmt.Errorf("%s: EC-4: PDF numbers %s", where, err))
		}
	}
	var vols []int
	for v := range volumes {
		vols = append(vols, v)
	}
	if err := consecutive(vols); err != "" {
		errs = append(errs, fmt.Errorf("volumes: EC-2: volume numbers %s", err))
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errs
}

// consecutive checks that nums are 1..n with no repeats.
func consecutive(nums []int) string {
	s := append([]int(nil), nums...)
	sort.Ints(s)
	for i, n := range s {
		if i > 0 && n == s[i-1] {
			return fmt.Sprintf("repeat %03d", n)
		}
		if n != i+1 && !(i > 0 && n == s[i-1]) {
			return fmt.Sprintf("must run 001, 002, ... without gaps; %03d found where %03d was expected", n, i+1)
		}
	}
	return ""
}
