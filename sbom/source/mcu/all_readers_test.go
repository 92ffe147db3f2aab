package mcu_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/premarket/premarket/sbom/generate"
)

// Among all of premarket's readers, in detection order, the first to
// claim each PlatformIO and Arduino test input is the reader written for
// it (the other MCU inputs are covered by TestDetectExclusive).
func TestFirstDetectorAmongAllReaders(t *testing.T) {
	inputs := map[string]string{
		"platformio/testdata/pump/platformio.ini":                                        "platformio-ini",
		"platformio/testdata/pump/.pio/libdeps/esp32dev/PubSubClient/library.properties": "arduino-library-properties",
		"arduino/testdata/PumpTelemetry/library.properties":                              "arduino-library-properties",
		"arduino/testdata/pump_sketch/sketch.yaml":                                       "arduino-sketch-project",
	}
	for p, want := range inputs {
		data, err := os.ReadFile(filepath.FromSlash(p))
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, r := range generate.Readers() {
			if r.Detect(p, data) {
				got = r.Kind()
				break
			}
		}
		if got != want {
			t.Errorf("%s first detected as %q, want %q", p, got, want)
		}
	}
}
