package graph

import (
	"fmt"
	"reflect"
	"strings"
)

// functionIdentity returns what a pure call's key hashes for its function: the registered name,
// the signature and the version, so that a changed signature or version gives new keys. The
// signature spells out struct types field by field, so that a field added to a result type also
// gives new keys (a kept result would otherwise decode with the new field zero).
func functionIdentity(f *Function) string {
	var b strings.Builder
	b.WriteString(f.name)
	b.WriteByte('(')
	for i, p := range f.params {
		if i > 0 {
			b.WriteByte(',')
		}
		writeTypeShape(&b, p, 0)
	}
	b.WriteString(") ")
	if f.result != nil {
		writeTypeShape(&b, f.result, 0)
	}
	if f.version != "" {
		b.WriteString(" version ")
		b.WriteString(f.version)
	}
	return b.String()
}

// writeTypeShape writes t's name and, for struct types and the element types of composite
// types, their structure, a few levels deep.
func writeTypeShape(b *strings.Builder, t reflect.Type, depth int) {
	fmt.Fprint(b, t)
	if depth >= 4 {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		b.WriteByte('{')
		for i := range t.NumField() {
			f := t.Field(i)
			if i > 0 {
				b.WriteByte(';')
			}
			b.WriteString(f.Name)
			b.WriteByte(' ')
			writeTypeShape(b, f.Type, depth+1)
		}
		b.WriteByte('}')
	case reflect.Slice, reflect.Array, reflect.Pointer:
		b.WriteByte('<')
		writeTypeShape(b, t.Elem(), depth+1)
		b.WriteByte('>')
	case reflect.Map:
		b.WriteByte('<')
		writeTypeShape(b, t.Key(), depth+1)
		b.WriteByte(',')
		writeTypeShape(b, t.Elem(), depth+1)
		b.WriteByte('>')
	}
}

// ContentKeyed reports whether t's key is determined by content alone — t is a call of a pure
// function whose key was derived from the function (name, signature, version) and the arguments,
// and every argument is data or itself content-keyed — so that equal keys mean equal results in
// every process and every run (data holding functions, channels or unsafe pointers, which are
// hashed by identity, do not qualify). Only such tasks may be kept in a result store: a key that
// depends on a task number or a name chosen by the caller could name another computation in
// another run. memo caches answers for the tasks of one graph; it may be nil.
func ContentKeyed(t *Task, memo map[*Task]bool) bool {
	if t == nil || t.fn == nil || !t.fn.pure || t.fn.err != nil {
		return false
	}
	if ok, seen := memo[t]; seen {
		return ok
	}
	if memo != nil {
		memo[t] = false // a cycle is never content-keyed
	}
	ok := t.pureKey() == pureKey(t.fn, t.args)
	for _, a := range t.args {
		if !ok {
			break
		}
		if a.fn != nil {
			ok = ContentKeyed(a, memo)
		} else if _, future := a.value.(Placeholder); future {
			ok = false // stands for a value held by a cluster, not content
		} else if a.dataToken().identity {
			ok = false // holds functions or channels, whose tokens are valid in this process only
		}
	}
	if memo != nil {
		memo[t] = ok
	}
	return ok
}

// WithArgs returns a copy of call t with other arguments, under t's key: how a graph is
// rewritten when some of its tasks are replaced by known values.
func (t *Task) WithArgs(args []*Task) *Task {
	c := &Task{fn: t.fn, args: args, value: t.value, id: lastID.Add(1)}
	c.extra.Store(&taskExtra{key: t.Key()})
	return c
}
