// Package resample makes the index sets of resampling methods — k-fold cross-validation
// (plain, stratified, grouped, repeated), the bootstrap and subsamples — for data of n rows
// numbered 0..n-1. It returns row numbers only and depends on no data structure: take the rows
// with whatever holds the data (a slice, a matrix, a data frame).
//
// Without shuffling, the folds are scikit-learn's, fold for fold and row for row: KFold,
// StratifiedKFold and GroupKFold are checked against scikit-learn's KFold, StratifiedKFold and
// GroupKFold (see testdata/sklearn_folds.py). Shuffled splits take a *rand.Rand, normally a
// stream from package rng, so they are reproducible under any scheduler; they are not
// scikit-learn's shuffles, whose generator is NumPy's.
//
// Bad arguments (fewer than 2 folds, more folds than rows, classes or groups, a label slice of
// the wrong length) give an error matching [ErrArgument].
package resample

import "errors"

// ErrArgument is matched by the errors of calls with impossible arguments.
var ErrArgument = errors.New("resample: invalid argument")

// Split is one train/test split: row numbers in ascending order, as scikit-learn returns them.
// Train and Test hold every row of the data exactly once between them.
type Split struct {
	Train []int
	Test  []int
}
