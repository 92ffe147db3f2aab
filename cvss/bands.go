package cvss

import (
	"errors"
	"fmt"
	"math"
)

// Band names a half-open interval [Min, Max) of an exploitability (or other)
// measure. Use math.Inf(1) as Max for an unbounded top band. Bands compare
// unrounded values: Roundup applies to CVSS scores, not to the
// exploitability sub-score, and raw and rounded values can fall into
// different bands near an edge.
type Band struct {
	Name     string
	Min, Max float64
}

// BandOf returns the name of the first band with Min <= value < Max.
func BandOf(bands []Band, value float64) (string, bool) {
	if math.IsNaN(value) {
		return "", false
	}
	for _, b := range bands {
		if value >= b.Min && value < b.Max {
			return b.Name, true
		}
	}
	return "", false
}

// ValidateBands checks that bands are non-empty, named uniquely, each
// non-empty (Min < Max), sorted ascending and contiguous (each Min equals the
// previous Max), so every value in the covered range has exactly one band.
func ValidateBands(bands []Band) error {
	if len(bands) == 0 {
		return errors.New("cvss: no bands declared")
	}
	seen := map[string]bool{}
	for i, b := range bands {
		switch {
		case b.Name == "":
			return fmt.Errorf("cvss: band %d has no name", i)
		case seen[b.Name]:
			return fmt.Errorf("cvss: band %d: duplicate name %q", i, b.Name)
		case math.IsNaN(b.Min) || math.IsNaN(b.Max) || !(b.Min < b.Max):
			return fmt.Errorf("cvss: band %q: Min %v must be below Max %v", b.Name, b.Min, b.Max)
		case i > 0 && b.Min != bands[i-1].Max:
			return fmt.Errorf("cvss: band %q starts at %v but the previous band %q ends at %v (bands must be sorted and contiguous)", b.Name, b.Min, bands[i-1].Name, bands[i-1].Max)
		}
		seen[b.Name] = true
	}
	return nil
}

// BandsFromUpperBounds builds contiguous bands from level names in ascending
// order and the exclusive upper bound of every level but the last, the form
// used by threat models ("low < 1.0 <= moderate < 2.0 <= high"). The first
// band starts at 0 and the last is unbounded.
func BandsFromUpperBounds(names []string, below []float64) ([]Band, error) {
	if len(names) == 0 || len(below) != len(names)-1 {
		return nil, fmt.Errorf("cvss: %d level names need %d upper bounds, got %d", len(names), max(len(names)-1, 0), len(below))
	}
	bands := make([]Band, len(names))
	lo := 0.0
	for i, n := range names {
		hi := math.Inf(1)
		if i < len(below) {
			hi = below[i]
		}
		bands[i] = Band{Name: n, Min: lo, Max: hi}
		lo = hi
	}
	return bands, ValidateBands(bands)
}
