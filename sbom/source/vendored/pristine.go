package vendored

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Values of premarket:vendored:modified.
const (
	ModifiedTrue    = "true"
	ModifiedFalse   = "false"
	ModifiedUnknown = "unknown"
)

// pristineList maps a path relative to the library root to its SHA-256.
type pristineList map[string]string

// comparePristine looks for a pristine reference of h and compares.
func comparePristine(fsys fs.FS, h *hit, files map[string]struct{}, opts Options, budget *int64) {
	h.modified = ModifiedUnknown
	ref, list, err := findPristine(fsys, h, files, opts)
	if ref == "" {
		return
	}
	h.pristine = ref
	if err != nil {
		h.pristine = ref + " (unreadable: " + err.Error() + ")"
		return
	}
	var changes []string
	// Files of the copy: everything under its root except the reference
	// files themselves.
	actual := map[string]bool{}
	for p := range files {
		rest, ok := under(p, h.cand.root)
		if !ok {
			continue
		}
		if rest == PristineSHA256File || rest == PristineTarball {
			continue
		}
		actual[rest] = true
	}
	for rel, want := range list {
		if !actual[rel] {
			changes = append(changes, "D "+rel)
			continue
		}
		got, err := hashFile(fsys, joinRel(h.cand.root, rel), budget)
		if err != nil {
			h.pristine += " (comparison stopped: " + err.Error() + ")"
			return
		}
		if got != want {
			changes = append(changes, "M "+rel)
		}
	}
	for rel := range actual {
		if _, ok := list[rel]; !ok {
			changes = append(changes, "A "+rel)
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i][2:] < changes[j][2:] })
	h.changes = changes
	if len(changes) > 0 {
		h.modified = ModifiedTrue
	} else {
		h.modified = ModifiedFalse
	}
}

// findPristine returns the reference's path (relative to the scan root)
// and its file list, following the convention in the package
// documentation. ref is "" when there is none.
func findPristine(fsys fs.FS, h *hit, files map[string]struct{}, opts Options) (string, pristineList, error) {
	sumFile := joinRel(h.cand.root, PristineSHA256File)
	if _, ok := files[sumFile]; ok {
		l, err := readSHA256Sums(fsys, sumFile, opts.MaxPristineBytes)
		return sumFile, l, err
	}
	var tarballs []string
	tarballs = append(tarballs, joinRel(h.cand.root, PristineTarball))
	if h.cand.root != "" {
		parent, base := path.Split(h.cand.root)
		parent = strings.TrimSuffix(parent, "/")
		for _, n := range []string{base, h.name + "-" + h.version, h.name + "-v" + h.version} {
			for _, ext := range []string{".tar.gz", ".tgz"} {
				tarballs = append(tarballs, joinRel(parent, n+ext))
			}
		}
	}
	for _, tb := range tarballs {
		if _, ok := files[tb]; ok {
			l, err := readTarball(fsys, tb, opts.MaxPristineBytes)
			return tb, l, err
		}
	}
	return "", nil, nil
}

// ParseSHA256Sums reads sha256sum output: "<64 hex> <space or *><path>"
// per line; blank lines and '#' comments are skipped. Paths must be
// relative without "..". Errors name the line.
func ParseSHA256Sums(data []byte) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(s) == "" || strings.HasPrefix(strings.TrimSpace(s), "#") {
			continue
		}
		if len(out) >= maxPristineEntries {
			return nil, fmt.Errorf("line %d: more than %d entries: %w", line, maxPristineEntries, ErrLimit)
		}
		if len(s) < 66 || (s[64] != ' ' && s[64] != '\t') {
			return nil, fmt.Errorf("line %d: want \"<sha256 hex>  <path>\"", line)
		}
		sum := strings.ToLower(s[:64])
		if _, err := hex.DecodeString(sum); err != nil {
			return nil, fmt.Errorf("line %d: %q is not a SHA-256 in hex", line, s[:64])
		}
		p := s[65:]
		if len(p) > 0 && (p[0] == '*' || p[0] == ' ') {
			p = p[1:]
		}
		rel := cleanRel(p)
		if rel == "" {
			return nil, fmt.Errorf("line %d: path %q is absolute, empty or leaves the library folder", line, p)
		}
		out[rel] = sum
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", line+1, err)
	}
	return out, nil
}

func readSHA256Sums(fsys fs.FS, name string, limit int64) (pristineList, error) {
	data, err := readHead(fsys, name, limit+1)
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than %d bytes: %w", limit, ErrLimit)
	}
	l, err := ParseSHA256Sums(data)
	if err != nil {
		return nil, err
	}
	return pristineList(l), nil
}

// readTarball hashes the regular files of a .tar.gz, streaming.
func readTarball(fsys fs.FS, name string, limit int64) (pristineList, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadTarballSums(io.LimitReader(f, limit), limit*8)
}

// ReadTarballSums returns the SHA-256 of every regular file of a
// gzip-compressed tar read from r, keyed by path with a top-level folder
// common to all entries removed. At most maxBytes of uncompressed content
// are read.
func ReadTarballSums(r io.Reader, maxBytes int64) (map[string]string, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("not gzip: %w", err)
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	raw := map[string]string{}
	var total int64
	for {
		hd, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("tar: %w", err)
		}
		if hd.Typeflag != tar.TypeReg {
			continue
		}
		rel := cleanRel(hd.Name)
		if rel == "" {
			continue
		}
		if len(raw) >= maxPristineEntries {
			return nil, fmt.Errorf("more than %d entries: %w", maxPristineEntries, ErrLimit)
		}
		h := sha256.New()
		n, err := io.Copy(h, io.LimitReader(tr, maxBytes-total+1))
		total += n
		if err != nil {
			return nil, fmt.Errorf("tar entry %s: %w", rel, err)
		}
		if total > maxBytes {
			return nil, fmt.Errorf("more than %d bytes uncompressed: %w", maxBytes, ErrLimit)
		}
		raw[rel] = hex.EncodeToString(h.Sum(nil))
	}
	// Strip a common top-level folder ("mbedtls-3.6.0/...").
	prefix := ""
	for p := range raw {
		top, _, ok := strings.Cut(p, "/")
		if !ok {
			prefix = ""
			break
		}
		if prefix == "" {
			prefix = top
		} else if prefix != top {
			prefix = ""
			break
		}
	}
	if prefix == "" {
		return raw, nil
	}
	out := make(map[string]string, len(raw))
	for p, s := range raw {
		out[p[len(prefix)+1:]] = s
	}
	return out, nil
}

func hashFile(fsys fs.FS, name string, budget *int64) (string, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(f, *budget+1))
	*budget -= n
	if err != nil {
		return "", err
	}
	if *budget < 0 {
		return "", fmt.Errorf("hashing budget spent: %w", ErrLimit)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
