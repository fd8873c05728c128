package delayed

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/lazygraph/lazygraph/graph"
)

// EnvTrace names a file to write a trace of every computation to (see [WithTrace]).
const EnvTrace = "LAZYGRAPH_TRACE"

// WithTrace writes a trace of the computation to path when it ends, in the Chrome trace-event
// JSON format that Perfetto's UI (https://ui.perfetto.dev) and chrome://tracing open: one span
// per task on a lane per worker, named by the task's function, with the task's key and
// function (and its error, when it failed) among the span's arguments. An empty path turns
// tracing off. The file is written also when the computation fails; failing to write it is an
// error of the computation.
//
// A span starts when the task's call began and lasts as long as the call, both measured where
// it ran: on processes and distributed by the worker, whose clock (on another machine) may be
// set differently from this one's. Its arguments are the task's "key" and "function", its
// "bytes_in" and "bytes_out" (see [TaskInfo]) and its "error" when it failed.
func WithTrace(path string) Option {
	return func(s *settings) {
		s.trace = path
		s.assign(settingTrace, nil)
	}
}

func traceFromEnvironment(s *settings) {
	if v, ok := os.LookupEnv(EnvTrace); ok && v != "" {
		s.trace = strings.TrimSpace(v)
		s.assign(settingTrace, nil)
	}
}

// traceEvent is one event of the trace-event format: "X" a complete event (a span with a start
// ts and a duration dur, both in microseconds), "M" metadata naming a process or thread.
type traceEvent struct {
	Name string         `json:"name"`
	Cat  string         `json:"cat,omitempty"`
	Ph   string         `json:"ph"`
	Ts   float64        `json:"ts"`
	Dur  *float64       `json:"dur,omitempty"`
	Pid  int            `json:"pid"`
	Tid  int            `json:"tid"`
	Args map[string]any `json:"args,omitempty"`
}

// tracer collects the spans of one computation from its callbacks.
type tracer struct {
	path      string
	mu        sync.Mutex
	start     time.Time
	scheduler string
	events    []traceEvent
	workers   map[int]bool
}

func newTracer(path string) *tracer {
	return &tracer{path: path, start: time.Now(), workers: make(map[int]bool)}
}

// tracePid is the one process lane of a trace: workers are its threads.
const tracePid = 1

func (tr *tracer) callbacks() Callbacks {
	return Callbacks{
		Start: func(info ComputeInfo) {
			tr.mu.Lock()
			defer tr.mu.Unlock()
			tr.scheduler = info.Scheduler
		},
		TaskEnd: tr.taskEnd,
	}
}

func (tr *tracer) taskEnd(info TaskInfo) {
	var begin time.Duration
	if info.Start.IsZero() {
		begin = max(time.Since(tr.start)-info.Elapsed, 0)
	} else {
		begin = max(info.Start.Sub(tr.start), 0)
	}
	dur := micros(info.Elapsed)
	args := map[string]any{"key": string(info.Key), "function": info.Func, "bytes_in": info.BytesIn, "bytes_out": info.BytesOut}
	if info.Err != nil {
		args["error"] = info.Err.Error()
	}
	name := info.Func
	if fn, ok := graph.Lookup(info.Func); ok {
		name = fn.DisplayName()
	}
	ev := traceEvent{Name: shortFuncName(name), Cat: "task", Ph: "X", Ts: micros(begin), Dur: &dur,
		Pid: tracePid, Tid: traceTid(info.Worker), Args: args}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.events = append(tr.events, ev)
	tr.workers[info.Worker] = true
}

// traceTid is worker w's lane: numbered from 1, as some viewers treat thread 0 specially.
func traceTid(w int) int { return w + 1 }

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// shortFuncName is a function's name without its package path: "stats.fit" for
// "example.com/m/stats.fit".
func shortFuncName(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// write writes the trace file: metadata naming the lanes, then the spans by worker and start.
func (tr *tracer) write() error {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	events := slices.Clone(tr.events)
	slices.SortStableFunc(events, func(a, b traceEvent) int {
		return cmp.Or(cmp.Compare(a.Tid, b.Tid), cmp.Compare(a.Ts, b.Ts))
	})
	meta := []traceEvent{{Name: "process_name", Ph: "M", Pid: tracePid,
		Args: map[string]any{"name": "lazygraph " + tr.scheduler}}}
	workers := make([]int, 0, len(tr.workers))
	for w := range tr.workers {
		workers = append(workers, w)
	}
	slices.Sort(workers)
	for _, w := range workers {
		meta = append(meta,
			traceEvent{Name: "thread_name", Ph: "M", Pid: tracePid, Tid: traceTid(w),
				Args: map[string]any{"name": fmt.Sprintf("worker %d", w)}},
			traceEvent{Name: "thread_sort_index", Ph: "M", Pid: tracePid, Tid: traceTid(w),
				Args: map[string]any{"sort_index": w}})
	}
	doc := struct {
		TraceEvents     []traceEvent `json:"traceEvents"`
		DisplayTimeUnit string       `json:"displayTimeUnit"`
	}{append(meta, events...), "ms"}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("lazygraph trace: %w", err)
	}
	if err := os.WriteFile(tr.path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("lazygraph trace: %w", err)
	}
	return nil
}
