package streams

import "testing"

func TestSameIdentitySameStream(t *testing.T) {
	a, b := New(42, 7), New(42, 7)
	for i := range 100 {
		if x, y := a.Uint64(), b.Uint64(); x != y {
			t.Fatalf("draw %d: %d != %d for the same seed and id", i, x, y)
		}
	}
}

func TestDifferentIdentityDifferentStream(t *testing.T) {
	first := map[uint64]string{}
	for _, c := range []struct {
		name string
		seed uint64
		ids  []uint64
	}{
		{"New(1)", 1, nil},
		{"New(1, 0)", 1, []uint64{0}},
		{"New(1, 1)", 1, []uint64{1}},
		{"New(2, 1)", 2, []uint64{1}},
		{"New(1, 0, 1)", 1, []uint64{0, 1}},
		{"New(1, 1, 0)", 1, []uint64{1, 0}},
	} {
		x := New(c.seed, c.ids...).Uint64()
		if prev, ok := first[x]; ok {
			t.Errorf("%s starts like %s", c.name, prev)
		}
		first[x] = c.name
	}
}
