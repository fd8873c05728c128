package worker

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/wire"
)

type codeErr struct{ Code int }

func (e *codeErr) Error() string { return "code " + strconv.Itoa(e.Code) }

type hidden struct{ A int }

// Functions registered while the test package initialises, as a worker would know them.
var (
	incFn = graph.NewFunction(graph.FunctionSpec{
		Name: "worker_test.inc", Impl: func(int) int { return 0 },
		Invoke: func(_ context.Context, args []any) (any, error) { return args[0].(int) + 1, nil },
		Params: []reflect.Type{reflect.TypeFor[int]()}, Result: reflect.TypeFor[int](),
	})
	describeFn = graph.NewFunction(graph.FunctionSpec{
		Name: "worker_test.describe", Impl: func(any) string { return "" },
		Invoke: func(_ context.Context, args []any) (any, error) { return fmt.Sprintf("%T:%v", args[0], args[0]), nil },
		Params: []reflect.Type{reflect.TypeFor[any]()}, Result: reflect.TypeFor[string](),
	})
	panicFn = graph.NewFunction(graph.FunctionSpec{
		Name: "worker_test.panic", Impl: func(int) int { return 0 },
		Invoke: func(_ context.Context, args []any) (any, error) {
			if args[0].(int) == 0 {
				panic("plain panic")
			}
			panic(&codeErr{Code: args[0].(int)})
		},
		Params: []reflect.Type{reflect.TypeFor[int]()}, Result: reflect.TypeFor[int](),
	})
	failFn = graph.NewFunction(graph.FunctionSpec{
		Name: "worker_test.fail", Impl: func(int) (int, error) { return 0, nil },
		Invoke: func(_ context.Context, args []any) (any, error) { return nil, &codeErr{Code: args[0].(int)} },
		Params: []reflect.Type{reflect.TypeFor[int]()}, Result: reflect.TypeFor[int](),
	})
	hideFn = graph.NewFunction(graph.FunctionSpec{
		Name: "worker_test.hide", Impl: func(int) any { return nil },
		Invoke: func(_ context.Context, args []any) (any, error) { return []any{hidden{A: args[0].(int)}}, nil },
		Params: []reflect.Type{reflect.TypeFor[int]()}, Result: reflect.TypeFor[any](),
	})
)

func init() {
	wire.RegisterError(&codeErr{})
	RegisterFunctionTypes()
}

// sink collects results.
type sink struct {
	mu      sync.Mutex
	results []Result
	changed chan struct{}
}

func newSink() *sink { return &sink{changed: make(chan struct{}, 1)} }

func (s *sink) SendResults(r *Results, _ [][]byte) error {
	s.mu.Lock()
	s.results = append(s.results, r.Items...)
	s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
	return nil
}

// wait returns the first n results, failing the test after a generous deadline.
func (s *sink) wait(t *testing.T, n int) []Result {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		s.mu.Lock()
		if len(s.results) >= n {
			out := append([]Result(nil), s.results[:n]...)
			s.mu.Unlock()
			return out
		}
		s.mu.Unlock()
		select {
		case <-s.changed:
		case <-deadline:
			t.Fatalf("waited 30s for %d results", n)
		}
	}
}

// start runs an executor until the test ends.
func start(t *testing.T) (*Executor, *sink) {
	t.Helper()
	s := newSink()
	x := NewExecutor(s, nil)
	done := make(chan error, 1)
	go func() { done <- x.Run() }()
	t.Cleanup(func() {
		x.Close()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return x, s
}

func functions() []FunctionDef {
	return []FunctionDef{
		{ID: 1, Name: incFn.Name()}, {ID: 2, Name: describeFn.Name()}, {ID: 3, Name: panicFn.Name()},
		{ID: 4, Name: failFn.Name()}, {ID: 5, Name: hideFn.Name()}, {ID: 6, Name: "worker_test.nowhere"},
	}
}

func put(t *testing.T, key uint64, x any, static reflect.Type) Put {
	t.Helper()
	v, err := wire.Encode(x, static)
	if err != nil {
		t.Fatal(err)
	}
	name, err := wire.TypeName(static)
	if err != nil {
		t.Fatal(err)
	}
	return Put{Key: key, Type: name, Body: v.Body}
}

func inline(t *testing.T, x any) Arg {
	t.Helper()
	v, err := wire.Encode(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	return Arg{Body: v.Body}
}

func decodeResult(t *testing.T, r Result, typ reflect.Type) any {
	t.Helper()
	if r.Err != nil {
		t.Fatalf("task %d failed: %v", r.Key, DecodeTaskError(r.Err))
	}
	if !r.Sent {
		t.Fatalf("task %d: result not sent", r.Key)
	}
	v, err := wire.Decode(wire.Value{Body: r.Body}, typ)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestOneValueForAnyAndIntParameters: a value put as interface{} (its first user takes any)
// serves an any parameter and an int parameter. Before, every worker died on the put with
// "type interface {} is not registered in this worker".
func TestOneValueForAnyAndIntParameters(t *testing.T) {
	x, s := start(t)
	b := &Batch{Job: 1, Functions: functions(), Puts: []Put{put(t, 100, 41, reflect.TypeFor[any]())}, Tasks: []Task{
		{Key: 1, Job: 1, Fn: 2, Args: []Arg{{Key: 100}}, Send: SendAlways},
		{Key: 2, Job: 1, Fn: 1, Args: []Arg{{Key: 100}}, Send: SendAlways},
		{Key: 3, Job: 1, Fn: 2, Args: []Arg{{Key: 2}}, Send: SendAlways}, // a task's result, as any
	}}
	if err := x.Apply(b, nil); err != nil {
		t.Fatal(err)
	}
	rs := s.wait(t, 3)
	if got := decodeResult(t, rs[0], reflect.TypeFor[string]()); got != "int:41" {
		t.Errorf("describe(v) = %v", got)
	}
	if got := decodeResult(t, rs[1], reflect.TypeFor[int]()); got != 42 {
		t.Errorf("inc(v) = %v", got)
	}
	if got := decodeResult(t, rs[2], reflect.TypeFor[string]()); got != "int:42" {
		t.Errorf("describe(inc(v)) = %v", got)
	}
	// The parent fetches a kept value as its producer's result type, any included.
	vals, _ := x.Fetch(&Fetch{Keys: []uint64{100, 2}, Types: []string{"interface {}", "int"}})
	for i, p := range vals.Puts {
		if p.Type == "" {
			t.Errorf("fetch of %d: not sent", p.Key)
			continue
		}
		typ, _ := wire.TypeByName(p.Type)
		got, err := wire.Decode(wire.Value{Body: p.Body}, typ)
		if want := []any{41, 42}[i]; err != nil || got != want {
			t.Errorf("fetch of %d = %#v, %v; want %#v", p.Key, got, err, want)
		}
	}
}

// TestUndecodableValuesFailTheirTasksOnly: a value the worker cannot rebuild (a type it does
// not know, bytes that do not decode) fails the tasks that need it, with the reason; the
// executor goes on with the rest.
func TestUndecodableValuesFailTheirTasksOnly(t *testing.T) {
	x, s := start(t)
	b := &Batch{Job: 1, Functions: functions(), Puts: []Put{
		{Key: 100, Type: "example.com/nowhere.Thing", Body: []byte{0x01}},
		{Key: 101, Type: "int", Body: []byte{0xa1, 'x'}}, // a string, not an int
		put(t, 102, 1, reflect.TypeFor[int]()),
	}, Tasks: []Task{
		{Key: 1, Job: 1, Fn: 1, Args: []Arg{{Key: 100}}},
		{Key: 2, Job: 1, Fn: 1, Args: []Arg{{Key: 101}}},
		{Key: 3, Job: 1, Fn: 1, Args: []Arg{{Key: 102}}, Send: SendAlways},
		{Key: 4, Job: 1, Fn: 1, Args: []Arg{{Body: []byte{0xc1}}}},
		{Key: 5, Job: 1, Fn: 1, Args: []Arg{{Key: 999}}},
		{Key: 6, Job: 1, Fn: 6, Args: []Arg{{Key: 102}}},
		{Key: 7, Job: 1, Fn: 1, Args: []Arg{inline(t, 10)}, Send: SendAlways},
	}}
	if err := x.Apply(b, nil); err != nil {
		t.Fatalf("Apply: %v (a bad value must not stop the worker)", err)
	}
	rs := s.wait(t, 7)
	wantErr := map[uint64]func(error) bool{
		1: func(err error) bool {
			return errors.Is(err, wire.ErrUnregisteredType) && strings.Contains(err.Error(), "example.com/nowhere.Thing")
		},
		2: func(err error) bool { return errors.Is(err, wire.ErrMalformedValue) },
		4: func(err error) bool { return errors.Is(err, wire.ErrMalformedValue) },
		5: func(err error) bool { return strings.Contains(err.Error(), "input 999 is not held") },
		6: func(err error) bool {
			return errors.Is(err, ErrUnknownFunction) && strings.Contains(err.Error(), "worker_test.nowhere")
		},
	}
	for _, r := range rs {
		check, fails := wantErr[r.Key]
		if !fails {
			if r.Err != nil {
				t.Errorf("task %d failed: %v", r.Key, DecodeTaskError(r.Err))
			}
			continue
		}
		if r.Err == nil {
			t.Errorf("task %d succeeded, want a failure", r.Key)
			continue
		}
		// As the parent sees it: lazygraph's own errors are registered, so errors.Is and
		// errors.As find them.
		if err := DecodeTaskError(r.Err); !check(err) {
			t.Errorf("task %d: %v", r.Key, err)
		}
	}
	if got := decodeResult(t, rs[2], reflect.TypeFor[int]()); got != 2 {
		t.Errorf("inc(1) = %v", got)
	}
	if got := decodeResult(t, rs[6], reflect.TypeFor[int]()); got != 11 {
		t.Errorf("inc(10) = %v", got)
	}
	if msg := rs[0].Err.Message; !strings.Contains(msg, "nowhere.Thing") || !strings.Contains(msg, "RegisterType") {
		t.Errorf("unknown type: %q, want it to name the type and how to register it", msg)
	}
	// A batch whose puts announce attachments the frame does not have is refused whole.
	if err := x.Apply(&Batch{Puts: []Put{{Key: 5, Type: "int", Attachments: 2}}}, nil); !errors.Is(err, wire.ErrMalformedValue) {
		t.Errorf("inconsistent batch: %v", err)
	}
}

// TestPanicsAndErrorsKeepTheirIdentity: a panic is recovered and reported with its stack; a
// panic with a registered error, and a returned registered error, are found by errors.As on
// the other side; every error names the worker.
func TestPanicsAndErrorsKeepTheirIdentity(t *testing.T) {
	x, s := start(t)
	b := &Batch{Job: 1, Functions: functions(), Tasks: []Task{
		{Key: 1, Job: 1, Fn: 3, Args: []Arg{inline(t, 0)}},
		{Key: 2, Job: 1, Fn: 3, Args: []Arg{inline(t, 7)}},
		{Key: 3, Job: 1, Fn: 4, Args: []Arg{inline(t, 9)}},
		{Key: 4, Job: 1, Fn: 1, Args: []Arg{inline(t, 1)}, Send: SendAlways},
	}}
	if err := x.Apply(b, nil); err != nil {
		t.Fatal(err)
	}
	rs := s.wait(t, 4)
	// Through the protocol's own encoding, as a parent receives them.
	body, err := EncodeMessage(&Results{Items: rs})
	if err != nil {
		t.Fatal(err)
	}
	var got Results
	if err := DecodeMessage(body, &got); err != nil {
		t.Fatal(err)
	}
	rs = got.Items
	worker := fmt.Sprintf("(pid %d)", os.Getpid())

	plain := DecodeTaskError(rs[0].Err)
	var pe *graph.PanicError
	if !errors.As(plain, &pe) || pe.Value != "plain panic" || !strings.Contains(string(pe.Stack), "executor_test.go") {
		t.Errorf("plain panic: %#v", plain)
	}
	thrown := DecodeTaskError(rs[1].Err)
	var ce *codeErr
	if !errors.As(thrown, &ce) || ce.Code != 7 || !errors.As(thrown, &pe) {
		t.Errorf("panic(&codeErr{7}): %v, want errors.As to find *codeErr and *PanicError", thrown)
	}
	if e, ok := pe.Value.(*codeErr); !ok || e.Code != 7 {
		t.Errorf("panic value %#v, want the *codeErr itself", pe.Value)
	}
	returned := DecodeTaskError(rs[2].Err)
	if !errors.As(returned, &ce) || ce.Code != 9 || errors.As(returned, &pe) {
		t.Errorf("returned error: %v", returned)
	}
	for _, err := range []error{plain, thrown, returned} {
		var we *WorkerError
		if !errors.As(err, &we) || !strings.Contains(err.Error(), worker) {
			t.Errorf("%v: want a *WorkerError naming %s", err, worker)
		}
	}
	if got := decodeResult(t, rs[3], reflect.TypeFor[int]()); got != 2 {
		t.Errorf("the task after the failures: %v", got)
	}
}

// TestBatchesChainsAndReleases: tasks run in order and use earlier results by key; released
// values are forgotten; a result that could not be sent later fails its task now.
func TestBatchesChainsAndReleases(t *testing.T) {
	x, s := start(t)
	const n = 600 // more than one batch of results
	tasks := []Task{{Key: 1, Job: 1, Fn: 1, Args: []Arg{inline(t, 0)}}}
	for k := uint64(2); k <= n; k++ {
		tasks = append(tasks, Task{Key: k, Job: 1, Fn: 1, Args: []Arg{{Key: k - 1}}})
	}
	tasks[n-1].Send = SendAlways
	if err := x.Apply(&Batch{Job: 1, Functions: functions(), Tasks: tasks}, nil); err != nil {
		t.Fatal(err)
	}
	rs := s.wait(t, n)
	for i, r := range rs {
		if r.Key != uint64(i+1) || r.Err != nil {
			t.Fatalf("result %d: key %d, err %v", i, r.Key, r.Err)
		}
	}
	if got := decodeResult(t, rs[n-1], reflect.TypeFor[int]()); got != n {
		t.Errorf("chain of %d incs = %v", n, got)
	}
	release := make([]uint64, n-1)
	for i := range release {
		release[i] = uint64(i + 1)
	}
	if err := x.Apply(&Batch{Job: 1, Release: release}, nil); err != nil {
		t.Fatal(err)
	}
	if err := x.Apply(&Batch{Job: 1, Tasks: []Task{
		{Key: n + 1, Job: 1, Fn: 5, Args: []Arg{inline(t, 3)}}, // kept, unsendable
		{Key: n + 2, Job: 1, Fn: 1, Args: []Arg{{Key: 1}}},     // released input
	}}, nil); err != nil {
		t.Fatal(err)
	}
	rs = s.wait(t, n+2)[n:]
	if rs[0].Err == nil || !strings.Contains(rs[0].Err.Message, "worker.hidden") || !strings.Contains(rs[0].Err.Message, "RegisterType") {
		t.Errorf("unsendable kept result: %+v", rs[0].Err)
	}
	if rs[1].Err == nil || !strings.Contains(rs[1].Err.Message, "not held") {
		t.Errorf("released input: %+v", rs[1].Err)
	}
	if held := x.Held(); held != 1 {
		t.Errorf("%d values held, want 1 (the chain's last)", held)
	}
}

// TestCancelSkipsQueuedTasks: a cancelled job's queued tasks fail as cancelled without running.
func TestCancelSkipsQueuedTasks(t *testing.T) {
	x, s := start(t)
	x.Cancel(2)
	if err := x.Apply(&Batch{Job: 2, Functions: functions(), Tasks: []Task{{Key: 1, Job: 2, Fn: 1, Args: []Arg{inline(t, 1)}}}}, nil); err != nil {
		t.Fatal(err)
	}
	r := s.wait(t, 1)[0]
	if r.Err == nil || !errors.Is(DecodeTaskError(r.Err), context.Canceled) && !strings.Contains(r.Err.Message, "canceled") {
		t.Errorf("cancelled task: %+v", r.Err)
	}
}
