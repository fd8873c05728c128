package distributed_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/store"
)

var storeAdd = delayed.Func2(func(x, y int) int { return x + y }, delayed.Pure())

// Issue 13: workers of the local cluster, which share the client's result store, write the
// results they compute into it themselves; results kept on a worker (never sent back to the
// client or the scheduler) are kept too.
func TestWorkersWriteResultsIntoTheStoreOnLocalCluster(t *testing.T) {
	lc := startLocal(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	a, b := storeSquare(delayed.Value(3)), storeSquare(delayed.Value(4))
	sum := storeAdd(a, b)
	var info delayed.ComputeInfo
	run := func() int {
		v, err := sum.Compute(ctx, delayed.Using(lc), delayed.WithCache(dir),
			delayed.WithCallbacks(delayed.Callbacks{Finish: func(i delayed.ComputeInfo) { info = i }}))
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
	// The squares stayed on the one worker, which computed the sum from them: only it can
	// have kept them.
	for name, d := range map[string]delayed.Delayed[int]{"3²": a, "4²": b, "the sum": sum} {
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
