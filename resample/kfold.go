package resample

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// KFold splits rows 0..n-1 into k folds. Without shuffling (r nil) the test folds are
// contiguous and in order, and the first n mod k folds have one row more than the others, as in
// scikit-learn's KFold(k): n=10, k=3 gives test folds 0–3, 4–6 and 7–9. With r, the rows are
// permuted with r.Shuffle before the folds are cut. Each fold's training set is every other row.
func KFold(n, k int, r *rand.Rand) ([]Split, error) {
	if err := checkFolds("KFold", n, k); err != nil {
		return nil, err
	}
	order := identity(n)
	if r != nil {
		r.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
	}
	fold := make([]int, n)
	start := 0
	for f := range k {
		size := n / k
		if f < n%k {
			size++
		}
		for _, row := range order[start : start+size] {
			fold[row] = f
		}
		start += size
	}
	return splitsOf(fold, k), nil
}

// RepeatedKFold is KFold repeated: repeat i's rows are shuffled with next(i), a stream of its
// own (rng.Streams.New, say: func(i int) *rand.Rand { return streams.New(uint64(i)) }), so each
// repeat is the same whichever task computes it. It returns repeats × k splits, repeat by repeat.
func RepeatedKFold(n, k, repeats int, next func(repeat int) *rand.Rand) ([]Split, error) {
	if repeats < 1 {
		return nil, fmt.Errorf("%w: RepeatedKFold: repeats=%d, need at least 1", ErrArgument, repeats)
	}
	if next == nil {
		return nil, fmt.Errorf("%w: RepeatedKFold: no random streams (next is nil)", ErrArgument)
	}
	var all []Split
	for i := range repeats {
		r := next(i)
		if r == nil {
			return nil, fmt.Errorf("%w: RepeatedKFold: no random stream for repeat %d", ErrArgument, i)
		}
		splits, err := KFold(n, k, r)
		if err != nil {
			return nil, err
		}
		all = append(all, splits...)
	}
	return all, nil
}

func checkFolds(method string, n, k int) error {
	switch {
	case n < 0:
		return fmt.Errorf("%w: %s: n=%d rows", ErrArgument, method, n)
	case k < 2:
		return fmt.Errorf("%w: %s: k=%d, need at least 2 folds", ErrArgument, method, k)
	case k > n:
		return fmt.Errorf("%w: %s: k=%d folds for only n=%d rows", ErrArgument, method, k, n)
	}
	return nil
}

func identity(n int) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	return order
}

// splitsOf turns a test-fold number per row into k splits, rows in ascending order.
func splitsOf(fold []int, k int) []Split {
	sizes := make([]int, k)
	for _, f := range fold {
		sizes[f]++
	}
	splits := make([]Split, k)
	for f := range splits {
		splits[f] = Split{Train: make([]int, 0, len(fold)-sizes[f]), Test: make([]int, 0, sizes[f])}
	}
	for row, f := range fold {
		for g := range splits {
			if g == f {
				splits[g].Test = append(splits[g].Test, row)
			} else {
				splits[g].Train = append(splits[g].Train, row)
			}
		}
	}
	return splits
}

// sortedCopy is slices.Sorted for a slice.
func sortedCopy(xs []int) []int {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}
