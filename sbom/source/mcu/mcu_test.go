package mcu

import (
	"os"
	"path/filepath"
	"testing"
)

// Every test input is claimed by exactly one MCU reader.
func TestDetectExclusive(t *testing.T) {
	inputs := map[string]string{
		"west/testdata/ws/app/west.yml":                                                  "zephyr-west-manifest",
		"west/testdata/spdx/zephyr.spdx":                                                 "zephyr-west-spdx",
		"espidf/testdata/sources.lock":                                                   "espidf-dependencies-lock",
		"conan/testdata/conan1.lock":                                                     "conan-lock",
		"conan/testdata/conan2.lock":                                                     "conan-lock",
		"vcpkg/testdata/proj/vcpkg.json":                                                 "vcpkg-manifest",
		"gitmodules/testdata/super/.gitmodules":                                          "git-submodules",
		"cmake/testdata/CMakeLists.txt":                                                  "cmake-fetchcontent",
		"platformio/testdata/pump/platformio.ini":                                        "platformio-ini",
		"platformio/testdata/pump/.pio/libdeps/esp32dev/PubSubClient/library.properties": "arduino-library-properties",
		"platformio/testdata/pump/.pio/libdeps/esp32dev/Adafruit BME280 Library/library.properties": "arduino-library-properties",
		"arduino/testdata/PumpTelemetry/library.properties":                                         "arduino-library-properties",
		"arduino/testdata/pump_sketch/sketch.yaml":                                                  "arduino-sketch-project",
	}
	for p, want := range inputs {
		data, err := os.ReadFile(filepath.FromSlash(p))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range Readers() {
			if r.Detect(p, data) {
				got = append(got, r.Kind())
			}
		}
		if len(got) != 1 || got[0] != want {
			t.Errorf("%s detected as %v, want [%s]", p, got, want)
		}
	}
}
