package schedulertest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
)

// The keep-going cases hold every scheduler to what synchronous does with
// delayed.WithKeepGoing: the same failed tasks (with their attempts) and skipped tasks, the same
// missing outputs, and the same values for the outputs that were computed.

var (
	checkPositive  = delayed.Func1E(CheckPositive, delayed.Retries(1))
	checkPositive0 = delayed.Func1E(CheckPositiveOnce)
)

// errNotPositive is the error of CheckPositive.
var errNotPositive = errors.New("not positive")

func init() { delayed.RegisterError(errNotPositive) }

// CheckPositive returns x, or an error when x is not positive; its function retries once.
func CheckPositive(x int) (int, error) {
	if x <= 0 {
		return 0, fmt.Errorf("%d: %w", x, errNotPositive)
	}
	return x, nil
}

// CheckPositiveOnce is CheckPositive without retries.
func CheckPositiveOnce(x int) (int, error) { return CheckPositive(x) }

// RunKeepGoingCases runs the keep-going cases as subtests of t, computing with the options opts
// returns.
func RunKeepGoingCases(t *testing.T, opts OptionsFunc) {
	t.Run("FailedAndSkippedMatchSynchronous", func(t *testing.T) { keepGoingMatches(t, opts) })
	t.Run("NothingFailsNoError", func(t *testing.T) { keepGoingClean(t, opts) })
}

// keepGoingGraph has failing tasks (two retried once, one not), tasks needing them directly
// and through others, and tasks independent of them.
func keepGoingGraph() []delayed.Delayed[int] {
	var outs []delayed.Delayed[int]
	var b []delayed.Delayed[int]
	for i := -2; i <= 4; i++ {
		a := checkPositive(delayed.Value(i))
		if i == 3 {
			a = checkPositive0(delayed.Value(-i))
		}
		b = append(b, inc(a))
	}
	outs = append(outs, b...)
	outs = append(outs,
		add(b[0], b[3]),            // needs a failed task through b[0]
		add(add(b[1], b[2]), b[4]), // a chain above a failed task
		add(b[3], b[4]),            // independent
		sum(delayed.All([]delayed.Delayed[int]{b[4], b[6]})), // independent, through a builtin
		inc(add(b[5], b[6])), // needs the unretried failure
	)
	return outs
}

type keptOutcome struct {
	values   []int
	failed   map[string]int // key → attempts
	skipped  map[string]bool
	missing  []int
	outputs  int
	firstErr error
}

func computeKept(t *testing.T, xs []delayed.Delayed[int], opts []delayed.Option) keptOutcome {
	t.Helper()
	values, err := delayed.ComputeEach(context.Background(), xs, append(opts, delayed.WithKeepGoing())...)
	var f *delayed.Failures
	if !errors.As(err, &f) {
		t.Fatalf("got %v; want a *delayed.Failures", err)
	}
	if !errors.Is(err, errNotPositive) {
		t.Errorf("errors.Is does not reach the tasks' error through %v", err)
	}
	out := keptOutcome{values: values, failed: map[string]int{}, skipped: map[string]bool{}, missing: f.Missing, outputs: f.Outputs}
	for _, x := range f.Failed {
		out.failed[fmt.Sprint(x.Key)] = x.Attempts
		var te *delayed.TaskError
		if !errors.As(x.Err, &te) || !errors.Is(x.Err, errNotPositive) {
			t.Errorf("failed task %s: error %v; want a *TaskError wrapping the function's error", x.Key, x.Err)
		}
	}
	for _, x := range f.Skipped {
		out.skipped[fmt.Sprint(x.Key)] = true
		if x.Err != nil || x.Attempts != 0 {
			t.Errorf("skipped task %s: error %v, %d attempts; want none", x.Key, x.Err, x.Attempts)
		}
	}
	for _, k := range out.missing {
		out.values[k] = 0
	}
	return out
}

func keepGoingMatches(t *testing.T, opts OptionsFunc) {
	xs := keepGoingGraph() // one graph, so that task keys compare
	want := computeKept(t, xs, []delayed.Option{delayed.WithScheduler("synchronous")})
	if len(want.failed) != 4 || len(want.skipped) == 0 {
		t.Fatalf("synchronous reference: %d failed, %d skipped; the case needs failures and skips", len(want.failed), len(want.skipped))
	}
	got := computeKept(t, xs, opts())
	if !maps.Equal(got.failed, want.failed) {
		t.Errorf("failed tasks (key: attempts) %v; synchronous %v", got.failed, want.failed)
	}
	if !maps.Equal(got.skipped, want.skipped) {
		t.Errorf("skipped tasks %v; synchronous %v", slices.Sorted(maps.Keys(got.skipped)), slices.Sorted(maps.Keys(want.skipped)))
	}
	if !slices.Equal(got.missing, want.missing) || got.outputs != want.outputs {
		t.Errorf("missing outputs %v of %d; synchronous %v of %d", got.missing, got.outputs, want.missing, want.outputs)
	}
	if !reflect.DeepEqual(got.values, want.values) {
		t.Errorf("outputs %v; synchronous %v", got.values, want.values)
	}
}

func keepGoingClean(t *testing.T, opts OptionsFunc) {
	xs := []delayed.Delayed[int]{inc(checkPositive(delayed.Value(1))), add(checkPositive(delayed.Value(2)), delayed.Value(3))}
	got, err := delayed.ComputeEach(context.Background(), xs, opts(delayed.WithKeepGoing())...)
	if err != nil || !slices.Equal(got, []int{2, 5}) {
		t.Fatalf("got %v, %v; want [2 5], nil", got, err)
	}
}
