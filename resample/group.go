package resample

import (
	"cmp"
	"fmt"
	"slices"
)

// GroupKFold splits rows into k folds so that the rows of a group are all in one fold, as
// scikit-learn's GroupKFold(k) does: groups[i] is row i's group. Groups are taken from the
// largest to the smallest (groups of equal size in descending order of group value) and each
// goes to the fold with the fewest rows so far (the first such fold on a tie). It does not
// shuffle. Fewer groups than folds is an error.
//
// The folds are scikit-learn's whenever the order of the groups is: always when no two groups
// have the same size, or there are at most 16 groups. With more groups of equal sizes,
// scikit-learn's order among them comes from NumPy's unstable sort and varies with NumPy's
// version and the CPU; GroupKFold's is the one stated above, the same everywhere.
func GroupKFold[G cmp.Ordered](groups []G, k int) ([]Split, error) {
	n := len(groups)
	if err := checkFolds("GroupKFold", n, k); err != nil {
		return nil, err
	}
	values := slices.Clone(groups)
	slices.Sort(values)
	values = slices.Compact(values)
	if len(values) < k {
		return nil, fmt.Errorf("%w: GroupKFold: k=%d folds for only %d groups", ErrArgument, k, len(values))
	}
	group := make([]int, n)
	sizes := make([]int, len(values))
	for i, g := range groups {
		j, _ := slices.BinarySearch(values, g)
		group[i] = j
		sizes[j]++
	}
	// Largest first; equal sizes in descending group order (NumPy's argsort reversed).
	order := identity(len(values))
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(sizes[a], sizes[b]) })
	slices.Reverse(order)
	load := make([]int, k)
	foldOf := make([]int, len(values))
	for _, g := range order {
		lightest := 0
		for f := range load {
			if load[f] < load[lightest] {
				lightest = f
			}
		}
		load[lightest] += sizes[g]
		foldOf[g] = lightest
	}
	fold := make([]int, n)
	for i, g := range group {
		fold[i] = foldOf[g]
	}
	return splitsOf(fold, k), nil
}
