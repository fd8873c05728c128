package dataframe

import (
	"bufio"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Benchmark sizes: DATAFRAME_BENCH_ROWS rows (default 1e7) in groups of
// DATAFRAME_BENCH_GROUPS (default 1e3). DATAFRAME_BENCH_CSV names a CSV
// file to use (and create if absent) instead of a temporary one, so the
// pandas script in testdata/bench can read the same file.
func benchSizes() (rows, groups int) {
	rows, groups = 10_000_000, 1000
	if v, err := strconv.Atoi(os.Getenv("DATAFRAME_BENCH_ROWS")); err == nil && v > 0 {
		rows = v
	}
	if v, err := strconv.Atoi(os.Getenv("DATAFRAME_BENCH_GROUPS")); err == nil && v > 0 {
		groups = v
	}
	return rows, groups
}

var benchData struct {
	once  sync.Once
	path  string
	frame *Frame
	err   error
}

// benchCSV returns the path of the benchmark CSV file, writing it once:
// columns id (row number), g (group 0..groups-1), x1, x2 (standard
// normal) and y = 1 + 2·x1 − 3·x2 + noise, floats with 6 decimals.
func benchCSV(b *testing.B) string {
	benchData.once.Do(func() {
		rows, groups := benchSizes()
		path := os.Getenv("DATAFRAME_BENCH_CSV")
		if path == "" {
			dir, err := os.MkdirTemp("", "dataframe-bench")
			if err != nil {
				benchData.err = err
				return
			}
			path = filepath.Join(dir, "bench.csv")
		}
		benchData.path = path
		if _, err := os.Stat(path); err == nil {
			return
		}
		benchData.err = writeBenchCSV(path, rows, groups)
	})
	if benchData.err != nil {
		b.Fatal(benchData.err)
	}
	return benchData.path
}

func writeBenchCSV(path string, rows, groups int) error {
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(file, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	w.WriteString("id,g,x1,x2,y\n")
	var line []byte
	for i := 0; i < rows; i++ {
		x1, x2 := rng.NormFloat64(), rng.NormFloat64()
		y := 1 + 2*x1 - 3*x2 + rng.NormFloat64()
		line = strconv.AppendInt(line[:0], int64(i), 10)
		line = append(line, ',')
		line = strconv.AppendInt(line, int64(rng.IntN(groups)), 10)
		for _, v := range []float64{x1, x2, y} {
			line = append(line, ',')
			line = strconv.AppendFloat(line, v, 'f', 6, 64)
		}
		line = append(line, '\n')
		w.Write(line)
	}
	if err := w.Flush(); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}

// benchFrame reads the benchmark CSV once for the group-by benchmarks.
func benchFrame(b *testing.B) *Frame {
	path := benchCSV(b)
	if benchData.frame == nil {
		f, err := ReadCSV(path)
		if err != nil {
			b.Fatal(err)
		}
		benchData.frame = f
	}
	return benchData.frame
}

func BenchmarkReadCSV(b *testing.B) {
	path := benchCSV(b)
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	b.ReportAllocs()
	for b.Loop() {
		f, err := ReadCSV(path)
		if err != nil {
			b.Fatal(err)
		}
		if f.NumCols() != 5 {
			b.Fatalf("got %d columns", f.NumCols())
		}
	}
}

func BenchmarkReadCSVOneWorker(b *testing.B) {
	path := benchCSV(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadCSV(path, WithWorkers(1)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGroupByMean(b *testing.B) {
	f := benchFrame(b)
	b.ReportAllocs()
	for b.Loop() {
		g, err := f.GroupBy("g")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := g.Mean("y"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGroupOLS fits y ~ 1 + x1 + x2 by QR in every group, on one
// goroutine.
func BenchmarkGroupOLS(b *testing.B) {
	f := benchFrame(b)
	b.ReportAllocs()
	for b.Loop() {
		g, err := f.GroupBy("g")
		if err != nil {
			b.Fatal(err)
		}
		for _, group := range g.All() {
			if _, err := fitOLS(group); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// fitOLS returns the least-squares coefficients of y on (1, x1, x2).
func fitOLS(group *Frame) (*mat.VecDense, error) {
	xs, err := group.RowMajor(Intercept, "x1", "x2")
	if err != nil {
		return nil, err
	}
	ys, err := group.RowMajor("y")
	if err != nil {
		return nil, err
	}
	x, y := mat.NewDense(len(ys), 3, xs), mat.NewVecDense(len(ys), ys)
	var qr mat.QR
	qr.Factorize(x)
	var beta mat.VecDense
	if err := qr.SolveVecTo(&beta, false, y); err != nil {
		return nil, err
	}
	return &beta, nil
}
