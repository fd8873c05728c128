package dataframe

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/schedulers/processes"
)

// Task functions of the wire tests, wrapped at package level so that
// worker processes know them.
var (
	sumOfColumn = delayed.Func3E(func(f *Frame, column string, plus int) (float64, error) {
		x, err := f.Float64s(column)
		if err != nil {
			return 0, err
		}
		s := float64(plus)
		for _, v := range x {
			s += v
		}
		return s, nil
	})
	addFloats = delayed.Func1(func(xs []float64) (s float64) {
		for _, x := range xs {
			s += x
		}
		return s
	})
	buildWireFrame = delayed.Func1(func(int) *Frame { return makeWireFrame() })
	echoFrame      = delayed.Func1(func(f *Frame) *Frame { return f })
	echoAny        = delayed.Func1(func(x any) any { return x })
	readMissingCSV = delayed.Func1E(func(text string) (*Frame, error) {
		return ReadCSVFrom(strings.NewReader(text), WithColumnType("n", Int64))
	})
)

func processesOptions(workers int, extra ...delayed.Option) []delayed.Option {
	return append([]delayed.Option{delayed.WithScheduler(processes.Name), delayed.WithWorkers(workers)}, extra...)
}

func TestSharedFrameGoesOncePerWorker(t *testing.T) {
	f := bigFrame(t, 200_000)
	enc, err := wire.Encode(f, reflect.TypeFor[*Frame]())
	if err != nil {
		t.Fatal(err)
	}
	size := int64(enc.Size())
	var sent int64
	cb := delayed.Callbacks{Finish: func(info delayed.ComputeInfo) { sent = info.BytesSent }}
	fv := delayed.Value(f)
	parts := make([]delayed.Delayed[float64], 16)
	for i := range parts {
		parts[i] = sumOfColumn(fv, delayed.Value("x"), delayed.Value(i))
	}
	got, err := addFloats(delayed.All(parts)).Compute(context.Background(), processesOptions(2, delayed.WithCallbacks(cb))...)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := f.Float64s("x")
	want := 120.0
	for _, v := range x {
		want += 16 * v
	}
	if math.Abs(got-want) > 1e-6*math.Abs(want) {
		t.Errorf("sum %v, want %v", got, want)
	}
	t.Logf("%d bytes sent, frame %d bytes", sent, size)
	if sent < size || sent > 2*size+1<<20 {
		t.Errorf("%d bytes sent for a %d-byte frame shared by 16 tasks on 2 workers; want one copy per worker", sent, size)
	}
}

func TestFramesComeBackFromWorkersExactly(t *testing.T) {
	ctx := context.Background()
	want := wireFrame(t)
	got, err := buildWireFrame(delayed.Value(0)).Compute(ctx, processesOptions(2)...)
	if err != nil {
		t.Fatal(err)
	}
	if d := frameDiff(want, got); d != "" {
		t.Fatalf("frame built on a worker: %s", d)
	}
	resample, _ := bigFrame(t, 500).Take(make([]int, 2000))
	back, err := echoFrame(delayed.Value(resample)).Compute(ctx, processesOptions(2)...)
	if err != nil {
		t.Fatal(err)
	}
	if d := frameDiff(resample, back); d != "" || !back.IsView() {
		t.Fatalf("view through a worker (view %v): %s", back.IsView(), d)
	}
	anyBack, err := echoAny(delayed.Value[any](want)).Compute(ctx, processesOptions(2)...)
	if err != nil {
		t.Fatal(err)
	}
	if fr, ok := anyBack.(*Frame); !ok || frameDiff(want, fr) != "" {
		t.Fatalf("frame in an any slot came back as %T", anyBack)
	}
}

func TestErrorsKeepTheirKindAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	_, err := sumOfColumn(delayed.Value(wireFrame(t)), delayed.Value("nope"), delayed.Value(0)).Compute(ctx, processesOptions(1)...)
	var unknown *UnknownColumnError
	if !errors.Is(err, ErrUnknownColumn) || !errors.As(err, &unknown) || unknown.Column != "nope" {
		t.Errorf("unknown column from a worker: %v", err)
	}
	_, err = sumOfColumn(delayed.Value(wireFrame(t)), delayed.Value("label"), delayed.Value(0)).Compute(ctx, processesOptions(1)...)
	var wrongType *ColumnTypeError
	if !errors.Is(err, ErrColumnType) || !errors.As(err, &wrongType) || wrongType.Have != String {
		t.Errorf("wrong column type from a worker: %v", err)
	}
	_, err = readMissingCSV(delayed.Value("n\n1\nx\n")).Compute(ctx, processesOptions(1)...)
	var parse *ParseError
	if !errors.Is(err, ErrMalformed) || !errors.As(err, &parse) || parse.Line != 3 || parse.Column != "n" {
		t.Errorf("parse error from a worker: %v (%#v)", err, parse)
	}
}
