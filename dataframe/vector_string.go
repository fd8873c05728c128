package dataframe

import (
	"strings"
	"unicode/utf8"

	"github.com/vmihailenco/msgpack/v5"
)

// stringVec is the storage of a String column; missing rows hold "". On
// the wire it travels as offsets and packed bytes (encodeStrings).
type stringVec []string

var _ vector = stringVec(nil)

var stringType = typeSpec{
	name: "string",
	fromData: func(data any) (vector, bool) {
		s, ok := data.([]string)
		return stringVec(s), ok
	},
	empty: func() vector { return stringVec{} },
	decodeWire: func(dec *msgpack.Decoder, name string, n int) (vector, error) {
		s, err := decodeStrings(dec, name, n)
		return stringVec(s), err
	},
}

func (v stringVec) len() int                 { return len(v) }
func (v stringVec) data() any                { return []string(v) }
func (v stringVec) slice(lo, hi int) vector  { return v[lo:hi:hi] }
func (v stringVec) gather(rows []int) vector { return stringVec(gatherSlice(v, rows)) }
func (v stringVec) clone() vector            { return append(stringVec(nil), v...) }
func (v stringVec) value(r int) any          { return v[r] }

func (v stringVec) concat(parts []vector, rows [][]int, total int) vector {
	return concatSlices[stringVec](parts, rows, total)
}

func (v stringVec) hashInto(hashes []uint64, rows []int, valid Bitmap) {
	hashSlice(hashes, v, rows, valid, fnv1a)
}

// compare orders strings by bytes.
func (v stringVec) compare() func(a, b int) int {
	return func(a, b int) int { return strings.Compare(v[a], v[b]) }
}

func (v stringVec) factorize(rows []int, valid Bitmap) ([]int32, int) {
	n := len(v)
	if rows != nil {
		n = len(rows)
	}
	return factorizeOrdered(n, func(j int) (string, bool) {
		r := rowAt(rows, j)
		return v[r], valid.IsValid(r)
	})
}

func (v stringVec) float64s([]int, Bitmap) ([]float64, bool) { return nil, false }

func (v stringVec) floatAt(Bitmap) func(r int) (float64, bool) { return nil }

func (v stringVec) float64At(int, Bitmap) (float64, bool, bool) { return 0, false, false }

// format cuts long strings to displayMaxWidth characters.
func (v stringVec) format(rows []int, valid Bitmap) []string {
	out := make([]string, len(rows))
	for j, r := range rows {
		s := v[r]
		if utf8.RuneCountInString(s) > displayMaxWidth {
			runes := []rune(s)
			s = string(runes[:displayMaxWidth-3]) + "..."
		}
		out[j] = s
	}
	return markMissing(out, rows, valid)
}

func (v stringVec) appendCSV(dst []byte, r int, delimiter byte) []byte {
	return appendCSVField(dst, v[r], delimiter)
}

func (v stringVec) encode(enc *msgpack.Encoder) error { return encodeStrings(enc, v) }
