package dataframe

import (
	"cmp"
	"fmt"
	"math"
	"strconv"

	"github.com/vmihailenco/msgpack/v5"
)

// float64Vec is the storage of a Float64 column. NaN is its missing
// value: a missing row holds NaN, and a NaN row is missing.
type float64Vec []float64

var (
	_ vector     = float64Vec(nil)
	_ nanMissing = float64Vec(nil)
)

var float64Type = typeSpec{
	name:    "float64",
	numeric: true,
	fromData: func(data any) (vector, bool) {
		s, ok := data.([]float64)
		return float64Vec(s), ok
	},
	empty: func() vector { return float64Vec{} },
	decodeWire: func(dec *msgpack.Decoder, name string, n int) (vector, error) {
		var x []float64
		if err := dec.Decode(&x); err != nil {
			return nil, malformedWire(fmt.Sprintf("column %q values", name), err)
		}
		if len(x) != n {
			return nil, lengthMismatch(name, "values", len(x), n)
		}
		return float64Vec(x), nil
	},
	csv: &csvType{
		rank:      20,
		syntaxErr: strconv.ErrSyntax,
		recognize: func(field []byte, p *chunkParser) addOutcome {
			x, ok := parseFloat(field)
			switch {
			case !ok:
				return addNoMatch
			case math.IsInf(x, 0) && !p.cfg.allowInf:
				return addInfinite
			}
			return addOK
		},
		start: func(p *chunkParser, j, n int) csvValues { return &float64CSV{p.float64Region(j, n)} },
		join: func(j *csvJoin) any {
			return joinWords(j, func(v csvValues) []float64 { return v.(*float64CSV).v })
		},
	},
}

func (v float64Vec) len() int                 { return len(v) }
func (v float64Vec) data() any                { return []float64(v) }
func (v float64Vec) slice(lo, hi int) vector  { return v[lo:hi:hi] }
func (v float64Vec) gather(rows []int) vector { return float64Vec(gatherSlice(v, rows)) }
func (v float64Vec) clone() vector            { return append(float64Vec(nil), v...) }
func (v float64Vec) value(r int) any          { return v[r] }

func (v float64Vec) concat(parts []vector, rows [][]int, total int) vector {
	return concatSlices[float64Vec](parts, rows, total)
}

func (v float64Vec) hashInto(hashes []uint64, rows []int, valid Bitmap) {
	if rows == nil && valid == nil { // the common case, inlined
		for i := range hashes {
			hashes[i] = foldHash(hashes[i], hashFloat64(v[i]))
		}
		return
	}
	hashSlice(hashes, v, rows, valid, hashFloat64)
}

// hashFloat64 hashes -0 as 0: they are one key.
func hashFloat64(x float64) uint64 {
	if x == 0 {
		x = 0
	}
	return mix64(math.Float64bits(x))
}

func (v float64Vec) compare() func(a, b int) int {
	return func(a, b int) int { return cmp.Compare(v[a], v[b]) }
}

func (v float64Vec) factorize(rows []int, _ Bitmap) ([]int32, int) {
	n := len(v)
	if rows != nil {
		n = len(rows)
	}
	return factorizeOrdered(n, func(j int) (float64, bool) {
		x := v[rowAt(rows, j)]
		return x, !math.IsNaN(x)
	})
}

// float64s shares the data: missing rows already hold NaN.
func (v float64Vec) float64s(rows []int, _ Bitmap) ([]float64, bool) {
	return selectSlice(v, rows), true
}

func (v float64Vec) floatAt(Bitmap) func(r int) (float64, bool) {
	return func(r int) (float64, bool) { x := v[r]; return x, x == x }
}

func (v float64Vec) float64At(r int, _ Bitmap) (float64, bool, bool) {
	return v[r], v[r] == v[r], true
}

func (v float64Vec) format(rows []int, _ Bitmap) []string {
	return formatFloats(gatherSlice(v, rows))
}

func (v float64Vec) appendCSV(dst []byte, r int, _ byte) []byte {
	return strconv.AppendFloat(dst, v[r], 'g', -1, 64)
}

func (v float64Vec) encode(enc *msgpack.Encoder) error { return enc.Encode([]float64(v)) }

func (v float64Vec) missingBitmap() Bitmap { return nanBitmap(v) }

func (v float64Vec) withMissing(valid Bitmap) vector {
	copied := false
	for i := range v {
		if !valid.IsValid(i) && !math.IsNaN(v[i]) {
			if !copied {
				v = append(float64Vec(nil), v...)
				copied = true
			}
			v[i] = math.NaN()
		}
	}
	return v
}

// nanBitmap returns the bitmap marking NaN entries missing, or nil.
func nanBitmap(values []float64) Bitmap {
	var b Bitmap
	for i, v := range values {
		if v != v {
			if b == nil {
				b = NewBitmap(len(values))
			}
			b.SetMissing(i)
		}
	}
	return b
}

// float64CSV is a Float64 column's values in a chunk of CSV (missing rows
// hold NaN), parsed into the chunk's region of the column's shared
// storage.
type float64CSV struct{ v []float64 }

func (c *float64CSV) add(field []byte, p *chunkParser) addOutcome {
	x, ok := parseFloat(field)
	if !ok {
		return addNoMatch
	}
	if math.IsInf(x, 0) && !p.cfg.allowInf {
		return addInfinite
	}
	c.v = append(c.v, x)
	return addOK
}

func (c *float64CSV) addMissing()    { c.v = append(c.v, math.NaN()) }
func (c *float64CSV) truncate(n int) { c.v = c.v[:n] }
