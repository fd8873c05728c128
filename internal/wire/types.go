package wire

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The type registry names the types that may travel in interface-typed slots.
var types = struct {
	sync.RWMutex
	byName map[string]reflect.Type
}{byName: map[string]reflect.Type{}}

func init() {
	for _, example := range []any{
		false, 0, int8(0), int16(0), int32(0), int64(0), uint(0), uint8(0), uint16(0), uint32(0), uint64(0),
		float32(0), float64(0), complex64(0), complex128(0), "", []byte(nil), time.Time{}, time.Duration(0),
		[]any(nil), map[string]any(nil), []string(nil), []float64(nil), []int(nil), []int64(nil),
		uintptr(0),
	} {
		RegisterType(reflect.TypeOf(example))
	}
	RegisterType(anyType)
}

// RegisterType lets values of type t (and the types it is made of) travel in interface-typed
// places, and lets t (an interface type too) be named as the static type of a value. Composite
// types without a name ([]T, map[K]V, *T, [N]T) of known types are known without registering;
// named types must be registered in every process, at package initialisation. Registering a
// type twice is harmless.
func RegisterType(t reflect.Type) {
	if t == nil {
		return
	}
	types.Lock()
	defer types.Unlock()
	registerTypeLocked(t, 0)
}

func registerTypeLocked(t reflect.Type, depth int) {
	if depth > 16 {
		return
	}
	name, err := typeNameOf(t)
	if err != nil {
		return
	}
	if _, ok := types.byName[name]; ok {
		return
	}
	types.byName[name] = t
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		registerTypeLocked(t.Elem(), depth+1)
	case reflect.Map:
		registerTypeLocked(t.Key(), depth+1)
		registerTypeLocked(t.Elem(), depth+1)
	case reflect.Struct:
		for i := range t.NumField() {
			if t.Field(i).IsExported() {
				registerTypeLocked(t.Field(i).Type, depth+1)
			}
		}
	}
}

// TypeByName returns the registered type with the given wire name.
func TypeByName(name string) (reflect.Type, bool) { return typeByName(name) }

// TypeName returns t's wire name, which a receiver resolves with [TypeByName] when t (or a type
// containing it) is registered there.
func TypeName(t reflect.Type) (string, error) { return typeNameOf(t) }

// Known reports whether t is registered, so that a receiver running the same program can decode
// values sent with t's name.
func Known(t reflect.Type) bool {
	name, err := typeNameOf(t)
	if err != nil {
		return false
	}
	_, ok := typeByName(name)
	return ok
}

func typeByName(name string) (reflect.Type, bool) {
	types.RLock()
	t, ok := types.byName[name]
	types.RUnlock()
	if ok {
		return t, true
	}
	t = parseTypeName(name, 0)
	return t, t != nil
}

// parseTypeName builds an unnamed composite type ([]T, [N]T, *T, map[K]V) from the names of
// known types, so that only named types need registering. It returns nil for anything else.
func parseTypeName(name string, depth int) (t reflect.Type) {
	if depth > 16 || len(name) > 4096 {
		return nil
	}
	types.RLock()
	t, ok := types.byName[name]
	types.RUnlock()
	if ok {
		return t
	}
	defer func() {
		if recover() != nil { // reflect refused the type (too large, say)
			t = nil
		}
	}()
	switch {
	case strings.HasPrefix(name, "*"):
		if e := parseTypeName(name[1:], depth+1); e != nil {
			return reflect.PointerTo(e)
		}
	case strings.HasPrefix(name, "[]"):
		if e := parseTypeName(name[2:], depth+1); e != nil {
			return reflect.SliceOf(e)
		}
	case strings.HasPrefix(name, "map["):
		end := matchingBracket(name, 3)
		if end < 0 {
			return nil
		}
		k, e := parseTypeName(name[4:end], depth+1), parseTypeName(name[end+1:], depth+1)
		if k != nil && e != nil && k.Comparable() {
			return reflect.MapOf(k, e)
		}
	case strings.HasPrefix(name, "["):
		end := strings.IndexByte(name, ']')
		n, err := strconv.Atoi(name[1:max(end, 1)])
		if end < 0 || err != nil || n < 0 {
			return nil
		}
		if e := parseTypeName(name[end+1:], depth+1); e != nil && (e.Size() == 0 || uintptr(n) <= (1<<30)/e.Size()) {
			return reflect.ArrayOf(n, e)
		}
	}
	return nil
}

// matchingBracket returns the index of the ']' closing the '[' at open, or -1.
func matchingBracket(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// typeNameOf names t unambiguously across packages: named types by import path and name.
func typeNameOf(t reflect.Type) (string, error) {
	if t.Name() != "" {
		if t.PkgPath() == "" {
			return t.Name(), nil
		}
		return t.PkgPath() + "." + t.Name(), nil
	}
	elem := func() (string, error) { return typeNameOf(t.Elem()) }
	switch t.Kind() {
	case reflect.Pointer:
		e, err := elem()
		return "*" + e, err
	case reflect.Slice:
		e, err := elem()
		return "[]" + e, err
	case reflect.Array:
		e, err := elem()
		return "[" + strconv.Itoa(t.Len()) + "]" + e, err
	case reflect.Map:
		k, err := typeNameOf(t.Key())
		if err != nil {
			return "", err
		}
		e, err := elem()
		return "map[" + k + "]" + e, err
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "interface {}", nil
		}
	}
	return "", fmt.Errorf("type %s cannot be named on the wire", t)
}
