package wire

import (
	"errors"
	"fmt"
	"reflect"

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
// When static is an interface type, x travels with its type's name, which the receiver must know
// (see [RegisterType]). Large raw slices become attachments that refer to x's memory: x must not
// change until the value has been written.
func Encode(x any, static reflect.Type) (Value, error) {
	if x != nil {
		if err := CheckEncodable(reflect.TypeOf(x)); err != nil {
			return Value{}, err
		}
	}
	w := &valueWriter{attach: true}
	enc := msgpack.GetEncoder()
	defer msgpack.PutEncoder(enc)
	enc.Reset(w)
	enc.UseCompactInts(true)
	var err error
	if static != nil && static.Kind() == reflect.Interface && x != nil {
		err = encodeTyped(enc, x)
	} else {
		err = enc.Encode(x)
	}
	if err != nil {
		return Value{}, fmt.Errorf("%w: %T: %w", ErrUnencodable, x, err)
	}
	return Value{Body: w.Bytes(), Attachments: w.attachments}, nil
}

// Decode decodes v into a new value of type t. It never panics, whatever the bytes, and the
// memory it allocates is bounded by a small multiple of the body's size and the attachments.
func Decode(v Value, t reflect.Type) (result any, err error) {
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
	if t.Kind() == reflect.Interface {
		x, err := decodeTyped(dec, t)
		if err != nil {
			return nil, err
		}
		return x, checkConsumed(r)
	}
	ptr := reflect.New(t)
	if err := dec.DecodeValue(ptr.Elem()); err != nil {
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

// encodeTyped writes x as a typed envelope: an extension holding the type name and the value.
func encodeTyped(enc *msgpack.Encoder, x any) error {
	name, err := typeNameOf(reflect.TypeOf(x))
	if err != nil {
		return err
	}
	w := enc.Writer().(*valueWriter)
	inner := &valueWriter{attach: w.attach}
	innerEnc := msgpack.NewEncoder(inner)
	innerEnc.UseCompactInts(true)
	if err := innerEnc.EncodeString(name); err != nil {
		return err
	}
	if err := innerEnc.Encode(x); err != nil {
		return err
	}
	// The inner value's attachment indices count from the outer encoder's attachments.
	if len(inner.attachments) > 0 && len(w.attachments) > 0 {
		return fmt.Errorf("typed value inside a value with attachments")
	}
	w.attachments = append(w.attachments, inner.attachments...)
	if err := enc.EncodeExtHeader(extTyped, inner.Len()); err != nil {
		return err
	}
	_, err = w.Write(inner.Bytes())
	return err
}

func decodeTyped(dec *msgpack.Decoder, want reflect.Type) (any, error) {
	code, err := dec.PeekCode()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedValue, err)
	}
	if code == 0xc0 { // nil
		_ = dec.Skip()
		return nil, nil
	}
	id, n, err := dec.DecodeExtHeader()
	if err != nil || id != extTyped {
		return nil, fmt.Errorf("%w: expected a typed value for %s", ErrMalformedValue, want)
	}
	r := dec.Buffered().(*valueReader)
	if n > r.Len() {
		return nil, fmt.Errorf("%w: typed value of %d bytes in %d", ErrMalformedValue, n, r.Len())
	}
	name, err := dec.DecodeString()
	if err != nil {
		return nil, fmt.Errorf("%w: type name: %w", ErrMalformedValue, err)
	}
	t, ok := typeByName(name)
	if !ok {
		return nil, fmt.Errorf("%w: type %s is not registered in this process", ErrMalformedValue, name)
	}
	if !t.AssignableTo(want) {
		return nil, fmt.Errorf("%w: %s does not fit %s", ErrMalformedValue, t, want)
	}
	ptr := reflect.New(t)
	if err := dec.DecodeValue(ptr.Elem()); err != nil {
		return nil, fmt.Errorf("%w: decoding %s: %w", ErrMalformedValue, t, err)
	}
	return ptr.Elem().Interface(), nil
}

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
func EncodeMessage(msg any) ([]byte, error) {
	var w valueWriter
	enc := msgpack.GetEncoder()
	defer msgpack.PutEncoder(enc)
	enc.Reset(&w)
	enc.UseCompactInts(true)
	if err := enc.Encode(msg); err != nil {
		return nil, fmt.Errorf("encode %T: %w", msg, err)
	}
	return w.Bytes(), nil
}
