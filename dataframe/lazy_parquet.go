package dataframe

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/lazygraph/lazygraph/delayed"
)

// parquetPartition is the Parquet file one read task reads; it crosses
// to worker processes. Columns nil reads every column.
type parquetPartition struct {
	Path    string
	Columns []string
}

// ReadParquetLazy reads the Parquet files matching a glob pattern (see
// filepath.Match) as a lazy frame, one partition per file in name order,
// each read as ReadParquet reads it (WithParquetColumns applies to all).
// The first file's schema is read now to know the columns; the data is
// read when a result is computed. A pattern that matches nothing is an
// error wrapping fs.ErrNotExist.
func ReadParquetLazy(pattern string, opts ...ParquetOption) (*LazyFrame, error) {
	var cfg parquetConfig
	for _, o := range opts {
		o(&cfg)
	}
	paths, err := globFiles("ReadParquetLazy", pattern)
	if err != nil {
		return nil, err
	}
	schema, err := parquetSchema(paths[0], cfg.columns)
	if err != nil {
		return nil, err
	}
	parts := make([]delayed.Delayed[*Frame], len(paths))
	for i, path := range paths {
		parts[i] = readParquetTask(delayed.Value(parquetPartition{Path: path, Columns: cfg.columns}))
	}
	return &LazyFrame{parts: parts, schema: schema}, nil
}

// readParquetPartition reads one file (the task behind every partition
// of ReadParquetLazy).
func readParquetPartition(p parquetPartition) (*Frame, error) {
	var opts []ParquetOption
	if p.Columns != nil {
		opts = append(opts, WithParquetColumns(p.Columns...))
	}
	return ReadParquet(p.Path, opts...)
}

// parquetSchema reads the columns a Parquet file would give, from its
// metadata alone.
func parquetSchema(path string, columns []string) (*frameSchema, error) {
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
				return nil, fmt.Errorf("dataframe: %s: %w", path, unknownColumn(name, names))
			}
			picked[i] = fields[found[0]]
		}
		fields = picked
	}
	s := &frameSchema{}
	for _, f := range fields {
		t, ok := typeOfArrow(f.Type)
		if !ok {
			return nil, fmt.Errorf("dataframe: %s: %w", path, columnTypeArrow(f))
		}
		s.names = append(s.names, f.Name)
		s.types = append(s.types, t)
	}
	return s, nil
}

// typeOfArrow is the column type ReadParquet converts an Arrow type to.
func typeOfArrow(dt arrow.DataType) (Type, bool) {
	switch dt := dt.(type) {
	case *arrow.Float64Type, *arrow.Float32Type, *arrow.Float16Type:
		return Float64, true
	case *arrow.Int8Type, *arrow.Int16Type, *arrow.Int32Type, *arrow.Int64Type,
		*arrow.Uint8Type, *arrow.Uint16Type, *arrow.Uint32Type, *arrow.Uint64Type:
		return Int64, true
	case *arrow.StringType, *arrow.LargeStringType, *arrow.StringViewType:
		return String, true
	case *arrow.DictionaryType:
		return String, isStringType(dt.ValueType)
	case *arrow.BooleanType:
		return Bool, true
	case *arrow.TimestampType, *arrow.Date32Type, *arrow.Date64Type:
		return Time, true
	}
	return 0, false
}
