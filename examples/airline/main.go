// Command airline computes several summaries of a directory of compressed CSV files — the
// number of flights and the mean, smallest and largest delay per carrier, and the same over all
// flights — in one task graph that reads each file once.
//
// The files are a lazy frame, one partition per file (dataframe.ReadCSVLazy). Each summary is a
// reduction: every partition is reduced to small partial results (per-carrier counts, sums,
// extremes), which are merged tree-wise. The three reductions are built from the same partitions
// and computed together with delayed.Compute3, so they share the tasks that read the files:
// twelve files make twelve read tasks, not thirty-six. Nothing holds all the rows at once.
//
// Without -dir it generates twelve monthly files of 50,000 synthetic flights each (see
// generate.go) into a temporary directory; with a -dir that has no CSV files it generates them
// there and keeps them; with one that has, it reads them:
//
//	go run ./examples/airline
//	go run ./examples/airline -dir airline-data -rows 500000      # 6 million flights, kept
//	go run ./examples/airline -dir ~/nycflights -by UniqueCarrier -delay ArrDelay
//
// Choose where the tasks run with -scheduler (or LAZYGRAPH_SCHEDULER), -workers and -chunksize;
// the output is the same whatever the choice. Standard output is CSV, a line per carrier in
// order, then one for all flights:
//
//	carrier,flights,missing_delay,mean_delay,min_delay,max_delay
//	AA,110563,2058,4.094106262,-47,573
//	...
//	(all),600000,10806,2.578048996,-53,573
//
// missing_delay counts the flights without a delay (cancelled or diverted), which the mean,
// smallest and largest delay leave out. Progress and timings go to standard error.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/lazygraph/lazygraph/dataframe"
	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/examples/internal/cli"
)

func main() {
	if delayed.Init() {
		return // this process was started as a worker, and its work is done
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(cli.ExitCode("airline", err, os.Stderr))
}

// run is the whole program, callable from tests: flags in args, results to stdout, progress
// and timings to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	pattern, cleanup, err := dataFiles(cfg, stderr)
	if err != nil {
		return err
	}
	defer cleanup()

	lf, err := dataframe.ReadCSVLazy(pattern) // opens the files only to learn their columns
	if err != nil {
		return fmt.Errorf("-dir: %w", err)
	}
	if err := checkColumns(lf, cfg.by, cfg.delay); err != nil {
		return err
	}
	var reads readCounter
	s, err := summarize(ctx, lf, cfg.by, cfg.delay, append(cfg.scheduling, reads.option(), cli.Report("airline", stderr))...)
	if err != nil {
		return err
	}
	if err := writeSummary(stdout, s, cfg.by); err != nil {
		return fmt.Errorf("writing the results: %w", err)
	}
	fmt.Fprintf(stderr, "airline: %d read tasks for %d partitions: each file read once\n", reads.n.Load(), lf.NumPartitions())
	return nil
}

// dataFiles returns the glob pattern of the CSV files to read, generating them first if -dir
// has none, and a function removing what it made that needs removing.
func dataFiles(cfg config, stderr io.Writer) (pattern string, cleanup func(), err error) {
	cleanup = func() {}
	dir := cfg.dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "airline-"); err != nil {
			return "", nil, err
		}
		cleanup = func() { os.RemoveAll(dir) }
	}
	pattern = filepath.Join(dir, "*.csv*")
	if matches, _ := filepath.Glob(pattern); len(matches) > 0 {
		fmt.Fprintf(stderr, "airline: reading %d files in %s\n", len(matches), dir)
		return pattern, cleanup, nil
	}

	start := time.Now()
	if _, err := generateFiles(dir, cfg.months, cfg.rows, cfg.seed); err != nil {
		cleanup()
		return "", nil, err
	}
	fmt.Fprintf(stderr, "airline: generated %d files of %d flights in %s (%.3f s)\n",
		cfg.months, cfg.rows, dir, time.Since(start).Seconds())
	return pattern, cleanup, nil
}

// readTaskName is the name package dataframe registers its CSV partition reader under.
const readTaskName = "dataframe.readCSVPartition"

// readCounter counts the read tasks a computation starts.
type readCounter struct{ n atomic.Int64 }

func (c *readCounter) option() delayed.Option {
	return delayed.WithCallbacks(delayed.Callbacks{TaskStart: func(info delayed.TaskInfo) {
		if info.Func == readTaskName {
			c.n.Add(1)
		}
	}})
}
