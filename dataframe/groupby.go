package dataframe

import (
	"fmt"
	"iter"
	"strings"
	"sync"
	"time"
)

// Groups is a frame split by the values of key columns. Each group is a
// row-index set over the shared frame: nothing is copied until a group is
// materialised. Groups are ordered by key (ascending, lexicographic over
// the key columns); rows whose key has a missing value belong to no group,
// as with pandas' default dropna=True. A Groups is safe for concurrent use.
type Groups struct {
	frame    *Frame
	keyNames []string
	codes    []int32 // per frame row: group number, or -1
	ngroups  int
	keys     *Frame // one row per group: the key columns

	membersOnce sync.Once
	offsets     []int // group g is members[offsets[g]:offsets[g+1]]
	members     []int // frame rows, grouped, ascending within a group
}

// Key is the key of one group: one value per key column, in order, as
// int64, float64, string, bool or time.Time.
type Key []any

var _ fmt.Stringer = Key(nil)

// String renders the key as "(v1, v2, …)".
func (k Key) String() string {
	parts := make([]string, len(k))
	for i, v := range k {
		if t, ok := v.(time.Time); ok {
			parts[i] = t.Format(time.RFC3339Nano)
			continue
		}
		parts[i] = fmt.Sprint(v)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// GroupBy splits the frame by the distinct values of the named key
// columns, of any type.
func (f *Frame) GroupBy(columns ...string) (*Groups, error) {
	if len(columns) == 0 {
		return nil, fmt.Errorf("dataframe: GroupBy: no key columns: %w", ErrArgument)
	}
	var codes []int32
	distinct := 0
	for i, name := range columns {
		c, err := f.lookup(name)
		if err != nil {
			return nil, fmt.Errorf("dataframe: GroupBy: %w", err)
		}
		colCodes, colDistinct := factorize(c, f.rows)
		if i == 0 {
			codes, distinct = colCodes, colDistinct
			continue
		}
		codes, distinct = combineCodes(codes, colCodes, colDistinct)
	}

	// The first row of each group gives its key.
	first := make([]int, distinct)
	for g := range first {
		first[g] = -1
	}
	found := 0
	for i, g := range codes {
		if g >= 0 && first[g] < 0 {
			first[g] = f.baseRow(i)
			found++
			if found == distinct {
				break
			}
		}
	}
	keyCols := make([]*Column, len(columns))
	for i, name := range columns {
		c, _ := f.lookup(name)
		keyCols[i] = c.gather(first)
	}
	keys, err := New(keyCols...)
	if err != nil {
		return nil, fmt.Errorf("dataframe: GroupBy: %w", err)
	}
	return &Groups{frame: f, keyNames: append([]string(nil), columns...), codes: codes, ngroups: distinct, keys: keys}, nil
}

// Len returns the number of groups.
func (g *Groups) Len() int { return g.ngroups }

// KeyColumns returns the names of the key columns.
func (g *Groups) KeyColumns() []string { return append([]string(nil), g.keyNames...) }

// Keys returns a materialised frame of the key columns with one row per
// group, in group order.
func (g *Groups) Keys() *Frame { return g.keys }

// Key returns the key of group i (0 ≤ i < Len).
func (g *Groups) Key(i int) Key {
	k := make(Key, len(g.keys.columns))
	for j, c := range g.keys.columns {
		k[j] = c.vec.value(i)
	}
	return k
}

// Rows returns the rows of group i as row numbers of the grouped frame, in
// ascending order. The slice is shared: do not modify it.
func (g *Groups) Rows(i int) []int {
	g.buildMembers()
	return g.members[g.offsets[i]:g.offsets[i+1]:g.offsets[i+1]]
}

// Group returns group i as a view over the grouped frame's columns.
func (g *Groups) Group(i int) *Frame {
	rows := g.Rows(i)
	if g.frame.rows == nil {
		return g.frame.withRows(rows)
	}
	base := make([]int, len(rows))
	for j, r := range rows {
		base[j] = g.frame.rows[r]
	}
	return g.frame.withRows(base)
}

// All iterates over the groups in order, yielding each key and the group
// as a view.
func (g *Groups) All() iter.Seq2[Key, *Frame] {
	return func(yield func(Key, *Frame) bool) {
		for i := 0; i < g.ngroups; i++ {
			if !yield(g.Key(i), g.Group(i)) {
				return
			}
		}
	}
}

// Codes returns, for each row of the grouped frame, its group number, or
// -1 for a row with a missing key. The slice is shared: do not modify it.
func (g *Groups) Codes() []int32 { return g.codes }

// buildMembers lays the rows out group by group with a counting sort.
func (g *Groups) buildMembers() {
	g.membersOnce.Do(func() {
		offsets := make([]int, g.ngroups+1)
		for _, c := range g.codes {
			if c >= 0 {
				offsets[c+1]++
			}
		}
		for i := 1; i <= g.ngroups; i++ {
			offsets[i] += offsets[i-1]
		}
		members := make([]int, offsets[g.ngroups])
		next := append([]int(nil), offsets[:g.ngroups]...)
		for i, c := range g.codes {
			if c >= 0 {
				members[next[c]] = i
				next[c]++
			}
		}
		g.offsets, g.members = offsets, members
	})
}
