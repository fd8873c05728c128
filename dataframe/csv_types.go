package dataframe

import (
	"cmp"
	"slices"
	"unsafe"
)

// csvType is how a column type is read from CSV: whether and when
// inference picks it, how a field is recognised and parsed into a chunk's
// storage, and how the chunks' storage becomes the column's data. It is
// the csv entry of the type's typeSpec, in the type's vector file; a type
// without one is read from CSV as text (csvText), even when
// WithColumnType asks for it.
//
// Inference: a column takes the type of its first present value: the
// first type, in ascending rank, that recognises it. A later value the
// type does not recognise widens the column when a type up its widen
// chain recognises it (int64 → float64), and otherwise turns it to text
// (the chunk is parsed again with the column as text). Chunks inferred
// apart join at their least common widening, or as text.
type csvType struct {
	// rank orders inference, lowest first; 0: never inferred (the type
	// is read only when WithColumnType fixes it). The text type ranks
	// last: it recognises every field.
	rank int
	// widen is the type a column of this type becomes when a value is not
	// one of its own but is one of widen's (Int64 → Float64); 0: none. It
	// ranks above this type (chunkColumn.redecide relies on it).
	widen Type
	// convert returns values converted to the widen type, the rows in
	// missing holding that type's missing placeholder (with widen).
	convert func(v csvValues, missing []int32) csvValues
	// syntaxErr is wrapped by the error for a field that does not parse,
	// in a column fixed to the type (strconv.ErrSyntax for numbers), or
	// nil.
	syntaxErr error
	// recognize tells, keeping nothing, whether field is a value of the
	// type: addOK; addNoMatch; or a refusal of a field that is one
	// (addInfinite, addBadUTF8), which is the field's error.
	recognize func(field []byte, p *chunkParser) addOutcome
	// start returns the storage of chunk p's column j, holding n missing
	// rows.
	start func(p *chunkParser, j, n int) csvValues
	// join returns the column's data, as NewColumn takes it, from its
	// chunks' storage.
	join func(j *csvJoin) any
}

// csvValues is one column's values, of one type, in one chunk of CSV.
type csvValues interface {
	// add appends field's value and returns addOK; or returns addNoMatch
	// (appending nothing) when field is not a value of the type, or a
	// refusal as csvType.recognize does.
	add(field []byte, p *chunkParser) addOutcome
	// addMissing appends the placeholder of a missing row.
	addMissing()
	// truncate keeps the first n values.
	truncate(n int)
}

// csvText is the type a column is read as when no other type holds all
// its values, and csvAllMissing the type of a column with no values.
const (
	csvText       = String
	csvAllMissing = Float64
)

// csvInference lists the types inference tries, in rank order.
var csvInference = csvInferenceOrder()

func csvInferenceOrder() []Type {
	var types []Type
	for t := range columnTypes {
		if ct := columnTypes[t].csv; ct != nil && ct.rank > 0 {
			types = append(types, Type(t))
		}
	}
	slices.SortStableFunc(types, func(a, b Type) int {
		return cmp.Compare(columnTypes[a].csv.rank, columnTypes[b].csv.rank)
	})
	return types
}

// csvOf returns the CSV reading of t, or nil.
func csvOf(t Type) *csvType {
	if ct := typeOf(t); ct != nil {
		return ct.csv
	}
	return nil
}

// csvReadAs returns the type a column fixed to t is read as: t, or text
// for a type that is not read from CSV.
func csvReadAs(t Type) Type {
	if csvOf(t) == nil {
		return csvText
	}
	return t
}

// widensTo reports whether a column of type a widens, in one or more
// steps, to type b.
func widensTo(a, b Type) bool {
	for t := csvOf(a).widen; t != 0; t = csvOf(t).widen {
		if t == b {
			return true
		}
	}
	return false
}

// joinTypes returns the type holding the values of two chunks' column
// inferred as a and b (0: only missing values): their least common
// widening, or text.
func joinTypes(a, b Type) Type {
	switch {
	case a == b || b == 0:
		return a
	case a == 0:
		return b
	}
	for t := a; t != 0; t = csvOf(t).widen {
		if t == b || widensTo(b, t) {
			return t
		}
	}
	return csvText
}

// csvJoin is one column's chunks, for csvType.join. A chunk of no rows
// may hold values of another type: join never looks at them.
type csvJoin struct {
	parts   []csvValues   // each chunk's values, in input order
	rows    []int         // each chunk's number of rows
	total   int           // the column's number of rows
	regions []chunkRegion // each chunk's region of the shared storage
	words   *columnWords  // the column's shared 8-byte storage, or nil
	strs    *columnStrings
}

// joinWords joins the chunks of a column of 8-byte values, each chunk's
// values given by values: in place in the column's shared storage when
// every chunk parsed into its region, else copied.
func joinWords[T int64 | float64](j *csvJoin, values func(csvValues) []T) []T {
	if s, ok := assembleWords(j, values); ok {
		return s
	}
	return joinSlices(j, values)
}

// joinSlices joins the chunks of a column by copying.
func joinSlices[T any](j *csvJoin, values func(csvValues) []T) []T {
	out := make([]T, 0, j.total)
	for c, part := range j.parts {
		if j.rows[c] > 0 {
			out = append(out, values(part)[:j.rows[c]]...)
		}
	}
	return out
}

// assembleWords returns the column's values as one slice when every
// chunk's values lie at the start of its region of the shared storage,
// closing the gaps between regions in place; otherwise ok is false.
func assembleWords[T int64 | float64](j *csvJoin, values func(csvValues) []T) (data []T, ok bool) {
	if j.words == nil || j.words.words == nil {
		return nil, false
	}
	words := j.words.words
	total := 0
	for c, part := range j.parts {
		rows, region := j.rows[c], j.regions[c]
		if rows > region.capacity ||
			(rows > 0 && unsafe.Pointer(unsafe.SliceData(values(part))) != unsafe.Pointer(&words[region.start])) {
			return nil, false
		}
		total += rows
	}
	dst := 0
	for c, rows := range j.rows {
		if start := j.regions[c].start; start != dst {
			copy(words[dst:dst+rows], words[start:start+rows])
		}
		dst += rows
	}
	words = words[:total:total]
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(words))), total), true
}
