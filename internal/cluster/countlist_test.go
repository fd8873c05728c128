package cluster

import (
	"math"
	"testing"
)

func TestCountListKeepsLargeCountsAside(t *testing.T) {
	c := newCountList(3)
	c.set(0, 5)
	c.set(1, math.MaxInt16)
	if got := c.add(1, 1); got != math.MaxInt16+1 {
		t.Fatalf("count %d after adding 1 to %d", got, math.MaxInt16)
	}
	c.set(2, 1_000_000)
	for range 999_999 - math.MaxInt16 {
		c.add(2, -1)
	}
	if got := c.add(2, -math.MaxInt16); got != 1 {
		t.Fatalf("count %d, want 1", got)
	}
	if got := c.add(1, -2); got != math.MaxInt16-1 {
		t.Fatalf("count %d, want %d", got, math.MaxInt16-1)
	}
	if got := c.add(0, -6); got != -1 {
		t.Fatalf("count %d, want -1", got)
	}
	if c.get(0) != -1 || c.get(1) != math.MaxInt16-1 || c.get(2) != 1 || len(c.large) != 0 {
		t.Errorf("counts %d %d %d, %d aside; want -1 %d 1, none aside", c.get(0), c.get(1), c.get(2), len(c.large), math.MaxInt16-1)
	}
	c.set(0, -100_000)
	if c.get(0) != -100_000 {
		t.Errorf("count %d, want -100000", c.get(0))
	}
}
