package graph

import (
	"context"
	"fmt"
	"reflect"
	"sync"
)

// SliceFunctionName is the name of the builtin function that gathers its arguments into a slice.
const SliceFunctionName = "lazygraph.slice"

// PackFunctionName is the name of the builtin function that rebuilds a user value (slice, map,
// struct) in which some elements were references to other tasks.
const PackFunctionName = "lazygraph.pack"

// SliceFunction returns the builtin function gathering its arguments, each of type elem, into a
// []elem. fast, when not nil, does the same without reflection (typed callers pass a generic
// one); otherwise a reflective invoker is used. Every process can rebuild it from the result type,
// so it runs on workers like a registered function.
func SliceFunction(elem reflect.Type, fast Invoker) *Function {
	if fast == nil {
		fast = reflectiveSlice(reflect.SliceOf(elem))
	}
	f := &Function{
		name:     SliceFunctionName,
		invoke:   fast,
		result:   reflect.SliceOf(elem),
		elem:     elem,
		portable: true,
		builtin:  true,
		pure:     true, // gathering is deterministic: keys by content, so results can be kept
	}
	f.ident = functionIdentity(f)
	return f
}

var reflectiveSlices sync.Map // slice type -> Invoker

func reflectiveSlice(sliceType reflect.Type) Invoker {
	if f, ok := reflectiveSlices.Load(sliceType); ok {
		return f.(Invoker)
	}
	var f Invoker = func(_ context.Context, args []any) (any, error) {
		s := reflect.MakeSlice(sliceType, len(args), len(args))
		for i, a := range args {
			if a != nil {
				s.Index(i).Set(reflect.ValueOf(a))
			}
		}
		return s.Interface(), nil
	}
	reflectiveSlices.Store(sliceType, f)
	return f
}

// RefFunc recognises a reference to a task inside a user value: it returns the task and the type
// of its result.
type RefFunc func(v reflect.Value) (task *Task, result reflect.Type, ok bool)

// Pack returns a task whose result is template converted to type target, with every reference
// inside it (as recognised by refOf, in slices, arrays, maps, struct fields and interfaces)
// replaced by the referenced task's result. A template without references becomes a data node;
// a template that is itself a reference is returned as that task. The error names the path of
// the first element whose type does not fit target.
func Pack(template any, target reflect.Type, refOf RefFunc) (*Task, error) {
	b := packBuilder{refOf: refOf}
	root, err := b.analyse(reflect.ValueOf(template), target, "")
	if err != nil {
		return nil, err
	}
	switch root.kind {
	case packLiteral:
		return NewData(literalValue(root.value, target)), nil
	case packRef:
		return b.args[root.arg], nil
	}
	fn := &Function{
		name:    PackFunctionName,
		result:  target,
		builtin: true,
		invoke: func(_ context.Context, args []any) (any, error) {
			return root.build(args).Interface(), nil
		},
	}
	return NewTask(fn, b.args), nil
}

type packKind uint8

const (
	packLiteral   packKind = iota // no references inside: use value as it is
	packRef                       // a reference: use args[arg]
	packSlice                     // rebuild a slice or array element by element
	packMap                       // rebuild a map entry by entry
	packStruct                    // copy a struct and rebuild some fields
	packInterface                 // rebuild the dynamic value held by an interface
)

type packNode struct {
	kind   packKind
	target reflect.Type
	value  reflect.Value // packLiteral: the value; packStruct: the struct to copy
	arg    int
	elems  []packNode      // packSlice, packInterface (one element), packStruct (per field)
	keys   []reflect.Value // packMap
	fields []int           // packStruct: field index of each element
}

type packBuilder struct {
	refOf RefFunc
	args  []*Task
}

func (b *packBuilder) analyse(v reflect.Value, target reflect.Type, path string) (packNode, error) {
	if v.IsValid() {
		if task, result, ok := b.refOf(v); ok {
			if !result.AssignableTo(target) {
				return packNode{}, fmt.Errorf("%s: a delayed %s does not fit %s", pathName(path), result, target)
			}
			b.args = append(b.args, task)
			return packNode{kind: packRef, target: target, arg: len(b.args) - 1}, nil
		}
	}
	if !v.IsValid() {
		if !nilable(target) {
			return packNode{}, fmt.Errorf("%s: nil does not fit %s", pathName(path), target)
		}
		return packNode{kind: packLiteral, target: target, value: reflect.Zero(target)}, nil
	}
	literal := func() (packNode, error) {
		if !v.Type().AssignableTo(target) {
			return packNode{}, fmt.Errorf("%s: %s does not fit %s", pathName(path), v.Type(), target)
		}
		return packNode{kind: packLiteral, target: target, value: v}, nil
	}
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return b.analyse(reflect.Value{}, target, path)
		}
		return b.analyse(v.Elem(), target, path)
	case reflect.Slice, reflect.Array:
		if target.Kind() != reflect.Slice && target.Kind() != reflect.Array {
			if target.Kind() == reflect.Interface {
				return b.intoInterface(v, target, path)
			}
			return literal()
		}
		if v.Kind() == reflect.Slice && v.IsNil() {
			if target.Kind() == reflect.Slice && !v.Type().AssignableTo(target) {
				return packNode{kind: packLiteral, target: target, value: reflect.Zero(target)}, nil
			}
			return literal()
		}
		if target.Kind() == reflect.Array && v.Len() != target.Len() {
			return packNode{}, fmt.Errorf("%s: %d elements do not fit %s", pathName(path), v.Len(), target)
		}
		node := packNode{kind: packSlice, target: target, elems: make([]packNode, v.Len())}
		refs := false
		for i := range v.Len() {
			e, err := b.analyse(v.Index(i), target.Elem(), fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return packNode{}, err
			}
			refs = refs || e.kind != packLiteral
			node.elems[i] = e
		}
		if !refs {
			return converted(node, v)
		}
		return node, nil
	case reflect.Map:
		if target.Kind() != reflect.Map {
			if target.Kind() == reflect.Interface {
				return b.intoInterface(v, target, path)
			}
			return literal()
		}
		if v.IsNil() {
			return literal()
		}
		node := packNode{kind: packMap, target: target}
		refs := false
		iter := v.MapRange()
		for iter.Next() {
			k := iter.Key()
			if !k.Type().AssignableTo(target.Key()) {
				return packNode{}, fmt.Errorf("%s: key type %s does not fit %s", pathName(path), k.Type(), target)
			}
			e, err := b.analyse(iter.Value(), target.Elem(), fmt.Sprintf("%s[%v]", path, k))
			if err != nil {
				return packNode{}, err
			}
			refs = refs || e.kind != packLiteral
			node.keys = append(node.keys, k)
			node.elems = append(node.elems, e)
		}
		if !refs {
			return converted(node, v)
		}
		return node, nil
	case reflect.Struct:
		if v.Type() != target {
			if target.Kind() == reflect.Interface {
				return b.intoInterface(v, target, path)
			}
			return literal()
		}
		node := packNode{kind: packStruct, target: target, value: v}
		for i := range v.NumField() {
			field := target.Field(i)
			if !field.IsExported() {
				continue
			}
			e, err := b.analyse(v.Field(i), field.Type, path+"."+field.Name)
			if err != nil {
				return packNode{}, err
			}
			if e.kind != packLiteral {
				node.fields = append(node.fields, i)
				node.elems = append(node.elems, e)
			}
		}
		if len(node.fields) == 0 {
			return literal()
		}
		return node, nil
	}
	return literal()
}

// converted is a container without references: used as it is when its type fits the target,
// otherwise (a []any of ints for a []int, say) rebuilt element by element, each element having
// been checked against the target's element type, exactly as when the container holds
// references.
func converted(node packNode, v reflect.Value) (packNode, error) {
	if v.Type().AssignableTo(node.target) {
		return packNode{kind: packLiteral, target: node.target, value: v}, nil
	}
	return packNode{kind: packLiteral, target: node.target, value: node.build(nil)}, nil
}

// intoInterface handles a container whose target is an interface: the container keeps its own
// type and its references are replaced in place.
func (b *packBuilder) intoInterface(v reflect.Value, target reflect.Type, path string) (packNode, error) {
	if !v.Type().AssignableTo(target) {
		return packNode{}, fmt.Errorf("%s: %s does not fit %s", pathName(path), v.Type(), target)
	}
	inner, err := b.analyse(v, v.Type(), path)
	if err != nil {
		return packNode{}, err
	}
	if inner.kind == packLiteral {
		return packNode{kind: packLiteral, target: target, value: v}, nil
	}
	return packNode{kind: packInterface, target: target, elems: []packNode{inner}}, nil
}

func (n *packNode) build(args []any) reflect.Value {
	switch n.kind {
	case packLiteral:
		return n.value
	case packRef:
		if args[n.arg] == nil {
			return reflect.Zero(n.target)
		}
		return reflect.ValueOf(args[n.arg])
	case packSlice:
		var out reflect.Value
		if n.target.Kind() == reflect.Array {
			out = reflect.New(n.target).Elem()
		} else {
			out = reflect.MakeSlice(n.target, len(n.elems), len(n.elems))
		}
		for i := range n.elems {
			out.Index(i).Set(n.elems[i].build(args))
		}
		return out
	case packMap:
		out := reflect.MakeMapWithSize(n.target, len(n.keys))
		for i, k := range n.keys {
			out.SetMapIndex(k, n.elems[i].build(args))
		}
		return out
	case packStruct:
		out := reflect.New(n.target).Elem()
		out.Set(n.value)
		for i, f := range n.fields {
			out.Field(f).Set(n.elems[i].build(args))
		}
		return out
	default: // packInterface
		out := reflect.New(n.target).Elem()
		out.Set(n.elems[0].build(args))
		return out
	}
}

func literalValue(v reflect.Value, target reflect.Type) any {
	if !v.IsValid() {
		return nil
	}
	if target.Kind() != reflect.Interface && v.Type() != target {
		return v.Convert(target).Interface()
	}
	return v.Interface()
}

func nilable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map, reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return true
	}
	return false
}

func pathName(path string) string {
	if path == "" {
		return "value"
	}
	return "element " + path
}
