package graph

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

// TestPackConvertsNestedContainersAlike: a sub-container without references is checked and
// converted element by element, like one with references ([][]any{{x, y}, {7}} for [][]int).
// Before, {7} was compared as a whole ([]any against []int) and refused.
func TestPackConvertsNestedContainersAlike(t *testing.T) {
	sumF := NewFunction(FunctionSpec{
		Name: "test.sumNested",
		Impl: func([][]int) int { return 0 },
		Invoke: func(_ context.Context, args []any) (any, error) {
			total := 0
			for _, xs := range args[0].([][]int) {
				for _, x := range xs {
					total += x
				}
			}
			return total, nil
		},
		Params: []reflect.Type{reflect.TypeFor[[][]int]()},
		Result: reflect.TypeFor[int](),
	})
	b := NewBuilder()
	b.Data("one", 1)
	b.Call("two", incF, Ref("one"))
	b.Call("total", sumF, [][]any{{Ref("one"), Ref("two")}, {7}, nil, {}})
	tasks, err := b.Tasks("total")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(tasks...)
	if err != nil {
		t.Fatal(err)
	}
	if got := run(t, p); got[0] != 10 {
		t.Fatalf("total = %v, want 10", got[0])
	}

	refOf := func(reflect.Value) (*Task, reflect.Type, bool) { return nil, nil, false }
	task, err := Pack([][]any{{1, 2}, {7}}, reflect.TypeFor[[][]int](), refOf)
	if err != nil || !task.IsData() || !reflect.DeepEqual(task.Value(), [][]int{{1, 2}, {7}}) {
		t.Fatalf("Pack([][]any of ints) = %#v, %v; want a [][]int data node", task, err)
	}
	task, err = Pack(map[string]any{"a": []any{1}}, reflect.TypeFor[map[string][]int](), refOf)
	if err != nil || !reflect.DeepEqual(task.Value(), map[string][]int{"a": {1}}) {
		t.Fatalf("Pack(map of []any) = %#v, %v", task, err)
	}
	if _, err := Pack([][]any{{1}, {"x"}}, reflect.TypeFor[[][]int](), refOf); err == nil || !strings.Contains(err.Error(), "[1][0]") {
		t.Fatalf("err = %v, want it to name element [1][0]", err)
	}
}
