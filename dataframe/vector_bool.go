package dataframe

import (
	"fmt"
	"strconv"

	"github.com/vmihailenco/msgpack/v5"
)

// boolVec is the storage of a Bool column; missing rows hold false. On
// the wire it is packed one bit per row.
type boolVec []bool

var _ vector = boolVec(nil)

var boolType = typeSpec{
	name: "bool",
	fromData: func(data any) (vector, bool) {
		s, ok := data.([]bool)
		return boolVec(s), ok
	},
	empty: func() vector { return boolVec{} },
	decodeWire: func(dec *msgpack.Decoder, name string, n int) (vector, error) {
		var words []uint64
		if err := dec.Decode(&words); err != nil {
			return nil, malformedWire(fmt.Sprintf("column %q values", name), err)
		}
		if len(words) != wordsFor(n) {
			return nil, lengthMismatch(name, "bool words", len(words), wordsFor(n))
		}
		return boolVec(unpackBools(words, n)), nil
	},
	csv: &csvType{
		rank: 30,
		recognize: func(field []byte, _ *chunkParser) addOutcome {
			if _, ok := parseBool(field); ok {
				return addOK
			}
			return addNoMatch
		},
		start: func(p *chunkParser, _, n int) csvValues {
			return &boolCSV{make([]bool, n, max(p.rowsGuess, n+1))}
		},
		join: func(j *csvJoin) any {
			return joinSlices(j, func(v csvValues) []bool { return v.(*boolCSV).v })
		},
	},
}

func (v boolVec) len() int                 { return len(v) }
func (v boolVec) data() any                { return []bool(v) }
func (v boolVec) slice(lo, hi int) vector  { return v[lo:hi:hi] }
func (v boolVec) gather(rows []int) vector { return boolVec(gatherSlice(v, rows)) }
func (v boolVec) clone() vector            { return append(boolVec(nil), v...) }
func (v boolVec) value(r int) any          { return v[r] }

func (v boolVec) concat(parts []vector, rows [][]int, total int) vector {
	return concatSlices[boolVec](parts, rows, total)
}

func (v boolVec) hashInto(hashes []uint64, rows []int, valid Bitmap) {
	hashSlice(hashes, v, rows, valid, hashBool)
}

func hashBool(x bool) uint64 {
	if x {
		return mix64(1)
	}
	return mix64(2)
}

// compare orders false before true.
func (v boolVec) compare() func(a, b int) int {
	return func(a, b int) int { return compareBool(v[a], v[b]) }
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}

func (v boolVec) factorize(rows []int, valid Bitmap) ([]int32, int) {
	n := len(v)
	if rows != nil {
		n = len(rows)
	}
	return factorizeOrdered(n, func(j int) (int, bool) {
		r := rowAt(rows, j)
		if v[r] {
			return 1, valid.IsValid(r)
		}
		return 0, valid.IsValid(r)
	})
}

// float64s converts true to 1 and false to 0.
func (v boolVec) float64s(rows []int, valid Bitmap) ([]float64, bool) {
	return float64sOf(v, rows, valid, func(x bool) float64 {
		if x {
			return 1
		}
		return 0
	}), true
}

func (v boolVec) floatAt(valid Bitmap) func(r int) (float64, bool) {
	return func(r int) (float64, bool) {
		if v[r] {
			return 1, valid.IsValid(r)
		}
		return 0, valid.IsValid(r)
	}
}

func (v boolVec) float64At(r int, valid Bitmap) (float64, bool, bool) {
	if v[r] {
		return 1, valid.IsValid(r), true
	}
	return 0, valid.IsValid(r), true
}

func (v boolVec) format(rows []int, valid Bitmap) []string {
	out := make([]string, len(rows))
	for j, r := range rows {
		out[j] = strconv.FormatBool(v[r])
	}
	return markMissing(out, rows, valid)
}

func (v boolVec) appendCSV(dst []byte, r int, _ byte) []byte {
	return strconv.AppendBool(dst, v[r])
}

func (v boolVec) encode(enc *msgpack.Encoder) error { return enc.Encode(packBools(v)) }

// boolCSV is a Bool column's values in a chunk of CSV; missing rows hold
// false.
type boolCSV struct{ v []bool }

func (c *boolCSV) add(field []byte, _ *chunkParser) addOutcome {
	x, ok := parseBool(field)
	if !ok {
		return addNoMatch
	}
	c.v = append(c.v, x)
	return addOK
}

func (c *boolCSV) addMissing()    { c.v = append(c.v, false) }
func (c *boolCSV) truncate(n int) { c.v = c.v[:n] }

// parseBool accepts true and false in lower, title or upper case.
func parseBool(b []byte) (bool, bool) {
	switch bytesString(trimSpace(b)) {
	case "true", "True", "TRUE":
		return true, true
	case "false", "False", "FALSE":
		return false, true
	}
	return false, false
}
