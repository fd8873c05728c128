package dataframe

import (
	"errors"
	"fmt"
	"math"
	"unsafe"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// A column on the wire is a msgpack array of five items:
//
//	[name string, type uint, rows int, data, validity]
//
// where data is, by type,
//
//	Float64        []float64 (raw)
//	Int64, Time    []int64 (raw)
//	String         [offsets []int64 (raw, rows+1), bytes []uint64 (raw, packed)]
//	Bool           []uint64 (raw, one bit per row)
//
// and validity is nil or the Bitmap as []uint64 (raw). The raw items are
// the slice types internal/wire registers as raw memory, so under its
// codec they travel as one memory copy each (as frame attachments from
// 64 KiB), never element by element.
const columnWireItems = 5

// encodeColumn writes the column for lazygraph's wire codec (registered
// in wire_codec.go): numeric data, validity and string bytes as raw
// slices. See the package documentation, "On the wire".
func encodeColumn(enc *msgpack.Encoder, c *Column) error {
	if err := enc.EncodeArrayLen(columnWireItems); err != nil {
		return err
	}
	if err := enc.EncodeString(c.name); err != nil {
		return err
	}
	if err := enc.EncodeUint(uint64(c.typ)); err != nil {
		return err
	}
	if err := enc.EncodeInt(int64(c.n)); err != nil {
		return err
	}
	if err := c.vec.encode(enc); err != nil {
		return err
	}
	if c.valid == nil {
		return enc.EncodeNil()
	}
	return enc.Encode([]uint64(c.valid))
}

// decodeColumnInto reads a column written by encodeColumn into c.
// Malformed input is an error wrapping ErrMalformed; it never panics.
// Numeric data is used in place, without a copy, from the buffer the codec
// decoded it into.
func decodeColumnInto(dec *msgpack.Decoder, c *Column) error {
	col, err := decodeColumn(dec)
	if err != nil {
		return err
	}
	*c = *col
	return nil
}

// decodeColumn reads one column in the wire layout.
func decodeColumn(dec *msgpack.Decoder) (*Column, error) {
	if err := expectArray(dec, columnWireItems, "column"); err != nil {
		return nil, err
	}
	name, err := dec.DecodeString()
	if err != nil {
		return nil, malformedWire("column name", err)
	}
	rawType, err := dec.DecodeUint64()
	if err != nil {
		return nil, malformedWire("column type", err)
	}
	typ := Type(rawType)
	if rawType > math.MaxUint8 || !typ.Valid() {
		return nil, malformedWire(fmt.Sprintf("column %q type %d", name, rawType), nil)
	}
	rows, err := dec.DecodeInt64()
	if err != nil {
		return nil, malformedWire("column rows", err)
	}
	if rows < 0 {
		return nil, malformedWire(fmt.Sprintf("column %q with %d rows", name, rows), nil)
	}
	n := int(rows)
	vec, err := typeOf(typ).decodeWire(dec, name, n)
	if err != nil {
		return nil, err
	}
	var valid Bitmap
	if code, err := dec.PeekCode(); err != nil {
		return nil, malformedWire("column validity", err)
	} else if code == msgpcode.Nil {
		_ = dec.Skip()
	} else {
		var words []uint64
		if err := dec.Decode(&words); err != nil {
			return nil, malformedWire(fmt.Sprintf("column %q validity", name), err)
		}
		if len(words) != wordsFor(n) {
			return nil, lengthMismatch(name, "validity words", len(words), wordsFor(n))
		}
		valid = Bitmap(words)
	}
	col, err := NewColumn(name, typ, vec.data(), valid)
	if err != nil {
		return nil, fmt.Errorf("dataframe: decoding: %w", errors.Join(ErrMalformed, err))
	}
	return col, nil
}

// encodeStrings writes strings as [offsets, bytes]: rows+1 int64 offsets
// and every string's bytes back to back, packed into uint64 words so that
// both travel as raw memory.
func encodeStrings(enc *msgpack.Encoder, values []string) error {
	offsets := make([]int64, len(values)+1)
	total := 0
	for i, s := range values {
		total += len(s)
		offsets[i+1] = int64(total)
	}
	words := make([]uint64, (total+7)/8)
	buf := wordBytes(words, total)
	at := 0
	for _, s := range values {
		at += copy(buf[at:], s)
	}
	if err := enc.EncodeArrayLen(2); err != nil {
		return err
	}
	if err := enc.Encode(offsets); err != nil {
		return err
	}
	return enc.Encode(words)
}

// decodeStrings reads what encodeStrings wrote. The strings share one
// fresh copy of the bytes (the codec's buffer may be a memory mapping that
// outlives no job), so a column costs two allocations however many rows
// it has.
func decodeStrings(dec *msgpack.Decoder, name string, n int) ([]string, error) {
	if err := expectArray(dec, 2, "string column"); err != nil {
		return nil, err
	}
	var offsets []int64
	if err := dec.Decode(&offsets); err != nil {
		return nil, malformedWire(fmt.Sprintf("column %q offsets", name), err)
	}
	var words []uint64
	if err := dec.Decode(&words); err != nil {
		return nil, malformedWire(fmt.Sprintf("column %q bytes", name), err)
	}
	if len(offsets) != n+1 {
		return nil, lengthMismatch(name, "string offsets", len(offsets), n+1)
	}
	if offsets[0] != 0 {
		return nil, malformedWire(fmt.Sprintf("column %q first string offset %d", name, offsets[0]), nil)
	}
	for i := 1; i <= n; i++ {
		if offsets[i] < offsets[i-1] {
			return nil, malformedWire(fmt.Sprintf("column %q string offsets decrease at row %d", name, i-1), nil)
		}
	}
	total := offsets[n]
	if total > int64(len(words))*8 || len(words) != int((total+7)/8) {
		return nil, malformedWire(fmt.Sprintf("column %q: %d string bytes in %d words", name, total, len(words)), nil)
	}
	owned := string(wordBytes(words, int(total)))
	out := make([]string, n)
	for i := range out {
		out[i] = owned[offsets[i]:offsets[i+1]]
	}
	return out, nil
}

// packBools packs values one bit per row, like a Bitmap.
func packBools(values []bool) []uint64 {
	words := make([]uint64, wordsFor(len(values)))
	for i, v := range values {
		if v {
			words[i>>6] |= 1 << uint(i&63)
		}
	}
	return words
}

// unpackBools is the inverse of packBools.
func unpackBools(words []uint64, n int) []bool {
	out := make([]bool, n)
	for i := range out {
		out[i] = words[i>>6]&(1<<uint(i&63)) != 0
	}
	return out
}

// wordsFor returns how many 64-bit words hold n bits.
func wordsFor(n int) int { return n/64 + min(1, n%64) }

// wordBytes views the first n bytes of words.
func wordBytes(words []uint64, n int) []byte {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(words))), n)
}
