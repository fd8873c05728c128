package dashboard_test

import (
	"strings"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/dashboard"
)

// fakeCoordinator reports fixed telemetry.
type fakeCoordinator struct{ tel cluster.Telemetry }

func (f fakeCoordinator) Telemetry(uint64) cluster.Telemetry { return f.tel }

// A cluster's page names functions as the rest of the project does: a function literal
// registered in this process by the variable it was assigned to ("dashboard_test.fit"), not by
// the symbol Go made up for it ("dashboard_test.init.func2"), in the progress table, the task
// stream and the failures alike; a name this process does not know is shown as it came.
func TestClusterSourceReadableNames(t *testing.T) {
	plan, err := graph.Compile(smallGraph().Task())
	if err != nil {
		t.Fatal(err)
	}
	var (
		tel  cluster.Telemetry
		want = map[string]bool{}
	)
	job := cluster.JobTelemetry{ID: 1, Start: time.Now()}
	for k, fc := range plan.Functions() {
		name := fc.Func.Name()
		job.Funcs = append(job.Funcs, cluster.FuncTelemetry{Name: name, Total: int64(fc.Calls)})
		tel.Stream = append(tel.Stream, cluster.TaskRecord{Seq: uint64(k), Job: 1, Func: name, Start: time.Now()})
		tel.Failures = append(tel.Failures, cluster.FailureRecord{Job: 1, Func: name, Message: "no"})
		short := fc.Func.DisplayName()
		short = short[strings.LastIndexByte(short, '/')+1:]
		want[short] = true
	}
	const unknown = "example.com/elsewhere.init.func7"
	job.Funcs = append(job.Funcs, cluster.FuncTelemetry{Name: unknown, Total: 1})
	want["elsewhere.init.func7"] = true
	tel.Jobs = []cluster.JobTelemetry{job}
	if !want["dashboard_test.fit"] || !want["dashboard_test.load"] {
		t.Fatalf("the small graph's functions read %v: want dashboard_test.fit and .load", want)
	}
	s := dashboard.ClusterSource(fakeCoordinator{tel}, "test", "distributed").Snapshot(&dashboard.Cursor{})
	var got []string
	for _, f := range s.Functions {
		got = append(got, f.Name)
	}
	for _, sp := range s.Stream {
		got = append(got, sp.Func)
	}
	for _, f := range s.Failures {
		got = append(got, f.Func)
	}
	if len(got) != 3*len(plan.Functions())+1 {
		t.Fatalf("%d names shown: %q", len(got), got)
	}
	for _, name := range got {
		if !want[name] {
			t.Errorf("shown %q, want one of %v", name, want)
		}
	}
}

// A cluster's failed task is shown as its function's display name and its index in the
// computation (the coordinator knows tasks by index); the computation is given apart, the
// Key keeps the scheduler's own words.
func TestClusterSourceFailureLabels(t *testing.T) {
	flakyName := flaky(delayed.Value(0)).Task().Func().Name()
	tel := cluster.Telemetry{Failures: []cluster.FailureRecord{
		{Job: 3, Task: 12, Func: flakyName, Worker: "w1", Message: "sensor 3 returned no data", At: time.Now()},
		{Job: 4, Task: 5, Worker: "w2", Message: "no function", At: time.Now()},
	}}
	s := dashboard.ClusterSource(fakeCoordinator{tel}, "test", "distributed").Snapshot(nil)
	want := []dashboard.Failure{
		{Key: "computation 3, task 12", Task: "dashboard_test.flaky #12", Func: "dashboard_test.flaky", Computation: 3, WorkerName: "w1"},
		{Key: "computation 4, task 5", Task: "computation 4, task 5", Computation: 4, WorkerName: "w2"},
	}
	if len(s.Failures) != len(want) {
		t.Fatalf("failures: %+v", s.Failures)
	}
	for k, w := range want {
		got := s.Failures[k]
		if got.Key != w.Key || got.Task != w.Task || got.Func != w.Func || got.Computation != w.Computation || got.WorkerName != w.WorkerName {
			t.Errorf("failure %d: %+v, want %+v", k, got, w)
		}
	}
}
