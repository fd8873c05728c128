package parquet

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lazygraph/lazygraph/dataframe"
)

// mapping is how one dataframe column type is read from and written to
// Parquet (through Arrow). A dataframe type that Parquet can hold is one
// entry in mappings; the package's switches over Arrow types live inside
// the entries (an entry may read several Arrow types, such as every
// integer width for Int64).
type mapping struct {
	typ dataframe.Type
	// reads reports whether an Arrow type reads as typ.
	reads func(dt arrow.DataType) bool
	// read converts a column's chunks (n rows, of a type reads accepts)
	// to the data NewColumn takes; valid marks its nulls.
	read func(name string, dt arrow.DataType, chunks []arrow.Array, n int, valid dataframe.Bitmap) (any, error)
	// empty returns the data of a column of no rows.
	empty func() any
	// write builds the Arrow array of a column.
	write func(mem memory.Allocator, c *dataframe.Column) (array.Builder, arrow.DataType)
}

var mappings = []mapping{
	{
		typ: dataframe.Float64,
		reads: func(dt arrow.DataType) bool {
			switch dt.ID() {
			case arrow.FLOAT64, arrow.FLOAT32, arrow.FLOAT16:
				return true
			}
			return false
		},
		read:  readFloat64s,
		empty: func() any { return []float64{} },
		write: func(mem memory.Allocator, c *dataframe.Column) (array.Builder, arrow.DataType) {
			data, _ := c.Float64s()
			return build(array.NewFloat64Builder(mem), data, c.Validity()), arrow.PrimitiveTypes.Float64
		},
	},
	{
		typ: dataframe.Int64,
		reads: func(dt arrow.DataType) bool {
			switch dt.ID() {
			case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
				return true
			}
			return false
		},
		read:  readInt64s,
		empty: func() any { return []int64{} },
		write: func(mem memory.Allocator, c *dataframe.Column) (array.Builder, arrow.DataType) {
			data, _ := c.Int64s()
			return build(array.NewInt64Builder(mem), data, c.Validity()), arrow.PrimitiveTypes.Int64
		},
	},
	{
		typ: dataframe.String,
		reads: func(dt arrow.DataType) bool {
			if d, ok := dt.(*arrow.DictionaryType); ok {
				return isStringType(d.ValueType)
			}
			return isStringType(dt)
		},
		read: func(_ string, _ arrow.DataType, chunks []arrow.Array, n int, _ dataframe.Bitmap) (any, error) {
			out := make([]string, 0, n)
			for _, ch := range chunks {
				out = appendStrings(out, ch)
			}
			return out, nil
		},
		empty: func() any { return []string{} },
		write: func(mem memory.Allocator, c *dataframe.Column) (array.Builder, arrow.DataType) {
			data, _ := c.Strings()
			return build(array.NewStringBuilder(mem), data, c.Validity()), arrow.BinaryTypes.String
		},
	},
	{
		typ:   dataframe.Bool,
		reads: func(dt arrow.DataType) bool { return dt.ID() == arrow.BOOL },
		read: func(_ string, _ arrow.DataType, chunks []arrow.Array, n int, _ dataframe.Bitmap) (any, error) {
			out := make([]bool, 0, n)
			for _, ch := range chunks {
				a := ch.(*array.Boolean)
				for i := 0; i < a.Len(); i++ {
					out = append(out, a.Value(i))
				}
			}
			return out, nil
		},
		empty: func() any { return []bool{} },
		write: func(mem memory.Allocator, c *dataframe.Column) (array.Builder, arrow.DataType) {
			data, _ := c.Bools()
			return build(array.NewBooleanBuilder(mem), data, c.Validity()), arrow.FixedWidthTypes.Boolean
		},
	},
	{
		typ: dataframe.Time,
		reads: func(dt arrow.DataType) bool {
			switch dt.ID() {
			case arrow.TIMESTAMP, arrow.DATE32, arrow.DATE64:
				return true
			}
			return false
		},
		read:  readTimes,
		empty: func() any { return []int64{} },
		write: func(mem memory.Allocator, c *dataframe.Column) (array.Builder, arrow.DataType) {
			tt := &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}
			data, _ := c.Data().([]int64)
			tb := array.NewTimestampBuilder(mem, tt)
			valid := c.Validity()
			for i, v := range data {
				if valid.IsValid(i) {
					tb.Append(arrow.Timestamp(v))
				} else {
					tb.AppendNull()
				}
			}
			return tb, tt
		},
	},
}

// mappingOf returns the mapping of a dataframe type, or nil.
func mappingOf(t dataframe.Type) *mapping {
	for i := range mappings {
		if mappings[i].typ == t {
			return &mappings[i]
		}
	}
	return nil
}

// mappingOfArrow returns the mapping that reads an Arrow type, or nil.
func mappingOfArrow(dt arrow.DataType) *mapping {
	for i := range mappings {
		if mappings[i].reads(dt) {
			return &mappings[i]
		}
	}
	return nil
}

// typeOfArrow is the column type Read converts an Arrow type to.
func typeOfArrow(dt arrow.DataType) (dataframe.Type, bool) {
	if m := mappingOfArrow(dt); m != nil {
		return m.typ, true
	}
	return 0, false
}

// build appends data to an Arrow builder, nulls where valid says.
func build[T any, B interface {
	array.Builder
	Append(T)
}](b B, data []T, valid dataframe.Bitmap) array.Builder {
	for i, v := range data {
		if valid.IsValid(i) {
			b.Append(v)
		} else {
			b.AppendNull()
		}
	}
	return b
}

func readFloat64s(_ string, _ arrow.DataType, chunks []arrow.Array, n int, valid dataframe.Bitmap) (any, error) {
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
	return out, nil
}

func readInt64s(name string, _ arrow.DataType, chunks []arrow.Array, n int, _ dataframe.Bitmap) (any, error) {
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
					return nil, fmt.Errorf("column %q: uint64 value %d does not fit in int64: %w", name, v, dataframe.ErrColumnType)
				}
				out = append(out, int64(v))
			}
		}
	}
	return out, nil
}

func readTimes(_ string, dt arrow.DataType, chunks []arrow.Array, n int, _ dataframe.Bitmap) (any, error) {
	out := make([]int64, 0, n)
	for _, ch := range chunks {
		switch a := ch.(type) {
		case *array.Timestamp:
			mult := int64(dt.(*arrow.TimestampType).Unit.Multiplier())
			for _, v := range a.Values() {
				out = append(out, int64(v)*mult)
			}
		case *array.Date32:
			for _, v := range a.Date32Values() {
				out = append(out, int64(v)*86400e9)
			}
		case *array.Date64:
			for _, v := range a.Date64Values() {
				out = append(out, int64(v)*1e6)
			}
		}
	}
	return out, nil
}
