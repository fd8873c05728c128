package distributed_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/internal/tracecheck"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// TestTrace checks a trace of a computation on a distributed cluster against the trace-event
// schema: one span per task on a named lane per worker, starting when the worker started the
// task (spans on a lane do not overlap), with bytes in counting the shared input each task took
// and bytes out the results that came back.
func TestTrace(t *testing.T) {
	tc := newTestCluster(t, 2)
	path := filepath.Join(t.TempDir(), "trace.json")
	const n = 20
	xs := make([]float64, 1000)
	shared := delayed.Value(xs)
	parts := make([]delayed.Delayed[int], n)
	for i := range parts {
		parts[i] = napThen(delayed.Value(5), delayed.Value(i))
	}
	means := make([]delayed.Delayed[float64], n)
	for i := range means {
		means[i] = meanOf(shared, delayed.Value(i))
	}
	_, _, err := delayed.Compute2(context.Background(), delayed.All(parts), delayed.All(means),
		delayed.WithScheduler(distributed.Name), delayed.WithAddress(tc.file), delayed.WithTrace(path))
	if err != nil {
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
	if len(tr.Spans) != 2*n+2 {
		t.Errorf("%d spans, want %d", len(tr.Spans), 2*n+2)
	}
	var out int64
	for _, s := range tr.Spans {
		if s.Name == "distributed_test.meanOf" && s.BytesIn < 8*int64(len(xs)) {
			t.Errorf("span of %s: %d bytes in, want at least the shared input's %d", s.Key, s.BytesIn, 8*len(xs))
		}
		out += s.BytesOut
	}
	if out == 0 {
		t.Error("no span has bytes out")
	}
}
