package pdf

import (
	"context"
	"testing"
)

// BenchmarkTable10k renders a document whose component table has 10,000
// rows (two layout passes). Reports pages and output size.
func BenchmarkTable10k(b *testing.B) {
	d := sampleDoc(10000)
	b.ReportAllocs()
	var st Stats
	for b.Loop() {
		var err error
		_, st, err = d.Bytes(context.Background())
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(st.Pages), "pages")
	b.ReportMetric(float64(st.Bytes)/(1<<20), "MB")
}
