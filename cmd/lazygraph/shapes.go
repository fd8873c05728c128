package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// The benchmark graphs' functions: package-level wrappers, so worker processes of this binary
// know them.
var (
	benchInc      = delayed.Func1(inc)
	benchSum      = delayed.Func1(sum)
	benchMeanPlus = delayed.Func2(meanPlus)
	benchSumFloat = delayed.Func1(sumFloats)
	benchSleep    = delayed.Func1(sleepThenIndex)
)

func inc(x int) int { return x + 1 }

func sum(xs []int) int {
	total := 0
	for _, x := range xs {
		total += x
	}
	return total
}

// meanPlus is the large-data scenario's analysis: the mean of x plus the task's index.
func meanPlus(x []float64, i int) float64 {
	total := 0.0
	for _, v := range x {
		total += v
	}
	return total/float64(len(x)) + float64(i)
}

func sumFloats(xs []float64) float64 {
	total := 0.0
	for _, x := range xs {
		total += x
	}
	return total
}

// balanceDurations are the load-balancing scenario's tasks: 4 slow, then 12 fast.
var balanceDurations = []time.Duration{
	time.Second, time.Second, time.Second, time.Second,
	50 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond,
	50 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond,
	50 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond,
}

func sleepThenIndex(i int) int {
	time.Sleep(balanceDurations[i])
	return i
}

// params are the sizes a shape may use.
type params struct {
	n     int // tasks, for wide and chain
	size  int // elements of the shared array
	tasks int // tasks sharing it
}

// shape builds a benchmark graph. prepare makes the inputs (not timed); build makes the graph
// (timed with the computation); check says whether the result is right; fields name the sizes.
type shape struct {
	name    string
	prepare func(params) any
	build   func(params, any) delayed.Node
	check   func(params, any) error
	fields  func(params) string
	perTask func(params) int // tasks to divide the time by, 0 for no per-task figure
}

var shapes = []shape{
	{
		name:    "wide",
		build:   func(p params, _ any) delayed.Node { return buildWide(p.n) },
		check:   func(p params, r any) error { return expect(r, p.n*(p.n+1)/2) },
		fields:  func(p params) string { return fmt.Sprintf("n=%d", p.n) },
		perTask: func(p params) int { return p.n },
	},
	{
		name:    "chain",
		build:   func(p params, _ any) delayed.Node { return buildChain(p.n) },
		check:   func(p params, r any) error { return expect(r, p.n) },
		fields:  func(p params) string { return fmt.Sprintf("n=%d", p.n) },
		perTask: func(p params) int { return p.n },
	},
	{
		name: "shared",
		prepare: func(p params) any {
			x := make([]float64, p.size)
			for i := range x {
				x[i] = float64(i%1000) / 1000
			}
			return x
		},
		build: func(p params, data any) delayed.Node {
			x := delayed.Value(data.([]float64)) // one data node, shared by every task
			parts := make([]delayed.Delayed[float64], p.tasks)
			for i := range parts {
				parts[i] = benchMeanPlus(x, delayed.Value(i))
			}
			return benchSumFloat(delayed.All(parts))
		},
		check: func(p params, r any) error {
			mean := 0.0
			for i := range p.size {
				mean += float64(i%1000) / 1000
			}
			mean /= float64(p.size)
			want := float64(p.tasks)*mean + float64(p.tasks*(p.tasks-1)/2)
			if got, _ := r.(float64); abs(got-want) > 1e-6*max(1, abs(want)) {
				return fmt.Errorf("result %v, want %v", got, want)
			}
			return nil
		},
		fields: func(p params) string { return fmt.Sprintf("size=%d tasks=%d", p.size, p.tasks) },
	},
	{
		name: "balance",
		build: func(params, any) delayed.Node {
			parts := make([]delayed.Delayed[int], len(balanceDurations))
			for i := range parts {
				parts[i] = benchSleep(delayed.Value(i))
			}
			return benchSum(delayed.All(parts))
		},
		check:  func(_ params, r any) error { return expect(r, 120) },
		fields: func(params) string { return "tasks=16 ideal_seconds=2.300" },
	},
	{
		name:  "spill",
		build: func(p params, _ any) delayed.Node { return buildSpill(p) },
		check: checkSpill,
		fields: func(p params) string {
			return fmt.Sprintf("size=%d tasks=%d held_bytes=%d memory_limit=%s", p.size, p.tasks, int64(p.size)*8*int64(p.tasks), os.Getenv(worker.EnvMemory))
		},
	},
}

// buildWide is n independent inc(i) and one sum: n(n+1)/2.
func buildWide(n int) delayed.Node {
	parts := make([]delayed.Delayed[int], n)
	for i := range parts {
		parts[i] = benchInc(delayed.Value(i))
	}
	return benchSum(delayed.All(parts))
}

// buildChain is n dependent incs starting from 0: n.
func buildChain(n int) delayed.Node {
	x := delayed.Value(0)
	for range n {
		x = benchInc(x)
	}
	return x
}

func expect(got, want any) error {
	if got != want {
		return fmt.Errorf("result %v, want %v", got, want)
	}
	return nil
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func findShape(name string) (shape, error) {
	names := make([]string, len(shapes))
	for i, s := range shapes {
		if s.name == name {
			return s, nil
		}
		names[i] = s.name
	}
	return shape{}, fmt.Errorf("unknown shape %q: known shapes are %s", name, strings.Join(names, ", "))
}
