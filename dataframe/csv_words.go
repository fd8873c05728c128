package dataframe

import (
	"math"
	"sync"
	"unsafe"
)

// columnWords is one column's shared storage for 8-byte values (int64,
// float64, time): one allocation for the whole input, in which every chunk
// owns a region with room for as many rows as the chunk has lines (plus
// one). Chunks parse straight into their regions, so when every chunk's
// values lie at the start of its region, the column is assembled by
// closing the gaps in place instead of copying into a new slice.
type columnWords struct {
	once  sync.Once
	size  int
	words []uint64
}

// chunkRegion is where a chunk's rows go in every column's words.
type chunkRegion struct {
	start, capacity int
}

func (w *columnWords) get() []uint64 {
	w.once.Do(func() { w.words = make([]uint64, w.size) })
	return w.words
}

// region returns the chunk's empty region of column j, capped so that an
// append past it reallocates instead of running into the next region.
func (p *chunkParser) region(j int) []uint64 {
	if p.words == nil {
		return make([]uint64, 0, p.rowsGuess)
	}
	words := p.words[j].get()
	r := p.region8
	return words[r.start : r.start : r.start+r.capacity]
}

// int64Region and float64Region view the chunk's region of column j, with
// its first n values zeroed (int) or NaN (float).
func (p *chunkParser) int64Region(j, n int) []int64 {
	w := p.region(j)
	if n > cap(w) {
		return make([]int64, n, n+p.rowsGuess)
	}
	s := unsafe.Slice((*int64)(unsafe.Pointer(unsafe.SliceData(w))), cap(w))[:n]
	clear(s)
	return s
}

func (p *chunkParser) float64Region(j, n int) []float64 {
	var s []float64
	if w := p.region(j); n > cap(w) {
		s = make([]float64, n, n+p.rowsGuess)
	} else {
		s = unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(w))), cap(w))[:n]
	}
	for i := range s {
		s[i] = math.NaN()
	}
	return s
}

// int64sAsFloat64s views the memory of v as float64s, same length and
// capacity.
func int64sAsFloat64s(v []int64) []float64 {
	if cap(v) == 0 {
		return nil
	}
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(v))), cap(v))[:len(v)]
}

// columnStrings is columnWords for a string column: one []string for the
// whole input, a region per chunk, assembled by closing the gaps in place,
// so a string column is not copied once more when the chunks are joined.
type columnStrings struct {
	once sync.Once
	size int
	strs []string
}

func (w *columnStrings) get() []string {
	w.once.Do(func() { w.strs = make([]string, w.size) })
	return w.strs
}

// stringRegion views the chunk's region of string column j holding n
// empty strings, capped so that an append past it reallocates.
func (p *chunkParser) stringRegion(j, n int) []string {
	if p.strs == nil || n > p.region8.capacity {
		return make([]string, n, max(n+1, p.rowsGuess))
	}
	r := p.region8
	s := p.strs[j].get()[r.start : r.start+n : r.start+r.capacity]
	clear(s)
	return s
}

// joinStrings joins the chunks of a string column, each chunk's values
// given by values: in place in the column's shared storage when every
// chunk parsed into its region (assembleWords), else copied.
func joinStrings(j *csvJoin, values func(csvValues) []string) []string {
	if j.strs == nil || j.strs.strs == nil {
		return joinSlices(j, values)
	}
	strs := j.strs.strs
	total := 0
	for c, part := range j.parts {
		rows, region := j.rows[c], j.regions[c]
		if rows > region.capacity || (rows > 0 && unsafe.SliceData(values(part)) != &strs[region.start]) {
			return joinSlices(j, values)
		}
		total += rows
	}
	dst := 0
	for c, rows := range j.rows {
		if start := j.regions[c].start; start != dst {
			copy(strs[dst:dst+rows], strs[start:start+rows])
		}
		dst += rows
	}
	clear(strs[total:]) // nothing kept alive past the column's end
	return strs[:total:total]
}
