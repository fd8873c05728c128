package dataframe

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Tests for inputs that the reader used to read silently as something
// else: a stray token in a numeric column, CR-only line endings, ±Inf,
// invalid UTF-8, empty files.

// readBoth reads in as one chunk and as many small chunks on several
// goroutines; both must agree, result and error.
func readBoth(t *testing.T, in string, opts ...CSVOption) (*Frame, error) {
	t.Helper()
	one, err := ReadCSVFrom(strings.NewReader(in), append(opts, WithWorkers(1))...)
	many, merr := ReadCSVFrom(strings.NewReader(in), append(opts, WithWorkers(3), withChunkSize(8))...)
	if (err == nil) != (merr == nil) || (err != nil && err.Error() != merr.Error()) {
		t.Fatalf("one chunk: %v; small chunks: %v", err, merr)
	}
	if err == nil {
		if d := frameDiff(one, many); d != "" {
			t.Fatalf("small chunks differ: %s", d)
		}
	}
	return one, err
}

func wantParseError(t *testing.T, err error, line, field int, column string, contains ...string) {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) || !errors.Is(err, ErrMalformed) {
		t.Fatalf("want a *ParseError, got %v", err)
	}
	if pe.Line != line || pe.Field != field || pe.Column != column {
		t.Fatalf("error at line %d field %d column %q, want line %d field %d column %q: %v",
			pe.Line, pe.Field, pe.Column, line, field, column, err)
	}
	wantErrContains(t, err, contains...)
}

func TestReadCSVStrayTokenInNumericColumnIsError(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		line     int
		token    string
	}{
		{"int", "id,b\n1,1\n2,x\n3,3\n4,4\n", 3, `"x"`},
		{"float", "id,b\n1,1.5\n2,2.5\n3,1,5\n", 4, ""}, // a ragged record, not a token
		{"float token", "id,b\n1,1.5\n2,2.5\n3,1..5\n4,7\n", 4, `"1..5"`},
		{"first row", "id,b\n1,?\n2,2\n3,3\n", 2, `"?"`},
		{"after many", "id,b\n" + strings.Repeat("1,2\n", 50) + "2,two\n", 52, `"two"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readBoth(t, tc.in)
			if tc.token == "" {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("got %v", err)
				}
				return
			}
			wantParseError(t, err, tc.line, 2, "b", tc.token, "WithColumnType", "WithMissing")
		})
	}
	// The error names the file.
	path := filepath.Join(t.TempDir(), "stray.csv")
	if err := os.WriteFile(path, []byte("a,b\n1,2\n3,x\n4,5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadCSV(path)
	wantParseError(t, err, 3, 2, "b", path+":line 3")

	// Asked for, the column is text, or the token missing.
	in := "id,b\n1,1\n2,x\n3,3\n"
	f, err := readBoth(t, in, WithColumnType("b", String))
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := f.Strings("b"); !slices.Equal(s, []string{"1", "x", "3"}) {
		t.Errorf("as text: %q", s)
	}
	f, err = readBoth(t, in, WithMissing(append(DefaultMissingMarkers(), "x")...))
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := f.Column("b"); c.Type() != Int64 || !c.IsMissing(1) || c.NullCount() != 1 {
		t.Errorf("token as missing: %v, %d missing", c.Type(), c.NullCount())
	}
	// A text column holding a few numbers is text.
	f, err = readBoth(t, "s\nabc\n12\nde\nfg\n")
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := f.Strings("s"); !slices.Equal(s, []string{"abc", "12", "de", "fg"}) {
		t.Errorf("text column: %q", s)
	}
}

func TestReadCSVCarriageReturnOnly(t *testing.T) {
	in := "a,b\r1,x\r2,y\r3,\"p\rq\"\r"
	f, err := readBoth(t, in)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.Names(), []string{"a", "b"}) || f.NumRows() != 3 {
		t.Fatalf("names %q, %d rows", f.Names(), f.NumRows())
	}
	a, _ := f.Int64s("a")
	b, _ := f.Strings("b")
	if !slices.Equal(a, []int64{1, 2, 3}) || !slices.Equal(b, []string{"x", "y", "p\nq"}) {
		t.Errorf("a %v b %q", a, b)
	}
}

func TestReadCSVInfinityIsReported(t *testing.T) {
	for _, tok := range []string{"inf", "-Inf", "+infinity", "1e999", "-1e400"} {
		in := "x,y\n1,2\n" + tok + ",3\n"
		_, err := readBoth(t, in)
		wantParseError(t, err, 3, 1, "x", "infinite", "WithInfinity")
		_, err = readBoth(t, in, WithColumnType("x", Float64))
		wantParseError(t, err, 3, 1, "x", "infinite")
	}
	f, err := readBoth(t, "x\n1\n-inf\n", WithInfinity())
	if err != nil {
		t.Fatal(err)
	}
	if x, _ := f.Float64s("x"); !math.IsInf(x[1], -1) {
		t.Errorf("with WithInfinity: %v", x)
	}
	// NaN tokens are missing values.
	f, err = readBoth(t, "x\n1.5\nnan\nNaN\n")
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := f.Column("x"); c.NullCount() != 2 {
		t.Errorf("NaN tokens: %d missing", c.NullCount())
	}
}

func TestReadCSVInvalidUTF8(t *testing.T) {
	in := "s,n\nabc,1\nd\xffe,2\n"
	_, err := readBoth(t, in)
	wantParseError(t, err, 3, 1, "s", "UTF-8", "WithLatin1", "WithReplaceInvalidUTF8")
	_, err = readBoth(t, "s\xfe,n\n1,2\n")
	wantParseError(t, err, 1, 1, "", "UTF-8")
	f, err := readBoth(t, in, WithReplaceInvalidUTF8())
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := f.Strings("s"); !slices.Equal(s, []string{"abc", "d\uFFFDe"}) {
		t.Errorf("replaced: %q", s)
	}
}

func TestReadCSVEmptyInputMessages(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.csv")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadCSV(empty)
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("got %v", err)
	}
	if msg := err.Error(); strings.Contains(msg, "::") || !strings.Contains(msg, empty+": ") ||
		!strings.Contains(msg, "empty") {
		t.Errorf("message %q", msg)
	}
	header := filepath.Join(dir, "header.csv")
	if err := os.WriteFile(header, []byte("a,b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := ReadCSV(header)
	if err != nil || f.NumRows() != 0 {
		t.Fatalf("header only: %v", err)
	}
}
