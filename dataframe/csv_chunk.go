package dataframe

import (
	"bytes"
	"fmt"
	"strconv"
	"sync/atomic"
	"unicode/utf8"
)

// chunkColumn accumulates one column's values within a chunk.
type chunkColumn struct {
	index    int       // the column's number
	kind     Type      // 0: only missing values so far
	spec     *csvType  // kind's CSV reading (nil while kind is 0)
	vals     csvValues // the values, of kind (nil while kind is 0)
	forced   bool      // type fixed by WithColumnType: a bad value is an error
	strict   bool      // numeric type fixed because the values are numbers but a few
	counting bool      // inferred text: tally nums and texts
	nums     int       // inferred text: values that parse as numbers
	texts    int       // inferred text: values that do not
	nonInt   bool      // inferred text: some number is not an integer
	// refuser is the type whose reading refused a value of this inferred
	// column (lowest in the widening chain when several did), 0: none;
	// refusersDiffer: types of different chains did. See redecide.
	refuser        Type
	refusersDiffer bool
	n              int
	missing        []int32 // chunk rows that are missing, ascending
}

// chunkResult is what parsing one chunk produced.
type chunkResult struct {
	cols    []chunkColumn
	rows    int
	skipped int
	errs    []*ParseError // skipped records' errors; Line is chunk-local
	fatal   *ParseError   // Line is chunk-local
	// pending is, without WithSkipMalformed, the first value an inferred
	// column refused (see chunkColumn.refusedBy): its record is left out
	// and the chunk read on, and the value is an error unless the
	// column's type across chunks reads it (parseChunks). Line is
	// chunk-local.
	pending *ParseError
	restart []int // columns that must restart as strings
}

// chunkParser parses the records of one chunk of CSV input.
type chunkParser struct {
	data      []byte
	delimiter byte
	names     []string // the names of the columns read
	header    []string // the names of every field
	use       []int    // per column read, its field number; nil: every field in order
	cfg       *csvConfig
	missing   *missingMatcher
	index     int           // this chunk's number
	failed    *atomic.Int64 // the lowest number of a chunk that failed
	arena     stringArena
	fields    [][]byte
	scratch   []byte
	res       chunkResult
	line      int              // chunk-local 0-based line of the current record
	rowsGuess int              // expected rows, to size bool and string slices
	words     []*columnWords   // per column: shared 8-byte storage, or nil
	strs      []*columnStrings // per column: shared string storage, or nil
	strict    []bool           // per column: numeric by majority (see chunkColumn.strict), or nil
	region8   chunkRegion      // this chunk's region of every columnWords
}

// outcome of adding one value.
type addOutcome uint8

const (
	addOK addOutcome = iota
	addRestart
	addBad      // a value that does not parse as the column's fixed type
	addInfinite // ±Inf without WithInfinity
	addBadUTF8  // invalid UTF-8 without WithReplaceInvalidUTF8
	addNoMatch  // not a value of the column's type (from csvValues.add)
)

// parse reads every record of the chunk, starting each column at kinds
// (forced[j] marks a type fixed by the caller).
func (p *chunkParser) parse(kinds []Type, forced []bool) *chunkResult {
	p.res = chunkResult{cols: make([]chunkColumn, len(kinds))}
	for j := range kinds {
		c := &p.res.cols[j]
		c.index, c.forced = j, forced[j]
		c.strict = p.strict != nil && p.strict[j]
		if kinds[j] != 0 {
			c.become(kinds[j], p)
		}
	}
	data := p.data
	ncols := len(p.header)
	pos := 0
	p.line = 0
	for records := 0; pos < len(data); records++ {
		// Once an earlier chunk has failed, this one's result is moot.
		if records&4095 == 0 && p.failed.Load() < int64(p.index) {
			return &p.res
		}
		recordLine := p.line
		next, lines, blank, perr := p.splitRecord(pos)
		if perr != nil {
			p.res.fatal = perr
			return &p.res
		}
		pos = next
		p.line += lines
		if blank {
			continue
		}
		if len(p.fields) != ncols {
			field := len(p.fields) + 1
			if len(p.fields) > ncols {
				field = ncols + 1
			}
			err := &ParseError{Line: recordLine, Field: field,
				Msg: fmt.Sprintf("record has %d fields, header has %d", len(p.fields), ncols)}
			if field <= ncols {
				err.Column = p.header[field-1]
			}
			if !p.reject(err, false) {
				return &p.res
			}
			continue
		}
		bad := false
		for j := range p.res.cols {
			field := p.fields[j]
			if p.use != nil {
				field = p.fields[p.use[j]]
			}
			// chunkColumn.add, with the common case (a present value the
			// column's type holds) written out: one call per cell.
			c := &p.res.cols[j]
			var outcome addOutcome
			switch {
			case p.missing.match(field):
				c.addMissing()
			case c.vals == nil:
				outcome = c.begin(field, p)
			default:
				if outcome = c.vals.add(field, p); outcome == addOK {
					c.n++
					if c.counting {
						c.count(field)
					}
				} else if outcome == addNoMatch {
					outcome = c.mismatch(field, p)
				} else {
					c.refusedBy(c.kind, outcome)
				}
			}
			switch outcome {
			case addOK:
			case addRestart:
				// The column's earlier values were parsed and their text is
				// gone: finish the chunk treating it as strings, with
				// placeholders before this row, and re-read the chunk once
				// with every such column a string from the start.
				p.res.restart = append(p.res.restart, j)
				p.res.cols[j].becomePlaceholderStrings(field, p)
			default:
				bad = true
				err := p.badValue(outcome, j, field)
				err.Line = recordLine
				p.rollback()
				if !p.reject(err, c.mayRedecide(outcome)) {
					return &p.res
				}
			}
			if bad {
				break
			}
		}
		if !bad {
			p.res.rows++
		}
	}
	return &p.res
}

// badValue describes a field of column j that add refused.
func (p *chunkParser) badValue(outcome addOutcome, j int, field []byte) *ParseError {
	c := &p.res.cols[j]
	err := &ParseError{Field: j + 1, Column: p.names[j]}
	if p.use != nil {
		err.Field = p.use[j] + 1
	}
	quoted := strconv.Quote(string(field))
	switch outcome {
	case addInfinite:
		err.Msg = fmt.Sprintf("%s is infinite; keep it with WithInfinity, or read it as missing with WithMissing", quoted)
	case addBadUTF8:
		err.Msg = fmt.Sprintf("%s is not valid UTF-8; read the input as Latin-1 with WithLatin1, "+
			"or replace invalid bytes with WithReplaceInvalidUTF8", quoted)
	default:
		err.Msg = fmt.Sprintf("cannot parse %s as %s", quoted, c.kind)
		err.Err = c.spec.syntaxErr
		if c.strict {
			err.Msg += fmt.Sprintf(" in a column of numbers; read the column as text with "+
				"WithColumnType(%s, String), or such values as missing with WithMissing", strconv.Quote(p.names[j]))
		}
	}
	return err
}

// reject records a malformed record: counted when skipping, fatal
// otherwise, or pending for a refusal the column's type across chunks
// may undo. It reports whether parsing continues.
func (p *chunkParser) reject(err *ParseError, provisional bool) bool {
	if !p.cfg.skip {
		if provisional {
			if p.res.pending == nil {
				p.res.pending = err
			}
			return true
		}
		p.res.fatal = err
		return false
	}
	p.res.skipped++
	if len(p.res.errs) < maxReportedErrors {
		p.res.errs = append(p.res.errs, err)
	}
	return true
}

// rollback drops the values the current record added.
func (p *chunkParser) rollback() {
	rows := p.res.rows
	for j := range p.res.cols {
		c := &p.res.cols[j]
		if c.n == rows {
			continue
		}
		c.n = rows
		if c.vals != nil {
			c.vals.truncate(rows)
		}
		for len(c.missing) > 0 && int(c.missing[len(c.missing)-1]) >= rows {
			c.missing = c.missing[:len(c.missing)-1]
		}
	}
}

// splitRecord splits the record at data[pos:] into p.fields, returning
// the position after it, the lines it spans, and whether it was blank.
func (p *chunkParser) splitRecord(pos int) (next, lines int, blank bool, perr *ParseError) {
	data := p.data
	eol := bytes.IndexByte(data[pos:], '\n')
	next = len(data)
	line := data[pos:]
	if eol >= 0 {
		line = data[pos : pos+eol]
		next = pos + eol + 1
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	p.fields = p.fields[:0]
	if len(line) == 0 { // blank lines are skipped, as in pandas
		return next, 1, true, nil
	}
	delimiter := p.delimiter
	fieldStart := 0
	for i, c := range line {
		if c == delimiter {
			p.fields = append(p.fields, line[fieldStart:i])
			fieldStart = i + 1
		} else if c == '"' {
			p.fields = p.fields[:0]
			next, lines, perr = p.splitQuoted(pos)
			return next, lines, false, perr
		}
	}
	p.fields = append(p.fields, line[fieldStart:])
	return next, 1, false, nil
}

// splitQuoted splits the record at data[pos:] that contains quotes into
// p.fields, returning the position after it and the lines it spans.
// A quote opens a quoted field only at the start of a field; inside one,
// "" is a quote; bytes after the closing quote up to the delimiter are
// kept, as pandas does.
func (p *chunkParser) splitQuoted(pos int) (next, lines int, perr *ParseError) {
	data := p.data
	p.scratch = p.scratch[:0]
	for {
		var field []byte
		if pos < len(data) && data[pos] == '"' {
			start := pos + 1
			i := start
			seg := len(p.scratch)
			escaped := false
			for {
				q := bytes.IndexByte(data[i:], '"')
				if q < 0 {
					return 0, 0, &ParseError{Line: p.line, Field: len(p.fields) + 1,
						Msg: "quoted field is not terminated"}
				}
				lines += bytes.Count(data[i:i+q], []byte{'\n'})
				if i+q+1 < len(data) && data[i+q+1] == '"' {
					escaped = true
					p.scratch = append(p.scratch, data[start:i+q+1]...)
					start = i + q + 2
					i = start
					continue
				}
				if escaped {
					p.scratch = append(p.scratch, data[start:i+q]...)
					field = p.scratch[seg:]
				} else {
					field = data[start : i+q]
				}
				pos = i + q + 1
				break
			}
			end := pos
			for end < len(data) && data[end] != p.delimiter && data[end] != '\n' {
				end++
			}
			trailing := data[pos:end]
			if n := len(trailing); n > 0 && trailing[n-1] == '\r' && (end == len(data) || data[end] == '\n') {
				trailing = trailing[:n-1]
			}
			if len(trailing) > 0 {
				seg = len(p.scratch)
				p.scratch = append(p.scratch, field...)
				p.scratch = append(p.scratch, trailing...)
				field = p.scratch[seg:]
			}
			pos = end
		} else {
			end := pos
			for end < len(data) && data[end] != p.delimiter && data[end] != '\n' {
				end++
			}
			field = data[pos:end]
			if n := len(field); n > 0 && field[n-1] == '\r' && (end == len(data) || data[end] == '\n') {
				field = field[:n-1]
			}
			pos = end
		}
		p.fields = append(p.fields, field)
		if pos >= len(data) {
			return len(data), lines + 1, nil
		}
		if data[pos] == '\n' {
			return pos + 1, lines + 1, nil
		}
		pos++ // the delimiter
	}
}

// add appends the value of a field that is not a missing-value marker to
// a column that has a type. (The parse loop has it written out.)
func (c *chunkColumn) add(field []byte, p *chunkParser) addOutcome {
	switch outcome := c.vals.add(field, p); outcome {
	case addOK:
		c.n++
		if c.counting {
			c.count(field)
		}
		return addOK
	case addNoMatch:
		return c.mismatch(field, p)
	default:
		return c.refusedBy(c.kind, outcome)
	}
}

// mismatch decides what a field that is not a value of the column's type
// does: widen the column to a type that holds it, restart the column as
// text, or (in a column of fixed type) fail.
func (c *chunkColumn) mismatch(field []byte, p *chunkParser) addOutcome {
	if c.forced && c.spec.widen != 0 {
		return addBad // a fixed type that widens fails before the encoding is checked
	}
	if !utf8.Valid(field) && !p.cfg.replace {
		// Bad in every type: the record is malformed, and must not turn
		// the column to text before it is rejected.
		return addBadUTF8
	}
	if c.forced {
		return addBad
	}
	for t := c.spec.widen; t != 0; t = csvOf(t).widen {
		switch outcome := csvOf(t).recognize(field, p); outcome {
		case addNoMatch:
		case addOK:
			for c.kind != t {
				c.widenOnce()
			}
			return c.add(field, p)
		default:
			return c.refusedBy(t, outcome)
		}
	}
	return addRestart
}

// become makes the column, holding only missing values so far, one of
// type t.
func (c *chunkColumn) become(t Type, p *chunkParser) {
	c.kind, c.spec = t, csvOf(t)
	c.vals = c.spec.start(p, c.index, c.n)
	c.counting = t == csvText && !c.forced
}

// widenOnce converts the column's values to its type's widen type.
func (c *chunkColumn) widenOnce() {
	c.vals = c.spec.convert(c.vals, c.missing)
	c.kind = c.spec.widen
	c.spec = csvOf(c.kind)
	c.counting = c.kind == csvText && !c.forced
}

// becomePlaceholderStrings turns the column into text holding "" for
// the rows so far, then field.
// The placeholders are never used: the chunk is parsed again.
func (c *chunkColumn) becomePlaceholderStrings(field []byte, p *chunkParser) {
	c.kind, c.spec = csvText, csvOf(csvText)
	c.vals = c.spec.start(p, c.index, c.n)
	c.counting = false
	if c.vals.add(field, p) == addOK { // always: mismatch checked the encoding
		c.n++
	}
}

// text returns field as a string the frame can keep, replacing invalid
// UTF-8 when configured to; ok is false for invalid UTF-8 otherwise.
func (p *chunkParser) text(field []byte) (s string, ok bool) {
	if utf8.Valid(field) {
		return p.arena.copyString(field), true
	}
	if !p.cfg.replace {
		return "", false
	}
	return p.arena.copyString(bytes.ToValidUTF8(field, []byte("\uFFFD"))), true
}

// count tallies a value of an inferred string column as a number or not,
// so that a numeric column with a few stray tokens is an error rather
// than a column of text.
func (c *chunkColumn) count(field []byte) {
	if !looksNumeric(field) {
		c.texts++
		return
	}
	c.nums++
	if _, ok := parseInt(field); !ok {
		c.nonInt = true
	}
}

// looksNumeric reports whether field parses as a number, ruling out most
// text by its first byte.
func looksNumeric(field []byte) bool {
	t := trimSpace(field)
	if len(t) == 0 {
		return false
	}
	switch b := t[0]; {
	case b >= '0' && b <= '9', b == '+', b == '-', b == '.', b == 'i', b == 'I', b == 'n', b == 'N':
	default:
		return false
	}
	_, ok := parseFloat(field)
	return ok
}

// addMissing appends a missing value.
func (c *chunkColumn) addMissing() {
	c.missing = append(c.missing, int32(c.n))
	c.n++
	if c.vals != nil {
		c.vals.addMissing()
	}
}

// begin decides the type of a column that so far held only missing
// values from its first value: the first type in csvInference that
// recognises it.
func (c *chunkColumn) begin(field []byte, p *chunkParser) addOutcome {
	for _, t := range csvInference {
		switch outcome := csvOf(t).recognize(field, p); outcome {
		case addNoMatch:
		case addOK:
			c.become(t, p)
			return c.add(field, p)
		default:
			return c.refusedBy(t, outcome)
		}
	}
	c.become(csvText, p)
	return c.add(field, p)
}

// refusedBy notes that type t's reading refused a value of the column
// (outcome), and returns outcome. A column's type in a chunk depends on
// where the chunk starts, so such a refusal may not be the one the
// column's type over the whole input makes (an infinite "1E700" refused
// as a number, before anything in its chunk made the column text): the
// chunk is read again (redecide). Invalid UTF-8 is refused by every type,
// and a fixed type is the column's type everywhere: neither is noted.
func (c *chunkColumn) refusedBy(t Type, outcome addOutcome) addOutcome {
	if !c.mayRedecide(outcome) {
		return outcome
	}
	switch {
	case c.refuser == 0 || widensTo(t, c.refuser):
		c.refuser = t
	case t == c.refuser || widensTo(c.refuser, t):
	default:
		c.refusersDiffer = true
	}
	return outcome
}

// mayRedecide reports whether the column's refusal of a value (outcome)
// depends on the column's type: the column's type is inferred, and the
// value is not invalid UTF-8.
func (c *chunkColumn) mayRedecide(outcome addOutcome) bool {
	return !c.forced && outcome != addBadUTF8 && outcome != addBad
}

// redecide reports whether a value the column refused might be read
// under type u, the column's type across chunks: whether u is a type
// whose reading of it does not come to the refusing type's. Under u (0:
// the column has no value anywhere) or a type widening to the refuser, a
// value goes through the same types to the same refusal. (Read again
// from u, the chunk's refusals come from u's widening chain, so the
// chunks come to agree.)
func (c *chunkColumn) redecide(u Type) bool {
	switch {
	case c.refuser == 0 || u == 0:
		return false
	case c.refusersDiffer:
		return true
	}
	return u != c.refuser && !widensTo(u, c.refuser)
}
