package schedulers

import (
	"context"
	"reflect"
	"sync"
	"testing"

	"github.com/lazygraph/lazygraph/graph"
)

var inc = graph.NewFunction(graph.FunctionSpec{
	Name:   "schedulers.inc",
	Impl:   func(int) int { return 0 },
	Invoke: func(_ context.Context, args []any) (any, error) { return args[0].(int) + 1, nil },
	Params: []reflect.Type{reflect.TypeFor[int]()},
	Result: reflect.TypeFor[int](),
})

// widePlan is n incs, each of a data node k.
func widePlan(t *testing.T, n int) *graph.Plan {
	t.Helper()
	tasks := make([]*graph.Task, n)
	for k := range tasks {
		tasks[k] = graph.NewTask1(inc, graph.NewData(k))
	}
	plan, err := graph.Compile(tasks...)
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

// Both ways of keeping results answer alike: data nodes' values from the start, nothing for a
// call before it is stored, what was stored after, nil once freed.
func TestResultsDenseAndFewAgree(t *testing.T) {
	for _, few := range []bool{false, true} {
		plan := widePlan(t, 50)
		job := NewJob(plan)
		if few {
			job.FewResults()
		}
		for k, o := range plan.Outputs() {
			d := plan.Args(o)[0]
			if got := job.Result(d); got != k {
				t.Fatalf("few=%v: data node %d = %v, want %d", few, d, got, k)
			}
			if got := job.Result(o); got != nil {
				t.Fatalf("few=%v: call %d = %v before it ran, want nil", few, o, got)
			}
			if _, err := job.Run(context.Background(), o, 0, nil); err != nil {
				t.Fatal(err)
			}
			if got := job.Result(o); got != k+1 {
				t.Fatalf("few=%v: call %d = %v, want %d", few, o, got, k+1)
			}
			job.Free(d)
			job.Free(o)
			if a, b := job.Result(d), job.Result(o); a != nil || b != nil {
				t.Fatalf("few=%v: freed data %v and call %v, want nil and nil", few, a, b)
			}
		}
		if slots := job.res.slots != nil; slots == few {
			t.Fatalf("few=%v: a slot per task made: %v", few, slots)
		}
	}
}

// A scheduler that runs tasks elsewhere stores its outputs, from several goroutines at once,
// without the job making a slot for every task of the plan.
func TestFewResultsMakesNoSlotPerTask(t *testing.T) {
	plan := widePlan(t, 1000)
	job := NewJob(plan)
	job.FewResults()
	var wg sync.WaitGroup
	for _, o := range plan.Outputs() {
		wg.Go(func() { job.SetResult(o, int(o)) })
	}
	wg.Wait()
	for _, o := range plan.Outputs() {
		if got := job.Result(o); got != int(o) {
			t.Fatalf("output %d = %v", o, got)
		}
	}
	if job.res.slots != nil {
		t.Fatalf("FewResults made %d slots", len(job.res.slots))
	}
	if len(job.res.byKey) != len(plan.Outputs()) {
		t.Fatalf("kept %d results, want the %d outputs", len(job.res.byKey), len(plan.Outputs()))
	}
}

// FewResults after a result was stored leaves the slots in place, and loses nothing.
func TestFewResultsAfterSlotsKeepsThem(t *testing.T) {
	plan := widePlan(t, 3)
	job := NewJob(plan)
	o := plan.Outputs()[1]
	job.SetResult(o, 42)
	job.FewResults()
	if got := job.Result(o); got != 42 {
		t.Fatalf("result %v after FewResults, want 42", got)
	}

	// Nor does a second call lose what the first mode kept.
	few := NewJob(plan)
	few.FewResults()
	few.SetResult(o, 43)
	few.FewResults()
	if got := few.Result(o); got != 43 {
		t.Fatalf("result %v after a second FewResults, want 43", got)
	}
}
