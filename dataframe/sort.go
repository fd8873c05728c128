package dataframe

import (
	"cmp"
	"fmt"
	"slices"
)

// SortKey names a column to sort by and its direction.
type SortKey struct {
	Column     string
	Descending bool
}

// Asc returns the key sorting the named column in ascending order.
func Asc(column string) SortKey { return SortKey{Column: column} }

// Desc returns the key sorting the named column in descending order.
func Desc(column string) SortKey { return SortKey{Column: column, Descending: true} }

// Sort returns a view of the rows ordered by the keys: by the first key,
// ties broken by the next, and so on. The sort is stable (rows equal on
// every key keep their order) and missing values sort last whatever the
// direction, as in pandas. Bools sort false before true, strings by bytes.
func (f *Frame) Sort(keys ...SortKey) (*Frame, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("dataframe: Sort: no sort keys: %w", ErrArgument)
	}
	compares := make([]func(a, b int) int, len(keys))
	for i, k := range keys {
		c, err := f.lookup(k.Column)
		if err != nil {
			return nil, fmt.Errorf("dataframe: Sort: %w", err)
		}
		compares[i] = rowComparator(c, k.Descending)
	}
	n := f.NumRows()
	index := make([]int, n)
	for i := range index {
		index[i] = f.baseRow(i)
	}
	// An unstable sort with the original position as the last tie-breaker
	// is stable. For a materialised frame the backing row is the position;
	// a view sorts positions and maps them afterwards.
	if f.rows != nil {
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int {
			ra, rb := f.rows[a], f.rows[b]
			for _, c := range compares {
				if r := c(ra, rb); r != 0 {
					return r
				}
			}
			return cmp.Compare(a, b)
		})
		for i, o := range order {
			index[i] = f.rows[o]
		}
		return f.withRows(index), nil
	}
	slices.SortFunc(index, func(a, b int) int {
		for _, c := range compares {
			if r := c(a, b); r != 0 {
				return r
			}
		}
		return cmp.Compare(a, b)
	})
	return f.withRows(index), nil
}

// rowComparator compares two backing rows of c, missing last.
func rowComparator(c *Column, descending bool) func(a, b int) int {
	sign := 1
	if descending {
		sign = -1
	}
	values := c.vec.compare()
	if c.valid == nil {
		return func(a, b int) int { return sign * values(a, b) }
	}
	return func(a, b int) int {
		va, vb := c.valid.IsValid(a), c.valid.IsValid(b)
		switch {
		case va && vb:
			return sign * values(a, b)
		case va:
			return -1
		case vb:
			return 1
		}
		return 0
	}
}
