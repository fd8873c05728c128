package dataframe

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

// checkCSVRoundTrip writes f as CSV and reads it back with its column
// types fixed: the frame must come back exactly.
func checkCSVRoundTrip(t *testing.T, f *Frame) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, f); err != nil {
		t.Fatalf("WriteCSV: %v", err)
	}
	opts := []CSVOption{WithWorkers(1)}
	for j, name := range f.Names() {
		opts = append(opts, WithColumnType(name, f.Types()[j]))
	}
	back, err := ReadCSVFrom(bytes.NewReader(buf.Bytes()), opts...)
	if err != nil {
		t.Fatalf("reading back %q: %v", buf.Bytes(), err)
	}
	if d := frameDiff(f, back); d != "" {
		t.Fatalf("round trip through %q: %s", buf.Bytes(), d)
	}
}

// FuzzReadCSV checks that the CSV reader never panics, that its errors are
// this package's typed errors, that every column of a frame it returns has
// the frame's length, and that parsing in many small chunks on several
// goroutines gives exactly what one chunk gives (the same frame, or
// error, and the same report of skipped records), and that a frame it
// returns comes back the same through WriteCSV and ReadCSVFrom.
func FuzzReadCSV(f *testing.F) {
	for _, seed := range []string{
		"a,b\n1,2\n",
		"a,b\n1,2.5\nx,\n",
		"a\n\"q\"\"x\n\"\n",
		"a,b,c\n1,2\n3,4,5,6\n",
		"t\n2024-01-02\n2024-01-02T03:04:05Z\nNA\n",
		"b;c\r\ntrue;\"x;y\"\r\nFalse;z",
		"\xef\xbb\xbfh\n\n\n1\n",
		"a,a,\n\"x\"y,\"\",null\n",
		"a\n\"unterminated\n",
		"n\n9223372036854775808\n-1\n",
		"s,n\nx,\ny,1\n",
		"s\nx\nNA\n",
		"\"a\rb\"\n1\n",
		"a\r1\r\r2",
		"f\n1.0\n2.5\n",
	} {
		f.Add([]byte(seed), false)
		f.Add([]byte(seed), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, skip bool) {
		var wholeReport, chunkedReport CSVReport
		opts := []CSVOption{WithWorkers(1), withChunkSize(1 << 30)}
		if skip {
			opts = append(opts, WithSkipMalformed(&wholeReport))
		}
		whole, err := ReadCSVFrom(bytes.NewReader(data), opts...)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, ErrMalformed) {
				t.Fatalf("error is not a *ParseError: %T %v", err, err)
			}
			if pe.Line < 0 || pe.Field < 0 {
				t.Fatalf("bad position in %v", err)
			}
		} else {
			for _, c := range whole.columns {
				if c.Len() != whole.NumRows() {
					t.Fatalf("column %q has %d rows, frame %d", c.Name(), c.Len(), whole.NumRows())
				}
			}
			_ = whole.String()
			checkCSVRoundTrip(t, whole)
		}
		// Chunks of a sixteenth of the input (at least 3 bytes) put many
		// boundaries in small inputs without letting chunks × columns
		// explode in large ones.
		chunkSize := max(3, len(data)/16)
		chunkedOpts := append(opts, WithWorkers(3), withChunkSize(chunkSize))
		if skip {
			chunkedOpts = append(chunkedOpts, WithSkipMalformed(&chunkedReport))
		}
		chunked, cerr := ReadCSVFrom(bytes.NewReader(data), chunkedOpts...)
		if (err == nil) != (cerr == nil) {
			t.Fatalf("one chunk: %v; small chunks: %v", err, cerr)
		}
		if err != nil {
			if err.Error() != cerr.Error() {
				t.Fatalf("errors differ: %v vs %v", err, cerr)
			}
			return
		}
		if d := frameDiff(whole, chunked); d != "" {
			t.Fatalf("small chunks differ: %s", d)
		}
		if fmt.Sprint(wholeReport) != fmt.Sprint(chunkedReport) {
			t.Fatalf("small chunks report differently:\n%v\n%v", wholeReport, chunkedReport)
		}
	})
}
