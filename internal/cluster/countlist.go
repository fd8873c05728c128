package cluster

import "math"

// countList holds a count per node (arguments still to be computed, uses of a result still to
// come) in 2 bytes, instead of 4: a million-task graph has two million nodes. The few counts
// past what 2 bytes hold (a call gathering a million results, a value a hundred thousand tasks
// use) are kept aside.
type countList struct {
	small []int16
	large map[int32]int32
}

const countAside = math.MinInt16 // small's mark for a count kept in large

func newCountList(n int) countList { return countList{small: make([]int16, n)} }

func (c *countList) get(i int32) int32 {
	if x := c.small[i]; x != countAside {
		return int32(x)
	}
	return c.large[i]
}

func (c *countList) set(i, v int32) {
	if c.small[i] == countAside {
		delete(c.large, i)
	}
	if v > countAside && v <= math.MaxInt16 {
		c.small[i] = int16(v)
		return
	}
	if c.large == nil {
		c.large = map[int32]int32{}
	}
	c.small[i] = countAside
	c.large[i] = v
}

// add adds d to node i's count and returns the new count.
func (c *countList) add(i, d int32) int32 {
	v := c.get(i) + d
	c.set(i, v)
	return v
}
