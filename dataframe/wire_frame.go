package dataframe

import (
	"fmt"
	"strconv"
	"unsafe"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// A frame on the wire is a msgpack array of four items:
//
//	[version uint, base rows int, columns [column...], row index]
//
// The columns are the frame's backing columns, each of base rows, in the
// column layout of wire_column.go; the row index is nil for a frame that
// is not a view, or []int64 (raw) of backing rows. A view travels either
// that way or materialised (its rows gathered into new columns, no
// index), whichever is smaller: see viewTravelsAsIndex.
const (
	frameWireItems   = 4
	frameWireVersion = 1
)

// maxColumnlessRows bounds the row count a frame without columns may
// claim on the wire, where no data backs it.
const maxColumnlessRows = 1 << 32

// encodeFrame writes the frame for lazygraph's wire codec (registered in
// wire_codec.go), so that a *Frame can be a task's argument or result on
// the processes and distributed schedulers: numeric columns, validity
// bitmaps and string bytes travel as raw memory. A view travels as its backing columns plus
// its row index, or materialised, whichever is smaller. See the package
// documentation, "On the wire".
func encodeFrame(enc *msgpack.Encoder, f *Frame) error {
	columns, rows, baseLen := f.columns, f.rows, f.baseLen
	if rows != nil && !f.viewTravelsAsIndex() {
		columns = f.Columns()
		rows, baseLen = nil, len(f.rows)
	}
	if err := enc.EncodeArrayLen(frameWireItems); err != nil {
		return err
	}
	if err := enc.EncodeUint(frameWireVersion); err != nil {
		return err
	}
	if err := enc.EncodeInt(int64(baseLen)); err != nil {
		return err
	}
	if err := enc.EncodeArrayLen(len(columns)); err != nil {
		return err
	}
	for _, c := range columns {
		if err := encodeColumn(enc, c); err != nil {
			return err
		}
	}
	if rows == nil {
		return enc.EncodeNil()
	}
	return enc.Encode(intsAsInt64s(rows))
}

// decodeFrame reads a frame written by encodeFrame into f, checking
// everything: malformed input is an error wrapping ErrMalformed, never a
// panic. A view that travelled as an index comes back a view over the
// decoded backing columns.
func decodeFrame(dec *msgpack.Decoder, f *Frame) error {
	if err := expectArray(dec, frameWireItems, "frame"); err != nil {
		return err
	}
	version, err := dec.DecodeUint64()
	if err != nil {
		return malformedWire("frame version", err)
	}
	if version != frameWireVersion {
		return malformedWire("frame format version "+strconv.FormatUint(version, 10), nil)
	}
	baseLen, err := dec.DecodeInt64()
	if err != nil {
		return malformedWire("frame rows", err)
	}
	ncols, err := dec.DecodeArrayLen()
	if err != nil {
		return malformedWire("frame columns", err)
	}
	if baseLen < 0 || ncols < 0 || (ncols == 0 && baseLen > maxColumnlessRows) {
		return malformedWire(fmt.Sprintf("frame of %d rows and %d columns", baseLen, ncols), nil)
	}
	columns := make([]*Column, ncols)
	for j := range columns {
		if columns[j], err = decodeColumn(dec); err != nil {
			return err
		}
		if int64(columns[j].n) != baseLen {
			return lengthMismatch(columns[j].name, "rows", columns[j].n, int(baseLen))
		}
	}
	var rows []int
	if code, err := dec.PeekCode(); err != nil {
		return malformedWire("frame row index", err)
	} else if code == msgpcode.Nil {
		_ = dec.Skip()
	} else {
		var index []int64
		if err := dec.Decode(&index); err != nil {
			return malformedWire("frame row index", err)
		}
		for k, r := range index {
			if r < 0 || r >= baseLen {
				return malformedWire(fmt.Sprintf("row index %d at position %d outside [0, %d)", r, k, baseLen), nil)
			}
		}
		rows = int64sAsInts(index)
	}
	out, err := New(columns...)
	if err != nil {
		return malformedWire("frame", err)
	}
	out.baseLen = int(baseLen)
	if rows != nil {
		out = out.withRows(rows)
	}
	*f = *out
	return nil
}

// viewTravelsAsIndex decides how a view crosses the wire: as its backing
// columns plus 8 bytes a row of index, or as its rows gathered into new
// columns, by whichever is smaller. A view of r rows over n backing rows
// w bytes wide costs r·w gathered against n·w + 8·r as an index, so views
// that select rows (a group, a fold, a Filter, a Head, a Sort: r ≤ n) go
// gathered and never drag unselected rows along, and only a view that
// repeats rows enough (a bootstrap resample larger than its frame, say)
// goes as the index. Either way a view costs at most what the frame
// alone would. Views of one frame sent separately are encoded separately;
// to share the frame, send it once as a delayed.Value and the row indices
// per task.
func (f *Frame) viewTravelsAsIndex() bool {
	n, r := int64(f.baseLen), int64(len(f.rows))
	backing, gathered := 8*r, int64(0)
	for _, c := range f.columns {
		width := int64(8) // float64, int64, time values; string offsets
		if c.typ == Bool {
			width = 0 // bits, counted below with the validity
		}
		bits := int64(1)
		if c.valid != nil {
			bits++
		}
		backing += width*n + bits*n/8
		gathered += width*r + bits*r/8
		if strs := c.strings(); strs != nil {
			for _, s := range strs {
				backing += int64(len(s))
			}
			for _, row := range f.rows {
				gathered += int64(len(strs[row]))
			}
		}
	}
	return backing < gathered
}

// intsAsInt64s views a []int as []int64 where int has 64 bits (every
// platform lazygraph's raw encoding serves), else copies.
func intsAsInt64s(x []int) []int64 {
	if strconv.IntSize == 64 {
		return unsafe.Slice((*int64)(unsafe.Pointer(unsafe.SliceData(x))), len(x))
	}
	out := make([]int64, len(x))
	for i, v := range x {
		out[i] = int64(v)
	}
	return out
}

// int64sAsInts is the inverse of intsAsInt64s; values must fit in int.
func int64sAsInts(x []int64) []int {
	if strconv.IntSize == 64 {
		return unsafe.Slice((*int)(unsafe.Pointer(unsafe.SliceData(x))), len(x))
	}
	out := make([]int, len(x))
	for i, v := range x {
		out[i] = int(v)
	}
	return out
}

// expectArray reads an array header that must announce want items.
func expectArray(dec *msgpack.Decoder, want int, what string) error {
	n, err := dec.DecodeArrayLen()
	if err != nil {
		return malformedWire(what, err)
	}
	if n != want {
		return malformedWire(fmt.Sprintf("%s of %d items, want %d", what, n, want), nil)
	}
	return nil
}

// malformedWire is the error for undecodable input: it wraps ErrMalformed
// and the codec's error, if any.
func malformedWire(what string, cause error) error {
	if cause == nil {
		return fmt.Errorf("dataframe: decoding %s: %w", what, ErrMalformed)
	}
	return fmt.Errorf("dataframe: decoding %s: %w: %w", what, ErrMalformed, cause)
}

func lengthMismatch(column, what string, have, want int) error {
	return fmt.Errorf("dataframe: decoding column %q: %d %s, want %d: %w: %w", column, have, what, want, ErrMalformed, ErrLength)
}
