package dataframe

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/lazygraph/lazygraph/internal/wire"
)

// wireRoundTrip sends x through lazygraph's codec and a connection frame,
// as a worker process receives it, with static type T.
func wireRoundTrip[T any](t *testing.T, x T) T {
	t.Helper()
	got, _ := wireRoundTripSize(t, x)
	return got
}

func wireRoundTripSize[T any](t *testing.T, x T) (T, int) {
	t.Helper()
	var zero T
	v, err := wire.Encode(x, reflect.TypeFor[T]())
	if err != nil {
		t.Fatalf("Encode(%T): %v", x, err)
	}
	var buf bytes.Buffer
	if err := wire.WriteFrame(&buf, &wire.Frame{Kind: 1, Body: v.Body, Attachments: v.Attachments}); err != nil {
		t.Fatal(err)
	}
	fr, err := wire.ReadFrame(&buf, 0)
	if err != nil {
		t.Fatal(err)
	}
	out, err := wire.Decode(wire.Value{Body: fr.Body, Attachments: fr.Attachments}, reflect.TypeFor[T]())
	if err != nil {
		t.Fatalf("Decode(%T): %v", x, err)
	}
	if out == nil {
		return zero, v.Size()
	}
	return out.(T), v.Size()
}

// wireFrame has every column type, missing values in each, a time column,
// empty and non-ASCII strings.
func wireFrame(testing.TB) *Frame { return makeWireFrame() }

// makeWireFrame builds wireFrame's frame; worker processes call it too.
func makeWireFrame() *Frame {
	times, err := NewTimeColumn("when", []time.Time{
		time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC), {}, time.Unix(0, -1).UTC(), time.Unix(1, 0).UTC(),
	})
	if err != nil {
		panic(err)
	}
	i64, _ := NewInt64Column("count", []int64{math.MinInt64, 0, 7, math.MaxInt64}).WithMissing([]bool{false, true, false, false})
	str, _ := NewStringColumn("label", []string{"", "naïve", "x,y\n\"z\"", "日本"}).WithMissing([]bool{false, false, false, true})
	b, _ := NewBoolColumn("ok", []bool{true, false, true, false}).WithMissing([]bool{false, false, true, false})
	f, err := New(NewFloat64Column("x", []float64{1.5, math.NaN(), math.Inf(-1), math.Copysign(0, -1)}), i64, str, b, times)
	if err != nil {
		panic(err)
	}
	return f
}

func TestFrameRoundTripKeepsEverything(t *testing.T) {
	f := wireFrame(t)
	got := wireRoundTrip(t, f)
	if d := frameDiff(f, got); d != "" {
		t.Fatalf("round trip: %s", d)
	}
	for j, c := range got.columns {
		if c.NullCount() != f.columns[j].NullCount() {
			t.Errorf("column %q: %d missing, want %d", c.Name(), c.NullCount(), f.columns[j].NullCount())
		}
	}
	if x, _ := got.Float64s("x"); !math.Signbit(x[3]) {
		t.Error("-0 lost its sign")
	}
	if got.String() != f.String() {
		t.Errorf("String differs:\n%s\nwant\n%s", got, f)
	}
}

func TestColumnRoundTrip(t *testing.T) {
	for _, c := range wireFrame(t).columns {
		got := wireRoundTrip(t, c)
		if got.Name() != c.Name() || got.Type() != c.Type() || got.Len() != c.Len() || got.NullCount() != c.NullCount() {
			t.Fatalf("column %q: got %s %s %d rows %d missing", c.Name(), got.Name(), got.Type(), got.Len(), got.NullCount())
		}
		if d := frameDiff(mustFrame(t, c), mustFrame(t, got)); d != "" {
			t.Errorf("column %q: %s", c.Name(), d)
		}
	}
}

func TestEmptyFramesRoundTrip(t *testing.T) {
	noCols := mustFrame(t)
	if got := wireRoundTrip(t, noCols); got.NumCols() != 0 || got.NumRows() != 0 {
		t.Errorf("frame without columns: %d×%d", got.NumRows(), got.NumCols())
	}
	noRows := wireFrame(t).Head(0)
	got := wireRoundTrip(t, noRows)
	if d := frameDiff(noRows, got); d != "" {
		t.Errorf("frame without rows: %s", d)
	}
	var nilFrame *Frame
	if got := wireRoundTrip(t, nilFrame); got != nil {
		t.Errorf("nil frame came back as %v", got)
	}
}

func TestFramesInInterfaceSlots(t *testing.T) {
	f := wireFrame(t)
	got := wireRoundTrip[any](t, f)
	back, ok := got.(*Frame)
	if !ok {
		t.Fatalf("any slot gave %T", got)
	}
	if d := frameDiff(f, back); d != "" {
		t.Fatal(d)
	}
	list := wireRoundTrip[any](t, []*Frame{f, f.Head(1)})
	if frames, ok := list.([]*Frame); !ok || len(frames) != 2 || frames[1].NumRows() != 1 {
		t.Fatalf("[]*Frame in an any slot gave %#v", list)
	}
	col := wireRoundTrip[any](t, f.columns[2])
	if c, ok := col.(*Column); !ok || c.Name() != "label" {
		t.Fatalf("*Column in an any slot gave %#v", col)
	}
}

// bigFrame returns n rows of float64, int64, string and bool columns.
func bigFrame(t testing.TB, n int) *Frame {
	x := make([]float64, n)
	k := make([]int64, n)
	s := make([]string, n)
	b := make([]bool, n)
	for i := range n {
		x[i] = float64(i) / 3
		k[i] = int64(i % 1000)
		s[i] = [...]string{"alpha", "beta", "gamma"}[i%3]
		b[i] = i%7 == 0
	}
	return mustFrame(t, NewFloat64Column("x", x), NewInt64Column("k", k), NewStringColumn("s", s), NewBoolColumn("b", b))
}

func TestLargeColumnsTravelAsRawMemory(t *testing.T) {
	f := bigFrame(t, 100_000)
	v, err := wire.Encode(f, reflect.TypeFor[*Frame]())
	if err != nil {
		t.Fatal(err)
	}
	// x, k, the string offsets and the string bytes are attachments; the
	// packed bools (12.5 KB) are inline. Nothing goes element by element.
	if len(v.Attachments) != 4 || len(v.Body) > 16<<10 {
		t.Fatalf("body %d bytes, %d attachments; want a small body and 4 attachments", len(v.Body), len(v.Attachments))
	}
	x, _ := f.Float64s("x")
	if unsafe.Pointer(&v.Attachments[0][0]) != unsafe.Pointer(&x[0]) {
		t.Error("the float64 column was copied instead of attached")
	}
	got := wireRoundTrip(t, f)
	if d := frameDiff(f, got); d != "" {
		t.Fatal(d)
	}
}

func TestViewsTravelAsTheSmallerForm(t *testing.T) {
	f := bigFrame(t, 100_000)
	_, whole := wireRoundTripSize(t, f)

	// A small view goes materialised: it costs its rows, not the frame.
	small, err := f.Take([]int{5, 99_999, 5, 42})
	if err != nil {
		t.Fatal(err)
	}
	got, size := wireRoundTripSize(t, small)
	if d := frameDiff(small, got); d != "" {
		t.Fatalf("small view: %s", d)
	}
	if got.IsView() || size > 2<<10 {
		t.Errorf("small view: %d bytes (view %v); want its 4 rows materialised", size, got.IsView())
	}

	// A view over every row (a sort) goes materialised too: the frame's
	// size, not the frame plus an index.
	sorted, err := f.Sort(Desc("x"))
	if err != nil {
		t.Fatal(err)
	}
	got, size = wireRoundTripSize(t, sorted)
	if d := frameDiff(sorted, got); d != "" {
		t.Fatalf("sorted view: %s", d)
	}
	if got.IsView() || size > whole+1<<10 {
		t.Errorf("sorted view: %d bytes (view %v), frame %d; want the frame's size", size, got.IsView(), whole)
	}

	// A resample repeating rows goes as the frame plus an index, cheaper
	// than its gathered rows.
	rows := make([]int, 3*f.NumRows())
	for i := range rows {
		rows[i] = (i * 7919) % f.NumRows()
	}
	resample, _ := f.Take(rows)
	got, size = wireRoundTripSize(t, resample)
	if d := frameDiff(resample, got); d != "" {
		t.Fatalf("resample: %s", d)
	}
	if !got.IsView() || size > whole+8*len(rows)+1<<10 {
		t.Errorf("resample: %d bytes (view %v), frame %d; want the frame plus an 8-byte index", size, got.IsView(), whole)
	}

	// A selection of columns carries only those columns.
	sel, _ := sorted.Select("k")
	got, size = wireRoundTripSize(t, sel)
	if d := frameDiff(sel, got); d != "" || size > 16*f.NumRows()+1<<10 {
		t.Errorf("selected view: %d bytes; %s", size, d)
	}
	// Groups of a frame never multiply it.
	groups, _ := f.GroupBy("k")
	total := 0
	for _, g := range groups.All() {
		_, size := wireRoundTripSize(t, g)
		total += size
	}
	if total > whole*11/10 {
		t.Errorf("1000 groups sent separately cost %d bytes, the frame %d", total, whole)
	}
}

func TestViewOfViewRoundTrips(t *testing.T) {
	f := wireFrame(t)
	v, err := f.Sort(Asc("label"), Desc("x"))
	if err != nil {
		t.Fatal(err)
	}
	v, err = v.Take([]int{3, 2, 1, 0, 0, 1, 2, 3, 3, 3, 2, 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := wireRoundTrip(t, v); frameDiff(v, got) != "" {
		t.Fatal(frameDiff(v, got))
	}
}

func TestDecodeRejectsInconsistentFrames(t *testing.T) {
	f := wireFrame(t)
	v, err := wire.Encode(f, reflect.TypeFor[*Frame]())
	if err != nil {
		t.Fatal(err)
	}
	body := v.Body
	// Every truncation is an error, never a panic.
	for n := range body {
		_, err := wire.Decode(wire.Value{Body: body[:n]}, reflect.TypeFor[*Frame]())
		if err == nil {
			t.Fatalf("truncated to %d of %d bytes: no error", n, len(body))
		}
	}
	// A column type this package does not know.
	bad := bytes.Replace(body, []byte("\xa1x\x01"), []byte("\xa1x\x09"), 1)
	if _, err := wire.Decode(wire.Value{Body: bad}, reflect.TypeFor[*Frame]()); !errors.Is(err, ErrMalformed) {
		t.Errorf("unknown column type: %v", err)
	}
}

func TestViewRowIndexIsChecked(t *testing.T) {
	f := bigFrame(t, 1000)
	resample, _ := f.Take(slices.Repeat([]int{1, 2, 3}, 2000))
	v, err := wire.Encode(resample, reflect.TypeFor[*Frame]())
	if err != nil {
		t.Fatal(err)
	}
	// The index is the last raw item of the body: make its last row 1000.
	body := append([]byte(nil), v.Body...)
	binary.LittleEndian.PutUint64(body[len(body)-8:], 1000)
	_, err = wire.Decode(wire.Value{Body: body, Attachments: v.Attachments}, reflect.TypeFor[*Frame]())
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("row outside the backing columns: %v", err)
	}
}
