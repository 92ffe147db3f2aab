package binid

import (
	"bytes"
	"compress/zlib"
	"debug/elf"
	"encoding/binary"
)

// testSection is one section of a synthetic ELF built by buildELF.
type testSection struct {
	name string
	typ  elf.SectionType
	data []byte
	link uint32 // section index (1-based in the order given)
}

// buildELF writes a minimal little-endian ELF64 file of the given type
// with the sections given (index 1..n in order) plus .shstrtab. It is
// enough for debug/elf to read sections, DT_SONAME/DT_NEEDED and notes.
func buildELF(typ elf.Type, secs []testSection) []byte {
	var buf bytes.Buffer
	buf.Write(make([]byte, 64))
	offs := make([]int, len(secs))
	for i, s := range secs {
		for buf.Len()%8 != 0 {
			buf.WriteByte(0)
		}
		offs[i] = buf.Len()
		buf.Write(s.data)
	}
	shstr := []byte{0}
	nameOff := make([]int, len(secs)+1)
	for i, s := range secs {
		nameOff[i] = len(shstr)
		shstr = append(append(shstr, s.name...), 0)
	}
	nameOff[len(secs)] = len(shstr)
	shstr = append(append(shstr, ".shstrtab"...), 0)
	shstrOff := buf.Len()
	buf.Write(shstr)
	for buf.Len()%8 != 0 {
		buf.WriteByte(0)
	}
	shoff := buf.Len()
	le := binary.LittleEndian
	sh := func(name uint32, t elf.SectionType, off, size int, link uint32, entsize uint64) {
		var h [64]byte
		le.PutUint32(h[0:], name)
		le.PutUint32(h[4:], uint32(t))
		le.PutUint64(h[24:], uint64(off))
		le.PutUint64(h[32:], uint64(size))
		le.PutUint32(h[40:], link)
		le.PutUint64(h[48:], 1)
		le.PutUint64(h[56:], entsize)
		buf.Write(h[:])
	}
	sh(0, elf.SHT_NULL, 0, 0, 0, 0)
	for i, s := range secs {
		var ent uint64
		if s.typ == elf.SHT_DYNAMIC {
			ent = 16
		}
		sh(uint32(nameOff[i]), s.typ, offs[i], len(s.data), s.link, ent)
	}
	sh(uint32(nameOff[len(secs)]), elf.SHT_STRTAB, shstrOff, len(shstr), 0, 0)
	out := buf.Bytes()
	copy(out, elf.ELFMAG)
	out[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	out[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	out[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	le.PutUint16(out[16:], uint16(typ))
	le.PutUint16(out[18:], uint16(elf.EM_X86_64))
	le.PutUint32(out[20:], uint32(elf.EV_CURRENT))
	le.PutUint64(out[40:], uint64(shoff))
	le.PutUint16(out[52:], 64)
	le.PutUint16(out[58:], 64)
	le.PutUint16(out[60:], uint16(len(secs)+2))
	le.PutUint16(out[62:], uint16(len(secs)+1))
	return out
}

// dynSections returns .dynstr (index 1) and .dynamic (index 2) naming the
// SONAME and DT_NEEDED entries.
func dynSections(soname string, needed ...string) []testSection {
	str := []byte{0}
	var dyn bytes.Buffer
	ent := func(tag elf.DynTag, val uint64) {
		var e [16]byte
		binary.LittleEndian.PutUint64(e[0:], uint64(tag))
		binary.LittleEndian.PutUint64(e[8:], val)
		dyn.Write(e[:])
	}
	add := func(s string) uint64 {
		off := uint64(len(str))
		str = append(append(str, s...), 0)
		return off
	}
	if soname != "" {
		ent(elf.DT_SONAME, add(soname))
	}
	for _, n := range needed {
		ent(elf.DT_NEEDED, add(n))
	}
	ent(elf.DT_NULL, 0)
	return []testSection{
		{name: ".dynstr", typ: elf.SHT_STRTAB, data: str},
		{name: ".dynamic", typ: elf.SHT_DYNAMIC, data: dyn.Bytes(), link: 1},
	}
}

// buildIDNote is a .note.gnu.build-id section with the given id bytes.
func buildIDNote(id []byte) testSection {
	var b bytes.Buffer
	var h [12]byte
	binary.LittleEndian.PutUint32(h[0:], 4)
	binary.LittleEndian.PutUint32(h[4:], uint32(len(id)))
	binary.LittleEndian.PutUint32(h[8:], 3)
	b.Write(h[:])
	b.WriteString("GNU\x00")
	b.Write(id)
	return testSection{name: ".note.gnu.build-id", typ: elf.SHT_NOTE, data: b.Bytes()}
}

// rodata is a .rodata section holding the strings NUL-separated, with
// some non-text padding around them.
func rodata(strs ...string) testSection {
	return testSection{name: ".rodata", typ: elf.SHT_PROGBITS, data: blob(strs...)}
}

// blob joins strings with NULs between filler bytes, like .rodata.
func blob(strs ...string) []byte {
	var b bytes.Buffer
	b.Write([]byte{0x90, 0x48, 0x89, 0xe5, 0x00})
	for _, s := range strs {
		b.WriteString(s)
		b.WriteByte(0)
		b.Write([]byte{0x00, 0xc3, 0x0f, 0x1f, 0x00})
	}
	return b.Bytes()
}

func zlibBytes(b []byte) []byte {
	var out bytes.Buffer
	w := zlib.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}
