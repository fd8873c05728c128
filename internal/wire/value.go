package wire

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

// Value is an encoded value: a msgpack body and the raw buffers it refers to.
type Value struct {
	Body        []byte
	Attachments [][]byte
}

// Size returns the number of bytes the value occupies.
func (v Value) Size() int {
	n := len(v.Body)
	for _, a := range v.Attachments {
		n += len(a)
	}
	return n
}

// ErrMalformedValue is matched by the error for bytes that do not decode as the expected type.
var ErrMalformedValue = errors.New("malformed value")

// ErrUnencodable is matched by the error for a value that cannot be sent to another process.
var ErrUnencodable = errors.New("value cannot be sent to another process")

// Encode encodes x, whose receiver will expect type static (x's own type when static is nil).
// Values in interface-typed places (static itself, or places inside it) travel with their
// dynamic type's name, which the receiver must know (see [RegisterType]); an unknown one is an
// error matching [ErrUnregisteredType]. Large raw slices become attachments that refer to x's
// memory: x must not change until the value has been written.
func Encode(x any, static reflect.Type) (Value, error) {
	if body, ok := encodeNumber(x, static); ok {
		return Value{Body: body}, nil
	}
	if x != nil {
		if err := CheckEncodable(reflect.TypeOf(x)); err != nil {
			return Value{}, err
		}
	}
	if static == nil {
		static = reflect.TypeOf(x)
		if static == nil {
			static = anyType
		}
	}
	w := writers.Get().(*valueWriter)
	if err := encodeInto(w, x, static); err != nil {
		w.recycle()
		return Value{}, fmt.Errorf("%w: %T: %w", ErrUnencodable, x, err)
	}
	v := Value{Attachments: w.attachments}
	if w.Len() > pooledBody {
		v.Body = w.Bytes() // the writer's buffer becomes the body's: not reused
		return v, nil
	}
	v.Body = bytes.Clone(w.Bytes())
	w.recycle()
	return v, nil
}

// writers are reused by Encode, so that encoding a small value (a task's int, most results)
// allocates only its body, at its size, not a writer and a 64-byte buffer besides.
var writers = sync.Pool{New: func() any { return &valueWriter{attach: true} }}

// pooledBody is the largest body Encode copies out of a reused writer; a larger one keeps the
// writer's buffer, and the writer is not reused.
const pooledBody = 4 << 10

// recycle returns a writer to the pool, emptied.
func (w *valueWriter) recycle() {
	w.Reset()
	w.attachments = nil
	w.attach = true
	writers.Put(w)
}

func encodeInto(w *valueWriter, x any, static reflect.Type) error {
	enc := msgpack.GetEncoder()
	defer msgpack.PutEncoder(enc)
	enc.Reset(w)
	enc.UseCompactInts(true)
	c := codecOf(static)
	if c.kind == plainCodec {
		if t, ok := x.(time.Time); ok {
			return enc.EncodeValue(reflect.ValueOf(t)) // Encode's shortcut drops the location (see extTime)
		}
		return enc.Encode(x)
	}
	v, err := valueAs(x, static)
	if err != nil {
		return err
	}
	te := typedEncoder{enc: enc}
	return te.encode(c, v)
}

// Decode decodes v into a new value of type t. It never panics, whatever the bytes, and the
// memory it allocates is bounded by a small multiple of the body's size and the attachments.
func Decode(v Value, t reflect.Type) (result any, err error) {
	if x, ok := decodeNumber(v, t); ok {
		return x, nil
	}
	return decodeReflect(v, t)
}

// decodeReflect is Decode through msgpack's reflection.
func decodeReflect(v Value, t reflect.Type) (result any, err error) {
	defer func() {
		if r := recover(); r != nil {
			result, err = nil, fmt.Errorf("%w: decoding %s: %v", ErrMalformedValue, t, r)
		}
	}()
	if err := checkStructure(v.Body); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", t, err)
	}
	r := &valueReader{attachments: v.Attachments}
	r.Reset(v.Body)
	dec := msgpack.GetDecoder()
	defer msgpack.PutDecoder(dec)
	dec.Reset(r)
	dec.UseLooseInterfaceDecoding(true)
	if t == nil {
		t = anyType
	}
	ptr := reflect.New(t)
	c := codecOf(t)
	if c.kind == plainCodec {
		err = dec.DecodeValue(ptr.Elem())
	} else {
		td := typedDecoder{dec: dec}
		err = td.decode(c, ptr.Elem())
	}
	if err != nil {
		var unregistered *UnregisteredTypeError
		if errors.As(err, &unregistered) {
			return nil, fmt.Errorf("decoding %s: %w", t, err)
		}
		return nil, fmt.Errorf("%w: decoding %s: %w", ErrMalformedValue, t, err)
	}
	return ptr.Elem().Interface(), checkConsumed(r)
}

func checkConsumed(r *valueReader) error {
	if r.Len() != 0 {
		return fmt.Errorf("%w: %d bytes left over", ErrMalformedValue, r.Len())
	}
	return nil
}

var anyType = reflect.TypeFor[any]()

// DecodeMessage decodes a protocol message body into msg, a pointer, with the same defences as
// [Decode]: structure checked first, bounded allocation, no panics.
func DecodeMessage(body []byte, msg any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: decoding %T: %v", ErrMalformedValue, msg, r)
		}
	}()
	if err := checkStructure(body); err != nil {
		return fmt.Errorf("decoding %T: %w", msg, err)
	}
	r := &valueReader{}
	r.Reset(body)
	dec := msgpack.GetDecoder()
	defer msgpack.PutDecoder(dec)
	dec.Reset(r)
	if err := dec.Decode(msg); err != nil {
		return fmt.Errorf("%w: decoding %T: %w", ErrMalformedValue, msg, err)
	}
	return checkConsumed(r)
}

// EncodeMessage encodes a protocol message (a struct with msgpack tags) as a frame body.
func EncodeMessage(msg any) ([]byte, error) { return AppendMessage(nil, msg) }

// AppendMessage is EncodeMessage appending to dst, whose room it uses: a sender encoding message
// after message into one reused buffer does not grow a fresh one for each.
func AppendMessage(dst []byte, msg any) ([]byte, error) {
	var w valueWriter
	w.Buffer = *bytes.NewBuffer(dst)
	enc := msgpack.GetEncoder()
	defer msgpack.PutEncoder(enc)
	enc.Reset(&w)
	enc.UseCompactInts(true)
	if err := enc.Encode(msg); err != nil {
		return nil, fmt.Errorf("encode %T: %w", msg, err)
	}
	return w.Bytes(), nil
}
