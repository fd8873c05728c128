package wire

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"reflect"
	"sync"
	"unsafe"

	"github.com/vmihailenco/msgpack/v5"
)

// AttachThreshold is the size from which a raw slice travels as an attachment rather than inside
// the msgpack body.
const AttachThreshold = 64 << 10

// Extension type codes. Raw slice types take one code each: lazygraph's from firstBuiltinRaw,
// other packages' from FirstUserRawCode to LastUserRawCode.
const (
	extTyped         int8 = 2  // a value with its type's name, for interface-typed slots
	firstBuiltinRaw  int8 = 10 // raw slice types registered by this package
	FirstUserRawCode int8 = 40
	LastUserRawCode  int8 = 99
)

// Payload kinds of a raw slice extension.
const (
	rawInline     byte = 0 // the raw memory follows
	rawAttachment byte = 1 // a uvarint attachment index follows
)

var rawSlices = struct {
	sync.Mutex
	byCode map[int8]reflect.Type
}{byCode: map[int8]reflect.Type{}}

func init() {
	for i, example := range []any{
		[]float64(nil), []float32(nil), []int64(nil), []int32(nil), []int16(nil), []int8(nil),
		[]int(nil), []uint64(nil), []uint32(nil), []uint16(nil), []uint(nil), []complex128(nil),
		[]complex64(nil),
	} {
		if err := registerRawSlice(firstBuiltinRaw+int8(i), reflect.TypeOf(example)); err != nil {
			panic(err) // a mistake in this list, found by every test run
		}
	}
}

// RegisterRawSlice makes a slice type whose elements are fixed-size, pointer-free values (numbers,
// or arrays and structs of them) travel as raw memory. code identifies the type on the wire and
// must be the same in every process of a program, between FirstUserRawCode and LastUserRawCode.
// Call it from an init function.
func RegisterRawSlice(code int8, example any) error {
	if code < FirstUserRawCode || code > LastUserRawCode {
		return fmt.Errorf("wire: raw slice code %d outside %d..%d", code, FirstUserRawCode, LastUserRawCode)
	}
	t := reflect.TypeOf(example)
	if t == nil || t.Kind() != reflect.Slice || hasPointers(t.Elem()) {
		return fmt.Errorf("wire: %T is not a slice of fixed-size, pointer-free elements", example)
	}
	return registerRawSlice(code, t)
}

func registerRawSlice(code int8, t reflect.Type) error {
	rawSlices.Lock()
	defer rawSlices.Unlock()
	if prev, ok := rawSlices.byCode[code]; ok && prev != t {
		return fmt.Errorf("wire: raw slice code %d is taken by %s", code, prev)
	}
	rawSlices.byCode[code] = t
	if !littleEndian && t.Elem().Size() > 1 {
		return nil // big-endian machines send element by element, through msgpack's own encoding
	}
	extensionTypes.Store(t, true)
	msgpack.RegisterExtEncoder(code, reflect.Zero(t).Interface(), encodeRawSlice)
	// msgpack's decoders for nilable types expect pointers: register for *T, which msgpack also
	// uses for addressable T values (struct fields, and what Decode allocates).
	msgpack.RegisterExtDecoder(code, reflect.New(t).Interface(), decodeRawSlice)
	return nil
}

// encodeRawSlice is the payload of a raw slice: inline memory, or an attachment reference when
// the slice is large and the encoder collects attachments.
func encodeRawSlice(enc *msgpack.Encoder, v reflect.Value) ([]byte, error) {
	raw := sliceBytes(v)
	if w, ok := enc.Writer().(*valueWriter); ok && w.attach && len(raw) >= AttachThreshold {
		w.attachments = append(w.attachments, raw)
		return binary.AppendUvarint([]byte{rawAttachment}, uint64(len(w.attachments)-1)), nil
	}
	out := make([]byte, 1+len(raw))
	out[0] = rawInline
	copy(out[1:], raw)
	return out, nil
}

func decodeRawSlice(dec *msgpack.Decoder, v reflect.Value, extLen int) error {
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	r, _ := dec.Buffered().(*valueReader)
	if extLen < 1 || r == nil || extLen > r.Len() {
		return fmt.Errorf("%w: raw slice payload of %d bytes", ErrMalformedValue, extLen)
	}
	kind, err := r.ReadByte()
	if err != nil {
		return err
	}
	elem := int(v.Type().Elem().Size())
	var raw []byte
	switch kind {
	case rawInline:
		n := extLen - 1
		if elem == 0 || n%elem != 0 {
			return fmt.Errorf("%w: %d bytes do not make whole %s elements", ErrMalformedValue, n, v.Type().Elem())
		}
		raw = AlignedBuffer(n)
		if _, err := r.Read(raw); err != nil && n > 0 {
			return err
		}
	case rawAttachment:
		payload := make([]byte, extLen-1)
		if _, err := r.Read(payload); err != nil && len(payload) > 0 {
			return err
		}
		idx, size := binary.Uvarint(payload)
		if size <= 0 || idx >= uint64(len(r.attachments)) {
			return fmt.Errorf("%w: attachment %d of %d", ErrMalformedValue, idx, len(r.attachments))
		}
		raw = r.attachments[idx]
		if elem == 0 || len(raw)%elem != 0 {
			return fmt.Errorf("%w: attachment of %d bytes does not make whole %s elements", ErrMalformedValue, len(raw), v.Type().Elem())
		}
		if uintptr(unsafe.Pointer(unsafe.SliceData(raw)))%8 != 0 {
			raw = append(AlignedBuffer(len(raw))[:0], raw...)
		}
	default:
		return fmt.Errorf("%w: raw slice payload kind %d", ErrMalformedValue, kind)
	}
	n := len(raw) / elem
	if n == 0 {
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		return nil
	}
	v.Set(reflect.SliceAt(v.Type().Elem(), unsafe.Pointer(unsafe.SliceData(raw)), n).Convert(v.Type()))
	return nil
}

func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return false
	case reflect.Array:
		return hasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
		return false
	}
	return true
}

func unsafeBytes(words []uint64, n int) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(words))), n)
}

// sliceBytes returns the memory of a slice value.
func sliceBytes(v reflect.Value) []byte {
	n := v.Len() * int(v.Type().Elem().Size())
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(v.UnsafePointer()), n)
}

var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// extensionTypes holds the types lazygraph encodes through extensions of its own.
var extensionTypes sync.Map // reflect.Type -> true

func hasExtension(t reflect.Type) bool {
	_, ok := extensionTypes.Load(t)
	return ok
}

// valueWriter is the encoder's output: the body, and the attachments when collected.
type valueWriter struct {
	bytes.Buffer
	attach      bool
	attachments [][]byte
}

// valueReader is the decoder's input: the body, and the attachments it refers to.
type valueReader struct {
	bytes.Reader
	attachments [][]byte
}
