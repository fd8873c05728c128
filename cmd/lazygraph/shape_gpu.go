package main

import (
	"fmt"
	"os"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
)

// The "gpu" shape, for resource runs on a cluster: n tasks of $LAZYGRAPH_BENCH_SLEEP
// milliseconds each (default 500), every other one needing gpu=1 (delayed.Resources), so that
// they may run only on a worker declaring it. Each execution appends a line to
// $LAZYGRAPH_BENCH_COUNT when set: "task I gpu|cpu pid P procid R resources S", where R is the
// worker's $SLURM_PROCID and S its $LAZYGRAPH_WORKER_RESOURCES, so that a test can tell which
// worker ran what.
var (
	benchGPUPart = delayed.Func2(gpuPart, delayed.Resources(map[string]float64{"gpu": 1}))
	benchCPUPart = delayed.Func2(cpuPart)
	benchSumInts = delayed.Func1(sumInts)
)

func gpuPart(i, ms int) int { return resourcePart("gpu", i, ms) }
func cpuPart(i, ms int) int { return resourcePart("cpu", i, ms) }

func resourcePart(kind string, i, ms int) int {
	if path := os.Getenv("LAZYGRAPH_BENCH_COUNT"); path != "" {
		if f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644); err == nil {
			fmt.Fprintf(f, "task %d %s pid %d procid %s resources %s\n", i, kind, os.Getpid(),
				os.Getenv("SLURM_PROCID"), os.Getenv("LAZYGRAPH_WORKER_RESOURCES"))
			f.Close()
		}
	}
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return i
}

func sumInts(parts []int) int {
	t := 0
	for _, p := range parts {
		t += p
	}
	return t
}

func init() {
	shapes = append(shapes, shape{
		name: "gpu",
		build: func(p params, _ any) delayed.Node {
			ms := slowSleep()
			parts := make([]delayed.Delayed[int], p.n)
			for i := range parts {
				if i%2 == 0 {
					parts[i] = benchGPUPart(delayed.Value(i), delayed.Value(ms))
				} else {
					parts[i] = benchCPUPart(delayed.Value(i), delayed.Value(ms))
				}
			}
			return benchSumInts(delayed.All(parts))
		},
		check:  func(p params, r any) error { return expect(r, p.n*(p.n-1)/2) },
		fields: func(p params) string { return fmt.Sprintf("n=%d sleep_ms=%d", p.n, slowSleep()) },
	})
}
