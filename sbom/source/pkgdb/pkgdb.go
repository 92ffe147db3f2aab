// Package pkgdb reads the package databases that package managers leave in
// a root file system — what a device really has installed — and turns them
// into SBOM documents:
//
//   - dpkg: var/lib/dpkg/status, distroless var/lib/dpkg/status.d/<pkg>,
//     and the file lists var/lib/dpkg/info/<pkg>.list and
//     <pkg>:<arch>.list;
//   - opkg (OpenWrt, Yocto): usr/lib/opkg/status, var/lib/opkg/status,
//     usr/lib/opkg/info/<pkg>.control and the file lists <pkg>.list;
//   - apk (Alpine, OpenWrt 24+): lib/apk/db/installed;
//   - rpm: var/lib/rpm/Packages (BerkeleyDB) and Packages.db (NDB), read
//     with github.com/knqyf263/go-rpmdb. The sqlite form (rpmdb.sqlite,
//     Fedora 33+, RHEL 9) is NOT supported: go-rpmdb reads it through a
//     database/sql driver and premarket ships no cgo-free sqlite engine; a
//     root that has only rpmdb.sqlite yields an error that says so.
//
// The parsers (ParseDpkgStatus, ParseOpkgStatus, ParseAPKInstalled,
// ParseRPMDB, ParseFileList, ParseOSRelease) are pure functions on bytes
// with hard limits. Collector implements imagescan.Visitor: it keeps only
// the files it needs, per root file system, and builds one sbom.Document
// per root, plus the set of files the package managers own so that the
// image scan does not report them again as unknown binaries. The sbom
// Readers (NewDpkgStatusReader, NewOpkgStatusReader, NewAPKInstalledReader)
// read a status file given on its own.
//
// # Installed packages
//
// Only installed packages become components. dpkg and opkg record the
// state as the third word of "Status: <want> <flag> <state>"; the states
// installed, triggers-awaited, triggers-pending, half-configured and
// unpacked mean the package's files are on disk and count as installed;
// not-installed, config-files (only configuration files remain, the usual
// state after "deinstall") and half-installed do not. The want word does
// not decide: "deinstall ok installed" is a package marked for removal
// whose files are still there. A stanza without Status (distroless
// status.d, opkg info/*.control) is installed by being there. apk's and
// rpm's databases list installed packages only.
//
// # Versions, PURLs and CPEs
//
// Component.Version is the version as the package manager writes it: dpkg
// and opkg "[epoch:]upstream[-revision]", apk "<version>-r<n>", rpm
// "[epoch:]version-release" (as syft writes it). PURLs follow the purl
// specification and syft (sbom/generate lines premarket's components up
// with syft's by PURL):
//
//	pkg:deb/<os-id>/<name>@<version>?arch=<arch>&distro=<id>-<version_id>&upstream=<source>[@<srcversion>]
//	pkg:apk/<os-id>/<name>@<version>?arch=<arch>&distro=<id>-<version_id>&upstream=<origin>
//	pkg:rpm/<os-id>/<name>@<version>-<release>?arch=<arch>&epoch=<n>&distro=...&upstream=<source rpm>
//	pkg:opkg/<os-id>/<name>@<version>?arch=<arch>&distro=...&upstream=<source>
//
// upstream is written only when the source package differs from the
// binary package (dpkg, apk) or is known (rpm's source rpm), as syft does.
// Qualifiers are sorted by key, as the purl specification's canonical form
// requires (syft writes them in insertion order; the PURLs are equal).
// The namespace is os-release's ID; rhel becomes redhat and opensuse-*
// opensuse, as in syft. Without os-release the namespace falls back to the
// package manager's usual distribution (debian, alpine, openwrt, and no
// namespace for rpm) and no distro qualifier is written.
//
// opkg has no purl type and syft has no opkg PURL either: syft reads opkg
// databases with its Debian cataloger (anchore/syft#1985) but writes a
// pkg:deb PURL only when os-release says the system is Debian or
// Debian-like, so OpenWrt packages get none. premarket writes pkg:opkg so
// that they are identifiable at all, without claiming they are Debian
// packages.
//
// CPEs come only from premarket's table of well-known upstream projects
// (sbom/cpe), looked up by binary package name and then by source package
// name, with the epoch and the distribution revision removed from the
// version. Licences go through sbom/license. dpkg's status file records no
// licence; the machine-readable (DEP-5) /usr/share/doc/<pkg>/copyright files
// are not read yet, so Debian packages carry no licence.
//
// # Component type
//
// A package is an "application" when its installed files include an
// executable location (bin/, sbin/, libexec/ directories), "operating-system"
// for the kernel (the cpe table's part "o"), "firmware" when its name
// contains "firmware", and "library" otherwise, including when no file
// list is available.
package pkgdb

import (
	"errors"
	"fmt"

	"github.com/premarket/premarket/sbom"
)

// DBType names a package manager.
type DBType string

// Package managers read by this package.
const (
	Dpkg DBType = "dpkg"
	Opkg DBType = "opkg"
	APK  DBType = "apk"
	RPM  DBType = "rpm"
)

// Kinds of input (sbom.Reader kinds and Origin kinds).
const (
	KindDpkgStatus   = "dpkg-status"
	KindOpkgStatus   = "opkg-status"
	KindOpkgControl  = "opkg-control"
	KindAPKInstalled = "apk-installed"
	KindRPMDB        = "rpmdb"
)

// Limits on untrusted input.
const (
	// MaxInputSize is the largest database file accepted.
	MaxInputSize = 256 << 20
	// MaxPackages is the largest number of packages in one database.
	MaxPackages = 200_000
	// MaxFiles is the largest number of file-list entries in one
	// database (or one list file).
	MaxFiles = 10_000_000
	// MaxLineLen is the longest line accepted in a text database.
	MaxLineLen = 1 << 20
)

// Property names written on components.
const (
	PropType          = "premarket:pkgdb:type"
	PropSource        = "premarket:pkgdb:source"
	PropArch          = "premarket:pkgdb:arch"
	PropStatus        = "premarket:pkgdb:status"
	PropEssential     = "premarket:pkgdb:essential"
	PropAutoInstalled = "premarket:pkgdb:auto-installed"
	PropChecksum      = "premarket:pkgdb:checksum"
)

// ErrTooLarge is returned when an input exceeds a limit.
var ErrTooLarge = errors.New("input exceeds limit")

// ErrUnsupported is returned for a database form premarket cannot read.
var ErrUnsupported = errors.New("unsupported database format")

// Package is one package as a package database records it.
type Package struct {
	Type DBType
	Name string
	// Version is the full version as the database writes it; for rpm it
	// is "[epoch:]version-release".
	Version string
	// Epoch is the epoch when the database records one ("" otherwise):
	// the part before ":" of a dpkg/opkg version, rpm's EPOCH tag.
	Epoch string
	// RPMVersion and Release are rpm's VERSION and RELEASE tags.
	RPMVersion, Release string
	Arch                string
	// Source is the source package (dpkg/opkg Source, apk origin, rpm
	// SOURCERPM) and SourceVersion its version when dpkg writes one
	// ("Source: glibc (2.36-9)").
	Source, SourceVersion string
	License               string
	Maintainer            string // dpkg/opkg Maintainer, apk m:, rpm Vendor
	Homepage              string
	Description           string // first line only
	// Depends lists the dependency groups (Depends and Pre-Depends for
	// dpkg/opkg, D: for apk, Requires for rpm); each group is a list of
	// alternatives, of which the first present one satisfies it.
	Depends [][]string
	// Provides lists the virtual names the package provides, without
	// versions.
	Provides []string
	// Status is the raw dpkg/opkg Status field; Want, Flags and State
	// its words (Flags split on ",").
	Status, Want, State string
	Flags               []string
	Installed           bool
	Essential           bool
	AutoInstalled       bool
	// Alternatives are opkg's "prio:link:target" entries.
	Alternatives []Alternative
	// Conffiles lists the configuration files with their digests.
	Conffiles []string
	// Files lists installed files (absolute, cleaned), when the database
	// records them (apk, rpm) or a file list was read (dpkg, opkg).
	Files []string
	// Checksum is apk's C: field (the "Q1" base64 SHA-1 of the package's
	// control section).
	Checksum string
	// Line is the 1-based line where the package's stanza starts (0 for
	// rpm).
	Line int
}

// Alternative is an opkg alternatives entry: Link is a symlink that points
// at Target when this package wins with Priority.
type Alternative struct {
	Priority int
	Link     string
	Target   string
}

// syntaxError is a parse error at a line of the input.
type syntaxError struct {
	Line int
	Msg  string
	Err  error // a sentinel such as ErrTooLarge, or nil
}

func (e *syntaxError) Unwrap() error { return e.Err }

func (e *syntaxError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// parseError wraps err of a parser of this package as an
// *sbom.ParseError of the named format and file, moving the line into the
// ParseError.
func parseError(kind, file string, err error) error {
	var se *syntaxError
	if errors.As(err, &se) {
		return &sbom.ParseError{Kind: kind, File: file, Line: se.Line, Err: &syntaxError{Msg: se.Msg, Err: se.Err}}
	}
	return &sbom.ParseError{Kind: kind, File: file, Err: err}
}

// LineOf returns the line an error of this package's parsers refers to,
// or 0.
func LineOf(err error) int {
	var se *syntaxError
	if errors.As(err, &se) {
		return se.Line
	}
	return 0
}
