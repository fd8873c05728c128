package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lazygraph/lazygraph/dataframe"
	"github.com/lazygraph/lazygraph/dataframe/parquet"
	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/examples/internal/cli"
	"github.com/lazygraph/lazygraph/examples/internal/expected"
)

// TestMain lets the processes scheduler re-run this test binary as its workers.
func TestMain(m *testing.M) {
	if delayed.Init() {
		return
	}
	os.Exit(m.Run())
}

// small is generated data small enough for tests: 40 strata of 38 to 580 rows, batched into
// about 30 tasks.
var small = []string{"-rows", "4000", "-strata", "40", "-seed", "5", "-task-rows", "100"}

// runStratified runs the program and returns its standard output and standard error.
func runStratified(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), args, &out, &errOut); err != nil {
		t.Fatalf("stratified %s: %v\nstderr:\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String(), errOut.String()
}

func TestSchedulersAgree(t *testing.T) {
	want, _ := runStratified(t, append(small, "-scheduler", "synchronous")...)
	if got := strings.Count(want, "\n"); got != 1+40 {
		t.Fatalf("%d lines, want a header and 40 strata:\n%s", got, want)
	}
	if !strings.HasPrefix(want, "group,n,intercept,x1,x2,x3,r2\ns00,") {
		t.Errorf("unexpected start:\n%s", want[:100])
	}
	for _, sched := range [][]string{
		{"-scheduler", "threads", "-workers", "3"},
		{"-scheduler", "processes", "-workers", "2"},
		{"-scheduler", "processes", "-workers", "2", "-chunksize", "1"},
	} {
		if got, _ := runStratified(t, append(small, sched...)...); got != want {
			t.Errorf("%v gave\n%s\nsynchronous gave\n%s", sched, got, want)
		}
	}
	// Batching changes the tasks, not the results.
	if got, _ := runStratified(t, append(small, "-task-rows", "1", "-scheduler", "threads")...); got != want {
		t.Errorf("one stratum per task gave\n%s\nbatched gave\n%s", got, want)
	}
}

// TestFrameSentOncePerWorker: the processes scheduler sends the shared frame to each of its 2
// workers once, plus each task's row numbers — not a copy of the data per task.
func TestFrameSentOncePerWorker(t *testing.T) {
	frame, err := generate(20000, 50, 3)
	if err != nil {
		t.Fatal(err)
	}
	strata, err := splitStrata(frame, "stratum")
	if err != nil {
		t.Fatal(err)
	}
	m := model{Y: "y", X: []string{"x1", "x2", "x3"}}
	data, err := frame.Select("y", "x1", "x2", "x3")
	if err != nil {
		t.Fatal(err)
	}
	batches := batchStrata(strata, 1) // one task per stratum: 50 tasks
	var sent int64
	report := delayed.WithCallbacks(delayed.Callbacks{Finish: func(info delayed.ComputeInfo) { sent = info.BytesSent }})
	if _, err := fitAll(data, batches, m).Compute(context.Background(),
		delayed.WithScheduler("processes"), delayed.WithWorkers(2), report); err != nil {
		t.Fatal(err)
	}
	frameBytes := int64(20000 * 4 * 8) // four 8-byte columns
	indexBytes := int64(20000 * 8)     // every row number, once
	if limit := 2*frameBytes + indexBytes + 64<<10; sent < frameBytes || sent > limit {
		t.Errorf("%d bytes sent to 2 workers; want between one copy of the frame (%d) and two plus the row numbers (%d)",
			sent, frameBytes, limit)
	}
	t.Logf("%d bytes sent for a %d-byte frame and %d tasks", sent, frameBytes, len(batches))
}

// TestReadsEveryFormat: the generated data written as CSV, gzip-compressed CSV and Parquet
// and read back with -data gives the same results as generating it.
func TestReadsEveryFormat(t *testing.T) {
	want, _ := runStratified(t, append(small, "-scheduler", "threads")...)
	frame, err := generate(4000, 40, 5)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, name := range []string{"data.csv", "data.csv.gz", "data.parquet"} {
		path := filepath.Join(dir, name)
		if strings.HasSuffix(name, ".parquet") {
			err = parquet.Write(path, frame)
		} else {
			err = dataframe.WriteCSVFile(path, frame)
		}
		if err != nil {
			t.Fatal(err)
		}
		got, _ := runStratified(t, "-data", path, "-group", "stratum", "-y", "y", "-x", "x1,x2,x3", "-task-rows", "100")
		if got != want {
			t.Errorf("-data %s gave\n%s\ngenerated data gave\n%s", name, got, want)
		}
	}
}

// TestIntegerColumns: a response and a predictor stored as integers give the same fits as the
// same numbers stored as floats; an integer group column sorts numerically.
func TestIntegerColumns(t *testing.T) {
	var ints, floats strings.Builder
	ints.WriteString("shop,sales,price,promo\n")
	floats.WriteString("shop,sales,price,promo\n")
	for i := range 60 {
		shop := []int{10, 9, 100}[i%3]
		price := 3 + (i*7)%11
		promo := (i / 3) % 2
		sales := 100 - 4*price + 9*promo + (i*13)%7 + shop/10
		ints.WriteString(strconv.Itoa(shop) + "," + strconv.Itoa(sales) + "," + strconv.Itoa(price) + "," + strconv.Itoa(promo) + "\n")
		floats.WriteString(strconv.Itoa(shop) + "," + strconv.Itoa(sales) + ".0," + strconv.Itoa(price) + ".0," + strconv.Itoa(promo) + "\n")
	}
	dir := t.TempDir()
	var outputs []string
	for name, content := range map[string]string{"ints.csv": ints.String(), "floats.csv": floats.String()} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		out, _ := runStratified(t, "-data", path, "-group", "shop", "-y", "sales")
		outputs = append(outputs, out)
	}
	if outputs[0] != outputs[1] {
		t.Errorf("integer and float columns differ:\n%s\n%s", outputs[0], outputs[1])
	}
	if lines := strings.Split(outputs[0], "\n"); len(lines) != 5 || lines[0] != "group,n,intercept,price,promo,r2" ||
		!strings.HasPrefix(lines[1], "9,20,") || !strings.HasPrefix(lines[2], "10,20,") || !strings.HasPrefix(lines[3], "100,20,") {
		t.Errorf("want shops 9, 10, 100 in that order with price and promo as predictors:\n%s", outputs[0])
	}
}

// TestMatchesStatsmodels compares the output on testdata/strata.csv with
// testdata/statsmodels_fits.csv, written by testdata/compare.py: statsmodels' OLS with a
// constant per region. The regions it could not fit must be reported and left out.
func TestMatchesStatsmodels(t *testing.T) {
	stdout, stderr := runStratified(t, "-data", "testdata/strata.csv", "-group", "region", "-y", "y", "-x", "x1,x2,x3")
	got := expected.Records(t, strings.NewReader(stdout))
	want := expected.Records(t, expected.Open(t, "testdata/statsmodels_fits.csv"))
	if len(got) != len(want) {
		t.Fatalf("%d regions fitted, statsmodels fitted %d:\n%s", len(got), len(want), stdout)
	}
	for i := range want {
		if got[i][0] != want[i][0] || got[i][1] != want[i][1] {
			t.Errorf("line %d: group and n %v, statsmodels %v", i+1, got[i][:2], want[i][:2])
		}
		for j := 2; j < len(want[i]); j++ { // the program prints 10 significant digits
			if g, w := expected.Float(t, got[i][j]), expected.Float(t, want[i][j]); !expected.Near(g, w, 1e-9) {
				t.Errorf("%s column %d: %v, statsmodels %v", want[i][0], j, g, w)
			}
		}
	}
	for _, line := range []string{
		"group kiln left out: 3 rows for 4 coefficients",
		"group lake left out: singular design: x2 is constant",
		"left out 5 of 851 rows with a missing value",
		"fitted 12 of 14 strata; 2 left out",
	} {
		if !strings.Contains(stderr, line) {
			t.Errorf("stderr does not say %q:\n%s", line, stderr)
		}
	}
}

// TestMatchesStatsmodelsExactly runs the task function itself, to compare all the digits.
func TestMatchesStatsmodelsExactly(t *testing.T) {
	cfg := config{data: "testdata/strata.csv", group: "region", y: "y", x: []string{"x1", "x2", "x3"}}
	frame, err := loadData(cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	strata, err := splitStrata(frame, "region")
	if err != nil {
		t.Fatal(err)
	}
	fits := make(map[string]fit)
	for _, s := range strata {
		f, err := fitStratum(frame, s, model{Y: "y", X: cfg.x})
		if err != nil {
			t.Fatal(err)
		}
		fits[s.Group] = f
	}
	worst := 0.0
	for _, w := range expected.Records(t, expected.Open(t, "testdata/statsmodels_fits.csv")) {
		f, ok := fits[w[0]]
		if !ok || f.Skipped != "" {
			t.Errorf("%s: not fitted (%s)", w[0], f.Skipped)
			continue
		}
		for j, g := range append(f.Coef, f.R2) {
			v := expected.Float(t, w[2+j])
			worst = max(worst, math.Abs(g-v)/math.Max(1, math.Abs(v)))
			if !expected.Near(g, v, 1e-12) {
				t.Errorf("%s column %d: %.17g, statsmodels %.17g", w[0], 2+j, g, v)
			}
		}
	}
	t.Logf("largest relative difference from statsmodels: %.3g", worst)
}

func TestBadInput(t *testing.T) {
	const data = "testdata/strata.csv"
	for _, c := range []struct {
		args []string
		want string // in the message
	}{
		{[]string{"-rows", "0"}, "-rows 0"},
		{[]string{"-rows", "2.5"}, "-rows 2.5"},
		{[]string{"-strata", "0"}, "-strata 0"},
		{[]string{"-task-rows", "0"}, "-task-rows 0"},
		{[]string{"-workers", "0"}, "-workers 0"},
		{[]string{"-x", "x1,,x2"}, "empty column name"},
		{[]string{"-x", "x1,x1"}, `"x1" listed twice`},
		{[]string{"-group", "shop"}, `-group "shop": no such column`},
		{[]string{"-y", "sales"}, `-y "sales": no such column`},
		{[]string{"-x", "x1,price"}, `-x: no column "price"`},
		{[]string{"-x", "price,cost"}, `-x: no columns ["price" "cost"]`},
		{[]string{"-data", data, "-group", "region", "-x", "x1,note"}, `column "note" holds string values`},
		{[]string{"-data", data, "-group", "region", "-y", "note"}, `-y: column "note" holds string values`},
		{[]string{"-data", data, "-group", "region", "-x", "x1,y"}, "is the response"},
		{[]string{"-data", data, "-group", "region", "-x", "x1,region"}, "is the -group column"},
		{[]string{"-data", data, "-group", "y", "-y", "y"}, "is the -group column"},
		{[]string{"-data", data}, `-group "stratum": no such column; the columns are ["region" "y" "x1" "x2" "x3" "note"]`},
		{[]string{"stray"}, "unexpected arguments"},
	} {
		args := append([]string{"-rows", "100", "-strata", "2"}, c.args...) // small, unless a case says otherwise
		err := run(context.Background(), args, io.Discard, io.Discard)
		var usage *cli.UsageError
		if !errors.As(err, &usage) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want a usage error mentioning %q", c.args, err, c.want)
		}
	}
	if err := run(context.Background(), []string{"-data", "testdata/nosuchfile.csv"}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "nosuchfile.csv") {
		t.Errorf("a missing file: got %v, want an error naming it", err)
	}
}

func TestBatchStrata(t *testing.T) {
	strata := []stratum{{"a", make([]int, 5)}, {"b", make([]int, 50)}, {"c", make([]int, 3)}, {"d", make([]int, 4)}, {"e", make([]int, 1)}}
	var got []string
	for _, b := range batchStrata(strata, 7) {
		var names string
		for _, s := range b {
			names += s.Group
		}
		got = append(got, names)
	}
	if strings.Join(got, " ") != "ab cd e" {
		t.Errorf("batches %q, want [ab cd e]", got)
	}
}
