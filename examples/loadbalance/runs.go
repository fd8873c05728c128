package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
)

// allocation is one way of running the workload: a scheduler, with a chunk size for the
// processes scheduler.
type allocation struct {
	scheduler string
	label     string
	workers   int
	chunksize int
}

// allocations returns the runs to compare on one scheduler.
func allocations(scheduler string, tasks, workers int) []allocation {
	switch scheduler {
	case "processes":
		static := (tasks + workers - 1) / workers // one chunk per worker
		return []allocation{
			{scheduler, fmt.Sprintf("static (chunksize %d)", static), workers, static},
			{scheduler, "dynamic (chunksize 1)", workers, 1},
			{scheduler, "adaptive (chunksize 0, the default)", workers, 0},
		}
	case "synchronous":
		return []allocation{{scheduler, "one task at a time", 1, 0}}
	default:
		return []allocation{{scheduler, "dynamic", workers, 0}}
	}
}

// timeRun computes the workload with allocation a and reports its makespan on w.
func timeRun(ctx context.Context, w io.Writer, work workload, a allocation) error {
	opts := []delayed.Option{
		delayed.WithScheduler(a.scheduler),
		delayed.WithWorkers(a.workers),
		delayed.WithChunksize(a.chunksize),
	}
	// Start the scheduler's workers (processes start on first use) before the clock does.
	if _, err := pause(delayed.Value(0), delayed.Value(time.Duration(0))).Compute(ctx, opts...); err != nil {
		return fmt.Errorf("%s: %w", a.scheduler, err)
	}

	graph := work.graph()
	start := time.Now()
	got, err := graph.Compute(ctx, opts...)
	makespan := time.Since(start)
	if err != nil {
		return fmt.Errorf("%s, %s: %w", a.scheduler, a.label, err)
	}
	if got != work.want() {
		return fmt.Errorf("%s, %s: result %d, want %d", a.scheduler, a.label, got, work.want())
	}
	ideal := work.ideal(a.workers)
	workers := fmt.Sprintf("%d workers", a.workers)
	if a.workers == 1 {
		workers = "1 worker"
	}
	fmt.Fprintf(w, "loadbalance: %-11s %-36s %-10s makespan %7.3f s, ideal %7.3f s",
		a.scheduler, a.label, workers, makespan.Seconds(), ideal.Seconds())
	if ideal > 0 {
		fmt.Fprintf(w, ": %+4.0f%%", 100*(makespan.Seconds()/ideal.Seconds()-1))
	}
	fmt.Fprintln(w)
	return nil
}
