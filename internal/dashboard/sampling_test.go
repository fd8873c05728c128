package dashboard_test

import (
	"context"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
)

// On threads, the short tasks of a large graph are timed by sample, and still every task is
// counted: done equals total for each function, nothing is left running, and the durations
// shown come from the timed tasks alone. (n additions, their gathering and their sum.)
func TestCollectorCountsSampledTasks(t *testing.T) {
	l, addr := openLocal(t)
	const n = 20_000
	v, err := wide(n).Compute(context.Background(), delayed.WithDashboard(addr), delayed.WithScheduler("threads"),
		delayed.WithWorkers(2))
	if err != nil || v != n*(n+1)/2 {
		t.Fatalf("Compute = %v, %v", v, err)
	}
	s := l.Collector.Snapshot(nil)
	var done, timed int64
	for _, f := range s.Functions {
		if f.Done != f.Total || f.Running != 0 || f.Queued != 0 || f.Failed != 0 {
			t.Errorf("%s: %+v after the computation", f.Name, f)
		}
		var inBuckets int64
		for _, b := range f.Buckets {
			inBuckets += b
		}
		if inBuckets != f.Timed || f.Timed > f.Done || (f.Timed > 0) != (f.TotalNs > 0) {
			t.Errorf("%s: %d timed, %d in the duration buckets, %d done, %dns", f.Name, f.Timed, inBuckets, f.Done, f.TotalNs)
		}
		done += f.Done
		timed += f.Timed
	}
	if done != n+2 {
		t.Errorf("%d tasks done, want %d", done, n+2)
	}
	if timed == 0 || timed == done {
		t.Errorf("%d of %d tasks timed: want a sample of these short tasks", timed, done)
	}
	var workersDone int64
	for _, w := range s.Workers {
		workersDone += w.Done
		if w.Running != 0 {
			t.Errorf("worker %+v running after the computation", w)
		}
	}
	if workersDone != n+2 {
		t.Errorf("the workers did %d tasks, want %d", workersDone, n+2)
	}
	t.Logf("%d of %d tasks timed", timed, done)
}
