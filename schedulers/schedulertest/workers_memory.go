package schedulertest

import (
	"context"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// The spill case: workers with a memory budget far below what a computation holds spill values
// to disk, read them back for their own tasks and serve them to other workers, and the result is
// the one computed in this process. It needs Options.RestartWorkers and Options.WorkerMemory.

var (
	spillBlock  = delayed.Func1(SpillBlock)
	meanBlock   = delayed.Func1(MeanBlock)
	centredDot  = delayed.Func3(CentredDot)
	sumFloat64s = delayed.Func1(SumFloat64s)
)

// SpillBlock returns 1 MiB of float64s that depend on i.
func SpillBlock(i int) []float64 {
	b := make([]float64, 128<<10)
	for j := range b {
		b[j] = float64(i*31+j%17) + 0.5
	}
	return b
}

// MeanBlock returns the mean of a.
func MeanBlock(a []float64) float64 { return SumFloat64s(a) / float64(len(a)) }

// CentredDot returns a·b less m.
func CentredDot(a, b []float64, m float64) float64 {
	total := 0.0
	for j := range a {
		total += a[j] * b[j]
	}
	return total - m
}

// SumFloat64s returns the sum of xs.
func SumFloat64s(xs []float64) float64 {
	total := 0.0
	for _, x := range xs {
		total += x
	}
	return total
}

// Workers at a 16MB budget holding 40 MiB at once spill; tasks read their values back, values
// cross between workers, and the result is the synchronous one; every worker reports the
// budget, and some report spilling.
func (s *suite) spilledValuesAreRight(t *testing.T) {
	t.Setenv(worker.EnvMemory, "16MB")
	// A worker built with -race is resident well above 16MB before it holds anything, so it
	// would pause: spilling, not pausing, is tested here.
	t.Setenv(worker.EnvPause, "off")
	t.Setenv(worker.EnvSpillDir, t.TempDir())
	s.restartWorkers(t) // the next computations' workers have the budget
	const n = 40        // 40 MiB of blocks, all held until their last user ran
	blocks := make([]delayed.Delayed[[]float64], n)
	for i := range blocks {
		blocks[i] = spillBlock(delayed.Value(i))
	}
	// Every block is needed until the mean of all their means is known, so all of them are held
	// at once, whatever order the workers run tasks in.
	means := make([]delayed.Delayed[float64], n)
	for i := range blocks {
		means[i] = meanBlock(blocks[i])
	}
	grand := sumFloat64s(delayed.All(means))
	dots := make([]delayed.Delayed[float64], 0, 2*n)
	for i := range blocks {
		// Pairs far apart, computed on any worker: inputs cross between workers.
		dots = append(dots, centredDot(blocks[i], blocks[(i+n/2)%n], grand), centredDot(blocks[i], blocks[(i+1)%n], grand))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	got, err := sumFloat64s(delayed.All(dots)).Compute(ctx, s.opts(delayed.WithWorkers(2))...)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := sumFloat64s(delayed.All(dots)).Compute(ctx, delayed.WithScheduler("synchronous"))
	if got != want {
		t.Fatalf("result %v, want %v", got, want)
	}
	// Workers report their memory every 250 ms and at the end of each job, after its results:
	// no event tells the test of a report, so poll for the one that counts the spilling (a hang
	// guard only, not a timing assertion).
	var spilled int64
	reports := s.o.WorkerMemory()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		reports, spilled = s.o.WorkerMemory(), 0
		for _, r := range reports {
			spilled += r.SpilledTotal
		}
		if spilled > 0 || time.Now().After(deadline) {
			break
		}
	}
	for _, r := range reports {
		if r.Limit != 16e6 {
			t.Errorf("worker %s: limit %d, want 16MB", r.Worker, r.Limit)
		}
	}
	if spilled == 0 || len(reports) == 0 {
		t.Fatalf("nothing spilled: %+v", reports)
	}
}

// restartWorkers makes the next computations start workers with the environment as set now,
// and the ones after the test with the environment restored.
func (s *suite) restartWorkers(t *testing.T) {
	t.Helper()
	if err := s.o.RestartWorkers(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.o.RestartWorkers(); err != nil {
			t.Error(err)
		}
	})
}
