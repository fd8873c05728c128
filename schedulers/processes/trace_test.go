package processes_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
)

var traced = delayed.Func1(func(i int) int { return 2 * i })

// TestTrace checks that a trace of a computation on worker processes has one span per task,
// each on a lane named after the worker that ran it.
func TestTrace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "trace.json")
	const n = 30
	parts := make([]delayed.Delayed[int], n)
	for i := range parts {
		parts[i] = traced(delayed.Value(i))
	}
	if _, err := delayed.All(parts).Compute(context.Background(), opts(2, delayed.WithTrace(path))...); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var tf struct {
		TraceEvents []struct {
			Name string         `json:"name"`
			Ph   string         `json:"ph"`
			Ts   *float64       `json:"ts"`
			Dur  *float64       `json:"dur"`
			Pid  *int           `json:"pid"`
			Tid  *int           `json:"tid"`
			Args map[string]any `json:"args"`
		} `json:"traceEvents"`
	}
	if err := json.Unmarshal(data, &tf); err != nil {
		t.Fatalf("trace is not JSON: %v", err)
	}
	keys, lanes, named := map[string]bool{}, map[int]bool{}, map[int]bool{}
	for _, ev := range tf.TraceEvents {
		if ev.Name == "" || ev.Ts == nil || ev.Pid == nil || ev.Tid == nil {
			t.Fatalf("event without name, ts, pid or tid: %+v", ev)
		}
		switch ev.Ph {
		case "X":
			key, _ := ev.Args["key"].(string)
			if ev.Dur == nil || key == "" || ev.Args["function"] == nil {
				t.Errorf("span without dur, key or function: %+v", ev)
			}
			keys[key] = true
			lanes[*ev.Tid] = true
		case "M":
			if ev.Name == "thread_name" {
				named[*ev.Tid] = true
			}
		}
	}
	if len(keys) != n+1 { // the calls and All
		t.Errorf("%d spans, want %d", len(keys), n+1)
	}
	if len(lanes) == 0 || len(lanes) > 2 {
		t.Errorf("%d worker lanes, want 1 or 2", len(lanes))
	}
	for lane := range lanes {
		if !named[lane] {
			t.Errorf("lane %d not named", lane)
		}
	}
}
