package graph

import (
	"strings"
	"testing"
)

// chainSum builds sum over n of inc(inc(i)) as a tree of adds, afresh on every call.
func chainSum(n int) *Task {
	parts := make([]*Task, n)
	for i := range parts {
		parts[i] = NewTask1(incF, NewTask1(incF, NewData(i)))
	}
	for len(parts) > 1 {
		var next []*Task
		for i := 0; i+1 < len(parts); i += 2 {
			next = append(next, NewTask2(addF, parts[i], parts[i+1]))
		}
		if len(parts)%2 == 1 {
			next = append(next, parts[len(parts)-1])
		}
		parts = next
	}
	return parts[0]
}

func renderString(t *testing.T, out *Task, o RenderOptions) string {
	t.Helper()
	p, err := Compile(out)
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	if err := RenderWith(&sb, p, o); err != nil {
		t.Fatal(err)
	}
	return sb.String()
}

func TestRenderDeterministic(t *testing.T) {
	for _, n := range []int{5, 100} { // drawn task by task, and collapsed
		a := renderString(t, chainSum(n), RenderOptions{})
		b := renderString(t, chainSum(n), RenderOptions{})
		if a != b {
			t.Errorf("n=%d: the same graph built twice renders differently:\n%s\n---\n%s", n, a, b)
		}
	}
}

func TestRenderDataLabels(t *testing.T) {
	out := NewTask2(addF, NewData(5), NewTask1(incF, NewData(make([]float64, 1000))))
	dot := renderString(t, out, RenderOptions{})
	for _, want := range []string{`label="int 5", shape=box`, `label="[]float64 len=1000", shape=box`, `label="test.add", peripheries=2`} {
		if !strings.Contains(dot, want) {
			t.Errorf("no %q in\n%s", want, dot)
		}
	}
}

func TestValueSummary(t *testing.T) {
	type point struct{ X, Y float64 }
	for _, c := range []struct {
		v    any
		want string
	}{
		{5, "int 5"},
		{2.5, "float64 2.5"},
		{true, "bool true"},
		{"abc", `string "abc"`},
		{strings.Repeat("x", 100), "string len=100"},
		{[]float64{1, 2}, "[]float64 len=2"},
		{map[string]int{"a": 1}, "map[string]int len=1"},
		{point{1, 2}, "graph.point"},
		{(*point)(nil), "*graph.point nil"},
		{nil, "nil"},
	} {
		if got := ValueSummary(c.v); got != c.want {
			t.Errorf("ValueSummary(%#v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestRenderCollapsesLargeGraphs(t *testing.T) {
	out := chainSum(100) // 100 data, 200 inc, 99 add
	dot := renderString(t, out, RenderOptions{})
	for _, want := range []string{
		`g0 [label="data int ×100", shape=box`,
		`g1 [label="test.inc ×200"`,
		`g2 [label="test.add ×99"`,
		`g0 -> g1 [label="100"]`, `g1 -> g1 [label="100"]`, `g1 -> g2 [label="100"]`, `g2 -> g2 [label="98"]`,
	} {
		if !strings.Contains(dot, want) {
			t.Errorf("no %q in\n%s", want, dot)
		}
	}
	if strings.Contains(dot, "t0") {
		t.Errorf("collapsed graph still has task nodes:\n%s", dot)
	}
	if full := renderString(t, out, RenderOptions{CollapseAbove: -1}); !strings.Contains(full, "t398") {
		t.Errorf("CollapseAbove -1 did not draw every task")
	}
}

func TestRenderStates(t *testing.T) {
	out := chainSum(3)
	p, err := Compile(out)
	if err != nil {
		t.Fatal(err)
	}
	state := func(i int32) TaskState {
		switch {
		case p.IsData(i):
			return StateUnknown
		case i == int32(p.Len()-1):
			return StateFailed
		default:
			return StateDone
		}
	}
	dot := renderString(t, out, RenderOptions{State: state})
	if n := strings.Count(dot, stateColours[StateFailed]); n != 1 {
		t.Errorf("%d failed nodes, want 1:\n%s", n, dot)
	}
	if n := strings.Count(dot, stateColours[StateDone]); n != p.Calls()-1 {
		t.Errorf("%d done nodes, want %d:\n%s", n, p.Calls()-1, dot)
	}
	collapsed := renderString(t, out, RenderOptions{State: state, CollapseAbove: 1})
	if !strings.Contains(collapsed, `test.add ×2\n1 done, 1 failed`) {
		t.Errorf("collapsed with states:\n%s", collapsed)
	}
}
