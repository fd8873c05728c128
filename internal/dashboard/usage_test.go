package dashboard_test

import (
	"context"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
)

// On processes, the local dashboard shows each worker process's resident memory and CPU, as the
// workers report them (every second).
func TestCollectorShowsWorkerProcessUsage(t *testing.T) {
	l, addr := openLocal(t)
	v, err := smallGraph().Compute(context.Background(), delayed.WithDashboard(addr), delayed.WithScheduler("processes"),
		delayed.WithWorkers(2))
	if err != nil || v != 36000 {
		t.Fatalf("Compute = %v, %v", v, err)
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) { // a hang guard
		s := l.Collector.Snapshot(nil)
		ready := len(s.Workers) == 2
		for _, w := range s.Workers {
			ready = ready && w.RSS > 0 && w.CPU >= 0
		}
		if ready {
			for _, w := range s.Workers {
				if w.RSS < 1<<20 || w.RSS > 1<<40 || w.CPU > 64 {
					t.Errorf("%s: RSS %d, CPU %.3f: implausible", w.Name, w.RSS, w.CPU)
				}
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the workers' memory and CPU never showed: %+v", s.Workers)
		}
	}
}
