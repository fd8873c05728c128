package rng_test

import (
	"fmt"

	"github.com/lazygraph/lazygraph/rng"
)

func ExampleNew() {
	// Replicate 3's stream is the same wherever and whenever replicate 3 runs.
	a := rng.New(2026, 3)
	b := rng.New(2026, 3)
	fmt.Println(a.IntN(1000) == b.IntN(1000))
	// Output: true
}

func ExampleID() {
	// Names keep streams of different purposes apart: the data of fold 2 and the forest grown on
	// it draw from unrelated streams.
	data := rng.New(1, rng.ID("data"), 2)
	forest := rng.New(1, rng.ID("forest"), 2)
	fmt.Println(data.Uint64() != forest.Uint64())
	// Output: true
}

func ExampleSource() {
	// A rand.Source for libraries that take one, such as gonum's distributions.
	src := rng.Source(7, 1)
	fmt.Println(src.Uint64() == rng.New(7, 1).Uint64())
	// Output: true
}

func ExampleKey() {
	k := rng.Key(1, 2, 3)
	fmt.Println(len(k), k == rng.Key(1, 2, 3), k == rng.Key(1, 3, 2))
	// Output: 32 true false
}

func ExampleStreams() {
	// A study passes its Streams to tasks; each derives its own.
	study := rng.Streams{Seed: 11}
	ridge := study.Sub(rng.ID("ridge"))
	fold := ridge.New(4) // the same stream as rng.New(11, rng.ID("ridge"), 4)
	fmt.Println(fold.Uint64() == rng.New(11, rng.ID("ridge"), 4).Uint64())
	// Output: true
}
