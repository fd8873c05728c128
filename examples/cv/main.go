// Command cv compares prediction methods by K-fold cross-validation: ordinary least squares,
// ridge regression, k-nearest neighbours and a random forest, each fitted on every fold. Every
// (fold, method) pair is a task of its own, so ten folds of four methods make forty tasks and a
// machine with more cores than folds still uses them all. The methods' costs differ by orders of
// magnitude (see the task_seconds column of the summary), which is what the scheduler balances.
//
// The training data is wrapped once with delayed.Value and shared by every task: worker processes
// receive it once each, not once per task.
//
// Run it on simulated data (n=1000, p=50, y = x1 + √|x2·x3| + x2 − x3 + noise):
//
//	go run ./examples/cv
//	go run ./examples/cv -folds 5 -methods ols,forest -shuffle -seed 7
//
// or on a CSV file (compressed with gzip or bzip2 too):
//
//	go run ./examples/cv -data mydata.csv -y price -x area,rooms,age
//
// Choose where the tasks run with -scheduler (or LAZYGRAPH_SCHEDULER), -workers and -chunksize;
// the output is the same whatever the choice. Standard output is CSV, one line per task:
//
//	fold,method,n_test,mse
//	1,ols,100,1.263039516
//	1,ridge,100,1.255564922
//	...
//
// with folds numbered from 1; a summary per method and the timings go to standard error.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/lazygraph/lazygraph/dataframe"
	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/examples/internal/cli"
	"github.com/lazygraph/lazygraph/examples/internal/regression"
)

func main() {
	if delayed.Init() {
		return // this process was started as a worker, and its work is done
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(cli.ExitCode("cv", err, os.Stderr))
}

// run is the whole program, callable from tests: flags in args, results to stdout, summary and
// timings to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	start := time.Now()
	data, err := loadData(cfg, stderr)
	if err != nil {
		return err
	}
	folds, err := makeFolds(data.NumRows(), cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "cv: %d rows, %d predictors, %d folds, methods %s (data ready in %.3f s)\n",
		data.NumRows(), data.NumCols(), len(folds), strings.Join(cfg.methods, ","), time.Since(start).Seconds())

	scores := crossValidate(data, folds, cfg.methods, cfg.settings)
	results, err := scores.Compute(ctx, append(cfg.scheduling, cli.Report("cv", stderr))...)
	if err != nil {
		return err
	}
	if err := writeScores(stdout, results); err != nil {
		return fmt.Errorf("writing the results: %w", err)
	}
	writeSummary(stderr, results, cfg.methods)
	return nil
}

// makeFolds numbers the folds of dataframe.KFold (shuffled if asked).
func makeFolds(rows int, cfg config) ([]fold, error) {
	var opts []dataframe.KFoldOption
	if cfg.shuffle {
		opts = append(opts, dataframe.Shuffled(cfg.settings.Seed))
	}
	splits, err := dataframe.KFold(rows, cfg.folds, opts...)
	if err != nil {
		return nil, cli.Usagef("-folds %d: %w", cfg.folds, err)
	}
	folds := make([]fold, len(splits))
	for i, s := range splits {
		folds[i] = fold{Number: i, Train: s.Train, Test: s.Test}
	}
	return folds, nil
}

// crossValidate builds the graph: one task per (fold, method), all sharing one data node.
func crossValidate(data regression.Dataset, folds []fold, methods []string, s settings) delayed.Delayed[[]score] {
	shared := delayed.Value(data) // one data node: sent to each worker process once
	tuning := delayed.Value(s)
	var scores []delayed.Delayed[score]
	for _, f := range folds {
		split := delayed.Value(f) // shared by the fold's methods
		for _, m := range methods {
			scores = append(scores, evaluate(shared, split, delayed.Value(m), tuning))
		}
	}
	return delayed.All(scores)
}
