package delayed_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/lazygraph/lazygraph/delayed"
)

// cacheCalls counts the calls of the functions cached tests use.
var cacheCalls atomic.Int64

var (
	cacheSquare   = delayed.Func1(func(x int) int { cacheCalls.Add(1); return x * x }, delayed.Pure())
	cacheSquareV2 = delayed.Func1(func(x int) int { cacheCalls.Add(1); return x * x }, delayed.Pure(),
		delayed.Name("lazygraph.test.cacheSquareV"), delayed.Version("2"))
	cacheSquareV3 = delayed.Func1(func(x int) int { cacheCalls.Add(1); return x * x }, delayed.Pure(),
		delayed.Name("lazygraph.test.cacheSquareV#3"), delayed.Version("3"))
	cacheSum = delayed.Func1(func(xs []int) int {
		cacheCalls.Add(1)
		total := 0
		for _, x := range xs {
			total += x
		}
		return total
	}, delayed.Pure())
	cacheImpure = delayed.Func1(func(x int) int { cacheCalls.Add(1); return x + 1 })
)

// cachedSquares builds sum(square(0..n-1)) with one pure task per square.
func cachedSquares(n int) delayed.Delayed[int] {
	squares := make([]delayed.Delayed[int], n)
	for i := range squares {
		squares[i] = cacheSquare(delayed.Value(i))
	}
	return cacheSum(delayed.All(squares))
}

func computeCounting(t *testing.T, d delayed.Delayed[int], opts ...delayed.Option) (int, int64, delayed.ComputeInfo) {
	t.Helper()
	var info delayed.ComputeInfo
	opts = append(opts, delayed.WithCallbacks(delayed.Callbacks{Finish: func(i delayed.ComputeInfo) { info = i }}))
	before := cacheCalls.Load()
	v, err := d.Compute(context.Background(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return v, cacheCalls.Load() - before, info
}

func TestCacheResumes(t *testing.T) {
	for _, sched := range []string{"synchronous", "threads"} {
		t.Run(sched, func(t *testing.T) {
			dir := t.TempDir()
			opts := []delayed.Option{delayed.WithScheduler(sched), delayed.WithCache(dir)}
			want, calls, info := computeCounting(t, cachedSquares(20), opts...)
			if want != 2470 || calls != 21 || info.FromStore != 0 {
				t.Fatalf("first run: %d with %d calls, %d from the store; want 2470, 21, 0", want, calls, info.FromStore)
			}
			// The whole result is kept: nothing runs.
			got, calls, info := computeCounting(t, cachedSquares(20), opts...)
			if got != want || calls != 0 || info.FromStore != 1 || info.Tasks != 0 {
				t.Fatalf("second run: %d with %d calls, %d from the store, %d tasks; want %d, 0, 1, 0", got, calls, info.FromStore, info.Tasks, want)
			}
			// A bigger graph sharing the squares runs only what is new.
			got, calls, info = computeCounting(t, cachedSquares(25), opts...)
			if got != 4900 || calls != 6 || info.FromStore != 20 {
				t.Fatalf("extended run: %d with %d calls, %d from the store; want 4900, 6 (5 squares and the sum), 20", got, calls, info.FromStore)
			}
		})
	}
}

func TestCacheFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(delayed.EnvCache, dir)
	if _, _, info := computeCounting(t, cachedSquares(3)); info.FromStore != 0 {
		t.Fatalf("first run took %d from the store", info.FromStore)
	}
	if _, calls, _ := computeCounting(t, cachedSquares(3)); calls != 0 {
		t.Fatalf("second run made %d calls, want 0", calls)
	}
	// An option takes precedence over the environment: an empty directory turns the store off.
	if _, calls, _ := computeCounting(t, cachedSquares(3), delayed.WithCache("")); calls != 4 {
		t.Fatalf("with the store off: %d calls, want 4", calls)
	}
}

func TestCacheVersionInvalidates(t *testing.T) {
	dir := t.TempDir()
	opts := []delayed.Option{delayed.WithCache(dir)}
	computeCounting(t, cacheSquareV2(delayed.Value(7)), opts...)
	if v, calls, _ := computeCounting(t, cacheSquareV2(delayed.Value(7)), opts...); v != 49 || calls != 0 {
		t.Fatalf("same version: %d with %d calls, want 49 from the store", v, calls)
	}
	if v, calls, _ := computeCounting(t, cacheSquareV3(delayed.Value(7)), opts...); v != 49 || calls != 1 {
		t.Fatalf("other version: %d with %d calls, want 49 recomputed", v, calls)
	}
}

func TestCacheSkipsTasksWithImpureInputs(t *testing.T) {
	dir := t.TempDir()
	opts := []delayed.Option{delayed.WithCache(dir)}
	build := func() delayed.Delayed[int] { return cacheSquare(cacheImpure(delayed.Value(2))) }
	computeCounting(t, build(), opts...)
	if _, calls, info := computeCounting(t, build(), opts...); calls != 2 || info.FromStore != 0 {
		t.Fatalf("a pure call of an impure result was taken from the store: %d calls, %d from the store", calls, info.FromStore)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Fatalf("%d entries kept for tasks whose keys are not content", len(entries))
	}
}

func TestCacheCorruptEntryIsRecomputed(t *testing.T) {
	for _, damage := range []struct {
		name string
		do   func([]byte) []byte
	}{
		{"flipped byte", func(b []byte) []byte { b[len(b)/2] ^= 0x40; return b }},
		{"truncated", func(b []byte) []byte { return b[:len(b)-5] }},
		{"empty", func([]byte) []byte { return nil }},
	} {
		t.Run(damage.name, func(t *testing.T) {
			dir := t.TempDir()
			core, logs := observer.New(zap.WarnLevel)
			opts := []delayed.Option{delayed.WithCache(dir), delayed.WithLogger(zap.New(core))}
			build := func() delayed.Delayed[int] { return cacheSquare(delayed.Value(1234567)) }
			computeCounting(t, build(), opts...)
			files, _ := filepath.Glob(filepath.Join(dir, "*.lgr"))
			if len(files) != 1 {
				t.Fatalf("%d entries, want 1", len(files))
			}
			b, err := os.ReadFile(files[0])
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(files[0], damage.do(b), 0o666); err != nil {
				t.Fatal(err)
			}
			v, calls, info := computeCounting(t, build(), opts...)
			if v != 1234567*1234567 || calls != 1 || info.FromStore != 0 {
				t.Fatalf("after damage: %d with %d calls, %d from the store; want it recomputed", v, calls, info.FromStore)
			}
			if logs.FilterMessageSnippet("removing an unusable entry").Len() != 1 {
				t.Fatalf("the damaged entry was not reported: %v", logs.All())
			}
			// Recomputed and kept again, intact.
			if v, calls, _ := computeCounting(t, build(), opts...); v != 1234567*1234567 || calls != 0 {
				t.Fatalf("after recomputing: %d with %d calls, want it from the store", v, calls)
			}
		})
	}
}

func TestCacheProgressReportsStoredTasks(t *testing.T) {
	dir := t.TempDir()
	computeCounting(t, cachedSquares(4), delayed.WithCache(dir))
	var bar strings.Builder
	computeCounting(t, cachedSquares(5), delayed.WithCache(dir), delayed.WithProgress(&bar))
	if !strings.Contains(bar.String(), "4 from the store") {
		t.Fatalf("progress bar %q does not tell of the 4 tasks from the store", bar.String())
	}
}
