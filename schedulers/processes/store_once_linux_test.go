package processes_test

import (
	"context"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/internal/storewatch"
)

// Issue 13: every result is written into the store once. Workers, which share the client's
// directory here, write what they compute; the client writes no output again (before, it wrote
// every output a second time and lost the race).
func TestEachStoreEntryIsWrittenOnce(t *testing.T) {
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
	// Outputs of both kinds: the sum, and squares that are also the sum's inputs.
	got, err := delayed.Compute(ctx, []delayed.Node{sum, squares[0], squares[5]}, opts(2, delayed.WithCache(dir))...)
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
	keys := storedKeys(t, dir)
	if len(keys) != pure || len(c.Entries) != pure {
		t.Fatalf("%d entries in the store, %d created; want %d", len(keys), len(c.Entries), pure)
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
