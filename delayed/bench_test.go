package delayed_test

import (
	"context"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
)

var (
	benchInc = delayed.Func1(func(x int) int { return x + 1 })
	benchSum = delayed.Func1(func(xs []int) int {
		total := 0
		for _, x := range xs {
			total += x
		}
		return total
	})
)

// BenchmarkWide builds and computes n independent inc(i) and their sum, per scheduler; one op
// is one task (build plus compute), so ns/op and allocs/op are per task.
func BenchmarkWide(b *testing.B) {
	for _, sched := range []string{"synchronous", "threads"} {
		b.Run(sched, func(b *testing.B) {
			const n = 100_000
			b.ReportAllocs()
			for b.Loop() {
				parts := make([]delayed.Delayed[int], n)
				for i := range parts {
					parts[i] = benchInc(delayed.Value(i))
				}
				got, err := benchSum(delayed.All(parts)).Compute(context.Background(),
					delayed.WithScheduler(sched), delayed.WithWorkers(2))
				if err != nil || got != n*(n+1)/2 {
					b.Fatal(got, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/task")
		})
	}
}

// BenchmarkChain builds and computes a chain of n dependent incs, per scheduler.
func BenchmarkChain(b *testing.B) {
	for _, sched := range []string{"synchronous", "threads"} {
		b.Run(sched, func(b *testing.B) {
			const n = 100_000
			b.ReportAllocs()
			for b.Loop() {
				x := delayed.Value(0)
				for range n {
					x = benchInc(x)
				}
				got, err := x.Compute(context.Background(), delayed.WithScheduler(sched), delayed.WithWorkers(2))
				if err != nil || got != n {
					b.Fatal(got, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/task")
		})
	}
}
