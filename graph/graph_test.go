package graph

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
)

func intFunction(name string, f func(xs ...int) int, arity int) *Function {
	params := make([]reflect.Type, arity)
	for i := range params {
		params[i] = reflect.TypeFor[int]()
	}
	return NewFunction(FunctionSpec{
		Name: name,
		Impl: f,
		Invoke: func(_ context.Context, args []any) (any, error) {
			xs := make([]int, len(args))
			for i, a := range args {
				xs[i] = a.(int)
			}
			return f(xs...), nil
		},
		Params: params,
		Result: reflect.TypeFor[int](),
	})
}

var (
	incF = intFunction("test.inc", func(xs ...int) int { return xs[0] + 1 }, 1)
	addF = intFunction("test.add", func(xs ...int) int { return xs[0] + xs[1] }, 2)
)

// run executes a plan in index order, as the synchronous scheduler does.
func run(t *testing.T, p *Plan) []any {
	t.Helper()
	results := make([]any, p.Len())
	for i := range int32(p.Len()) {
		task := p.Task(i)
		if task.IsData() {
			results[i] = task.Value()
			continue
		}
		var args []any
		for _, a := range p.Args(i) {
			if a >= i {
				t.Fatalf("task %d has argument %d: order is not topological", i, a)
			}
			args = append(args, results[a])
		}
		v, err := task.Func().Call(context.Background(), args)
		if err != nil {
			t.Fatal(err)
		}
		results[i] = v
	}
	out := make([]any, len(p.Outputs()))
	for k, o := range p.Outputs() {
		out[k] = results[o]
	}
	return out
}

func TestCompileCullsAndOrdersDepthFirst(t *testing.T) {
	one := NewData(1)
	a := NewTask1(incF, one)
	b := NewTask1(incF, a)
	unused := NewTask1(incF, b)
	c := NewTask2(addF, a, b)
	_ = unused
	p, err := Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	if p.Len() != 4 || p.Calls() != 3 {
		t.Fatalf("plan has %d nodes, %d calls; want 4, 3 (unused culled)", p.Len(), p.Calls())
	}
	if got := run(t, p); got[0] != 5 {
		t.Fatalf("result %v, want 5", got[0])
	}
	if !slices.Equal(p.Initial(), []int32{1}) {
		t.Errorf("initially ready %v, want [1]", p.Initial())
	}
	if users := p.Users(1); len(users) != 2 {
		t.Errorf("a has users %v, want b and c", users)
	}
}

func TestCompileBranchesFinishInTurn(t *testing.T) {
	var branches []*Task
	for i := range 3 {
		x := NewTask1(incF, NewData(i))
		branches = append(branches, NewTask1(incF, NewTask1(incF, x)))
	}
	top := NewTask2(addF, NewTask2(addF, branches[0], branches[1]), branches[2])
	p, err := Compile(top)
	if err != nil {
		t.Fatal(err)
	}
	// Each branch (data, inc, inc, inc) is numbered contiguously before the next starts.
	pos := map[*Task]int32{}
	for i := range int32(p.Len()) {
		pos[p.Task(i)] = i
	}
	for k, b := range branches {
		last := pos[b]
		first := last - 3
		for i := first; i <= last; i++ {
			if p.Task(i).IsData() != (i == first) {
				t.Errorf("branch %d is not contiguous at %d", k, i)
			}
		}
	}
}

func TestCompileReportsCycleKeys(t *testing.T) {
	b := NewBuilder()
	b.Data("x", 1)
	b.Call("a", incF, Ref("c"))
	b.Call("b", incF, Ref("a"))
	b.Call("c", addF, Ref("b"), Ref("x"))
	b.Call("out", incF, Ref("a"))
	tasks, err := b.Tasks("out")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(tasks...)
	var ce *CycleError
	if !errors.As(err, &ce) || !errors.Is(err, ErrInvalidGraph) {
		t.Fatalf("err = %v, want a CycleError", err)
	}
	if len(ce.Keys) != 4 || ce.Keys[0] != ce.Keys[3] {
		t.Fatalf("cycle keys %v, want a closed path of three tasks", ce.Keys)
	}
	for _, k := range []Key{"a", "b", "c"} {
		if !slices.Contains(ce.Keys, k) {
			t.Errorf("cycle %v misses %s", ce.Keys, k)
		}
	}
	if !strings.Contains(err.Error(), " -> ") {
		t.Errorf("message %q does not show the path", err)
	}
}

func TestBuilderMissingDependencyNamesBothKeys(t *testing.T) {
	b := NewBuilder()
	b.Call("y", addF, 1, Ref("gone"))
	_, err := b.Tasks("y")
	var me *MissingDependencyError
	if !errors.As(err, &me) || me.Task != "y" || me.Missing != "gone" {
		t.Fatalf("err = %v, want y depends on gone", err)
	}
	if !strings.Contains(err.Error(), "y") || !strings.Contains(err.Error(), "gone") {
		t.Errorf("message %q does not name both keys", err)
	}
}

func TestBuilderDuplicateKey(t *testing.T) {
	b := NewBuilder()
	b.Data("x", 1)
	b.Data("x", 2)
	if _, err := b.Tasks("x"); !errors.Is(err, ErrInvalidGraph) {
		t.Fatalf("err = %v, want an invalid-graph error for a key added twice", err)
	}
}

func TestBuilderNestedReferences(t *testing.T) {
	sumF := NewFunction(FunctionSpec{
		Name: "test.sumMap",
		Impl: func(map[string][]int) int { return 0 },
		Invoke: func(_ context.Context, args []any) (any, error) {
			total := 0
			for _, xs := range args[0].(map[string][]int) {
				for _, x := range xs {
					total += x
				}
			}
			return total, nil
		},
		Params: []reflect.Type{reflect.TypeFor[map[string][]int]()},
		Result: reflect.TypeFor[int](),
	})
	b := NewBuilder()
	b.Data("one", 1)
	b.Call("two", incF, Ref("one"))
	b.Call("total", sumF, map[string][]any{"a": {Ref("one"), 10}, "b": {Ref("two")}})
	tasks, err := b.Tasks("total")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(tasks...)
	if err != nil {
		t.Fatal(err)
	}
	if got := run(t, p); got[0] != 13 {
		t.Fatalf("total = %v, want 13", got[0])
	}
}

func TestPackRejectsWrongTypesWithPath(t *testing.T) {
	refOf := func(reflect.Value) (*Task, reflect.Type, bool) { return nil, nil, false }
	_, err := Pack([]any{1, "x"}, reflect.TypeFor[[]int](), refOf)
	if err == nil || !strings.Contains(err.Error(), "[1]") || !strings.Contains(err.Error(), "string") {
		t.Fatalf("err = %v, want it to name element [1] and its type", err)
	}
	task, err := Pack([]int{1, 2}, reflect.TypeFor[[]int](), refOf)
	if err != nil || !task.IsData() {
		t.Fatalf("a literal without references should be a data node: %v, %v", task, err)
	}
}

func TestPureCallsMerge(t *testing.T) {
	pureInc := NewFunction(FunctionSpec{
		Name:   "test.pureInc",
		Impl:   func(int) int { return 0 },
		Invoke: incF.invoke,
		Params: incF.params,
		Result: incF.result,
		Pure:   true,
	})
	a := NewTask1(pureInc, NewData(41))
	b := NewTask1(pureInc, NewData(41))
	c := NewTask1(pureInc, NewData(40))
	if a.Key() != b.Key() || a.Key() == c.Key() {
		t.Fatalf("keys %s %s %s: equal calls must share a key, different ones not", a.Key(), b.Key(), c.Key())
	}
	p, err := Compile(NewTask2(addF, a, b))
	if err != nil {
		t.Fatal(err)
	}
	if p.Calls() != 2 {
		t.Errorf("plan has %d calls, want 2 (the two pure calls merged)", p.Calls())
	}
	if got := run(t, p); got[0] != 84 {
		t.Errorf("result %v, want 84", got[0])
	}
}

func TestSharedLiteralsMerge(t *testing.T) {
	big := make([]float64, 1000)
	lenF := NewFunction(FunctionSpec{
		Name:   "test.len",
		Impl:   func([]float64) int { return 0 },
		Invoke: func(_ context.Context, args []any) (any, error) { return len(args[0].([]float64)), nil },
		Params: []reflect.Type{reflect.TypeFor[[]float64]()},
		Result: reflect.TypeFor[int](),
	})
	var calls []*Task
	for range 8 {
		calls = append(calls, NewTask1(lenF, NewData(big))) // a new data node each time
	}
	p, err := Compile(calls...)
	if err != nil {
		t.Fatal(err)
	}
	if p.Len() != 9 {
		t.Fatalf("plan has %d nodes, want 8 calls and 1 data node", p.Len())
	}
}

func TestConcurrentCompilesOfOneGraph(t *testing.T) {
	x := NewData(0)
	for range 2000 {
		x = NewTask2(addF, NewTask1(incF, x), NewData(1))
	}
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				p, err := Compile(x)
				if err != nil {
					t.Error(err)
					return
				}
				if p.Calls() != 4000 || p.Len() != 6001 {
					t.Errorf("goroutine %d: plan of %d nodes, %d calls", g, p.Len(), p.Calls())
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestTrackerReadyAndRelease(t *testing.T) {
	one := NewData(1)
	a := NewTask1(incF, one)
	b := NewTask2(addF, a, a)
	p, err := Compile(b)
	if err != nil {
		t.Fatal(err)
	}
	tr := NewTracker(p)
	ia, ib := int32(1), int32(2)
	if tr.Waiting(ib) != 2 {
		t.Fatalf("b waits for %d arguments, want 2 (a twice)", tr.Waiting(ib))
	}
	if ready := tr.Finish(ia, nil); !slices.Equal(ready, []int32{ib}) {
		t.Fatalf("after a, ready %v, want [b]", ready)
	}
	if freed := tr.Release(ia, nil); !slices.Equal(freed, []int32{0}) {
		t.Fatalf("after a, freed %v, want the data node", freed)
	}
	if freed := tr.Release(ib, nil); !slices.Equal(freed, []int32{ia}) {
		t.Fatalf("after b, freed %v, want a (used twice)", freed)
	}
	if tr.Uses(ib) != 1 {
		t.Errorf("output b has %d uses left, want 1: outputs are never freed", tr.Uses(ib))
	}
}

func TestCallRecoversPanics(t *testing.T) {
	boom := errors.New("boom")
	f := NewFunction(FunctionSpec{
		Name:   "test.panics",
		Impl:   func() {},
		Invoke: func(context.Context, []any) (any, error) { panic(boom) },
	})
	_, err := f.Call(context.Background(), nil)
	var pe *PanicError
	if !errors.As(err, &pe) || !errors.Is(err, boom) || len(pe.Stack) == 0 {
		t.Fatalf("err = %v, want a PanicError wrapping boom with a stack", err)
	}
}

func TestBuildErrors(t *testing.T) {
	nilArg := NewTask1(incF, nil)
	if _, err := Compile(nilArg); !errors.Is(err, ErrInvalidGraph) {
		t.Errorf("nil argument: err = %v", err)
	}
	wrongArity := NewTask2(incF, NewData(1), NewData(2))
	if _, err := Compile(wrongArity); err == nil || !strings.Contains(err.Error(), "takes 1 arguments, got 2") {
		t.Errorf("wrong arity: err = %v", err)
	}
	if _, err := Compile(nil); !errors.Is(err, ErrInvalidGraph) {
		t.Errorf("nil output: err = %v", err)
	}
	nilFn := NewFunction(FunctionSpec{Impl: (func(int) int)(nil), Invoke: incF.invoke})
	if _, err := Compile(NewTask1(nilFn, NewData(1))); err == nil || !strings.Contains(err.Error(), "nil") {
		t.Errorf("nil function: err = %v", err)
	}
}

func TestTokenizeIsDeterministicAndTyped(t *testing.T) {
	type point struct{ X, Y float64 }
	cases := []any{1, int64(1), "1", []float64{1, 2}, [2]float64{1, 2}, map[string]int{"a": 1, "b": 2}, &point{1, 2}, nil}
	seen := map[string]any{}
	for _, v := range cases {
		tok := Tokenize(v)
		if prev, dup := seen[tok]; dup {
			t.Errorf("%#v and %#v share a token", prev, v)
		}
		seen[tok] = v
		if Tokenize(v) != tok {
			t.Errorf("token of %#v changed", v)
		}
	}
	if Tokenize(map[string]int{"b": 2, "a": 1}) != Tokenize(map[string]int{"a": 1, "b": 2}) {
		t.Error("equal maps have different tokens")
	}
	type cyclic struct{ Next *cyclic }
	c := &cyclic{}
	c.Next = c
	_ = Tokenize(c) // must terminate
}

func TestRenderDOT(t *testing.T) {
	a := NewTask1(incF, NewData(1))
	p, err := Compile(NewTask2(addF, a, a))
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	if err := Render(&sb, p); err != nil {
		t.Fatal(err)
	}
	dot := sb.String()
	for _, want := range []string{"digraph", "test.inc", "test.add", "box", "int 1", "t1 -> t2;"} {
		if !strings.Contains(dot, want) {
			t.Errorf("DOT output lacks %q:\n%s", want, dot)
		}
	}
}
