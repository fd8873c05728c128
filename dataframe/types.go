package dataframe

import (
	"fmt"
	"strconv"
)

// Type is the element type of a column.
type Type uint8

// The column types a Frame can hold.
const (
	// Float64 columns hold []float64; NaN is the missing value.
	Float64 Type = iota + 1
	// Int64 columns hold []int64.
	Int64
	// String columns hold []string.
	String
	// Bool columns hold []bool.
	Bool
	// Time columns hold instants as []int64 nanoseconds since the Unix
	// epoch (UTC), the way pandas' datetime64[ns] does, and convert to and
	// from time.Time at the edges.
	Time
)

var _ fmt.Stringer = Type(0)

// columnTypes is the registry of column types, indexed by Type: adding
// a type is a constant above, its entry here and its vector in one file
// (see vector.go).
var columnTypes = []typeSpec{
	Float64: float64Type,
	Int64:   int64Type,
	String:  stringType,
	Bool:    boolType,
	Time:    timeType,
}

// String returns the lower-case name of the type, such as "float64".
func (t Type) String() string {
	if ct := typeOf(t); ct != nil {
		return ct.name
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

// Valid reports whether t is one of the defined column types.
func (t Type) Valid() bool { return typeOf(t) != nil }

// isNumeric reports whether values of t take part in numeric statistics
// (Describe, mean, std, quantile).
func (t Type) isNumeric() bool {
	ct := typeOf(t)
	return ct != nil && ct.numeric
}
