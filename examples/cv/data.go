package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/lazygraph/lazygraph/dataframe"
	"github.com/lazygraph/lazygraph/dataframe/matrix"
	"github.com/lazygraph/lazygraph/examples/internal/cli"
	"github.com/lazygraph/lazygraph/examples/internal/regression"
	"github.com/lazygraph/lazygraph/rng"
)

// Random streams the program derives from -seed, kept apart by purpose.
const (
	streamData   uint64 = iota // the simulated data
	streamForest               // the forests, one stream per fold
)

// loadData reads -data, or simulates the tutorial's data when there is none.
func loadData(cfg config, stderr io.Writer) (regression.Dataset, error) {
	if cfg.data == "" {
		return simulate(cfg.rows, cfg.cols, cfg.settings.Seed), nil
	}
	return readCSV(cfg.data, cfg.y, cfg.x, stderr)
}

// simulate draws the tutorial's data: n rows of p independent standard normal predictors
// x1..xp and y = x1 + √|x2·x3| + x2 − x3 + ε with standard normal ε. Only x1, x2 and x3 matter;
// the other predictors are noise that the methods have to cope with.
func simulate(n, p int, seed uint64) regression.Dataset {
	r := rng.New(seed, streamData)
	d := regression.Dataset{
		Names: make([]string, p),
		X:     make([]float64, n*p),
		Y:     make([]float64, n),
	}
	for j := range d.Names {
		d.Names[j] = fmt.Sprintf("x%d", j+1)
	}
	for i := range d.Y {
		x := d.X[i*p : (i+1)*p]
		for j := range x {
			x[j] = r.NormFloat64()
		}
		d.Y[i] = x[0] + math.Sqrt(math.Abs(x[1]*x[2])) + x[1] - x[2] + r.NormFloat64()
	}
	return d
}

// readCSV reads the response and predictor columns of a CSV file, leaving out rows where any of
// them is missing. With no predictors named, every numeric column but the response is one.
func readCSV(path, y string, x []string, stderr io.Writer) (regression.Dataset, error) {
	var frame *dataframe.Frame
	var err error
	if len(x) > 0 && !slices.Contains(x, y) {
		// Only the columns used, the others skipped unconverted; a column the file lacks makes
		// it read them all, so that the checks below can say which flag is wrong.
		frame, err = dataframe.ReadCSV(path, dataframe.WithColumns(append([]string{y}, x...)...))
	}
	if frame == nil && (err == nil || errors.Is(err, dataframe.ErrUnknownColumn)) {
		frame, err = dataframe.ReadCSV(path)
	}
	if err != nil {
		return regression.Dataset{}, fmt.Errorf("-data: %w", err)
	}
	if frame.NumRows() == 0 {
		return regression.Dataset{}, fmt.Errorf("-data %s: no data rows", path)
	}
	if !frame.Has(y) {
		return regression.Dataset{}, cli.Usagef("-y %q: no such column in %s; its columns are %q", y, path, frame.Names())
	}
	if len(x) == 0 {
		x = numericColumns(frame, y)
		if len(x) == 0 {
			return regression.Dataset{}, cli.Usagef("-data %s: no numeric column besides -y %q to use as a predictor", path, y)
		}
	}
	for _, name := range x {
		if name == y {
			return regression.Dataset{}, cli.Usagef("-x: %q is the response (-y)", name)
		}
		if !frame.Has(name) {
			return regression.Dataset{}, cli.Usagef("-x: no column %q in %s; its columns are %q", name, path, frame.Names())
		}
	}

	complete, err := frame.DropMissing(append([]string{y}, x...)...)
	if err != nil {
		return regression.Dataset{}, fmt.Errorf("-data %s: %w", path, err)
	}
	if dropped := frame.NumRows() - complete.NumRows(); dropped > 0 {
		fmt.Fprintf(stderr, "cv: left out %d of %d rows with missing values\n", dropped, frame.NumRows())
	}
	if complete.NumRows() == 0 {
		return regression.Dataset{}, fmt.Errorf("-data %s: no row has all of -y and -x present", path)
	}
	response, err := matrix.Vector(complete, y)
	if err != nil {
		return regression.Dataset{}, cli.Usagef("-y %q: %w", y, err)
	}
	predictors, err := matrix.Dense(complete, x...)
	if err != nil {
		return regression.Dataset{}, cli.Usagef("-x: %w", err)
	}
	return regression.Dataset{
		Names: slices.Clone(x),
		X:     predictors.RawMatrix().Data, // a new matrix: one row after another, no gaps
		Y:     response.RawVector().Data,
	}, nil
}

// numericColumns returns the names of the float and integer columns other than except.
func numericColumns(frame *dataframe.Frame, except string) []string {
	var names []string
	for i, t := range frame.Types() {
		name := frame.Names()[i]
		if name != except && (t == dataframe.Float64 || t == dataframe.Int64) {
			names = append(names, name)
		}
	}
	return names
}
