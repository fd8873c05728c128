package schedulertest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
)

// The policy cases hold every scheduler to the same random streams (delayed.Rand from the
// computation's seed and each task's stable identity) and to retries that reproduce exactly: a
// task that fails on its first attempt and succeeds on a retry gives what an unfailing run gives,
// in whatever process it runs.

var (
	draw      = delayed.Func2Ctx(Draw, delayed.Pure())
	flakyOwn  = delayed.Func2Ctx(FlakyOwn, delayed.Pure(), delayed.Retries(2))
	flakyPlan = delayed.Func2Ctx(FlakyPlain, delayed.Pure())
)

// noFailures, set in this process only, makes the flaky functions succeed on their first
// attempt (the reference runs); worker processes start with it unset.
var noFailures atomic.Bool

// attempted records the (nonce, replicate) pairs that have failed once in this process.
var attempted sync.Map

// Draw returns the first number of the task's own random stream.
func Draw(ctx context.Context, nonce string, i int) (uint64, error) {
	return delayed.Rand(ctx).Uint64(), nil
}

// FlakyOwn is Draw failing on its first attempt in each process; its function retries twice.
func FlakyOwn(ctx context.Context, nonce string, i int) (uint64, error) { return flaky(ctx, nonce, i) }

// FlakyPlain is FlakyOwn without retries of its own.
func FlakyPlain(ctx context.Context, nonce string, i int) (uint64, error) {
	return flaky(ctx, nonce, i)
}

func flaky(ctx context.Context, nonce string, i int) (uint64, error) {
	v := delayed.Rand(ctx).Uint64() // drawn before failing: a retry must see the stream anew
	if _, failed := attempted.LoadOrStore(fmt.Sprint(nonce, "/", i), true); !failed && !noFailures.Load() {
		return 0, errFlaky
	}
	return v, nil
}

var errFlaky = errors.New("flaky: first attempt fails")

func init() { delayed.RegisterError(errFlaky) }

// RunPolicyCases runs the policy cases as subtests of t, computing with the options opts returns.
func RunPolicyCases(t *testing.T, opts OptionsFunc) {
	t.Run("RandomStreamsMatchSynchronous", func(t *testing.T) { streamsMatch(t, opts) })
	t.Run("FunctionRetriesReproduce", func(t *testing.T) { retriesReproduce(t, opts, flakyOwn) })
	t.Run("ComputationRetriesReproduce", func(t *testing.T) {
		retriesReproduce(t, opts, flakyPlan, delayed.WithRetries(1))
	})
	t.Run("FailureWithoutRetriesIsReported", func(t *testing.T) { failureWithoutRetries(t, opts) })
}

// nonce makes the flaky functions' failure records fresh for one case.
func nonce(t *testing.T) string { return fmt.Sprint(t.Name(), time.Now().UnixNano()) }

func replicates(fn func(delayed.Delayed[string], delayed.Delayed[int]) delayed.Delayed[uint64], n string) delayed.Delayed[[]uint64] {
	parts := make([]delayed.Delayed[uint64], 8)
	for i := range parts {
		parts[i] = fn(delayed.Value(n), delayed.Value(i))
	}
	return delayed.All(parts)
}

func reference(t *testing.T, d delayed.Delayed[[]uint64]) []uint64 {
	t.Helper()
	noFailures.Store(true)
	defer noFailures.Store(false)
	want, err := d.Compute(context.Background(), delayed.WithScheduler("synchronous"), delayed.WithSeed(7))
	if err != nil {
		t.Fatalf("synchronous reference: %v", err)
	}
	return want
}

func streamsMatch(t *testing.T, opts OptionsFunc) {
	n := nonce(t)
	want := reference(t, replicates(draw, n))
	got, err := replicates(draw, n).Compute(context.Background(), opts(delayed.WithSeed(7))...)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("streams differ from synchronous:\n got %v\nwant %v", got, want)
	}
	other, err := replicates(draw, n).Compute(context.Background(), opts(delayed.WithSeed(8))...)
	if err != nil || reflect.DeepEqual(other, want) {
		t.Errorf("another seed gave %v, %v; want other numbers", other, err)
	}
}

func retriesReproduce(t *testing.T, opts OptionsFunc, fn func(delayed.Delayed[string], delayed.Delayed[int]) delayed.Delayed[uint64], extra ...delayed.Option) {
	n := nonce(t)
	want := reference(t, replicates(fn, n))
	got, err := replicates(fn, n).Compute(context.Background(), opts(append(extra, delayed.WithSeed(7))...)...)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("retried tasks differ from an unfailing run:\n got %v\nwant %v", got, want)
	}
}

func failureWithoutRetries(t *testing.T, opts OptionsFunc) {
	_, err := replicates(flakyPlan, nonce(t)).Compute(context.Background(), opts(delayed.WithSeed(7))...)
	if !errors.Is(err, errFlaky) {
		t.Fatalf("got %v, want the task's own error", err)
	}
	var te *delayed.TaskError
	if !errors.As(err, &te) || te.Attempts > 1 {
		t.Errorf("got %v; want a *TaskError of one attempt", err)
	}
}
