package parquet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/lazygraph/lazygraph/dataframe"
)

// Option configures ReadParquet.
type Option func(*config)

type config struct {
	columns []string
}

// WithColumns reads only the named columns, in that order.
func WithColumns(columns ...string) Option {
	return func(c *config) { c.columns = append([]string(nil), columns...) }
}

// Read reads a Parquet file into a frame through Apache Arrow's Go
// Parquet reader. Flat columns convert to the dataframe types: floating
// point to Float64; signed integers, and unsigned ones up to 32 bits, to
// Int64 (uint64 to Int64 when every value fits, else an error); strings
// (also dictionary-encoded and large) to String; booleans to Bool;
// timestamps of any unit and dates to Time. Nulls become missing values.
// Other types (nested, decimal, binary, …) are an error wrapping
// dataframe.ErrColumnType that names the column and its Parquet/Arrow type.
func Read(path string, opts ...Option) (*dataframe.Frame, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	fr, schema, closeFile, err := openParquet(path, pqarrow.ArrowReadProperties{Parallel: true, BatchSize: 1 << 16})
	if err != nil {
		return nil, err
	}
	defer closeFile()
	pf := fr.ParquetReader()
	indices := make([]int, 0, schema.NumFields())
	if cfg.columns == nil {
		for i := range schema.NumFields() {
			indices = append(indices, i)
		}
	} else {
		names := make([]string, schema.NumFields())
		for i, f := range schema.Fields() {
			names[i] = f.Name
		}
		for _, name := range cfg.columns {
			found := schema.FieldIndices(name)
			if len(found) == 0 {
				return nil, fmt.Errorf("parquet: %s: %w", path, &dataframe.UnknownColumnError{Column: name, Known: names})
			}
			indices = append(indices, found[0])
		}
	}
	// Leaf column indices equal field indices only for flat schemas;
	// reject nested fields before reading.
	if schema.NumFields() != pf.MetaData().Schema.NumColumns() {
		for _, i := range indices {
			f := schema.Field(i)
			if _, nested := f.Type.(arrow.NestedType); nested {
				return nil, fmt.Errorf("parquet: %s: %w", path, columnTypeArrow(f))
			}
		}
		return nil, fmt.Errorf("parquet: %s: nested Parquet schemas are not supported: %w", path, dataframe.ErrColumnType)
	}
	if err := verifyFile(path, indices); err != nil {
		return nil, err
	}
	table, err := fr.ReadRowGroups(context.Background(), indices, allRowGroups(pf.NumRowGroups()))
	if err != nil {
		return nil, fmt.Errorf("parquet: %s: %w", path, errors.Join(dataframe.ErrMalformed, err))
	}
	defer table.Release()
	cols := make([]*dataframe.Column, table.NumCols())
	for i := range cols {
		c, err := columnFromArrow(table.Column(i))
		if err != nil {
			return nil, fmt.Errorf("parquet: %s: %w", path, err)
		}
		cols[i] = c
	}
	frame, err := dataframe.New(cols...)
	if err != nil {
		return nil, fmt.Errorf("parquet: %s: %w", path, err)
	}
	return frame, nil
}

func allRowGroups(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// parquetTypeError names a column whose Arrow type has no counterpart.
type parquetTypeError struct {
	column, arrowType string
}

var _ error = (*parquetTypeError)(nil)

// Error names the column and its Arrow type.
func (e *parquetTypeError) Error() string {
	return fmt.Sprintf("column %q has Parquet/Arrow type %s, which has no dataframe type", e.column, e.arrowType)
}

// Is reports whether target is dataframe.ErrColumnType.
func (e *parquetTypeError) Is(target error) bool { return target == dataframe.ErrColumnType }

func columnTypeArrow(f arrow.Field) error {
	return &parquetTypeError{column: f.Name, arrowType: f.Type.String()}
}

// columnFromArrow copies an Arrow column into a Column.
func columnFromArrow(col *arrow.Column) (*dataframe.Column, error) {
	n := col.Len()
	name := col.Name()
	chunks := col.Data().Chunks()
	var valid dataframe.Bitmap
	if col.NullN() > 0 {
		valid = dataframe.NewBitmap(n)
		offset := 0
		for _, ch := range chunks {
			for i := 0; i < ch.Len(); i++ {
				if ch.IsNull(i) {
					valid.SetMissing(offset + i)
				}
			}
			offset += ch.Len()
		}
	}
	m := mappingOfArrow(col.DataType())
	if m == nil {
		return nil, columnTypeArrow(arrow.Field{Name: name, Type: col.DataType()})
	}
	data, err := m.read(name, col.DataType(), chunks, n, valid)
	if err != nil {
		return nil, err
	}
	return dataframe.NewColumn(name, m.typ, data, valid)
}

func appendConverted[T int8 | int16 | int32 | uint8 | uint16 | uint32](out []int64, values []T) []int64 {
	for _, v := range values {
		out = append(out, int64(v))
	}
	return out
}

func isStringType(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW:
		return true
	}
	return false
}

// appendStrings copies a string (or string-dictionary) array's values.
func appendStrings(out []string, arr arrow.Array) []string {
	switch a := arr.(type) {
	case *array.String:
		for i := 0; i < a.Len(); i++ {
			out = append(out, stringIfValid(a, i, a.Value))
		}
	case *array.LargeString:
		for i := 0; i < a.Len(); i++ {
			out = append(out, stringIfValid(a, i, a.Value))
		}
	case *array.StringView:
		for i := 0; i < a.Len(); i++ {
			out = append(out, stringIfValid(a, i, a.Value))
		}
	case *array.Dictionary:
		dict := a.Dictionary()
		values := make([]string, dict.Len())
		values = appendStrings(values[:0], dict)
		for i := 0; i < a.Len(); i++ {
			if a.IsNull(i) {
				out = append(out, "")
				continue
			}
			out = append(out, values[a.GetValueIndex(i)])
		}
	}
	return out
}

// stringIfValid copies value i (Arrow's strings alias its buffers, which
// are released with the table), or "" for a null.
func stringIfValid(a arrow.Array, i int, value func(int) string) string {
	if a.IsNull(i) {
		return ""
	}
	return string([]byte(value(i)))
}

// Write writes the frame to a Parquet file (Snappy-compressed), mapping
// Float64 to DOUBLE, Int64 to INT64, String to UTF-8 BYTE_ARRAY, Bool to
// BOOLEAN and Time to TIMESTAMP(NANOS, UTC); missing values are nulls.
func Write(path string, f *dataframe.Frame) (err error) {
	mem := memory.DefaultAllocator
	cols := f.Materialize().Columns()
	fields := make([]arrow.Field, len(cols))
	arrays := make([]arrow.Array, len(cols))
	defer func() {
		for _, a := range arrays {
			if a != nil {
				a.Release()
			}
		}
	}()
	n := f.NumRows()
	for j, c := range cols {
		m := mappingOf(c.Type())
		if m == nil {
			return fmt.Errorf("parquet: Write %s: column %q: type %s: %w", path, c.Name(), c.Type(), dataframe.ErrColumnType)
		}
		b, dt := m.write(mem, c)
		fields[j] = arrow.Field{Name: c.Name(), Type: dt, Nullable: true}
		arrays[j] = b.NewArray()
		b.Release()
	}
	schema := arrow.NewSchema(fields, nil)
	record := array.NewRecordBatch(schema, arrays, int64(n))
	defer record.Release()
	table := array.NewTableFromRecords(schema, []arrow.RecordBatch{record})
	defer table.Release()

	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy))
	// Arrow writes into memory (hiding Close, which it would call); the
	// file gets that with a checksum in every page header (see crc.go).
	var written bytes.Buffer
	sink := struct{ io.Writer }{&written}
	if err := pqarrow.WriteTable(table, sink, max(1, int64(n)), props, pqarrow.DefaultWriterProps()); err != nil {
		return fmt.Errorf("parquet: Write %s: %w", path, err)
	}
	withCRC, err := addChecksums(written.Bytes())
	if err != nil {
		return fmt.Errorf("parquet: Write %s: adding page checksums: %w", path, err)
	}
	if err := os.WriteFile(path, withCRC, 0o666); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	return nil
}

// verifyFile checks the page checksums of the given columns of a file
// (see crc.go). A mismatch, or page headers that do not parse, is an error
// wrapping dataframe.ErrMalformed (and ErrChecksum for a mismatch).
func verifyFile(path string, columns []int) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	if _, _, err := verifyChunks(f, info.Size(), columns); err != nil {
		return fmt.Errorf("parquet: %s: %w", path, errors.Join(dataframe.ErrMalformed, err))
	}
	return nil
}

// openParquet opens a Parquet file for reading through Arrow and returns the reader, its Arrow
// schema, and the function that closes the file. Errors name the file; a file that is not
// Parquet (or is damaged) gives an error wrapping dataframe.ErrMalformed.
func openParquet(path string, props pqarrow.ArrowReadProperties) (*pqarrow.FileReader, *arrow.Schema, func(), error) {
	osFile, err := os.Open(path)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("parquet: %w", err)
	}
	malformed := func(err error) error {
		return fmt.Errorf("parquet: %s: %w", path, errors.Join(dataframe.ErrMalformed, err))
	}
	pf, err := file.NewParquetReader(osFile)
	if err != nil {
		osFile.Close()
		return nil, nil, nil, malformed(err)
	}
	closeFile := func() {
		pf.Close()
		osFile.Close()
	}
	fr, err := pqarrow.NewFileReader(pf, props, memory.DefaultAllocator)
	if err != nil {
		closeFile()
		return nil, nil, nil, malformed(err)
	}
	schema, err := fr.Schema()
	if err != nil {
		closeFile()
		return nil, nil, nil, malformed(err)
	}
	return fr, schema, closeFile, nil
}
