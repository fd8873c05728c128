package wire

import (
	"fmt"
	"reflect"
)

// SliceOfType returns the wire name of the slice type whose elements have wire type elem; false
// when elem is not known in this process.
func SliceOfType(elem string) (string, bool) {
	t, ok := typeByName(elem)
	if !ok {
		return "", false
	}
	name, err := typeNameOf(reflect.SliceOf(t))
	return name, err == nil
}

// GatherSlice encodes the slice of n elements of wire type elem whose k-th element is encoded in
// body(k) (a value with no attachments, encoded with type elem): the value a worker's gathering
// task (graph.SliceFunction) would produce from those values, without decoding them there. A
// scheduler that holds every element's encoding builds the gathered value itself. elem must be
// known in this process (see SliceOfType).
func GatherSlice(elem string, n int, body func(k int) []byte) (v Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = Value{}, fmt.Errorf("%w: gathering %s values: %v", ErrMalformedValue, elem, r)
		}
	}()
	t, ok := typeByName(elem)
	if !ok {
		return Value{}, &UnregisteredTypeError{Type: elem}
	}
	slice := reflect.SliceOf(t)
	var out any
	switch t {
	case intType:
		s := make([]int, n)
		for k := range s {
			b := body(k)
			if x, ok := decodeInt(b); ok {
				s[k] = x
				continue
			}
			v, err := decodeReflect(Value{Body: b}, t)
			if err != nil {
				return Value{}, fmt.Errorf("element %d: %w", k, err)
			}
			s[k], _ = v.(int)
		}
		out = s
	case float64Type:
		s := make([]float64, n)
		for k := range s {
			b := body(k)
			if x, ok := decodeFloat64(b); ok {
				s[k] = x
				continue
			}
			v, err := decodeReflect(Value{Body: b}, t)
			if err != nil {
				return Value{}, fmt.Errorf("element %d: %w", k, err)
			}
			s[k], _ = v.(float64)
		}
		out = s
	default:
		// As the worker's reflective gathering does: a nil element stays the zero value.
		s := reflect.MakeSlice(slice, n, n)
		for k := range n {
			v, err := Decode(Value{Body: body(k)}, t)
			if err != nil {
				return Value{}, fmt.Errorf("element %d: %w", k, err)
			}
			if v != nil {
				s.Index(k).Set(reflect.ValueOf(v))
			}
		}
		out = s.Interface()
	}
	return Encode(out, slice)
}
