// Command stratified fits one regression per stratum of a large data set: y ~ x1 + … + xp by
// ordinary least squares, separately within each value of a group column — a model per region,
// per store, per patient.
//
// The data is loaded once and shared: the frame is wrapped once with delayed.Value, and each task
// receives that one frame plus the row numbers of its strata, never a copy of their rows. The
// threads scheduler shares the frame in memory; the processes and distributed schedulers send it
// to each worker process once, whatever the number of tasks. Small strata are batched, a few per
// task, so that hundreds of tiny fits do not drown in scheduling overhead.
//
// Without -data it generates 2 million rows in 500 strata of very different sizes (see
// generate.go), the same every time for the same -seed:
//
//	go run ./examples/stratified
//	go run ./examples/stratified -rows 2e7 -strata 5000       # bigger
//
// With -data it reads a CSV file (compressed with gzip or bzip2 too) or a Parquet file:
//
//	go run ./examples/stratified -data sales.csv.gz -group store -y revenue -x price,promo
//
// Choose where the tasks run with -scheduler (or LAZYGRAPH_SCHEDULER), -workers and -chunksize;
// the output is the same whatever the choice. Standard output is CSV, one line per stratum,
// sorted by group (numerically for a numeric group column):
//
//	group,n,intercept,x1,x2,x3,r2
//	s000,89831,9.489491112,2.02953562,-1.413159314,0.2318655991,0.8464275591
//	...
//
// Response and predictors may be float or integer columns. Rows with a missing value in any of
// the columns used are left out; a stratum with no more rows than coefficients, or whose design
// is singular (a predictor constant within it, say), is reported on standard error and left out
// of the results. Progress and timings go to standard error too.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
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
	os.Exit(cli.ExitCode("stratified", err, os.Stderr))
}

// run is the whole program, callable from tests: flags in args, results to stdout, progress
// and timings to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	start := time.Now()
	frame, err := loadData(cfg, stderr)
	if err != nil {
		return err
	}
	strata, err := splitStrata(frame, cfg.group)
	if err != nil {
		return err
	}
	batches := batchStrata(strata, cfg.taskRows)
	m := model{Y: frame.Names()[1], X: frame.Names()[2:]} // prepare put them in this order
	fmt.Fprintf(stderr, "stratified: %d rows in %d strata by %s; %s ~ %s; the strata batched into %d tasks (data ready in %.3f s)\n",
		frame.NumRows(), len(strata), cfg.group, m.Y, strings.Join(m.X, " + "), len(batches), time.Since(start).Seconds())

	// The tasks need the response and predictors only: the group column stays here.
	data, err := frame.Select(append([]string{m.Y}, m.X...)...)
	if err != nil {
		return err
	}
	results, err := fitAll(data, batches, m).Compute(ctx, append(cfg.scheduling, cli.Report("stratified", stderr))...)
	if err != nil {
		return err
	}
	fits := slices.Concat(results...) // batches hold the strata in order, so fits are in order too
	if err := writeFits(stdout, fits, m.X); err != nil {
		return fmt.Errorf("writing the results: %w", err)
	}
	writeSkipped(stderr, fits)
	return nil
}

// fitAll builds the graph: one task per batch of strata, all sharing one data node.
func fitAll(frame *dataframe.Frame, batches [][]stratum, m model) delayed.Delayed[[][]fit] {
	shared := delayed.Value(frame) // one data node: sent to each worker process once
	spec := delayed.Value(m)
	tasks := make([]delayed.Delayed[[]fit], len(batches))
	for i, b := range batches {
		tasks[i] = fitBatch(shared, delayed.Value(b), spec)
	}
	return delayed.All(tasks)
}
