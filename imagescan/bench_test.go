package imagescan

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
)

// benchTree yields n files of about size bytes each with moderately
// compressible content (random words), like binaries and text in a rootfs.
func benchTree(n, size int, fn func(name string, data []byte)) {
	rng := rand.New(rand.NewSource(1))
	words := make([][]byte, 512)
	for i := range words {
		w := make([]byte, 3+rng.Intn(8))
		for j := range w {
			w[j] = byte('a' + rng.Intn(26))
		}
		words[i] = w
	}
	data := make([]byte, 0, size+16)
	for i := 0; i < n; i++ {
		data = data[:0]
		for len(data) < size {
			data = append(data, words[rng.Intn(len(words))]...)
			data = append(data, ' ')
			if rng.Intn(8) == 0 {
				data = append(data, byte(rng.Intn(256)), byte(rng.Intn(256)))
			}
		}
		fn(fmt.Sprintf("usr/lib/d%02d/file%05d", i%50, i), data[:size])
	}
}

const benchFiles, benchFileSize = 2000, 50 << 10 // 100 MB

func BenchmarkScanTarGz(b *testing.B) {
	p := filepath.Join(b.TempDir(), "rootfs.tar.gz")
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	tw := tar.NewWriter(zw)
	benchTree(benchFiles, benchFileSize, func(name string, data []byte) {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
		tw.Write(data)
	})
	tw.Close()
	zw.Close()
	f.Close()
	b.SetBytes(benchFiles * benchFileSize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Scan(context.Background(), p, Options{}, VisitorFunc(func(*File, []byte) error { return nil }))
		if err != nil || res.Files != benchFiles {
			b.Fatalf("%v %d", err, res.Files)
		}
	}
}

func benchDir(b *testing.B) string {
	dir := b.TempDir()
	benchTree(benchFiles, benchFileSize, func(name string, data []byte) {
		full := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, data, 0o644); err != nil {
			b.Fatal(err)
		}
	})
	return dir
}

func BenchmarkScanDir(b *testing.B) {
	dir := benchDir(b)
	b.SetBytes(benchFiles * benchFileSize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Scan(context.Background(), dir, Options{}, VisitorFunc(func(*File, []byte) error { return nil }))
		if err != nil || res.Files != benchFiles {
			b.Fatalf("%v %d", err, res.Files)
		}
	}
}

// BenchmarkReadDirBaseline reads the same tree with filepath.WalkDir and
// os.ReadFile: the cost of reading alone, to compare BenchmarkScanDir with.
func BenchmarkReadDirBaseline(b *testing.B) {
	dir := benchDir(b)
	b.SetBytes(benchFiles * benchFileSize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				os.ReadFile(p)
			}
			return nil
		})
	}
}
