// Command loadbalance shows why dynamic allocation matters when task times are uneven. It runs
// a few slow and many fast tasks — by default 4 of 1 s and 12 of 50 ms, the slow ones first, as in
// the tutorial's load-balancing scenario — and prints each run's makespan (the time until the last
// task finishes) next to the ideal: the makespan of the best possible allocation, here the work
// shared evenly (2.3 s on 2 workers).
//
// On the processes scheduler it compares
//
//   - static allocation: the tasks cut into one chunk per worker up front (chunksize 8 for 16
//     tasks on 2 workers), so with the slow tasks first one worker gets all of them;
//   - dynamic allocation: chunksize 1, each worker taking the next task when it is free;
//   - lazygraph's default, chunksize 0, which adapts the chunk size to how long tasks take;
//
// and on the threads scheduler its only mode, dynamic. Tasks sleep rather than compute, so the
// ideal is known exactly and the figures do not depend on the machine's other load.
//
//	go run ./examples/loadbalance                          # processes and threads
//	go run ./examples/loadbalance -schedulers processes -workers 4
//
// Standard output describes the workload and the ideal; the makespans go to standard error.
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
	os.Exit(cli.ExitCode("loadbalance", err, os.Stderr))
}

// run is the whole program, callable from tests: flags in args, the workload and the ideal to
// stdout, the makespans to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("loadbalance", flag.ContinueOnError)
	fs.SetOutput(stderr)
	slow := fs.Int("slow", 4, "number of slow tasks (run first)")
	fast := fs.Int("fast", 12, "number of fast tasks")
	slowTime := fs.Duration("slow-time", time.Second, "duration of a slow task")
	fastTime := fs.Duration("fast-time", 50*time.Millisecond, "duration of a fast task")
	schedulerList := fs.String("schedulers", "", "schedulers to compare, comma-separated (default $"+delayed.EnvScheduler+", else processes,threads)")
	workerFlag := fs.Int("workers", 0, "workers per run (default $"+delayed.EnvWorkers+", else one per core)")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	work, err := newWorkload(*slow, *fast, *slowTime, *fastTime)
	if err != nil {
		return err
	}
	names, err := cli.SchedulerList(*schedulerList, []string{"processes", "threads"})
	if err != nil {
		return err
	}
	workers, err := cli.Workers(*workerFlag)
	if err != nil {
		return err
	}

	fmt.Fprintf(stdout, "%s\n", work)
	fmt.Fprintf(stdout, "ideal makespan on %d workers: %v (the best possible allocation)\n", workers, work.ideal(workers))
	for _, name := range names {
		for _, a := range allocations(name, work.len(), workers) {
			if err := timeRun(ctx, stderr, work, a); err != nil {
				return err
			}
		}
	}
	return nil
}
