package pkgdb

import (
	"bytes"
	"strings"
)

// OSRelease is what os-release(5) says about the distribution.
type OSRelease struct {
	ID        string   // "debian", "alpine", "openwrt"
	IDLike    []string // ID_LIKE words
	VersionID string   // "12", "3.18.4", "19.07.3"
	Name      string   // NAME
	Pretty    string   // PRETTY_NAME
}

// maxOSRelease bounds the os-release file read.
const maxOSRelease = 64 << 10

// ParseOSRelease parses an os-release file: KEY=value lines, values
// optionally in single or double quotes, with backslash escapes inside
// double quotes; comments and malformed lines are ignored, as
// os-release(5) tells readers to do. Only the first 64 KiB are read.
func ParseOSRelease(data []byte) OSRelease {
	if len(data) > maxOSRelease {
		data = data[:maxOSRelease]
	}
	var r OSRelease
	for _, ln := range bytes.Split(data, []byte("\n")) {
		s := strings.TrimSpace(string(ln))
		if s == "" || s[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			continue
		}
		v = unquote(strings.TrimSpace(v))
		switch strings.TrimSpace(k) {
		case "ID":
			r.ID = strings.ToLower(v)
		case "ID_LIKE":
			r.IDLike = strings.Fields(strings.ToLower(v))
		case "VERSION_ID":
			r.VersionID = v
		case "NAME":
			r.Name = v
		case "PRETTY_NAME":
			r.Pretty = v
		}
	}
	return r
}

func unquote(v string) string {
	if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
		return v[1 : len(v)-1]
	}
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
		if !strings.Contains(v, `\`) {
			return v
		}
		var b strings.Builder
		for i := 0; i < len(v); i++ {
			if v[i] == '\\' && i+1 < len(v) {
				i++
			}
			b.WriteByte(v[i])
		}
		return b.String()
	}
	return v
}

// Distro returns the purl distro qualifier "<id>-<version_id>", or "" when
// either is unknown.
func (r OSRelease) Distro() string {
	if r.ID == "" || r.VersionID == "" {
		return ""
	}
	return r.ID + "-" + r.VersionID
}
