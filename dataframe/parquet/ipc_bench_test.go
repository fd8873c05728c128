package parquet

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lazygraph/lazygraph/dataframe"
	"github.com/lazygraph/lazygraph/internal/wire"
)

// The measurement issue 16 asks for before replacing lazygraph's wire
// format of frames with Arrow IPC: a 1e6-row frame of an int64 id, a
// string key (300 values), and two float64 columns, encoded and decoded
// both ways. The Arrow side starts from a ready record (as if the columns
// were Arrow arrays already), so it pays no conversion.
//
//	go test -run '^$' -bench 'Frame1e6' -benchmem ./dataframe/parquet/

const ipcBenchRows = 1_000_000

func ipcBenchData() ([]int64, []string, []float64, []float64) {
	rng := rand.New(rand.NewPCG(16, 1))
	id := make([]int64, ipcBenchRows)
	key := make([]string, ipcBenchRows)
	x := make([]float64, ipcBenchRows)
	y := make([]float64, ipcBenchRows)
	names := make([]string, 300)
	for k := range names {
		names[k] = "k" + strconv.Itoa(k)
	}
	for i := range id {
		id[i], key[i], x[i], y[i] = int64(i), names[rng.IntN(len(names))], rng.NormFloat64(), rng.NormFloat64()
	}
	return id, key, x, y
}

func BenchmarkFrame1e6WireRoundTrip(b *testing.B) {
	id, key, x, y := ipcBenchData()
	f := mustFrame(b, dataframe.NewInt64Column("id", id), dataframe.NewStringColumn("key", key),
		dataframe.NewFloat64Column("x", x), dataframe.NewFloat64Column("y", y))
	static := reflect.TypeFor[*dataframe.Frame]()
	b.ResetTimer()
	for b.Loop() {
		v, err := wire.Encode(f, static)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := wire.Decode(v, static); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFrame1e6ArrowIPCRoundTrip(b *testing.B) {
	id, key, x, y := ipcBenchData()
	mem := memory.DefaultAllocator
	ib := array.NewInt64Builder(mem)
	ib.AppendValues(id, nil)
	sb := array.NewStringBuilder(mem)
	sb.AppendValues(key, nil)
	xb := array.NewFloat64Builder(mem)
	xb.AppendValues(x, nil)
	yb := array.NewFloat64Builder(mem)
	yb.AppendValues(y, nil)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "key", Type: arrow.BinaryTypes.String},
		{Name: "x", Type: arrow.PrimitiveTypes.Float64}, {Name: "y", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	rec := array.NewRecordBatch(schema, []arrow.Array{ib.NewArray(), sb.NewArray(), xb.NewArray(), yb.NewArray()}, ipcBenchRows)
	defer rec.Release()
	var buf bytes.Buffer
	b.ResetTimer()
	for b.Loop() {
		buf.Reset()
		w := ipc.NewWriter(&buf, ipc.WithSchema(schema))
		if err := w.Write(rec); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		r, err := ipc.NewReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		for r.Next() {
			_ = r.RecordBatch().NumRows()
		}
		if err := r.Err(); err != nil {
			b.Fatal(err)
		}
		r.Release()
	}
}
