package cluster

import (
	"testing"

	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// FuzzMemoryReport feeds arbitrary bodies of a worker's memory report frame (worker.KindMemory)
// to a coordinator, as the processes parent and the distributed scheduler do with what a worker
// sends: whatever the report says (negative sizes, a paused worker, a huge limit), the
// coordinator keeps its invariants and still computes the right result on the workers.
func FuzzMemoryReport(f *testing.F) {
	for _, r := range []*worker.MemoryReport{
		{Limit: 100, RSS: 90, PeakRSS: 95, Paused: true},
		{Limit: 100, RSS: 10, PeakRSS: 50, Held: 3, Spilled: 4, SpilledTotal: 5},
		{Limit: -1, RSS: -1 << 62, Terminated: true, Running: "f key"},
		{Limit: 1<<63 - 1, Held: 1<<63 - 1},
	} {
		body, err := wire.EncodeMessage(r)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	f.Add([]byte{})
	c := newCoordinator(Options{})
	var broken error
	c.check = func(c *Coordinator) {
		if err := c.validate(); err != nil && broken == nil {
			broken = err // written and read on the coordinator's goroutine only
		}
	}
	c.super.start(c)
	go c.loop()
	f.Cleanup(c.Close)
	reported, other := newFakeWorker(c, "reported"), newFakeWorker(c, "other")
	reported.start()
	other.start()
	f.Cleanup(func() { reported.stop(); other.stop() })

	f.Fuzz(func(t *testing.T, body []byte) {
		var rep worker.MemoryReport
		if wire.DecodeMessage(body, &rep) != nil {
			return
		}
		c.Memory(reported.w, &rep)
		if last, ok := c.LastMemory(reported.w); !ok || last.RSS != rep.RSS {
			t.Fatalf("LastMemory = %+v, %v; want the report just sent", last, ok)
		}
		_ = c.WorkerMemory()
		g, data := wideGraph(t, 4)
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
		// A status request is a barrier: once it is answered, every earlier event was handled
		// and broken (written on the coordinator's goroutine) is safe to read.
		done := make(chan struct{})
		c.do(evStatusAsked{done})
		<-done
		if err := broken; err != nil {
			t.Fatalf("invariants broken: %v", err)
		}
		c.Memory(reported.w, &worker.MemoryReport{}) // the next input starts from a resumed worker
	})
}
