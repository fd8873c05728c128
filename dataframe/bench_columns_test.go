package dataframe

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/lazygraph/lazygraph/internal/wire"
)

// The column benchmarks measure the per-type hot paths (take, group-by,
// sort, hash, concat, CSV write and read, wire round trip) on a frame of
// every column type, so that a change to how columns are typed shows in
// each of them. Size: DATAFRAME_BENCH_COLUMN_ROWS rows (default 1e6).

var columnsBench struct {
	once  sync.Once
	frame *Frame
	csv   []byte
	perm  []int
}

func columnsBenchFrame(b *testing.B) *Frame {
	columnsBench.once.Do(func() {
		rows := 1_000_000
		if v, err := strconv.Atoi(os.Getenv("DATAFRAME_BENCH_COLUMN_ROWS")); err == nil && v > 0 {
			rows = v
		}
		rng := rand.New(rand.NewPCG(3, 4))
		f64 := make([]float64, rows)
		i64 := make([]int64, rows)
		str := make([]string, rows)
		bl := make([]bool, rows)
		ts := make([]int64, rows)
		names := make([]string, 1000)
		for k := range names {
			names[k] = "key" + strconv.Itoa(k)
		}
		missing := make([]bool, rows)
		for i := range rows {
			f64[i] = math.Round(rng.NormFloat64()*1e6) / 1e3
			if rng.IntN(50) == 0 {
				f64[i] = math.NaN()
				missing[i] = true
			}
			i64[i] = int64(rng.IntN(5000))
			str[i] = names[rng.IntN(len(names))]
			bl[i] = rng.IntN(2) == 0
			ts[i] = int64(rng.IntN(3650)) * 86_400_000_000_000
		}
		si, _ := NewInt64Column("i", i64).WithMissing(missing)
		ss, _ := NewStringColumn("s", str).WithMissing(missing)
		tc, err := NewColumn("t", Time, ts, nil)
		if err != nil {
			panic(err)
		}
		f, err := New(NewFloat64Column("f", f64), si, ss, NewBoolColumn("b", bl), tc)
		if err != nil {
			panic(err)
		}
		columnsBench.frame = f
		var buf bytes.Buffer
		if err := WriteCSV(&buf, f); err != nil {
			panic(err)
		}
		columnsBench.csv = buf.Bytes()
		columnsBench.perm = rng.Perm(rows)
	})
	return columnsBench.frame
}

func BenchmarkColumnsTake(b *testing.B) {
	f := columnsBenchFrame(b)
	b.ReportAllocs()
	for b.Loop() {
		v, err := f.Take(columnsBench.perm)
		if err != nil {
			b.Fatal(err)
		}
		_ = v.Materialize()
	}
}

func BenchmarkColumnsGroupBy(b *testing.B) {
	f := columnsBenchFrame(b)
	for _, keys := range [][]string{{"i"}, {"s"}, {"f"}, {"b", "t"}} {
		b.Run(keys[0], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.GroupBy(keys...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkColumnsSort(b *testing.B) {
	f := columnsBenchFrame(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Sort(Asc("s"), Desc("f")); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkColumnsHash(b *testing.B) {
	f := columnsBenchFrame(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.hashRows([]string{"f", "i", "s", "b", "t"}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkColumnsConcat(b *testing.B) {
	f := columnsBenchFrame(b)
	n := f.NumRows()
	parts := make([]*Frame, 4)
	for k := range parts {
		v, err := f.Slice(k*n/4, (k+1)*n/4)
		if err != nil {
			b.Fatal(err)
		}
		parts[k] = v
	}
	shuffled := make([]int, parts[3].NumRows())
	for i := range shuffled {
		shuffled[i] = columnsBench.perm[i] % len(shuffled)
	}
	parts[3], _ = parts[3].Take(shuffled) // a view: concatenated row by row
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Concat(parts...); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkColumnsWriteCSV(b *testing.B) {
	f := columnsBenchFrame(b)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := WriteCSV(&buf, f); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkColumnsReadCSV(b *testing.B) {
	columnsBenchFrame(b)
	b.SetBytes(int64(len(columnsBench.csv)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadCSVFrom(bytes.NewReader(columnsBench.csv)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkColumnsWireRoundTrip(b *testing.B) {
	f := columnsBenchFrame(b)
	b.ReportAllocs()
	for b.Loop() {
		v, err := wire.Encode(f, frameType)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := wire.Decode(v, frameType); err != nil {
			b.Fatal(err)
		}
	}
}
