package imagescan

import (
	"bytes"
	"io"
	"math/rand"
	"os"
	"testing"

	txz "github.com/therootcompany/xz"
	"github.com/ulikunitz/xz"
)

// xzWith compresses b with ulikunitz/xz and the given check.
func xzWith(t testing.TB, b []byte, check byte) []byte {
	t.Helper()
	var o bytes.Buffer
	w, err := xz.WriterConfig{CheckSum: check}.NewWriter(&o)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return o.Bytes()
}

// xzInputs are contents that exercise literals, matches, repeats, long
// runs and incompressible data (which LZMA2 stores in uncompressed
// chunks), in several LZMA2 chunks.
func xzInputs() map[string][]byte {
	rng := rand.New(rand.NewSource(1))
	random := make([]byte, 200_000)
	rng.Read(random)
	var text bytes.Buffer
	words := []string{"squashfs", "block", "fragment", "inode", "lzma", "range", "coder", "\n", "0x1f", "premarket"}
	for text.Len() < 900_000 {
		text.WriteString(words[rng.Intn(len(words))])
		text.WriteByte(' ')
	}
	mixed := append(append(append([]byte{}, text.Bytes()[:100_000]...), random[:70_000]...), text.Bytes()[:100_000]...)
	return map[string][]byte{
		"empty-ish": []byte("x"),
		"zeros":     make([]byte, 1<<20),
		"text":      text.Bytes(),
		"random":    random,
		"mixed":     mixed,
	}
}

func TestXZSingle(t *testing.T) {
	for name, in := range xzInputs() {
		for _, check := range []byte{xz.None, xz.CRC32, xz.CRC64} {
			src := xzWith(t, in, check)
			dst := make([]byte, len(in))
			n, ok, err := xzSingle(dst, src)
			if !ok || err != nil || !bytes.Equal(dst[:n], in) {
				t.Errorf("%s check %d: ok %v err %v, %d of %d bytes equal %v", name, check, ok, err, n, len(in), bytes.Equal(dst[:n], in))
			}
			if len(in) > 1 {
				// One byte short: the output does not fit.
				if _, ok, err := xzSingle(make([]byte, len(in)-1), src); !ok || err == nil {
					t.Errorf("%s: short buffer: ok %v err %v", name, ok, err)
				}
			}
		}
	}
	// SHA-256 checks are left to the general decoder.
	if _, ok, _ := xzSingle(make([]byte, 10), xzWith(t, []byte("abc"), xz.SHA256)); ok {
		t.Error("SHA-256 stream not left to the general decoder")
	}
}

// TestXZSingleDamaged flips bytes of streams: the decoder must report an
// error (the check catches what the format does not), never panic or
// return wrong data as good.
func TestXZSingleDamaged(t *testing.T) {
	in := xzInputs()["mixed"]
	src := xzWith(t, in, xz.CRC32)
	d, err := newSqDecoder(sqXz, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(2))
	dst := make([]byte, len(in))
	for i := 0; i < 300; i++ {
		bad := append([]byte(nil), src...)
		bad[12+rng.Intn(len(bad)-12)] ^= byte(1 + rng.Intn(255))
		n, err := d.decode(dst, bad)
		if err == nil && !bytes.Equal(dst[:n], in) {
			t.Fatalf("damaged stream %d decoded to wrong data without error", i)
		}
	}
	// Truncated.
	if _, err := d.decode(dst, src[:len(src)/2]); err == nil {
		t.Error("truncated stream decoded")
	}
}

// TestXZSingleSquashfsBlocks decodes every data and fragment block of the
// mksquashfs (liblzma) test image with xzSingle and with therootcompany/xz.
func TestXZSingleSquashfsBlocks(t *testing.T) {
	b, err := os.ReadFile("testdata/squashfs-big-xz.sqfs")
	if err != nil {
		t.Fatal(err)
	}
	q, err := openSquashfs(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var blocks [][]byte
	for i := uint32(0); i < q.sb.fragments; i++ {
		pos, sw, err := q.fragment(i)
		if err != nil {
			t.Fatal(err)
		}
		if sw&sqDataUncomp == 0 {
			blocks = append(blocks, b[pos:pos+int64(sw)])
		}
	}
	if len(blocks) == 0 {
		t.Fatal("no compressed fragment blocks")
	}
	ref, _ := txz.NewReader(nil, 0)
	for i, blk := range blocks {
		if err := ref.Reset(bytes.NewReader(blk)); err != nil {
			t.Fatal(err)
		}
		ref.Multistream(false)
		want, err := io.ReadAll(ref)
		if err != nil {
			t.Fatal(err)
		}
		dst := make([]byte, q.sb.blockSize)
		n, ok, err := xzSingle(dst, blk)
		if !ok || err != nil || !bytes.Equal(dst[:n], want) {
			t.Errorf("fragment block %d: ok %v err %v, equal %v", i, ok, err, bytes.Equal(dst[:n], want))
		}
	}
}

func FuzzXZBlock(f *testing.F) {
	f.Add(xzWith(f, []byte("hello hello hello"), xz.CRC32))
	f.Add(xzWith(f, xzInputs()["mixed"][:5000], xz.CRC64))
	f.Fuzz(func(t *testing.T, src []byte) {
		d, err := newSqDecoder(sqXz, 64<<10)
		if err != nil {
			t.Fatal(err)
		}
		dst := make([]byte, 64<<10)
		n, err := d.decode(dst, src)
		if err == nil && n > len(dst) {
			t.Fatalf("%d bytes", n)
		}
	})
}

// FuzzLZMA2 feeds raw LZMA2 data (no CRC to get past) to the decoder: it
// may fail, through a recovered panic when it reads past its input, but
// must stop and stay inside its buffer.
func FuzzLZMA2(f *testing.F) {
	for _, in := range [][]byte{[]byte("hello hello hello"), xzInputs()["mixed"][:3000]} {
		src := xzWith(f, in, xz.None)
		hs := (int(src[12]) + 1) * 4
		f.Add(src[12+hs:])
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		dst := make([]byte, 16<<10)
		var n int
		err := safely(func() error {
			var e error
			n, _, e = lzma2Decode(dst, src)
			return e
		})
		if err == nil && n > len(dst) {
			t.Fatalf("%d bytes", n)
		}
	})
}

// benchXZ decodes the "text" and "mixed" inputs in 128 KiB xz streams, as
// mksquashfs writes them.
func benchXZ(b *testing.B, decode func(dst, src []byte) (int, error)) {
	var blocks [][]byte
	var total int
	for _, name := range []string{"text", "mixed"} {
		in := xzInputs()[name]
		for off := 0; off < len(in); off += 128 << 10 {
			blk := in[off:min(off+128<<10, len(in))]
			blocks = append(blocks, xzWith(b, blk, xz.CRC32))
			total += len(blk)
		}
	}
	dst := make([]byte, 128<<10)
	b.SetBytes(int64(total))
	b.ResetTimer()
	for range b.N {
		for _, blk := range blocks {
			if _, err := decode(dst, blk); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkXZSingle(b *testing.B) {
	benchXZ(b, func(dst, src []byte) (int, error) {
		n, _, err := xzSingle(dst, src)
		return n, err
	})
}

func BenchmarkXZTheRootCompany(b *testing.B) {
	r, _ := txz.NewReader(nil, 0)
	benchXZ(b, func(dst, src []byte) (int, error) {
		if err := r.Reset(bytes.NewReader(src)); err != nil {
			return 0, err
		}
		r.Multistream(false)
		n, err := io.ReadFull(r, dst[:cap(dst)])
		if err == io.ErrUnexpectedEOF {
			err = nil
		}
		return n, err
	})
}
