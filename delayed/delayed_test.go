package delayed_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
)

type point struct {
	X, Y float64
}

var (
	norm2 = delayed.Func1(func(p point) float64 { return p.X*p.X + p.Y*p.Y })
	sumF  = delayed.Func1(func(xs []float64) float64 {
		total := 0.0
		for _, x := range xs {
			total += x
		}
		return total
	})
	calls     atomic.Int64
	pureSlow  = delayed.Func1(func(x int) int { calls.Add(1); return x * x }, delayed.Pure())
	withError = delayed.Func2E(func(a, b int) (int, error) {
		if b == 0 {
			return 0, errors.New("division by zero")
		}
		return a / b, nil
	})
)

func TestTypedWrappersOfEveryArity(t *testing.T) {
	ctx := context.Background()
	v := delayed.Value[int]
	r0 := delayed.Func0(func() int { return 1 })()
	r1 := delayed.Func1(func(a int) int { return a })(v(2))
	r2 := delayed.Func2(func(a, b int) int { return a + b })(v(1), v(2))
	r3 := delayed.Func3(func(a, b, c int) int { return a + b + c })(v(1), v(2), v(3))
	r4 := delayed.Func4(func(a, b, c, d int) int { return a + b + c + d })(v(1), v(2), v(3), v(4))
	r5 := delayed.Func5(func(a, b, c, d, e int) int { return a + b + c + d + e })(v(1), v(2), v(3), v(4), v(5))
	r6 := delayed.Func6(func(a, b, c, d, e, f int) int { return a + b + c + d + e + f })(v(1), v(2), v(3), v(4), v(5), v(6))
	rc := delayed.Func2Ctx(func(ctx context.Context, a, b int) (int, error) { return a * b, ctx.Err() })(v(6), v(7))
	got, err := delayed.All([]delayed.Delayed[int]{r0, r1, r2, r3, r4, r5, r6, rc}).Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[1 2 3 6 10 15 21 42]" {
		t.Errorf("got %v", got)
	}
	if _, err := withError(v(1), v(0)).Compute(ctx); err == nil || !strings.Contains(err.Error(), "division by zero") {
		t.Errorf("error not returned: %v", err)
	}
}

func TestCallChecksArgumentsWhenBuilt(t *testing.T) {
	fit := func(ctx context.Context, name string, xs []float64, w map[string]float64) (float64, error) {
		total := w["bias"]
		for _, x := range xs {
			total += x
		}
		return total, ctx.Err()
	}
	a := delayed.Value(1.5)
	b := sumF(delayed.All([]delayed.Delayed[float64]{delayed.Value(1.0), delayed.Value(2.0)}))
	got, err := delayed.Call[float64](fit, "m", []any{a, b, 0.5}, map[string]any{"bias": a}).Compute(context.Background())
	if err != nil || got != 6.5 {
		t.Fatalf("got %v, %v; want 6.5", got, err)
	}

	bad := delayed.Call[float64](fit, "m", []any{a, "two"}, map[string]float64{})
	err = bad.Err()
	if err == nil || !strings.Contains(err.Error(), "argument 2") || !strings.Contains(err.Error(), "string") {
		t.Fatalf("wrong element type: %v, want an error naming argument 2 and the type", err)
	}
	if _, err := bad.Compute(context.Background()); !errors.Is(err, delayed.ErrInvalidGraph) {
		t.Errorf("Compute of a badly built call: %v", err)
	}
	if err := delayed.Call[float64](fit, "m").Err(); err == nil || !strings.Contains(err.Error(), "takes 3 arguments, got 1") {
		t.Errorf("wrong argument count: %v", err)
	}
	if err := delayed.Call[string](fit, "m", nil, nil).Err(); err == nil || !strings.Contains(err.Error(), "returns float64") {
		t.Errorf("wrong result type: %v", err)
	}
	if err := delayed.Call[int](42).Err(); err == nil || !strings.Contains(err.Error(), "needs a function") {
		t.Errorf("not a function: %v", err)
	}
}

func TestCallVariadicAndStructs(t *testing.T) {
	total := func(scale float64, xs ...float64) float64 {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return scale * s
	}
	got, err := delayed.Call[float64](total, 2.0, 1.0, delayed.Value(2.0), 3.0).Compute(context.Background())
	if err != nil || got != 12 {
		t.Errorf("variadic: %v, %v", got, err)
	}
	type job struct {
		Name  string
		Input any
	}
	describe := func(j job) string { return fmt.Sprintf("%s:%v", j.Name, j.Input) }
	s, err := delayed.Call[string](describe, job{Name: "n", Input: norm2(delayed.Value(point{3, 4}))}).Compute(context.Background())
	if err != nil || s != "n:25" {
		t.Errorf("struct with a Delayed field: %q, %v", s, err)
	}
}

func TestPureCallsComputeOnce(t *testing.T) {
	calls.Store(0)
	a, b := pureSlow(delayed.Value(7)), pureSlow(delayed.Value(7))
	if a.Key() != b.Key() {
		t.Fatalf("identical pure calls have keys %s and %s", a.Key(), b.Key())
	}
	x, y, err := delayed.Compute2(context.Background(), a, b)
	if err != nil || x != 49 || y != 49 {
		t.Fatalf("got %d, %d, %v", x, y, err)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("the pure function ran %d times, want once", n)
	}
}

func TestZeroDelayedAndOf(t *testing.T) {
	var zero delayed.Delayed[int]
	if zero.Err() == nil {
		t.Error("the zero Delayed reports no error")
	}
	if _, err := zero.Compute(context.Background()); !errors.Is(err, delayed.ErrInvalidGraph) {
		t.Errorf("Compute of the zero Delayed: %v", err)
	}
	n := delayed.Node(norm2(delayed.Value(point{1, 1})))
	if v, err := delayed.Of[float64](n).Compute(context.Background()); err != nil || v != 2 {
		t.Errorf("Of: %v, %v", v, err)
	}
	if err := delayed.Of[string](n).Err(); err == nil {
		t.Error("Of with the wrong type gave no error")
	}
	if s := norm2(delayed.Value(point{})).String(); !strings.HasPrefix(s, "Delayed[float64](") {
		t.Errorf("String() = %q", s)
	}
}

func TestVisualize(t *testing.T) {
	x := delayed.Value(point{1, 2})
	total := sumF(delayed.All([]delayed.Delayed[float64]{norm2(x), norm2(x)}))
	var buf bytes.Buffer
	if err := delayed.Visualize(&buf, total); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "digraph") || !strings.Contains(buf.String(), "delayed_test") {
		t.Errorf("DOT output:\n%s", buf.String())
	}
	dir := t.TempDir()
	if err := delayed.VisualizeFile(filepath.Join(dir, "g.dot"), total); err != nil {
		t.Fatal(err)
	}
	svg := filepath.Join(dir, "g.svg")
	err := delayed.VisualizeFile(svg, total)
	if _, lookErr := exec.LookPath("dot"); lookErr != nil {
		if !errors.Is(err, delayed.ErrGraphvizMissing) {
			t.Errorf("without Graphviz: %v, want ErrGraphvizMissing", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(svg); !bytes.Contains(data, []byte("<svg")) {
		t.Error("no SVG written")
	}
}

func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	parts := make([]delayed.Delayed[float64], 100)
	for i := range parts {
		parts[i] = norm2(delayed.Value(point{float64(i), 0}))
	}
	if _, err := sumF(delayed.All(parts)).Compute(context.Background(), delayed.WithProgress(&buf)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "100% 102/102 tasks") {
		t.Errorf("progress output %q", buf.String())
	}
}

func TestInitOutsideAWorker(t *testing.T) {
	if delayed.Init() {
		t.Fatal("Init reported a worker in an ordinary process")
	}
}
