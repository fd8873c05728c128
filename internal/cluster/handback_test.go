package cluster

import (
	"testing"

	"github.com/lazygraph/lazygraph/internal/worker"
)

var _ HandBackLink = (*simWorker)(nil)

// HandsBack: sim workers give back their unstarted tasks when asked.
func (w *simWorker) HandsBack() bool { return true }

// dropTasks gives tasks back unstarted.
func (w *simWorker) dropTasks(tasks []worker.Task) {
	for _, t := range tasks {
		w.dropped = append(w.dropped, worker.TaskRef{Job: t.Job, Key: t.Key})
	}
}

// A worker retiring with tasks queued hands back those it has not started: they run on the
// other worker, it runs none of them, nothing runs twice and the result is right.
func TestRetireHandsBackQueuedTasks(t *testing.T) {
	s := newSim(t, Options{})
	a, _ := s.addWorker(""), s.addWorker("")
	g, data := gatherGraph(t, 40)
	s.submitWith(g, data, func(js *Job) { js.Chunksize = 4 })
	for a.deliver() {
	}
	queued := len(a.tasks)
	if queued < 2 {
		t.Fatalf("a was sent %d tasks; the test needs a queue", queued)
	}
	a.run() // one ran; the rest wait in its queue
	a.retire()
	for a.deliver() {
	}
	if len(a.tasks) != 0 || len(a.dropped) != queued-1 {
		t.Fatalf("after the hand-back request a has %d tasks queued and dropped %d, want 0 and %d", len(a.tasks), len(a.dropped), queued-1)
	}
	a.report(false)
	if n := s.c.retireStats.HandedBack; n != queued-1 {
		t.Errorf("%d tasks handed back, want %d", n, queued-1)
	}
	s.settle()
	s.check()
	if !a.retired {
		t.Error("a did not retire")
	}
	if n, want := s.noRecompute(), g.Len()-40; n != want {
		t.Errorf("%d task executions, want %d", n, want)
	}
}
