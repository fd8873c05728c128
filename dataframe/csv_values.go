package dataframe

import (
	"bytes"
	"strconv"
	"unsafe"
)

// bytesString views b as a string without copying. The caller must not
// keep the string beyond the life of b's contents, which the CSV reader
// never modifies.
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// trimSpace removes ASCII spaces and tabs around a numeric field.
func trimSpace(b []byte) []byte {
	if len(b) == 0 || (b[0] > ' ' && b[len(b)-1] > ' ') {
		return b
	}
	return bytes.Trim(b, " \t")
}

// parseInt parses a base-10 int64 with an optional sign.
func parseInt(b []byte) (int64, bool) {
	b = trimSpace(b)
	n := len(b)
	if n == 0 {
		return 0, false
	}
	i := 0
	neg := false
	if b[0] == '-' || b[0] == '+' {
		neg = b[0] == '-'
		i = 1
		if n == 1 {
			return 0, false
		}
	}
	if n-i > 18 {
		v, err := strconv.ParseInt(bytesString(b), 10, 64)
		return v, err == nil
	}
	var u int64
	for ; i < n; i++ {
		d := b[i] - '0'
		if d > 9 {
			return 0, false
		}
		u = u*10 + int64(d)
	}
	if neg {
		return -u, true
	}
	return u, true
}

// pow10 holds the exactly representable powers of ten.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseFloat parses a float64, correctly rounded. Plain decimals whose
// digits form an integer below 2^53 with at most 22 decimals and no
// exponent take an exact fast path (Clinger's: both the digits and the
// power of ten are exact, so one division rounds correctly); everything
// else goes to strconv.ParseFloat, which accepts exponents, "inf" and
// "nan".
func parseFloat(b []byte) (float64, bool) {
	n := len(b)
	if n == 0 || n > 20 || b[0] == ' ' || b[0] == '\t' || b[n-1] == ' ' || b[n-1] == '\t' {
		return parseFloatSlow(b)
	}
	i := 0
	neg := false
	if b[0] == '-' || b[0] == '+' {
		neg = b[0] == '-'
		i = 1
	}
	var mant uint64
	start := i
	for ; i < n; i++ {
		d := b[i] - '0'
		if d > 9 {
			break
		}
		mant = mant*10 + uint64(d)
	}
	digits := i - start
	frac := 0
	if i < n && b[i] == '.' {
		i++
		fracStart := i
		for ; i < n; i++ {
			d := b[i] - '0'
			if d > 9 {
				break
			}
			mant = mant*10 + uint64(d)
		}
		frac = i - fracStart
	}
	// At most 19 digits cannot overflow uint64.
	if i != n || digits+frac == 0 || digits+frac > 19 || frac > 22 || mant > 1<<53 {
		return parseFloatSlow(b)
	}
	v := float64(mant) / pow10[frac]
	if neg {
		v = -v
	}
	return v, true
}

func parseFloatSlow(b []byte) (float64, bool) {
	b = trimSpace(b)
	v, err := strconv.ParseFloat(bytesString(b), 64)
	if err != nil {
		// Out-of-range values parse to ±Inf or 0 with ErrRange; pandas
		// reads them as such too.
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return v, true
		}
		return 0, false
	}
	return v, true
}

// missingMatcher tells whether a field is a missing-value marker.
type missingMatcher struct {
	empty  bool
	maxLen int
	first  [256]bool
	set    map[string]struct{}
}

func newMissingMatcher(markers []string) *missingMatcher {
	m := &missingMatcher{set: make(map[string]struct{}, len(markers))}
	for _, s := range markers {
		if s == "" {
			m.empty = true
			continue
		}
		m.set[s] = struct{}{}
		m.first[s[0]] = true
		m.maxLen = max(m.maxLen, len(s))
	}
	return m
}

func (m *missingMatcher) match(b []byte) bool {
	if len(b) == 0 {
		return m.empty
	}
	if len(b) > m.maxLen || !m.first[b[0]] {
		return false
	}
	_, ok := m.set[string(b)]
	return ok
}

// stringArena copies short strings into shared blocks, so a column of
// many strings costs a few large allocations instead of one per value.
type stringArena struct {
	block []byte
}

const arenaBlockSize = 64 << 10

func (a *stringArena) copyString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > arenaBlockSize/16 {
		return string(b)
	}
	if cap(a.block)-len(a.block) < len(b) {
		a.block = make([]byte, 0, arenaBlockSize)
	}
	start := len(a.block)
	a.block = append(a.block, b...)
	// The block's bytes at [start, start+len(b)) are never written again.
	return unsafe.String(&a.block[start], len(b))
}
