// Command bigshared is the tutorial's large-data scenario: one big array, many tasks that each
// read all of it. Wrapped once with delayed.Value, the array is one node of the graph: the
// threads and synchronous schedulers share it in memory, and the processes scheduler sends it to
// each worker process once — not once per task. The program prints, per scheduler, the time and
// the bytes sent to workers, so that you can see it in numbers: about one copy of the array per
// worker however many tasks there are.
//
//	go run ./examples/bigshared                     # 400 MB array, 8 tasks, every local scheduler
//	go run ./examples/bigshared -size 1e6 -tasks 100 -schedulers processes -workers 2
//
// Standard output names the array and the result, the same under every scheduler; the times
// and bytes go to standard error.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

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
	os.Exit(cli.ExitCode("bigshared", err, os.Stderr))
}

// run is the whole program, callable from tests: flags in args, the result to stdout, times and
// bytes sent to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bigshared", flag.ContinueOnError)
	fs.SetOutput(stderr)
	size := fs.Float64("size", 5e7, "elements (float64) of the array; 5e7 is 400 MB")
	tasks := fs.Int("tasks", 8, "tasks sharing the array")
	schedulerList := fs.String("schedulers", "", "schedulers to compare, comma-separated (default $"+delayed.EnvScheduler+", else synchronous,threads,processes)")
	workerFlag := fs.Int("workers", 0, "workers per run (default $"+delayed.EnvWorkers+", else one per core)")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	n := int(*size)
	switch {
	case !(*size >= 1) || *size > 1e11 || float64(n) != *size:
		return cli.Usagef("-size %v: want a whole number of elements from 1 to 1e11", *size)
	case *tasks < 1:
		return cli.Usagef("-tasks %d: want at least 1", *tasks)
	}
	names, err := cli.SchedulerList(*schedulerList, []string{"synchronous", "threads", "processes"})
	if err != nil {
		return err
	}
	workers, err := cli.Workers(*workerFlag)
	if err != nil {
		return err
	}

	start := time.Now()
	x := makeArray(n)
	fmt.Fprintf(stderr, "bigshared: made the array in %.3f s\n", time.Since(start).Seconds())

	var result float64
	for i, name := range names {
		m, err := measure(ctx, x, *tasks, name, workers)
		if err != nil {
			return err
		}
		if i > 0 && m.result != result {
			return fmt.Errorf("%s computed %v, %s %v", name, m.result, names[0], result)
		}
		result = m.result
		m.report(stderr, arrayBytes(x), *tasks)
	}
	fmt.Fprintf(stdout, "array of %d float64 (%s) shared by %d tasks: result %.10g\n", n, cli.Bytes(arrayBytes(x)), *tasks, result)
	return nil
}
