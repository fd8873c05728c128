package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/examples/internal/cli"
)

// measurement is one scheduler's run.
type measurement struct {
	scheduler string
	workers   int
	result    float64
	elapsed   time.Duration
	bytesSent int64 // to worker processes; 0 for the schedulers that share memory
}

// measure computes the graph on one scheduler and records the time and the bytes sent to
// workers, which lazygraph reports to a Finish callback.
func measure(ctx context.Context, x []float64, tasks int, scheduler string, workers int) (measurement, error) {
	m := measurement{scheduler: scheduler, workers: workers}
	if scheduler == "synchronous" {
		m.workers = 1
	}
	opts := []delayed.Option{delayed.WithScheduler(scheduler), delayed.WithWorkers(workers)}
	// Start the scheduler's workers (processes start on first use) before the clock does.
	if _, err := analyze(delayed.Value([]float64{0}), delayed.Value(0)).Compute(ctx, opts...); err != nil {
		return m, fmt.Errorf("%s: %w", scheduler, err)
	}

	g := graph(x, tasks)
	record := delayed.WithCallbacks(delayed.Callbacks{Finish: func(info delayed.ComputeInfo) {
		m.bytesSent = info.BytesSent
	}})
	start := time.Now()
	result, err := g.Compute(ctx, append(opts, record)...)
	m.elapsed = time.Since(start)
	if err != nil {
		return m, fmt.Errorf("%s: %w", scheduler, err)
	}
	m.result = result
	return m, nil
}

// copies is how many arrays' worth of bytes were sent.
func (m measurement) copies(arrayBytes int64) float64 {
	return float64(m.bytesSent) / float64(arrayBytes)
}

// report writes one line: the time, and for worker processes the bytes sent against what one
// copy per task would have cost.
func (m measurement) report(w io.Writer, arrayBytes int64, tasks int) {
	workers := fmt.Sprintf("%d workers", m.workers)
	if m.workers == 1 {
		workers = "1 worker"
	}
	fmt.Fprintf(w, "bigshared: %-11s %-10s %7.3f s", m.scheduler, workers, m.elapsed.Seconds())
	if m.bytesSent == 0 {
		fmt.Fprintln(w, "  nothing sent: tasks share the array in memory")
		return
	}
	fmt.Fprintf(w, "  %s sent to workers = %.2f copies of the array for %d tasks (one per task would be %s)\n",
		cli.Bytes(m.bytesSent), m.copies(arrayBytes), tasks, cli.Bytes(arrayBytes*int64(tasks)))
}
