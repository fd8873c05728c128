package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/lazygraph/lazygraph/dataframe"
	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/examples/internal/cli"
	"github.com/lazygraph/lazygraph/examples/internal/expected"
	"github.com/lazygraph/lazygraph/examples/internal/regression"
)

// TestMain lets the processes scheduler re-run this test binary as its workers.
func TestMain(m *testing.M) {
	if delayed.Init() {
		return
	}
	os.Exit(m.Run())
}

// runCV runs the program and returns its standard output.
func runCV(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("cv %s: %v\nstderr:\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

func TestSchedulersAgree(t *testing.T) {
	small := []string{"-n", "120", "-p", "6", "-folds", "4", "-trees", "5", "-k", "5", "-shuffle", "-seed", "3"}
	want := runCV(t, append(small, "-scheduler", "synchronous")...)
	if got := strings.Count(want, "\n"); got != 1+4*4 {
		t.Fatalf("%d lines, want a header and 16 results:\n%s", got, want)
	}
	for _, sched := range [][]string{
		{"-scheduler", "threads", "-workers", "3"},
		{"-scheduler", "processes", "-workers", "2"},
		{"-scheduler", "processes", "-workers", "2", "-chunksize", "1"},
	} {
		if got := runCV(t, append(small, sched...)...); got != want {
			t.Errorf("%v gave\n%s\nsynchronous gave\n%s", sched, got, want)
		}
	}
}

func TestSeedChangesSimulatedData(t *testing.T) {
	small := []string{"-n", "60", "-p", "4", "-folds", "3", "-methods", "ols"}
	if a, b := runCV(t, append(small, "-seed", "1")...), runCV(t, append(small, "-seed", "2")...); a == b {
		t.Errorf("seeds 1 and 2 gave the same output:\n%s", a)
	}
}

// TestMatchesScikitLearn compares with testdata/sklearn_kfold.csv, written by
// testdata/compare.py: scikit-learn's KFold(7) with LinearRegression, Ridge(alpha=10) and
// KNeighborsRegressor(10) on testdata/tutorial.csv.
func TestMatchesScikitLearn(t *testing.T) {
	got := expected.Records(t, strings.NewReader(runCV(t, "-data", "testdata/tutorial.csv", "-y", "y",
		"-folds", "7", "-methods", "ols,ridge,knn", "-lambda", "10", "-k", "10")))
	want := expected.Records(t, expected.Open(t, "testdata/sklearn_kfold.csv"))
	if len(got) != len(want) {
		t.Fatalf("%d results, scikit-learn has %d", len(got), len(want))
	}
	for i := range want {
		if got[i][0] != want[i][0] || got[i][1] != want[i][1] || got[i][2] != want[i][2] {
			t.Errorf("line %d: fold, method, n_test %v; scikit-learn %v", i+1, got[i][:3], want[i][:3])
		}
		// The program prints 10 significant digits.
		if g, w := expected.Float(t, got[i][3]), expected.Float(t, want[i][3]); !expected.Near(g, w, 1e-9) {
			t.Errorf("fold %s %s: MSE %v, scikit-learn %v", want[i][0], want[i][1], g, w)
		}
	}
}

// TestMatchesScikitLearnExactly runs the task function itself, to compare all the digits.
func TestMatchesScikitLearnExactly(t *testing.T) {
	data, err := readCSV("testdata/tutorial.csv", "y", nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	folds, err := dataframe.KFold(data.NumRows(), 7)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for _, w := range expected.Records(t, expected.Open(t, "testdata/sklearn_kfold.csv")) {
		number, _ := strconv.Atoi(w[0])
		f := folds[number-1]
		s, err := evaluateFold(data, fold{Number: number - 1, Train: f.Train, Test: f.Test}, w[1], settings{Lambda: 10, K: 10})
		if err != nil {
			t.Fatal(err)
		}
		want := expected.Float(t, w[3])
		worst = max(worst, math.Abs(s.MSE-want)/want)
		if !expected.Near(s.MSE, want, 1e-12) {
			t.Errorf("fold %d %s: MSE %.17g, scikit-learn %.17g", number, w[1], s.MSE, want)
		}
	}
	t.Logf("largest relative difference from scikit-learn: %.3g", worst)
}

// TestOLSMatchesStatsmodels compares with testdata/statsmodels_ols.csv, statsmodels' OLS with
// a constant on all of testdata/tutorial.csv, written by testdata/compare.py.
func TestOLSMatchesStatsmodels(t *testing.T) {
	data, err := readCSV("testdata/tutorial.csv", "y", nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	x, y := data.Rows(allRows(data.NumRows()))
	fit, err := regression.FitOLS(x, y)
	if err != nil {
		t.Fatal(err)
	}
	got := append([]float64{fit.Intercept}, fit.Coef...)
	want := expected.Records(t, expected.Open(t, "testdata/statsmodels_ols.csv"))
	if len(want) != len(got) {
		t.Fatalf("%d coefficients, statsmodels has %d", len(got), len(want))
	}
	worst := 0.0
	for i, w := range want {
		if i > 0 && w[0] != data.Names[i-1] {
			t.Errorf("coefficient %d is %s's, statsmodels has %s", i, data.Names[i-1], w[0])
		}
		v := expected.Float(t, w[1])
		worst = max(worst, math.Abs(got[i]-v))
		if !expected.Near(got[i], v, 1e-12) {
			t.Errorf("%s: %.17g, statsmodels %.17g", w[0], got[i], v)
		}
	}
	t.Logf("largest absolute difference from statsmodels: %.3g", worst)
}

func TestBadInput(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string // in the message
	}{
		{[]string{"-folds", "1"}, "-folds 1"},
		{[]string{"-n", "5"}, "-n 5"},
		{[]string{"-p", "2"}, "-p 2"},
		{[]string{"-methods", "ols,svm"}, `unknown method "svm"`},
		{[]string{"-methods", "ols,ols"}, `"ols" listed twice`},
		{[]string{"-lambda", "-1"}, "-lambda -1"},
		{[]string{"-k", "0"}, "-k 0"},
		{[]string{"-trees", "0"}, "-trees 0"},
		{[]string{"-workers", "0"}, "-workers 0"},
		{[]string{"-chunksize", "-2"}, "-chunksize -2"},
		{[]string{"-x", "a,,b"}, "empty column name"},
		{[]string{"-data", "testdata/tutorial.csv", "-y", "price"}, `-y "price": no such column`},
		{[]string{"-data", "testdata/tutorial.csv", "-x", "x1,size"}, `no column "size"`},
		{[]string{"-data", "testdata/tutorial.csv", "-x", "x1,y"}, "is the response"},
		{[]string{"-data", "testdata/tutorial.csv", "-folds", "301"}, "-folds 301"},
		{[]string{"stray"}, "unexpected arguments"},
	} {
		err := run(context.Background(), c.args, io.Discard, io.Discard)
		var usage *cli.UsageError
		if !errors.As(err, &usage) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want a usage error mentioning %q", c.args, err, c.want)
		}
	}
	if err := run(context.Background(), []string{"-data", "testdata/nosuchfile.csv"}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "nosuchfile.csv") {
		t.Errorf("a missing file: got %v, want an error naming it", err)
	}
}

func TestMissingValuesAreLeftOut(t *testing.T) {
	path := t.TempDir() + "/gaps.csv"
	content := "y,a,b,label\n1,1,0,p\n2,,1,q\n3,2,1,r\n4,3,0,s\n,4,1,t\n6,5,0,u\n7,6,1,v\n8,7,1,w\n"
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	out := runCVStderr(t, &stderr, "-data", path, "-folds", "2", "-methods", "ols")
	if !strings.Contains(stderr.String(), "left out 2 of 8 rows") {
		t.Errorf("stderr does not report the 2 incomplete rows:\n%s", stderr.String())
	}
	if !strings.HasPrefix(out, "fold,method,n_test,mse\n1,ols,3,") {
		t.Errorf("want 6 complete rows in 2 folds of 3, got:\n%s", out)
	}
}

func runCVStderr(t *testing.T, stderr *bytes.Buffer, args ...string) string {
	t.Helper()
	var stdout bytes.Buffer
	if err := run(context.Background(), args, &stdout, stderr); err != nil {
		t.Fatalf("cv %s: %v\nstderr:\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

func allRows(n int) []int {
	rows := make([]int, n)
	for i := range rows {
		rows[i] = i
	}
	return rows
}
