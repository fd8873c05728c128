package distributed_test

import (
	"context"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/internal/worker"
)

var (
	memBlock = delayed.Func1(func(i int) []float64 {
		b := make([]float64, 128<<10) // 1 MiB
		for j := range b {
			b[j] = float64(i*29+j%11) + 0.5
		}
		return b
	})
	memDot = delayed.Func3(func(a, b []float64, m float64) float64 {
		total := 0.0
		for j := range a {
			total += a[j] * b[j]
		}
		return total * m
	})
	memFirst = delayed.Func1(func(b []float64) float64 { return b[0] })
	memSum   = delayed.Func1(func(xs []float64) float64 {
		total := 0.0
		for _, x := range xs {
			total += x
		}
		return total
	})
)

// TestSpilledValuesTravelBetweenWorkers: workers at a 16MB budget holding 40 MiB at once spill; tasks
// read their values back and workers fetch each other's spilled values (peer to peer), and the
// result is the one computed in this process.
func TestSpilledValuesTravelBetweenWorkers(t *testing.T) {
	t.Setenv(worker.EnvMemory, "16MB")
	t.Setenv(worker.EnvSpillDir, t.TempDir())
	lc := startLocal(t, 2)
	const n = 40
	blocks := make([]delayed.Delayed[[]float64], n)
	for i := range blocks {
		blocks[i] = memBlock(delayed.Value(i))
	}
	// Every block is held until m, which needs them all, is known.
	firsts := make([]delayed.Delayed[float64], n)
	for i := range blocks {
		firsts[i] = memFirst(blocks[i])
	}
	m := memSum(delayed.All(firsts))
	dots := make([]delayed.Delayed[float64], 0, 2*n)
	for i := range blocks {
		dots = append(dots, memDot(blocks[i], blocks[(i+n/2)%n], m), memDot(blocks[i], blocks[(i+1)%n], m))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	got, err := memSum(delayed.All(dots)).Compute(ctx, delayed.Using(lc))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := memSum(delayed.All(dots)).Compute(ctx, delayed.WithScheduler("synchronous"))
	if got != want {
		t.Fatalf("result %v, want %v", got, want)
	}
	var spilled int64
	for _, r := range lc.Server().WorkerMemory() {
		spilled += r.SpilledTotal
		if r.Limit != 16e6 {
			t.Errorf("worker %s: limit %d, want 16MB", r.Worker, r.Limit)
		}
	}
	if spilled == 0 {
		t.Fatalf("nothing spilled: %+v", lc.Server().WorkerMemory())
	}
}
