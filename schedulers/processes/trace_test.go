package processes_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/internal/tracecheck"
)

// tracedMean takes a large shared input, so that its spans have bytes in, and sleeps a little, so
// that several of its results come back in one message.
var tracedMean = delayed.Func2(func(xs []float64, i int) float64 {
	time.Sleep(5 * time.Millisecond)
	return xs[0] + float64(i)
})

// TestTrace checks a trace of a computation on worker processes against the trace-event schema:
// one span per task on a named lane per worker, starting when the worker started the task (so
// spans on a lane do not overlap, though results come back several at a time), with bytes in
// counting the shared input each task took.
func TestTrace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "trace.json")
	const n = 30
	xs := make([]float64, 1000)
	shared := delayed.Value(xs)
	parts := make([]delayed.Delayed[float64], n)
	for i := range parts {
		parts[i] = tracedMean(shared, delayed.Value(i))
	}
	if _, err := delayed.All(parts).Compute(context.Background(), opts(2, delayed.WithTrace(path))...); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := tracecheck.Check(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Spans) != n+1 { // the calls and All
		t.Errorf("%d spans, want %d", len(tr.Spans), n+1)
	}
	lanes := map[int]bool{}
	for _, s := range tr.Spans {
		lanes[s.Tid] = true
		if s.Name == "processes_test.tracedMean" && s.BytesIn < 8*int64(len(xs)) {
			t.Errorf("span of %s: %d bytes in, want at least the shared input's %d", s.Key, s.BytesIn, 8*len(xs))
		}
	}
	if len(lanes) == 0 || len(lanes) > 2 {
		t.Errorf("%d worker lanes, want 1 or 2", len(lanes))
	}
}
