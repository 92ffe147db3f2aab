package pkgdb

import (
	"bytes"
	"fmt"
	"path"
	"strings"
)

// ParseAPKInstalled parses apk's installed database (lib/apk/db/installed):
// stanzas separated by blank lines, each line "X:value" with a one-letter
// key. The fields read are P (name), V (version), A (arch), L (licence),
// o (origin), m (maintainer), U (url), T (description), D (dependencies),
// p (provides), C (package checksum) and the file list F (directory) /
// R (file in the last F directory). Other keys (S, I, t, c, k, i, r, M, a,
// Z, q) are accepted and ignored.
func ParseAPKInstalled(data []byte) ([]Package, error) {
	if len(data) > MaxInputSize {
		return nil, &syntaxError{Msg: fmt.Sprintf("%d bytes: %v (limit %d)", len(data), ErrTooLarge, MaxInputSize), Err: ErrTooLarge}
	}
	var out []Package
	var cur *Package
	dir := ""
	files := 0
	lineNo := 0
	finish := func() error {
		if cur != nil && cur.Name == "" {
			return &syntaxError{Line: cur.Line, Msg: "package entry has no P: (name) line"}
		}
		cur = nil
		dir = ""
		return nil
	}
	for len(data) > 0 {
		lineNo++
		var ln []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			ln, data = data[:i], data[i+1:]
		} else {
			ln, data = data, nil
		}
		if len(ln) > MaxLineLen {
			return nil, &syntaxError{Line: lineNo, Msg: fmt.Sprintf("line of %d bytes: %v", len(ln), ErrTooLarge), Err: ErrTooLarge}
		}
		ln = bytes.TrimSuffix(ln, []byte("\r"))
		if len(bytes.TrimSpace(ln)) == 0 {
			if err := finish(); err != nil {
				return nil, err
			}
			continue
		}
		if len(ln) < 2 || ln[1] != ':' {
			return nil, &syntaxError{Line: lineNo, Msg: fmt.Sprintf("expected \"X:value\", got %q", truncate(string(ln), 60))}
		}
		if cur == nil {
			if len(out) >= MaxPackages {
				return nil, &syntaxError{Line: lineNo, Msg: fmt.Sprintf("more than %d packages: %v", MaxPackages, ErrTooLarge), Err: ErrTooLarge}
			}
			out = append(out, Package{Type: APK, Line: lineNo, Installed: true})
			cur = &out[len(out)-1]
		}
		v := string(ln[2:])
		switch ln[0] {
		case 'P':
			cur.Name = v
		case 'V':
			cur.Version = v
		case 'A':
			cur.Arch = v
		case 'L':
			cur.License = v
		case 'o':
			cur.Source = v
		case 'm':
			cur.Maintainer = v
		case 'U':
			cur.Homepage = v
		case 'T':
			cur.Description = v
		case 'C':
			cur.Checksum = v
		case 'D':
			for _, d := range strings.Fields(v) {
				if strings.HasPrefix(d, "!") { // conflict, not a dependency
					continue
				}
				if n := apkName(d); n != "" {
					cur.Depends = append(cur.Depends, []string{n})
				}
			}
		case 'p':
			for _, d := range strings.Fields(v) {
				if n := apkName(d); n != "" {
					cur.Provides = append(cur.Provides, n)
				}
			}
		case 'F':
			dir = v
		case 'R':
			if files >= MaxFiles {
				return nil, &syntaxError{Line: lineNo, Msg: fmt.Sprintf("more than %d files: %v", MaxFiles, ErrTooLarge), Err: ErrTooLarge}
			}
			files++
			cur.Files = append(cur.Files, cleanAbs(path.Join(dir, v)))
		}
	}
	if err := finish(); err != nil {
		return nil, err
	}
	return out, nil
}

// apkName strips a version constraint ("so:libc.musl-x86_64.so.1",
// "busybox>=1.36", "cmd:sh=1.36.1-r5", "name~1.2") down to the name.
func apkName(d string) string {
	if i := strings.IndexAny(d, "=<>~"); i >= 0 {
		d = d[:i]
	}
	return d
}
