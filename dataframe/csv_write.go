package dataframe

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// WriteCSV writes the frame to w as CSV with a header line. Missing
// values are empty fields; floats use the shortest text that reads back
// to the same value; times are RFC 3339 in UTC with nanoseconds as
// needed; bools are true/false. Fields holding the delimiter, a quote, a
// line break or surrounding spaces are quoted. WithDelimiter applies.
//
// A string equal to a missing-value marker (such as "NA") reads back as
// missing, as it does with pandas.
func WriteCSV(w io.Writer, f *Frame, opts ...CSVOption) error {
	cfg := newCSVConfig(opts)
	if d := cfg.delimiter; d == '"' || d == '\r' || d == '\n' || d >= 0x80 {
		return fmt.Errorf("dataframe: WriteCSV: delimiter %q is not allowed: %w", d, ErrArgument)
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	var line []byte
	for j, c := range f.columns {
		if j > 0 {
			line = append(line, cfg.delimiter)
		}
		if j == 0 && strings.HasPrefix(c.name, byteOrderMark) {
			// Unquoted, the reader would take it for a byte-order mark.
			line = appendQuoted(line, c.name)
			continue
		}
		line = appendCSVField(line, c.name, cfg.delimiter)
	}
	line = append(line, '\n')
	if _, err := bw.Write(line); err != nil {
		return fmt.Errorf("dataframe: WriteCSV: %w", err)
	}
	n := f.NumRows()
	for i := 0; i < n; i++ {
		r := f.baseRow(i)
		line = line[:0]
		for j, c := range f.columns {
			if j > 0 {
				line = append(line, cfg.delimiter)
			}
			if !c.valid.IsValid(r) {
				continue
			}
			line = c.vec.appendCSV(line, r, cfg.delimiter)
		}
		if len(line) == 0 {
			// A blank line would be skipped when read back: write the one
			// empty field quoted.
			line = append(line, '"', '"')
		}
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return fmt.Errorf("dataframe: WriteCSV: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("dataframe: WriteCSV: %w", err)
	}
	return nil
}

// WriteCSVFile writes the frame to a file as WriteCSV does, gzip-compressed
// when the name ends in .gz.
func WriteCSVFile(path string, f *Frame, opts ...CSVOption) (err error) {
	file, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("dataframe: %w", err)
	}
	defer func() {
		if cerr := file.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("dataframe: %w", cerr)
		}
	}()
	var w io.Writer = file
	if strings.EqualFold(filepath.Ext(path), ".gz") {
		zw := gzip.NewWriter(file)
		defer func() {
			if cerr := zw.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("dataframe: %w", cerr)
			}
		}()
		w = zw
	}
	return WriteCSV(w, f, opts...)
}

// appendCSVField appends s, quoted if it needs to be.
func appendCSVField(dst []byte, s string, delimiter byte) []byte {
	needs := s != "" && (s[0] == ' ' || s[0] == '\t' || s[len(s)-1] == ' ' || s[len(s)-1] == '\t')
	if !needs {
		for i := 0; i < len(s); i++ {
			if c := s[i]; c == delimiter || c == '"' || c == '\n' || c == '\r' {
				needs = true
				break
			}
		}
	}
	if !needs {
		return append(dst, s...)
	}
	return appendQuoted(dst, s)
}

// byteOrderMark is U+FEFF in UTF-8, which the reader drops at the start
// of the input.
const byteOrderMark = "\ufeff"

// appendQuoted appends s as a quoted field.
func appendQuoted(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = append(dst, bytes.ReplaceAll([]byte(s), []byte{'"'}, []byte{'"', '"'})...)
	return append(dst, '"')
}
