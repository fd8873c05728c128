package cluster

import (
	"testing"

	"github.com/lazygraph/lazygraph/internal/worker"
)

// Workers' resident memory and CPU reach the telemetry from their reports: a usage report (a
// worker without a budget) as well as a memory report. A usage report changes nothing else: it
// is not a memory record and pauses nothing.
func TestTelemetryWorkerUsage(t *testing.T) {
	c := newChecked(t, Options{})
	a, b := newFakeWorker(c, "a"), newFakeWorker(c, "b")
	a.start()
	b.start()
	t.Cleanup(func() { a.stop(); b.stop() })
	byName := func() map[string]WorkerTelemetry {
		out := map[string]WorkerTelemetry{}
		for _, w := range c.Telemetry(0).Workers {
			out[w.Name] = w
		}
		return out
	}
	if ws := byName(); ws["a"].RSS != -1 || ws["a"].CPU != -1 || ws["b"].RSS != -1 {
		t.Fatalf("before any report: %+v, want RSS and CPU unknown (-1)", ws)
	}
	c.Memory(a.w, &worker.MemoryReport{Usage: true, RSS: 100 << 20, PeakRSS: 120 << 20, CPU: 1e9, Paused: true})
	c.Memory(b.w, &worker.MemoryReport{Limit: 1 << 30, RSS: 50 << 20, CPU: 5e8})
	ws := byName()
	if ws["a"].RSS != 100<<20 || ws["a"].CPU != -1 || ws["b"].RSS != 50<<20 || ws["b"].CPU != -1 {
		t.Fatalf("after one report each: %+v, want a 100 MiB, b 50 MiB, CPU unknown", ws)
	}
	c.Memory(a.w, &worker.MemoryReport{Usage: true, RSS: 110 << 20, CPU: 3e9})
	c.Memory(b.w, &worker.MemoryReport{Limit: 1 << 30, RSS: 60 << 20, CPU: 5e8})
	ws = byName()
	if ws["a"].RSS != 110<<20 || ws["a"].CPU <= 0 || ws["b"].RSS != 60<<20 || ws["b"].CPU != 0 {
		t.Fatalf("after two reports each: %+v, want a 110 MiB busy, b 60 MiB idle", ws)
	}
	mem := c.WorkerMemory()
	if len(mem) != 1 || mem[0].Worker != "b" {
		t.Errorf("memory records %+v: want b's alone (a sent usage reports)", mem)
	}
	// a's usage report said Paused (no worker does): it still takes tasks.
	g, data := wideGraph(t, 200)
	o := newFakeOwner(data)
	c.Submit(&Job{Graph: g, Owner: o})
	if err := wait(t, o); err != nil {
		t.Fatal(err)
	}
	if got := completedBy(c); got["a"] == 0 {
		t.Errorf("a usage report paused worker a: %v", got)
	}
}
