package dashboard_test

import (
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/dashboard"
)

// BenchmarkSnapshot is what one event of the stream costs while a wide graph runs on two
// workers: a snapshot with a full share of new tasks, encoded as the page receives it.
func BenchmarkSnapshot(b *testing.B) {
	plan, err := graph.Compile(wide(100_000).Task())
	if err != nil {
		b.Fatal(err)
	}
	c := dashboard.NewCollector("bench")
	r := c.Begin(plan, "threads", 2, nil)
	defer r.Finish(nil)
	start := time.Now()
	next := int32(0)
	b.ReportAllocs()
	for b.Loop() {
		// 2000 tasks since the last snapshot, as at 8000 tasks/s and 4 snapshots/s.
		for range 2000 {
			for plan.IsData(next) {
				next = (next + 1) % int32(plan.Len())
			}
			w := int(next) % 2
			r.TaskStarted(next, w)
			r.TaskDone(next, w, start, time.Microsecond, nil)
			next = (next + 1) % int32(plan.Len())
		}
		var cur dashboard.Cursor
		if err := json.NewEncoder(io.Discard).Encode(c.Snapshot(&cur)); err != nil {
			b.Fatal(err)
		}
	}
}
