package graph

import (
	"context"
	"reflect"
	"testing"
)

func pureFunction(name, version string, params ...reflect.Type) *Function {
	return NewFunction(FunctionSpec{
		Name:    name,
		Impl:    func() {},
		Invoke:  func(context.Context, []any) (any, error) { return 0, nil },
		Params:  params,
		Result:  reflect.TypeFor[int](),
		Pure:    true,
		Version: version,
	})
}

func TestContentKeyed(t *testing.T) {
	intT, anyT := reflect.TypeFor[int](), reflect.TypeFor[any]()
	f := pureFunction("test.f", "", intT)
	memo := map[*Task]bool{}
	if !ContentKeyed(NewTask(f, []*Task{NewData(1)}), memo) {
		t.Error("a pure call of data is not content-keyed")
	}
	if !ContentKeyed(NewTask(f, []*Task{NewTask(f, []*Task{NewData(1)})}), memo) {
		t.Error("a pure call of a pure call of data is not content-keyed")
	}
	if ContentKeyed(NewTask(f, []*Task{NewTask(incF, []*Task{NewData(1)})}), memo) {
		t.Error("a pure call of an impure call is content-keyed: its key holds a task number")
	}
	if ContentKeyed(NewTaskKey("mine", f, []*Task{NewData(1)}), memo) {
		t.Error("a call under an explicit key is content-keyed")
	}
	g := pureFunction("test.g", "", anyT)
	if ContentKeyed(NewTask(g, []*Task{NewData(func() {})}), memo) {
		t.Error("a call of a function value (hashed by identity) is content-keyed")
	}
	if ContentKeyed(NewTask(g, []*Task{NewData(map[string]any{"c": make(chan int)})}), memo) {
		t.Error("a call of a channel inside a map (hashed by identity) is content-keyed")
	}
	if ContentKeyed(NewData(1), memo) || ContentKeyed(NewTask(incF, []*Task{NewData(1)}), memo) {
		t.Error("data or an impure call is content-keyed")
	}
}

func TestPureKeyCoversVersionAndSignature(t *testing.T) {
	intT, floatT := reflect.TypeFor[int](), reflect.TypeFor[float64]()
	key := func(f *Function) Key { return NewTask(f, []*Task{NewData(1)}).Key() }
	base := key(pureFunction("test.k", "", intT))
	if key(pureFunction("test.k", "", intT)) != base {
		t.Fatal("equal functions give different keys")
	}
	if key(pureFunction("test.k", "2", intT)) == base {
		t.Error("the version is not part of the key")
	}
	if key(pureFunction("test.k", "", floatT)) == base {
		t.Error("the signature is not part of the key")
	}
	if key(pureFunction("test.other", "", intT)) == base {
		t.Error("the name is not part of the key")
	}
}

// rowBefore and rowAfter return two types that print alike ("graph.row") but whose fields differ,
// as one type does before and after a field is added to it.
func rowBefore() reflect.Type {
	type row struct{ A float64 }
	return reflect.TypeFor[row]()
}

func rowAfter() reflect.Type {
	type row struct {
		A float64
		B float64
	}
	return reflect.TypeFor[row]()
}

func TestPureKeyCoversResultStructure(t *testing.T) {
	if rowBefore().String() != rowAfter().String() {
		t.Fatalf("the test needs types that print alike: %s, %s", rowBefore(), rowAfter())
	}
	mk := func(result reflect.Type) Key {
		f := NewFunction(FunctionSpec{Name: "test.shape", Impl: func() {}, Pure: true, Result: result,
			Invoke: func(context.Context, []any) (any, error) { return nil, nil }})
		return NewTask(f, nil).Key()
	}
	if mk(rowBefore()) == mk(rowAfter()) {
		t.Error("a field added to the result type keeps the key: a kept result would decode without it")
	}
}

func TestWriteKeyMatchesKey(t *testing.T) {
	for _, a := range []*Task{NewTask(incF, []*Task{NewData(1)}), NewTaskKey("explicit", incF, []*Task{NewData(1)})} {
		h1, h2 := newTokenHasher(), newTokenHasher()
		h1.writeString(string(a.Key()))
		h2.writeKey(a)
		if h1.sum() != h2.sum() {
			t.Errorf("writeKey of %s differs from writing its key", a.Key())
		}
	}
}
