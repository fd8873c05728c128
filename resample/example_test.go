package resample_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/lazygraph/lazygraph/resample"
	"github.com/lazygraph/lazygraph/rng"
)

func ExampleKFold() {
	splits, _ := resample.KFold(10, 3, nil) // scikit-learn's KFold(3)
	for _, s := range splits {
		fmt.Println(s.Test)
	}
	// Output:
	// [0 1 2 3]
	// [4 5 6]
	// [7 8 9]
}

func ExampleKFold_shuffled() {
	// A stream per purpose: the folds are the same on every run and every scheduler.
	a, _ := resample.KFold(10, 3, rng.New(2026, rng.ID("folds")))
	b, _ := resample.KFold(10, 3, rng.New(2026, rng.ID("folds")))
	fmt.Println(fmt.Sprint(a) == fmt.Sprint(b), len(a[0].Test), len(a[0].Train))
	// Output: true 4 6
}

func ExampleStratifiedKFold() {
	labels := []string{"a", "a", "a", "a", "b", "b", "b", "b", "b", "b"}
	splits, _ := resample.StratifiedKFold(labels, 2, nil)
	for _, s := range splits {
		fmt.Println(s.Test)
	}
	// Output:
	// [0 1 4 5 6]
	// [2 3 7 8 9]
}

func ExampleGroupKFold() {
	patients := []int{7, 7, 7, 3, 3, 9, 9, 9, 9, 1}
	splits, _ := resample.GroupKFold(patients, 2)
	for _, s := range splits {
		fmt.Println(s.Test)
	}
	// Output:
	// [5 6 7 8 9]
	// [0 1 2 3 4]
}

func ExampleRepeatedKFold() {
	streams := rng.Streams{Seed: 1}.Sub(rng.ID("cv"))
	splits, _ := resample.RepeatedKFold(6, 2, 3, func(i int) *rand.Rand { return streams.New(uint64(i)) })
	fmt.Println(len(splits))
	// Output: 6
}

func ExampleBootstrap() {
	for replicate := range 2 {
		sample, _ := resample.Bootstrap(8, rng.New(42, uint64(replicate)))
		fmt.Println(len(sample), len(resample.OutOfBag(8, sample)) > 0)
	}
	// Output:
	// 8 true
	// 8 true
}

func ExampleSubsample() {
	half, _ := resample.Subsample(10, 5, rng.New(3))
	fmt.Println(len(half))
	// Output: 5
}
