package schedulertest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/internal/tracecheck"
)

var (
	tracedMean = delayed.Func2(TracedMean)
	tracedNap  = delayed.Func2(TracedNap)
)

// TracedMean returns xs[0]+i after a short nap: its spans have the shared input's bytes in, and
// several of its results come back in one message.
func TracedMean(xs []float64, i int) float64 {
	time.Sleep(5 * time.Millisecond)
	return xs[0] + float64(i)
}

// TracedNap returns x after ms milliseconds.
func TracedNap(ms, x int) int {
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return x
}

// A trace of a computation of two outputs checks against the trace-event schema: one span per
// task on a named lane per worker (at most one lane per worker), starting when the worker started
// the task (so spans on a lane do not overlap, though results come back several at a time), with
// bytes in counting the shared input each task took, and bytes out the results that came back.
func (s *suite) trace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "trace.json")
	const n = 20
	xs := make([]float64, 1000)
	shared := delayed.Value(xs)
	naps := make([]delayed.Delayed[int], n)
	means := make([]delayed.Delayed[float64], n)
	meanKeys := map[string]bool{}
	for i := range n {
		naps[i] = tracedNap(delayed.Value(5), delayed.Value(i))
		means[i] = tracedMean(shared, delayed.Value(i))
		meanKeys[string(means[i].Key())] = true
	}
	_, _, err := delayed.Compute2(context.Background(), delayed.All(naps), delayed.All(means), s.opts(delayed.WithTrace(path))...)
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
	if len(tr.Spans) != 2*n+2 { // the calls and the two Alls
		t.Errorf("%d spans, want %d", len(tr.Spans), 2*n+2)
	}
	lanes := map[int]bool{}
	var out int64
	seen := 0
	for _, sp := range tr.Spans {
		lanes[sp.Tid] = true
		out += sp.BytesOut
		if !meanKeys[sp.Key] {
			continue
		}
		seen++
		if sp.BytesIn < 8*int64(len(xs)) {
			t.Errorf("span of %s: %d bytes in, want at least the shared input's %d", sp.Key, sp.BytesIn, 8*len(xs))
		}
	}
	if seen != n {
		t.Errorf("%d spans of TracedMean tasks, want %d", seen, n)
	}
	if len(lanes) == 0 || len(lanes) > s.o.Workers {
		t.Errorf("%d worker lanes, want 1 to %d", len(lanes), s.o.Workers)
	}
	if out == 0 {
		t.Error("no span has bytes out")
	}
}
