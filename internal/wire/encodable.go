package wire

import (
	"encoding"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

// encodability caches, per type, why values of it cannot travel (nil when they can).
var encodability sync.Map // reflect.Type -> error (or nil)

var (
	customEncoderType = reflect.TypeFor[msgpack.CustomEncoder]()
	marshalerType     = reflect.TypeFor[msgpack.Marshaler]()
	binaryMarshaler   = reflect.TypeFor[encoding.BinaryMarshaler]()
	textMarshaler     = reflect.TypeFor[encoding.TextMarshaler]()
	timeType          = reflect.TypeFor[time.Time]()
)

// CheckEncodable reports why values of type t would not arrive whole in another process: a
// struct with unexported fields (which msgpack skips, so they would arrive as zero values),
// channels, functions. Types that encode themselves, or that lazygraph encodes (numeric slices,
// time.Time, gonum matrices), are fine.
func CheckEncodable(t reflect.Type) error {
	if t == nil {
		return nil
	}
	if err, ok := encodability.Load(t); ok {
		if err == nil {
			return nil
		}
		return err.(error)
	}
	err := checkType(t, map[reflect.Type]bool{})
	if err != nil {
		encodability.Store(t, err)
	} else {
		encodability.Store(t, nil)
	}
	return err
}

func selfEncoding(t reflect.Type) bool {
	if t == timeType || hasExtension(t) {
		return true
	}
	for _, it := range []reflect.Type{customEncoderType, marshalerType, binaryMarshaler, textMarshaler} {
		if t.Implements(it) || reflect.PointerTo(t).Implements(it) {
			return true
		}
	}
	return false
}

func checkType(t reflect.Type, seen map[reflect.Type]bool) error {
	if seen[t] {
		return nil
	}
	seen[t] = true
	if selfEncoding(t) {
		return nil
	}
	switch t.Kind() {
	case reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return fmt.Errorf("%w: %s cannot be sent to another process", ErrUnencodable, t)
	case reflect.Pointer, reflect.Slice, reflect.Array:
		if err := checkType(t.Elem(), seen); err != nil {
			return err
		}
	case reflect.Map:
		if err := checkType(t.Key(), seen); err != nil {
			return err
		}
		return checkType(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				if f.Name == "_" {
					continue
				}
				return fmt.Errorf("%w: %s has the unexported field %s, which would arrive in a worker process as a zero value; export it, or give the type a MarshalBinary/UnmarshalBinary pair", ErrUnencodable, t, f.Name)
			}
			if f.Tag.Get("msgpack") == "-" {
				continue
			}
			if err := checkType(f.Type, seen); err != nil {
				return err
			}
		}
	}
	return nil
}
