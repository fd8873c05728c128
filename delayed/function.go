package delayed

import (
	"reflect"
	"time"

	"github.com/lazygraph/lazygraph/graph"
)

// FuncOption configures a wrapped function.
type FuncOption func(*funcOptions)

type funcOptions struct {
	name    string
	pure    bool
	retries int
	timeout time.Duration
	version string

	priority  int
	resources graph.Resources
}

// Name registers the function under name instead of the name derived from its symbol. Names
// must be unique: two different functions under one name make every graph using the second one
// fail with a *graph.DuplicateNameError.
func Name(name string) FuncOption {
	return func(o *funcOptions) { o.name = name }
}

// Pure declares that the function's result depends only on its arguments and that it has no
// side effects. Its calls then get deterministic keys (a hash of the function name and the
// arguments), so identical calls in one graph are computed once.
func Pure() FuncOption {
	return func(o *funcOptions) { o.pure = true }
}

// takesContext reports whether impl is a function taking a context.Context first.
func takesContext(impl any) bool {
	t := reflect.TypeOf(impl)
	return t != nil && t.Kind() == reflect.Func && t.NumIn() > 0 && t.In(0) == contextType
}

// Version sets a version string that is part of the keys of the function's pure calls: change
// it when the function's code changes, so that results kept by [WithCache] from the old code are
// no longer used. It has no effect on functions that are not [Pure].
func Version(v string) FuncOption {
	return func(o *funcOptions) { o.version = v }
}

func newFunction(impl any, isNil bool, invoke graph.Invoker, params []reflect.Type, result reflect.Type, opts []FuncOption) *graph.Function {
	var o funcOptions
	for _, opt := range opts {
		opt(&o)
	}
	if isNil {
		invoke = nil
	}
	return graph.NewFunction(graph.FunctionSpec{
		Name:    o.name,
		Impl:    impl,
		Invoke:  invoke,
		Params:  params,
		Result:  result,
		Pure:    o.pure,
		Version: o.version,

		TakesContext: takesContext(impl),
		Retries:      o.retries,
		Timeout:      o.timeout,
		Priority:     o.priority,
		Resources:    o.resources,
	})
}
