package graph_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/lazygraph/lazygraph/graph"
)

// add is a function as package delayed wraps them, written out by hand.
var add = graph.NewFunction(graph.FunctionSpec{
	Name: "example.add",
	Impl: func(a, b int) int { return a + b },
	Invoke: func(_ context.Context, args []any) (any, error) {
		return args[0].(int) + args[1].(int), nil
	},
	Params: []reflect.Type{reflect.TypeFor[int](), reflect.TypeFor[int]()},
	Result: reflect.TypeFor[int](),
})

func ExampleCompile() {
	one, two := graph.NewData(1), graph.NewData(2)
	three := graph.NewTask2(add, one, two)
	six := graph.NewTask2(add, three, three)
	_ = graph.NewTask2(add, six, one) // not needed for six: culled
	plan, err := graph.Compile(six)
	fmt.Println(plan.Len(), plan.Calls(), err)
	fmt.Println(plan.Args(int32(plan.Len() - 1)))
	// Output:
	// 4 2 <nil>
	// [2 2]
}

func ExampleBuilder() {
	b := graph.NewBuilder()
	b.Data("x", 20)
	b.Call("y", add, graph.Ref("x"), 1)
	b.Call("z", add, graph.Ref("y"), graph.Ref("nowhere"))
	_, err := b.Tasks("z")
	var missing *graph.MissingDependencyError
	fmt.Println(errors.As(err, &missing), missing.Task, missing.Missing)
	// Output: true z nowhere
}

func ExampleCycleError() {
	b := graph.NewBuilder()
	b.Call("a", add, graph.Ref("b"), 1)
	b.Call("b", add, graph.Ref("a"), 1)
	tasks, _ := b.Tasks("a")
	_, err := graph.Compile(tasks...)
	fmt.Println(err)
	// Output: task graph has a cycle: a -> b -> a
}

func ExampleNewTracker() {
	x := graph.NewTask2(add, graph.NewData(1), graph.NewData(2))
	plan, _ := graph.Compile(graph.NewTask2(add, x, x))
	tr := graph.NewTracker(plan)
	// Run tasks in index order, as the synchronous scheduler does.
	for _, i := range plan.Initial() {
		fmt.Println("ready:", i, "then", tr.Finish(i, nil))
	}
	// Output: ready: 2 then [3]
}

func ExampleRender() {
	plan, _ := graph.Compile(graph.NewTask2(add, graph.NewData(1), graph.NewData(2)))
	var dot strings.Builder
	if err := graph.Render(&dot, plan); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.HasPrefix(dot.String(), "strict digraph"), strings.Contains(dot.String(), "example.add"))
	// Output: true true
}

func ExampleTokenize() {
	a, b := graph.Tokenize([]float64{1, 2}), graph.Tokenize([]float64{1, 2}) // two equal values
	fmt.Println(a == b)
	fmt.Println(graph.Tokenize(1) == graph.Tokenize(int64(1))) // types count
	// Output:
	// true
	// false
}

func ExampleNewFunction() {
	// Package delayed makes these from typed wrappers; by hand, a Function says how to call the
	// user's function and with which types, under a stable name.
	negate := graph.NewFunction(graph.FunctionSpec{
		Name: "example.negate",
		Impl: func(x int) int { return -x },
		Invoke: func(_ context.Context, args []any) (any, error) {
			return -args[0].(int), nil
		},
		Params: []reflect.Type{reflect.TypeFor[int]()},
		Result: reflect.TypeFor[int](),
	})
	v, err := negate.Call(context.Background(), []any{5})
	fmt.Println(negate.Name(), v, err)
	// Output: example.negate -5 <nil>
}

func ExamplePack() {
	// A map whose values are partly results of other tasks becomes a task assembling it.
	three := graph.NewTask2(add, graph.NewData(1), graph.NewData(2))
	refOf := func(v reflect.Value) (*graph.Task, reflect.Type, bool) {
		t, ok := v.Interface().(*graph.Task)
		return t, reflect.TypeFor[int](), ok
	}
	packed, err := graph.Pack(map[string]any{"a": three, "b": 10}, reflect.TypeFor[map[string]int](), refOf)
	if err != nil {
		fmt.Println(err)
		return
	}
	plan, _ := graph.Compile(packed)
	fmt.Println(plan.Calls(), packed.Func().Name())
	// Output: 2 lazygraph.pack
}
