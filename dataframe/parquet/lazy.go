package parquet

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/lazygraph/lazygraph/dataframe"
	"github.com/lazygraph/lazygraph/delayed"
)

// readTask reads one file: the task behind every partition of ReadLazy,
// registered by name so that worker processes find it.
var readTask = delayed.Func1E(readPartition, delayed.Name("dataframe/parquet.readPartition"))

// partition is the Parquet file one read task reads; it crosses to
// worker processes. Columns nil reads every column.
type partition struct {
	Path    string
	Columns []string
}

// ReadLazy reads the Parquet files matching a glob pattern (see
// filepath.Match) as a lazy frame, one partition per file in name order,
// each read as Read reads it (WithColumns applies to all). The first
// file's schema is read now to know the columns; the data is read when a
// result is computed. A pattern that matches nothing is an error wrapping
// fs.ErrNotExist.
func ReadLazy(pattern string, opts ...Option) (*dataframe.LazyFrame, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	paths, err := globFiles(pattern)
	if err != nil {
		return nil, err
	}
	like, err := schemaFrame(paths[0], cfg.columns)
	if err != nil {
		return nil, err
	}
	parts := make([]delayed.Delayed[*dataframe.Frame], len(paths))
	for i, path := range paths {
		parts[i] = readTask(delayed.Value(partition{Path: path, Columns: cfg.columns}))
	}
	return dataframe.FromPartitionsOf(like, parts...), nil
}

// globFiles expands a pattern to the regular files it matches, sorted.
func globFiles(pattern string) ([]string, error) {
	matches, err := filepath.Glob(pattern)
	if err != nil {
		return nil, fmt.Errorf("parquet: ReadLazy: pattern %q: %w: %w", pattern, dataframe.ErrArgument, err)
	}
	var paths []string
	for _, m := range matches {
		if st, err := os.Stat(m); err == nil && st.Mode().IsRegular() {
			paths = append(paths, m)
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("parquet: ReadLazy: no files match %q: %w", pattern, fs.ErrNotExist)
	}
	return paths, nil
}

// readPartition reads one file of ReadLazy.
func readPartition(p partition) (*dataframe.Frame, error) {
	var opts []Option
	if p.Columns != nil {
		opts = append(opts, WithColumns(p.Columns...))
	}
	return Read(p.Path, opts...)
}

// schemaFrame returns a frame of no rows with the columns a Parquet file
// would give, read from its metadata alone.
func schemaFrame(path string, columns []string) (*dataframe.Frame, error) {
	_, arrowSchema, closeFile, err := openParquet(path, pqarrow.ArrowReadProperties{})
	if err != nil {
		return nil, err
	}
	defer closeFile()
	fields := arrowSchema.Fields()
	if columns != nil {
		names := make([]string, len(fields))
		for i, f := range fields {
			names[i] = f.Name
		}
		picked := make([]arrow.Field, len(columns))
		for i, name := range columns {
			found := arrowSchema.FieldIndices(name)
			if len(found) == 0 {
				return nil, fmt.Errorf("parquet: %s: %w", path, &dataframe.UnknownColumnError{Column: name, Known: names})
			}
			picked[i] = fields[found[0]]
		}
		fields = picked
	}
	cols := make([]*dataframe.Column, len(fields))
	for i, f := range fields {
		t, ok := typeOfArrow(f.Type)
		if !ok {
			return nil, fmt.Errorf("parquet: %s: %w", path, columnTypeArrow(f))
		}
		data := mappingOf(t).empty()
		if cols[i], err = dataframe.NewColumn(f.Name, t, data, nil); err != nil {
			return nil, fmt.Errorf("parquet: %s: %w", path, err)
		}
	}
	like, err := dataframe.New(cols...)
	if err != nil {
		return nil, fmt.Errorf("parquet: %s: %w", path, err)
	}
	return like, nil
}
