package vendored

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkScan50k scans a generated tree of 50,000 files: 2,500 folders
// of ordinary sources with a few vendored libraries among them. It
// reports files/s.
func BenchmarkScan50k(b *testing.B) {
	dir := b.TempDir()
	const nFiles = 50_000
	body := []byte("#include \"app.h\"\nint f(void) { return 0; }\n")
	n := 0
	for d := 0; n < nFiles-10; d++ {
		sub := filepath.Join(dir, fmt.Sprintf("src/mod%03d/sub%02d", d/20, d%20))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			b.Fatal(err)
		}
		for i := 0; i < 20 && n < nFiles-10; i++ {
			name := fmt.Sprintf("file%02d.c", i)
			if i == 0 {
				name = "task.h" // same base name as a rule file, but not under include/
			}
			if err := os.WriteFile(filepath.Join(sub, name), body, 0o644); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	writeTree(b, dir, map[string]string{
		"third_party/mbedtls/include/mbedtls/build_info.h": mbedtls3,
		"third_party/lwip/src/include/lwip/init.h":         fmt.Sprintf(lwipInit, 1, "LWIP_RC_RELEASE"),
		"rtos/FreeRTOS-Kernel/include/task.h":              "#define tskKERNEL_VERSION_NUMBER \"V10.5.1\"\n",
		"rtos/FreeRTOS-Kernel/tasks.c":                     "",
		"lib/cJSON/cJSON.h":                                "#define CJSON_VERSION_MAJOR 1\n#define CJSON_VERSION_MINOR 7\n#define CJSON_VERSION_PATCH 18\n",
		"lib/cJSON/cJSON.c":                                "",
	})
	b.ResetTimer()
	var st Stats
	for i := 0; i < b.N; i++ {
		var err error
		_, st, err = ScanStats(context.Background(), dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if st.Hits != 4 {
			b.Fatalf("hits = %d", st.Hits)
		}
	}
	b.ReportMetric(float64(st.Files)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
}
