package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
)

// runBench builds a benchmark graph, computes it and prints one line:
//
//	scheduler=threads workers=2 shape=wide n=100000 seconds=0.081 us_per_task=0.81 result=5000050000
//
// seconds covers building the graph and computing it.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scheduler := fs.String("scheduler", delayed.DefaultScheduler, "scheduler name")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "number of workers")
	chunksize := fs.Int("chunksize", 0, "tasks per message to a worker process (0: adaptive)")
	shapeName := fs.String("shape", "wide", "graph shape: wide or chain")
	n := fs.Int("n", 100_000, "number of tasks")
	progress := fs.Bool("progress", false, "draw a progress bar on standard error")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "bench: unexpected arguments %v\n", fs.Args())
		return errUsage
	}
	if *n < 1 {
		return fmt.Errorf("-n must be at least 1, got %d", *n)
	}
	s, err := findShape(*shapeName)
	if err != nil {
		return err
	}
	opts := []delayed.Option{
		delayed.WithScheduler(*scheduler),
		delayed.WithWorkers(*workers),
		delayed.WithChunksize(*chunksize),
	}
	if *progress {
		opts = append(opts, delayed.WithProgress(stderr))
	}

	start := time.Now()
	root, want := s.build(*n)
	results, err := delayed.Compute(ctx, []delayed.Node{root}, opts...)
	seconds := time.Since(start).Seconds()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "scheduler=%s workers=%d shape=%s n=%d seconds=%.3f us_per_task=%.2f result=%v\n",
		*scheduler, *workers, s.name, *n, seconds, seconds/float64(*n)*1e6, results[0])
	if results[0] != want {
		return fmt.Errorf("result %v, want %v", results[0], want)
	}
	return nil
}
