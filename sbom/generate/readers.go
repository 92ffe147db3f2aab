package generate

import (
	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/cyclonedx"
	"github.com/premarket/premarket/sbom/source/buildroot"
	"github.com/premarket/premarket/sbom/source/mcu"
	"github.com/premarket/premarket/sbom/source/pkgdb"
	"github.com/premarket/premarket/sbom/source/yocto"
	"github.com/premarket/premarket/sbom/source/yoctospdx"
	"github.com/premarket/premarket/sbom/spdx"
)

// Readers returns a fresh list of every input reader premarket knows, in
// detection order: the most specific formats first (Zephyr's west spdx
// output is SPDX tag-value, so its reader comes before the generic one).
func Readers() []sbom.Reader {
	rs := []sbom.Reader{
		cyclonedx.NewJSONReader(),
		cyclonedx.NewXMLReader(),
		&spdx.JSONReader{},
		&yoctospdx.SPDX3Reader{},
	}
	rs = append(rs, mcu.Readers()...)
	return append(rs,
		&spdx.TagValueReader{},
		yocto.NewImageLicenseManifestReader(),
		yocto.NewLicenseManifestReader(),
		buildroot.NewShowInfoReader(),
		buildroot.NewPkgStatsReader(),
		buildroot.NewHostManifestReader(),
		buildroot.NewManifestReader(),
		pkgdb.NewDpkgStatusReader(),
		pkgdb.NewOpkgStatusReader(),
		pkgdb.NewAPKInstalledReader(),
	)
}
