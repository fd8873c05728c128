package graph

import (
	"fmt"
	"reflect"
)

// Ref refers to the task with the given key from an argument given to [Builder.Call]. Refs may be
// nested inside slices, arrays, maps and struct fields of an argument.
type Ref Key

// Builder assembles a graph the way Dask's low-level graphs are written: tasks named by key,
// arguments that refer to other tasks by key. [Builder.Tasks] resolves the references, reporting
// missing dependencies; [Compile] then reports cycles.
type Builder struct {
	entries map[Key]*builderEntry
	keys    []Key
	err     error
}

type builderEntry struct {
	fn    *Function
	args  []any
	value any
	task  *Task
}

// NewBuilder returns an empty builder.
func NewBuilder() *Builder {
	return &Builder{entries: make(map[Key]*builderEntry)}
}

// Data adds a data node.
func (b *Builder) Data(key Key, value any) {
	b.add(key, &builderEntry{value: value})
}

// Call adds a call of fn. Each argument is a [Ref], a literal, or a value with Refs inside.
func (b *Builder) Call(key Key, fn *Function, args ...any) {
	b.add(key, &builderEntry{fn: fn, args: args})
}

func (b *Builder) add(key Key, e *builderEntry) {
	if _, dup := b.entries[key]; dup && b.err == nil {
		b.err = &BuildError{Key: key, Err: fmt.Errorf("key %s was added twice", key)}
	}
	b.entries[key] = e
	b.keys = append(b.keys, key)
}

// Tasks resolves every reference and returns the tasks with the given keys. A reference to a
// key that was never added is a *[MissingDependencyError] naming both keys.
func (b *Builder) Tasks(keys ...Key) ([]*Task, error) {
	if b.err != nil {
		return nil, b.err
	}
	for _, k := range b.keys {
		e := b.entries[k]
		if e.task != nil {
			continue
		}
		if e.fn == nil {
			e.task = NewDataKey(k, e.value)
		} else {
			// Allocated now, arguments filled below, so that references may form any shape
			// (cycles included, which Compile reports).
			e.task = &Task{fn: e.fn, id: lastID.Add(1)}
			e.task.extra.Store(&taskExtra{key: k})
		}
	}
	for _, k := range b.keys {
		e := b.entries[k]
		if e.fn == nil || e.task.args != nil {
			continue
		}
		args := make([]*Task, len(e.args))
		for i, a := range e.args {
			t, err := b.resolve(k, e.fn, i, a)
			if err != nil {
				return nil, err
			}
			args[i] = t
		}
		e.task.args = args
		if err := e.task.check(); err != nil {
			e.task.fn = failedFunction(e.fn, &BuildError{Key: k, Err: err})
		}
	}
	out := make([]*Task, len(keys))
	for i, k := range keys {
		e, ok := b.entries[k]
		if !ok {
			return nil, &MissingDependencyError{Task: "(output)", Missing: k}
		}
		out[i] = e.task
	}
	return out, nil
}

func (b *Builder) resolve(user Key, fn *Function, i int, arg any) (*Task, error) {
	if ref, ok := arg.(Ref); ok {
		e, ok := b.entries[Key(ref)]
		if !ok {
			return nil, &MissingDependencyError{Task: user, Missing: Key(ref)}
		}
		return e.task, nil
	}
	target := reflect.TypeFor[any]()
	if fn.params != nil && i < len(fn.params) {
		target = fn.params[i]
	} else if fn.elem != nil {
		target = fn.elem
	}
	var missing error
	refOf := func(v reflect.Value) (*Task, reflect.Type, bool) {
		if v.Type() != refType {
			return nil, nil, false
		}
		e, ok := b.entries[Key(v.String())]
		if !ok {
			if missing == nil {
				missing = &MissingDependencyError{Task: user, Missing: Key(v.String())}
			}
			return NewData(nil), target, true
		}
		result := target
		if e.fn != nil && e.fn.result != nil {
			result = e.fn.result
		} else if e.fn == nil && e.value != nil {
			result = reflect.TypeOf(e.value)
		}
		return e.task, result, true
	}
	t, err := Pack(arg, target, refOf)
	if missing != nil {
		return nil, missing
	}
	if err != nil {
		return nil, &BuildError{Key: user, Err: fmt.Errorf("argument %d: %w", i+1, err)}
	}
	return t, nil
}

var refType = reflect.TypeFor[Ref]()
