package distributed_test

import (
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
	"github.com/lazygraph/lazygraph/schedulers/schedulertest"
)

// TestRetryPrefersAnotherWorker: on a scheduler with two worker processes, a task failing in the
// worker of its first attempt succeeds on a retry placed on the other one, with the result of an
// unfailing run (issue 12). Before, its retries ran on the same worker and the computation failed.
func TestRetryPrefersAnotherWorker(t *testing.T) {
	tc := newTestCluster(t, 2)
	schedulertest.RunRetryElsewhere(t, func(extra ...delayed.Option) []delayed.Option {
		return append([]delayed.Option{delayed.WithScheduler(distributed.Name), delayed.WithAddress(tc.file)}, extra...)
	})
}
