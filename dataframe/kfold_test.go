package dataframe

import (
	"errors"
	"slices"
	"testing"
)

// The expected folds come from scikit-learn 1.2:
// [te.tolist() for tr, te in KFold(k).split(np.arange(n))].
func TestKFoldMatchesScikitLearn(t *testing.T) {
	cases := []struct {
		n, k int
		test [][]int
	}{
		{10, 3, [][]int{{0, 1, 2, 3}, {4, 5, 6}, {7, 8, 9}}},
		{4, 2, [][]int{{0, 1}, {2, 3}}},
		{11, 4, [][]int{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}, {9, 10}}},
		{3, 3, [][]int{{0}, {1}, {2}}},
	}
	for _, c := range cases {
		folds, err := KFold(c.n, c.k)
		if err != nil {
			t.Fatal(err)
		}
		if len(folds) != c.k {
			t.Fatalf("n=%d k=%d: %d folds", c.n, c.k, len(folds))
		}
		for i, f := range folds {
			if !slices.Equal(f.Test, c.test[i]) {
				t.Errorf("n=%d k=%d fold %d test %v, want %v", c.n, c.k, i, f.Test, c.test[i])
			}
			checkPartition(t, c.n, f)
		}
	}
	folds, _ := KFold(10, 3)
	if want := []int{0, 1, 2, 3, 7, 8, 9}; !slices.Equal(folds[1].Train, want) {
		t.Errorf("fold 1 train %v, want %v", folds[1].Train, want)
	}
}

func checkPartition(t *testing.T, n int, f Fold) {
	t.Helper()
	all := append(slices.Clone(f.Train), f.Test...)
	slices.Sort(all)
	for i, r := range all {
		if r != i || len(all) != n {
			t.Fatalf("train %v + test %v is not a partition of 0..%d", f.Train, f.Test, n-1)
		}
	}
	if !slices.IsSorted(f.Train) || !slices.IsSorted(f.Test) {
		t.Errorf("unsorted fold %v / %v", f.Train, f.Test)
	}
}

func TestKFoldShuffledIsDeterministic(t *testing.T) {
	a, err := KFold(100, 5, Shuffled(42))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := KFold(100, 5, Shuffled(42))
	c, _ := KFold(100, 5, Shuffled(43))
	plain, _ := KFold(100, 5)
	sameAsC, sameAsPlain := true, true
	seen := make([]int, 100)
	for i := range a {
		checkPartition(t, 100, a[i])
		if !slices.Equal(a[i].Test, b[i].Test) {
			t.Fatalf("same seed, fold %d differs", i)
		}
		sameAsC = sameAsC && slices.Equal(a[i].Test, c[i].Test)
		sameAsPlain = sameAsPlain && slices.Equal(a[i].Test, plain[i].Test)
		if len(a[i].Test) != 20 {
			t.Errorf("fold %d has %d rows", i, len(a[i].Test))
		}
		for _, r := range a[i].Test {
			seen[r]++
		}
	}
	if sameAsC || sameAsPlain {
		t.Error("shuffling did not change the folds")
	}
	for r, n := range seen {
		if n != 1 {
			t.Fatalf("row %d in %d test folds", r, n)
		}
	}
}

func TestKFoldErrors(t *testing.T) {
	for _, c := range []struct{ n, k int }{{10, 1}, {10, 0}, {3, 4}, {0, 2}} {
		if _, err := KFold(c.n, c.k); !errors.Is(err, ErrArgument) {
			t.Errorf("n=%d k=%d: %v", c.n, c.k, err)
		}
	}
}
