package resample

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
)

// fixtures are scikit-learn's folds, written by testdata/sklearn_folds.py.
type fixtures struct {
	Sklearn string `json:"sklearn"`
	Numpy   string `json:"numpy"`
	Cases   []struct {
		Method string   `json:"method"`
		Name   string   `json:"name"`
		N      int      `json:"n"`
		K      int      `json:"k"`
		Labels []string `json:"labels"`
		Groups []int    `json:"groups"`
		Folds  [][]int  `json:"folds"`
	} `json:"cases"`
}

// TestMatchesScikitLearn: without shuffling, every splitter gives scikit-learn's test folds,
// in scikit-learn's order.
func TestMatchesScikitLearn(t *testing.T) {
	raw, err := os.ReadFile("testdata/sklearn_folds.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx fixtures
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	if len(fx.Cases) == 0 {
		t.Fatal("no cases in the fixtures")
	}
	t.Logf("fixtures from scikit-learn %s, NumPy %s: %d cases", fx.Sklearn, fx.Numpy, len(fx.Cases))
	for _, c := range fx.Cases {
		var (
			splits []Split
			err    error
			n      int
		)
		switch c.Method {
		case "KFold":
			n = c.N
			splits, err = KFold(n, c.K, nil)
		case "StratifiedKFold":
			n = len(c.Labels)
			splits, err = StratifiedKFold(c.Labels, c.K, nil)
		case "GroupKFold":
			n = len(c.Groups)
			splits, err = GroupKFold(c.Groups, c.K)
		default:
			t.Fatalf("unknown method %q in the fixtures", c.Method)
		}
		name := c.Method + " " + c.Name
		if err != nil {
			t.Errorf("%s (n=%d, k=%d): %v", name, n, c.K, err)
			continue
		}
		checkPartition(t, name, n, splits)
		if len(splits) != len(c.Folds) {
			t.Errorf("%s: %d folds, scikit-learn has %d", name, len(splits), len(c.Folds))
			continue
		}
		for f, s := range splits {
			if !slices.Equal(s.Test, c.Folds[f]) {
				t.Errorf("%s (n=%d, k=%d) fold %d:\n got %v\nwant %v", name, n, c.K, f, s.Test, c.Folds[f])
			}
		}
	}
}

// checkPartition: test folds partition the rows, each split's train set is the rest, all sorted.
func checkPartition(t *testing.T, name string, n int, splits []Split) {
	t.Helper()
	seen := make([]int, n)
	for f, s := range splits {
		if len(s.Train)+len(s.Test) != n || !slices.IsSorted(s.Train) || !slices.IsSorted(s.Test) {
			t.Errorf("%s fold %d: %d train + %d test rows of %d, or not sorted", name, f, len(s.Train), len(s.Test), n)
			return
		}
		in := make([]bool, n)
		for _, r := range s.Test {
			seen[r]++
			in[r] = true
		}
		for _, r := range s.Train {
			if in[r] {
				t.Errorf("%s fold %d: row %d both in train and test", name, f, r)
			}
		}
	}
	for r, c := range seen {
		if c != 1 {
			t.Errorf("%s: row %d in %d test folds", name, r, c)
		}
	}
}
