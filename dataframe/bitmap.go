package dataframe

import "math/bits"

// Bitmap is a column's validity bitmap: bit i%64 of word i/64 is set when
// row i holds a value and clear when it is missing. A nil Bitmap means no
// value is missing. Its layout (little-endian 64-bit words) is meant to be
// sent over the wire as raw bytes.
type Bitmap []uint64

// NewBitmap returns a bitmap for n rows with every row marked valid.
func NewBitmap(n int) Bitmap {
	b := make(Bitmap, (n+63)/64)
	for i := range b {
		b[i] = ^uint64(0)
	}
	if r := n % 64; r != 0 {
		b[len(b)-1] = 1<<uint(r) - 1
	}
	return b
}

// BitmapFromMissing returns a bitmap marking missing[i] rows as missing,
// or nil when none is.
func BitmapFromMissing(missing []bool) Bitmap {
	var b Bitmap
	for i, m := range missing {
		if m {
			if b == nil {
				b = NewBitmap(len(missing))
			}
			b.SetMissing(i)
		}
	}
	return b
}

// IsValid reports whether row i holds a value. It is true for every row of
// a nil Bitmap.
func (b Bitmap) IsValid(i int) bool {
	return b == nil || b[i>>6]&(1<<uint(i&63)) != 0
}

// SetMissing marks row i as missing. b must not be nil.
func (b Bitmap) SetMissing(i int) { b[i>>6] &^= 1 << uint(i&63) }

// SetValid marks row i as holding a value. b must not be nil.
func (b Bitmap) SetValid(i int) { b[i>>6] |= 1 << uint(i&63) }

// countValid returns the number of valid rows among the first n.
func (b Bitmap) countValid(n int) int {
	if b == nil {
		return n
	}
	c := 0
	full := n / 64
	for _, w := range b[:full] {
		c += bits.OnesCount64(w)
	}
	if r := n % 64; r != 0 {
		c += bits.OnesCount64(b[full] & (1<<uint(r) - 1))
	}
	return c
}
