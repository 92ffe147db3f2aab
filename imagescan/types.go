// Package imagescan walks what a device really ships — a directory tree, a
// firmware image, an archive, nested containers — without unpacking
// anything to disk, and hands every regular file to visitors (package
// database readers, binary identification) together with its provenance
// path, such as "rootfs.tar.gz!/boot/fitImage!/kernel".
//
// Containers are detected by magic numbers, never by file name. Every
// container premarket cannot open is reported as Skipped with the reason,
// never silently dropped. Hard limits bound decompressed bytes, compression
// ratio, nesting depth, entry count and per-file size; hitting one is a
// Skipped record (a finding), not a crash.
package imagescan

import (
	"io/fs"
)

// File is one entry found while walking. Regular files come with their
// content; symlinks with their target; directories are not reported.
type File struct {
	// Path is the provenance path: the outer input, then "!" and the path
	// inside each container, e.g. "rootfs.tar.gz!/usr/bin/busybox".
	Path string
	// Name is the cleaned absolute path inside the innermost root file
	// system, e.g. "/usr/bin/busybox". Package databases and os-release
	// are looked up by Name.
	Name string
	// Root identifies the innermost root file system the entry belongs to
	// (the Path prefix up to the last "!", or the input path for a plain
	// directory), so visitors can group files per root file system.
	Root string
	Mode fs.FileMode
	Size int64
	// LinkTarget is set for symlinks (as stored, not resolved). Hard links
	// in tar archives are reported like symlinks but with a regular Mode
	// and the cleaned target name; their content is visited under the
	// target's name.
	LinkTarget string
}

// Visitor receives each file. data holds the whole content of a regular
// file (nil for symlinks and hard links). Files over Limits.MaxFileSize are
// not visited; they are reported as Skipped instead. Directories, devices,
// FIFOs and sockets are not visited. Visitors must not keep data
// after returning; copy what they need: buffers are reused.
//
// Container files are visited too (a .jar, an initramfs, a fitImage) and
// then scanned inside, so a visitor sees both the file and its contents.
type Visitor interface {
	VisitFile(f *File, data []byte) error
}

// VisitorFunc adapts a function to Visitor.
type VisitorFunc func(f *File, data []byte) error

// VisitFile calls fn.
func (fn VisitorFunc) VisitFile(f *File, data []byte) error { return fn(f, data) }

// Skipped records something the scan did not look into, and why: a
// container premarket cannot open (UBI, JFFS2, encrypted or unknown blob),
// a limit that was hit, a path that tried to escape, a symlink loop.
type Skipped struct {
	Path   string // provenance path
	Reason string // human-readable: "UBI image: no reader (not checked)"
	// Limit names the limit that was hit, if any: "total-bytes",
	// "ratio", "depth", "entries", "file-size".
	Limit string
}

// Limits bound the work one scan may do. Zero fields take the defaults.
type Limits struct {
	MaxTotalBytes int64 // total decompressed bytes over the whole scan (default 8 GiB)
	MaxRatio      int64 // decompressed/compressed ratio of one stream (default 200)
	MaxDepth      int   // container nesting depth (default 8)
	MaxEntries    int   // entries over the whole scan (default 1,000,000)
	MaxFileSize   int64 // largest single file handed to visitors (default 256 MiB)
}

// Names of the limits, as used in Skipped.Limit.
const (
	LimitTotalBytes = "total-bytes"
	LimitRatio      = "ratio"
	LimitDepth      = "depth"
	LimitEntries    = "entries"
	LimitFileSize   = "file-size"
)

// Options configure one Scan.
type Options struct {
	// Limits bound the scan; zero fields take the defaults.
	Limits Limits
	// Progress, when set, is called now and then with the bytes of the
	// input read so far and the input's total size (the file size, or the
	// sum of the regular files' sizes for a directory), for a progress bar.
	// It is called from the scanning goroutine.
	Progress func(done, total int64)
	// Opaque, when set, is asked after each regular file is visited; a
	// file it reports opaque is not examined for nested containers. A
	// caller that already accounts for a file's content (a package
	// database that owns it, with its compressed changelog) saves the
	// decompression. Opaque files are still visited.
	Opaque func(f *File) bool
}

// ContainerInfo names one container the scan opened.
type ContainerInfo struct {
	Path   string // provenance path of the container, e.g. "rootfs.tar.gz" or "fw.zip!/boot/fitImage"
	Format string // "gzip", "tar", "cpio", "zip", "squashfs", "ext4", "fat", "iso9660", "uimage", "fit", "dtb", ...
}

// Result summarises a scan: what was visited, what was opened, and every
// thing that was not looked into.
type Result struct {
	Skipped    []Skipped
	Files      int   // regular files handed to the visitor with their content
	Bytes      int64 // sum of the sizes of those files
	Containers []ContainerInfo
}
