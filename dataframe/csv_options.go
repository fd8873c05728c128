package dataframe

import "runtime"

// CSVOption configures ReadCSV, ReadCSVFrom, ReadCSVLazy, WriteCSV and
// WriteCSVFile. WithDelimiter applies to reading and writing; the others
// to reading.
type CSVOption func(*csvConfig)

// DefaultMissingMarkers returns the field values ReadCSV reads as missing
// unless WithMissing says otherwise: the empty field, "NA", "NaN" and
// "null", a subset of pandas' defaults.
func DefaultMissingMarkers() []string { return []string{"", "NA", "NaN", "null"} }

// maxReportedErrors bounds CSVReport.Errors.
const maxReportedErrors = 100

type csvConfig struct {
	delimiter byte
	types     map[string]Type
	missing   []string
	latin1    bool
	replace   bool     // replace invalid UTF-8 instead of failing
	allowInf  bool     // keep ±Inf instead of failing
	columns   []string // the columns to read, in this order; nil: all
	skip      bool
	report    *CSVReport
	workers   int
	chunkSize int   // bytes per parse chunk; 0 picks one
	blockSize int64 // ReadCSVLazy's partition size; ≤ 0: a partition per file
	mapped    bool  // the input is a read-only file mapping (csv_mapped.go)
}

func newCSVConfig(opts []CSVOption) *csvConfig {
	cfg := &csvConfig{
		delimiter: ',',
		missing:   DefaultMissingMarkers(),
		workers:   runtime.GOMAXPROCS(0),
		blockSize: defaultBlockSize,
	}
	for _, o := range opts {
		o(cfg)
	}
	return cfg
}

// CSVReport tells what a read with WithSkipMalformed skipped.
type CSVReport struct {
	Rows    int           // rows read into the frame
	Skipped int           // malformed records skipped
	Errors  []*ParseError // the first 100 skipped records' errors, in file order
}

// WithDelimiter sets the field delimiter, a single ASCII byte other than
// '"', '\r' and '\n' (default ',').
func WithDelimiter(delimiter byte) CSVOption {
	return func(c *csvConfig) { c.delimiter = delimiter }
}

// WithColumnType fixes the type of a column instead of inferring it. A
// value that does not parse as that type is an error naming file, line
// and column (or a skipped record under WithSkipMalformed). Naming a
// column the header lacks is an error wrapping ErrUnknownColumn.
func WithColumnType(column string, t Type) CSVOption {
	return func(c *csvConfig) {
		if c.types == nil {
			c.types = make(map[string]Type)
		}
		c.types[column] = t
	}
}

// WithMissing replaces the missing-value markers: a field equal to one of
// them (after removing quotes) is missing. With no markers nothing is
// missing, except that a Float64 NaN is always missing.
func WithMissing(markers ...string) CSVOption {
	return func(c *csvConfig) { c.missing = append([]string(nil), markers...) }
}

// WithLatin1 reads the input as ISO-8859-1 (Latin-1) and converts it to
// UTF-8; by default input is UTF-8 (a leading byte-order mark is dropped).
func WithLatin1() CSVOption {
	return func(c *csvConfig) { c.latin1 = true }
}

// WithColumns reads only the named columns, in that order, like pandas'
// usecols: the fields of the other columns are split off but never
// converted or stored. Naming a column the header lacks, or one twice, is
// an error wrapping ErrUnknownColumn or ErrArgument. WithColumnType may
// name columns that are not read; it then has no effect.
func WithColumns(columns ...string) CSVOption {
	return func(c *csvConfig) { c.columns = append([]string{}, columns...) }
}

// WithReplaceInvalidUTF8 makes the reader replace each run of bytes that
// are not valid UTF-8 in a text field with U+FFFD, the replacement
// character, instead of failing. Without it such a field is an error
// naming its line and column (see also WithLatin1).
func WithReplaceInvalidUTF8() CSVOption {
	return func(c *csvConfig) { c.replace = true }
}

// WithInfinity makes the reader keep infinite numbers ("inf", "-Infinity",
// or a value such as 1e999 beyond the float64 range) as ±Inf. Without it
// such a value in a numeric column is an error naming its line and
// column, because model fits given an infinite value produce NaN rather
// than an error; read the tokens as missing with WithMissing instead.
func WithInfinity() CSVOption {
	return func(c *csvConfig) { c.allowInf = true }
}

// WithSkipMalformed makes the reader skip malformed records (wrong number
// of fields, a value that does not parse as the column's fixed type)
// instead of failing, and fill report (which may be nil) when it is done.
// Syntax errors that leave the rest of the input unreadable, such as an
// unterminated quote, still fail.
func WithSkipMalformed(report *CSVReport) CSVOption {
	return func(c *csvConfig) {
		c.skip = true
		c.report = report
	}
}

// WithWorkers sets how many goroutines parse in parallel (default
// GOMAXPROCS); 1 parses on the calling goroutine.
func WithWorkers(n int) CSVOption {
	return func(c *csvConfig) { c.workers = max(1, n) }
}

// WithBlockSize sets the partition size of ReadCSVLazy: an uncompressed
// file larger than n bytes is read as partitions of about n bytes each,
// cut at line breaks (default 64 MiB); n ≤ 0 reads every file as one
// partition. Cutting assumes no quoted field holds a line break; read
// files that have them with WithBlockSize(0). ReadCSV and ReadCSVFrom
// ignore it.
func WithBlockSize(n int64) CSVOption {
	return func(c *csvConfig) { c.blockSize = n }
}

// withChunkSize sets the parse chunk size; tests use it to exercise chunk
// boundaries on small inputs.
func withChunkSize(n int) CSVOption {
	return func(c *csvConfig) { c.chunkSize = n }
}
