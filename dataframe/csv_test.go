package dataframe

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func readString(t *testing.T, in string, opts ...CSVOption) *Frame {
	t.Helper()
	f, err := ReadCSVFrom(strings.NewReader(in), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestReadCSVInfersTypes(t *testing.T) {
	in := "i,f,b,t,s,e,mixed,big\n" +
		"1,2.5,true,2024-01-02,x,,1,12345678901234567890\n" +
		"-2,3,False,2024-01-03T04:05:06.5+01:00,y z,NA,2.5,1\n" +
		"+3,-1e3,TRUE,,\"q,\"\"r\"\"\",null,x,2\n"
	// A column of numbers with a stray token is an error unless read as
	// text (see TestReadCSVStrayTokenInNumericColumnIsError).
	if _, err := ReadCSVFrom(strings.NewReader(in)); !errors.Is(err, ErrMalformed) {
		t.Errorf("numbers with a stray token: %v", err)
	}
	f := readString(t, in, WithColumnType("mixed", String))
	want := []Type{Int64, Float64, Bool, Time, String, Float64, String, Float64}
	if !slices.Equal(f.Types(), want) {
		t.Fatalf("types %v, want %v", f.Types(), want)
	}
	i, _ := f.Int64s("i")
	fl, _ := f.Float64s("f")
	b, _ := f.Bools("b")
	tm, _ := f.Times("t")
	s, _ := f.Strings("s")
	mixed, _ := f.Strings("mixed")
	big, _ := f.Float64s("big")
	if !slices.Equal(i, []int64{1, -2, 3}) || !slices.Equal(fl, []float64{2.5, 3, -1000}) ||
		!slices.Equal(b, []bool{true, false, true}) || !slices.Equal(s, []string{"x", "y z", `q,"r"`}) ||
		!slices.Equal(mixed, []string{"1", "2.5", "x"}) || big[0] != 12345678901234567890 {
		t.Errorf("values: %v %v %v %q %q %v", i, fl, b, s, mixed, big)
	}
	if !tm[0].Equal(time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)) ||
		!tm[1].Equal(time.Date(2024, 1, 3, 3, 5, 6, 5e8, time.UTC)) || !tm[2].IsZero() {
		t.Errorf("times %v", tm)
	}
	e, _ := f.Column("e")
	if e.NullCount() != 3 {
		t.Errorf("all-missing column has %d nulls", e.NullCount())
	}
}

func TestReadCSVMissingMarkers(t *testing.T) {
	in := "a,b\nNA,1\nnull,\nNaN,3\n-,4\n"
	f := readString(t, in)
	a, _ := f.Column("a")
	if a.Type() != String || a.NullCount() != 3 {
		t.Errorf("default markers: %v with %d nulls", a.Type(), a.NullCount())
	}
	b, _ := f.Column("b")
	if b.Type() != Int64 || !b.IsMissing(1) {
		t.Errorf("int column with a gap: %v missing=%v", b.Type(), b.IsMissing(1))
	}
	// Without "" as a marker, an empty field in a column of numbers is a
	// stray token: an error unless the column is read as text.
	if _, err := ReadCSVFrom(strings.NewReader(in), WithMissing("-", "NA")); !errors.Is(err, ErrMalformed) {
		t.Errorf("empty field in a column of numbers: %v", err)
	}
	f = readString(t, in, WithMissing("-", "NA"), WithColumnType("b", String))
	a, _ = f.Column("a")
	strs, _ := a.Strings()
	if a.NullCount() != 2 || strs[1] != "null" {
		t.Errorf("custom markers: %q nulls %d", strs, a.NullCount())
	}
	b, _ = f.Column("b")
	bs, _ := b.Strings()
	if b.Type() != String || bs[1] != "" || b.NullCount() != 0 {
		t.Errorf("empty field not missing: %v %q", b.Type(), bs)
	}
	f = readString(t, "x\n1.5\nnan\n", WithMissing())
	x, _ := f.Column("x")
	if x.Type() != Float64 || x.NullCount() != 1 {
		t.Errorf("NaN without markers: %v nulls %d", x.Type(), x.NullCount())
	}
	if _, err := ReadCSVFrom(strings.NewReader("a\n1\n"), WithMissing("a,b")); !errors.Is(err, ErrArgument) {
		t.Errorf("marker with delimiter: %v", err)
	}
}

func TestReadCSVOverrides(t *testing.T) {
	in := "id,code,when\n1,007,2024-01-01\n2,010,2024-01-02\n"
	f := readString(t, in, WithColumnType("code", String), WithColumnType("id", Float64), WithColumnType("when", String))
	if want := []Type{Float64, String, String}; !slices.Equal(f.Types(), want) {
		t.Errorf("types %v", f.Types())
	}
	codes, _ := f.Strings("code")
	if !slices.Equal(codes, []string{"007", "010"}) {
		t.Errorf("codes %q", codes)
	}
	_, err := ReadCSVFrom(strings.NewReader(in), WithColumnType("nope", Int64))
	if !errors.Is(err, ErrUnknownColumn) {
		t.Errorf("override of unknown column: %v", err)
	}
	_, err = ReadCSVFrom(strings.NewReader(in), WithColumnType("id", Type(42)))
	if !errors.Is(err, ErrArgument) {
		t.Errorf("override with bad type: %v", err)
	}
}

func TestReadCSVTypedColumnErrorNamesPosition(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.csv")
	in := "a,b,c\nx,2,3\n\"multi\nline\",5,6\ny,x8,9\n"
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadCSV(path, WithColumnType("b", Int64))
	if !errors.Is(err, ErrMalformed) || !errors.Is(err, strconv.ErrSyntax) {
		t.Fatalf("got %v", err)
	}
	var pe *ParseError
	if !errors.As(err, &pe) || pe.File != path || pe.Line != 5 || pe.Field != 2 || pe.Column != "b" {
		t.Fatalf("got %#v", pe)
	}
	wantErrContains(t, err, path, "line 5", "column 2", `"b"`, `"x8"`, "int64")

	var report CSVReport
	f, err := ReadCSV(path, WithColumnType("b", Int64), WithSkipMalformed(&report))
	if err != nil {
		t.Fatal(err)
	}
	if f.NumRows() != 2 || report.Skipped != 1 || report.Rows != 2 || len(report.Errors) != 1 || report.Errors[0].Line != 5 {
		t.Errorf("rows %d report %+v", f.NumRows(), report)
	}
	a, _ := f.Strings("a")
	if !slices.Equal(a, []string{"x", "multi\nline"}) {
		t.Errorf("kept rows %q", a)
	}
}

func TestReadCSVRaggedRows(t *testing.T) {
	in := "a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n"
	_, err := ReadCSVFrom(strings.NewReader(in))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 3 || pe.Field != 3 || pe.Column != "c" {
		t.Fatalf("short row: %v", err)
	}
	wantErrContains(t, err, "line 3", "2 fields", "header has 3")
	var report CSVReport
	f, err := ReadCSVFrom(strings.NewReader(in), WithSkipMalformed(&report))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := f.Int64s("a")
	if !slices.Equal(a, []int64{1, 10}) || report.Skipped != 2 || report.Errors[1].Line != 4 || report.Errors[1].Field != 4 {
		t.Errorf("a %v report %+v", a, report)
	}
	f, err = ReadCSVFrom(strings.NewReader(in), WithSkipMalformed(nil))
	if err != nil || f.NumRows() != 2 {
		t.Errorf("skip without report: %v", err)
	}
}

func TestReadCSVSyntax(t *testing.T) {
	in := "\xef\xbb\xbfa;b;\n\r\n\"x\"\"y\";\"line1\r\nline2\";1\r\n\r\n\"p\"q;r\"s;2\r\nu;v;3"
	f := readString(t, in, WithDelimiter(';'))
	if !slices.Equal(f.Names(), []string{"a", "b", "Unnamed: 2"}) {
		t.Fatalf("names %q", f.Names())
	}
	a, _ := f.Strings("a")
	b, _ := f.Strings("b")
	if !slices.Equal(a, []string{`x"y`, "pq", "u"}) || !slices.Equal(b, []string{"line1\r\nline2", `r"s`, "v"}) {
		t.Errorf("a %q b %q", a, b)
	}
	f = readString(t, "a,a,a\n1,2,3\n")
	if !slices.Equal(f.Names(), []string{"a", "a.1", "a.2"}) {
		t.Errorf("duplicate header names %q", f.Names())
	}
	_, err := ReadCSVFrom(strings.NewReader("a,b\n1,\"open\n2,3\n"))
	if !errors.Is(err, ErrMalformed) {
		t.Errorf("unterminated quote: %v", err)
	}
	wantErrContains(t, err, "line 2", "not terminated")
	for _, in := range []string{"", "\n\n"} {
		if _, err := ReadCSVFrom(strings.NewReader(in)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: %v", in, err)
		}
	}
	f = readString(t, "a,b\n")
	if f.NumRows() != 0 || !slices.Equal(f.Types(), []Type{Float64, Float64}) {
		t.Errorf("header only: %d rows %v", f.NumRows(), f.Types())
	}
	if _, err := ReadCSVFrom(strings.NewReader("a\n"), WithDelimiter('"')); !errors.Is(err, ErrArgument) {
		t.Errorf("quote delimiter: %v", err)
	}
	f = readString(t, "n,x\n 1 , 2.5\n")
	if !slices.Equal(f.Types(), []Type{Int64, Float64}) {
		t.Errorf("spaces around numbers: %v", f.Types())
	}
}

func TestReadCSVLatin1AndCompressed(t *testing.T) {
	f, err := ReadCSV(filepath.Join("testdata", "latin1.csv"), WithLatin1())
	if err != nil {
		t.Fatal(err)
	}
	city, _ := f.Strings("city")
	if !slices.Equal(city, []string{"Zürich", "Málaga"}) {
		t.Errorf("latin-1 %q", city)
	}
	if types := f.Types(); !slices.Equal(types, []Type{String, Float64, Time}) {
		t.Errorf("types %v", types)
	}

	f, err = ReadCSV(filepath.Join("testdata", "small.csv.bz2"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := f.Column("b")
	if f.NumRows() != 3 || b.Type() != String || !b.IsMissing(2) {
		t.Errorf("bz2: %v", f)
	}

	dir := t.TempDir()
	gz := filepath.Join(dir, "x.csv.GZ")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte("v\n1\n2\n"))
	zw.Close()
	os.WriteFile(gz, buf.Bytes(), 0o644)
	f, err = ReadCSV(gz)
	if err != nil || f.NumRows() != 2 {
		t.Fatalf("gzip: %v %v", f, err)
	}
	os.WriteFile(gz, []byte("not gzip"), 0o644)
	if _, err := ReadCSV(gz); !errors.Is(err, ErrMalformed) {
		t.Errorf("corrupt gzip: %v", err)
	}
	if _, err := ReadCSV(filepath.Join(dir, "absent.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
}

// chunkedInput builds a CSV whose columns change type late, with quoted
// multi-line fields throughout, to exercise chunking and unification.
func chunkedInput(rows int) string {
	var b strings.Builder
	b.WriteString("id,late_float,late_string,note,flag\n")
	for i := 0; i < rows; i++ {
		lateFloat := strconv.Itoa(i)
		if i == rows-3 {
			lateFloat = "0.5"
		}
		// Half numbers, half text: text (a column of numbers with a few
		// stray tokens is an error instead).
		lateString := strconv.Itoa(i * 2)
		if i >= rows/2 {
			lateString = fmt.Sprintf("oops%d", i)
		}
		note := "plain"
		if i%7 == 0 {
			note = fmt.Sprintf("\"multi,\n\"\"line\"\" %d\"", i)
		}
		flag := "true"
		if i%5 == 0 {
			flag = ""
		}
		fmt.Fprintf(&b, "%d,%s,%s,%s,%s\n", i, lateFloat, lateString, note, flag)
	}
	return b.String()
}

func TestReadCSVChunksAgreeWithOneChunk(t *testing.T) {
	in := chunkedInput(3000)
	whole := readString(t, in, WithWorkers(1), withChunkSize(1<<30))
	if want := []Type{Int64, Float64, String, String, Bool}; !slices.Equal(whole.Types(), want) {
		t.Fatalf("types %v", whole.Types())
	}
	ls, _ := whole.Strings("late_string")
	if ls[0] != "0" || ls[1499] != "2998" || ls[1500] != "oops1500" || ls[2999] != "oops2999" {
		t.Errorf("late strings %q %q %q", ls[0], ls[1500], ls[2999])
	}
	for _, size := range []int{1, 7, 100, 4096} {
		for _, workers := range []int{1, 3} {
			chunked := readString(t, in, WithWorkers(workers), withChunkSize(size))
			if d := frameDiff(whole, chunked); d != "" {
				t.Errorf("chunk size %d, %d workers: %s", size, workers, d)
			}
		}
	}
	// Errors name the same line whatever the chunking.
	bad := in + "1,2,3\n"
	for _, size := range []int{50, 1 << 30} {
		_, err := ReadCSVFrom(strings.NewReader(bad), withChunkSize(size))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Line != strings.Count(in, "\n")+1 {
			t.Errorf("chunk size %d: %v", size, err)
		}
	}
}

func TestChunkBoundsFollowQuotes(t *testing.T) {
	body := []byte("a,\"x\ny\",b\nc,d\"e\nf,g\n\"h\"\"\ni\",j\nk,l\n")
	bounds := chunkBounds(body, ',', 1)
	want := []int{0, 10, 16, 20, 30, 34}
	if !slices.Equal(bounds, want) {
		t.Errorf("bounds %v, want %v", bounds, want)
	}
}

func TestWriteCSVRoundTrip(t *testing.T) {
	tm, _ := NewTimeColumn("t", []time.Time{time.Date(2024, 5, 6, 7, 8, 9, 123, time.UTC), {}, time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)})
	n, _ := NewInt64Column("n", []int64{1, 2, 3}).WithMissing([]bool{false, true, false})
	f := mustFrame(t,
		NewFloat64Column("f", []float64{0.1, math.NaN(), 1e300}),
		n,
		NewStringColumn("s", []string{"a,b", "say \"hi\"", " pad\nded "}),
		NewBoolColumn("b", []bool{true, false, true}),
		tm,
	)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, f); err != nil {
		t.Fatal(err)
	}
	back, err := ReadCSVFrom(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if d := frameDiff(f, back); d != "" {
		t.Errorf("round trip: %s\n%s", d, buf.String())
	}

	path := filepath.Join(t.TempDir(), "out.csv.gz")
	view, _ := f.Take([]int{2, 0})
	if err := WriteCSVFile(path, view, WithDelimiter('\t')); err != nil {
		t.Fatal(err)
	}
	back, err = ReadCSV(path, WithDelimiter('\t'))
	if err != nil {
		t.Fatal(err)
	}
	if d := frameDiff(view, back); d != "" {
		t.Errorf("gzip tab round trip: %s", d)
	}
	if err := WriteCSV(&buf, f, WithDelimiter('\n')); !errors.Is(err, ErrArgument) {
		t.Errorf("newline delimiter: %v", err)
	}
}

func TestParseFloatFastPathIsExact(t *testing.T) {
	for _, s := range []string{"0.1", "-0.000001", "123456789012345", "1234567.89012345", "0.3", "9007199254740993",
		"1.7976931348623157e308", "4.9e-324", "-0", ".5", "5.", "0000.0001000", "1e22", "123456789012345.6"} {
		got, ok := parseFloat([]byte(s))
		want, err := strconv.ParseFloat(s, 64)
		if !ok || err != nil || got != want || math.Signbit(got) != math.Signbit(want) {
			t.Errorf("%s: got %v (%v), want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "-", ".", "1.2.3", "1e", "abc", "--1"} {
		if _, ok := parseFloat([]byte(s)); ok {
			t.Errorf("%q parsed", s)
		}
	}
	for s, want := range map[string]int64{"0": 0, "-9223372036854775808": math.MinInt64, "9223372036854775807": math.MaxInt64, "+12": 12} {
		if got, ok := parseInt([]byte(s)); !ok || got != want {
			t.Errorf("%s: %v %v", s, got, ok)
		}
	}
	for _, s := range []string{"9223372036854775808", "1.0", "", "+", "1a"} {
		if _, ok := parseInt([]byte(s)); ok {
			t.Errorf("%q parsed as int", s)
		}
	}
}

func TestReadCSVSkipsAgreeAcrossChunks(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b\n")
	for i := 0; i < 500; i++ {
		switch {
		case i%11 == 0:
			b.WriteString("1,2,3\n") // ragged
		case i%13 == 0:
			b.WriteString("\n\n") // blank lines
		case i%17 == 0:
			fmt.Fprintf(&b, "%d,bad\n", i) // not an int in b
		default:
			fmt.Fprintf(&b, "%d,%d\n", i, -i)
		}
	}
	in := b.String()
	var wholeReport, chunkReport CSVReport
	whole := readString(t, in, WithColumnType("b", Int64), WithSkipMalformed(&wholeReport), withChunkSize(1<<30))
	for _, size := range []int{5, 64, 1000} {
		chunked := readString(t, in, WithColumnType("b", Int64), WithSkipMalformed(&chunkReport), withChunkSize(size), WithWorkers(2))
		if d := frameDiff(whole, chunked); d != "" {
			t.Errorf("chunk size %d: %s", size, d)
		}
		if fmt.Sprint(wholeReport) != fmt.Sprint(chunkReport) {
			t.Errorf("chunk size %d: reports differ:\n%v\n%v", size, wholeReport, chunkReport)
		}
	}
	if wholeReport.Skipped != 46+25 || wholeReport.Rows != whole.NumRows() {
		t.Errorf("report %d skipped, %d rows", wholeReport.Skipped, wholeReport.Rows)
	}
}

// TestReadCSVSkippedRecordsKeepChunksAgreeing: a record a chunk skips
// (here for "1e400", infinite, in a column no value has typed yet in that
// chunk) can be kept when the chunk is read again with another column's
// type from other chunks, and then turn a column to text that other
// chunks read as times; the chunks must agree again rather than be
// joined as different types (which panicked).
func TestReadCSVSkippedRecordsKeepChunksAgreeing(t *testing.T) {
	in := "a,b\n2024-01-02 03:04:05,2024-01-02\n2024-01-02 03:04:05,1e400\nnull,2024-01-02 03:04:05\n"
	opts := []CSVOption{WithWorkers(1), WithMissing("NA"), WithSkipMalformed(nil)}
	whole := readString(t, in, append(opts, withChunkSize(1<<30))...)
	if want := []Type{String, String}; !slices.Equal(whole.Types(), want) || whole.NumRows() != 3 {
		t.Fatalf("one chunk: types %v, %d rows; want %v, 3", whole.Types(), whole.NumRows(), want)
	}
	for _, size := range []int{1, 20} {
		chunked := readString(t, in, append(opts, withChunkSize(size))...)
		if d := frameDiff(whole, chunked); d != "" {
			t.Errorf("chunk size %d: %s", size, d)
		}
	}
}

// TestWriteCSVKeepsLeadingByteOrderMark: a first column whose name starts
// with U+FEFF must not lose it to the reader, which drops a byte-order
// mark at the start of the input (found by FuzzReadCSV).
func TestWriteCSVKeepsLeadingByteOrderMark(t *testing.T) {
	for _, name := range []string{"\ufeff", "\ufeffa"} {
		f, err := New(NewInt64Column(name, []int64{1}), NewInt64Column("\ufeffb", []int64{2}))
		if err != nil {
			t.Fatal(err)
		}
		checkCSVRoundTrip(t, f)
	}
}

// TestReadCSVRefusalsDoNotDependOnChunks: under WithSkipMalformed, a value
// refused before its column has a type in its chunk ("1E700", infinite as
// a number) is decided by the column's type, text here, whatever the
// chunk boundaries and the order of the values: it is kept. (Read in small
// chunks it was skipped, and the frame lost a row, FuzzReadCSV found.)
// In a column of numbers with stray tokens, it is counted as a number
// whatever the chunking.
func TestReadCSVRefusalsDoNotDependOnChunks(t *testing.T) {
	for _, tc := range []struct {
		in   string
		rows int
	}{
		{"0\nA00\n1E700", 2},
		{"0\n1E700\nA00", 2},
		{"s,n\nA00,1\n1E700,2\nNA,x\n3,4\n", 1}, // both columns numbers with stray tokens
	} {
		in := tc.in
		var wholeReport CSVReport
		whole := readString(t, in, WithWorkers(1), WithSkipMalformed(&wholeReport), withChunkSize(1<<30))
		if whole.NumRows() != tc.rows || wholeReport.Rows+wholeReport.Skipped != strings.Count(strings.TrimSuffix(in, "\n"), "\n") {
			t.Errorf("%q in one chunk: %d rows, %d skipped; want %d rows", in, whole.NumRows(), wholeReport.Skipped, tc.rows)
		}
		for _, size := range []int{1, 3, 4, 5, 8} {
			for _, workers := range []int{1, 2} {
				var report CSVReport
				chunked := readString(t, in, WithWorkers(workers), WithSkipMalformed(&report), withChunkSize(size))
				if d := frameDiff(whole, chunked); d != "" {
					t.Errorf("%q, chunk size %d, %d workers: %s", in, size, workers, d)
				}
				if fmt.Sprint(wholeReport) != fmt.Sprint(report) {
					t.Errorf("%q, chunk size %d, %d workers: reports differ:\n%v\n%v", in, size, workers, wholeReport, report)
				}
			}
		}
	}
}

// TestReadCSVRefusalsDoNotDependOnChunksWithoutSkipping: without
// WithSkipMalformed, the same rule decides whether a read fails, and at
// which line: "1E700" in a column other values make text is text, in a
// column of numbers it is an error, and the error named is the first
// in the input whatever the chunking (here a record whose first value
// was refused before, and whose second one does not parse as the
// column's fixed type, comes before a record with too many fields).
func TestReadCSVRefusalsDoNotDependOnChunksWithoutSkipping(t *testing.T) {
	for _, tc := range []struct {
		in   string
		opts []CSVOption
		err  int // the line of the error; 0: none
	}{
		{in: "0\nA00\n1E700"},
		{in: "0\n1E700\nA00"},
		{in: "x\n1\n1E700\n2\n", err: 3},
		{in: "a,b\n1,1\n1E700,2\nx\n", err: 3},
		{in: "a,b\n1E700,1\nA,2\n3\n", err: 4},
		{in: "a,b\n1E700,x\nA,1\n1,2,3\n", opts: []CSVOption{WithColumnType("b", Int64)}, err: 2},
	} {
		for _, size := range []int{1 << 30, 1, 3, 4, 5, 8} {
			for _, workers := range []int{1, 2} {
				f, err := ReadCSVFrom(strings.NewReader(tc.in), append(tc.opts, WithWorkers(workers), withChunkSize(size))...)
				var pe *ParseError
				switch {
				case tc.err == 0 && err != nil:
					t.Errorf("%q, chunk size %d, %d workers: %v", tc.in, size, workers, err)
				case tc.err == 0 && f.NumRows() != 2:
					t.Errorf("%q, chunk size %d, %d workers: %d rows, want 2", tc.in, size, workers, f.NumRows())
				case tc.err != 0 && (!errors.As(err, &pe) || pe.Line != tc.err):
					t.Errorf("%q, chunk size %d, %d workers: %v; want an error on line %d", tc.in, size, workers, err, tc.err)
				}
			}
		}
	}
}
