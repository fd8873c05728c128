package processes_test

import (
	"context"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/schedulertest"
)

// TestRetryPrefersAnotherWorker: a task failing in the worker process of its first attempt
// succeeds on a retry placed on another worker, with the result of an unfailing run (issue 12).
// Before, its retries ran on the same worker and the computation failed.
func TestRetryPrefersAnotherWorker(t *testing.T) {
	// Both workers up first: the pool starts them as work comes.
	parts := []delayed.Delayed[int]{pid(delayed.Value(300)), pid(delayed.Value(300)), pid(delayed.Value(300))}
	if _, err := delayed.All(parts).Compute(context.Background(), opts(2)...); err != nil {
		t.Fatal(err)
	}
	schedulertest.RunRetryElsewhere(t, func(extra ...delayed.Option) []delayed.Option { return opts(2, extra...) })
}
