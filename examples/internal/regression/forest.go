package regression

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Forest is a random forest of regression trees (Breiman, 2001): each tree is grown on a
// bootstrap sample of the training rows, trying a random subset of the features at each split,
// and the forest predicts the mean of its trees' predictions. The zero values of Trees,
// Features and MinLeaf select the usual defaults for regression.
type Forest struct {
	Trees    int        // number of trees; 0 means 100
	Features int        // features tried at each split; 0 means a third of them (at least 1)
	MinLeaf  int        // fewest training rows in a leaf; 0 means 5
	Rand     *rand.Rand // draws the bootstrap samples and features; required
}

// Fit grows the trees one after another. The same Rand stream gives the same forest.
func (f Forest) Fit(x *mat.Dense, y []float64) (Model, error) {
	if err := checkShape("forest", x, y); err != nil {
		return nil, err
	}
	n, p := x.Dims()
	f = f.withDefaults(p)
	switch {
	case f.Rand == nil:
		return nil, fmt.Errorf("forest: no random number generator (Rand): %w", ErrSettings)
	case f.Trees < 1:
		return nil, fmt.Errorf("forest: %d trees, want at least 1: %w", f.Trees, ErrSettings)
	case f.Features < 1 || f.Features > p:
		return nil, fmt.Errorf("forest: %d features per split, want 1 to the %d predictors: %w", f.Features, p, ErrSettings)
	case f.MinLeaf < 1:
		return nil, fmt.Errorf("forest: minimum leaf size %d, want at least 1: %w", f.MinLeaf, ErrSettings)
	}

	g := newGrower(mat.DenseCopyOf(x).RawMatrix().Data, p, y, f.Features, f.MinLeaf, f.Rand)
	trees := make([]tree, f.Trees)
	sample := make([]int, n)
	for t := range trees {
		for i := range sample {
			sample[i] = f.Rand.IntN(n) // a bootstrap sample: n rows drawn with replacement
		}
		trees[t] = g.grow(sample)
	}
	return &forest{trees: trees}, nil
}

func (f Forest) withDefaults(p int) Forest {
	if f.Trees == 0 {
		f.Trees = 100
	}
	if f.Features == 0 {
		f.Features = max(1, p/3)
	}
	if f.MinLeaf == 0 {
		f.MinLeaf = 5
	}
	return f
}

// forest is a fitted Forest.
type forest struct {
	trees []tree
}

// Predict averages the trees' predictions for each row.
func (m *forest) Predict(x *mat.Dense) []float64 {
	rows, _ := x.Dims()
	pred := make([]float64, rows)
	for i := range pred {
		row := x.RawRowView(i)
		sum := 0.0
		for _, t := range m.trees {
			sum += t.predict(row)
		}
		pred[i] = sum / float64(len(m.trees))
	}
	return pred
}
