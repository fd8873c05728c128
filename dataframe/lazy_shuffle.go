package dataframe

import (
	"fmt"
	"slices"

	"github.com/lazygraph/lazygraph/delayed"
)

// Shuffle repartitions the lazy frame into n partitions by hashing the
// key columns, so that all rows with the same key are in the same
// partition (Dask's shuffle): what a per-group computation on a
// partitioned frame needs, such as fitting a model per group with
// MapPartitionsTo. Each input partition is split into n pieces, and
// output partition j concatenates the j-th pieces in partition order, so
// rows keep their relative order. Rows with a missing key go to one
// partition like any other key. It costs n × NumPartitions small tasks.
func (lf *LazyFrame) Shuffle(n int, keys ...string) *LazyFrame {
	if err := lf.Err(); err != nil {
		return failedLazy(err)
	}
	if n < 1 || len(keys) == 0 {
		return failedLazy(fmt.Errorf("dataframe: LazyFrame.Shuffle: %d partitions by %d keys: %w", n, len(keys), ErrArgument))
	}
	if lf.schema != nil {
		if _, err := splitByKeys(lf.schema.empty(), keys, n); err != nil {
			return failedLazy(fmt.Errorf("dataframe: LazyFrame.Shuffle: %w", err))
		}
	}
	keysValue, nValue := delayed.Value(slices.Clone(keys)), delayed.Value(n)
	splits := make([]delayed.Delayed[[]*Frame], len(lf.parts))
	for i, p := range lf.parts {
		splits[i] = splitTask(p, keysValue, nValue)
	}
	parts := make([]delayed.Delayed[*Frame], n)
	for j := range parts {
		pieces := make([]delayed.Delayed[*Frame], len(splits))
		index := delayed.Value(j)
		for i, s := range splits {
			pieces[i] = pickTask(s, index)
		}
		parts[j] = concatTask(delayed.All(pieces))
	}
	return &LazyFrame{parts: parts, schema: lf.schema}
}

// splitByKeys cuts a frame into n views by a hash of the key columns.
func splitByKeys(f *Frame, keys []string, n int) ([]*Frame, error) {
	if n < 1 {
		return nil, fmt.Errorf("dataframe: split into %d pieces: %w", n, ErrArgument)
	}
	hashes, err := f.hashRows(keys)
	if err != nil {
		return nil, err
	}
	counts := make([]int, n)
	for i, h := range hashes {
		b := int(h % uint64(n))
		hashes[i] = uint64(b)
		counts[b]++
	}
	rows := make([][]int, n)
	for b := range rows {
		rows[b] = make([]int, 0, counts[b])
	}
	for i, b := range hashes {
		rows[b] = append(rows[b], f.baseRow(i))
	}
	pieces := make([]*Frame, n)
	for b := range pieces {
		pieces[b] = f.withRows(rows[b])
	}
	return pieces, nil
}
