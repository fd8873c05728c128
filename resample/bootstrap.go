package resample

import (
	"fmt"
	"math/rand/v2"
)

// Bootstrap returns a bootstrap sample of rows 0..n-1: n row numbers drawn with replacement
// from r, in the order drawn. Use a stream per replicate (rng.New(seed, replicate)) so that each
// replicate's sample is the same wherever it is computed.
func Bootstrap(n int, r *rand.Rand) ([]int, error) {
	if err := checkSample("Bootstrap", n, n, r); err != nil {
		return nil, err
	}
	rows := make([]int, n)
	for i := range rows {
		rows[i] = r.IntN(n)
	}
	return rows, nil
}

// OutOfBag returns, in ascending order, the rows of 0..n-1 that sample does not contain: the
// rows a bootstrap replicate can be tested on.
func OutOfBag(n int, sample []int) []int {
	in := make([]bool, n)
	for _, row := range sample {
		if row >= 0 && row < n {
			in[row] = true
		}
	}
	var out []int
	for row, ok := range in {
		if !ok {
			out = append(out, row)
		}
	}
	return out
}

// Subsample returns m distinct rows of 0..n-1 drawn without replacement from r, in ascending
// order (m out of n subsampling, or one half of a random split).
func Subsample(n, m int, r *rand.Rand) ([]int, error) {
	if err := checkSample("Subsample", n, m, r); err != nil {
		return nil, err
	}
	if m > n {
		return nil, fmt.Errorf("%w: Subsample: m=%d rows out of only n=%d", ErrArgument, m, n)
	}
	// A partial Fisher–Yates shuffle: the first m of a random permutation.
	order := identity(n)
	for i := range m {
		j := i + r.IntN(n-i)
		order[i], order[j] = order[j], order[i]
	}
	return sortedCopy(order[:m]), nil
}

func checkSample(method string, n, m int, r *rand.Rand) error {
	switch {
	case r == nil:
		return fmt.Errorf("%w: %s: no random stream (r is nil)", ErrArgument, method)
	case n < 1:
		return fmt.Errorf("%w: %s: n=%d rows, need at least 1", ErrArgument, method, n)
	case m < 0:
		return fmt.Errorf("%w: %s: m=%d rows", ErrArgument, method, m)
	}
	return nil
}
