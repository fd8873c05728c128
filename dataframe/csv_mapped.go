package dataframe

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
)

// Reading a CSV file without holding it.
//
// ReadCSV of a plain (uncompressed, UTF-8) file maps it read-only instead
// of reading it into memory. The parse touches each chunk's pages from
// the page cache and, once the chunk is parsed, hands them back
// (releasePages), so the process holds only the chunks being parsed (a
// few MiB per worker) besides the columns: peak memory approaches the size
// of the parsed columns rather than file + columns. A chunk that must be
// parsed again (a column's type changed in a later chunk) faults its
// pages in again from the page cache. Nothing writes to the mapping, so
// released pages read back unchanged. Every value kept in the frame is
// copied out of the chunk (numbers parsed, strings into the parser's
// arena), so unmapping after the parse leaves nothing dangling.
//
// A file truncated while mapped makes reads past its new end fault; the
// reader turns that into an error (errFileChanged) instead of a crash,
// on every goroutine that touches the mapping (guardFault).

// errFileChanged is the error of a mapped file that shrank while read.
var errFileChanged = errors.New("the file changed (shrank) while it was read")

// readCSVMapped reads path through a read-only mapping when it is a
// plain, non-empty regular file whose lines end in "\n" or "\r\n", and
// reports false (having read nothing) otherwise: compressed files, Latin-1
// input and CR-only line endings need a private converted copy.
func readCSVMapped(path string, cfg *csvConfig) (frame *Frame, ok bool, err error) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".gz" || ext == ".bz2" || cfg.latin1 {
		return nil, false, nil
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, false, nil // the ordinary path reports it
	}
	defer file.Close()
	data, unmap, mapped := mapFile(file)
	if !mapped {
		return nil, false, nil
	}
	defer unmap()
	if crOnly(data) {
		return nil, false, nil
	}
	mcfg := *cfg
	mcfg.mapped = true
	if guardFault(func() { frame, err = parseCSV(data, path, &mcfg) }) {
		return nil, true, fmt.Errorf("dataframe: %s: %w: %w", path, errFileChanged, ErrMalformed)
	}
	return frame, true, err
}

// crOnly reports whether the first line break outside quotes is a
// carriage return alone (which crToLF would convert in place).
func crOnly(data []byte) bool {
	quoted := false
	for i, c := range data {
		if c == '"' {
			quoted = !quoted
		} else if (c == '\r' || c == '\n') && !quoted {
			return c == '\r' && (i+1 == len(data) || data[i+1] != '\n')
		}
	}
	return false
}

// guardFault runs fn, turning a memory fault in it (a read past the end
// of a mapped file that shrank) into faulted = true. Other panics go on.
func guardFault(fn func()) (faulted bool) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if _, isFault := r.(interface{ Addr() uintptr }); isFault {
				faulted = true
				return
			}
			panic(r)
		}
	}()
	fn()
	return false
}

// releaseChunk hands a parsed chunk's pages back when the input is mapped.
func (p *chunkParser) releaseChunk() {
	if p.cfg.mapped {
		releasePages(p.data)
	}
}
