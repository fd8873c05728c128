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
	// Text: inferred last, holding any field (csvText).
	csv: &csvType{
		rank: 100,
		recognize: func(field []byte, p *chunkParser) addOutcome {
			if !utf8.Valid(field) && !p.cfg.replace {
				return addBadUTF8
			}
			return addOK
		},
		start: func(p *chunkParser, j, n int) csvValues { return &stringCSV{p.stringRegion(j, n)} },
		join: func(j *csvJoin) any {
			return joinStrings(j, func(v csvValues) []string { return v.(*stringCSV).v })
		},
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
	if rows == nil && valid == nil { // the common case, inlined
		for i := range hashes {
			hashes[i] = foldHash(hashes[i], fnv1a(v[i]))
		}
		return
	}
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

// stringCSV is a String column's values in a chunk of CSV (missing rows
// hold ""), in the chunk's region of the column's shared storage.
type stringCSV struct{ v []string }

func (c *stringCSV) add(field []byte, p *chunkParser) addOutcome {
	s, ok := p.text(field)
	if !ok {
		return addBadUTF8
	}
	c.v = append(c.v, s)
	return addOK
}

func (c *stringCSV) addMissing()    { c.v = append(c.v, "") }
func (c *stringCSV) truncate(n int) { c.v = c.v[:n] }
