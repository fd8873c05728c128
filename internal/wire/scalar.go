package wire

import (
	"encoding/binary"
	"math"
	"reflect"
)

// The commonest values by far are single ints and float64s (a task's index, a parameter, a
// partial sum): Encode and Decode write and read them here, byte for byte as msgpack does with
// compact integers, without the encoder, the decoder and the reflection around them. A
// million-task graph encodes a million data nodes and decodes as many arguments and results.

var (
	intType     = reflect.TypeFor[int]()
	float64Type = reflect.TypeFor[float64]()
)

// encodeNumber encodes an int or float64 whose static type is its own.
func encodeNumber(x any, static reflect.Type) ([]byte, bool) {
	switch v := x.(type) {
	case int:
		if static != intType && static != nil {
			return nil, false
		}
		return appendInt(make([]byte, 0, 9), int64(v)), true
	case float64:
		if static != float64Type && static != nil {
			return nil, false
		}
		b := make([]byte, 9)
		b[0] = 0xcb
		binary.BigEndian.PutUint64(b[1:], math.Float64bits(v))
		return b, true
	}
	return nil, false
}

// appendInt appends n as msgpack's Encoder.EncodeInt writes it.
func appendInt(b []byte, n int64) []byte {
	switch {
	case n >= 0 && n <= math.MaxInt8:
		return append(b, byte(n))
	case n >= 0 && n <= math.MaxUint8:
		return append(b, 0xcc, byte(n))
	case n >= 0 && n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(b, 0xcd), uint16(n))
	case n >= 0 && n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(b, 0xce), uint32(n))
	case n >= 0:
		return binary.BigEndian.AppendUint64(append(b, 0xcf), uint64(n))
	case n >= -32:
		return append(b, byte(n))
	case n >= math.MinInt8:
		return append(b, 0xd0, byte(n))
	case n >= math.MinInt16:
		return binary.BigEndian.AppendUint16(append(b, 0xd1), uint16(n))
	case n >= math.MinInt32:
		return binary.BigEndian.AppendUint32(append(b, 0xd2), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xd3), uint64(n))
}

// decodeNumber decodes an int or float64 in the encodings Encode writes for them; anything else
// (other codes, trailing bytes, attachments) is left to msgpack, which decides what it means.
func decodeNumber(v Value, t reflect.Type) (any, bool) {
	if len(v.Attachments) != 0 {
		return nil, false
	}
	switch t {
	case intType:
		if n, ok := decodeInt(v.Body); ok {
			return n, true
		}
	case float64Type:
		if x, ok := decodeFloat64(v.Body); ok {
			return x, true
		}
	}
	return nil, false
}

// decodeInt decodes an int in the encodings appendInt writes.
func decodeInt(b []byte) (int, bool) {
	if len(b) == 0 {
		return 0, false
	}
	c := b[0]
	switch {
	case c <= 0x7f || c >= 0xe0:
		if len(b) == 1 {
			return int(int8(c)), true
		}
	case c == 0xcc && len(b) == 2:
		return int(b[1]), true
	case c == 0xcd && len(b) == 3:
		return int(binary.BigEndian.Uint16(b[1:])), true
	case c == 0xce && len(b) == 5:
		return int(binary.BigEndian.Uint32(b[1:])), true
	case c == 0xd0 && len(b) == 2:
		return int(int8(b[1])), true
	case c == 0xd1 && len(b) == 3:
		return int(int16(binary.BigEndian.Uint16(b[1:]))), true
	case c == 0xd2 && len(b) == 5:
		return int(int32(binary.BigEndian.Uint32(b[1:]))), true
	case (c == 0xd3 || c == 0xcf) && len(b) == 9:
		return int(int64(binary.BigEndian.Uint64(b[1:]))), true
	}
	return 0, false
}

// decodeFloat64 decodes a float64 in the encoding encodeNumber writes.
func decodeFloat64(b []byte) (float64, bool) {
	if len(b) == 9 && b[0] == 0xcb {
		return math.Float64frombits(binary.BigEndian.Uint64(b[1:])), true
	}
	return 0, false
}
