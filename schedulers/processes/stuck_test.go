package processes_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
)

// sleepIgnoring sleeps ignoring its context (it has none), past its timeout.
var sleepIgnoring = delayed.Func1(SleepIgnoring, delayed.Timeout(200*time.Millisecond))

var double = delayed.Func1(Double)

// SleepIgnoring sleeps ms milliseconds, deaf to cancellation, and returns ms.
func SleepIgnoring(ms int) int {
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return ms
}

// Double returns 2x.
func Double(x int) int { return 2 * x }

func TestTimeoutStopsATaskIgnoringItsContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	_, err := sleepIgnoring(delayed.Value(10*60*1000)).Compute(ctx, opts(1)...)
	if !errors.Is(err, delayed.ErrTimeout) || strings.Contains(err.Error(), "worker died") {
		t.Fatalf("got %v; want the task's timeout (not its worker's death)", err)
	}
	var te *delayed.TaskError
	if !errors.As(err, &te) || te.Attempts != 1 {
		t.Errorf("got %v; want a *TaskError of one attempt", err)
	}
	if ctx.Err() != nil {
		t.Fatalf("the computation ended only with the test's deadline, after %v", time.Since(start))
	}
	// Its worker stopped and is replaced: the scheduler keeps computing.
	got, err := double(delayed.Value(21)).Compute(ctx, opts(1)...)
	if err != nil || got != 42 {
		t.Fatalf("after a stuck task: %v, %v; want 42", got, err)
	}
}

func TestKeepGoingPastATaskIgnoringItsTimeout(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	xs := []delayed.Delayed[int]{sleepIgnoring(delayed.Value(10 * 60 * 1000)), double(delayed.Value(4))}
	got, err := delayed.ComputeEach(ctx, xs, opts(2, delayed.WithKeepGoing())...)
	var f *delayed.Failures
	if !errors.As(err, &f) || len(f.Failed) != 1 || !strings.Contains(f.Failed[0].Err.Error(), "ran longer than its timeout") || f.Failed[0].Attempts != 1 {
		t.Fatalf("got %v; want the stuck task failed by timeout after one attempt", err)
	}
	if len(got) != 2 || got[1] != 8 {
		t.Errorf("outputs %v; want the independent output 8", got)
	}
}
