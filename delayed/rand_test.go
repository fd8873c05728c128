package delayed_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/graph"
)

// draw takes three numbers from its task's stream; declared pure, so its identity is its
// arguments.
var draw = delayed.Func1Ctx(func(ctx context.Context, replicate int) ([]uint64, error) {
	r := delayed.Rand(ctx)
	return []uint64{r.Uint64(), r.Uint64(), r.Uint64()}, nil
}, delayed.Pure())

// drawImpure is the same function, not declared pure: it has no stable identity.
var drawImpure = delayed.Func1Ctx(func(ctx context.Context, replicate int) ([]uint64, error) {
	return []uint64{delayed.Rand(ctx).Uint64()}, nil
})

var offset = delayed.Func1(func(i int) int { return i + 100 })

func draws(t *testing.T, n int, opts ...delayed.Option) [][]uint64 {
	t.Helper()
	parts := make([]delayed.Delayed[[]uint64], n)
	for i := range parts {
		parts[i] = draw(delayed.Value(i))
	}
	got, err := delayed.All(parts).Compute(context.Background(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestRandSameOnEverySchedulerAndWorkerCount(t *testing.T) {
	want := draws(t, 20, delayed.WithScheduler("synchronous"), delayed.WithSeed(7))
	for _, opts := range [][]delayed.Option{
		{delayed.WithScheduler("threads"), delayed.WithWorkers(1)},
		{delayed.WithScheduler("threads"), delayed.WithWorkers(8)},
	} {
		got := draws(t, 20, append(opts, delayed.WithSeed(7))...)
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("threads gave other numbers than synchronous:\n%v\n%v", got, want)
		}
	}
	seen := map[uint64]int{}
	for i, d := range want {
		if j, dup := seen[d[0]]; dup {
			t.Errorf("replicates %d and %d start alike", j, i)
		}
		seen[d[0]] = i
	}
}

func TestRandDependsOnSeed(t *testing.T) {
	a := draws(t, 3, delayed.WithSeed(1))
	b := draws(t, 3, delayed.WithSeed(2))
	if slices.Equal(a[0], b[0]) {
		t.Error("seeds 1 and 2 gave the same stream")
	}
	t.Setenv(delayed.EnvSeed, "2")
	if c := draws(t, 3); !slices.EqualFunc(b, c, slices.Equal) {
		t.Errorf("%s=2 differs from WithSeed(2)", delayed.EnvSeed)
	}
	if c := draws(t, 3, delayed.WithSeed(1)); !slices.EqualFunc(a, c, slices.Equal) {
		t.Errorf("WithSeed(1) did not take precedence over %s", delayed.EnvSeed)
	}
	t.Setenv(delayed.EnvSeed, "-1")
	if _, err := draw(delayed.Value(0)).Compute(context.Background()); err == nil {
		t.Errorf("%s=-1 was accepted", delayed.EnvSeed)
	}
}

// TestRandStableWhenTasksAreAdded: a task's stream does not move when unrelated tasks are built
// before it, in the same graph or in others; a pure task on top of a pure task keeps its
// identity too.
func TestRandStableWhenTasksAreAdded(t *testing.T) {
	single, err := draw(delayed.Value(5)).Compute(context.Background(), delayed.WithSeed(3))
	if err != nil {
		t.Fatal(err)
	}
	var others []delayed.Delayed[int]
	for i := range 10 {
		others = append(others, offset(delayed.Value(i)))
	}
	many := draws(t, 8, delayed.WithSeed(3))
	if !slices.Equal(many[5], single) {
		t.Errorf("replicate 5 alone gave %v, among others %v", single, many[5])
	}
	_ = others
}

func TestRandNeedsStableIdentity(t *testing.T) {
	_, err := drawImpure(delayed.Value(1)).Compute(context.Background(), delayed.WithScheduler("synchronous"))
	if !errors.Is(err, graph.ErrNoStream) {
		t.Fatalf("got %v, want an error matching graph.ErrNoStream", err)
	}
	// A pure call on top of an impure one inherits its instability.
	shifted := delayed.Func1Ctx(func(ctx context.Context, i int) (uint64, error) {
		return delayed.Rand(ctx).Uint64(), nil
	}, delayed.Pure(), delayed.Name("delayed_test.shifted"))
	_, err = shifted(offset(delayed.Value(1))).Compute(context.Background())
	if !errors.Is(err, graph.ErrNoStream) {
		t.Fatalf("pure over impure: got %v, want an error matching graph.ErrNoStream", err)
	}
	if _, err := shifted(delayed.Value(1)).Compute(context.Background()); err != nil {
		t.Fatalf("pure over data: %v", err)
	}
}

func TestRandOutsideTask(t *testing.T) {
	defer func() {
		err, _ := recover().(error)
		if !errors.Is(err, graph.ErrNoStream) {
			t.Errorf("Rand outside a task: recovered %v, want an error matching graph.ErrNoStream", err)
		}
	}()
	delayed.Rand(context.Background())
}
