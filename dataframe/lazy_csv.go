package dataframe

import (
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/lazygraph/lazygraph/delayed"
)

const (
	// defaultBlockSize is ReadCSVLazy's partition size, as Dask's.
	defaultBlockSize = 64 << 20
	// csvSampleBytes is how much of the first file ReadCSVLazy parses to
	// learn the column types, growing up to maxCSVSampleBytes while the
	// sample holds no record.
	csvSampleBytes    = 1 << 20
	maxCSVSampleBytes = 64 << 20
	// headerProbeBytes is the first read for a file's header, growing up
	// to maxHeaderBytes.
	headerProbeBytes = 64 << 10
	maxHeaderBytes   = 64 << 20
)

// csvPartition is the part of a CSV file one read task parses; it
// crosses to worker processes. Its records are those whose first byte
// lies in [Start, End); the header record belongs to no partition, and
// each partition parses the file's own header first.
type csvPartition struct {
	Path       string
	Start, End int64
	Whole      bool // read and parse the whole (possibly compressed) file
	Options    csvOptions
}

// csvOptions is a read's csvConfig in a form that crosses to worker
// processes. Types fixes every column's type, so that every partition
// has the same columns.
type csvOptions struct {
	Delimiter byte
	Types     map[string]Type
	Missing   []string
	Latin1    bool
	Skip      bool
	Workers   int
	Replace   bool     // WithReplaceInvalidUTF8
	AllowInf  bool     // WithInfinity
	Columns   []string // WithColumns; nil: every column
}

func (o csvOptions) config() *csvConfig {
	return &csvConfig{delimiter: o.Delimiter, types: o.Types, missing: o.Missing, latin1: o.Latin1,
		skip: o.Skip, workers: max(1, o.Workers), replace: o.Replace, allowInf: o.AllowInf, columns: o.Columns}
}

// ReadCSVLazy reads the CSV files matching a glob pattern (see
// filepath.Match; a plain path matches itself) as a lazy frame: one
// partition per file, in name order, and for an uncompressed file larger
// than the block size (WithBlockSize, default 64 MiB) one per block,
// cut at line breaks, each parsing the file's header first.
//
// The column types are inferred from the first megabyte of the first
// file, as Dask does, and fixed for every partition (WithColumnType still
// overrides): a later value that does not fit its column's inferred type
// makes that partition fail with a *ParseError naming file, line and
// column, and the remedy is WithColumnType. Other options apply as for
// ReadCSV, except that each partition parses on one goroutine unless
// WithWorkers says otherwise (the scheduler runs partitions in parallel),
// and that WithSkipMalformed skips but cannot fill a report: pass nil.
//
// The files are opened now only to learn their sizes and the columns;
// they are read when a result is computed, by tasks that run on any
// scheduler. A pattern that matches nothing is an error wrapping
// fs.ErrNotExist.
func ReadCSVLazy(pattern string, opts ...CSVOption) (*LazyFrame, error) {
	cfg := newCSVConfig(append([]CSVOption{WithWorkers(1)}, opts...))
	if cfg.report != nil {
		return nil, fmt.Errorf("dataframe: ReadCSVLazy: WithSkipMalformed's report cannot be filled by a lazy read; pass nil: %w", ErrArgument)
	}
	paths, err := globFiles("ReadCSVLazy", pattern)
	if err != nil {
		return nil, err
	}
	sample, err := sampleCSV(paths[0], cfg)
	if err != nil {
		return nil, err
	}
	options := csvOptions{Delimiter: cfg.delimiter, Types: make(map[string]Type, sample.NumCols()),
		Missing: cfg.missing, Latin1: cfg.latin1, Skip: cfg.skip, Workers: cfg.workers,
		Replace: cfg.replace, AllowInf: cfg.allowInf, Columns: cfg.columns}
	for _, c := range sample.columns {
		options.Types[c.name] = c.typ
	}
	var parts []delayed.Delayed[*Frame]
	for _, path := range paths {
		st, err := os.Stat(path)
		if err != nil {
			return nil, fmt.Errorf("dataframe: ReadCSVLazy: %w", err)
		}
		for _, p := range planCSV(path, st.Size(), cfg.blockSize, options) {
			parts = append(parts, readCSVTask(delayed.Value(p)))
		}
	}
	return &LazyFrame{parts: parts, schema: schemaOf(sample)}, nil
}

// globFiles expands a pattern to the regular files it matches, sorted.
func globFiles(op, pattern string) ([]string, error) {
	matches, err := filepath.Glob(pattern)
	if err != nil {
		return nil, fmt.Errorf("dataframe: %s: pattern %q: %w: %w", op, pattern, ErrArgument, err)
	}
	var paths []string
	for _, m := range matches {
		if st, err := os.Stat(m); err == nil && st.Mode().IsRegular() {
			paths = append(paths, m)
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("dataframe: %s: no files match %q: %w", op, pattern, fs.ErrNotExist)
	}
	return paths, nil
}

// planCSV cuts a file into partitions of about blockSize bytes.
func planCSV(path string, size, blockSize int64, options csvOptions) []csvPartition {
	if isCompressed(path) || blockSize <= 0 || size <= blockSize {
		return []csvPartition{{Path: path, End: size, Whole: true, Options: options}}
	}
	var parts []csvPartition
	for start := int64(0); start < size; start += blockSize {
		parts = append(parts, csvPartition{Path: path, Start: start, End: min(size, start+blockSize), Options: options})
	}
	return parts
}

func isCompressed(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".gz" || ext == ".bz2"
}

// sampleCSV parses the first records of a file to learn its columns.
func sampleCSV(path string, cfg *csvConfig) (*Frame, error) {
	for limit := csvSampleBytes; ; limit *= 4 {
		data, complete, err := readPrefix(path, limit)
		if err != nil {
			return nil, err
		}
		if !complete {
			bounds := chunkBounds(data, cfg.delimiter, 1)
			data = data[:bounds[len(bounds)-2]] // drop the last, maybe cut, record
		}
		if len(data) == 0 && !complete && limit < maxCSVSampleBytes {
			continue // not even the header yet
		}
		f, err := parseCSV(data, path, cfg)
		if err != nil {
			return nil, err
		}
		if f.NumRows() > 0 || complete || limit >= maxCSVSampleBytes {
			return f, nil
		}
	}
}

// readPrefix reads up to limit bytes of a file, decompressed by
// extension; complete reports that it holds the whole file.
func readPrefix(path string, limit int) (data []byte, complete bool, err error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, false, fmt.Errorf("dataframe: %w", err)
	}
	defer file.Close()
	var r io.Reader = file
	switch strings.ToLower(filepath.Ext(path)) {
	case ".gz":
		zr, err := gzip.NewReader(file)
		if err != nil {
			return nil, false, fmt.Errorf("dataframe: %s: gzip: %w", path, errors.Join(ErrMalformed, err))
		}
		defer zr.Close()
		r = zr
	case ".bz2":
		r = bzip2.NewReader(file)
	}
	buf := make([]byte, limit+1)
	n, err := io.ReadFull(r, buf)
	switch {
	case err == nil:
		return buf[:limit], false, nil
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return buf[:n], true, nil
	}
	return nil, false, fmt.Errorf("dataframe: %s: %w", path, errors.Join(ErrMalformed, err))
}

// readCSVPartition reads and parses one partition (the task behind
// every partition of ReadCSVLazy).
func readCSVPartition(p csvPartition) (*Frame, error) {
	cfg := p.Options.config()
	if p.Whole {
		data, err := readMaybeCompressed(p.Path, cfg.workers)
		if err != nil {
			return nil, err
		}
		return parseCSV(data, p.Path, cfg)
	}
	file, err := os.Open(p.Path)
	if err != nil {
		return nil, fmt.Errorf("dataframe: %w", err)
	}
	defer file.Close()
	header, err := readCSVHeader(file, p.Path, cfg.delimiter)
	if err != nil {
		return nil, err
	}
	headerEnd := int64(len(header))
	from := max(p.Start, headerEnd)
	if from >= p.End {
		return parseCSV(header, p.Path, cfg) // no record starts here
	}
	// Read from the byte before the range, to see whether a record starts
	// at its first byte, with room to place the header in front of the
	// first record and to finish the last one.
	lo := from
	if from > headerEnd {
		lo = from - 1
	}
	h := len(header)
	span := int(p.End - lo)
	buf := make([]byte, h+span, h+span+headerProbeBytes)
	n, err := file.ReadAt(buf[h:], lo)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("dataframe: %s: %w", p.Path, err)
	}
	buf = buf[:h+n]
	first := h
	if from > headerEnd {
		nl := bytes.IndexByte(buf[h:], '\n')
		if nl < 0 {
			return parseCSV(header, p.Path, cfg) // a record that started earlier fills the range
		}
		first = h + nl + 1
	}
	if first < len(buf) && buf[len(buf)-1] != '\n' && n == span {
		if buf, err = readThroughNewline(file, p.Path, buf, p.End); err != nil {
			return nil, err
		}
	}
	copy(buf[first-h:first], header)
	frame, err := parseCSV(buf[first-h:], p.Path, cfg)
	if err != nil {
		return nil, shiftLines(err, file, headerEnd, lo+int64(first-h))
	}
	return frame, nil
}

// readCSVHeader returns a file's bytes up to the end of its header
// record: a byte-order mark and blank lines included.
func readCSVHeader(file *os.File, path string, delimiter byte) ([]byte, error) {
	for size := headerProbeBytes; ; size *= 4 {
		buf := make([]byte, size)
		n, err := file.ReadAt(buf, 0)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("dataframe: %s: %w", path, err)
		}
		complete := n < size
		if end, ok := csvHeaderEnd(buf[:n], delimiter, complete); ok {
			return buf[:end], nil
		}
		if complete {
			return buf[:n], nil // all header, or unreadable: parsing says which
		}
		if size >= maxHeaderBytes {
			return nil, &ParseError{File: path, Line: 1, Msg: "header record longer than 64 MiB"}
		}
	}
}

// csvHeaderEnd finds the end of the header record in data (the start of
// a file), reporting false when data may stop inside it.
func csvHeaderEnd(data []byte, delimiter byte, complete bool) (int, bool) {
	bom := 0
	if bytes.HasPrefix(data, []byte(byteOrderMark)) {
		bom = 3
	}
	p := &chunkParser{data: data[bom:], delimiter: delimiter}
	for pos := 0; pos < len(p.data); {
		next, _, blank, perr := p.splitRecord(pos)
		if perr != nil {
			return 0, false
		}
		if next == len(p.data) && p.data[next-1] != '\n' && !complete {
			return 0, false
		}
		pos = next
		if !blank {
			return bom + pos, true
		}
	}
	return 0, false
}

// readThroughNewline appends the file's bytes from off through the next
// line break (or to the end of the file) to buf.
func readThroughNewline(file *os.File, path string, buf []byte, off int64) ([]byte, error) {
	for {
		if cap(buf)-len(buf) < headerProbeBytes/2 {
			buf = append(buf, make([]byte, headerProbeBytes)...)[:len(buf)]
		}
		spare := buf[len(buf):cap(buf)]
		n, err := file.ReadAt(spare, off)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("dataframe: %s: %w", path, err)
		}
		if nl := bytes.IndexByte(spare[:n], '\n'); nl >= 0 {
			return buf[:len(buf)+nl+1], nil
		}
		buf = buf[:len(buf)+n]
		off += int64(n)
		if n == 0 || errors.Is(err, io.EOF) {
			return buf, nil
		}
	}
}

// shiftLines turns the line of a partition's parse error into the line
// of the file, counting the line breaks between the header and the
// partition's first record (only when there is an error to report).
func shiftLines(err error, file *os.File, from, to int64) error {
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line <= 0 {
		return err
	}
	buf := make([]byte, 1<<20)
	lines := 0
	for off := from; off < to; {
		n, rerr := file.ReadAt(buf[:min(int64(len(buf)), to-off)], off)
		lines += bytes.Count(buf[:n], []byte{'\n'})
		off += int64(n)
		if rerr != nil || n == 0 {
			break
		}
	}
	pe.Line += lines
	return err
}
