package schedulertest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/store"
)

var (
	pureSquare = delayed.Func1(PureSquare, delayed.Pure())
	pureAdd    = delayed.Func2(PureAdd, delayed.Pure())
)

// PureSquare returns x², declared pure (its results can be stored).
func PureSquare(x int) int { return x * x }

// PureAdd returns x+y, declared pure.
func PureAdd(x, y int) int { return x + y }

// Issue 13: workers that share the program's result store write the results they compute into
// it themselves; results kept on a worker (never sent back to the program or a scheduler) are
// kept too. One worker, so that the squares stay on it and only it can have kept them.
func (s *suite) workersWriteTheStore(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	a, b := pureSquare(delayed.Value(3)), pureSquare(delayed.Value(4))
	total := pureAdd(a, b)
	var info delayed.ComputeInfo
	run := func() int {
		v, err := total.Compute(ctx, s.opts(delayed.WithWorkers(1), delayed.WithCache(dir),
			delayed.WithCallbacks(delayed.Callbacks{Finish: func(i delayed.ComputeInfo) { info = i }}))...)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := run(); v != 25 {
		t.Fatalf("got %d, want 25", v)
	}
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := st.List()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, e := range entries {
		keys[e.Key] = true
	}
	for name, d := range map[string]delayed.Delayed[int]{"3²": a, "4²": b, "the sum": total} {
		if !keys[string(d.Task().Key())] {
			t.Errorf("%s is not in the store (%d entries)", name, len(keys))
		}
	}
	if probes, _ := filepath.Glob(filepath.Join(dir, ".tmp-*")); len(probes) != 0 {
		t.Errorf("left behind: %v", probes)
	}
	if v := run(); v != 25 || info.FromStore != 1 || info.Tasks != 0 {
		t.Fatalf("second run: %d, %d tasks, %d from the store; want 25 straight from the store", v, info.Tasks, info.FromStore)
	}
}
