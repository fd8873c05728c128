package resample

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/lazygraph/lazygraph/rng"
)

func TestShuffledSplitsAreReproducibleAndValid(t *testing.T) {
	labels := make([]string, 120)
	groups := make([]int, 120)
	for i := range labels {
		labels[i] = []string{"a", "b", "b", "c", "c", "c"}[i%6]
		groups[i] = i / 7
	}
	for _, c := range []struct {
		name  string
		split func(r *rand.Rand) ([]Split, error)
	}{
		{"KFold", func(r *rand.Rand) ([]Split, error) { return KFold(120, 7, r) }},
		{"StratifiedKFold", func(r *rand.Rand) ([]Split, error) { return StratifiedKFold(labels, 5, r) }},
	} {
		a, err := c.split(rng.New(1, 2))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := c.split(rng.New(1, 2))
		other, _ := c.split(rng.New(1, 3))
		plain, _ := c.split(nil)
		checkPartition(t, c.name, 120, a)
		if !slices.EqualFunc(a, b, equalSplit) {
			t.Errorf("%s: one stream gave two different splits", c.name)
		}
		if slices.EqualFunc(a, other, equalSplit) || slices.EqualFunc(a, plain, equalSplit) {
			t.Errorf("%s: the shuffle changed nothing", c.name)
		}
	}
}

func equalSplit(a, b Split) bool {
	return slices.Equal(a.Train, b.Train) && slices.Equal(a.Test, b.Test)
}

func TestStratifiedKeepsProportions(t *testing.T) {
	labels := make([]int, 100)
	for i := range labels {
		if i%4 == 0 {
			labels[i] = 1 // a quarter
		}
	}
	splits, err := StratifiedKFold(labels, 5, rng.New(4))
	if err != nil {
		t.Fatal(err)
	}
	for f, s := range splits {
		ones := 0
		for _, r := range s.Test {
			ones += labels[r]
		}
		if len(s.Test) != 20 || ones != 5 {
			t.Errorf("fold %d: %d rows, %d of class 1; want 20 and 5", f, len(s.Test), ones)
		}
	}
}

func TestGroupsStayTogether(t *testing.T) {
	groups := []string{"x", "y", "x", "z", "w", "y", "z", "z", "w", "v"}
	splits, err := GroupKFold(groups, 3)
	if err != nil {
		t.Fatal(err)
	}
	checkPartition(t, "GroupKFold", len(groups), splits)
	foldOf := map[string]int{}
	for f, s := range splits {
		for _, r := range s.Test {
			if g, ok := foldOf[groups[r]]; ok && g != f {
				t.Errorf("group %s in folds %d and %d", groups[r], g, f)
			}
			foldOf[groups[r]] = f
		}
	}
}

func TestRepeatedKFold(t *testing.T) {
	streams := rng.Streams{Seed: 5}.Sub(rng.ID("repeat"))
	next := func(i int) *rand.Rand { return streams.New(uint64(i)) }
	all, err := RepeatedKFold(30, 3, 4, next)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 12 {
		t.Fatalf("%d splits, want 12", len(all))
	}
	for i := range 4 {
		checkPartition(t, "RepeatedKFold", 30, all[3*i:3*i+3])
		// Repeat i alone is the same as within the whole: streams are per repeat.
		alone, _ := KFold(30, 3, next(i))
		if !slices.EqualFunc(alone, all[3*i:3*i+3], equalSplit) {
			t.Errorf("repeat %d differs from KFold with its own stream", i)
		}
	}
	if slices.EqualFunc(all[:3], all[3:6], equalSplit) {
		t.Error("repeats 0 and 1 are the same")
	}
}

func TestBootstrapAndSubsample(t *testing.T) {
	b, err := Bootstrap(1000, rng.New(8))
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Bootstrap(1000, rng.New(8))
	if !slices.Equal(b, again) || len(b) != 1000 {
		t.Error("Bootstrap is not reproducible or has the wrong length")
	}
	oob := OutOfBag(1000, b)
	// About (1-1/n)^n ≈ 36.8% of rows are out of bag.
	if len(oob) < 300 || len(oob) > 440 {
		t.Errorf("%d rows out of bag of 1000", len(oob))
	}
	inBag := map[int]bool{}
	for _, r := range b {
		inBag[r] = true
	}
	for _, r := range oob {
		if inBag[r] {
			t.Errorf("row %d is in the sample and out of bag", r)
		}
	}
	s, err := Subsample(50, 20, rng.New(9))
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 20 || !slices.IsSorted(s) || len(slices.Compact(slices.Clone(s))) != 20 || s[19] >= 50 {
		t.Errorf("Subsample(50, 20) = %v", s)
	}
	if all, _ := Subsample(5, 5, rng.New(1)); !slices.Equal(all, []int{0, 1, 2, 3, 4}) {
		t.Errorf("Subsample(5, 5) = %v", all)
	}
}

func TestBadArguments(t *testing.T) {
	r := rng.New(1)
	for name, err := range map[string]error{
		"KFold k=1":                      second(KFold(10, 1, nil)),
		"KFold k>n":                      second(KFold(3, 4, nil)),
		"KFold n<0":                      second(KFold(-1, 2, nil)),
		"StratifiedKFold all classes <k": second(StratifiedKFold([]int{1, 1, 2, 2}, 3, nil)),
		"GroupKFold groups<k":            second(GroupKFold([]int{1, 1, 2, 2}, 3)),
		"RepeatedKFold repeats=0":        second(RepeatedKFold(10, 2, 0, func(int) *rand.Rand { return r })),
		"RepeatedKFold nil next":         second(RepeatedKFold(10, 2, 2, nil)),
		"Bootstrap nil":                  second(Bootstrap(10, nil)),
		"Bootstrap n=0":                  second(Bootstrap(0, r)),
		"Subsample m>n":                  second(Subsample(3, 4, r)),
		"Subsample m<0":                  second(Subsample(3, -1, r)),
	} {
		if !errors.Is(err, ErrArgument) {
			t.Errorf("%s: got %v, want ErrArgument", name, err)
		}
	}
}

func second[T any](_ T, err error) error { return err }
