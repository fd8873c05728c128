package processes_test

import (
	"context"
	"errors"
	"regexp"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/schedulertest"
)

var panicBadHere = delayed.Func1(schedulertest.PanicBad)

// TestRemoteErrorsNameTheWorker: a task's failure names the worker process it happened in
// (host and pid) as well as the task, and keeps the registered error thrown.
func TestRemoteErrorsNameTheWorker(t *testing.T) {
	d := panicBadHere(delayed.Value(5))
	_, err := d.Compute(context.Background(), opts(2)...)
	var bad *schedulertest.BadPanic
	var te *delayed.TaskError
	if !errors.As(err, &bad) || bad.Code != 5 || !errors.As(err, &te) || te.Key != d.Key() {
		t.Fatalf("err = %v, want a *TaskError for %s around *BadPanic{5}", err, d.Key())
	}
	if !regexp.MustCompile(`on worker .+ \(pid [0-9]+\)`).MatchString(err.Error()) {
		t.Errorf("err = %q, want it to name the worker's host and pid", err.Error())
	}
}
