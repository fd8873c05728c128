// Package tracecheck checks, for tests, that a file is a trace in the Chrome trace-event format
// (the JSON Object Format that Perfetto's UI, chrome://tracing and its about:tracing importer
// read) as lazygraph writes it: only complete events ("X") and metadata ("M"), every field a
// viewer needs with the right type, times in microseconds, and a span per task with its key,
// function and bytes in and out, on a named lane per worker where spans do not overlap.
package tracecheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Span is one task's span, as read from a trace.
type Span struct {
	Name              string
	Ts, Dur           float64 // microseconds
	Pid, Tid          int
	Key, Function     string
	BytesIn, BytesOut int64
	Error             string
}

// Trace is what Check read.
type Trace struct {
	Spans []Span
	Lanes map[int]string // thread names by tid
}

// allowed keys of an event, and of the document.
var (
	eventKeys = []string{"name", "cat", "ph", "ts", "dur", "pid", "tid", "args"}
	docKeys   = []string{"traceEvents", "displayTimeUnit"}
)

// Check parses data as a trace and checks its schema; the error lists every problem found.
func Check(data []byte) (*Trace, error) {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	for k := range doc {
		if !slices.Contains(docKeys, k) {
			bad("unknown top-level key %q", k)
		}
	}
	if unit, ok := doc["displayTimeUnit"]; ok {
		var u string
		if json.Unmarshal(unit, &u) != nil || (u != "ms" && u != "ns") {
			bad("displayTimeUnit %s: want \"ms\" or \"ns\"", unit)
		}
	}
	var events []map[string]json.RawMessage
	if err := json.Unmarshal(doc["traceEvents"], &events); err != nil || events == nil {
		return nil, fmt.Errorf("traceEvents is not an array of objects: %v", err)
	}
	tr := &Trace{Lanes: map[int]string{}}
	for n, ev := range events {
		for k := range ev {
			if !slices.Contains(eventKeys, k) {
				bad("event %d: unknown key %q", n, k)
			}
		}
		var (
			name, ph string
			pid, tid int
			ts, dur  float64
			args     map[string]any
		)
		str := func(k string, dst *string) {
			if json.Unmarshal(ev[k], dst) != nil || *dst == "" {
				bad("event %d: %s %s: want a non-empty string", n, k, ev[k])
			}
		}
		integer := func(k string, dst *int) {
			var f float64
			if json.Unmarshal(ev[k], &f) != nil || f != math.Trunc(f) || f < 0 {
				bad("event %d: %s %s: want a non-negative integer", n, k, ev[k])
			}
			*dst = int(f)
		}
		number := func(k string, dst *float64) {
			if json.Unmarshal(ev[k], dst) != nil || *dst < 0 || math.IsNaN(*dst) {
				bad("event %d: %s %s: want a non-negative number of microseconds", n, k, ev[k])
			}
		}
		str("name", &name)
		str("ph", &ph)
		integer("pid", &pid)
		integer("tid", &tid)
		if raw, ok := ev["args"]; ok {
			if json.Unmarshal(raw, &args) != nil {
				bad("event %d: args %s: want an object", n, raw)
			}
		}
		switch ph {
		case "X":
			number("ts", &ts)
			number("dur", &dur)
			s := Span{Name: name, Ts: ts, Dur: dur, Pid: pid, Tid: tid}
			s.Key, _ = args["key"].(string)
			s.Function, _ = args["function"].(string)
			s.Error, _ = args["error"].(string)
			if s.Key == "" || s.Function == "" {
				bad("span %d (%s): args %v: want a key and a function", n, name, args)
			}
			for k, dst := range map[string]*int64{"bytes_in": &s.BytesIn, "bytes_out": &s.BytesOut} {
				f, ok := args[k].(float64)
				if !ok || f < 0 || f != math.Trunc(f) {
					bad("span %d (%s): %s %v: want a non-negative integer", n, name, k, args[k])
				}
				*dst = int64(f)
			}
			tr.Spans = append(tr.Spans, s)
		case "M":
			switch name {
			case "process_name", "thread_name":
				v, ok := args["name"].(string)
				if !ok || v == "" {
					bad("metadata %d (%s): args %v: want a name", n, name, args)
				}
				if name == "thread_name" {
					tr.Lanes[tid] = v
				}
			case "thread_sort_index", "process_sort_index":
				if _, ok := args["sort_index"].(float64); !ok {
					bad("metadata %d (%s): args %v: want a sort_index", n, name, args)
				}
			default:
				bad("metadata %d: unknown name %q", n, name)
			}
		default:
			bad("event %d: phase %q: lazygraph writes only X and M", n, ph)
		}
	}
	keys := map[string]bool{}
	byLane := map[int][]Span{}
	for _, s := range tr.Spans {
		if keys[s.Key] {
			bad("two spans for task %s", s.Key)
		}
		keys[s.Key] = true
		if _, ok := tr.Lanes[s.Tid]; !ok {
			bad("span of %s on lane %d, which has no thread_name", s.Key, s.Tid)
		}
		byLane[s.Tid] = append(byLane[s.Tid], s)
	}
	// A worker runs one task at a time: spans on a lane do not overlap.
	for tid, spans := range byLane {
		slices.SortFunc(spans, func(a, b Span) int { return cmpFloat(a.Ts, b.Ts) })
		for k := 1; k < len(spans); k++ {
			prev, cur := spans[k-1], spans[k]
			if cur.Ts+1 < prev.Ts+prev.Dur { // 1 µs for rounding
				bad("lane %d: span of %s [%.1f, +%.1f] overlaps that of %s [%.1f, +%.1f]", tid, cur.Key, cur.Ts, cur.Dur, prev.Key, prev.Ts, prev.Dur)
			}
		}
	}
	if !bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
		bad("the trace does not start with an object")
	}
	if len(problems) > 0 {
		if len(problems) > 20 {
			problems = append(problems[:20], fmt.Sprintf("and %d more", len(problems)-20))
		}
		return tr, fmt.Errorf("trace schema: %s", strings.Join(problems, "; "))
	}
	return tr, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
