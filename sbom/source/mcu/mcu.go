// Package mcu gathers premarket's readers of MCU, RTOS and bare-metal
// build manifests. Each format has one small sbom.Reader in its own
// sub-package:
//
//   - west: Zephyr west.yml ("zephyr-west-manifest") and "west spdx"
//     output ("zephyr-west-spdx");
//   - espidf: ESP-IDF component manager dependencies.lock
//     ("espidf-dependencies-lock");
//   - cmake: FetchContent_Declare / ExternalProject_Add calls
//     ("cmake-fetchcontent");
//   - gitmodules: .gitmodules with pinned commits from .git
//     ("git-submodules");
//   - conan: Conan 1 and 2 conan.lock ("conan-lock");
//   - vcpkg: vcpkg.json ("vcpkg-manifest");
//   - platformio: platformio.ini with the .pio/libdeps tree beside it
//     ("platformio-ini");
//   - arduino: library.properties ("arduino-library-properties") and the
//     Arduino CLI sketch.yaml ("arduino-sketch-project").
//
// Readers returns them in the order they should be tried. The west spdx
// reader must come before sbom/spdx's generic tag-value reader, which
// also accepts its documents.
package mcu

import (
	"github.com/premarket/premarket/sbom"
	"github.com/premarket/premarket/sbom/source/mcu/arduino"
	"github.com/premarket/premarket/sbom/source/mcu/cmake"
	"github.com/premarket/premarket/sbom/source/mcu/conan"
	"github.com/premarket/premarket/sbom/source/mcu/espidf"
	"github.com/premarket/premarket/sbom/source/mcu/gitmodules"
	"github.com/premarket/premarket/sbom/source/mcu/platformio"
	"github.com/premarket/premarket/sbom/source/mcu/vcpkg"
	"github.com/premarket/premarket/sbom/source/mcu/west"
)

// Readers returns a fresh list of the MCU manifest readers.
func Readers() []sbom.Reader {
	return []sbom.Reader{
		west.NewSPDXReader(),
		west.NewManifestReader(),
		espidf.NewReader(),
		conan.NewReader(),
		vcpkg.NewReader(),
		platformio.NewReader(),
		arduino.NewSketchReader(),
		arduino.NewLibraryReader(),
		gitmodules.NewReader(),
		cmake.NewReader(),
	}
}
