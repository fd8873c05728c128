package cluster

import (
	"errors"
	"testing"

	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// Worker deaths are charged only to the task a worker was running when it died (issue 10 c,
// issue 12 e): tasks merely queued on it run again without charge.

// submitChunked submits a computation sending up to chunk tasks at once to a worker.
func (s *sim) submitChunked(g *Graph, data map[int32]int64, chunk int, keepGoing bool) *simJob {
	o := newFakeOwner(data)
	j := &simJob{js: &Job{Graph: g, Owner: o, Chunksize: chunk, KeepGoing: keepGoing}, owner: o, want: evaluate(g, data)}
	s.jobs = append(s.jobs, j)
	n := uint64(g.Len())
	j.js.init(s.c.nextJob.Add(1), s.c.nextKey.Add(n)-n)
	if err := j.js.encodeData(); err != nil {
		s.t.Fatal(err)
	}
	s.event(evSubmitted{j.js})
	return j
}

// step runs w's next task and reports its results as a worker.Executor does: once as many
// results wait as tasks remain queued.
func (w *simWorker) step() {
	w.s.t.Helper()
	if !w.run() {
		w.s.t.Fatal("no task to run")
	}
	if len(w.out) >= len(w.tasks) {
		w.report(false)
	}
}

func checkOutputs(t *testing.T, name string, j *simJob) {
	t.Helper()
	if !j.over {
		t.Fatalf("%s never finished", name)
	}
	if j.err != nil {
		t.Fatalf("%s failed: %v", name, j.err)
	}
	for o, v := range j.want {
		if got, ok := j.owner.outputs[o]; !ok || got != v {
			t.Fatalf("%s: output %d = %d (present %v), want %d", name, o, got, ok, v)
		}
	}
}

// A task that ran again alone after its worker died (a suspect) finished; a task of another
// computation queued behind it then killed the worker before the result was reported. The
// suspect must not be charged for that death: it runs alone, so nothing is queued behind it.
func TestSuspectRunsAloneAcrossComputations(t *testing.T) {
	s := newSim(t, Options{Retries: 1})
	w1 := s.addWorker("")
	b := newGraphBuilder()
	b.outputs = []int32{b.call("inc", false, b.datum(1))}
	first := s.submit(b.build(t), b.data, "")
	for w1.deliver() {
	}
	w1.down() // first's task was queued on it: it is now suspect, uncharged

	b2 := newGraphBuilder()
	d := b2.datum(10)
	b2.outputs = []int32{b2.call("inc", false, d), b2.call("mix", false, d), b2.call("sum", false, d, d)}
	second := s.submitChunked(b2.build(t), b2.data, 3, false)
	w2 := s.addWorker("") // it gets the suspect first
	for w2.deliver() {
	}
	// w2 runs the suspect, then dies running whatever follows it (if anything does).
	w2.step()
	w2.down()
	s.settle()
	checkOutputs(t, "the computation whose task finished before its worker died", first)
	checkOutputs(t, "the other computation", second)
}

// A worker stopping because a task ignored its timeout says so with the stuck task's result:
// the tasks queued behind it never started, and are not charged for its death.
func TestTasksQueuedBehindAStuckTaskAreNotCharged(t *testing.T) {
	s := newSim(t, Options{Retries: 1})
	w1 := s.addWorker("")
	b := newGraphBuilder()
	d := b.datum(3)
	b.outputs = []int32{b.call("inc", false, d), b.call("mix", false, d), b.call("sum", false, d)}
	j := s.submitChunked(b.build(t), b.data, 3, true)
	for w1.deliver() {
	}
	if len(w1.tasks) < 2 {
		t.Fatalf("%d tasks on the worker; the test needs some queued behind the stuck one", len(w1.tasks))
	}
	stuck := w1.tasks[0]
	w1.tasks = nil
	res := &worker.Results{Stopping: true, Items: []worker.Result{{Key: stuck.Key, Job: stuck.Job,
		Err: &wire.ErrorRecord{Message: "ran longer than its timeout"}}}}
	s.event(evResults{w1.w, res, nil})
	w1.down()
	// The tasks that were queued behind it go to the next worker, which is killed: the first
	// death any of them is charged for.
	w2 := s.addWorker("")
	for w2.deliver() {
	}
	w2.down()
	s.settle()
	if !j.over {
		t.Fatal("the computation never finished")
	}
	var f *Failures
	if !errors.As(j.err, &f) {
		t.Fatalf("got %v; want the stuck task's failure", j.err)
	}
	if len(f.Failed) != 1 || errors.Is(f.Failed[0].Err, ErrWorkerDied) || f.Failed[0].Record == nil {
		t.Fatalf("failed %v; want only the stuck task, by its own error", f.Failed)
	}
	delivered := 0
	for _, o := range b.outputs {
		if v, ok := j.owner.output(o); ok {
			if v != j.want[o] {
				t.Fatalf("output %d = %d, want %d", o, v, j.want[o])
			}
			delivered++
		}
	}
	if delivered != 2 {
		t.Fatalf("%d outputs delivered, want the 2 not stuck", delivered)
	}
}
