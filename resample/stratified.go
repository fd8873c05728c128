package resample

import (
	"fmt"
	"math/rand/v2"
)

// StratifiedKFold splits rows into k folds keeping each class's share about the same in every
// fold, as scikit-learn's StratifiedKFold(k) does: labels[i] is row i's class. Classes are
// numbered in the order they first appear; the rows of the classes, in that order and each
// class in row order, are dealt to the folds round robin (the j-th row of the sorted class list
// goes to fold j mod k), which fixes how many rows of each class each fold gets; each class's
// rows then fill its folds in row order. With r, each class's fold assignment is shuffled with
// r.Shuffle, class by class.
//
// A class with fewer than k rows cannot be in every fold, but is allowed (scikit-learn warns);
// every class having fewer than k rows is an error.
func StratifiedKFold[L comparable](labels []L, k int, r *rand.Rand) ([]Split, error) {
	n := len(labels)
	if err := checkFolds("StratifiedKFold", n, k); err != nil {
		return nil, err
	}
	class := make([]int, n)
	number := map[L]int{}
	var counts []int
	for i, l := range labels {
		c, ok := number[l]
		if !ok {
			c = len(counts)
			number[l] = c
			counts = append(counts, 0)
		}
		class[i] = c
		counts[c]++
	}
	largest := 0
	for _, c := range counts {
		largest = max(largest, c)
	}
	if largest < k {
		return nil, fmt.Errorf("%w: StratifiedKFold: k=%d folds, but no class has that many rows (the largest has %d)", ErrArgument, k, largest)
	}
	// allocation[c][f]: how many rows of class c fold f tests. Rows sorted by class are dealt
	// round robin: position p of the sorted list goes to fold p mod k.
	allocation := make([][]int, len(counts))
	p := 0
	for c, count := range counts {
		allocation[c] = make([]int, k)
		for range count {
			allocation[c][p%k]++
			p++
		}
	}
	// Each class's rows, in row order, take its folds in fold order (shuffled with r).
	plans := make([][]int, len(counts))
	for c := range counts {
		plan := make([]int, 0, counts[c])
		for f, m := range allocation[c] {
			for range m {
				plan = append(plan, f)
			}
		}
		if r != nil {
			r.Shuffle(len(plan), func(i, j int) { plan[i], plan[j] = plan[j], plan[i] })
		}
		plans[c] = plan
	}
	fold := make([]int, n)
	next := make([]int, len(counts))
	for row, c := range class {
		fold[row] = plans[c][next[c]]
		next[c]++
	}
	return splitsOf(fold, k), nil
}
