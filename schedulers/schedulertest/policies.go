package schedulertest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
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

// The flaky functions fail the first attempt of each (nonce, replicate) pair anywhere: a marker
// file, created by the first attempt and removed by the retry, tells the processes apart (a
// retry may run in another worker process than the first attempt).

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
	if noFailures.Load() {
		return v, nil
	}
	path := markerPath("flaky", nonce, i)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err == nil {
		f.Close()
		return 0, errFlaky
	}
	_ = os.Remove(path)
	return v, nil
}

// markerPath names the marker file of one (nonce, replicate) pair of a flaky function.
func markerPath(kind, nonce string, i int) string {
	sum := sha256.Sum256([]byte(fmt.Sprint(kind, "/", nonce, "/", i)))
	return filepath.Join(os.TempDir(), "lazygraph-"+kind+"-"+hex.EncodeToString(sum[:8]))
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

// workerFlaky fails every attempt made in the worker process of its first attempt, as a task
// fails because of its worker's state, and retries twice.
var workerFlaky = delayed.Func2Ctx(WorkerFlaky, delayed.Pure(), delayed.Retries(2))

// WorkerFlaky is Draw failing in the process that made its first attempt (recorded in a marker
// file): only a retry in another process succeeds.
func WorkerFlaky(ctx context.Context, nonce string, i int) (uint64, error) {
	v := delayed.Rand(ctx).Uint64()
	if noFailures.Load() {
		return v, nil
	}
	path := markerPath("worker-flaky", nonce, i)
	me := strconv.Itoa(os.Getpid())
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err == nil {
		_, _ = f.WriteString(me)
		f.Close()
		return 0, errFlaky
	}
	if first, _ := os.ReadFile(path); string(first) == me {
		return 0, errFlaky
	}
	_ = os.Remove(path)
	return v, nil
}

// RunRetryElsewhere checks, on a scheduler of two or more worker processes, that a failed task is
// retried on another worker than the one it failed on (issue 12), with the same inputs and random
// stream: each task fails in the process of its first attempt, so only retries placed elsewhere
// succeed, and the results are those of an unfailing run.
func RunRetryElsewhere(t *testing.T, opts OptionsFunc) {
	n := nonce(t)
	want := reference(t, replicates(workerFlaky, n))
	got, err := replicates(workerFlaky, n).Compute(context.Background(), opts(delayed.WithSeed(7))...)
	if err != nil {
		t.Fatalf("retries did not move to another worker: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tasks retried elsewhere differ from an unfailing run:\n got %v\nwant %v", got, want)
	}
}
