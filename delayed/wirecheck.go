package delayed

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/internal/worker"
	"github.com/lazygraph/lazygraph/schedulers"
)

// EnvCheck turns the wire check on for every computation when set to 1 or true (see
// [WithWireCheck]).
const EnvCheck = "LAZYGRAPH_CHECK"

// WithWireCheck makes the local schedulers (synchronous, threads) pass every task's arguments,
// result and error through the encoding that carries them to and from worker processes, and
// use what comes out: what would fail or arrive different on the processes or distributed
// schedulers (a value of an unregistered type in an interface-typed place, a struct with
// unexported fields, an error type that is not registered) fails or differs on threads first,
// with the same error. It costs an encoding and a decoding per argument and result; use it in
// tests and while developing. LAZYGRAPH_CHECK=1 turns it on for every computation. The
// processes and distributed schedulers always encode and ignore it.
func WithWireCheck() Option {
	return func(s *settings) { s.wireCheck = true }
}

// wireCheckHook returns the hook for a computation with settings s, or nil.
func wireCheckHook(s *settings) schedulers.CallHook {
	if !s.wireCheck && !envCheck() {
		return nil
	}
	registerTypes.Do(worker.RegisterFunctionTypes)
	return wireCheck{}
}

var registerTypes sync.Once

func envCheck() bool {
	v := strings.TrimSpace(os.Getenv(EnvCheck))
	on, err := strconv.ParseBool(v)
	return err == nil && on
}

// wireCheck is the hook: arguments, result and error through the wire and back.
type wireCheck struct{}

var _ schedulers.CallHook = wireCheck{}

func (wireCheck) Call(ctx context.Context, fn *graph.Function, args []any) (any, error) {
	if fn.Builtin() && !fn.Portable() {
		// Assembled where the computation was submitted, on every scheduler.
		return fn.Call(ctx, args)
	}
	for i, a := range args {
		t := fn.ParamType(i)
		v, err := roundTrip(a, t)
		if err != nil {
			return nil, fmt.Errorf("an argument cannot be sent to worker processes: %w", err)
		}
		args[i] = v
	}
	v, err := fn.Call(ctx, args)
	if err != nil {
		rec := worker.EncodeTaskError(err)
		return nil, worker.DecodeTaskError(&rec)
	}
	result := fn.Result()
	if result == nil {
		result = reflect.TypeFor[any]()
	}
	out, err := roundTrip(v, result)
	if err != nil {
		return nil, fmt.Errorf("its result of type %T cannot be sent to another process: %w", v, err)
	}
	return out, nil
}

func roundTrip(x any, static reflect.Type) (any, error) {
	enc, err := wire.Encode(x, static)
	if err != nil {
		return nil, err
	}
	return wire.Decode(enc, static)
}

// checkData is the check the processes and distributed schedulers make before anything runs:
// every data node's value, as the parameter of its first user takes it, can be rebuilt by a
// worker. The error names that user.
func checkData(plan *graph.Plan) error {
	for i := range int32(plan.Len()) {
		if !plan.IsData(i) {
			continue
		}
		value := plan.Task(i).Value()
		if _, ok := value.(graph.Placeholder); ok {
			continue
		}
		for _, u := range plan.Users(i) {
			fn := plan.Task(u).Func()
			if fn.Builtin() && !fn.Portable() {
				break // assembled where the computation was submitted
			}
			k := slices.Index(plan.Args(u), i)
			if err := wire.CheckValue(value, fn.ParamType(k)); err != nil {
				return &graph.TaskError{Key: plan.Task(u).Key(), Func: fn.Name(),
					Err: fmt.Errorf("an argument cannot be sent to worker processes: %w", err)}
			}
			break
		}
	}
	return nil
}
