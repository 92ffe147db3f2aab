package generate

import (
	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/cyclonedx"
	"github.com/premarket/premarket/sbom/source/buildroot"
	"github.com/premarket/premarket/sbom/source/yocto"
	"github.com/premarket/premarket/sbom/spdx"
)

// Readers returns a fresh list of every input reader premarket knows, in
// detection order: the most specific formats first.
func Readers() []sbom.Reader {
	return []sbom.Reader{
		cyclonedx.NewJSONReader(),
		cyclonedx.NewXMLReader(),
		&spdx.JSONReader{},
		&spdx.TagValueReader{},
		yocto.NewImageLicenseManifestReader(),
		yocto.NewLicenseManifestReader(),
		buildroot.NewShowInfoReader(),
		buildroot.NewPkgStatsReader(),
		buildroot.NewHostManifestReader(),
		buildroot.NewManifestReader(),
	}
}
