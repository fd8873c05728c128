package regression

import "cmp"

// candidate is a training row at a squared distance from a query row.
type candidate struct {
	dist float64
	row  int
}

// compareCandidates orders candidates nearest first, and rows at equal distance in training
// order.
func compareCandidates(a, b candidate) int {
	return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(a.row, b.row))
}

// nearest keeps the k best candidates offered so far: a max-heap under compareCandidates, the
// worst kept candidate at the top.
type nearest struct {
	items []candidate
	k     int
}

// full reports whether k candidates are kept.
func (h *nearest) full() bool { return len(h.items) == h.k }

// worst returns the worst kept candidate's distance; only valid when full.
func (h *nearest) worst() float64 { return h.items[0].dist }

// offer keeps the row if it is among the k best so far.
func (h *nearest) offer(dist float64, row int) {
	c := candidate{dist, row}
	if len(h.items) < h.k {
		h.items = append(h.items, c)
		h.up(len(h.items) - 1)
		return
	}
	if compareCandidates(c, h.items[0]) >= 0 {
		return
	}
	h.items[0] = c
	h.down(0)
}

func (h *nearest) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if compareCandidates(h.items[i], h.items[parent]) <= 0 {
			return
		}
		h.items[i], h.items[parent] = h.items[parent], h.items[i]
		i = parent
	}
}

func (h *nearest) down(i int) {
	n := len(h.items)
	for {
		largest := i
		for _, c := range []int{2*i + 1, 2*i + 2} {
			if c < n && compareCandidates(h.items[c], h.items[largest]) > 0 {
				largest = c
			}
		}
		if largest == i {
			return
		}
		h.items[i], h.items[largest] = h.items[largest], h.items[i]
		i = largest
	}
}
