package graph

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

// Invoker calls a wrapped function with its arguments, which arrive in parameter order and already
// have the parameter types (a nil interface stands for a nil value). ctx is the computation's
// context; functions that do not take a context ignore it.
type Invoker func(ctx context.Context, args []any) (any, error)

// FunctionSpec describes a function to wrap: what [NewFunction] needs.
type FunctionSpec struct {
	// Name is the stable name the function is registered under. Empty means derived from Impl's
	// symbol, such as "github.com/you/stats.fitModel".
	Name string
	// Impl is the user's function value. It names the function and tells two wrappers of the same
	// function apart from wrappers of different closures; it is never called through reflection.
	Impl any
	// Invoke calls Impl.
	Invoke Invoker
	// Params and Result are the parameter types (without a leading context.Context) and the
	// result type. Worker processes decode arguments into these types.
	Params []reflect.Type
	Result reflect.Type
	// Pure declares that the function's result depends only on its arguments, so calls with equal
	// arguments get the same key and are computed once.
	Pure bool
	// TakesContext says that Impl takes a context.Context first: schedulers then give each of its
	// tasks a context carrying the task's random stream (see [WithTaskStream]).
	TakesContext bool
	// Retries is how many times a failed call is run again (0: as the computation says), and
	// Timeout how long one attempt may run (0: no limit); see [Policy].
	Retries int
	Timeout time.Duration
	// Version is part of a pure function's task keys: change it when the function's code changes
	// so that results kept in a result store by the old code are no longer used.
	Version string
	// Priority orders the function's ready tasks before those of lower priority (default 0);
	// ties go in the plan's order.
	Priority int
	// Resources are what each call needs while it runs (see [Resources]); nil for none.
	Resources Resources
}

// Function is a callable that tasks refer to. Create one with [NewFunction]; it is immutable and
// safe for concurrent use.
type Function struct {
	name      string
	invoke    Invoker
	params    []reflect.Type
	result    reflect.Type
	pure      bool
	ctx       bool
	policy    Policy
	portable  bool
	builtin   bool
	elem      reflect.Type // builtin slice: the type of every argument
	version   string
	ident     string // what pure keys hash for the function: name, signature and version
	err       error
	priority  int
	resources Resources
	pc        uintptr // entry of the function when its name was derived from its symbol; see DisplayName
}

// NewFunction wraps spec and registers it by name (see [Register]). A problem with the function,
// such as a name already taken by another function, does not fail here: it is kept and reported
// by [Compile] for every graph that uses the function, before any task runs.
func NewFunction(spec FunctionSpec) *Function {
	f := &Function{
		name:    spec.Name,
		invoke:  spec.Invoke,
		params:  spec.Params,
		result:  spec.Result,
		pure:    spec.Pure,
		ctx:     spec.TakesContext,
		policy:  Policy{Retries: spec.Retries, Timeout: spec.Timeout},
		version: spec.Version,

		priority:  spec.Priority,
		resources: spec.Resources.Clone(),
	}
	if f.name == "" {
		f.name = SymbolName(spec.Impl)
		f.pc = implPC(spec.Impl)
	}
	if f.invoke == nil || isNilFunc(spec.Impl) {
		f.err = &BuildError{Err: fmt.Errorf("%s: no function to call (nil)", f.name)}
		return f
	}
	if spec.Retries < 0 || spec.Timeout < 0 {
		f.err = &BuildError{Err: fmt.Errorf("%s: retries %d and timeout %v: want 0 or more", f.name, spec.Retries, spec.Timeout)}
		return f
	}
	if err := spec.Resources.Validate(); err != nil {
		f.err = &BuildError{Err: fmt.Errorf("%s: %w", f.name, err)}
		return f
	}
	f = register(f, spec.Impl, spec.Name != "")
	f.ident = functionIdentity(f)
	return f
}

// Name is the function's registered name.
func (f *Function) Name() string { return f.name }

// Params returns the parameter types (without a leading context.Context).
func (f *Function) Params() []reflect.Type { return f.params }

// ParamType returns the type argument i is decoded into.
func (f *Function) ParamType(i int) reflect.Type {
	if f.elem != nil {
		return f.elem
	}
	return f.params[i]
}

// Elem returns the type of every argument of a builtin gathering its arguments into a slice
// ([SliceFunction]), nil for other functions.
func (f *Function) Elem() reflect.Type { return f.elem }

// Result returns the result type.
func (f *Function) Result() reflect.Type { return f.result }

// Version returns the version string the function was declared with ("" if none).
func (f *Function) Version() string { return f.version }

// Pure reports whether the function was declared pure.
func (f *Function) Pure() bool { return f.pure }

// Policy returns the function's failure policy.
func (f *Function) Policy() Policy { return f.policy }

// Priority returns the function's priority (0 unless declared).
func (f *Function) Priority() int { return f.priority }

// Resources returns what each call of the function needs while it runs (nil for none). Do not
// modify it.
func (f *Function) Resources() Resources { return f.resources }

// TakesContext reports whether the function takes a context.Context first.
func (f *Function) TakesContext() bool { return f.ctx }

// Portable reports whether worker processes know the function by name: it was registered while
// packages were being initialised (a package-level variable), so every process running the same
// binary registers it too. Closures made at run time are not portable; they run on the local
// schedulers only.
func (f *Function) Portable() bool { return f.portable }

// Builtin reports whether the function is one of lazygraph's own (such as the one that gathers
// results into a slice) rather than a user function.
func (f *Function) Builtin() bool { return f.builtin }

// Err returns why the function cannot be used, or nil.
func (f *Function) Err() error { return f.err }

// Call invokes the function. A panic inside it is recovered and returned as a *[PanicError]
// carrying the panic value and the goroutine's stack.
func (f *Function) Call(ctx context.Context, args []any) (result any, err error) {
	defer func() {
		if r := recover(); r != nil {
			result, err = nil, &PanicError{Value: r, Stack: debug.Stack()}
		}
	}()
	return f.invoke(ctx, args)
}

func isNilFunc(impl any) bool {
	v := reflect.ValueOf(impl)
	return !v.IsValid() || (v.Kind() == reflect.Func && v.IsNil())
}

// SymbolName returns the fully qualified name of a function value, such as "main.inc" or
// "github.com/you/stats.fitModel", with the "-fm" suffix of method values removed. It returns
// "func" for nil and a type name for values that are not functions.
func SymbolName(impl any) string {
	v := reflect.ValueOf(impl)
	if !v.IsValid() || v.Kind() != reflect.Func {
		return fmt.Sprintf("%T", impl)
	}
	if v.IsNil() {
		return v.Type().String()
	}
	rf := runtime.FuncForPC(v.Pointer())
	if rf == nil {
		return v.Type().String()
	}
	return strings.TrimSuffix(rf.Name(), "-fm")
}
