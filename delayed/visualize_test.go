package delayed_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
)

var failOnNegative = delayed.Func1E(func(x float64) (float64, error) {
	if x < 0 {
		return 0, errors.New("negative")
	}
	return x, nil
})

func buildSum(n int) delayed.Delayed[float64] {
	parts := make([]delayed.Delayed[float64], n)
	for i := range parts {
		parts[i] = norm2(delayed.Value(point{float64(i), 1}))
	}
	return sumF(delayed.All(parts))
}

func TestVisualizeDeterministic(t *testing.T) {
	for _, n := range []int{10, 300} { // drawn task by task, and collapsed by function
		var a, b bytes.Buffer
		if err := delayed.Visualize(&a, buildSum(n)); err != nil {
			t.Fatal(err)
		}
		if err := delayed.Visualize(&b, buildSum(n)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("n=%d: the same graph built twice gives different DOT:\n%s\n---\n%s", n, a.String(), b.String())
		}
	}
}

func TestVisualizeLabelsAndCollapse(t *testing.T) {
	var small, large bytes.Buffer
	if err := delayed.Visualize(&small, sumF(delayed.Value([]float64{1, 2, 3}))); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(small.String(), `label="[]float64 len=3", shape=box`) {
		t.Errorf("data not labelled by its value:\n%s", small.String())
	}
	if err := delayed.Visualize(&large, buildSum(300)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(large.String(), "×300") || strings.Count(large.String(), "\n") > 20 {
		t.Errorf("300 calls not collapsed by function:\n%s", large.String())
	}
}

func TestVisualizeStatesAfterARun(t *testing.T) {
	good, bad := failOnNegative(delayed.Value(1.0)), failOnNegative(delayed.Value(-1.0))
	out := sumF(delayed.All([]delayed.Delayed[float64]{good, bad}))
	states := delayed.NewTaskStates()
	_, err := out.Compute(context.Background(), delayed.WithCallbacks(states.Callbacks()), delayed.WithKeepGoing())
	if err == nil {
		t.Fatal("no failure")
	}
	var dot bytes.Buffer
	if err := delayed.VisualizeWith(&dot, delayed.VisualizeOptions{States: states}, out); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(dot.String(), `fillcolor="#f4a582"`); n != 1 {
		t.Errorf("%d failed nodes, want 1:\n%s", n, dot.String())
	}
	if n := strings.Count(dot.String(), `fillcolor="#a6dba0"`); n != 1 {
		t.Errorf("%d done nodes, want 1:\n%s", n, dot.String())
	}
}
