package schedulertest

import (
	"context"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/internal/storewatch"
	"github.com/lazygraph/lazygraph/store"
)

// Issue 13: every result is written into the store once. Workers that share the program's
// directory write what they compute; neither a scheduler nor the program writes an output again
// (before, the program wrote every output a second time and lost the race). Outputs of both
// kinds are asked for: the sum, and squares that are also the sum's inputs.
func (s *suite) eachStoreEntryIsWrittenOnce(t *testing.T) {
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
		squares[i] = pureSquare(delayed.Value(i + 1))
	}
	sum := pureAdd(pureAdd(squares[0], squares[1]), pureAdd(pureAdd(squares[2], squares[3]), pureAdd(squares[4], squares[5])))
	got, err := delayed.Compute(ctx, []delayed.Node{sum, squares[0], squares[5]}, s.opts(delayed.WithWorkers(2), delayed.WithCache(dir))...)
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
