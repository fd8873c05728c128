package dataframe

import "math"

// hashRows returns a hash of each row's values in the key columns, the
// same in every process and run (it decides which partition of a shuffle
// a row goes to, wherever the split runs). Missing values hash alike;
// -0 hashes as 0.
func (f *Frame) hashRows(keys []string) ([]uint64, error) {
	n := f.NumRows()
	hashes := make([]uint64, n)
	for _, name := range keys {
		c, err := f.lookup(name)
		if err != nil {
			return nil, err
		}
		for i := range hashes {
			r := f.baseRow(i)
			hashes[i] = mix64(hashes[i]*0x9e3779b97f4a7c15 ^ c.hashAt(r))
		}
	}
	return hashes, nil
}

// missingHash is the hash of a missing value.
const missingHash = 0x6a09e667f3bcc908

// hashAt hashes backing row r.
func (c *Column) hashAt(r int) uint64 {
	if !c.valid.IsValid(r) {
		return missingHash
	}
	switch c.typ {
	case Float64:
		v := c.f64[r]
		if v == 0 {
			v = 0 // -0 and 0 are one key
		}
		return mix64(math.Float64bits(v))
	case Int64, Time:
		return mix64(uint64(c.i64[r]))
	case Bool:
		if c.b[r] {
			return mix64(1)
		}
		return mix64(2)
	case String:
		return fnv1a(c.str[r])
	}
	return 0
}

// mix64 is SplitMix64's finaliser: a cheap, well-spread bijection.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// fnv1a is the 64-bit FNV-1a hash of s, finished with mix64.
func fnv1a(s string) uint64 {
	h := uint64(0xcbf29ce484222325)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 0x100000001b3
	}
	return mix64(h)
}
