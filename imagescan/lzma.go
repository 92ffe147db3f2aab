package imagescan

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"hash/crc64"
)

// A single-call decoder for the xz streams mksquashfs writes: one block,
// one LZMA2 filter, a CRC32, CRC64 or no check. The whole output is in
// memory (a squashfs block is at most 1 MiB), so the output buffer is the
// dictionary: no circular buffer and no copy. The range decoder's state
// lives in a small struct whose methods inline into the decoding loop.
// It is about 1.5x faster than the general-purpose decoders; streams
// with anything else (BCJ filters, several blocks, SHA-256) are left to
// them (xzSingle reports ok=false). Every stream's check is verified, so
// a decoding mistake cannot pass silently.

var (
	errLZMA      = errors.New("corrupt LZMA2 data")
	errXZCheck   = errors.New("xz block check mismatch")
	crc64ECMATab = crc64.MakeTable(crc64.ECMA)
)

// xzSingle decodes the xz stream src into dst. ok is false, with nothing
// decoded, when the stream uses features this decoder leaves to the
// general one.
func xzSingle(dst, src []byte) (n int, ok bool, err error) {
	// Stream header: magic, flags (0, check type), CRC32 of the flags.
	if len(src) < 12+8 || string(src[:6]) != "\xfd7zXZ\x00" || src[6] != 0 {
		return 0, false, nil
	}
	check := src[7]
	var checkSize int
	switch check {
	case 0:
	case 1:
		checkSize = 4
	case 4:
		checkSize = 8
	default:
		return 0, false, nil
	}
	if crc32.ChecksumIEEE(src[6:8]) != binary.LittleEndian.Uint32(src[8:12]) {
		return 0, true, errors.New("xz stream header CRC mismatch")
	}
	// Block header: size, flags, optional sizes, one filter: LZMA2.
	p := src[12:]
	if p[0] == 0 {
		return 0, false, nil // no block (an empty stream): rare, leave it
	}
	hs := (int(p[0]) + 1) * 4
	if len(p) < hs {
		return 0, true, errLZMA
	}
	h := p[:hs]
	if crc32.ChecksumIEEE(h[:hs-4]) != binary.LittleEndian.Uint32(h[hs-4:]) {
		return 0, true, errors.New("xz block header CRC mismatch")
	}
	flags := h[1]
	if flags&0x3f != 0 { // more than one filter, or reserved bits
		return 0, false, nil
	}
	i := 2
	vli := func() (uint64, bool) {
		var v uint64
		for sh := 0; sh < 63 && i < hs-4; sh += 7 {
			c := h[i]
			i++
			v |= uint64(c&0x7f) << sh
			if c&0x80 == 0 {
				return v, true
			}
		}
		return 0, false
	}
	if flags&0x40 != 0 {
		if _, ok := vli(); !ok {
			return 0, true, errLZMA
		}
	}
	if flags&0x80 != 0 {
		if _, ok := vli(); !ok {
			return 0, true, errLZMA
		}
	}
	id, ok1 := vli()
	psize, ok2 := vli()
	if !ok1 || !ok2 || id != 0x21 || psize != 1 || i >= hs-4 {
		return 0, false, nil
	}
	data := p[hs:]
	n, used, err := lzma2Decode(dst, data)
	if err != nil {
		return n, true, err
	}
	// Block padding to a multiple of 4, then the check.
	pad := (4 - (hs+used)%4) % 4
	if used+pad+checkSize > len(data) {
		return n, true, errLZMA
	}
	c := data[used+pad : used+pad+checkSize]
	switch check {
	case 1:
		if crc32.ChecksumIEEE(dst[:n]) != binary.LittleEndian.Uint32(c) {
			return n, true, errXZCheck
		}
	case 4:
		if crc64.Checksum(dst[:n], crc64ECMATab) != binary.LittleEndian.Uint64(c) {
			return n, true, errXZCheck
		}
	}
	return n, true, nil
}

// lzma2Decode decodes an LZMA2 stream from src into dst. It returns the
// output size and the input consumed (up to and including the end
// marker). Output that would not fit into dst is errBlockTooBig.
func lzma2Decode(dst, src []byte) (n int, used int, err error) {
	var d lzmaDec
	d.out = dst
	in := 0
	needDictReset, needProps := true, true
	for {
		if in >= len(src) {
			return d.pos, in, errLZMA
		}
		ctl := src[in]
		in++
		if ctl == 0 {
			return d.pos, in, nil
		}
		if ctl == 1 || ctl == 2 {
			// Uncompressed chunk; 1 resets the dictionary.
			if in+2 > len(src) {
				return d.pos, in, errLZMA
			}
			size := int(binary.BigEndian.Uint16(src[in:])) + 1
			in += 2
			if ctl == 1 {
				d.dictStart = d.pos
				needDictReset = false
			} else if needDictReset {
				return d.pos, in, errLZMA
			}
			if in+size > len(src) {
				return d.pos, in, errLZMA
			}
			if d.pos+size > len(dst) {
				return d.pos, in, errBlockTooBig
			}
			copy(dst[d.pos:], src[in:in+size])
			d.pos += size
			in += size
			continue
		}
		if ctl < 0x80 {
			return d.pos, in, errLZMA
		}
		if in+4 > len(src) {
			return d.pos, in, errLZMA
		}
		unpacked := (int(ctl&0x1f)<<16 | int(binary.BigEndian.Uint16(src[in:]))) + 1
		packed := int(binary.BigEndian.Uint16(src[in+2:])) + 1
		in += 4
		reset := (ctl >> 5) & 3
		if reset == 3 {
			d.dictStart = d.pos
			needDictReset = false
		} else if needDictReset {
			return d.pos, in, errLZMA
		}
		if reset >= 2 {
			if in >= len(src) {
				return d.pos, in, errLZMA
			}
			pr := int(src[in])
			in++
			if pr >= 9*5*5 {
				return d.pos, in, errLZMA
			}
			d.lc, d.lp, d.pb = uint(pr%9), uint(pr/9%5), uint(pr/45)
			if d.lc+d.lp > 4 {
				return d.pos, in, errLZMA
			}
			needProps = false
		} else if needProps {
			return d.pos, in, errLZMA
		}
		if reset >= 1 {
			d.resetState()
		}
		if in+packed > len(src) || packed < 5 {
			return d.pos, in, errLZMA
		}
		if d.pos+unpacked > len(dst) {
			return d.pos, in, errBlockTooBig
		}
		if err := d.chunk(src[in:in+packed], d.pos+unpacked); err != nil {
			return d.pos, in, err
		}
		in += packed
	}
}

// LZMA model sizes.
const (
	lzmaStates     = 12
	lzmaPosStates  = 16
	lzmaLenLow     = 8
	lzmaLenHigh    = 256
	lzmaAlign      = 16
	lzmaFullDist   = 128
	lzmaEndPosSlot = 14
	lzmaProbInit   = 1024
)

type lzmaLen struct {
	choice, choice2 uint16
	low             [lzmaPosStates][lzmaLenLow]uint16
	mid             [lzmaPosStates][lzmaLenLow]uint16
	high            [lzmaLenHigh]uint16
}

// lzmaDec is the LZMA decoder state that survives LZMA2 chunks.
type lzmaDec struct {
	out        []byte
	pos        int
	dictStart  int
	lc, lp, pb uint
	state      uint32
	rep        [4]uint32

	isMatch    [lzmaStates][lzmaPosStates]uint16
	isRep      [lzmaStates]uint16
	isRepG0    [lzmaStates]uint16
	isRepG1    [lzmaStates]uint16
	isRepG2    [lzmaStates]uint16
	isRep0Long [lzmaStates][lzmaPosStates]uint16
	posSlot    [4][64]uint16
	posSpec    [1 + lzmaFullDist - lzmaEndPosSlot]uint16
	align      [lzmaAlign]uint16
	lenDec     lzmaLen
	repLenDec  lzmaLen
	literal    [0x300 << 4]uint16 // lc+lp <= 4 in LZMA2
}

func (d *lzmaDec) resetState() {
	d.state = 0
	d.rep = [4]uint32{}
	fill := func(p []uint16) {
		for i := range p {
			p[i] = lzmaProbInit
		}
	}
	for i := range d.isMatch {
		fill(d.isMatch[i][:])
		fill(d.isRep0Long[i][:])
	}
	fill(d.isRep[:])
	fill(d.isRepG0[:])
	fill(d.isRepG1[:])
	fill(d.isRepG2[:])
	for i := range d.posSlot {
		fill(d.posSlot[i][:])
	}
	fill(d.posSpec[:])
	fill(d.align[:])
	for _, l := range []*lzmaLen{&d.lenDec, &d.repLenDec} {
		l.choice, l.choice2 = lzmaProbInit, lzmaProbInit
		for i := range l.low {
			fill(l.low[i][:])
			fill(l.mid[i][:])
		}
		fill(l.high[:])
	}
	fill(d.literal[:0x300<<(d.lc+d.lp)])
}

// rangeDec is the LZMA range decoder. Reading past its input panics,
// which sqDecoder.decode turns into an error.
type rangeDec struct {
	in   []byte
	i    int
	rng  uint32
	code uint32
}

func (rc *rangeDec) bit(p *uint16) uint32 {
	// On local copies of the fields (5% faster), and branch-free: the
	// bit is random to the branch predictor. With mask all ones for a 1
	// bit: range becomes range-b (else b), code loses b, and the
	// probability moves by (31-p)>>5 (= -p>>5) or (2048-p)>>5, with an
	// arithmetic shift.
	in, i, rng, code := rc.in, rc.i, rc.rng, rc.code
	if rng < 1<<24 {
		rng <<= 8
		code = code<<8 | uint32(in[i])
		i++
	}
	v := int32(*p)
	b := (rng >> 11) * uint32(v)
	bit := uint32((uint64(code)-uint64(b))>>63) ^ 1 // code >= b
	mask := -bit
	rc.rng = b + (rng-2*b)&mask
	rc.code = code - b&mask
	rc.i = i
	*p = uint16(v + (31+int32(2017&^mask)-v)>>5)
	return bit
}

// tree decodes a bit tree of n bits.
func (rc *rangeDec) tree(probs []uint16, n uint) uint32 {
	// rangeDec.bit written out on locals, as in lzmaDec.chunk.
	in, i, rng, code := rc.in, rc.i, rc.rng, rc.code
	m := uint32(1)
	for range n {
		if rng < 1<<24 {
			rng <<= 8
			code = code<<8 | uint32(in[i])
			i++
		}
		p := &probs[m]
		v := int32(*p)
		b := (rng >> 11) * uint32(v)
		bit := uint32((uint64(code)-uint64(b))>>63) ^ 1
		mask := -bit
		rng = b + (rng-2*b)&mask
		code -= b & mask
		*p = uint16(v + (31+int32(2017&^mask)-v)>>5)
		m = m<<1 | bit
	}
	rc.i, rc.rng, rc.code = i, rng, code
	return m - 1<<n
}

// reverse decodes a reverse bit tree of n bits.
func (rc *rangeDec) reverse(probs []uint16, n uint32) uint32 {
	m, sym := uint32(1), uint32(0)
	for i := range n {
		b := rc.bit(&probs[m])
		m = m<<1 | b
		sym |= b << i
	}
	return sym
}

func (rc *rangeDec) direct(n uint32) uint32 {
	var v uint32
	for range n {
		if rc.rng < 1<<24 {
			rc.rng <<= 8
			rc.code = rc.code<<8 | uint32(rc.in[rc.i])
			rc.i++
		}
		rc.rng >>= 1
		t := (rc.code - rc.rng) >> 31 // 1 when code < rng
		rc.code -= rc.rng & (t - 1)
		v = v<<1 | (1 - t)
	}
	return v
}

func (rc *rangeDec) length(l *lzmaLen, posState uint32) uint32 {
	if rc.bit(&l.choice) == 0 {
		return rc.tree(l.low[posState][:], 3)
	}
	if rc.bit(&l.choice2) == 0 {
		return 8 + rc.tree(l.mid[posState][:], 3)
	}
	return 16 + rc.tree(l.high[:], 8)
}

// chunk decodes one LZMA chunk (its own range coder) up to output
// position end.
func (d *lzmaDec) chunk(src []byte, end int) error {
	if src[0] != 0 {
		return errLZMA
	}
	rc := rangeDec{in: src, i: 5, rng: 0xffffffff, code: binary.BigEndian.Uint32(src[1:5])}
	out := d.out[:end]
	pos := d.pos
	state := d.state
	rep0, rep1, rep2, rep3 := d.rep[0], d.rep[1], d.rep[2], d.rep[3]
	pbMask := uint32(1)<<d.pb - 1
	lpMask := uint32(1)<<d.lp - 1
	lc := d.lc
	for pos < end {
		// Positions count from the last dictionary reset.
		posState := uint32(pos-d.dictStart) & pbMask
		if rc.bit(&d.isMatch[state][posState]) == 0 {
			prev := uint32(0)
			if pos > d.dictStart {
				prev = uint32(out[pos-1])
			}
			lit := d.literal[0x300*((uint32(pos-d.dictStart)&lpMask)<<lc+prev>>(8-lc)):]
			lit = lit[:0x300]
			sym := uint32(1)
			// The literal's bits are decoded with rangeDec.bit written
			// out on locals: literals are most of the work, and bit is
			// too large for the compiler to inline.
			in, i, rng, code := rc.in, rc.i, rc.rng, rc.code
			if state >= 7 {
				if int(rep0) >= pos-d.dictStart {
					return errLZMA
				}
				match := uint32(out[pos-int(rep0)-1])
				for sym < 0x100 {
					mb := (match >> 7) & 1
					match <<= 1
					if rng < 1<<24 {
						rng <<= 8
						code = code<<8 | uint32(in[i])
						i++
					}
					p := &lit[(1+mb)<<8+sym]
					v := int32(*p)
					b := (rng >> 11) * uint32(v)
					bit := uint32((uint64(code)-uint64(b))>>63) ^ 1
					mask := -bit
					rng = b + (rng-2*b)&mask
					code -= b & mask
					*p = uint16(v + (31+int32(2017&^mask)-v)>>5)
					sym = sym<<1 | bit
					if mb != bit {
						break
					}
				}
			}
			for sym < 0x100 {
				if rng < 1<<24 {
					rng <<= 8
					code = code<<8 | uint32(in[i])
					i++
				}
				p := &lit[sym]
				v := int32(*p)
				b := (rng >> 11) * uint32(v)
				bit := uint32((uint64(code)-uint64(b))>>63) ^ 1
				mask := -bit
				rng = b + (rng-2*b)&mask
				code -= b & mask
				*p = uint16(v + (31+int32(2017&^mask)-v)>>5)
				sym = sym<<1 | bit
			}
			rc.i, rc.rng, rc.code = i, rng, code
			out[pos] = byte(sym)
			pos++
			switch {
			case state < 4:
				state = 0
			case state < 10:
				state -= 3
			default:
				state -= 6
			}
			continue
		}
		var length uint32
		if rc.bit(&d.isRep[state]) == 0 {
			// A match with a new distance.
			length = rc.length(&d.lenDec, posState)
			if state < 7 {
				state = 7
			} else {
				state = 10
			}
			slot := rc.tree(d.posSlot[min(length, 3)][:], 6)
			dist := slot
			if slot >= 4 {
				nd := slot>>1 - 1
				dist = (2 | slot&1) << nd
				if slot < lzmaEndPosSlot {
					dist += rc.reverse(d.posSpec[dist-slot:], nd)
				} else {
					dist += rc.direct(nd-4) << 4
					dist += rc.reverse(d.align[:], 4)
				}
			}
			rep3, rep2, rep1, rep0 = rep2, rep1, rep0, dist
		} else {
			if rc.bit(&d.isRepG0[state]) == 0 {
				if rc.bit(&d.isRep0Long[state][posState]) == 0 {
					// Short rep: one byte at rep0.
					if int(rep0) >= pos-d.dictStart {
						return errLZMA
					}
					if state < 7 {
						state = 9
					} else {
						state = 11
					}
					out[pos] = out[pos-int(rep0)-1]
					pos++
					continue
				}
			} else {
				var dist uint32
				if rc.bit(&d.isRepG1[state]) == 0 {
					dist = rep1
				} else {
					if rc.bit(&d.isRepG2[state]) == 0 {
						dist = rep2
					} else {
						dist = rep3
						rep3 = rep2
					}
					rep2 = rep1
				}
				rep1 = rep0
				rep0 = dist
			}
			length = rc.length(&d.repLenDec, posState)
			if state < 7 {
				state = 8
			} else {
				state = 11
			}
		}
		// Copy length+2 bytes from rep0+1 back.
		n := int(length) + 2
		if int(rep0) >= pos-d.dictStart || pos+n > end {
			return errLZMA
		}
		from := pos - int(rep0) - 1
		if int(rep0)+1 >= n {
			copy(out[pos:pos+n], out[from:from+n])
		} else {
			for k := 0; k < n; k++ {
				out[pos+k] = out[from+k]
			}
		}
		pos += n
	}
	d.pos = pos
	d.state = state
	d.rep = [4]uint32{rep0, rep1, rep2, rep3}
	// The chunk's input must be used up exactly (after the final
	// normalisation) and the range coder flushed.
	if rc.rng < 1<<24 && rc.i < len(src) {
		rc.code = rc.code<<8 | uint32(rc.in[rc.i])
		rc.i++
	}
	if rc.i != len(src) {
		return errLZMA
	}
	return nil
}
