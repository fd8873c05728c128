// Command breathe is a small study showing what a cluster that breathes offers: a scheduler
// that starts workers while tasks queue and retires them once idle (adaptive), tasks that run
// only where a resource is declared (a GPU), and priorities (the summary, and through
// inheritance the tasks computing its inputs, run before the rest).
//
//	go run ./examples/cluster/breathe            # on this machine's default scheduler
//	go run ./examples/cluster/breathe -adapt 3   # on an adaptive cluster of 0..3 local workers
//
// With -adapt it starts a distributed scheduler whose Adaptive policy launches workers of this
// very program (distributed.CommandLauncher), each declaring gpu=1; on Slurm the same policy
// is `lazygraph launch slurm -adapt -min 0 -max N` (see docs/cluster.md). Without it the
// machine declares gpu=1 (delayed.WithResources) for the local scheduler.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

var (
	// simulate is ordinary work: any worker runs it.
	simulate = delayed.Func2(simulateStudy)
	// fit needs a GPU: it runs only where gpu=1 is declared, one call at a time there.
	fit = delayed.Func1(fitModel, delayed.Resources(map[string]float64{"gpu": 1}))
	// summarise is urgent: it, and the simulations and fits feeding it, run before the rest.
	summarise = delayed.Func1(summary, delayed.Priority(10))
	// background is the rest of the study, at the default priority.
	background = delayed.Func2(simulateStudy)
)

func simulateStudy(seed, n int) []float64 {
	out := make([]float64, n)
	x := uint64(seed)*2654435761 + 1
	for i := range out {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		out[i] = float64(x%1000) / 1000
	}
	return out
}

func fitModel(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func summary(means []float64) float64 {
	s := 0.0
	for _, m := range means {
		s += m
	}
	return math.Round(s/float64(len(means))*1000) / 1000
}

func main() {
	if delayed.Init() {
		return // started as a worker
	}
	adapt := flag.Int("adapt", 0, "compute on an adaptive cluster of up to `N` local workers (each declaring gpu=1)")
	flag.Parse()
	opts := []delayed.Option{delayed.WithResources(map[string]float64{"gpu": 1})}
	if *adapt > 0 {
		stop, file, err := startAdaptive(*adapt)
		if err != nil {
			fmt.Fprintln(os.Stderr, "breathe:", err)
			os.Exit(1)
		}
		defer stop()
		opts = []delayed.Option{delayed.WithScheduler(distributed.Name), delayed.WithAddress(file)}
	}
	if err := run(context.Background(), os.Stdout, opts...); err != nil {
		fmt.Fprintln(os.Stderr, "breathe:", err)
		os.Exit(1)
	}
}

// run computes the study and prints its summary and the background total.
func run(ctx context.Context, stdout io.Writer, opts ...delayed.Option) error {
	var means []delayed.Delayed[float64]
	for seed := range 8 {
		means = append(means, fit(simulate(delayed.Value(seed), delayed.Value(1000))))
	}
	var rest []delayed.Delayed[[]float64]
	for seed := range 16 {
		rest = append(rest, background(delayed.Value(100+seed), delayed.Value(1000)))
	}
	s := summarise(delayed.All(means))
	others := delayed.All(rest)
	sum, done, err := delayed.Compute2(ctx, s, others, opts...)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "summary %.3f over %d fits; %d background simulations\n", sum, len(means), len(done))
	return nil
}

// startAdaptive starts a scheduler that launches up to max workers of this program.
func startAdaptive(max int) (stop func(), file string, err error) {
	dir, err := os.MkdirTemp("", "breathe-")
	if err != nil {
		return nil, "", err
	}
	file = filepath.Join(dir, "scheduler.json")
	launcher := &distributed.CommandLauncher{
		Command: []string{os.Args[0]},
		Env: []string{"LAZYGRAPH_WORKER=distributed", distributed.EnvSchedulerFile + "=" + file,
			distributed.EnvWorkerResources + "=gpu=1"},
	}
	s, err := distributed.NewServer(distributed.ServerOptions{
		Listen:        "127.0.0.1:0",
		SchedulerFile: file,
		Adaptive:      &distributed.Adaptive{Min: 0, Max: max, Launcher: launcher, IdleAfter: 2 * time.Second},
	})
	if err != nil {
		launcher.Close()
		os.RemoveAll(dir)
		return nil, "", err
	}
	return func() {
		s.Shutdown("done")
		launcher.Close()
		os.RemoveAll(dir)
	}, file, nil
}
