// Command quickstart is the smallest complete lazygraph program: a bootstrap estimate of the
// standard error of a mean, one task per resample, computed with whatever scheduler the
// environment selects (LAZYGRAPH_SCHEDULER=synchronous|threads|processes|distributed).
package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"

	"github.com/lazygraph/lazygraph/delayed"
)

// Package-level wrappers are registered by name, so worker processes can run them too.
var (
	resampleMean = delayed.Func3(bootstrapMean)
	standardDev  = delayed.Func1(stdDev)
)

// bootstrapMean draws len(data) values with replacement, from a stream seeded by (seed, i) so
// the result does not depend on which worker runs it, and returns their mean.
func bootstrapMean(data []float64, seed uint64, i int) float64 {
	rng := rand.New(rand.NewPCG(seed, uint64(i)))
	sum := 0.0
	for range data {
		sum += data[rng.IntN(len(data))]
	}
	return sum / float64(len(data))
}

func stdDev(xs []float64) float64 {
	mean := 0.0
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	ss := 0.0
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return math.Sqrt(ss / float64(len(xs)-1))
}

func main() {
	if delayed.Init() {
		return // this process was a worker; its work is done
	}
	if err := run(context.Background(), os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// run is the whole program: the estimate to stdout, progress to stderr.
func run(ctx context.Context, stdout, stderr io.Writer, opts ...delayed.Option) error {
	data := make([]float64, 10_000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = rng.NormFloat64()*2 + 10
	}

	x := delayed.Value(data) // one data node, shared by every task
	means := make([]delayed.Delayed[float64], 1000)
	for i := range means {
		means[i] = resampleMean(x, delayed.Value(uint64(42)), delayed.Value(i))
	}
	se, err := standardDev(delayed.All(means)).Compute(ctx, append(opts, delayed.WithProgress(stderr))...)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bootstrap standard error of the mean: %.5f (theory: %.5f)\n", se, 2/math.Sqrt(float64(len(data))))
	return nil
}
