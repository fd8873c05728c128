package main

import (
	"fmt"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/examples/internal/regression"
	"github.com/lazygraph/lazygraph/rng"
)

// evaluate is the task: fit one method on one fold's training rows and score it on the fold's
// test rows. It is wrapped in a package-level variable so that worker processes, which run this
// same program, find it by name.
var evaluate = delayed.Func4E(evaluateFold)

// fold is one train/test split of the rows, numbered from 0. Its fields are exported so that it
// can travel to worker processes.
type fold struct {
	Number int
	Train  []int
	Test   []int
}

// settings are the methods' tuning settings, shared by every task.
type settings struct {
	Lambda float64 // ridge penalty
	K      int     // neighbours for knn
	Trees  int     // trees per forest
	Seed   uint64  // root of the forests' random streams
}

// score is one task's result.
type score struct {
	Fold    int
	Method  string
	NTest   int
	MSE     float64
	Seconds float64 // time to fit and predict: for the summary, never for the results
}

// evaluateFold fits method on f's training rows of data and returns its mean squared error on
// f's test rows.
func evaluateFold(data regression.Dataset, f fold, method string, s settings) (score, error) {
	start := time.Now()
	m, err := newMethod(method, s, f.Number)
	if err != nil {
		return score{}, err
	}
	xTrain, yTrain := data.Rows(f.Train)
	model, err := m.Fit(xTrain, yTrain)
	if err != nil {
		return score{}, fmt.Errorf("fold %d: %w", f.Number+1, err)
	}
	xTest, yTest := data.Rows(f.Test)
	return score{
		Fold:    f.Number,
		Method:  method,
		NTest:   len(f.Test),
		MSE:     regression.MSE(yTest, model.Predict(xTest)),
		Seconds: time.Since(start).Seconds(),
	}, nil
}

// newMethod returns the method called name. A forest draws from a stream determined by the seed
// and the fold alone, so it grows the same trees whichever worker fits it.
func newMethod(name string, s settings, fold int) (regression.Method, error) {
	switch name {
	case "ols":
		return regression.OLS{}, nil
	case "ridge":
		return regression.Ridge{Lambda: s.Lambda}, nil
	case "knn":
		return regression.KNN{K: s.K}, nil
	case "forest":
		return regression.Forest{Trees: s.Trees, Rand: rng.New(s.Seed, streamForest, uint64(fold))}, nil
	}
	return nil, fmt.Errorf("unknown method %q", name)
}
