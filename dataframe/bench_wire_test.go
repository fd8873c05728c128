package dataframe

import (
	"bytes"
	"context"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/internal/wire"
)

// wireBenchFrame is the benchmark table in memory: DATAFRAME_BENCH_ROWS
// rows (default 1e7) of id, g (int64, or a string "g<n>" when
// stringKeys), x1, x2, y, built without reading the CSV.
func wireBenchFrame(b *testing.B, stringKeys bool) *Frame {
	rows, groups := benchSizes()
	rng := rand.New(rand.NewPCG(1, 2))
	id := make([]int64, rows)
	g := make([]int64, rows)
	x1 := make([]float64, rows)
	x2 := make([]float64, rows)
	y := make([]float64, rows)
	for i := range rows {
		id[i] = int64(i)
		g[i] = int64(rng.IntN(groups))
		x1[i], x2[i] = rng.NormFloat64(), rng.NormFloat64()
		y[i] = 1 + 2*x1[i] - 3*x2[i] + rng.NormFloat64()
	}
	key := NewInt64Column("g", g)
	if stringKeys {
		names := make([]string, groups)
		for k := range names {
			names[k] = "g" + strconv.Itoa(k)
		}
		s := make([]string, rows)
		for i, k := range g {
			s[i] = names[k]
		}
		key = NewStringColumn("g", s)
	}
	f, err := New(NewInt64Column("id", id), key, NewFloat64Column("x1", x1), NewFloat64Column("x2", x2), NewFloat64Column("y", y))
	if err != nil {
		b.Fatal(err)
	}
	return f
}

// frameDataBytes is the size of a frame's column data: what b.SetBytes
// counts for the wire benchmarks.
func frameDataBytes(f *Frame) int64 {
	var n int64
	for _, c := range f.columns {
		switch c.typ {
		case String:
			n += 8 * int64(c.n)
			for _, s := range c.strings() {
				n += int64(len(s))
			}
		case Bool:
			n += int64(c.n)
		default:
			n += 8 * int64(c.n)
		}
	}
	return n
}

var frameType = reflect.TypeFor[*Frame]()

// BenchmarkWireEncode encodes a 1e7-row, 5-column frame for the wire:
// numeric columns become attachments that point at the columns' memory,
// so this is the codec's own cost, with no copy of the data.
func BenchmarkWireEncode(b *testing.B) {
	for _, keys := range []string{"int64", "string"} {
		b.Run("keys="+keys, func(b *testing.B) {
			f := wireBenchFrame(b, keys == "string")
			b.SetBytes(frameDataBytes(f))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := wire.Encode(f, frameType); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWireEncodeWrite encodes the frame and writes it as one
// connection frame into memory: the encoding plus one copy of every byte,
// as a stream connection does.
func BenchmarkWireEncodeWrite(b *testing.B) {
	for _, keys := range []string{"int64", "string"} {
		b.Run("keys="+keys, func(b *testing.B) {
			f := wireBenchFrame(b, keys == "string")
			var buf bytes.Buffer
			// One untimed write sizes the buffer and faults its pages in.
			if v, err := wire.Encode(f, frameType); err == nil {
				_ = wire.WriteFrame(&buf, &wire.Frame{Body: v.Body, Attachments: v.Attachments})
			}
			b.SetBytes(frameDataBytes(f))
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				v, err := wire.Encode(f, frameType)
				if err != nil {
					b.Fatal(err)
				}
				if err := wire.WriteFrame(&buf, &wire.Frame{Body: v.Body, Attachments: v.Attachments}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWireDecode decodes the frame from received attachments (in
// place: numeric columns are used where they arrived).
func BenchmarkWireDecode(b *testing.B) {
	for _, keys := range []string{"int64", "string"} {
		b.Run("keys="+keys, func(b *testing.B) {
			f := wireBenchFrame(b, keys == "string")
			v, err := wire.Encode(f, frameType)
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			if err := wire.WriteFrame(&buf, &wire.Frame{Body: v.Body, Attachments: v.Attachments}); err != nil {
				b.Fatal(err)
			}
			received, err := wire.ReadFrame(&buf, 0)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(frameDataBytes(f))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := wire.Decode(wire.Value{Body: received.Body, Attachments: received.Attachments}, frameType); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFrameToWorker sends the frame to a worker process and back a
// count: a new delayed.Value each time, on the processes scheduler with
// one (already started) worker. It measures what crossing into a worker
// costs end to end: encoding, the memory files the scheduler passes large
// attachments through, mapping and decoding them in the worker.
func BenchmarkFrameToWorker(b *testing.B) {
	f := wireBenchFrame(b, false)
	opts := processesOptions(1)
	if _, err := rowCountTask(delayed.Value(f.Head(10))).Compute(context.Background(), opts...); err != nil {
		b.Fatal(err) // starts the worker outside the timing
	}
	b.SetBytes(frameDataBytes(f))
	b.ReportAllocs()
	for b.Loop() {
		n, err := rowCountTask(delayed.Value(f)).Compute(context.Background(), opts...)
		if err != nil || n != int64(f.NumRows()) {
			b.Fatalf("%d rows, %v", n, err)
		}
	}
}
