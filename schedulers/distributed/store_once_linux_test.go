package distributed_test

import (
	"context"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/internal/storewatch"
	"github.com/lazygraph/lazygraph/store"
)

// Issue 13: every result is written into the store once. The local cluster's workers and
// scheduler share the client's directory: the workers write what they compute, and neither the
// scheduler nor the client writes an output again (before, the client wrote every output a
// second time and lost the race).
func TestEachStoreEntryIsWrittenOnceOnLocalCluster(t *testing.T) {
	lc := startLocal(t, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	w, err := storewatch.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()

	squares := make([]delayed.Delayed[int], 6)
	for i := range squares {
		squares[i] = storeSquare(delayed.Value(i + 1))
	}
	sum := storeAdd(storeAdd(squares[0], squares[1]), storeAdd(storeAdd(squares[2], squares[3]), storeAdd(squares[4], squares[5])))
	got, err := delayed.Compute(ctx, []delayed.Node{sum, squares[0], squares[5]}, delayed.Using(lc), delayed.WithCache(dir))
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != 91 || got[1] != 1 || got[2] != 36 {
		t.Fatalf("got %v, want [91 1 36]", got)
	}
	c, err := w.Read()
	if err != nil {
		t.Fatal(err)
	}
	const pure = 6 + 5 // squares and additions
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := st.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != pure || len(c.Entries) != pure {
		t.Fatalf("%d entries in the store, %d created; want %d", len(entries), len(c.Entries), pure)
	}
	for name, n := range c.Entries {
		if n != 1 {
			t.Errorf("entry %s created %d times", name, n)
		}
	}
	if c.Writes != pure {
		t.Errorf("%d writes for %d entries: some were written more than once", c.Writes, pure)
	}
}
