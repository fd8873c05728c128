package parquet

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/lazygraph/lazygraph/dataframe"
)

// crcFrame has a column of each type, missing values, and strings that
// Arrow dictionary-encodes (a dictionary page plus data pages).
func crcFrame(t testing.TB, n int) *dataframe.Frame {
	t.Helper()
	f := make([]float64, n)
	i := make([]int64, n)
	s := make([]string, n)
	b := make([]bool, n)
	for k := range n {
		f[k] = math.Sqrt(float64(k))
		i[k] = int64(k * k)
		s[k] = []string{"ATL", "LAX", "ORD", "DFW"}[k%4]
		b[k] = k%3 == 0
	}
	return mustFrame(t, dataframe.NewFloat64Column("f", f), dataframe.NewInt64Column("i", i),
		dataframe.NewStringColumn("s", s), dataframe.NewBoolColumn("b", b))
}

// arrowFile writes f with Arrow alone (no checksums), in row groups of
// rowGroup rows and small pages.
func arrowFile(t *testing.T, f *dataframe.Frame, rowGroup int64, codec compress.Compression) []byte {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "x.parquet")
	if err := Write(path, f); err != nil { // Arrow's types for the frame, read back
		t.Fatal(err)
	}
	osFile, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer osFile.Close()
	fr, _, closeFile, err := openParquet(path, pqarrow.ArrowReadProperties{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeFile()
	table, err := fr.ReadTable(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer table.Release()
	var buf bytes.Buffer
	props := parquet.NewWriterProperties(parquet.WithCompression(codec), parquet.WithDataPageSize(512))
	if err := pqarrow.WriteTable(table, struct{ io.Writer }{&buf}, rowGroup, props, pqarrow.DefaultWriterProps()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestThriftRoundTrip: the footer and every page header of a file Arrow
// wrote parse and write back to the same bytes.
func TestThriftRoundTrip(t *testing.T) {
	raw := arrowFile(t, crcFrame(t, 3000), 1000, compress.Codecs.Snappy)
	footer, start, err := readFooter(bytesReaderAt(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if got := appendStruct(nil, &footer); !bytes.Equal(got, raw[start:len(raw)-8]) {
		t.Fatalf("footer of %d bytes wrote back as %d different bytes", len(raw)-8-int(start), len(got))
	}
	spans, err := chunkSpans(&footer, int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	pages := 0
	for _, s := range spans {
		pos := s.start
		err := walkPages(raw[s.start:s.start+s.size], func(p *page) error {
			if got := appendStruct(nil, &p.header); !bytes.Equal(got, raw[pos:pos+int64(p.headerSize)]) {
				t.Errorf("page header at %d wrote back differently", pos)
			}
			pos += int64(p.headerSize + len(p.body))
			pages++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(spans) != 12 || pages <= len(spans) {
		t.Fatalf("%d chunks, %d pages: want 3 row groups × 4 columns, several pages each", len(spans), pages)
	}
}

// TestWriteChecksumsEveryPage: Write's files carry a checksum in every
// page, which Read verifies; adding them to a file of several row groups
// and pages keeps it readable and equal.
func TestWriteChecksumsEveryPage(t *testing.T) {
	f := crcFrame(t, 3000)
	path := filepath.Join(t.TempDir(), "x.parquet")
	if err := Write(path, f); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	checked, unchecked, err := verifyChunks(bytesReaderAt(raw), int64(len(raw)), nil)
	if err != nil || checked == 0 || unchecked != 0 {
		t.Fatalf("Write's file: %d pages checked, %d without a checksum, %v", checked, unchecked, err)
	}

	for _, codec := range []compress.Compression{compress.Codecs.Uncompressed, compress.Codecs.Snappy} {
		plain := arrowFile(t, f, 1000, codec)
		checked, unchecked, err := verifyChunks(bytesReaderAt(plain), int64(len(plain)), nil)
		if err != nil || checked != 0 || unchecked == 0 {
			t.Fatalf("Arrow's file: %d pages checked, %d without a checksum, %v", checked, unchecked, err)
		}
		sealed, err := addChecksums(plain)
		if err != nil {
			t.Fatal(err)
		}
		checked, unchecked, err = verifyChunks(bytesReaderAt(sealed), int64(len(sealed)), nil)
		if err != nil || unchecked != 0 || checked < 12 {
			t.Fatalf("with checksums added: %d pages checked, %d without, %v", checked, unchecked, err)
		}
		for name, file := range map[string][]byte{"without checksums": plain, "with checksums": sealed} {
			p := filepath.Join(t.TempDir(), "y.parquet")
			os.WriteFile(p, file, 0o644)
			back, err := Read(p)
			if err != nil {
				t.Fatalf("%s %s: %v", codec, name, err)
			}
			if d := frameDiff(f, back); d != "" {
				t.Fatalf("%s %s: %s", codec, name, d)
			}
		}
	}
}

// TestDamagedPageIsAnError flips one byte at a time in the stored bytes
// of every page of a file Write made: each damaged file must fail to read
// (never read back as other values), and a checksum mismatch wraps
// ErrChecksum and dataframe.ErrMalformed. Before checksums, a flipped
// byte in an uncompressed page read back as a different value.
func TestDamagedPageIsAnError(t *testing.T) {
	f := crcFrame(t, 200)
	dir := t.TempDir()
	path := filepath.Join(dir, "x.parquet")
	if err := Write(path, f); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	footer, _, err := readFooter(bytesReaderAt(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	spans, _ := chunkSpans(&footer, int64(len(raw)))
	damaged := filepath.Join(dir, "damaged.parquet")
	tried := 0
	for _, s := range spans {
		pos := s.start
		walkPages(raw[s.start:s.start+s.size], func(p *page) error {
			body := pos + int64(p.headerSize)
			for _, at := range []int64{body, body + int64(len(p.body))/2, body + int64(len(p.body)) - 1} {
				bad := bytes.Clone(raw)
				bad[at] ^= 0x10
				os.WriteFile(damaged, bad, 0o644)
				back, err := Read(damaged)
				if err == nil {
					t.Errorf("column %d: byte %d flipped read without error (equal: %v)", s.column, at, frameDiff(f, back) == "")
					continue
				}
				if !errors.Is(err, ErrChecksum) || !errors.Is(err, dataframe.ErrMalformed) {
					t.Errorf("column %d: byte %d flipped: %v, want a checksum error", s.column, at, err)
				}
				tried++
			}
			pos += int64(p.headerSize + len(p.body))
			return nil
		})
	}
	if tried == 0 {
		t.Fatal("no page damaged")
	}
	// Reading only undamaged columns still works.
	bad := bytes.Clone(raw)
	bad[spans[0].start+spans[0].size-1] ^= 0x10 // the last page of column f
	os.WriteFile(damaged, bad, 0o644)
	if _, err := Read(damaged, WithColumns("s", "i")); err != nil {
		t.Errorf("reading columns other than the damaged one: %v", err)
	}
}

// FuzzVerifyChunks: checking the pages of arbitrary bytes never panics.
func FuzzVerifyChunks(f *testing.F) {
	dir := f.TempDir()
	path := filepath.Join(dir, "x.parquet")
	if err := Write(path, crcFrame(f, 50)); err != nil {
		f.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	f.Add(raw)
	f.Add([]byte("PAR1\x00\x00\x00\x00PAR1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		verifyChunks(bytesReaderAt(b), int64(len(b)), nil)
		addChecksums(b)
	})
}
