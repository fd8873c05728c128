// Command simulation is a simulation study: does ridge regression predict better than ordinary
// least squares when predictors are strongly correlated and data are few? Each replicate draws a
// training set and a test set from a known linear model, fits both methods and scores them on the
// test set; replicates are independent tasks.
//
// Each replicate draws its random numbers from a stream determined by (-seed, replicate number)
// alone — never by the worker that runs it or the order replicates run in — so the output is
// byte-identical under every scheduler, worker count and chunk size, and different for another
// seed:
//
//	go run ./examples/simulation -replicates 1000 -seed 1
//	LAZYGRAPH_SCHEDULER=processes go run ./examples/simulation -replicates 1000 -seed 1
//
// Standard output is CSV, one line per replicate, with each method's mean squared prediction
// error on the test set:
//
//	replicate,ols_mse,ridge_mse
//	1,15.28633036,9.632253725
//	...
//
// Long studies meet failures. -fail-rate makes a share of replicates fail as a fit that does not
// converge on an unlucky draw (they fail on every attempt); -flaky-rate makes a share fail once
// with a transient fault. -retries n runs failed replicates again (a transient fault is then
// invisible: the output is byte-identical to a run without faults), and -keep-going computes
// every replicate it can, writes those to standard output and the failed ones as a table to
// standard error (on the synchronous and threads schedulers, for now):
//
//	go run ./examples/simulation -fail-rate 0.05 -flaky-rate 0.1 -retries 2 -keep-going
//
// A summary (mean errors with standard errors, how often ridge wins) and the timings go to
// standard error. With the defaults (n=50 rows, p=20 predictors correlated at 0.8, noise sd 3)
// ridge wins every time; with little noise (-sigma 0.3) OLS often does better: the penalty's
// bias then costs more than the variance it saves.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"

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
	os.Exit(cli.ExitCode("simulation", err, os.Stderr))
}

// run is the whole program, callable from tests: flags in args, results to stdout, summary and
// timings to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "simulation: %d replicates of n=%d training rows, p=%d predictors with correlation %.1f, noise sd %g, ridge lambda %g, seed %d\n",
		cfg.replicates, cfg.study.N, cfg.study.P, cfg.study.Rho, cfg.study.Sigma, cfg.study.Lambda, cfg.study.Seed)

	study := delayed.Value(cfg.study) // the study's settings: one small data node for every task
	numbers := make([]int, cfg.replicates)
	for r := range numbers {
		numbers[r] = r
	}
	results := delayed.MapWith(replicate, study, numbers) // one task per replicate
	all, err := delayed.ComputeEach(ctx, results, append(cfg.scheduling, cli.Report("simulation", stderr))...)
	var failures *delayed.Failures
	switch {
	case errors.As(err, &failures):
		// Kept going: report the failed replicates and go on with the others.
		fmt.Fprintf(stderr, "simulation: %d of %d replicates failed:\n", len(failures.Missing), cfg.replicates)
		failures.WriteTable(stderr)
		all = succeeded(all, failures.Missing)
		if len(all) == 0 {
			return fmt.Errorf("every replicate failed")
		}
	case err != nil:
		return err
	}
	if err := writeResults(stdout, all); err != nil {
		return fmt.Errorf("writing the results: %w", err)
	}
	writeSummary(stderr, all)
	return nil
}

// succeeded returns the results without those at the positions in missing (ascending).
func succeeded(all []result, missing []int) []result {
	out := make([]result, 0, len(all)-len(missing))
	for i, r := range all {
		if len(missing) > 0 && missing[0] == i {
			missing = missing[1:]
			continue
		}
		out = append(out, r)
	}
	return out
}
