package dataframe

import (
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

// timeVec is the storage of a Time column: instants as Unix nanoseconds
// (UTC), the way pandas' datetime64[ns] holds them; missing rows hold 0.
// It hashes, sorts, groups and travels as the int64s it is.
type timeVec []int64

var _ vector = timeVec(nil)

var timeType = typeSpec{
	name: "time",
	fromData: func(data any) (vector, bool) {
		s, ok := data.([]int64)
		return timeVec(s), ok
	},
	empty: func() vector { return timeVec{} },
	decodeWire: func(dec *msgpack.Decoder, name string, n int) (vector, error) {
		v, err := decodeInt64sWire(dec, name, n)
		if err != nil {
			return nil, err
		}
		return timeVec(v.(int64Vec)), nil
	},
	csv: &csvType{
		rank: 40,
		recognize: func(field []byte, _ *chunkParser) addOutcome {
			if _, ok := parseTime(field); ok {
				return addOK
			}
			return addNoMatch
		},
		start: func(p *chunkParser, j, n int) csvValues { return &timeCSV{p.int64Region(j, n)} },
		join: func(j *csvJoin) any {
			return joinWords(j, func(v csvValues) []int64 { return v.(*timeCSV).v })
		},
	},
}

func (v timeVec) len() int                 { return len(v) }
func (v timeVec) data() any                { return []int64(v) }
func (v timeVec) slice(lo, hi int) vector  { return v[lo:hi:hi] }
func (v timeVec) gather(rows []int) vector { return timeVec(gatherSlice(v, rows)) }
func (v timeVec) clone() vector            { return append(timeVec(nil), v...) }
func (v timeVec) value(r int) any          { return time.Unix(0, v[r]).UTC() }

func (v timeVec) concat(parts []vector, rows [][]int, total int) vector {
	return concatSlices[timeVec](parts, rows, total)
}

func (v timeVec) hashInto(hashes []uint64, rows []int, valid Bitmap) {
	int64Vec(v).hashInto(hashes, rows, valid)
}

func (v timeVec) compare() func(a, b int) int { return int64Vec(v).compare() }

func (v timeVec) factorize(rows []int, valid Bitmap) ([]int32, int) {
	return int64Vec(v).factorize(rows, valid)
}

// float64s: instants are not numbers for statistics.
func (v timeVec) float64s([]int, Bitmap) ([]float64, bool) { return nil, false }

func (v timeVec) floatAt(Bitmap) func(r int) (float64, bool) { return nil }

func (v timeVec) float64At(int, Bitmap) (float64, bool, bool) { return 0, false, false }

// format shows dates alone when every shown instant is a midnight.
func (v timeVec) format(rows []int, valid Bitmap) []string {
	layout := "2006-01-02"
	for _, r := range rows {
		if valid.IsValid(r) && v[r]%(24*int64(time.Hour)) != 0 {
			layout = "2006-01-02 15:04:05.999999999"
			break
		}
	}
	out := make([]string, len(rows))
	for j, r := range rows {
		if valid.IsValid(r) {
			out[j] = time.Unix(0, v[r]).UTC().Format(layout)
		}
	}
	return markMissing(out, rows, valid)
}

func (v timeVec) appendCSV(dst []byte, r int, _ byte) []byte {
	return time.Unix(0, v[r]).UTC().AppendFormat(dst, time.RFC3339Nano)
}

func (v timeVec) encode(enc *msgpack.Encoder) error { return enc.Encode([]int64(v)) }

// timeCSV is a Time column's values in a chunk of CSV (missing rows hold
// 0), parsed into the chunk's region of the column's shared storage.
type timeCSV struct{ v []int64 }

func (c *timeCSV) add(field []byte, _ *chunkParser) addOutcome {
	x, ok := parseTime(field)
	if !ok {
		return addNoMatch
	}
	c.v = append(c.v, x)
	return addOK
}

func (c *timeCSV) addMissing()    { c.v = append(c.v, 0) }
func (c *timeCSV) truncate(n int) { c.v = c.v[:n] }

// timeLayouts are tried, in order, for fields shaped like a date.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"}

// parseTime accepts RFC 3339 timestamps, dates (2006-01-02), and
// timestamps without a zone (2006-01-02T15:04:05 or with a space instead
// of the T, read as UTC), returning Unix nanoseconds.
func parseTime(b []byte) (int64, bool) {
	b = trimSpace(b)
	if len(b) < 10 || b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	s := bytesString(b)
	var t time.Time
	var err error
	switch {
	case len(b) == 10:
		t, err = time.Parse(time.DateOnly, s)
	case len(b) >= 19 && (b[10] == 'T' || b[10] == ' '):
		for _, layout := range timeLayouts {
			if t, err = time.Parse(layout, s); err == nil {
				break
			}
		}
	default:
		return 0, false
	}
	if err != nil {
		return 0, false
	}
	return timeToNanos(t)
}
