package binid

import (
	"bytes"
	"strconv"
)

// Version grammars. A signature captures a version right after its literal
// anchor with one of these small grammars instead of a regular expression:
// they are cheap to run at every anchor hit and easy to audit.
const (
	// grammarDotted: digits ('.' digits)*, with min/max part counts, then
	// an optional suffix (see suffix kinds).
	grammarDotted = "dotted"
	// grammarToken: a run of version-ish characters [A-Za-z0-9._+~:-]
	// starting with a digit, 'v' or 'V' (kernel releases, git describe output).
	grammarToken = "token"
	// grammarDigits: a run of digits only (libxml2's 20914).
	grammarDigits = "digits"
	// grammarNone: the anchor proves presence; no version is captured.
	grammarNone = "none"
)

// Suffix kinds after a dotted version.
const (
	suffixNone    = "none"    // nothing may follow the digits
	suffixLetters = "letters" // [a-z]{1,3}[0-9]* : 1.1.1w, 9.2p1, 2.2.0d, 2.2.0rc1
	suffixPre     = "pre"     // '-' + [A-Za-z0-9.]+ : 2.10-devel, 7.50.1-DEV
	suffixToken   = "token"   // any version-ish characters: 2023.01+dfsg-2+deb12u3
)

func isDigit(b byte) bool { return b >= '0' && b <= '9' }
func isLower(b byte) bool { return b >= 'a' && b <= 'z' }
func isUpper(b byte) bool { return b >= 'A' && b <= 'Z' }
func isAlnum(b byte) bool { return isDigit(b) || isLower(b) || isUpper(b) }

func isTokenByte(b byte) bool {
	return isAlnum(b) || b == '.' || b == '_' || b == '+' || b == '~' || b == ':' || b == '-'
}

// maxVersionLen bounds any captured version.
const maxVersionLen = 64

// parseVersion applies grammar g at the start of b and returns the length
// of the version, or 0 when it does not match.
func parseVersion(b []byte, g *grammarSpec) int {
	if len(b) > maxVersionLen+8 {
		b = b[:maxVersionLen+8]
	}
	switch g.Grammar {
	case grammarNone:
		return 0
	case grammarDigits:
		n := 0
		for n < len(b) && isDigit(b[n]) {
			n++
		}
		if n < g.minParts() || n > g.maxDigits() {
			return 0
		}
		return n
	case grammarToken:
		if len(b) == 0 || !(isDigit(b[0]) || ((b[0] == 'v' || b[0] == 'V') && len(b) > 1 && isDigit(b[1]))) {
			return 0
		}
		n := 0
		for n < len(b) && isTokenByte(b[n]) {
			n++
		}
		// A release never ends in punctuation.
		for n > 0 && !isAlnum(b[n-1]) {
			n--
		}
		if n > maxVersionLen {
			return 0
		}
		return n
	}
	// dotted
	n, parts := 0, 0
	for {
		s := n
		for n < len(b) && isDigit(b[n]) {
			n++
		}
		if n == s || n-s > 8 {
			if parts == 0 {
				return 0
			}
			n = s - 1 // give back the trailing dot
			break
		}
		parts++
		if n < len(b) && b[n] == '.' && parts < g.maxParts() {
			n++
			continue
		}
		break
	}
	if parts < g.minParts() {
		return 0
	}
	switch g.Suffix {
	case suffixLetters:
		s := n
		for n < len(b) && isLower(b[n]) && n-s < 3 {
			n++
		}
		if n > s {
			for n < len(b) && isDigit(b[n]) {
				n++
			}
		}
	case suffixPre:
		if n+1 < len(b) && b[n] == '-' && isAlnum(b[n+1]) {
			n++
			for n < len(b) && (isAlnum(b[n]) || b[n] == '.') {
				n++
			}
			for !isAlnum(b[n-1]) {
				n--
			}
		}
	case suffixToken:
		for n < len(b) && isTokenByte(b[n]) {
			n++
		}
		for !isAlnum(b[n-1]) {
			n--
		}
	}
	if n > maxVersionLen {
		return 0
	}
	return n
}

// matchThen reports whether b starts with template t. Templates are
// literals with three placeholders: {N} one or more digits, {A} a capital
// letter followed by lower-case letters (a month name), {0} a NUL byte or
// the end of the data.
func matchThen(b []byte, t string) bool {
	i := 0
	for j := 0; j < len(t); j++ {
		if t[j] == '{' && j+2 < len(t) && t[j+2] == '}' {
			switch t[j+1] {
			case 'N':
				s := i
				for i < len(b) && isDigit(b[i]) && i-s < 10 {
					i++
				}
				if i == s {
					return false
				}
			case 'A':
				if i >= len(b) || !isUpper(b[i]) {
					return false
				}
				i++
				s := i
				for i < len(b) && isLower(b[i]) && i-s < 10 {
					i++
				}
				if i == s {
					return false
				}
			case '0':
				if i < len(b) {
					if b[i] != 0 {
						return false
					}
					i++
				}
			}
			j += 2
			continue
		}
		if i >= len(b) || b[i] != t[j] {
			return false
		}
		i++
	}
	return true
}

// cString returns the NUL-delimited string around offset off (bounded to
// max bytes each side), and the offset where it starts.
func cString(data []byte, off, max int) ([]byte, int) {
	s := off
	for s > 0 && off-s < max && data[s-1] != 0 {
		s--
	}
	e := off
	for e < len(data) && e-off < max && data[e] != 0 {
		e++
	}
	return data[s:e], s
}

// nearbyVersion looks for a NUL-delimited string that is entirely a
// version of grammar g within window bytes before start or after end, and
// returns the closest one with its offset. It serves split literals, where
// a format string ("BlueZ %s") and its version ("5.66") are two separate
// strings placed next to each other in .rodata.
func nearbyVersion(data []byte, start, end, window int, g *grammarSpec) (string, int, bool) {
	lo, hi := start-window, end+window
	if lo < 0 {
		lo = 0
	}
	if hi > len(data) {
		hi = len(data)
	}
	best, bestOff, bestDist := "", 0, -1
	// Walk NUL-delimited strings in [lo, hi).
	i := lo
	for i < hi {
		if data[i] == 0 {
			i++
			continue
		}
		j := i
		for j < hi && data[j] != 0 {
			j++
		}
		// Only whole strings: preceded by NUL (or data start) and
		// followed by NUL.
		if (i == 0 || data[i-1] == 0) && j < len(data) && data[j] == 0 && j-i <= maxVersionLen {
			s := data[i:j]
			if n := parseVersion(s, g); n == len(s) && n > 0 && versionHasPrefix(string(s), g.VersionPrefix) {
				d := start - j
				if i >= end {
					d = i - end
				}
				if d >= 0 && (bestDist < 0 || d < bestDist) {
					best, bestOff, bestDist = string(s), i, d
				}
			}
		}
		i = j
	}
	return best, bestOff, bestDist >= 0
}

func versionHasPrefix(v string, prefixes []string) bool {
	if len(prefixes) == 0 {
		return true
	}
	for _, p := range prefixes {
		if len(v) >= len(p) && v[:len(p)] == p {
			return true
		}
	}
	return false
}

// transformVersion rewrites a captured version into the upstream dotted
// form where the binary carries another encoding.
func transformVersion(v, transform string) (string, bool) {
	switch transform {
	case "":
		return v, true
	case "libxml-number": // 20914 -> 2.9.14 (major*10000 + minor*100 + micro)
		n, err := strconv.Atoi(v)
		if err != nil || n < 10000 || n > 999999 {
			return "", false
		}
		return strconv.Itoa(n/10000) + "." + strconv.Itoa(n/100%100) + "." + strconv.Itoa(n%100), true
	case "strip-v": // V10.4.3 -> 10.4.3 (FreeRTOS tskKERNEL_VERSION_NUMBER)
		if len(v) > 1 && (v[0] == 'v' || v[0] == 'V') {
			return v[1:], true
		}
		return v, true
	}
	return "", false
}

// hasPrefixBefore reports whether one of the literals ends right at off.
func hasPrefixBefore(data []byte, off int, lits []string) bool {
	for _, l := range lits {
		if off >= len(l) && bytes.Equal(data[off-len(l):off], []byte(l)) {
			return true
		}
	}
	return false
}
