package cluster

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkCoordinatorWorkers runs a wide graph of 1e5 tasks through a real coordinator and
// fake in-process workers (no sockets; tasks finish at once), at 10, 100 and 1,000 workers.
func BenchmarkCoordinatorWorkers(b *testing.B) {
	const n = 100_000
	g, data := wideGraph(b, n)
	want := evaluate(g, data)
	for _, workers := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			c := New(Options{})
			defer c.Close()
			fakes := make([]*fakeWorker, workers)
			for k := range fakes {
				fakes[k] = newFakeWorker(c, fmt.Sprintf("w%d", k))
				fakes[k].start()
			}
			defer func() {
				for _, f := range fakes {
					f.stop()
				}
			}()
			b.ResetTimer()
			start := time.Now()
			for range b.N {
				o := newFakeOwner(data)
				c.Submit(&Job{Graph: g, Owner: o})
				if err := <-o.done; err != nil {
					b.Fatal(err)
				}
				for k, v := range want {
					if o.outputs[k] != v {
						b.Fatalf("output %d = %d, want %d", k, o.outputs[k], v)
					}
				}
			}
			elapsed := time.Since(start)
			b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "tasks/s")
			b.ReportMetric(float64(elapsed.Nanoseconds())/float64(n*b.N), "ns/task")
		})
	}
}
