package dataframe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// ParquetOption configures ReadParquet.
type ParquetOption func(*parquetConfig)

type parquetConfig struct {
	columns []string
}

// WithParquetColumns reads only the named columns, in that order.
func WithParquetColumns(columns ...string) ParquetOption {
	return func(c *parquetConfig) { c.columns = append([]string(nil), columns...) }
}

// ReadParquet reads a Parquet file into a frame through Apache Arrow's Go
// Parquet reader. Flat columns convert to this package's types: floating
// point to Float64; signed integers, and unsigned ones up to 32 bits, to
// Int64 (uint64 to Int64 when every value fits, else an error); strings
// (also dictionary-encoded and large) to String; booleans to Bool;
// timestamps of any unit and dates to Time. Nulls become missing values.
// Other types (nested, decimal, binary, …) are an error wrapping
// ErrColumnType that names the column and its Parquet/Arrow type.
func ReadParquet(path string, opts ...ParquetOption) (*Frame, error) {
	var cfg parquetConfig
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
				return nil, fmt.Errorf("dataframe: %s: %w", path, unknownColumn(name, names))
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
				return nil, fmt.Errorf("dataframe: %s: %w", path, columnTypeArrow(f))
			}
		}
		return nil, fmt.Errorf("dataframe: %s: nested Parquet schemas are not supported: %w", path, ErrColumnType)
	}
	table, err := fr.ReadRowGroups(context.Background(), indices, allRowGroups(pf.NumRowGroups()))
	if err != nil {
		return nil, fmt.Errorf("dataframe: %s: %w", path, errors.Join(ErrMalformed, err))
	}
	defer table.Release()
	cols := make([]*Column, table.NumCols())
	for i := range cols {
		c, err := columnFromArrow(table.Column(i))
		if err != nil {
			return nil, fmt.Errorf("dataframe: %s: %w", path, err)
		}
		cols[i] = c
	}
	frame, err := New(cols...)
	if err != nil {
		return nil, fmt.Errorf("dataframe: %s: %w", path, err)
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

// Is reports whether target is ErrColumnType.
func (e *parquetTypeError) Is(target error) bool { return target == ErrColumnType }

func columnTypeArrow(f arrow.Field) error {
	return &parquetTypeError{column: f.Name, arrowType: f.Type.String()}
}

// columnFromArrow copies an Arrow column into a Column.
func columnFromArrow(col *arrow.Column) (*Column, error) {
	n := col.Len()
	name := col.Name()
	chunks := col.Data().Chunks()
	var valid Bitmap
	if col.NullN() > 0 {
		valid = NewBitmap(n)
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
	var typ Type
	var data any
	switch dt := col.DataType().(type) {
	case *arrow.Float64Type, *arrow.Float32Type, *arrow.Float16Type:
		out := make([]float64, 0, n)
		for _, ch := range chunks {
			switch a := ch.(type) {
			case *array.Float64:
				out = append(out, a.Float64Values()...)
			case *array.Float32:
				for _, v := range a.Float32Values() {
					out = append(out, float64(v))
				}
			case *array.Float16:
				for _, v := range a.Values() {
					out = append(out, float64(v.Float32()))
				}
			}
		}
		for i := range out {
			if !valid.IsValid(i) {
				out[i] = math.NaN()
			}
		}
		typ, data = Float64, out
	case *arrow.Int8Type, *arrow.Int16Type, *arrow.Int32Type, *arrow.Int64Type,
		*arrow.Uint8Type, *arrow.Uint16Type, *arrow.Uint32Type, *arrow.Uint64Type:
		out := make([]int64, 0, n)
		for _, ch := range chunks {
			switch a := ch.(type) {
			case *array.Int64:
				out = append(out, a.Int64Values()...)
			case *array.Int32:
				out = appendConverted(out, a.Int32Values())
			case *array.Int16:
				out = appendConverted(out, a.Int16Values())
			case *array.Int8:
				out = appendConverted(out, a.Int8Values())
			case *array.Uint32:
				out = appendConverted(out, a.Uint32Values())
			case *array.Uint16:
				out = appendConverted(out, a.Uint16Values())
			case *array.Uint8:
				out = appendConverted(out, a.Uint8Values())
			case *array.Uint64:
				for i, v := range a.Uint64Values() {
					if v > math.MaxInt64 && a.IsValid(i) {
						return nil, fmt.Errorf("column %q: uint64 value %d does not fit in int64: %w", name, v, ErrColumnType)
					}
					out = append(out, int64(v))
				}
			}
		}
		typ, data = Int64, out
	case *arrow.StringType, *arrow.LargeStringType, *arrow.StringViewType, *arrow.DictionaryType:
		if d, ok := dt.(*arrow.DictionaryType); ok && !isStringType(d.ValueType) {
			return nil, columnTypeArrow(arrow.Field{Name: name, Type: dt})
		}
		out := make([]string, 0, n)
		for _, ch := range chunks {
			out = appendStrings(out, ch)
		}
		typ, data = String, out
	case *arrow.BooleanType:
		out := make([]bool, 0, n)
		for _, ch := range chunks {
			a := ch.(*array.Boolean)
			for i := 0; i < a.Len(); i++ {
				out = append(out, a.Value(i))
			}
		}
		typ, data = Bool, out
	case *arrow.TimestampType:
		mult := int64(dt.Unit.Multiplier())
		out := make([]int64, 0, n)
		for _, ch := range chunks {
			for _, v := range ch.(*array.Timestamp).Values() {
				out = append(out, int64(v)*mult)
			}
		}
		typ, data = Time, out
	case *arrow.Date32Type:
		out := make([]int64, 0, n)
		for _, ch := range chunks {
			for _, v := range ch.(*array.Date32).Date32Values() {
				out = append(out, int64(v)*86400e9)
			}
		}
		typ, data = Time, out
	case *arrow.Date64Type:
		out := make([]int64, 0, n)
		for _, ch := range chunks {
			for _, v := range ch.(*array.Date64).Date64Values() {
				out = append(out, int64(v)*1e6)
			}
		}
		typ, data = Time, out
	default:
		return nil, columnTypeArrow(arrow.Field{Name: name, Type: dt})
	}
	return NewColumn(name, typ, data, valid)
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

// WriteParquet writes the frame to a Parquet file (Snappy-compressed),
// mapping Float64 to DOUBLE, Int64 to INT64, String to UTF-8 BYTE_ARRAY,
// Bool to BOOLEAN and Time to TIMESTAMP(NANOS, UTC); missing values are
// nulls.
func WriteParquet(path string, f *Frame) (err error) {
	mem := memory.DefaultAllocator
	fields := make([]arrow.Field, len(f.columns))
	arrays := make([]arrow.Array, len(f.columns))
	defer func() {
		for _, a := range arrays {
			if a != nil {
				a.Release()
			}
		}
	}()
	n := f.NumRows()
	for j, c := range f.columns {
		var b array.Builder
		switch c.typ {
		case Float64:
			fb := array.NewFloat64Builder(mem)
			for i := 0; i < n; i++ {
				if r := f.baseRow(i); c.valid.IsValid(r) {
					fb.Append(c.f64[r])
				} else {
					fb.AppendNull()
				}
			}
			b, fields[j] = fb, arrow.Field{Name: c.name, Type: arrow.PrimitiveTypes.Float64, Nullable: true}
		case Int64:
			ib := array.NewInt64Builder(mem)
			for i := 0; i < n; i++ {
				if r := f.baseRow(i); c.valid.IsValid(r) {
					ib.Append(c.i64[r])
				} else {
					ib.AppendNull()
				}
			}
			b, fields[j] = ib, arrow.Field{Name: c.name, Type: arrow.PrimitiveTypes.Int64, Nullable: true}
		case String:
			sb := array.NewStringBuilder(mem)
			for i := 0; i < n; i++ {
				if r := f.baseRow(i); c.valid.IsValid(r) {
					sb.Append(c.str[r])
				} else {
					sb.AppendNull()
				}
			}
			b, fields[j] = sb, arrow.Field{Name: c.name, Type: arrow.BinaryTypes.String, Nullable: true}
		case Bool:
			bb := array.NewBooleanBuilder(mem)
			for i := 0; i < n; i++ {
				if r := f.baseRow(i); c.valid.IsValid(r) {
					bb.Append(c.b[r])
				} else {
					bb.AppendNull()
				}
			}
			b, fields[j] = bb, arrow.Field{Name: c.name, Type: arrow.FixedWidthTypes.Boolean, Nullable: true}
		case Time:
			tt := &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}
			tb := array.NewTimestampBuilder(mem, tt)
			for i := 0; i < n; i++ {
				if r := f.baseRow(i); c.valid.IsValid(r) {
					tb.Append(arrow.Timestamp(c.i64[r]))
				} else {
					tb.AppendNull()
				}
			}
			b, fields[j] = tb, arrow.Field{Name: c.name, Type: tt, Nullable: true}
		}
		arrays[j] = b.NewArray()
		b.Release()
	}
	schema := arrow.NewSchema(fields, nil)
	record := array.NewRecordBatch(schema, arrays, int64(n))
	defer record.Release()
	table := array.NewTableFromRecords(schema, []arrow.RecordBatch{record})
	defer table.Release()

	out, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("dataframe: %w", err)
	}
	defer func() {
		if cerr := out.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("dataframe: %w", cerr)
		}
	}()
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy))
	// Hide Close from the writer, which would close the file itself; the
	// deferred Close reports errors.
	sink := struct{ io.Writer }{out}
	if err := pqarrow.WriteTable(table, sink, max(1, int64(n)), props, pqarrow.DefaultWriterProps()); err != nil {
		return fmt.Errorf("dataframe: WriteParquet %s: %w", path, err)
	}
	return nil
}

// openParquet opens a Parquet file for reading through Arrow and returns the reader, its Arrow
// schema, and the function that closes the file. Errors name the file; a file that is not
// Parquet (or is damaged) gives an error wrapping ErrMalformed.
func openParquet(path string, props pqarrow.ArrowReadProperties) (*pqarrow.FileReader, *arrow.Schema, func(), error) {
	osFile, err := os.Open(path)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("dataframe: %w", err)
	}
	malformed := func(err error) error {
		return fmt.Errorf("dataframe: %s: %w", path, errors.Join(ErrMalformed, err))
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
