package delayed

import (
	"context"
	"fmt"
	"reflect"

	"github.com/lazygraph/lazygraph/graph"
)

// Wrap wraps a function of any signature through reflection: f may take a context.Context
// first, any number of parameters (variadic too), and return R or (R, error). Arguments to the
// wrapper may be plain values, Delayed values, or slices, arrays, maps and structs with Delayed
// values inside; each is checked against f's parameter types when the call is built, and a
// mismatch makes the returned Delayed carry an error naming f and the argument. Wrap is slower
// to call than the typed [Func1] and its siblings, and is meant for functions they cannot
// express.
func Wrap[R any](f any, opts ...FuncOption) func(args ...any) Delayed[R] {
	sig, err := inspect(f, reflect.TypeFor[R]())
	if err != nil {
		name := graph.SymbolName(f)
		return func(...any) Delayed[R] {
			return Delayed[R]{t: graph.Failed(name, &graph.BuildError{Err: err})}
		}
	}
	fn := newFunction(f, false, sig.invoker(), sig.params, sig.result, opts)
	return func(args ...any) Delayed[R] {
		tasks, err := sig.arguments(args)
		if err != nil {
			return Delayed[R]{t: graph.Failed(fn.Name(), &graph.BuildError{Err: fmt.Errorf("%s: %w", fn.Name(), err)})}
		}
		return Delayed[R]{t: graph.NewTask(fn, tasks)}
	}
}

// Call builds one call of f through reflection: Call[R](f, args...) is Wrap[R](f)(args...).
func Call[R any](f any, args ...any) Delayed[R] {
	return Wrap[R](f)(args...)
}

var (
	contextType = reflect.TypeFor[context.Context]()
	errorType   = reflect.TypeFor[error]()
	nodeType    = reflect.TypeFor[Node]()
)

// signature is what Wrap learned about f.
type signature struct {
	fn       reflect.Value
	takesCtx bool
	params   []reflect.Type // without the context; the last is a slice when variadic
	variadic bool
	result   reflect.Type
	hasErr   bool
}

func inspect(f any, want reflect.Type) (*signature, error) {
	v := reflect.ValueOf(f)
	if !v.IsValid() || v.Kind() != reflect.Func {
		return nil, fmt.Errorf("delayed.Wrap needs a function, got %T", f)
	}
	if v.IsNil() {
		return nil, fmt.Errorf("delayed.Wrap: nil %s", v.Type())
	}
	t := v.Type()
	s := &signature{fn: v, variadic: t.IsVariadic()}
	first := 0
	if t.NumIn() > 0 && t.In(0) == contextType {
		s.takesCtx, first = true, 1
	}
	for i := first; i < t.NumIn(); i++ {
		s.params = append(s.params, t.In(i))
	}
	switch {
	case t.NumOut() == 1:
	case t.NumOut() == 2 && t.Out(1) == errorType:
		s.hasErr = true
	default:
		return nil, fmt.Errorf("%s returns %d values; want R or (R, error)", graph.SymbolName(f), t.NumOut())
	}
	s.result = t.Out(0)
	if s.result != want && !(want.Kind() == reflect.Interface && s.result.Implements(want)) {
		return nil, fmt.Errorf("%s returns %s, which is not the %s asked for", graph.SymbolName(f), s.result, want)
	}
	return s, nil
}

// arguments turns the wrapper's arguments into tasks, one per parameter.
func (s *signature) arguments(args []any) ([]*graph.Task, error) {
	n := len(s.params)
	switch {
	case !s.variadic && len(args) != n:
		return nil, fmt.Errorf("takes %d arguments, got %d", n, len(args))
	case s.variadic && len(args) < n-1:
		return nil, fmt.Errorf("takes at least %d arguments, got %d", n-1, len(args))
	case s.variadic:
		rest := append([]any{}, args[n-1:]...)
		args = append(args[:n-1:n-1], rest)
	}
	tasks := make([]*graph.Task, n)
	for i, a := range args {
		t, err := graph.Pack(a, s.params[i], delayedRef)
		if err != nil {
			return nil, fmt.Errorf("argument %d: %w", i+1, err)
		}
		tasks[i] = t
	}
	return tasks, nil
}

// delayedRef recognises Delayed values inside arguments.
func delayedRef(v reflect.Value) (*graph.Task, reflect.Type, bool) {
	if !v.Type().Implements(nodeType) || !v.CanInterface() {
		return nil, nil, false
	}
	n, _ := v.Interface().(Node)
	if n == nil {
		return nil, nil, false
	}
	t := n.Task()
	if t == nil {
		t = graph.Failed("delayed", &graph.BuildError{Err: errZeroDelayed})
	}
	return t, n.ResultType(), true
}

func (s *signature) invoker() graph.Invoker {
	return func(ctx context.Context, args []any) (any, error) {
		in := make([]reflect.Value, 0, len(args)+1)
		if s.takesCtx {
			in = append(in, reflect.ValueOf(&ctx).Elem())
		}
		for i, a := range args {
			if a == nil {
				in = append(in, reflect.Zero(s.params[i]))
			} else {
				in = append(in, reflect.ValueOf(a))
			}
		}
		var out []reflect.Value
		if s.variadic {
			out = s.fn.CallSlice(in)
		} else {
			out = s.fn.Call(in)
		}
		if s.hasErr && !out[1].IsNil() {
			return nil, out[1].Interface().(error)
		}
		return out[0].Interface(), nil
	}
}
