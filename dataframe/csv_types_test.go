package dataframe

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

// registerColumnType adds spec to the registry for the duration of the
// test and returns its Type. The registry is package state: the test
// must not run in parallel with others.
func registerColumnType(t *testing.T, spec typeSpec) Type {
	t.Helper()
	saved, savedInference := columnTypes, csvInference
	columnTypes = append(columnTypes[:len(columnTypes):len(columnTypes)], spec)
	csvInference = csvInferenceOrder()
	t.Cleanup(func() { columnTypes, csvInference = saved, savedInference })
	return Type(len(columnTypes) - 1)
}

// durationVec is a test-only column type, Go durations in nanoseconds,
// added the way docs/columns.md says: a vector and a registry entry,
// nothing in the CSV reader.
type durationVec []int64

var durationType = typeSpec{
	name: "duration",
	fromData: func(data any) (vector, bool) {
		s, ok := data.([]int64)
		return durationVec(s), ok
	},
	empty: func() vector { return durationVec{} },
	decodeWire: func(dec *msgpack.Decoder, name string, n int) (vector, error) {
		v, err := decodeInt64sWire(dec, name, n)
		if err != nil {
			return nil, err
		}
		return durationVec(v.(int64Vec)), nil
	},
	csv: &csvType{
		rank: 35, // after bool, before time
		recognize: func(field []byte, _ *chunkParser) addOutcome {
			if _, ok := parseDuration(field); ok {
				return addOK
			}
			return addNoMatch
		},
		start: func(p *chunkParser, j, n int) csvValues { return &durationCSV{p.int64Region(j, n)} },
		join: func(j *csvJoin) any {
			return joinWords(j, func(v csvValues) []int64 { return v.(*durationCSV).v })
		},
	},
}

func parseDuration(field []byte) (int64, bool) {
	d, err := time.ParseDuration(string(trimSpace(field)))
	return int64(d), err == nil
}

func (v durationVec) len() int                 { return len(v) }
func (v durationVec) data() any                { return []int64(v) }
func (v durationVec) slice(lo, hi int) vector  { return v[lo:hi:hi] }
func (v durationVec) gather(rows []int) vector { return durationVec(gatherSlice(v, rows)) }
func (v durationVec) clone() vector            { return append(durationVec(nil), v...) }
func (v durationVec) value(r int) any          { return time.Duration(v[r]) }
func (v durationVec) concat(parts []vector, rows [][]int, total int) vector {
	return concatSlices[durationVec](parts, rows, total)
}
func (v durationVec) hashInto(hashes []uint64, rows []int, valid Bitmap) {
	int64Vec(v).hashInto(hashes, rows, valid)
}
func (v durationVec) compare() func(a, b int) int { return int64Vec(v).compare() }
func (v durationVec) factorize(rows []int, valid Bitmap) ([]int32, int) {
	return int64Vec(v).factorize(rows, valid)
}
func (v durationVec) float64s([]int, Bitmap) ([]float64, bool)    { return nil, false }
func (v durationVec) floatAt(Bitmap) func(r int) (float64, bool)  { return nil }
func (v durationVec) float64At(int, Bitmap) (float64, bool, bool) { return 0, false, false }
func (v durationVec) encode(enc *msgpack.Encoder) error           { return enc.Encode([]int64(v)) }
func (v durationVec) appendCSV(dst []byte, r int, _ byte) []byte {
	return append(dst, time.Duration(v[r]).String()...)
}
func (v durationVec) format(rows []int, valid Bitmap) []string {
	out := make([]string, len(rows))
	for j, r := range rows {
		out[j] = time.Duration(v[r]).String()
	}
	return markMissing(out, rows, valid)
}

type durationCSV struct{ v []int64 }

func (c *durationCSV) add(field []byte, _ *chunkParser) addOutcome {
	x, ok := parseDuration(field)
	if !ok {
		return addNoMatch
	}
	c.v = append(c.v, x)
	return addOK
}
func (c *durationCSV) addMissing()    { c.v = append(c.v, 0) }
func (c *durationCSV) truncate(n int) { c.v = c.v[:n] }

// TestCSVReadsRegisteredType checks that a column type registered with a
// CSV reading is inferred, parsed, fixed by WithColumnType, reported in
// errors and round-tripped through WriteCSV like the built-in ones, with
// no change to the CSV reader.
func TestCSVReadsRegisteredType(t *testing.T) {
	dur := registerColumnType(t, durationType)
	input := "d,n,mixed\n1h30m,1,1h\n,2,abc\n-2s,3,\n 5ms ,4,2m\n"
	want := []int64{int64(90 * time.Minute), 0, int64(-2 * time.Second), int64(5 * time.Millisecond)}
	for _, opts := range [][]CSVOption{
		{WithWorkers(1)},
		{WithWorkers(2), withChunkSize(12)}, // a chunk per line or two: inference across chunks
	} {
		f, err := ReadCSVFrom(strings.NewReader(input), opts...)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Types(); got[0] != dur || got[1] != Int64 || got[2] != String {
			t.Fatalf("types %v, want [duration int64 string]", got)
		}
		d, err := f.Column("d")
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Data().([]int64); !equalInt64s(got, want) {
			t.Errorf("values %v, want %v", got, want)
		}
		if d.valid.IsValid(1) || !d.valid.IsValid(0) {
			t.Errorf("row 1 should be the only missing row")
		}
		checkCSVRoundTrip(t, f)
	}

	// Fixed by WithColumnType, a field that is not a duration is an error
	// naming the line and column.
	_, err := ReadCSVFrom(strings.NewReader(input), WithColumnType("n", dur))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 2 || pe.Column != "n" ||
		!strings.Contains(err.Error(), `cannot parse "1" as duration`) {
		t.Fatalf("err = %v, want a ParseError at line 2, column n", err)
	}
	f, err := ReadCSVFrom(strings.NewReader("d\n1s\nNA\n"), WithColumnType("d", dur))
	if err != nil || f.Types()[0] != dur {
		t.Fatalf("fixed duration column: %v, %v", f, err)
	}
}

// TestCSVTypeWithoutReadingIsText checks that a registered type with no
// CSV reading is read as text, even when WithColumnType asks for it.
func TestCSVTypeWithoutReadingIsText(t *testing.T) {
	spec := durationType
	spec.csv = nil
	dur := registerColumnType(t, spec)
	f, err := ReadCSVFrom(bytes.NewReader([]byte("d\n1s\n2s\n")), WithColumnType("d", dur))
	if err != nil {
		t.Fatal(err)
	}
	if f.Types()[0] != String {
		t.Fatalf("type %v, want string", f.Types()[0])
	}
}

func equalInt64s(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
