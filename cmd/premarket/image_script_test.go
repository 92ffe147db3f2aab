package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// imageTree is the root file system of $WORK/rootfs.tar.gz in the image
// scripts: dpkg declares busybox 1.36.1 and owns /bin/busybox; a vendor
// daemon no package owns carries BusyBox 1.30.1; an UBI volume cannot be
// read.
var imageTree = map[string]string{
	"etc/os-release":                 "ID=debian\nVERSION_ID=\"12\"\n",
	"var/lib/dpkg/status":            "Package: busybox\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:1.36.1-3\nMaintainer: Debian Install System Team <debian-boot@lists.debian.org>\nDescription: Tiny utilities\n",
	"var/lib/dpkg/info/busybox.list": "/.\n/bin\n/bin/busybox\n",
	"bin/busybox":                    "\x7fELF\x00BusyBox v1.36.1 (Debian 1:1.36.1-3) multi-call binary\x00",
	"opt/vendor/sensor-daemon":       "\x00BusyBox v1.30.1 (2019-05-02 10:00:00 UTC) multi-call binary\x00",
	"opt/vendor/update.ubi":          "UBI#\x01\x00\x00\x00\x00\x00\x00\x00",
}

// TestImageScripts runs the scripts of testdata/script-image with
// $WORK/rootfs.tar.gz built from imageTree (txtar cannot hold binary
// archives).
func TestImageScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script-image",
		Setup: func(env *testscript.Env) error {
			env.Setenv("SOURCE_DATE_EPOCH", "1767225600")
			return writeImage(filepath.Join(env.WorkDir, "rootfs.tar.gz"))
		},
	})
}

func writeImage(p string) error {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	names := make([]string, 0, len(imageTree))
	for n := range imageTree {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		data := imageTree[n]
		if err := tw.WriteHeader(&tar.Header{Name: "./" + n, Mode: 0o755, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		if _, err := tw.Write([]byte(data)); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(p, buf.Bytes(), 0o644)
}
