package cluster

import (
	"testing"

	"github.com/lazygraph/lazygraph/internal/worker"
)

// completedBy returns how many tasks each worker ran, by name (a fresh snapshot).
func completedBy(c *Coordinator) map[string]int64 {
	done := make(chan struct{})
	c.do(evStatusAsked{done})
	<-done
	out := map[string]int64{}
	for _, w := range c.status.last.Load().Workers {
		out[w.Name] = w.Completed
	}
	return out
}

// TestPausedWorkerGetsNoTasks: a worker that reports itself paused for memory gets no task until
// it reports itself resumed; computations complete on the others, with the right outputs, and
// the last reports are kept.
func TestPausedWorkerGetsNoTasks(t *testing.T) {
	c := newChecked(t, Options{})
	a, b := newFakeWorker(c, "a"), newFakeWorker(c, "b")
	a.start()
	b.start()
	t.Cleanup(func() { a.stop(); b.stop() })
	c.Memory(a.w, &worker.MemoryReport{Limit: 100, RSS: 90, PeakRSS: 95, Paused: true})

	run := func() {
		t.Helper()
		g, data := wideGraph(t, 500)
		o := newFakeOwner(data)
		c.Submit(&Job{Graph: g, Owner: o})
		if err := wait(t, o); err != nil {
			t.Fatal(err)
		}
		for i, v := range evaluate(g, data) {
			if got, _ := o.output(i); got != v {
				t.Fatalf("output %d = %d, want %d", i, got, v)
			}
		}
	}
	run()
	if got := completedBy(c); got["a"] != 0 || got["b"] == 0 {
		t.Fatalf("tasks run with a paused: %v", got)
	}

	// a resumes, b pauses: the next computation runs on a only.
	c.Memory(a.w, &worker.MemoryReport{Limit: 100, RSS: 10, PeakRSS: 50})
	c.Memory(b.w, &worker.MemoryReport{Limit: 100, RSS: 99, Paused: true})
	before := completedBy(c)
	run()
	after := completedBy(c)
	if after["a"] == before["a"] || after["b"] != before["b"] {
		t.Fatalf("tasks run with b paused: before %v, after %v", before, after)
	}

	mem := c.WorkerMemory()
	if len(mem) != 2 || mem[0].Worker != "a" || mem[0].PeakRSS != 95 || mem[0].RSS != 10 || mem[1].Worker != "b" || !mem[1].Paused {
		t.Fatalf("WorkerMemory() = %+v", mem)
	}
	if r, ok := c.LastMemory(b.w); !ok || r.RSS != 99 {
		t.Fatalf("LastMemory(b) = %+v, %v", r, ok)
	}
}
