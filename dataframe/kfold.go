package dataframe

import (
	"fmt"
	"math/rand/v2"

	"github.com/lazygraph/lazygraph/resample"
)

// Fold is one train/test split of row numbers 0..n-1. Both sets are in
// ascending order, as scikit-learn returns them, and together they hold
// every row exactly once.
type Fold struct {
	Train []int
	Test  []int
}

// KFoldOption configures KFold.
type KFoldOption func(*kfoldConfig)

type kfoldConfig struct {
	shuffle bool
	seed    uint64
}

// Shuffled makes KFold permute the rows before cutting the folds, with a
// PCG generator from math/rand/v2 seeded by seed: the same seed always
// gives the same folds. (The permutation is not scikit-learn's, whose
// generator is NumPy's.)
func Shuffled(seed uint64) KFoldOption {
	return func(c *kfoldConfig) {
		c.shuffle = true
		c.seed = seed
	}
}

// KFold splits rows 0..n-1 into k folds like scikit-learn's KFold: without
// Shuffled the test folds are contiguous, in order, and the first n mod k
// folds have one row more than the others (n=10, k=3 gives test folds
// [0..3], [4..6], [7..9]); each fold's training set is every other row.
// k < 2 or k > n is an error wrapping ErrArgument. Use Frame.Take to turn
// the row sets into views. The folds are package resample's KFold.
func KFold(n, k int, opts ...KFoldOption) ([]Fold, error) {
	if k < 2 {
		return nil, fmt.Errorf("dataframe: KFold: k=%d, need at least 2 folds: %w", k, ErrArgument)
	}
	if k > n {
		return nil, fmt.Errorf("dataframe: KFold: k=%d folds for only n=%d rows: %w", k, n, ErrArgument)
	}
	var cfg kfoldConfig
	for _, o := range opts {
		o(&cfg)
	}
	var r *rand.Rand
	if cfg.shuffle {
		r = rand.New(rand.NewPCG(cfg.seed, 0x9e3779b97f4a7c15))
	}
	splits, err := resample.KFold(n, k, r)
	if err != nil {
		return nil, fmt.Errorf("dataframe: KFold: %w: %w", err, ErrArgument)
	}
	folds := make([]Fold, k)
	for f, s := range splits {
		folds[f] = Fold{Train: s.Train, Test: s.Test}
	}
	return folds, nil
}
