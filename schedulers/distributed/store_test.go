package distributed_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

var storeSquare = delayed.Func1(func(x int) int { return x * x }, delayed.Pure())

// TestResultStoreSharedWithScheduler: a client of a running cluster whose result store the
// scheduler's machine shares gets every pure task's result kept, intermediates included (the
// scheduler writes them), and the next computation takes them from the store.
func TestResultStoreSharedWithScheduler(t *testing.T) {
	tc := newTestCluster(t, 2)
	cl := tc.client(t)
	dir := t.TempDir()
	build := func(n int) delayed.Delayed[int] {
		squares := make([]delayed.Delayed[int], n)
		for i := range squares {
			squares[i] = storeSquare(delayed.Value(i))
		}
		return sumInts(delayed.All(squares))
	}
	var info delayed.ComputeInfo
	opts := []delayed.Option{delayed.Using(cl), delayed.WithCache(dir),
		delayed.WithCallbacks(delayed.Callbacks{Finish: func(i delayed.ComputeInfo) { info = i }})}
	v, err := build(20).Compute(context.Background(), opts...)
	if err != nil || v != 2470 {
		t.Fatalf("got %d, %v; want 2470", v, err)
	}
	entries, _ := filepath.Glob(filepath.Join(dir, "*.lgr"))
	// The squares and their gathering (the workers that ran them keep them), not sumInts, which
	// is not pure.
	if len(entries) != 21 {
		t.Fatalf("%d entries kept, want 21", len(entries))
	}
	if probes, _ := filepath.Glob(filepath.Join(dir, ".tmp-*")); len(probes) != 0 {
		t.Fatalf("left behind: %v", probes)
	}
	v, err = build(20).Compute(context.Background(), opts...)
	if err != nil || v != 2470 || info.FromStore != 1 || info.Tasks != 1 {
		t.Fatalf("second run: %d, %v, %d tasks, %d from the store; want 2470 from the kept gathering, with only the sum run", v, err, info.Tasks, info.FromStore)
	}
}

// TestPureCallOfFutureIsNotKept: a future stands for a value held by the cluster, not content,
// so a pure call of one is computed (its key hashes the future by identity, never by walking
// into the client's live state) and never kept in the store, where another run could find it.
func TestPureCallOfFutureIsNotKept(t *testing.T) {
	tc := newTestCluster(t, 1)
	cl := tc.client(t)
	ctx := context.Background()
	futures, err := cl.Map([]distributed.Node{storeSquare(delayed.Value(3))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := futures[0].Result(ctx); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	d := storeSquare(delayed.FromTask[int](futures[0].Task()))
	if v, err := d.Compute(ctx, delayed.Using(cl), delayed.WithCache(dir)); err != nil || v != 81 {
		t.Fatalf("got %d, %v; want 81", v, err)
	}
	if entries, _ := filepath.Glob(filepath.Join(dir, "*.lgr")); len(entries) != 0 {
		t.Fatalf("kept %d entries for a call of a future", len(entries))
	}
}
