package binid

// acMatcher is a compact Aho–Corasick automaton over bytes, compiled to a
// full deterministic transition table over byte classes, so scanning costs
// one table load per input byte whatever the number of patterns.
//
// It is written here rather than imported: the signature table has about a
// hundred short anchors, so the dense table stays small (a few hundred
// bytes per state), the code is under 150 lines, and premarket keeps no dependency
// for a hot loop whose behaviour (overlapping, case-sensitive, byte-exact
// matches reported at their end offset) must be exactly this.
type acMatcher struct {
	delta []uint32 // state*stride + class[byte] -> next state
	// class maps each byte to an equivalence class: bytes that occur in
	// no pattern share class 0, so the table has stride = number of
	// classes instead of 256 and stays small enough for the CPU caches.
	class  [256]uint32
	stride uint32
	out    [][]int // state -> pattern indices ending here (incl. via fail links)
	has    []bool  // state -> len(out[state]) > 0, a denser test for the hot loop
	lens   []int   // pattern index -> length
	first  [256]bool
}

// newACMatcher compiles the patterns. Empty patterns are ignored.
func newACMatcher(patterns [][]byte) *acMatcher {
	// Trie with sparse children during construction.
	type node struct {
		next map[byte]uint32
		fail uint32
		out  []int
	}
	nodes := []node{{next: map[byte]uint32{}}}
	m := &acMatcher{lens: make([]int, len(patterns))}
	for pi, p := range patterns {
		m.lens[pi] = len(p)
		if len(p) == 0 {
			continue
		}
		m.first[p[0]] = true
		s := uint32(0)
		for _, b := range p {
			n, ok := nodes[s].next[b]
			if !ok {
				nodes = append(nodes, node{next: map[byte]uint32{}})
				n = uint32(len(nodes) - 1)
				nodes[s].next[b] = n
			}
			s = n
		}
		nodes[s].out = append(nodes[s].out, pi)
	}
	// Byte classes: one per byte used in a pattern, class 0 for the rest.
	var reps []byte // class -> a representative byte (class 0: none)
	reps = append(reps, 0)
	for _, p := range patterns {
		for _, b := range p {
			if m.class[b] == 0 {
				m.class[b] = uint32(len(reps))
				reps = append(reps, b)
			}
		}
	}
	m.stride = uint32(len(reps))
	stride := int(m.stride)
	// Breadth-first: fail links and the dense transition table together.
	n := len(nodes)
	m.delta = make([]uint32, n*stride)
	queue := make([]uint32, 0, n)
	for k := 1; k < stride; k++ {
		if c, ok := nodes[0].next[reps[k]]; ok {
			m.delta[k] = c
			nodes[c].fail = 0
			queue = append(queue, c)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		f := nodes[s].fail
		nodes[s].out = append(nodes[s].out, nodes[f].out...)
		for k := 0; k < stride; k++ {
			if c, ok := nodes[s].next[reps[k]]; ok && k > 0 {
				nodes[c].fail = m.delta[int(f)*stride+k]
				m.delta[int(s)*stride+k] = c
				queue = append(queue, c)
			} else {
				m.delta[int(s)*stride+k] = m.delta[int(f)*stride+k]
			}
		}
	}
	m.out = make([][]int, n)
	m.has = make([]bool, n)
	for i := range nodes {
		m.out[i] = nodes[i].out
		m.has[i] = len(nodes[i].out) > 0
	}
	return m
}

// scan reports every occurrence of every pattern in data, in order of end
// offset, as (pattern index, start offset). fn returning false stops the
// scan early.
func (m *acMatcher) scan(data []byte, fn func(pat, start int) bool) {
	delta, has, class, stride := m.delta, m.has, &m.class, m.stride
	s := uint32(0)
	n := len(data)
	for i := 0; i < n; i++ {
		if s == 0 {
			// Fast skip over bytes that cannot start any pattern.
			for i < n && !m.first[data[i]] {
				i++
			}
			if i == n {
				return
			}
		}
		s = delta[s*stride+class[data[i]]]
		if has[s] {
			for _, p := range m.out[s] {
				if !fn(p, i+1-m.lens[p]) {
					return
				}
			}
		}
	}
}
