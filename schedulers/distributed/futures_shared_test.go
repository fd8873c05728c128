package distributed_test

import (
	"context"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// stamp is pure by declaration, but returns a different value each time it really runs: two
// equal results mean one computation.
var stamp = delayed.Func1(func(ms int) int64 {
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return time.Now().UnixNano()
}, delayed.Pure())

var identity64 = delayed.Func1(func(x int64) int64 { return x })

func TestFuturesOfTheSameKeyShareOneComputation(t *testing.T) {
	tc := newTestCluster(t, 2)
	cl := tc.client(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	first, err := cl.Submit(stamp(delayed.Value(400)))
	if err != nil {
		t.Fatal(err)
	}
	second, err := cl.Submit(stamp(delayed.Value(400))) // while the first computes
	if err != nil {
		t.Fatal(err)
	}
	a, errA := distributed.Result[int64](ctx, first[0])
	b, errB := distributed.Result[int64](ctx, second[0])
	if errA != nil || errB != nil || a != b {
		t.Fatalf("two Submits of one pure call: %d (%v) and %d (%v); want one computation, one value", a, errA, b, errB)
	}
	if first[0].Key() == "" || first[0].Key() != second[0].Key() {
		t.Errorf("keys %q and %q; want the same non-empty key", first[0].Key(), second[0].Key())
	}
	if k := stamp(delayed.Value(400)).Key(); string(k) != first[0].Key() {
		t.Errorf("Future.Key() = %q, the call's key is %q", first[0].Key(), k)
	}
	third, err := cl.Submit(stamp(delayed.Value(400))) // after it finished
	if err != nil {
		t.Fatal(err)
	}
	if c, err := distributed.Result[int64](ctx, third[0]); err != nil || c != a {
		t.Errorf("a third Submit after the first finished: %d, %v; want the kept value %d", c, err, a)
	}

	// Releasing one future keeps the value for the others.
	first[0].Release()
	third[0].Release()
	// No wait needed: the scheduler reads a client's messages in order.
	kept := delayed.FromTask[int64](second[0].Task())
	if v, err := identity64(kept).Compute(ctx, delayed.Using(cl)); err != nil || v != a {
		t.Errorf("using the value after releasing other futures of its key: %d, %v", v, err)
	}
	// Once all are released, the same call is computed again.
	second[0].Release()
	again, err := cl.Submit(stamp(delayed.Value(400)))
	if err != nil {
		t.Fatal(err)
	}
	if c, err := distributed.Result[int64](ctx, again[0]); err != nil || c == a {
		t.Errorf("after releasing every future: %d, %v; want a new computation", c, err)
	}

	// Cancelling one of two futures of a key leaves the other to finish.
	x, _ := cl.Submit(stamp(delayed.Value(500)))
	y, _ := cl.Submit(stamp(delayed.Value(500)))
	x[0].Cancel()
	if _, err := y[0].Result(ctx); err != nil {
		t.Errorf("the other future of a cancelled one: %v", err)
	}

	// Different keys are different computations.
	u, _ := cl.Submit(stamp(delayed.Value(1)))
	w, _ := cl.Submit(stamp(delayed.Value(2)))
	if u[0].Key() == w[0].Key() {
		t.Errorf("different calls share the key %q", u[0].Key())
	}
}
