package delayed_test

import (
	"context"
	"fmt"
	"os"

	"github.com/lazygraph/lazygraph/delayed"
)

var slowSquare = delayed.Func1(func(x int) int { return x * x }, delayed.Pure(), delayed.Version("1"))

// A result store keeps pure tasks' results in a directory: the second computation, which could
// be in another run of the program after the first was killed, takes them from there.
func ExampleWithCache() {
	dir, err := os.MkdirTemp("", "lazygraph-cache")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	report := delayed.WithCallbacks(delayed.Callbacks{Finish: func(info delayed.ComputeInfo) {
		fmt.Printf("%d tasks run, %d from the store\n", info.Tasks, info.FromStore)
	}})
	for range 2 {
		v, err := slowSquare(delayed.Value(12)).Compute(context.Background(), delayed.WithCache(dir), report)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(v)
	}
	// Output:
	// 1 tasks run, 0 from the store
	// 144
	// 0 tasks run, 1 from the store
	// 144
}

// Version is part of a pure function's task keys: bump it when the code changes, and results
// kept by the old code are no longer used.
func ExampleVersion() {
	half := func(x float64) float64 { return x / 2 }
	fitV1 := delayed.Func1(half, delayed.Pure(), delayed.Name("example.fit"), delayed.Version("1"))
	fitV2 := delayed.Func1(half, delayed.Pure(), delayed.Name("example.fit"), delayed.Version("2"))
	x := delayed.Value(3.0)
	fmt.Println(fitV1(x).Key() == fitV1(x).Key(), fitV1(x).Key() == fitV2(x).Key())
	// Output: true false
}
