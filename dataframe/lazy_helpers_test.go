package dataframe

import (
	"compress/gzip"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
)

// schedulerCase is one scheduler every lazy test runs on.
type schedulerCase struct {
	name string
	opts []delayed.Option
}

func lazySchedulers() []schedulerCase {
	return []schedulerCase{
		{"synchronous", []delayed.Option{delayed.WithScheduler("synchronous")}},
		{"threads", []delayed.Option{delayed.WithScheduler("threads"), delayed.WithWorkers(2)}},
		{"processes", processesOptions(2)},
	}
}

// eachScheduler runs test on every scheduler as a subtest, checking that
// each computation ran where it should (and, on processes, that data
// crossed into the workers).
func eachScheduler(t *testing.T, test func(t *testing.T, opts []delayed.Option)) {
	for _, s := range lazySchedulers() {
		t.Run(s.name, func(t *testing.T) {
			check := delayed.WithCallbacks(delayed.Callbacks{Finish: func(info delayed.ComputeInfo) {
				if info.Tasks > 0 && info.Scheduler != s.name {
					t.Errorf("computed on %q, want %q", info.Scheduler, s.name)
				}
				if info.Tasks > 0 && !info.Failed && s.name == "processes" && info.BytesSent == 0 {
					t.Errorf("nothing sent to the worker processes")
				}
			}})
			test(t, append(slices.Clip(s.opts), check))
		})
	}
}

// lazyCSVRows writes rows lo..hi-1 of the lazy tests' table: an id, a
// string key g and an int key k, a float x, an int n, a bool flag and a
// time, each with missing values (NA), and a CRLF every so often.
func lazyCSVRows(lo, hi int) string {
	var b strings.Builder
	b.WriteString("id,g,k,x,n,flag,when\n")
	rng := rand.New(rand.NewPCG(uint64(lo), 7))
	for i := lo; i < hi; i++ {
		g := [...]string{"a", "b", "c", "d", "e", "naïve", "NA"}[rng.IntN(7)]
		x := fmt.Sprintf("%.4f", rng.NormFloat64()*10+3)
		if rng.IntN(9) == 0 {
			x = "NA"
		}
		n := fmt.Sprint(rng.IntN(1000) - 300)
		if rng.IntN(11) == 0 {
			n = "NA"
		}
		flag := [...]string{"true", "false", "NA"}[rng.IntN(3)]
		when := time.Unix(1_700_000_000+int64(rng.IntN(1e6)), 0).UTC().Format(time.RFC3339)
		if rng.IntN(13) == 0 {
			when = "NA"
		}
		eol := "\n"
		if i%17 == 0 {
			eol = "\r\n"
		}
		fmt.Fprintf(&b, "%d,%s,%d,%s,%s,%s,%s%s", i, g, rng.IntN(7), x, n, flag, when, eol)
	}
	return b.String()
}

var lazyData struct {
	once  sync.Once
	dir   string
	frame *Frame // every file read eagerly and concatenated
	err   error
}

// lazyTestFiles writes the lazy tests' files once: a.csv (1200 rows),
// b.csv (1000) and c.csv.gz (800), and returns their directory and the
// eager reading of all three.
func lazyTestFiles(t *testing.T) (string, *Frame) {
	t.Helper()
	lazyData.once.Do(func() {
		dir, err := os.MkdirTemp("", "dataframe-lazy")
		if err != nil {
			lazyData.err = err
			return
		}
		lazyData.dir = dir
		files := []struct {
			name   string
			lo, hi int
		}{{"a.csv", 0, 1200}, {"b.csv", 1200, 2200}, {"c.csv.gz", 2200, 3000}}
		var frames []*Frame
		for _, f := range files {
			path := filepath.Join(dir, f.name)
			if err := writeMaybeGzip(path, lazyCSVRows(f.lo, f.hi)); err != nil {
				lazyData.err = err
				return
			}
			fr, err := ReadCSV(path)
			if err != nil {
				lazyData.err = err
				return
			}
			frames = append(frames, fr)
		}
		lazyData.frame, lazyData.err = Concat(frames...)
	})
	if lazyData.err != nil {
		t.Fatal(lazyData.err)
	}
	return lazyData.dir, lazyData.frame
}

func writeMaybeGzip(path, text string) error {
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	if strings.HasSuffix(path, ".gz") {
		zw := gzip.NewWriter(file)
		if _, err := zw.Write([]byte(text)); err != nil {
			file.Close()
			return err
		}
		if err := zw.Close(); err != nil {
			file.Close()
			return err
		}
	} else if _, err := file.WriteString(text); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}

// lazyTestFrame reads the test files as a lazy frame in 4 KiB blocks:
// 34 partitions, so reductions combine over a two-level tree.
func lazyTestFrame(t *testing.T) (*LazyFrame, *Frame) {
	t.Helper()
	dir, eager := lazyTestFiles(t)
	lf, err := ReadCSVLazy(filepath.Join(dir, "*.csv*"), WithBlockSize(4<<10))
	if err != nil {
		t.Fatal(err)
	}
	if lf.NumPartitions() < 2*combineFanIn+1 {
		t.Fatalf("%d partitions; the tests want a tree of at least two levels", lf.NumPartitions())
	}
	return lf, eager
}

// frameApprox is frameDiff with float64 values compared to a relative
// tolerance (partition-wise sums round differently).
func frameApprox(a, b *Frame, tol float64) string {
	if fmt.Sprint(a.Names(), a.Types(), a.NumRows()) != fmt.Sprint(b.Names(), b.Types(), b.NumRows()) {
		return frameDiff(a, b)
	}
	for j, ca := range a.columns {
		if ca.typ != Float64 {
			continue
		}
		cb := b.columns[j]
		for i := 0; i < a.NumRows(); i++ {
			x, y := ca.floats()[a.baseRow(i)], cb.floats()[b.baseRow(i)]
			if math.IsNaN(x) != math.IsNaN(y) || math.Abs(x-y) > tol*max(1, math.Abs(x)) {
				return fmt.Sprintf("column %q row %d: %v vs %v", ca.name, i, x, y)
			}
		}
	}
	return frameDiff(dropFloats(a), dropFloats(b))
}

func dropFloats(f *Frame) *Frame {
	var keep []string
	for _, c := range f.columns {
		if c.typ != Float64 {
			keep = append(keep, c.name)
		}
	}
	out, _ := f.Select(keep...)
	return out
}

// readTaskCounter counts the read tasks a computation starts.
type readTaskCounter struct{ n atomic.Int64 }

func (c *readTaskCounter) option() delayed.Option {
	return delayed.WithCallbacks(delayed.Callbacks{TaskStart: func(info delayed.TaskInfo) {
		if info.Func == readCSVTaskName {
			c.n.Add(1)
		}
	}})
}
