package delayed_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/graph"
)

var (
	squareMap = delayed.Func1(func(x int) int { return x * x })
	scale     = delayed.Func2(func(k float64, x int) float64 { return k * float64(x) })
	join      = delayed.Func2(func(a string, n int) string { return strings.Repeat(a, n) })
)

func TestMapForms(t *testing.T) {
	ctx := context.Background()
	squares, err := delayed.All(delayed.Map(squareMap, []int{1, 2, 3})).Compute(ctx)
	if err != nil || !slices.Equal(squares, []int{1, 4, 9}) {
		t.Errorf("Map: %v %v", squares, err)
	}
	scaled, err := delayed.All(delayed.MapWith(scale, delayed.Value(0.5), []int{2, 4})).Compute(ctx)
	if err != nil || !slices.Equal(scaled, []float64{1, 2}) {
		t.Errorf("MapWith: %v %v", scaled, err)
	}
	joined, err := delayed.All(delayed.Map2(join, []string{"a", "b"}, []int{3, 1})).Compute(ctx)
	if err != nil || !slices.Equal(joined, []string{"aaa", "b"}) {
		t.Errorf("Map2: %v %v", joined, err)
	}
	again, err := delayed.All(delayed.MapDelayed(squareMap, delayed.Map(squareMap, []int{2, 3}))).Compute(ctx)
	if err != nil || !slices.Equal(again, []int{16, 81}) {
		t.Errorf("MapDelayed: %v %v", again, err)
	}
	if got := delayed.Map(squareMap, nil); len(got) != 0 {
		t.Errorf("Map of nothing gave %d tasks", len(got))
	}
}

func TestMap2LengthMismatch(t *testing.T) {
	out := delayed.Map2(join, []string{"a", "b", "c"}, []int{1})
	if len(out) != 3 {
		t.Fatalf("%d results, want 3", len(out))
	}
	var be *graph.BuildError
	if err := out[2].Err(); !errors.As(err, &be) || !strings.Contains(err.Error(), "3 first arguments but 1") {
		t.Errorf("Err() = %v, want a BuildError naming the lengths", err)
	}
	if _, err := delayed.All(out).Compute(context.Background()); !errors.As(err, &be) {
		t.Errorf("Compute: %v, want the BuildError", err)
	}
}
