package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
)

// The "slow" shape, for adaptive and retirement runs: n tasks of $LAZYGRAPH_BENCH_SLEEP
// milliseconds each (default 500), each returning 512 KiB that stays on its worker until the
// final sum needs it, so that a retiring worker has values to hand over. Each execution appends
// a line to $LAZYGRAPH_BENCH_COUNT when set, so that a test can count executions across worker
// processes.
var (
	benchSlowPart = delayed.Func2(slowPart)
	benchSumFirst = delayed.Func1(sumFirsts)
)

func slowPart(i, ms int) []float64 {
	if path := os.Getenv("LAZYGRAPH_BENCH_COUNT"); path != "" {
		if f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644); err == nil {
			fmt.Fprintf(f, "task %d pid %d\n", i, os.Getpid())
			f.Close()
		}
	}
	time.Sleep(time.Duration(ms) * time.Millisecond)
	out := make([]float64, 64<<10)
	for k := range out {
		out[k] = float64(i)
	}
	return out
}

func sumFirsts(parts [][]float64) float64 {
	t := 0.0
	for _, p := range parts {
		t += p[0]
	}
	return t
}

func slowSleep() int {
	if ms, err := strconv.Atoi(os.Getenv("LAZYGRAPH_BENCH_SLEEP")); err == nil && ms >= 0 {
		return ms
	}
	return 500
}

func init() {
	shapes = append(shapes, shape{
		name: "slow",
		build: func(p params, _ any) delayed.Node {
			ms := slowSleep()
			parts := make([]delayed.Delayed[[]float64], p.n)
			for i := range parts {
				parts[i] = benchSlowPart(delayed.Value(i), delayed.Value(ms))
			}
			return benchSumFirst(delayed.All(parts))
		},
		check:  func(p params, r any) error { return expect(r, float64(p.n*(p.n-1)/2)) },
		fields: func(p params) string { return fmt.Sprintf("n=%d sleep_ms=%d", p.n, slowSleep()) },
	})
}
