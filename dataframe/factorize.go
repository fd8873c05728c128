package dataframe

import (
	"cmp"
	"math"
	"slices"
)

// directTableLimit bounds the value span for which integer keys are
// factorised through a lookup table instead of a hash map.
const directTableLimit = 1 << 24

// factorize returns for each row of c (rows: backing rows, nil for all)
// the rank of its value among the distinct values present, in ascending
// order, or -1 where the value is missing; and the number of distinct
// values.
func factorize(c *Column, rows []int) (codes []int32, distinct int) {
	return c.vec.factorize(rows, c.valid)
}

func rowAt(rows []int, j int) int {
	if rows != nil {
		return rows[j]
	}
	return j
}

// factorizeInt64 ranks values; valid (indexed by rows[j], or j when rows is
// nil) marks missing entries.
func factorizeInt64(values []int64, valid Bitmap, rows []int) ([]int32, int) {
	codes := make([]int32, len(values))
	isValid := func(j int) bool { return valid.IsValid(rowAt(rows, j)) }
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	seenAny := false
	for j, v := range values {
		if valid != nil && !isValid(j) {
			continue
		}
		seenAny = true
		lo = min(lo, v)
		hi = max(hi, v)
	}
	if !seenAny {
		for j := range codes {
			codes[j] = -1
		}
		return codes, 0
	}
	span := uint64(hi) - uint64(lo)
	if span < directTableLimit && span <= uint64(2*len(values)+1024) {
		table := make([]int32, span+1)
		for j, v := range values {
			if valid == nil || isValid(j) {
				table[v-lo] = 1
			}
		}
		distinct := int32(0)
		for k, seen := range table {
			if seen != 0 {
				table[k] = distinct
				distinct++
			}
		}
		for j, v := range values {
			if valid == nil || isValid(j) {
				codes[j] = table[v-lo]
			} else {
				codes[j] = -1
			}
		}
		return codes, int(distinct)
	}
	return factorizeOrdered(len(values), func(j int) (int64, bool) {
		return values[j], valid == nil || isValid(j)
	})
}

// factorizeOrdered ranks n values read through at by hashing them, then
// sorting the distinct values.
func factorizeOrdered[T cmp.Ordered](n int, at func(j int) (T, bool)) ([]int32, int) {
	codes := make([]int32, n)
	ids := make(map[T]int32)
	var uniques []T
	for j := 0; j < n; j++ {
		v, ok := at(j)
		if !ok {
			codes[j] = -1
			continue
		}
		id, seen := ids[v]
		if !seen {
			id = int32(len(uniques))
			ids[v] = id
			uniques = append(uniques, v)
		}
		codes[j] = id
	}
	perm := make([]int32, len(uniques))
	for i := range perm {
		perm[i] = int32(i)
	}
	slices.SortFunc(perm, func(a, b int32) int { return cmp.Compare(uniques[a], uniques[b]) })
	rank := make([]int32, len(uniques))
	for r, id := range perm {
		rank[id] = int32(r)
	}
	for j, id := range codes {
		if id >= 0 {
			codes[j] = rank[id]
		}
	}
	return codes, len(uniques)
}

// combineCodes merges per-column ranks into ranks of the key tuples in
// lexicographic order; a row missing in any column gets -1.
func combineCodes(a []int32, b []int32, bDistinct int) ([]int32, int) {
	combined := make([]int64, len(a))
	var valid Bitmap
	for j := range a {
		if a[j] < 0 || b[j] < 0 {
			if valid == nil {
				valid = NewBitmap(len(a))
			}
			valid.SetMissing(j)
			continue
		}
		combined[j] = int64(a[j])*int64(bDistinct) + int64(b[j])
	}
	return factorizeInt64(combined, valid, nil)
}
