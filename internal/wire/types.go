package wire

import (
	"fmt"
	"reflect"
	"strconv"
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
	} {
		RegisterType(reflect.TypeOf(example))
	}
}

// RegisterType lets values of type t (and the types it is made of) travel in interface-typed
// slots. Registering a type twice is harmless.
func RegisterType(t reflect.Type) {
	if t == nil {
		return
	}
	types.Lock()
	defer types.Unlock()
	registerTypeLocked(t, 0)
}

func registerTypeLocked(t reflect.Type, depth int) {
	if depth > 16 || t.Kind() == reflect.Interface {
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
	defer types.RUnlock()
	t, ok := types.byName[name]
	return t, ok
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
