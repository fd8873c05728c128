package main

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/examples/internal/regression"
	"github.com/lazygraph/lazygraph/examples/internal/streams"
)

// replicate is the task: one replicate of the study. It is wrapped in a package-level variable
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
}

// result is one replicate's outcome: the methods' mean squared errors on its test set.
type result struct {
	Replicate int
	OLS       float64
	Ridge     float64
}

// runReplicate draws replicate r's data from its own random stream, fits OLS and ridge on the
// training rows and scores them on the test rows.
func runReplicate(s study, r int) (result, error) {
	rng := streams.New(s.Seed, uint64(r)) // determined by (seed, replicate) alone
	xTrain, yTrain := s.draw(rng, s.N)
	xTest, yTest := s.draw(rng, s.NTest)

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
