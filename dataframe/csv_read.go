package dataframe

import (
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Parse chunk sizes: at least minChunk bytes, aiming at chunksPerWorker
// chunks for each worker, at most maxChunk bytes.
const (
	minChunk        = 1 << 20
	maxChunk        = 32 << 20
	chunksPerWorker = 4
)

// ReadCSV reads a CSV file with a header line into a frame. Files named
// *.gz or *.bz2 are decompressed. Column types are inferred per column
// (int64, else float64, else bool, else time, else string; a column with
// no values is float64) unless fixed with WithColumnType; fields equal to
// a missing-value marker are missing. The input is parsed in chunks of a
// few MiB on every core (WithWorkers). A plain file is mapped rather than
// read, and each chunk's memory handed back once it is parsed, so reading
// needs little more memory than the frame it returns; a compressed or
// Latin-1 file is held in memory, decompressed, while it is parsed.
//
// Malformed input is an error wrapping ErrMalformed, a *ParseError naming
// the file, line and column, unless WithSkipMalformed is given.
func ReadCSV(path string, opts ...CSVOption) (*Frame, error) {
	cfg := newCSVConfig(opts)
	if frame, ok, err := readCSVMapped(path, cfg); ok {
		return frame, err
	}
	data, err := readMaybeCompressed(path, cfg.workers)
	if err != nil {
		return nil, err
	}
	return parseCSV(data, path, cfg)
}

// ReadCSVFrom reads CSV from r (not decompressed), like ReadCSV.
func ReadCSVFrom(r io.Reader, opts ...CSVOption) (*Frame, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("dataframe: ReadCSVFrom: %w", err)
	}
	return parseCSV(data, "", newCSVConfig(opts))
}

// readMaybeCompressed reads a file, decompressing by extension.
func readMaybeCompressed(path string, workers int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataframe: %w", err)
	}
	defer f.Close()
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".gz" && ext != ".bz2" {
		data, err := readParallel(f, workers)
		if err != nil {
			return nil, fmt.Errorf("dataframe: %w", err)
		}
		return data, nil
	}
	var r io.Reader
	if ext == ".gz" {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("dataframe: %s: gzip: %w", path, errors.Join(ErrMalformed, err))
		}
		defer zr.Close()
		r = zr
	} else {
		r = bzip2.NewReader(f)
	}
	var buf bytes.Buffer
	if st, err := f.Stat(); err == nil {
		buf.Grow(int(min(st.Size()*4, 1<<30)))
	}
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, fmt.Errorf("dataframe: %s: decompressing: %w", path, errors.Join(ErrMalformed, err))
	}
	return buf.Bytes(), nil
}

// readParallel reads a regular file with up to workers concurrent
// positioned reads (filling a large fresh buffer is bound by page faults,
// which then happen on several cores), or sequentially when its size is
// unknown.
func readParallel(f *os.File, workers int) ([]byte, error) {
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return io.ReadAll(f)
	}
	size := int(st.Size())
	if size < 2*minChunk {
		workers = 1
	}
	data := make([]byte, size)
	part := (size + workers - 1) / workers
	errs := make([]error, workers)
	runChunks(workers, workers, func(w int) {
		lo, hi := w*part, min(size, (w+1)*part)
		if lo < hi {
			_, errs[w] = f.ReadAt(data[lo:hi], int64(lo))
			if errors.Is(errs[w], io.EOF) {
				errs[w] = nil // the file shrank; caught below
			}
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	// A file that changed size while being read is read again as a stream.
	var probe [1]byte
	if n, _ := f.ReadAt(probe[:], int64(size)); n > 0 || !sameSize(f, size) {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		return io.ReadAll(f)
	}
	return data, nil
}

func sameSize(f *os.File, size int) bool {
	st, err := f.Stat()
	return err == nil && st.Size() == int64(size)
}

// parseCSV parses a whole CSV input; name is the file name for errors.
func parseCSV(data []byte, name string, cfg *csvConfig) (*Frame, error) {
	if d := cfg.delimiter; d == '"' || d == '\r' || d == '\n' || d >= utf8.RuneSelf {
		return nil, fmt.Errorf("dataframe: delimiter %q is not allowed: %w", d, ErrArgument)
	}
	for _, m := range cfg.missing {
		if strings.IndexByte(m, cfg.delimiter) >= 0 || strings.ContainsAny(m, "\r\n") {
			return nil, fmt.Errorf("dataframe: missing-value marker %q contains a delimiter or line break: %w", m, ErrArgument)
		}
	}
	data = bytes.TrimPrefix(data, []byte(byteOrderMark))
	if cfg.latin1 {
		data = latin1ToUTF8(data)
	}
	data = crToLF(data)
	matcher := newMissingMatcher(cfg.missing)
	fail := func(err *ParseError, lineBase int) error {
		err.File = name
		err.Line += lineBase
		return err
	}

	// The header.
	header := &chunkParser{data: data, delimiter: cfg.delimiter, cfg: cfg, missing: matcher}
	bodyStart := 0
	headerLines := 0
	headerLine := 0 // the header record's first line
	for {
		if bodyStart >= len(data) {
			return nil, fail(&ParseError{Msg: "empty input: no header line"}, 0)
		}
		headerLine = headerLines + 1
		next, lines, blank, perr := header.splitRecord(bodyStart)
		if perr != nil {
			return nil, fail(perr, headerLine)
		}
		bodyStart = next
		headerLines += lines
		if !blank {
			break
		}
	}
	for j, f := range header.fields {
		if !utf8.Valid(f) && !cfg.replace {
			return nil, fail(&ParseError{Field: j + 1, Msg: fmt.Sprintf("header name %s is not valid UTF-8; "+
				"read the input as Latin-1 with WithLatin1, or replace invalid bytes with WithReplaceInvalidUTF8",
				strconv.Quote(string(f)))}, headerLine)
		}
		header.fields[j] = bytes.ToValidUTF8(f, []byte("\uFFFD"))
	}
	all := headerNames(header.fields)
	names, use, err := selectFields(all, cfg.columns)
	if err != nil {
		return nil, err
	}
	byName := make(map[string]int, len(names))
	for j, n := range names {
		byName[n] = j
	}
	kinds := make([]Type, len(names))
	forced := make([]bool, len(names))
	for col, t := range cfg.types {
		j, ok := byName[col]
		if !ok {
			if slices.Contains(all, col) {
				continue // a column not read
			}
			return nil, fmt.Errorf("dataframe: WithColumnType: %w", unknownColumn(col, all))
		}
		if !t.Valid() {
			return nil, fmt.Errorf("dataframe: WithColumnType: column %q: unknown type %s: %w", col, t, ErrArgument)
		}
		kinds[j], forced[j] = csvReadAs(t), true
	}

	// The body, in chunks.
	body := data[bodyStart:]
	bounds := chunkBounds(body, cfg.delimiter, chunkSizeFor(len(body), len(names), cfg))
	rowsGuess := estimateRows(body)
	regions := make([]chunkRegion, len(bounds)-1)
	if cfg.mapped {
		releasePages(body) // chunkBounds may have read all of it
	}
	var faulted atomic.Bool
	runChunks(len(regions), cfg.workers, func(c int) {
		chunk := body[bounds[c]:bounds[c+1]]
		if cfg.mapped && guardFault(func() { regions[c].capacity = bytes.Count(chunk, []byte{'\n'}) + 1 }) {
			faulted.Store(true)
			return
		}
		regions[c].capacity = bytes.Count(chunk, []byte{'\n'}) + 1
		if cfg.mapped {
			releasePages(chunk)
		}
	})
	if faulted.Load() {
		return nil, fmt.Errorf("dataframe: %s: %w: %w", name, errFileChanged, ErrMalformed)
	}
	capacity := 0
	for c := range regions {
		regions[c].start = capacity
		capacity += regions[c].capacity
	}
	words := make([]*columnWords, len(names))
	strs := make([]*columnStrings, len(names))
	for j := range words {
		words[j] = &columnWords{size: capacity}
		strs[j] = &columnStrings{size: capacity}
	}
	parsers := make([]*chunkParser, len(bounds)-1)
	failed := new(atomic.Int64)
	for c := range parsers {
		chunk := body[bounds[c]:bounds[c+1]]
		parsers[c] = &chunkParser{data: chunk, delimiter: cfg.delimiter, names: names, header: all, use: use, cfg: cfg,
			missing: matcher, index: c, failed: failed, words: words, strs: strs, region8: regions[c],
			rowsGuess: int(float64(len(chunk))*float64(rowsGuess)/float64(max(1, len(body)))) + 16}
	}
	lineBase := func(c int) int {
		return headerLines + 1 + bytes.Count(body[:bounds[c]], []byte{'\n'})
	}
	results, unified, perr := parseChunks(parsers, kinds, forced, cfg.workers)
	if perr == nil {
		// A column inferred as text whose values are mostly numbers is a
		// numeric column with stray tokens: read it again as numbers, so
		// that the first stray token is an error naming its line (or its
		// record is skipped under WithSkipMalformed).
		var strict []bool
		for j, k := range unified {
			nums, texts, nonInt := 0, 0, false
			for _, r := range results {
				nums += r.cols[j].nums
				texts += r.cols[j].texts
				nonInt = nonInt || r.cols[j].nonInt
			}
			if k != csvText || forced[j] || nums <= texts {
				continue
			}
			if strict == nil {
				strict = make([]bool, len(names))
			}
			strict[j], forced[j], kinds[j] = true, true, Int64
			if nonInt {
				kinds[j] = Float64
			}
		}
		if strict != nil {
			for _, p := range parsers {
				p.strict = strict
			}
			results, unified, perr = parseChunks(parsers, kinds, forced, cfg.workers)
		}
	}
	if perr != nil {
		return nil, fail(perr.err, lineBase(perr.chunk))
	}

	frame, err := concatChunks(names, unified, results, parsers, cfg.workers)
	if err != nil {
		return nil, err
	}
	if cfg.report != nil {
		*cfg.report = CSVReport{Rows: frame.NumRows()}
		for c, r := range results {
			cfg.report.Skipped += r.skipped
			for _, e := range r.errs {
				if len(cfg.report.Errors) < maxReportedErrors {
					cfg.report.Errors = append(cfg.report.Errors, fail(e, lineBase(c)).(*ParseError))
				}
			}
		}
	}
	return frame, nil
}

// selectFields returns the names of the columns to read and their field
// numbers (0-based; nil when every field is read, in order).
func selectFields(all, columns []string) (names []string, use []int, err error) {
	if columns == nil {
		return all, nil, nil
	}
	use = make([]int, len(columns))
	for j, name := range columns {
		i := slices.Index(all, name)
		if i < 0 {
			return nil, nil, fmt.Errorf("dataframe: WithColumns: %w", unknownColumn(name, all))
		}
		if slices.Index(columns, name) != j {
			return nil, nil, fmt.Errorf("dataframe: WithColumns: column %q named twice: %w", name, ErrArgument)
		}
		use[j] = i
	}
	return columns, use, nil
}

// chunkError is the first fatal error of a parse and the chunk it is in.
type chunkError struct {
	chunk int
	err   *ParseError
}

// parseChunks parses every chunk starting from kinds, unifies each
// column's kind across chunks and re-reads the chunks that disagree,
// returning the chunks' results and the columns' kinds.
func parseChunks(parsers []*chunkParser, kinds []Type, forced []bool, workers int) ([]*chunkResult, []Type, *chunkError) {
	failed := parsers[0].failed
	failed.Store(math.MaxInt64)
	results := make([]*chunkResult, len(parsers))
	runChunks(len(parsers), workers, func(c int) {
		results[c] = parseGuarded(parsers[c], kinds, forced)
		if results[c].fatal != nil {
			for {
				old := failed.Load()
				if old <= int64(c) || failed.CompareAndSwap(old, int64(c)) {
					break
				}
			}
		}
	})
	// Chunks after a failed one may have stopped early; every chunk before
	// the first failure ran to its end, so that failure is the first in
	// the input, and the chunks up to it are the input read. Its
	// position does not depend on the columns' types: values refused
	// for a type that may change are pending, not failures.
	//
	// Unify each column's type across those chunks; re-read the chunks
	// that disagree in a way widening cannot fix, and those that refused
	// a value the column's unified type might hold (chunkColumn.redecide),
	// so that what is refused does not depend on where chunks start. A
	// chunk read again may keep a record it refused before, whose values
	// can take a column further, or fail: unify again until the chunks
	// agree. Types only go up, so this ends.
	unified := append([]Type(nil), kinds...)
	for {
		read, pending := results, false
		for c, r := range results {
			pending = pending || r.pending != nil
			if r.fatal != nil {
				if !pending {
					return nil, nil, &chunkError{c, r.fatal}
				}
				read = results[:c+1]
				break
			}
		}
		for _, r := range read {
			for j := range unified {
				unified[j] = joinTypes(unified[j], r.cols[j].kind)
			}
		}
		var redo []int
		for c, r := range read {
			again := false
			for j := range unified {
				col := &r.cols[j]
				switch {
				case col.redecide(unified[j]):
					again = true
				case col.kind == unified[j]:
				case col.kind == 0:
					col.become(unified[j], parsers[c])
				case widensTo(col.kind, unified[j]):
					for col.kind != unified[j] {
						col.widenOnce()
					}
				default:
					again = true
				}
			}
			if again {
				redo = append(redo, c)
			}
		}
		if len(redo) == 0 {
			for c, r := range read {
				if r.pending != nil {
					return nil, nil, &chunkError{c, r.pending}
				}
				if r.fatal != nil {
					return nil, nil, &chunkError{c, r.fatal}
				}
			}
			return results, unified, nil
		}
		runChunks(len(redo), workers, func(i int) {
			c := redo[i]
			results[c] = parseGuarded(parsers[c], unified, forced)
		})
	}
}

// parseGuarded parses a chunk with parseWithRestarts; when the input is
// mapped, it hands the chunk's pages back afterwards and turns a memory
// fault (the file shrank) into the chunk's fatal error.
func parseGuarded(p *chunkParser, kinds []Type, forced []bool) *chunkResult {
	if !p.cfg.mapped {
		return parseWithRestarts(p, kinds, forced)
	}
	var r *chunkResult
	if guardFault(func() { r = parseWithRestarts(p, kinds, forced) }) {
		r = &chunkResult{fatal: &ParseError{Msg: errFileChanged.Error(), Err: errFileChanged}}
	}
	p.releaseChunk()
	return r
}

// parseWithRestarts parses a chunk and, if inference found values that
// earlier values' kind cannot hold, parses it again with those columns
// strings from the start. The second pass needs no restart: every other
// column takes the same course as in the first.
func parseWithRestarts(p *chunkParser, kinds []Type, forced []bool) *chunkResult {
	start := append([]Type(nil), kinds...)
	for {
		r := p.parse(start, forced)
		if len(r.restart) == 0 {
			out := *r
			return &out
		}
		for _, j := range r.restart {
			start[j] = csvText
		}
	}
}

// runChunks calls do(0..n-1) on up to workers goroutines.
func runChunks(n, workers int, do func(i int)) {
	if n == 0 {
		return
	}
	if workers <= 1 || n == 1 {
		for i := 0; i < n; i++ {
			do(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(workers, n); w++ {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				do(i)
			}
		})
	}
	wg.Wait()
}

// headerNames turns header fields into unique column names as pandas
// does: an empty name becomes "Unnamed: i", a repeated one gets ".1",
// ".2", ….
func headerNames(fields [][]byte) []string {
	names := make([]string, len(fields))
	seen := make(map[string]bool, len(fields))
	nextSuffix := make(map[string]int)
	for j, f := range fields {
		base := string(f)
		if base == "" {
			base = "Unnamed: " + strconv.Itoa(j)
		}
		name := base
		if seen[name] {
			k := max(1, nextSuffix[base])
			for name = base + "." + strconv.Itoa(k); seen[name]; k++ {
				name = base + "." + strconv.Itoa(k+1)
			}
			nextSuffix[base] = k + 1
		}
		seen[name] = true
		names[j] = name
	}
	return names
}

// chunkSizeFor picks the parse chunk size for n bytes of body with ncols
// columns; chunks are large enough that per-chunk, per-column bookkeeping
// stays small beside the data.
func chunkSizeFor(n, ncols int, cfg *csvConfig) int {
	if cfg.chunkSize > 0 {
		return cfg.chunkSize
	}
	return max(ncols*1024, min(maxChunk, max(minChunk, n/(cfg.workers*chunksPerWorker)+1)))
}

// estimateRows guesses the number of records from the line length of a
// sample.
func estimateRows(body []byte) int {
	sample := body[:min(len(body), 1<<16)]
	lines := bytes.Count(sample, []byte{'\n'})
	if lines == 0 {
		return 1
	}
	return int(float64(len(body)) / float64(len(sample)) * float64(lines))
}

// chunkBounds cuts body into pieces of about size bytes at record
// boundaries: after a newline that is not inside a quoted field. It
// follows the parser's quoting rule (a quote opens a quoted field only at
// the start of a field) by looking at quotes alone, so it costs little
// more than a search for them.
func chunkBounds(body []byte, delimiter byte, size int) []int {
	bounds := []int{0}
	if len(body) <= size {
		return append(bounds, len(body))
	}
	hasQuotes := bytes.IndexByte(body, '"') >= 0
	pos := 0 // quote state is known up to pos
	inQuote := false
	for target := size; target < len(body); {
		if !hasQuotes {
			nl := bytes.IndexByte(body[target:], '\n')
			if nl < 0 {
				break
			}
			cut := target + nl + 1
			bounds = append(bounds, cut)
			target = cut + size
			continue
		}
		// Advance the quote state to target, then to the next newline
		// outside quotes.
		cut := -1
		for cut < 0 {
			if inQuote {
				q := bytes.IndexByte(body[pos:], '"')
				if q < 0 {
					return append(bounds, len(body))
				}
				pos += q + 1
				if pos < len(body) && body[pos] == '"' {
					pos++ // an escaped quote
					continue
				}
				inQuote = false
				continue
			}
			fieldStart := func(at int) bool {
				return at == 0 || body[at-1] == delimiter || body[at-1] == '\n'
			}
			if pos < target {
				q := bytes.IndexByte(body[pos:target], '"')
				if q < 0 {
					pos = target
					continue
				}
				pos += q + 1
				inQuote = fieldStart(pos - 1)
				continue
			}
			nl := bytes.IndexByte(body[pos:], '\n')
			if nl < 0 {
				return append(bounds, len(body))
			}
			q := bytes.IndexByte(body[pos:pos+nl], '"')
			if q < 0 {
				cut = pos + nl + 1
				break
			}
			pos += q + 1
			inQuote = fieldStart(pos - 1)
		}
		if cut >= len(body) {
			break
		}
		bounds = append(bounds, cut)
		pos = cut
		target = cut + size
	}
	if bounds[len(bounds)-1] != len(body) {
		bounds = append(bounds, len(body))
	}
	return bounds
}

// crToLF converts the line breaks of input whose first line ends in a
// carriage return alone (old Mac OS line endings) to line feeds, so that
// it reads as lines rather than as one record (line breaks inside quoted
// fields of such input, carriage returns too, become line feeds); input whose first line
// ends in "\n" or "\r\n" is returned as it is. It converts in place: the
// readers own their buffers.
func crToLF(data []byte) []byte {
	// The first line break outside quotes (a quoted "" toggles twice).
	i, quoted := 0, false
	for ; i < len(data); i++ {
		if c := data[i]; c == '"' {
			quoted = !quoted
		} else if (c == '\r' || c == '\n') && !quoted {
			break
		}
	}
	if i == len(data) || data[i] != '\r' || (i+1 < len(data) && data[i+1] == '\n') {
		return data
	}
	for ; i < len(data); i++ {
		if data[i] == '\r' && (i+1 == len(data) || data[i+1] != '\n') {
			data[i] = '\n'
		}
	}
	return data
}

// latin1ToUTF8 converts ISO-8859-1 bytes to UTF-8.
func latin1ToUTF8(data []byte) []byte {
	high := 0
	for _, b := range data {
		if b >= 0x80 {
			high++
		}
	}
	if high == 0 {
		return data
	}
	out := make([]byte, 0, len(data)+high)
	for _, b := range data {
		if b < 0x80 {
			out = append(out, b)
			continue
		}
		out = utf8.AppendRune(out, rune(b))
	}
	return out
}
