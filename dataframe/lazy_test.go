package dataframe

import (
	"context"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
)

// Functions the lazy tests give to MapPartitions and MapPartitionsTo,
// wrapped at package level so that worker processes know them.
var (
	addTenToX = delayed.Func1E(func(f *Frame) (*Frame, error) {
		x, err := f.Float64s("x")
		if err != nil {
			return nil, err
		}
		shifted := make([]float64, len(x))
		for i, v := range x {
			shifted[i] = v + 10
		}
		cols := []*Column{NewFloat64Column("x10", shifted)}
		id, err := f.Column("id")
		if err != nil {
			return nil, err
		}
		return New(id, cols[0])
	})
	distinctKeys = delayed.Func1E(func(f *Frame) ([]string, error) {
		g, err := f.GroupBy("g")
		if err != nil {
			return nil, err
		}
		var keys []string
		for k := range g.All() {
			keys = append(keys, k[0].(string))
		}
		return keys, nil
	})
	flattenStrings = delayed.Func1(func(xs [][]string) []string { return slices.Concat(xs...) })
)

func TestLazyCSVMatchesEager(t *testing.T) {
	lf, eager := lazyTestFrame(t)
	if got, want := lf.Names(), eager.Names(); !slices.Equal(got, want) {
		t.Fatalf("names %v, want %v", got, want)
	}
	if got, want := lf.Types(), eager.Types(); !slices.Equal(got, want) {
		t.Fatalf("types %v, want %v", got, want)
	}
	eachScheduler(t, func(t *testing.T, opts []delayed.Option) {
		got, err := lf.Compute(context.Background(), opts...)
		if err != nil {
			t.Fatal(err)
		}
		if d := frameDiff(eager, got); d != "" {
			t.Fatalf("lazy read differs from the eager one: %s", d)
		}
	})
}

func TestCSVBlocksHoldEveryRecordOnce(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.csv")
	// A byte-order mark, blank lines before the header, CRLF and LF.
	body := strings.TrimPrefix(lazyCSVRows(0, 60), "id,g,k,x,n,flag,when\n")
	text := "\xef\xbb\xbf\n\r\nid;g;k;x;n;flag;when\r\n" + strings.ReplaceAll(body, ",", ";")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	eager, err := ReadCSV(path, WithDelimiter(';'))
	if err != nil {
		t.Fatal(err)
	}
	if eager.NumRows() != 60 {
		t.Fatalf("eager read has %d rows", eager.NumRows())
	}
	st, _ := os.Stat(path)
	for block := int64(1); block <= st.Size()+1; block += 1 + block/3 {
		lf, err := ReadCSVLazy(path, WithDelimiter(';'), WithBlockSize(block))
		if err != nil {
			t.Fatal(err)
		}
		got, err := lf.Compute(context.Background(), delayed.WithScheduler("synchronous"))
		if err != nil {
			t.Fatalf("block size %d: %v", block, err)
		}
		if d := frameDiff(eager, got); d != "" {
			t.Fatalf("block size %d (%d partitions): %s", block, lf.NumPartitions(), d)
		}
	}
}

func TestLazyReductionsMatchEager(t *testing.T) {
	lf, eager := lazyTestFrame(t)
	want, err := eager.Agg(CountOf("x"), SumOf("x"), MeanOf("x"), MinOf("x"), MaxOf("x"), StdOf("x"),
		SumOf("n"), MeanOf("n"), MinOf("n"), MaxOf("n"), StdOf("flag"), MinOf("when"), MaxOf("when"), CountOf("g"))
	if err != nil {
		t.Fatal(err)
	}
	eachScheduler(t, func(t *testing.T, opts []delayed.Option) {
		ctx := context.Background()
		got, err := lf.Agg(CountOf("x"), SumOf("x"), MeanOf("x"), MinOf("x"), MaxOf("x"), StdOf("x"),
			SumOf("n"), MeanOf("n"), MinOf("n"), MaxOf("n"), StdOf("flag"), MinOf("when"), MaxOf("when"), CountOf("g")).Compute(ctx, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if d := frameApprox(want, got, 1e-12); d != "" {
			t.Fatalf("Agg: %s\n%v\n%v", d, want, got)
		}
		results, err := delayed.Compute(ctx, []delayed.Node{
			lf.Sum("x"), lf.Mean("x"), lf.Min("x"), lf.Max("x"), lf.Std("x"), lf.Count("x"), lf.NumRows(), lf.Mean("n"),
		}, opts...)
		if err != nil {
			t.Fatal(err)
		}
		wantScalars := []any{cell(want, "x_sum"), cell(want, "x_mean"), cell(want, "x_min"), cell(want, "x_max"),
			cell(want, "x_std"), cell(want, "x_count"), int64(eager.NumRows()), cell(want, "n_mean")}
		for i, r := range results {
			w := wantScalars[i]
			if wf, ok := w.(float64); ok {
				if g, ok := r.(float64); !ok || math.Abs(g-wf) > 1e-12*max(1, math.Abs(wf)) {
					t.Errorf("scalar %d: %v, want %v", i, r, w)
				}
				continue
			}
			if r != w {
				t.Errorf("scalar %d: %v (%T), want %v (%T)", i, r, r, w, w)
			}
		}
	})
}

// cell returns row 0 of a column as float64, or int64 for Int64 columns.
func cell(f *Frame, column string) any {
	c, err := f.lookup(column)
	if err != nil {
		panic(err)
	}
	if c.typ == Int64 {
		return c.int64s()[0]
	}
	v, _ := c.value()(0)
	return v
}

func TestLazyGroupByMatchesEager(t *testing.T) {
	lf, eager := lazyTestFrame(t)
	aggs := []Aggregation{CountOf("x"), SumOf("x"), MeanOf("x"), MinOf("x"), MaxOf("x"), StdOf("x"),
		SumOf("n"), MinOf("when"), MaxOf("n"), MeanOf("flag").As("share")}
	byG, _ := eager.GroupBy("g")
	wantG, err := byG.Agg(aggs...)
	if err != nil {
		t.Fatal(err)
	}
	byGK, _ := eager.GroupBy("g", "k")
	wantGK, err := byGK.Agg(aggs...)
	if err != nil {
		t.Fatal(err)
	}
	wantMean, err := byG.Mean()
	if err != nil {
		t.Fatal(err)
	}
	eachScheduler(t, func(t *testing.T, opts []delayed.Option) {
		gotG, gotGK, gotMean, err := delayed.Compute3(context.Background(),
			lf.GroupBy("g").Agg(aggs...), lf.GroupBy("g", "k").Agg(aggs...), lf.GroupBy("g").Mean(), opts...)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name      string
			want, got *Frame
		}{{"by g", wantG, gotG}, {"by g and k", wantGK, gotGK}, {"Mean()", wantMean, gotMean}} {
			if d := frameApprox(c.want, c.got, 1e-12); d != "" {
				t.Errorf("%s: %s", c.name, d)
			}
		}
	})
}

func TestLazyFilterSelectMapMatchEager(t *testing.T) {
	lf, eager := lazyTestFrame(t)
	cond := And(Col("x").Gt(2.5), Or(Col("g").Eq("a"), Col("g").IsMissing()), Not(Col("flag").Eq(true)))
	filtered, err := eager.Where(cond)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := filtered.Select("when", "id", "x")
	eachScheduler(t, func(t *testing.T, opts []delayed.Option) {
		ctx := context.Background()
		got, err := lf.Filter(cond).Select("when", "id", "x").Compute(ctx, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if d := frameDiff(want, got); d != "" {
			t.Fatalf("Filter+Select: %s", d)
		}
		shifted, err := lf.MapPartitions(addTenToX).Compute(ctx, opts...)
		if err != nil {
			t.Fatal(err)
		}
		x, _ := eager.Float64s("x")
		y, _ := shifted.Float64s("x10")
		if len(x) != len(y) {
			t.Fatalf("MapPartitions: %d rows, want %d", len(y), len(x))
		}
		for i := range x {
			if !(x[i]+10 == y[i] || math.IsNaN(x[i]) && math.IsNaN(y[i])) {
				t.Fatalf("MapPartitions: row %d: %v, want %v", i, y[i], x[i]+10)
			}
		}
	})
}

func TestLazyShuffleGathersEachKey(t *testing.T) {
	lf, eager := lazyTestFrame(t)
	shuffled := lf.Shuffle(4, "g")
	eachScheduler(t, func(t *testing.T, opts []delayed.Option) {
		ctx := context.Background()
		keys, err := flattenStrings(delayed.All(MapPartitionsTo(shuffled, distinctKeys))).Compute(ctx, opts...)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, slices.Compact(slices.Clone(keys))) {
			t.Fatalf("a key is in two partitions: %v", keys)
		}
		whole, err := shuffled.Compute(ctx, opts...)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := eager.Sort(Asc("id"))
		b, _ := whole.Sort(Asc("id"))
		if d := frameDiff(a, b); d != "" {
			t.Fatalf("shuffled rows differ: %s", d)
		}
	})
}

func TestSeveralResultsReadEachFileOnce(t *testing.T) {
	lf, _ := lazyTestFrame(t)
	eachScheduler(t, func(t *testing.T, opts []delayed.Option) {
		var reads readTaskCounter
		ctx := context.Background()
		_, _, _, err := delayed.Compute3(ctx, lf.Mean("x"), lf.GroupBy("g").Mean("x"), lf.NumRows(), append(opts, reads.option())...)
		if err != nil {
			t.Fatal(err)
		}
		if got := reads.n.Load(); got != int64(lf.NumPartitions()) {
			t.Errorf("Compute3 started %d read tasks for %d partitions", got, lf.NumPartitions())
		}
		reads.n.Store(0)
		_, _, err = delayed.Compute2(ctx, lf.Min("x"), lf.Max("x"), append(opts, reads.option())...)
		if err != nil {
			t.Fatal(err)
		}
		if got := reads.n.Load(); got != int64(lf.NumPartitions()) {
			t.Errorf("Compute2(min, max) started %d read tasks for %d partitions", got, lf.NumPartitions())
		}
	})
}

func TestFromFrameMatchesEager(t *testing.T) {
	_, eager := lazyTestFiles(t)
	view, _ := eager.Sort(Desc("x"))
	for _, n := range []int{1, 3, 17, 5000} {
		lf := FromFrame(view, n)
		if lf.NumPartitions() != min(n, view.NumRows()) {
			t.Fatalf("FromFrame(%d): %d partitions", n, lf.NumPartitions())
		}
		got, err := lf.Compute(context.Background(), delayed.WithScheduler("synchronous"))
		if err != nil {
			t.Fatal(err)
		}
		if d := frameDiff(view, got); d != "" {
			t.Fatalf("FromFrame(%d): %s", n, d)
		}
	}
	eachScheduler(t, func(t *testing.T, opts []delayed.Option) {
		std, err := FromFrame(eager, 7).Std("x").Compute(context.Background(), opts...)
		want, _ := eager.Agg(StdOf("x"))
		if err != nil || math.Abs(std-cell(want, "x_std").(float64)) > 1e-12 {
			t.Fatalf("std %v, %v; want %v", std, err, want)
		}
	})
}

func TestLazyErrorsComeBeforeAnyRead(t *testing.T) {
	lf, _ := lazyTestFrame(t)
	ctx := context.Background()
	var reads readTaskCounter
	check := func(name string, err error, target error) {
		t.Helper()
		if !errors.Is(err, target) {
			t.Errorf("%s: %v, want %v", name, err, target)
		}
	}
	_, err := lf.Select("nope").Compute(ctx, reads.option())
	check("Select", err, ErrUnknownColumn)
	if lf.Select("nope").Err() == nil {
		t.Error("Select of an unknown column: Err is nil")
	}
	_, err = lf.Filter(Col("g").Gt(3)).Compute(ctx, reads.option())
	check("Filter with a number on a string column", err, ErrColumnType)
	_, err = lf.Mean("g").Compute(ctx, reads.option())
	check("Mean of a string column", err, ErrColumnType)
	_, err = lf.Min("when").Compute(ctx, reads.option())
	check("Min of a time column as float64", err, ErrColumnType)
	_, err = lf.GroupBy("nope").Mean("x").Compute(ctx, reads.option())
	check("GroupBy an unknown column", err, ErrUnknownColumn)
	_, err = lf.GroupBy("g").Agg(QuantileOf("x", 0.5)).Compute(ctx, reads.option())
	check("quantile", err, ErrArgument)
	_, err = lf.GroupBy().Agg(MeanOf("x")).Compute(ctx, reads.option())
	check("GroupBy without keys", err, ErrArgument)
	_, err = lf.Shuffle(0, "g").Compute(ctx, reads.option())
	check("Shuffle into 0", err, ErrArgument)
	_, err = lf.MapPartitions(addTenToX).GroupBy("g").Mean().Compute(ctx, reads.option())
	check("Mean() of unknown columns", err, ErrArgument)
	if n := reads.n.Load(); n != 0 {
		t.Errorf("%d read tasks ran for graphs that were wrong from the start", n)
	}
	var none *LazyFrame
	_, err = none.NumRows().Compute(ctx, reads.option())
	check("nil LazyFrame", err, ErrArgument)
	_, err = (&LazyFrame{}).GroupBy("g").Mean().Compute(ctx, reads.option())
	check("zero LazyFrame", err, ErrArgument)
	_, err = FromPartitions().Select("x").Compute(ctx, reads.option())
	check("no partitions", err, ErrArgument)
	_, err = ReadCSVLazy(filepath.Join(t.TempDir(), "*.csv"))
	check("no files", err, fs.ErrNotExist)
	_, err = ReadCSVLazy("[", WithBlockSize(1))
	check("bad pattern", err, ErrArgument)
	_, err = ReadCSVLazy(filepath.Join(t.TempDir(), "*.csv"), WithSkipMalformed(&CSVReport{}))
	check("report", err, ErrArgument)
}

func TestLazyTypeErrorNamesTheFileLine(t *testing.T) {
	dir := t.TempDir()
	text := lazyCSVRows(0, 25000) // 1.5 MB, more than the 1 MiB sample
	lines := strings.Split(text, "\n")
	lines[24000] = "x" + lines[24000] // a string id, past the sample
	path := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	lf, err := ReadCSVLazy(path, WithBlockSize(256<<10))
	if err != nil {
		t.Fatal(err)
	}
	eachScheduler(t, func(t *testing.T, opts []delayed.Option) {
		_, err := lf.NumRows().Compute(context.Background(), opts...)
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Line != 24001 || pe.Column != "id" || pe.File != path {
			t.Fatalf("got %v (%+v); want line 24001, column id of %s", err, pe, path)
		}
	})
}
