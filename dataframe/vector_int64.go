package dataframe

import (
	"cmp"
	"fmt"
	"math"
	"strconv"

	"github.com/vmihailenco/msgpack/v5"
)

// int64Vec is the storage of an Int64 column; missing rows hold 0.
type int64Vec []int64

var _ vector = int64Vec(nil)

var int64Type = typeSpec{
	name:    "int64",
	numeric: true,
	fromData: func(data any) (vector, bool) {
		s, ok := data.([]int64)
		return int64Vec(s), ok
	},
	empty:      func() vector { return int64Vec{} },
	decodeWire: decodeInt64sWire,
	csv: &csvType{
		rank:      10,
		widen:     Float64,
		convert:   int64sToFloat64s,
		syntaxErr: strconv.ErrSyntax,
		recognize: func(field []byte, _ *chunkParser) addOutcome {
			if _, ok := parseInt(field); ok {
				return addOK
			}
			return addNoMatch
		},
		start: func(p *chunkParser, j, n int) csvValues { return &int64CSV{p.int64Region(j, n)} },
		join: func(j *csvJoin) any {
			return joinWords(j, func(v csvValues) []int64 { return v.(*int64CSV).v })
		},
	},
}

func (v int64Vec) len() int                 { return len(v) }
func (v int64Vec) data() any                { return []int64(v) }
func (v int64Vec) slice(lo, hi int) vector  { return v[lo:hi:hi] }
func (v int64Vec) gather(rows []int) vector { return int64Vec(gatherSlice(v, rows)) }
func (v int64Vec) clone() vector            { return append(int64Vec(nil), v...) }
func (v int64Vec) value(r int) any          { return v[r] }

func (v int64Vec) concat(parts []vector, rows [][]int, total int) vector {
	return concatSlices[int64Vec](parts, rows, total)
}

func (v int64Vec) hashInto(hashes []uint64, rows []int, valid Bitmap) {
	if rows == nil && valid == nil { // the common case, inlined
		for i := range hashes {
			hashes[i] = foldHash(hashes[i], hashInt64(v[i]))
		}
		return
	}
	hashSlice(hashes, v, rows, valid, hashInt64)
}

func hashInt64(x int64) uint64 { return mix64(uint64(x)) }

func (v int64Vec) compare() func(a, b int) int {
	return func(a, b int) int { return cmp.Compare(v[a], v[b]) }
}

func (v int64Vec) factorize(rows []int, valid Bitmap) ([]int32, int) {
	return factorizeInt64(selectSlice(v, rows), valid, rows)
}

func (v int64Vec) float64s(rows []int, valid Bitmap) ([]float64, bool) {
	return float64sOf(v, rows, valid, func(x int64) float64 { return float64(x) }), true
}

func (v int64Vec) floatAt(valid Bitmap) func(r int) (float64, bool) {
	return func(r int) (float64, bool) { return float64(v[r]), valid.IsValid(r) }
}

func (v int64Vec) float64At(r int, valid Bitmap) (float64, bool, bool) {
	return float64(v[r]), valid.IsValid(r), true
}

func (v int64Vec) format(rows []int, valid Bitmap) []string {
	out := make([]string, len(rows))
	for j, r := range rows {
		out[j] = strconv.FormatInt(v[r], 10)
	}
	return markMissing(out, rows, valid)
}

func (v int64Vec) appendCSV(dst []byte, r int, _ byte) []byte {
	return strconv.AppendInt(dst, v[r], 10)
}

func (v int64Vec) encode(enc *msgpack.Encoder) error { return enc.Encode([]int64(v)) }

// decodeInt64sWire reads n raw int64s (Int64 and Time columns).
func decodeInt64sWire(dec *msgpack.Decoder, name string, n int) (vector, error) {
	var x []int64
	if err := dec.Decode(&x); err != nil {
		return nil, malformedWire(fmt.Sprintf("column %q values", name), err)
	}
	if len(x) != n {
		return nil, lengthMismatch(name, "values", len(x), n)
	}
	return int64Vec(x), nil
}

// int64CSV is an Int64 column's values in a chunk of CSV (missing rows
// hold 0), parsed into the chunk's region of the column's shared storage.
type int64CSV struct{ v []int64 }

func (c *int64CSV) add(field []byte, _ *chunkParser) addOutcome {
	x, ok := parseInt(field)
	if !ok {
		return addNoMatch
	}
	c.v = append(c.v, x)
	return addOK
}

func (c *int64CSV) addMissing()    { c.v = append(c.v, 0) }
func (c *int64CSV) truncate(n int) { c.v = c.v[:n] }

// int64sToFloat64s converts an Int64 column's values to Float64 in place
// (the chunk owns their memory), missing rows NaN.
func int64sToFloat64s(v csvValues, missing []int32) csvValues {
	ints := v.(*int64CSV).v
	f := int64sAsFloat64s(ints)
	for i, x := range ints {
		f[i] = float64(x)
	}
	for _, m := range missing {
		f[m] = math.NaN()
	}
	return &float64CSV{f}
}
