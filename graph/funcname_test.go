package graph_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/lazygraph/lazygraph/graph"
)

func literalFunction(impl func(int) int) *graph.Function {
	return graph.NewFunction(graph.FunctionSpec{
		Impl:   impl,
		Invoke: func(_ context.Context, args []any) (any, error) { return impl(args[0].(int)), nil },
		Params: []reflect.Type{reflect.TypeFor[int]()},
		Result: reflect.TypeFor[int](),
	})
}

var fitModel = literalFunction(func(x int) int { return x + 1 })

func TestDisplayNameOfAnonymousFunctions(t *testing.T) {
	if !graph.IsAnonymous(fitModel.Name()) {
		t.Fatalf("registered name %q is not a function literal's", fitModel.Name())
	}
	if got, want := fitModel.DisplayName(), "github.com/lazygraph/lazygraph/graph_test.fitModel"; got != want {
		t.Errorf("DisplayName() = %q, want %q", got, want)
	}
	local := literalFunction(
		func(x int) int { return x - 1 }) // no variable on the literal's line
	if local.DisplayName() != local.Name() {
		t.Errorf("DisplayName() = %q, want the registered name %q", local.DisplayName(), local.Name())
	}
	named := graph.NewFunction(graph.FunctionSpec{Name: "test.named.func1", Impl: func() {}, Invoke: func(context.Context, []any) (any, error) { return nil, nil }})
	if named.DisplayName() != "test.named.func1" {
		t.Errorf("an explicit name was replaced: %q", named.DisplayName())
	}
}

func TestTaskErrorSuggestsNamingAnonymousFunctions(t *testing.T) {
	err := &graph.TaskError{Key: "k", Func: fitModel.Name(), Err: errors.New("boom")}
	if !strings.Contains(err.Error(), "delayed.Name") {
		t.Errorf("message %q does not suggest delayed.Name", err.Error())
	}
	named := &graph.TaskError{Key: "k", Func: "stats.fit", Err: errors.New("boom")}
	if strings.Contains(named.Error(), "delayed.Name") {
		t.Errorf("message %q suggests a name for a named function", named.Error())
	}
}
