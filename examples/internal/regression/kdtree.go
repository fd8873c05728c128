package regression

import (
	"cmp"
	"slices"
)

// kdTree indexes the rows of a row-major matrix for exact k-nearest-neighbour search
// (Friedman, Bentley and Finkel, 1977). Each inner node splits its rows at the median of the
// dimension in which they spread most; leaves hold up to kdLeafSize rows.
type kdTree struct {
	x     []float64 // the rows, row-major
	dims  int
	order []int32  // row numbers, grouped by node: a node's rows are order[lo:hi]
	nodes []kdNode // the root first
}

// kdNode is a node of a kdTree.
type kdNode struct {
	lo, hi      int32   // the node's rows: order[lo:hi]
	dim         int32   // the split dimension; -1 marks a leaf
	split       float64 // left rows have x[dim] <= split, right rows x[dim] >= split
	left, right int32   // children's positions in nodes
}

const kdLeafSize = 16

// newKDTree builds the tree over the rows of x (row-major, dims columns), which it keeps.
func newKDTree(x []float64, dims int) *kdTree {
	n := len(x) / dims
	t := &kdTree{x: x, dims: dims, order: make([]int32, n)}
	for i := range t.order {
		t.order[i] = int32(i)
	}
	t.build(0, int32(n))
	return t
}

func (t *kdTree) at(row int32, dim int) float64 { return t.x[int(row)*t.dims+dim] }

// build adds the node for order[lo:hi] and returns its position.
func (t *kdTree) build(lo, hi int32) int32 {
	at := int32(len(t.nodes))
	t.nodes = append(t.nodes, kdNode{lo: lo, hi: hi, dim: -1})
	if hi-lo <= kdLeafSize {
		return at
	}
	rows := t.order[lo:hi]
	dim, spread := 0, -1.0
	for d := range t.dims {
		mn, mx := t.at(rows[0], d), t.at(rows[0], d)
		for _, r := range rows[1:] {
			v := t.at(r, d)
			mn, mx = min(mn, v), max(mx, v)
		}
		if mx-mn > spread {
			dim, spread = d, mx-mn
		}
	}
	if spread <= 0 {
		return at // every row is the same point
	}
	slices.SortFunc(rows, func(a, b int32) int { return cmp.Compare(t.at(a, dim), t.at(b, dim)) })
	mid := lo + (hi-lo)/2
	split := t.at(t.order[mid], dim)
	left := t.build(lo, mid)
	right := t.build(mid, hi)
	t.nodes[at] = kdNode{lo: lo, hi: hi, dim: int32(dim), split: split, left: left, right: right}
	return at
}

// search offers h every row that can be among the k nearest to q. A subtree is skipped only
// when even its nearest possible row is farther than the worst kept one, so rows at a tied
// distance are all offered and h keeps the earliest: the result is exactly a full scan's.
func (t *kdTree) search(q []float64, h *nearest) {
	t.searchNode(0, q, h)
}

func (t *kdTree) searchNode(at int32, q []float64, h *nearest) {
	nd := &t.nodes[at]
	if nd.dim < 0 {
		for _, r := range t.order[nd.lo:nd.hi] {
			h.offer(squaredDistance(q, t.x[int(r)*t.dims:(int(r)+1)*t.dims]), int(r))
		}
		return
	}
	diff := q[nd.dim] - nd.split
	near, far := nd.left, nd.right
	if diff > 0 {
		near, far = far, near
	}
	t.searchNode(near, q, h)
	// Every row on the far side is at least |diff| away in this dimension alone.
	if !h.full() || diff*diff <= h.worst() {
		t.searchNode(far, q, h)
	}
}
