package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
)

// runBench builds a benchmark graph, computes it and prints one line, for example
//
//	scheduler=threads workers=2 shape=wide n=100000 seconds=0.081 us_per_task=0.81 bytes_sent=0 result=5000050000
//
// seconds covers building the graph and computing it (not preparing input data); bytes_sent
// counts the bytes that crossed into worker processes.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scheduler := fs.String("scheduler", delayed.DefaultScheduler, "scheduler name (default: $LAZYGRAPH_SCHEDULER, else threads)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "number of workers (default: $LAZYGRAPH_WORKERS, else one per core)")
	chunksize := fs.Int("chunksize", 0, "tasks per message to a worker process (default: $LAZYGRAPH_CHUNKSIZE, else 0: adaptive)")
	shapeName := fs.String("shape", "wide", "graph shape: wide, chain, shared, balance, spill or slow (n tasks of $LAZYGRAPH_BENCH_SLEEP ms)")
	n := fs.Int("n", 100_000, "number of tasks (wide, chain)")
	size := fs.Int("size", 50_000_000, "float64 elements of the shared array (shared), of each block (spill: default 2Mi)")
	tasks := fs.Int("tasks", 8, "tasks sharing the array (shared), blocks (spill: default 4.5× the workers' memory)")
	progress := fs.Bool("progress", false, "draw a progress bar on standard error")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of this process to `file`")
	schedulerFile := fs.String("scheduler-file", "", "run on the distributed scheduler described by this `file` instead of a local cluster")
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
	p := params{n: *n, size: *size, tasks: *tasks}
	if p.n < 1 || p.size < 1 || p.tasks < 1 {
		return fmt.Errorf("-n, -size and -tasks must be at least 1")
	}
	s, err := findShape(*shapeName)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if s.name == "spill" {
		w := *workers
		if n, err := strconv.Atoi(os.Getenv(delayed.EnvWorkers)); err == nil && n > 0 && !set["workers"] {
			w = n
		}
		if _, err := spillDefaults(&p, w, set["size"], set["tasks"]); err != nil {
			return err
		}
	}
	// Flags given override the environment (LAZYGRAPH_SCHEDULER and friends); the others leave
	// it in charge, so that a launched program runs on the cluster it was launched on.
	var info delayed.ComputeInfo
	opts := []delayed.Option{delayed.WithCallbacks(delayed.Callbacks{Finish: func(i delayed.ComputeInfo) { info = i }})}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "scheduler":
			opts = append(opts, delayed.WithScheduler(*scheduler))
		case "workers":
			opts = append(opts, delayed.WithWorkers(*workers))
		case "chunksize":
			opts = append(opts, delayed.WithChunksize(*chunksize))
		}
	})
	if *progress {
		opts = append(opts, delayed.WithProgress(stderr))
	}
	if *schedulerFile != "" {
		opts = append(opts, delayed.WithAddress(*schedulerFile))
	}
	var data any
	if s.prepare != nil {
		data = s.prepare(p)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	peak := startHeapSampler()
	start := time.Now()
	root := s.build(p, data)
	results, err := delayed.Compute(ctx, []delayed.Node{root}, opts...)
	ended := time.Now()
	seconds := ended.Sub(start).Seconds()
	heapGrowth := peak()
	if err != nil {
		return err
	}
	line := []string{
		"scheduler=" + info.Scheduler,
		fmt.Sprintf("workers=%d", info.Workers),
		"shape=" + s.name,
		s.fields(p),
	}
	if *chunksize != 0 {
		line = append(line, fmt.Sprintf("chunksize=%d", *chunksize))
	}
	line = append(line, fmt.Sprintf("seconds=%.3f", seconds))
	if s.perTask != nil {
		line = append(line, fmt.Sprintf("us_per_task=%.2f", seconds/float64(s.perTask(p))*1e6))
	}
	if s.perTask != nil {
		// The peak growth of this process's live heap during the computation, per task: the
		// graph, the frontend's state and, for processes and a local distributed cluster, the
		// in-process scheduler's.
		line = append(line, fmt.Sprintf("heap_bytes_per_task=%.0f", float64(heapGrowth)/float64(s.perTask(p))))
	}
	line = append(line, fmt.Sprintf("bytes_sent=%d", info.BytesSent))
	if s.name == "spill" {
		line = append(line, workerMemoryFigures(info.Scheduler, ended)...)
	}
	line = append(line, fmt.Sprintf("result=%v", results[0]))
	fmt.Fprintln(stdout, strings.Join(line, " "))
	return s.check(p, results[0])
}
