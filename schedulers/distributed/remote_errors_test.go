package distributed_test

import (
	"context"
	"errors"
	"regexp"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
	"github.com/lazygraph/lazygraph/schedulers/schedulertest"
)

var panicBadHere = delayed.Func1(schedulertest.PanicBad)

// TestRemoteErrorsNameTheWorker: a task's failure names the worker process it happened in
// (host and pid) as well as the task, and keeps the registered error thrown, on a local
// cluster and through a remote scheduler.
func TestRemoteErrorsNameTheWorker(t *testing.T) {
	tc := newTestCluster(t, 1)
	for name, extra := range map[string][]delayed.Option{"local": nil, "remote": {delayed.WithAddress(tc.file)}} {
		d := panicBadHere(delayed.Value(5))
		_, err := d.Compute(context.Background(), append([]delayed.Option{delayed.WithScheduler(distributed.Name), delayed.WithWorkers(1)}, extra...)...)
		var bad *schedulertest.BadPanic
		var te *delayed.TaskError
		if !errors.As(err, &bad) || bad.Code != 5 || !errors.As(err, &te) || te.Key != d.Key() {
			t.Fatalf("%s: err = %v, want a *TaskError for %s around *BadPanic{5}", name, err, d.Key())
		}
		if !regexp.MustCompile(`on worker .+ \(pid [0-9]+\)`).MatchString(err.Error()) {
			t.Errorf("%s: err = %q, want it to name the worker's host and pid", name, err.Error())
		}
	}
}
