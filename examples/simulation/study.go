package main

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/mat"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/examples/internal/regression"
	"github.com/lazygraph/lazygraph/rng"
)

// replicate is the task: one replicate of the study, declared pure (its result depends on its
// arguments alone, so its key does too). It is wrapped in a package-level variable
// so that worker processes, which run this same program, find it by name.
var replicate = delayed.Func2E(runReplicate, delayed.Pure())

// study describes the data each replicate draws and the methods it compares. Its fields are
// exported so that it can travel to worker processes.
//
// The model: predictors x1..xP are standard normal with correlation Rho between any two, the
// response is y = Σ βj·xj + ε with effects βj = 1/j and noise ε ~ N(0, Sigma²).
type study struct {
	Seed   uint64
	N      int     // training rows per replicate
	NTest  int     // test rows per replicate
	P      int     // predictors
	Rho    float64 // correlation between any two predictors
	Sigma  float64 // noise standard deviation
	Lambda float64 // ridge penalty

	FailRate  float64 // share of replicates whose fit does not converge (an unlucky draw)
	FlakyRate float64 // share of replicates whose odd-numbered attempts fail (a transient fault)
}

// errNotConverged is the failure of a replicate whose draw was unlucky.
var errNotConverged = errors.New("ridge fit did not converge")

// errTransient is a failure that goes away when the replicate runs again.
var errTransient = errors.New("transient fault (the next attempt succeeds)")

// attempts counts this process's attempts per replicate, for FlakyRate.
var attempts sync.Map // [2]uint64{seed, replicate} -> *atomic.Int64

// result is one replicate's outcome: the methods' mean squared errors on its test set.
type result struct {
	Replicate int
	OLS       float64
	Ridge     float64
}

// runReplicate draws replicate r's data from its own random stream, fits OLS and ridge on the
// training rows and scores them on the test rows.
func runReplicate(s study, r int) (result, error) {
	// Whether this replicate fails comes from a stream of its own, so the data every other
	// replicate draws are the same with and without failures.
	luck := rng.New(s.Seed, rng.ID("failures"), uint64(r))
	if luck.Float64() < s.FailRate {
		return result{}, fmt.Errorf("replicate %d: %w", r+1, errNotConverged)
	}
	if luck.Float64() < s.FlakyRate {
		n, _ := attempts.LoadOrStore([2]uint64{s.Seed, uint64(r)}, new(atomic.Int64))
		if n.(*atomic.Int64).Add(1)%2 == 1 {
			return result{}, fmt.Errorf("replicate %d: %w", r+1, errTransient)
		}
	}
	stream := rng.New(s.Seed, uint64(r)) // determined by (seed, replicate) alone
	xTrain, yTrain := s.draw(stream, s.N)
	xTest, yTest := s.draw(stream, s.NTest)

	ols, err := regression.OLS{}.Fit(xTrain, yTrain)
	if err != nil {
		return result{}, fmt.Errorf("replicate %d: %w", r+1, err)
	}
	ridge, err := regression.Ridge{Lambda: s.Lambda}.Fit(xTrain, yTrain)
	if err != nil {
		return result{}, fmt.Errorf("replicate %d: %w", r+1, err)
	}
	return result{
		Replicate: r,
		OLS:       regression.MSE(yTest, ols.Predict(xTest)),
		Ridge:     regression.MSE(yTest, ridge.Predict(xTest)),
	}, nil
}

// draw returns n rows from the study's model. Equicorrelated predictors come from one shared
// normal factor z per row: xj = √Rho·z + √(1−Rho)·ej.
func (s study) draw(rng *rand.Rand, n int) (*mat.Dense, []float64) {
	x := mat.NewDense(n, s.P, nil)
	y := make([]float64, n)
	shared, own := math.Sqrt(s.Rho), math.Sqrt(1-s.Rho)
	for i := range n {
		row := x.RawRowView(i)
		z := rng.NormFloat64()
		for j := range row {
			row[j] = shared*z + own*rng.NormFloat64()
			y[i] += row[j] / float64(j+1)
		}
		y[i] += s.Sigma * rng.NormFloat64()
	}
	return x, y
}
