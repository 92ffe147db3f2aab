package pkgdb

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"sort"
	"strconv"

	rpmdb "github.com/knqyf263/go-rpmdb/pkg"
)

// rpm database forms, told apart by magic number.
const (
	rpmFormatBDB    = "BerkeleyDB"
	rpmFormatNDB    = "NDB"
	rpmFormatSQLite = "sqlite"
)

// RPMFormat names the form of an rpm database by its magic number:
// "BerkeleyDB" (hash database, magic 0x00061561 at offset 12), "NDB"
// ("RpmP" at offset 0), "sqlite" ("SQLite format 3\0"), or "" when data is
// none of them.
func RPMFormat(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("SQLite format 3\x00")):
		return rpmFormatSQLite
	case bytes.HasPrefix(data, []byte("RpmP")):
		return rpmFormatNDB
	case len(data) >= 16 && (binary.LittleEndian.Uint32(data[12:16]) == 0x00061561 || binary.BigEndian.Uint32(data[12:16]) == 0x00061561):
		return rpmFormatBDB
	}
	return ""
}

// ParseRPMDB reads an rpm database (BerkeleyDB Packages or NDB
// Packages.db) with github.com/knqyf263/go-rpmdb. go-rpmdb reads files,
// not bytes, so data is written to a temporary file in tmpDir that is
// removed before returning. When tmpDir is empty the copy goes to a
// memory-backed file system (/dev/shm) where the machine has one, so that
// scanning an image writes nothing to disk; only where it has none does it
// fall back to os.TempDir. The sqlite form returns
// ErrUnsupported (see the package documentation).
//
// go-rpmdb parses pages in a goroutine of its own; a database malformed
// in a way go-rpmdb does not check could make that goroutine panic, which
// no caller can recover. Panics in the calling goroutine (header parsing)
// are recovered and returned as errors.
func ParseRPMDB(data []byte, tmpDir string) (pkgs []Package, err error) {
	if len(data) > MaxInputSize {
		return nil, &syntaxError{Msg: fmt.Sprintf("%d bytes: %v (limit %d)", len(data), ErrTooLarge, MaxInputSize), Err: ErrTooLarge}
	}
	switch RPMFormat(data) {
	case rpmFormatSQLite:
		return nil, fmt.Errorf("rpm sqlite database: %w (premarket reads the BerkeleyDB and NDB forms only)", ErrUnsupported)
	case "":
		return nil, fmt.Errorf("not an rpm database (no BerkeleyDB, NDB or sqlite magic): %w", ErrUnsupported)
	}
	if tmpDir == "" {
		tmpDir = memoryTempDir()
	}
	f, err := os.CreateTemp(tmpDir, "premarket-rpmdb-*")
	if err != nil {
		return nil, fmt.Errorf("rpm database: temporary copy: %w", err)
	}
	name := f.Name()
	defer os.Remove(name)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return nil, fmt.Errorf("rpm database: temporary copy: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("rpm database: temporary copy: %w", err)
	}
	defer func() {
		if r := recover(); r != nil {
			pkgs, err = nil, fmt.Errorf("rpm database: malformed (reader panicked: %v)", r)
		}
	}()
	db, err := rpmdb.Open(name)
	if err != nil {
		return nil, fmt.Errorf("rpm database: %w", err)
	}
	defer db.Close()
	infos, err := db.ListPackages()
	if err != nil {
		return nil, fmt.Errorf("rpm database: %w", err)
	}
	if len(infos) > MaxPackages {
		return nil, fmt.Errorf("rpm database: %d packages: %w (limit %d)", len(infos), ErrTooLarge, MaxPackages)
	}
	files := 0
	for _, in := range infos {
		p := Package{
			Type: RPM, Name: in.Name, RPMVersion: in.Version, Release: in.Release,
			Arch: in.Arch, Source: in.SourceRpm, License: in.License, Maintainer: in.Vendor,
			Description: in.Summary, Installed: true,
		}
		if p.Arch == "(none)" {
			p.Arch = ""
		}
		p.Version = in.Version
		if in.Release != "" {
			p.Version += "-" + in.Release
		}
		if in.Epoch != nil {
			p.Epoch = strconv.Itoa(*in.Epoch)
			p.Version = p.Epoch + ":" + p.Version
		}
		for _, r := range in.Requires {
			if n := rpmName(r); n != "" {
				p.Depends = append(p.Depends, []string{n})
			}
		}
		for _, r := range in.Provides {
			if n := rpmName(r); n != "" {
				p.Provides = append(p.Provides, n)
			}
		}
		names, ferr := in.InstalledFileNames()
		if ferr != nil {
			return nil, fmt.Errorf("rpm database: package %s: %w", in.Name, ferr)
		}
		files += len(names)
		if files > MaxFiles {
			return nil, fmt.Errorf("rpm database: more than %d files: %w", MaxFiles, ErrTooLarge)
		}
		for _, n := range names {
			p.Files = append(p.Files, cleanAbs(n))
		}
		pkgs = append(pkgs, p)
	}
	sort.SliceStable(pkgs, func(i, j int) bool {
		if pkgs[i].Name != pkgs[j].Name {
			return pkgs[i].Name < pkgs[j].Name
		}
		return pkgs[i].Version < pkgs[j].Version
	})
	return pkgs, nil
}

// rpmName drops rpmlib() pseudo-requirements and keeps the name part of
// a requirement ("glibc >= 2.3" is written as the name only by rpm's
// REQUIRENAME tag already).
func rpmName(r string) string {
	if len(r) >= 7 && r[:7] == "rpmlib(" {
		return ""
	}
	return r
}

// memoryTempDir returns /dev/shm when it is a writable directory (a tmpfs
// on Linux), else "" (os.TempDir).
func memoryTempDir() string {
	const shm = "/dev/shm"
	if st, err := os.Stat(shm); err != nil || !st.IsDir() {
		return ""
	}
	f, err := os.CreateTemp(shm, "premarket-probe-*")
	if err != nil {
		return ""
	}
	f.Close()
	os.Remove(f.Name())
	return shm
}
