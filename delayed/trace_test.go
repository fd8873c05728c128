package delayed_test

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/internal/tracecheck"
)

// traceFile is the part of the trace-event format a viewer needs.
type traceFile struct {
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

func TestTraceSchema(t *testing.T) {
	for _, sched := range []string{"synchronous", "threads"} {
		t.Run(sched, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "trace.json")
			parts := make([]delayed.Delayed[float64], 20)
			for i := range parts {
				parts[i] = norm2(delayed.Value(point{float64(i), 1}))
			}
			_, err := sumF(delayed.All(parts)).Compute(context.Background(),
				delayed.WithScheduler(sched), delayed.WithWorkers(3), delayed.WithTrace(path))
			if err != nil {
				t.Fatal(err)
			}
			checkTrace(t, path, 22, []int{1, 1, 20}) // All, sumF, 20 norm2
			// Spans of a function literal are named after the variable holding its wrapper.
			if data, _ := os.ReadFile(path); !strings.Contains(string(data), `"name":"delayed_test.norm2"`) {
				t.Errorf("no span named delayed_test.norm2 in %s", data)
			}
		})
	}
}

func TestTraceFromEnvironment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "env.json")
	t.Setenv(delayed.EnvTrace, path)
	if _, err := norm2(delayed.Value(point{3, 4})).Compute(context.Background()); err != nil {
		t.Fatal(err)
	}
	checkTrace(t, path, 1, []int{1})
}

func TestTraceUnwritable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no such dir", "trace.json")
	_, err := norm2(delayed.Value(point{3, 4})).Compute(context.Background(), delayed.WithTrace(path))
	if err == nil || !strings.Contains(err.Error(), "trace") {
		t.Errorf("err = %v, want an error naming the trace", err)
	}
}

// checkTrace parses the trace at path and checks its schema: tasks complete events, each with
// name, ts, dur, pid, tid and its key and function; each lane named by a thread_name event;
// perFunc is the number of spans of each function, in increasing order.
func checkTrace(t *testing.T, path string, tasks int, perFunc []int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := tracecheck.Check(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range tr.Spans {
		if s.Function != "" && strings.HasSuffix(s.Name, "norm2") && s.BytesIn == 0 {
			t.Errorf("span of %s has no bytes in", s.Key)
		}
	}
	var tf traceFile
	if err := json.Unmarshal(data, &tf); err != nil {
		t.Fatalf("trace is not JSON: %v\n%s", err, data)
	}
	lanes, named := map[int]bool{}, map[int]bool{}
	keys := map[string]bool{}
	counts := map[string]int{}
	for _, ev := range tf.TraceEvents {
		if ev.Pid == nil || ev.Tid == nil || ev.Ts == nil || ev.Name == "" {
			t.Fatalf("event without name, ts, pid or tid: %+v", ev)
		}
		switch ev.Ph {
		case "X":
			if ev.Dur == nil || *ev.Dur < 0 || *ev.Ts < 0 {
				t.Errorf("span %q: ts %v dur %v", ev.Name, ev.Ts, ev.Dur)
			}
			key, _ := ev.Args["key"].(string)
			fn, _ := ev.Args["function"].(string)
			if key == "" || fn == "" {
				t.Errorf("span %q without key or function: %v", ev.Name, ev.Args)
			}
			if keys[key] {
				t.Errorf("two spans for task %s", key)
			}
			keys[key] = true
			lanes[*ev.Tid] = true
			counts[fn]++
		case "M":
			if ev.Name == "thread_name" {
				if name, _ := ev.Args["name"].(string); !strings.HasPrefix(name, "worker ") {
					t.Errorf("thread_name %q", name)
				}
				named[*ev.Tid] = true
			}
		default:
			t.Errorf("unexpected phase %q", ev.Ph)
		}
	}
	if len(keys) != tasks {
		t.Errorf("%d spans, want one per task: %d", len(keys), tasks)
	}
	for lane := range lanes {
		if !named[lane] {
			t.Errorf("lane %d has no thread_name", lane)
		}
	}
	got := slices.Sorted(maps.Values(counts))
	if !slices.Equal(got, perFunc) {
		t.Errorf("spans per function %v, want %v (%v)", got, perFunc, counts)
	}
}
