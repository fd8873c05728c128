package main

import (
	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/rng"
)

// The tasks: package-level wrappers, so that worker processes find them by name.
var (
	analyze = delayed.Func2(meanPlus)
	total   = delayed.Func1(sum)
)

// meanPlus is one task's analysis, as in the tutorial: it reads the whole array (its mean) and
// adds the task's number.
func meanPlus(x []float64, i int) float64 {
	return sum(x)/float64(len(x)) + float64(i)
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

// graph builds tasks analyses of x and their sum. x goes in once, through delayed.Value: one
// data node that every task reads.
func graph(x []float64, tasks int) delayed.Delayed[float64] {
	shared := delayed.Value(x)
	parts := make([]delayed.Delayed[float64], tasks)
	for i := range parts {
		parts[i] = analyze(shared, delayed.Value(i))
	}
	return total(delayed.All(parts))
}

// makeArray returns n standard normal values, the same every time.
func makeArray(n int) []float64 {
	src := rng.New(1)
	x := make([]float64, n)
	for i := range x {
		x[i] = src.NormFloat64()
	}
	return x
}

func arrayBytes(x []float64) int64 { return int64(len(x)) * 8 }
