package dashboard

import (
	"context"
	"reflect"
	"testing"

	"github.com/lazygraph/lazygraph/graph"
)

// The event stream slows down only while nothing happens: a running computation, or tasks
// finished since the last snapshot, make a snapshot busy; two idle snapshots with nothing new
// between them have the same activity, and a finished computation changes it.
func TestEventActivity(t *testing.T) {
	fn := graph.NewFunction(graph.FunctionSpec{Name: "dashboard.inc", Impl: func(int) int { return 0 },
		Invoke: func(_ context.Context, args []any) (any, error) { return args[0].(int) + 1, nil },
		Params: []reflect.Type{reflect.TypeFor[int]()}, Result: reflect.TypeFor[int]()})
	plan, err := graph.Compile(graph.NewTask(fn, []*graph.Task{graph.NewData(1)}))
	if err != nil {
		t.Fatal(err)
	}
	c := NewCollector("test")
	var cur Cursor
	idle := activityOf(c.Snapshot(&cur))
	if idle.busy() {
		t.Errorf("an empty collector is busy: %+v", idle)
	}
	r := c.Begin(plan, "threads", 1, nil)
	if a := activityOf(c.Snapshot(&cur)); !a.busy() {
		t.Errorf("a running computation is not busy: %+v", a)
	}
	r.TaskStarted(1, 0)
	r.TaskFinished(1, 0, 0, nil)
	r.Finish(nil)
	if a := activityOf(c.Snapshot(&cur)); !a.busy() {
		t.Errorf("a snapshot with a newly finished task is not busy: %+v", a)
	}
	after := activityOf(c.Snapshot(&cur))
	if after.busy() || after == idle {
		t.Errorf("after the computation: %+v, busy or the same as before it (%+v)", after, idle)
	}
	if again := activityOf(c.Snapshot(&cur)); again != after {
		t.Errorf("nothing happened, yet the activity changed: %+v, then %+v", after, again)
	}
}
