package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lazygraph/lazygraph/dataframe"
	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/examples/internal/cli"
)

// TestMain lets the processes scheduler re-run this test binary as its workers.
func TestMain(m *testing.M) {
	if delayed.Init() {
		return
	}
	os.Exit(m.Run())
}

// small is the size of the tests' generated data: 4 files of 3000 flights.
var small = []string{"-months", "4", "-rows", "3000", "-seed", "9"}

// runAirline runs the program and returns its standard output and standard error.
func runAirline(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), args, &out, &errOut); err != nil {
		t.Fatalf("airline %s: %v\nstderr:\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String(), errOut.String()
}

// smallFiles generates the small data set into a new directory and returns its files' pattern.
func smallFiles(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := generateFiles(dir, 4, 3000, 9); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "*.csv*")
}

func TestSchedulersAgree(t *testing.T) {
	dir := t.TempDir()
	want, stderr := runAirline(t, append(small, "-dir", dir, "-scheduler", "synchronous")...)
	if !strings.Contains(stderr, "generated 4 files of 3000 flights") {
		t.Errorf("the first run did not generate the files:\n%s", stderr)
	}
	lines := strings.Split(strings.TrimSpace(want), "\n")
	if len(lines) != 1+len(carriers)+1 || lines[0] != "carrier,flights,missing_delay,mean_delay,min_delay,max_delay" ||
		!strings.HasPrefix(lines[1], "AA,") || !strings.HasPrefix(lines[len(lines)-1], "(all),12000,") {
		t.Fatalf("want a header, %d carriers in order and a line for all 12000 flights:\n%s", len(carriers), want)
	}
	for _, sched := range [][]string{
		{"-scheduler", "threads", "-workers", "3"},
		{"-scheduler", "processes", "-workers", "2"},
		{"-scheduler", "processes", "-workers", "2", "-chunksize", "1"},
	} {
		got, stderr := runAirline(t, append(small, append(sched, "-dir", dir)...)...)
		if got != want {
			t.Errorf("%v gave\n%s\nsynchronous gave\n%s", sched, got, want)
		}
		if !strings.Contains(stderr, "reading 4 files in") || !strings.Contains(stderr, "4 read tasks for 4 partitions") {
			t.Errorf("%v: want the 4 existing files read once each:\n%s", sched, stderr)
		}
	}
	// A temporary directory of the same files gives the same output, and is removed.
	if got, _ := runAirline(t, small...); got != want {
		t.Errorf("generated into a temporary directory:\n%s\nwant\n%s", got, want)
	}
}

// TestEachFileReadOnce: the three reductions computed together start one read task per file on
// every scheduler; computed one after another, they read every file three times.
func TestEachFileReadOnce(t *testing.T) {
	lf, err := dataframe.ReadCSVLazy(smallFiles(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, sched := range [][]delayed.Option{
		{delayed.WithScheduler("synchronous")},
		{delayed.WithScheduler("threads"), delayed.WithWorkers(2)},
		{delayed.WithScheduler("processes"), delayed.WithWorkers(2)},
	} {
		var together readCounter
		if _, err := summarize(ctx, lf, "carrier", "arr_delay", append(sched, together.option())...); err != nil {
			t.Fatal(err)
		}
		if n := together.n.Load(); n != 4 {
			t.Errorf("computed together: %d read tasks for 4 files", n)
		}
	}

	var apart readCounter
	byGroup, overall, flights := reductions(lf, "carrier", "arr_delay")
	for _, node := range []delayed.Node{byGroup, overall, flights} {
		if _, err := delayed.Compute(ctx, []delayed.Node{node}, apart.option()); err != nil {
			t.Fatal(err)
		}
	}
	if n := apart.n.Load(); n != 12 {
		t.Errorf("computed one after another: %d read tasks, want 3 per file", n)
	}
}

// TestMatchesEager compares the lazy summary with the same statistics of all the files read
// into one frame.
func TestMatchesEager(t *testing.T) {
	pattern := smallFiles(t)
	lf, err := dataframe.ReadCSVLazy(pattern)
	if err != nil {
		t.Fatal(err)
	}
	got, err := summarize(context.Background(), lf, "carrier", "arr_delay")
	if err != nil {
		t.Fatal(err)
	}

	paths, _ := filepath.Glob(pattern)
	var parts []*dataframe.Frame
	for _, p := range paths {
		f, err := dataframe.ReadCSV(p)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, f)
	}
	all, err := dataframe.Concat(parts...)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := all.GroupBy("carrier")
	if err != nil {
		t.Fatal(err)
	}
	stats := []dataframe.Aggregation{dataframe.CountOf("arr_delay"), dataframe.MeanOf("arr_delay"), dataframe.MinOf("arr_delay"), dataframe.MaxOf("arr_delay")}
	byCarrier, err := groups.Agg(append([]dataframe.Aggregation{dataframe.CountOf("carrier")}, stats...)...)
	if err != nil {
		t.Fatal(err)
	}
	overall, err := all.Agg(stats...)
	if err != nil {
		t.Fatal(err)
	}

	if got.Flights != int64(all.NumRows()) {
		t.Errorf("%d flights, eagerly %d", got.Flights, all.NumRows())
	}
	compareColumns(t, "by carrier", got.ByGroup, byCarrier, [][2]string{
		{"carrier", "carrier"}, {"flights", "carrier_count"}, {"with_delay", "arr_delay_count"},
		{"mean_delay", "arr_delay_mean"}, {"min_delay", "arr_delay_min"}, {"max_delay", "arr_delay_max"},
	})
	compareColumns(t, "overall", got.Overall, overall, [][2]string{
		{"with_delay", "arr_delay_count"}, {"mean_delay", "arr_delay_mean"}, {"min_delay", "arr_delay_min"}, {"max_delay", "arr_delay_max"},
	})
}

// compareColumns compares columns of two frames, named in pairs (lazy, eager): exactly, but
// means to a relative 1e-12 (the lazy sums add up partition by partition).
func compareColumns(t *testing.T, what string, lazy, eager *dataframe.Frame, names [][2]string) {
	t.Helper()
	if lazy.NumRows() != eager.NumRows() {
		t.Fatalf("%s: %d rows, eagerly %d", what, lazy.NumRows(), eager.NumRows())
	}
	for _, pair := range names {
		for i := range eager.NumRows() {
			g, w := cell(lazy, pair[0], i), cell(eager, pair[1], i)
			if g == w {
				continue
			}
			gm, _ := lazy.Float64s(pair[0])
			wm, _ := eager.Float64s(pair[1])
			if pair[0] != "mean_delay" || math.Abs(gm[i]-wm[i]) > 1e-12*math.Abs(wm[i]) {
				t.Errorf("%s row %d %s: %s, eagerly %s", what, i, pair[0], g, w)
			}
		}
	}
}

// TestOtherColumns: -by an integer column (months, in number order) and -delay another column.
func TestOtherColumns(t *testing.T) {
	dir := filepath.Dir(smallFiles(t))
	got, _ := runAirline(t, "-dir", dir, "-by", "month", "-delay", "dep_delay")
	lines := strings.Split(strings.TrimSpace(got), "\n")
	if len(lines) != 6 || lines[0] != "month,flights,missing_delay,mean_delay,min_delay,max_delay" ||
		!strings.HasPrefix(lines[1], "1,3000,") || !strings.HasPrefix(lines[4], "4,3000,") || !strings.HasPrefix(lines[5], "(all),12000,") {
		t.Errorf("want months 1 to 4 of 3000 flights each, then all 12000:\n%s", got)
	}
}

func TestBadInput(t *testing.T) {
	dir := filepath.Dir(smallFiles(t))
	for _, c := range []struct {
		args []string
		want string // in the message
	}{
		{[]string{"-months", "0"}, "-months 0"},
		{[]string{"-rows", "-5"}, "-rows -5"},
		{[]string{"-by", ""}, "-by: empty column name"},
		{[]string{"-by", "arr_delay"}, `-by and -delay are both "arr_delay"`},
		{[]string{"-chunksize", "-1"}, "-chunksize -1"},
		{[]string{"-dir", dir, "-by", "airline"}, `-by "airline": no such column; the columns are ["year" "month" "day" "carrier" "origin" "dest" "dep_delay" "arr_delay"]`},
		{[]string{"-dir", dir, "-delay", "ArrDelay"}, `-delay "ArrDelay": no such column`},
		{[]string{"-dir", dir, "-delay", "origin"}, `-delay: column "origin" holds string values`},
		{[]string{"stray"}, "unexpected arguments"},
	} {
		err := run(context.Background(), c.args, io.Discard, io.Discard)
		var usage *cli.UsageError
		if !errors.As(err, &usage) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want a usage error mentioning %q", c.args, err, c.want)
		}
	}

	// A file that does not parse is an error naming it, not a panic.
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "broken.csv"), []byte("carrier,arr_delay\nAA,5\nBB,\"unterminated\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"-dir", bad}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "broken.csv") {
		t.Errorf("a malformed file: got %v, want an error naming it", err)
	}
}
