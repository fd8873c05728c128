package dataframe

import (
	"fmt"
	"math"

	"github.com/vmihailenco/msgpack/v5"
)

// vector is the typed storage of a column: everything the package does
// with a column that depends on its element type goes through it, so a
// column type is one implementation of vector (in its own file,
// vector_<type>.go) plus one entry in the columnTypes registry (types.go).
// See "Adding a column type" in the package documentation.
//
// Every method that visits rows loops inside (it is called once per
// column, never once per cell), so the interface costs one dynamic call
// per column on the hot paths. rows, where a method takes it, selects
// backing rows in order (nil: all rows, 0..len-1); valid is the column's
// validity bitmap (nil: nothing missing). A vector is immutable once it
// backs a Column: every method returns fresh storage or a shared
// read-only view.
type vector interface {
	// len returns the number of rows.
	len() int
	// data returns the backing slice, for Column.Data.
	data() any
	// slice returns rows [lo, hi), sharing memory.
	slice(lo, hi int) vector
	// gather returns a copy of the given rows, in order (take).
	gather(rows []int) vector
	// clone returns a copy of every row.
	clone() vector
	// concat returns the parts (each the same implementation as the
	// receiver) one after another, part k restricted to rows[k] when that
	// is not nil; total is the number of rows of the result.
	concat(parts []vector, rows [][]int, total int) vector

	// hashInto folds each row's hash into hashes (hashes[i] belongs to
	// row rowAt(rows, i)) with foldHash; a missing row hashes as
	// missingHash. The hashes are the same in every process and run.
	hashInto(hashes []uint64, rows []int, valid Bitmap)
	// compare returns a function ordering two present backing rows
	// ascending (sort).
	compare() func(a, b int) int
	// factorize returns for each row the rank of its value among the
	// distinct present values, ascending, or -1 where missing; and the
	// number of distinct values (group-by keys).
	factorize(rows []int, valid Bitmap) (codes []int32, distinct int)
	// value returns backing row r as the Go value a Key holds.
	value(r int) any

	// float64s returns the rows converted to float64 (missing rows NaN)
	// for numeric code, and false for a type that does not convert. The
	// result may share the vector's memory when rows is nil.
	float64s(rows []int, valid Bitmap) ([]float64, bool)
	// floatAt returns a reader of one backing row as float64 and whether
	// it is present, or nil for a type that does not convert. Get it once
	// per column, outside the loop over rows.
	floatAt(valid Bitmap) func(r int) (float64, bool)
	// float64At is floatAt for one row, without allocating a reader
	// (per-row accessors); ok is false for a type that does not convert.
	float64At(r int, valid Bitmap) (v float64, present, ok bool)

	// format renders the rows for Frame.String, missing ones included
	// (markMissing writes pandas' <NA>; Float64 shows NaN).
	format(rows []int, valid Bitmap) []string
	// appendCSV appends present row r as a CSV field the reader reads
	// back as the same value.
	appendCSV(dst []byte, r int, delimiter byte) []byte

	// encode writes the data item of the column's wire layout (see
	// wire_column.go); the type's decodeWire reads it back.
	encode(enc *msgpack.Encoder) error
}

// nanMissing is implemented by a vector whose data has its own missing
// value (Float64's NaN), which must agree with the validity bitmap.
type nanMissing interface {
	// missingBitmap returns the bitmap marking the rows whose data is the
	// missing value, or nil.
	missingBitmap() Bitmap
	// withMissing returns the vector with the missing value written in
	// every row valid marks missing (copying the data if it must change).
	withMissing(valid Bitmap) vector
}

// typeSpec is the registry entry of one column type: what the package
// needs to know of it without a column in hand.
type typeSpec struct {
	// name is the lower-case name Type.String returns.
	name string
	// numeric types take part in numeric statistics (Describe, mean,
	// std, quantile, Sum).
	numeric bool
	// fromData wraps a backing slice (not copied) given to NewColumn,
	// and false if data does not hold this type's values.
	fromData func(data any) (vector, bool)
	// empty returns a vector of no rows.
	empty func() vector
	// decodeWire reads the data item of a column of n rows written by
	// vector.encode. Malformed input is an error wrapping ErrMalformed.
	decodeWire func(dec *msgpack.Decoder, name string, n int) (vector, error)
	// csv is how the type is read from CSV (csv_types.go); nil: read as
	// text.
	csv *csvType
}

// typeOf returns the registry entry of t, or nil for an unknown type.
func typeOf(t Type) *typeSpec {
	if int(t) >= len(columnTypes) || columnTypes[t].name == "" {
		return nil
	}
	return &columnTypes[t]
}

// newVector wraps data as a vector of type typ.
func newVector(name string, typ Type, data any) (vector, error) {
	ct := typeOf(typ)
	if ct == nil {
		return nil, fmt.Errorf("dataframe: column %q: unknown type %s: %w", name, typ, ErrArgument)
	}
	v, ok := ct.fromData(data)
	if !ok {
		return nil, fmt.Errorf("dataframe: column %q: data of type %T does not hold %s values: %w",
			name, data, typ, ErrColumnType)
	}
	return v, nil
}

// Helpers shared by the vector implementations: generic over the element
// type, so each implementation's copy-and-reorder methods are one line.

// gatherSlice returns s's rows in order.
func gatherSlice[T any](s []T, rows []int) []T {
	out := make([]T, len(rows))
	for j, r := range rows {
		out[j] = s[r]
	}
	return out
}

// selectSlice returns s's rows (nil: s itself, shared).
func selectSlice[T any](s []T, rows []int) []T {
	if rows == nil {
		return s
	}
	return gatherSlice(s, rows)
}

// concatSlices stacks the parts, each a V, part k restricted to rows[k]
// when that is not nil.
func concatSlices[V ~[]T, T any](parts []vector, rows [][]int, total int) V {
	out := make(V, 0, total)
	for k, p := range parts {
		s := p.(V)
		if rows[k] == nil {
			out = append(out, s...)
			continue
		}
		for _, r := range rows[k] {
			out = append(out, s[r])
		}
	}
	return out
}

// hashSlice folds hash(s[r]) into hashes for the rows, missingHash for a
// missing row.
func hashSlice[T any](hashes []uint64, s []T, rows []int, valid Bitmap, hash func(T) uint64) {
	switch {
	case rows == nil && valid == nil:
		for i := range hashes {
			hashes[i] = foldHash(hashes[i], hash(s[i]))
		}
	default:
		for i := range hashes {
			r := rowAt(rows, i)
			h := uint64(missingHash)
			if valid.IsValid(r) {
				h = hash(s[r])
			}
			hashes[i] = foldHash(hashes[i], h)
		}
	}
}

// foldHash combines the hash so far of a row's key with the next key
// column's hash.
func foldHash(acc, h uint64) uint64 { return mix64(acc*0x9e3779b97f4a7c15 ^ h) }

// float64sOf converts the rows of s with conv, missing rows NaN.
func float64sOf[T any](s []T, rows []int, valid Bitmap, conv func(T) float64) []float64 {
	n := len(s)
	if rows != nil {
		n = len(rows)
	}
	out := make([]float64, n)
	for j := range out {
		r := rowAt(rows, j)
		if valid.IsValid(r) {
			out[j] = conv(s[r])
		} else {
			out[j] = math.NaN()
		}
	}
	return out
}
