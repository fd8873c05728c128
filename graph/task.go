package graph

import (
	"fmt"
	"reflect"
	"strconv"
	"sync/atomic"
	"unsafe"
)

// Task is one node of a task graph: a data node holding a value, or a call of a [Function]
// whose arguments are the results of other tasks. Tasks are immutable once made and may be
// shared by any number of graphs and goroutines.
type Task struct {
	fn    *Function // nil for a data node
	args  []*Task
	value any
	id    uint64
	mark  atomic.Uint64             // compile scratch: see compile.go
	extra atomic.Pointer[taskExtra] // rarely needed fields, nil for most tasks
}

// taskExtra holds what most tasks do not need, to keep Task small.
type taskExtra struct {
	key   Key                       // explicit or pure key
	drift bool                      // a pure key built on an argument's unstable key (see StableKey)
	token atomic.Pointer[dataToken] // content token of a data node, computed on first use
}

// lastID numbers tasks; a task's default key is its function name and this number.
var lastID atomic.Uint64

// NewData returns a data node holding v. Its result is v itself.
func NewData(v any) *Task {
	return &Task{value: v, id: lastID.Add(1)}
}

// NewDataKey returns a data node with an explicit key.
func NewDataKey(key Key, v any) *Task {
	t := NewData(v)
	t.extra.Store(&taskExtra{key: key})
	return t
}

// NewTask returns a call of fn with args, taking ownership of the args slice. A nil argument, or a
// function that cannot be used, makes a task that [Compile] rejects with a *[BuildError].
// A pure function's task gets a key derived from the function name and the arguments' keys and
// contents, so identical pure calls share one key.
func NewTask(fn *Function, args []*Task) *Task {
	t := &Task{fn: fn, args: args}
	t.init()
	return t
}

// NewTask1 is NewTask for one argument, allocating the task and its argument list together.
func NewTask1(fn *Function, a *Task) *Task {
	t := &taskWith1{}
	t.argv = [1]*Task{a}
	t.args = t.argv[:]
	t.fn = fn
	t.init()
	return &t.Task
}

// NewTask2 is NewTask for two arguments, allocating the task and its argument list together.
func NewTask2(fn *Function, a, b *Task) *Task {
	t := &taskWith2{}
	t.argv = [2]*Task{a, b}
	t.args = t.argv[:]
	t.fn = fn
	t.init()
	return &t.Task
}

// NewTask3 is NewTask for three arguments, allocating the task and its argument list together.
func NewTask3(fn *Function, a, b, c *Task) *Task {
	t := &taskWith3{}
	t.argv = [3]*Task{a, b, c}
	t.args = t.argv[:]
	t.fn = fn
	t.init()
	return &t.Task
}

type (
	taskWith1 struct {
		Task
		argv [1]*Task
	}
	taskWith2 struct {
		Task
		argv [2]*Task
	}
	taskWith3 struct {
		Task
		argv [3]*Task
	}
)

func (t *Task) init() {
	t.id = lastID.Add(1)
	if err := t.check(); err != nil {
		t.fn = failedFunction(t.fn, err)
		return
	}
	if t.fn.pure {
		t.extra.Store(&taskExtra{key: pureKey(t.fn, t.args), drift: !stableArgs(t.args)})
	}
}

// NewTaskKey returns a call of fn with args under an explicit key.
func NewTaskKey(key Key, fn *Function, args []*Task) *Task {
	t := NewTask(fn, args)
	t.extra.Store(&taskExtra{key: key})
	return t
}

// Failed returns a task that [Compile] rejects with err: how builders report a call they could
// not construct (wrong argument types, say) without failing at the call site.
func Failed(name string, err error) *Task {
	return &Task{fn: failedFunction(&Function{name: name}, err), id: lastID.Add(1)}
}

func (t *Task) check() error {
	if t.fn == nil {
		return fmt.Errorf("task has no function")
	}
	if t.fn.err != nil {
		return t.fn.err
	}
	if t.fn.params != nil && len(t.args) != len(t.fn.params) {
		return fmt.Errorf("%s takes %d arguments, got %d", t.fn.name, len(t.fn.params), len(t.args))
	}
	for i, a := range t.args {
		if a == nil {
			return fmt.Errorf("argument %d of %s is an uninitialised value (a zero Delayed?)", i+1, t.fn.name)
		}
	}
	return nil
}

func failedFunction(fn *Function, err error) *Function {
	name := "invalid"
	if fn != nil {
		name = fn.name
	}
	if _, ok := err.(*BuildError); !ok {
		err = &BuildError{Err: err}
	}
	return &Function{name: name, err: err}
}

// Key returns the task's key: the explicit or pure key it was made with, or otherwise its
// function name and a number unique in this process ("main.inc-42"; "data-7" for data).
func (t *Task) Key() Key {
	if x := t.extra.Load(); x != nil && x.key != "" {
		return x.key
	}
	if t.fn == nil {
		return Key("data-" + strconv.FormatUint(t.id, 10))
	}
	return Key(t.fn.name + "-" + strconv.FormatUint(t.id, 10))
}

// IsData reports whether t is a data node.
func (t *Task) IsData() bool { return t.fn == nil }

// Func returns the task's function, nil for a data node.
func (t *Task) Func() *Function { return t.fn }

// Args returns the task's arguments. The slice must not be modified.
func (t *Task) Args() []*Task { return t.args }

// Value returns a data node's value.
func (t *Task) Value() any { return t.value }

// Err returns why the task cannot run (a *[BuildError]), or nil.
func (t *Task) Err() error {
	if t.fn == nil {
		return nil
	}
	if err := t.fn.err; err != nil {
		if be, ok := err.(*BuildError); ok && be.Key == "" {
			return &BuildError{Key: t.Key(), Err: be.Err}
		}
		return err
	}
	return nil
}

// dataToken is a data node's content token, and whether hashing it met functions, channels or
// unsafe pointers, which are hashed by identity: such a token is stable within one process only.
type dataToken struct {
	token    string
	identity bool
}

func isPlaceholderPointer(v any) bool {
	_, ok := v.(Placeholder)
	return ok && reflect.ValueOf(v).Kind() == reflect.Pointer
}

// contentToken returns a data node's content token, computing it once.
func (t *Task) contentToken() string { return t.dataToken().token }

func (t *Task) dataToken() *dataToken {
	x := t.extra.Load()
	if x == nil {
		t.extra.CompareAndSwap(nil, &taskExtra{})
		x = t.extra.Load()
	}
	if p := x.token.Load(); p != nil {
		return p
	}
	h := newTokenHasher()
	if v := reflect.ValueOf(t.value); isPlaceholderPointer(t.value) {
		// A future stands for a value held elsewhere, and holds a live connection: hash it
		// by identity, never by walking into it.
		h.writeString(v.Type().String())
		h.writeUint64(uint64(v.Pointer()))
		h.identity = true
	} else {
		h.value(v, 0, nil)
	}
	tok := &dataToken{token: h.sum(), identity: h.identity}
	x.token.Store(tok)
	return tok
}

// pureKey returns a pure call's key, "" for other tasks.
func (t *Task) pureKey() Key {
	if x := t.extra.Load(); x != nil {
		return x.key
	}
	return ""
}

func pureKey(fn *Function, args []*Task) Key {
	h := newTokenHasher()
	if fn.ident != "" {
		h.writeString(fn.ident)
	} else {
		h.writeString(fn.name)
	}
	for _, a := range args {
		if a.fn == nil {
			h.writeString(a.contentToken())
		} else {
			h.writeKey(a)
		}
	}
	return Key(fn.name + "-" + h.sum())
}

// writeKey writes call a's key as writeString(string(a.Key())) would, without making the string
// of a numbered key (an All over many tasks would otherwise allocate twice per task).
func (t *tokenHasher) writeKey(a *Task) {
	if x := a.extra.Load(); x != nil && x.key != "" {
		t.writeString(string(x.key))
		return
	}
	num := strconv.AppendUint(append(t.num[:0], '-'), a.id, 10) // in the hasher: no allocation
	t.writeUint64(uint64(len(a.fn.name) + len(num)))
	t.h.Write(unsafe.Slice(unsafe.StringData(a.fn.name), len(a.fn.name)))
	t.h.Write(num)
}
