package cluster

import (
	"testing"

	"github.com/lazygraph/lazygraph/internal/worker"
)

// TestStarvedWorkerGetsWholeChunks checks that a worker reporting its results one at a time (as
// a worker does when it has run out of queued tasks) is refilled a chunk at a time, not one task
// per result: before, each one-result report was answered with a one-task batch, and a million
// short tasks on the distributed scheduler went as tens of thousands of round trips.
func TestStarvedWorkerGetsWholeChunks(t *testing.T) {
	const n = 2000
	s := newSim(t, Options{})
	w := s.addWorker("")
	g, data := wideGraph(t, n)
	j := s.submit(g, data, "")
	batches, tasks := 0, 0
	count := func() {
		for _, m := range w.inbox {
			if b, ok := m.Msg.(*worker.Batch); ok && len(b.Tasks) > 0 {
				batches++
				tasks += len(b.Tasks)
			}
		}
	}
	for {
		count()
		for w.deliver() {
		}
		if !w.run() {
			break
		}
		// One result per report, each of a 100µs task: chunks of targetBatch/100µs = 20
		// tasks, queued two chunks deep.
		res := &worker.Results{Items: w.out}
		w.out = nil
		res.Items[0].Elapsed = 100_000
		s.event(evResults{w.w, res, nil})
	}
	s.settle()
	s.check()
	if j.err != nil || !j.over {
		t.Fatalf("computation over %v, error %v", j.over, j.err)
	}
	if tasks < n {
		t.Fatalf("%d tasks sent, want at least %d", tasks, n)
	}
	// About n/20 batches (fewer tasks towards the end), not one per task.
	if batches > n/10 {
		t.Errorf("%d tasks went in %d batches to a worker reporting each result alone", tasks, batches)
	}
	t.Logf("%d tasks in %d batches", tasks, batches)
}
