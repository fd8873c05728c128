package main

import (
	"fmt"

	"github.com/lazygraph/lazygraph/delayed"
)

// The benchmark graphs' functions: package-level wrappers, so worker processes of this binary
// know them.
var (
	benchInc = delayed.Func1(inc)
	benchSum = delayed.Func1(sum)
)

func inc(x int) int { return x + 1 }

func sum(xs []int) int {
	total := 0
	for _, x := range xs {
		total += x
	}
	return total
}

// shape builds one benchmark graph of n tasks and says what its result must be.
type shape struct {
	name  string
	build func(n int) (delayed.Node, any)
}

var shapes = []shape{
	{"wide", buildWide},
	{"chain", buildChain},
}

// buildWide is n independent inc(i) and one sum: n(n+1)/2.
func buildWide(n int) (delayed.Node, any) {
	parts := make([]delayed.Delayed[int], n)
	for i := range parts {
		parts[i] = benchInc(delayed.Value(i))
	}
	return benchSum(delayed.All(parts)), n * (n + 1) / 2
}

// buildChain is n dependent incs starting from 0: n.
func buildChain(n int) (delayed.Node, any) {
	x := delayed.Value(0)
	for range n {
		x = benchInc(x)
	}
	return x, n
}

func findShape(name string) (shape, error) {
	for _, s := range shapes {
		if s.name == name {
			return s, nil
		}
	}
	names := make([]string, len(shapes))
	for i, s := range shapes {
		names[i] = s.name
	}
	return shape{}, fmt.Errorf("unknown shape %q: known shapes are %v", name, names)
}
