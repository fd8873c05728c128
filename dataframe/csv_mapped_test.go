package dataframe

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// quotedInput has records spanning several lines (quoted line breaks,
// delimiters and escaped quotes), a column that turns from numbers to
// text late (so chunks are parsed again after their pages were handed
// back) and a numeric column.
func quotedInput(rows int) string {
	var b strings.Builder
	b.WriteString("id,note,late,x\n")
	for i := range rows {
		note := fmt.Sprintf("\"line one %d\nline \"\"two\"\", with comma\r\nthree\"", i)
		if i%3 == 0 {
			note = "plain"
		}
		late := fmt.Sprint(i)
		if i >= rows/3 {
			late = fmt.Sprint("t", i) // mostly text: the column is a string column
		}
		fmt.Fprintf(&b, "%d,%s,%s,%d.5\n", i, note, late, i)
	}
	return b.String()
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestReadCSVMappedChunksAgree reads a file through the mapping with
// chunk sizes from a few bytes up, so that chunk cuts fall inside quoted
// fields, between a field's "" and its line breaks, and everywhere else,
// and compares with one chunk read from memory.
func TestReadCSVMappedChunksAgree(t *testing.T) {
	in := quotedInput(60)
	path := writeTemp(t, "quoted.csv", in)
	whole := readString(t, in, WithWorkers(1), withChunkSize(1<<30))
	if n := whole.NumRows(); n != 60 {
		t.Fatalf("%d rows", n)
	}
	notes, _ := whole.Strings("note")
	if want := "line one 1\nline \"two\", with comma\r\nthree"; notes[1] != want {
		t.Fatalf("note %q, want %q", notes[1], want)
	}
	if whole.Types()[2] != String {
		t.Fatalf("types %v", whole.Types())
	}
	// Every cut position inside the first records, then coarser sizes.
	sizes := []int{}
	for s := 1; s < 80; s++ {
		sizes = append(sizes, s)
	}
	sizes = append(sizes, 333, 1000, 4096, 1<<30)
	for _, size := range sizes {
		workers := 1 + size%2
		got, err := ReadCSV(path, WithWorkers(workers), withChunkSize(size))
		if err != nil {
			t.Fatalf("chunk size %d: %v", size, err)
		}
		if d := frameDiff(whole, got); d != "" {
			t.Fatalf("chunk size %d, %d workers: %s", size, workers, d)
		}
	}
	sel, err := ReadCSV(path, WithColumns("x", "note"), withChunkSize(64))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := whole.Select("x", "note")
	if d := frameDiff(want.Materialize(), sel); d != "" {
		t.Errorf("WithColumns: %s", d)
	}
}

// TestReadCSVMappedErrorLine: a bad value after multi-line records names
// the file, its line and column, whichever chunk it falls in.
func TestReadCSVMappedErrorLine(t *testing.T) {
	in := quotedInput(40)
	bad := in + "40,plain,41,notanumber\n"
	path := writeTemp(t, "bad.csv", bad)
	wantLine := strings.Count(in, "\n") + 1
	for _, size := range []int{16, 100, 1 << 30} {
		_, err := ReadCSV(path, withChunkSize(size), WithWorkers(2), WithColumnType("x", Float64))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.File != path || pe.Line != wantLine || pe.Column != "x" || pe.Field != 4 {
			t.Errorf("chunk size %d: %v, want %s line %d column x", size, err, path, wantLine)
		}
	}
}

// TestReadCSVUnmappedInputs: inputs the reader must convert (CR-only line
// breaks, Latin-1) are read from a private copy, as before.
func TestReadCSVUnmappedInputs(t *testing.T) {
	cr := writeTemp(t, "cr.csv", "a,b\r1,x\r2,\"y\rz\"\r")
	f, err := ReadCSV(cr, withChunkSize(4))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := f.Strings("b"); f.NumRows() != 2 || b[1] != "y\nz" {
		t.Errorf("CR-only: %d rows, %q", f.NumRows(), b)
	}
	latin := writeTemp(t, "latin1.csv", "name\ncaf\xe9\n")
	f, err = ReadCSV(latin, WithLatin1())
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := f.Strings("name"); s[0] != "café" {
		t.Errorf("Latin-1: %q", s)
	}
}

// TestGuardFaultOnShrunkFile: reading a mapping past the end of a file
// that shrank is reported, not a crash.
func TestGuardFaultOnShrunkFile(t *testing.T) {
	path := writeTemp(t, "shrinks.csv", strings.Repeat("a,b\n", 4096))
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	data, unmap, ok := mapFile(file)
	if !ok {
		t.Skip("files are not mapped on this platform")
	}
	defer unmap()
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	var b byte
	if !guardFault(func() { b = data[len(data)-1] }) {
		t.Errorf("read %q past the end of a truncated file without a fault", b)
	}
	if guardFault(func() {}) {
		t.Error("a function that touches nothing faulted")
	}
}
