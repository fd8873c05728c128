package graph

import (
	"bufio"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// TaskState is what became of a task in a run, for colouring a rendered graph.
type TaskState uint8

// Task states, as [RenderOptions.State] reports them.
const (
	StateUnknown TaskState = iota // not run, or not known: coloured by priority order
	StateDone                     // finished
	StateFailed                   // failed
	StateSkipped                  // not run because the run stopped or a dependency failed
	StateStored                   // taken from a result store instead of run
)

var stateColours = [...]string{
	StateDone:    "#a6dba0",
	StateFailed:  "#f4a582",
	StateSkipped: "#d9d9d9",
	StateStored:  "#92c5de",
}

// DefaultCollapseAbove is how many tasks a plan may have before [Render] collapses it by
// function.
const DefaultCollapseAbove = 200

// RenderOptions adjust [RenderWith].
type RenderOptions struct {
	// State, when set, tells what became of task i in a run; tasks are filled by state. Tasks
	// whose state is StateUnknown, and all tasks when State is nil, are filled by priority
	// order: the darker, the earlier the task runs.
	State func(task int32) TaskState
	// CollapseAbove: plans with more tasks are drawn as one node per function (and per data
	// type), labelled with its count, with an edge between groups when a task of one is an
	// argument of a task of the other. 0 means DefaultCollapseAbove; negative never collapses.
	CollapseAbove int
}

// Render writes the plan in Graphviz DOT form with default options (see [RenderWith]).
func Render(w io.Writer, p *Plan) error { return RenderWith(w, p, RenderOptions{}) }

// RenderWith writes the plan in Graphviz DOT form: one node per task (ellipses for calls, labelled
// with their function; boxes for data, labelled with a short form of their value such as
// "[]float64 len=1000" or "int 5"; outputs doubled) and an edge from each argument to the task
// that uses it. Nodes are named by their index in the plan and written in plan order, so the
// same graph always gives the same bytes. Large plans are collapsed by function (see
// [RenderOptions]).
func RenderWith(w io.Writer, p *Plan, o RenderOptions) error {
	limit := o.CollapseAbove
	if limit == 0 {
		limit = DefaultCollapseAbove
	}
	bw := bufio.NewWriter(w)
	if limit > 0 && p.Len() > limit {
		renderCollapsed(bw, p, o)
	} else {
		renderTasks(bw, p, o)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	return nil
}

func renderHeader(w *bufio.Writer) {
	w.WriteString("strict digraph {\n\trankdir=BT;\n\tnode [style=filled, fontname=\"Helvetica\"];\n")
}

func renderTasks(w *bufio.Writer, p *Plan, o RenderOptions) {
	renderHeader(w)
	isOutput := make(map[int32]bool, len(p.outputs))
	for _, out := range p.outputs {
		isOutput[out] = true
	}
	for i, t := range p.tasks {
		fmt.Fprintf(w, "\tt%d [label=%s", i, dotQuote(dotLabel(t)))
		if t.fn == nil {
			w.WriteString(", shape=box")
		}
		if isOutput[int32(i)] {
			w.WriteString(", peripheries=2")
		}
		state := StateUnknown
		if o.State != nil {
			state = o.State(int32(i))
		}
		if int(state) < len(stateColours) && stateColours[state] != "" {
			fmt.Fprintf(w, ", fillcolor=%q", stateColours[state])
		} else {
			fmt.Fprintf(w, ", fillcolor=%q", priorityColour(i, len(p.tasks)))
		}
		w.WriteString("];\n")
	}
	for i := range p.tasks {
		seen := map[int32]bool{}
		for _, a := range p.Args(int32(i)) {
			if !seen[a] {
				seen[a] = true
				fmt.Fprintf(w, "\tt%d -> t%d;\n", a, i)
			}
		}
	}
	w.WriteString("}\n")
}

// priorityColour shades task i of n from a saturated blue (runs first) to a pale one (last), as
// an HSV triple Graphviz reads.
func priorityColour(i, n int) string {
	frac := 0.0
	if n > 1 {
		frac = float64(i) / float64(n-1)
	}
	return fmt.Sprintf("0.580 %.3f 1.000", 0.55-0.45*frac)
}

// renderCollapsed draws a node per function (and per data type), in order of first use in the
// plan, with an edge per pair of groups that feed each other and, when a run's states are
// known, how many tasks of the group finished and failed.
func renderCollapsed(w *bufio.Writer, p *Plan, o RenderOptions) {
	renderHeader(w)
	var (
		names  []string
		isData []bool
		counts []int
		done   []int
		failed []int
		index  = map[string]int{}
		group  = make([]int, len(p.tasks))
	)
	for i, t := range p.tasks {
		name := dotLabel(t)
		if t.fn == nil {
			name = "data " + fmt.Sprintf("%T", t.value)
		}
		g, ok := index[name]
		if !ok {
			g = len(names)
			index[name] = g
			names = append(names, name)
			isData = append(isData, t.fn == nil)
			counts, done, failed = append(counts, 0), append(done, 0), append(failed, 0)
		}
		group[i] = g
		counts[g]++
		if o.State != nil {
			switch o.State(int32(i)) {
			case StateDone, StateStored:
				done[g]++
			case StateFailed:
				failed[g]++
			}
		}
	}
	for g, name := range names {
		label := name + " ×" + strconv.Itoa(counts[g])
		if o.State != nil {
			label += fmt.Sprintf("\n%d done", done[g])
			if failed[g] > 0 {
				label += fmt.Sprintf(", %d failed", failed[g])
			}
		}
		fmt.Fprintf(w, "\tg%d [label=%s", g, dotQuote(label))
		if isData[g] {
			w.WriteString(", shape=box")
		}
		colour := priorityColour(g, len(names))
		switch {
		case failed[g] > 0:
			colour = stateColours[StateFailed]
		case o.State != nil && done[g] == counts[g]:
			colour = stateColours[StateDone]
		}
		fmt.Fprintf(w, ", fillcolor=%q];\n", colour)
	}
	type edge struct{ from, to int }
	edges := map[edge]int{}
	var order []edge
	for i := range p.tasks {
		for _, a := range p.Args(int32(i)) {
			e := edge{group[a], group[i]}
			if _, ok := edges[e]; !ok {
				order = append(order, e)
			}
			edges[e]++
		}
	}
	for _, e := range order {
		fmt.Fprintf(w, "\tg%d -> g%d [label=%q];\n", e.from, e.to, strconv.Itoa(edges[e]))
	}
	w.WriteString("}\n")
}

// dotLabel is a short label: the function's last path element, or a short form of the data.
func dotLabel(t *Task) string {
	var label string
	if t.fn == nil {
		label = ValueSummary(t.value)
	} else {
		label = t.fn.DisplayName()
		if i := strings.LastIndexByte(label, '/'); i >= 0 {
			label = label[i+1:]
		}
	}
	if len(label) > 40 {
		label = label[:37] + "..."
	}
	return label
}

// ValueSummary is a short description of a value for pictures and messages: its type, and its
// length for slices, arrays, maps and channels ("[]float64 len=1000"), or the value itself for
// numbers, booleans and short strings ("int 5", `string "abc"`).
func ValueSummary(v any) string {
	if v == nil {
		return "nil"
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map, reflect.Chan:
		return fmt.Sprintf("%T len=%d", v, rv.Len())
	case reflect.String:
		s := rv.String()
		if len(s) > 16 {
			return fmt.Sprintf("%T len=%d", v, len(s))
		}
		return fmt.Sprintf("%T %q", v, s)
	case reflect.Float32, reflect.Float64:
		return fmt.Sprintf("%T %.6g", v, rv.Float())
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return fmt.Sprintf("%T %v", v, v)
	case reflect.Pointer:
		if rv.IsNil() {
			return fmt.Sprintf("%T nil", v)
		}
	}
	return fmt.Sprintf("%T", v)
}

// dotQuote quotes s as a DOT string: quotes and backslashes escaped, newlines as \n.
func dotQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
