package dataframe

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
		c.vec.hashInto(hashes, f.rows, c.valid)
	}
	return hashes, nil
}

// missingHash is the hash of a missing value.
const missingHash = 0x6a09e667f3bcc908

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
