package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lazygraph/lazygraph/dataframe"
	"github.com/lazygraph/lazygraph/dataframe/parquet"
	"github.com/lazygraph/lazygraph/examples/internal/cli"
)

// loadData reads -data, or generates the synthetic data set when there is none, and returns
// the frame every task will share: the group, response and predictor columns only, and only the
// rows where all of them are present.
func loadData(cfg config, stderr io.Writer) (*dataframe.Frame, error) {
	var (
		frame *dataframe.Frame
		err   error
	)
	if cfg.data == "" {
		frame, err = generate(cfg.rows, cfg.strata, cfg.seed)
	} else {
		frame, err = readFile(cfg.data, cfg)
	}
	if err != nil {
		return nil, err
	}
	return prepare(frame, cfg, stderr)
}

// readFile reads a Parquet file (.parquet) or a CSV file, compressed or not (.csv, .csv.gz,
// .csv.bz2: dataframe.ReadCSV decompresses by extension). With -x given it reads only the group,
// response and predictor columns, skipping the others without converting them; a column the
// file lacks then makes it read every column, so that checkColumns can say which flag is wrong.
func readFile(path string, cfg config) (*dataframe.Frame, error) {
	var columns []string
	if len(cfg.x) > 0 && !slices.Contains(cfg.x, cfg.y) && !slices.Contains(cfg.x, cfg.group) && cfg.y != cfg.group {
		columns = append([]string{cfg.group, cfg.y}, cfg.x...)
	}
	read := func(columns []string) (*dataframe.Frame, error) {
		if strings.EqualFold(filepath.Ext(path), ".parquet") {
			if columns == nil {
				return parquet.Read(path)
			}
			return parquet.Read(path, parquet.WithColumns(columns...))
		}
		if columns == nil {
			return dataframe.ReadCSV(path)
		}
		return dataframe.ReadCSV(path, dataframe.WithColumns(columns...))
	}
	frame, err := read(columns)
	if errors.Is(err, dataframe.ErrUnknownColumn) && columns != nil {
		frame, err = read(nil)
	}
	if err != nil {
		return nil, fmt.Errorf("-data: %w", err)
	}
	return frame, nil
}

// prepare checks the columns the flags name, keeps only those, and leaves out rows with a
// missing value in any of them (counted on stderr). The result is a view of frame: its columns
// are shared, not copied.
func prepare(frame *dataframe.Frame, cfg config, stderr io.Writer) (*dataframe.Frame, error) {
	x := cfg.x
	if len(x) == 0 {
		x = numericColumns(frame, cfg.group, cfg.y)
	}
	if err := checkColumns(frame, cfg.group, cfg.y, x); err != nil {
		return nil, err
	}
	columns := append([]string{cfg.group, cfg.y}, x...)
	selected, err := frame.Select(columns...)
	if err != nil {
		return nil, err
	}
	if selected.NumRows() == 0 {
		return nil, fmt.Errorf("-data %s: no data rows", cfg.data)
	}
	complete, err := selected.DropMissing(columns...)
	if err != nil {
		return nil, err
	}
	// ±Inf (which a Parquet file can hold) would turn a fit into NaN: such rows are left out
	// like missing ones.
	present := complete.NumRows()
	complete, err = dropNonFinite(complete, append([]string{cfg.y}, x...)...)
	if err != nil {
		return nil, err
	}
	dropped, infinite := selected.NumRows()-complete.NumRows(), present-complete.NumRows()
	switch {
	case dropped == 0:
		return selected, nil // no row index needed
	case infinite == 0:
		fmt.Fprintf(stderr, "stratified: left out %d of %d rows with a missing value\n", dropped, selected.NumRows())
	default:
		fmt.Fprintf(stderr, "stratified: left out %d of %d rows with a missing or infinite value (%d infinite)\n",
			dropped, selected.NumRows(), infinite)
	}
	if complete.NumRows() == 0 {
		return nil, fmt.Errorf("no row has all of -group, -y and -x present")
	}
	return complete, nil
}

// checkColumns reports, as a usage error naming the flag, a column the frame does not have, a
// response or predictor that is not numeric, or a column used twice.
func checkColumns(frame *dataframe.Frame, group, y string, x []string) error {
	names := frame.Names()
	if !frame.Has(group) {
		return cli.Usagef("-group %q: no such column; the columns are %q", group, names)
	}
	if !frame.Has(y) {
		return cli.Usagef("-y %q: no such column; the columns are %q", y, names)
	}
	if len(x) == 0 {
		return cli.Usagef("-x: no numeric column besides -group %q and -y %q to use as a predictor", group, y)
	}
	var unknown []string
	for _, name := range x {
		if !frame.Has(name) {
			unknown = append(unknown, name)
		}
	}
	switch len(unknown) {
	case 0:
	case 1:
		return cli.Usagef("-x: no column %q; the columns are %q", unknown[0], names)
	default:
		return cli.Usagef("-x: no columns %q; the columns are %q", unknown, names)
	}
	if y == group {
		return cli.Usagef("-y %q is the -group column", y)
	}
	for _, name := range x {
		switch name {
		case y:
			return cli.Usagef("-x: %q is the response (-y)", name)
		case group:
			return cli.Usagef("-x: %q is the -group column", name)
		}
	}
	for _, name := range append([]string{y}, x...) {
		if t := typeOf(frame, name); t != dataframe.Float64 && t != dataframe.Int64 {
			flag := "-x"
			if name == y {
				flag = "-y"
			}
			return cli.Usagef("%s: column %q holds %s values; want numbers (float or integer)", flag, name, t)
		}
	}
	return nil
}

// numericColumns returns the float and integer columns other than the group and the response,
// the default predictors for -data.
func numericColumns(frame *dataframe.Frame, except ...string) []string {
	var names []string
	for i, t := range frame.Types() {
		name := frame.Names()[i]
		if (t == dataframe.Float64 || t == dataframe.Int64) && !slices.Contains(except, name) {
			names = append(names, name)
		}
	}
	return names
}

// typeOf returns the type of a column the frame has.
func typeOf(frame *dataframe.Frame, name string) dataframe.Type {
	return frame.Types()[slices.Index(frame.Names(), name)]
}
