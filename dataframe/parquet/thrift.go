package parquet

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// A minimal reader and writer of Thrift's compact protocol, enough to read
// Parquet page headers and the file footer as generic trees and write them
// back with a few fields changed (page checksums, the offsets that adding
// them moves). Arrow's Go library keeps its Thrift types internal, and
// neither writes nor verifies page checksums; see crc.go.

// Compact-protocol type codes.
const (
	tStop   = 0
	tTrue   = 1
	tFalse  = 2
	tByte   = 3
	tI16    = 4
	tI32    = 5
	tI64    = 6
	tDouble = 7
	tBinary = 8
	tList   = 9
	tSet    = 10
	tMap    = 11
	tStruct = 12
)

// maxThriftDepth bounds nesting, so hostile input cannot exhaust the stack.
const maxThriftDepth = 32

var errThrift = errors.New("malformed Thrift")

// tfield is one field of a struct: its id, its type, and its value — an
// integer (i), raw bytes (raw: binary, double), elements (list, set), or
// fields (struct). A bool's value is its type (tTrue or tFalse).
type tfield struct {
	id int16
	tvalue
}

type tvalue struct {
	typ      byte
	i        int64
	raw      []byte
	elemType byte
	elems    []tvalue
	fields   []tfield
}

// field returns the struct's field with the given id, or nil.
func (v *tvalue) field(id int16) *tfield {
	for k := range v.fields {
		if v.fields[k].id == id {
			return &v.fields[k]
		}
	}
	return nil
}

// setInt sets (or adds, keeping ids ascending) an integer field.
func (v *tvalue) setInt(id int16, typ byte, x int64) {
	if f := v.field(id); f != nil {
		f.typ, f.i = typ, x
		return
	}
	k := 0
	for k < len(v.fields) && v.fields[k].id < id {
		k++
	}
	v.fields = append(v.fields, tfield{})
	copy(v.fields[k+1:], v.fields[k:])
	v.fields[k] = tfield{id: id, tvalue: tvalue{typ: typ, i: x}}
}

// treader reads compact-protocol values from b.
type treader struct {
	b   []byte
	pos int
}

func (r *treader) byte() (byte, error) {
	if r.pos >= len(r.b) {
		return 0, fmt.Errorf("%w: truncated at byte %d", errThrift, r.pos)
	}
	c := r.b[r.pos]
	r.pos++
	return c, nil
}

func (r *treader) uvarint() (uint64, error) {
	x, n := binary.Uvarint(r.b[r.pos:])
	if n <= 0 {
		return 0, fmt.Errorf("%w: bad varint at byte %d", errThrift, r.pos)
	}
	r.pos += n
	return x, nil
}

func (r *treader) varint() (int64, error) {
	u, err := r.uvarint()
	return int64(u>>1) ^ -int64(u&1), err
}

func (r *treader) bytes(n uint64) ([]byte, error) {
	if n > uint64(len(r.b)-r.pos) {
		return nil, fmt.Errorf("%w: %d bytes announced at byte %d, %d left", errThrift, n, r.pos, len(r.b)-r.pos)
	}
	out := r.b[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return out, nil
}

// readStruct reads a struct's fields up to its stop byte.
func (r *treader) readStruct(depth int) (tvalue, error) {
	if depth > maxThriftDepth {
		return tvalue{}, fmt.Errorf("%w: nested too deep", errThrift)
	}
	v := tvalue{typ: tStruct}
	var last int16
	for {
		h, err := r.byte()
		if err != nil {
			return v, err
		}
		if h == tStop {
			return v, nil
		}
		id := last + int16(h>>4)
		if h>>4 == 0 {
			x, err := r.varint()
			if err != nil {
				return v, err
			}
			id = int16(x)
		}
		last = id
		val, err := r.readValue(h&0x0f, depth+1)
		if err != nil {
			return v, err
		}
		v.fields = append(v.fields, tfield{id: id, tvalue: val})
	}
}

// readValue reads one value of type typ (for a bool field, the type is the value).
func (r *treader) readValue(typ byte, depth int) (tvalue, error) {
	v := tvalue{typ: typ}
	var err error
	switch typ {
	case tTrue, tFalse:
	case tByte:
		var c byte
		c, err = r.byte()
		v.i = int64(int8(c))
	case tI16, tI32, tI64:
		v.i, err = r.varint()
	case tDouble:
		v.raw, err = r.bytes(8)
	case tBinary:
		var n uint64
		if n, err = r.uvarint(); err == nil {
			v.raw, err = r.bytes(n)
		}
	case tList, tSet:
		var h byte
		if h, err = r.byte(); err != nil {
			return v, err
		}
		n := uint64(h >> 4)
		if n == 15 {
			if n, err = r.uvarint(); err != nil {
				return v, err
			}
		}
		if n > uint64(len(r.b)-r.pos) { // every element takes at least a byte
			return v, fmt.Errorf("%w: list of %d elements at byte %d", errThrift, n, r.pos)
		}
		v.elemType = h & 0x0f
		v.elems = make([]tvalue, 0, n)
		for range n {
			var e tvalue
			if v.elemType == tTrue || v.elemType == tFalse {
				var c byte
				if c, err = r.byte(); err != nil {
					return v, err
				}
				e = tvalue{typ: tFalse, i: int64(c)} // the byte, written back as read
				if c == 1 {
					e.typ = tTrue
				}
			} else if e, err = r.readValue(v.elemType, depth+1); err != nil {
				return v, err
			}
			v.elems = append(v.elems, e)
		}
	case tStruct:
		return r.readStruct(depth)
	default: // maps do not occur in Parquet's metadata
		err = fmt.Errorf("%w: type %d at byte %d", errThrift, typ, r.pos)
	}
	return v, err
}

// appendStruct writes a struct's fields and its stop byte.
func appendStruct(b []byte, v *tvalue) []byte {
	var last int16
	for k := range v.fields {
		f := &v.fields[k]
		if d := f.id - last; d > 0 && d <= 15 {
			b = append(b, byte(d)<<4|f.typ)
		} else {
			b = append(b, f.typ)
			b = binary.AppendUvarint(b, zigzag(int64(f.id)))
		}
		last = f.id
		b = appendValue(b, &f.tvalue)
	}
	return append(b, tStop)
}

func appendValue(b []byte, v *tvalue) []byte {
	switch v.typ {
	case tByte:
		b = append(b, byte(v.i))
	case tI16, tI32, tI64:
		b = binary.AppendUvarint(b, zigzag(v.i))
	case tDouble:
		b = append(b, v.raw...)
	case tBinary:
		b = binary.AppendUvarint(b, uint64(len(v.raw)))
		b = append(b, v.raw...)
	case tList, tSet:
		if n := len(v.elems); n < 15 {
			b = append(b, byte(n)<<4|v.elemType)
		} else {
			b = append(b, 0xf0|v.elemType)
			b = binary.AppendUvarint(b, uint64(n))
		}
		for k := range v.elems {
			e := &v.elems[k]
			if v.elemType == tTrue || v.elemType == tFalse {
				b = append(b, byte(e.i))
				continue
			}
			b = appendValue(b, e)
		}
	case tStruct:
		b = appendStruct(b, v)
	}
	return b
}

func zigzag(x int64) uint64 { return uint64(x<<1) ^ uint64(x>>63) }
