package graph

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"math"
	"reflect"
	"slices"
	"unsafe"
)

// Tokenize returns a deterministic content hash of v: equal values of the same type give equal
// tokens in every process and every run. Pure functions' keys are built from it. Numeric slices
// and arrays are hashed as raw memory; maps in key order; pointers by what they point to (a
// pointer cycle is hashed by position); functions and channels by identity, since they have no
// comparable content.
func Tokenize(v any) string {
	h := newTokenHasher()
	h.value(reflect.ValueOf(v), 0, nil)
	return h.sum()
}

type tokenHasher struct {
	h        hash.Hash
	buf      [8]byte
	num      [24]byte // scratch for writeKey
	identity bool     // something was hashed by identity, not content
}

func newTokenHasher() *tokenHasher { return &tokenHasher{h: sha256.New()} }

func (t *tokenHasher) sum() string {
	var out [sha256.Size]byte
	return hex.EncodeToString(t.h.Sum(out[:0])[:16])
}

func (t *tokenHasher) writeUint64(u uint64) {
	binary.LittleEndian.PutUint64(t.buf[:], u)
	t.h.Write(t.buf[:])
}

func (t *tokenHasher) writeString(s string) {
	t.writeUint64(uint64(len(s)))
	t.h.Write(unsafe.Slice(unsafe.StringData(s), len(s)))
}

// maxTokenDepth bounds recursion into nested values.
const maxTokenDepth = 64

func (t *tokenHasher) value(v reflect.Value, depth int, seen map[uintptr]int) {
	if !v.IsValid() {
		t.writeString("nil")
		return
	}
	t.writeString(v.Type().String())
	if depth > maxTokenDepth {
		t.writeString("deep")
		return
	}
	switch v.Kind() {
	case reflect.Bool:
		if v.Bool() {
			t.writeUint64(1)
		} else {
			t.writeUint64(0)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		t.writeUint64(uint64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		t.writeUint64(v.Uint())
	case reflect.Float32, reflect.Float64:
		t.writeUint64(math.Float64bits(v.Float()))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		t.writeUint64(math.Float64bits(real(c)))
		t.writeUint64(math.Float64bits(imag(c)))
	case reflect.String:
		t.writeString(v.String())
	case reflect.Slice:
		if v.IsNil() {
			t.writeString("nil")
			return
		}
		t.sequence(v, depth, seen)
	case reflect.Array:
		t.sequence(v, depth, seen)
	case reflect.Map:
		t.mapValue(v, depth, seen)
	case reflect.Struct:
		for i := range v.NumField() {
			t.value(v.Field(i), depth+1, seen)
		}
	case reflect.Pointer:
		if v.IsNil() {
			t.writeString("nil")
			return
		}
		if seen == nil {
			seen = make(map[uintptr]int)
		}
		if pos, ok := seen[v.Pointer()]; ok {
			t.writeUint64(uint64(pos))
			return
		}
		seen[v.Pointer()] = len(seen)
		t.value(v.Elem(), depth+1, seen)
	case reflect.Interface:
		t.value(v.Elem(), depth+1, seen)
	default: // Func, Chan, UnsafePointer: identity only
		t.identity = true
		t.writeUint64(uint64(v.Pointer()))
	}
}

func (t *tokenHasher) sequence(v reflect.Value, depth int, seen map[uintptr]int) {
	n := v.Len()
	t.writeUint64(uint64(n))
	if n == 0 {
		return
	}
	if raw, ok := rawBytes(v); ok {
		t.h.Write(raw)
		return
	}
	for i := range n {
		t.value(v.Index(i), depth+1, seen)
	}
}

// rawBytes returns the memory of a slice or addressable array of fixed-size numbers.
func rawBytes(v reflect.Value) ([]byte, bool) {
	switch v.Type().Elem().Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
	default:
		return nil, false
	}
	if v.Kind() == reflect.Array && !v.CanAddr() {
		return nil, false
	}
	size := v.Len() * int(v.Type().Elem().Size())
	return unsafe.Slice((*byte)(v.Index(0).Addr().UnsafePointer()), size), true
}

func (t *tokenHasher) mapValue(v reflect.Value, depth int, seen map[uintptr]int) {
	if v.IsNil() {
		t.writeString("nil")
		return
	}
	type entry struct{ key, value string }
	entries := make([]entry, 0, v.Len())
	iter := v.MapRange()
	for iter.Next() {
		k, e := newTokenHasher(), newTokenHasher()
		k.value(iter.Key(), depth+1, seen)
		e.value(iter.Value(), depth+1, seen)
		t.identity = t.identity || k.identity || e.identity
		entries = append(entries, entry{k.sum(), e.sum()})
	}
	slices.SortFunc(entries, func(a, b entry) int { return cmp.Compare(a.key, b.key) })
	t.writeUint64(uint64(len(entries)))
	for _, e := range entries {
		t.writeString(e.key)
		t.writeString(e.value)
	}
}
