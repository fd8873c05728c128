package regression

import (
	"math/rand/v2"
	"slices"
)

// tree is one regression tree (CART): a flat slice of nodes, the root first. A row goes left
// or right at each split until it reaches a leaf, whose value is the prediction.
type tree []node

type node struct {
	feature     int     // the column a split looks at; -1 marks a leaf
	threshold   float64 // rows with x[feature] <= threshold go left, the others right
	left, right int32   // positions of the children in the tree
	value       float64 // a leaf's prediction: the mean response of its training rows
}

func (t tree) predict(row []float64) float64 {
	i := int32(0)
	for t[i].feature >= 0 {
		if row[t[i].feature] <= t[i].threshold {
			i = t[i].left
		} else {
			i = t[i].right
		}
	}
	return t[i].value
}

// grower grows trees on rows of one training set. At each node it picks a few features at
// random (tries of them, more when those cannot split the node) and makes the split that most
// reduces the sum of squared errors, keeping at least minLeaf rows on each side; a node that no
// split improves becomes a leaf.
type grower struct {
	x        []float64 // training predictors, row-major
	cols     int
	y        []float64
	tries    int // features tried at each node
	minLeaf  int // fewest rows in a leaf
	rng      *rand.Rand
	features []int   // 0..cols-1, partly shuffled at each node to pick the features to try
	sorted   []entry // scratch: a node's rows sorted by one feature
	nodes    tree    // the tree being grown
}

// entry is a row's value of the feature being sorted on, and its response.
type entry struct {
	value, y float64
}

func newGrower(x []float64, cols int, y []float64, tries, minLeaf int, rng *rand.Rand) *grower {
	features := make([]int, cols)
	for j := range features {
		features[j] = j
	}
	return &grower{x: x, cols: cols, y: y, tries: tries, minLeaf: minLeaf, rng: rng,
		features: features, sorted: make([]entry, 0, len(y))}
}

// grow returns a tree fitted to rows (row numbers, repeats allowed). It reorders rows.
func (g *grower) grow(rows []int) tree {
	g.nodes = nil
	g.growNode(rows)
	return g.nodes
}

// growNode adds the subtree for rows and returns the position of its root.
func (g *grower) growNode(rows []int) int32 {
	at := int32(len(g.nodes))
	g.nodes = append(g.nodes, node{feature: -1, value: g.mean(rows)})
	s, ok := g.bestSplit(rows)
	if !ok {
		return at
	}
	left, right := g.partition(rows, s)
	l := g.growNode(left)
	r := g.growNode(right)
	g.nodes[at] = node{feature: s.feature, threshold: s.threshold, left: l, right: r}
	return at
}

// split is a candidate split with its score, Σleft²/nleft + Σright²/nright (the sums of the
// responses on each side). Maximising it minimises the children's sum of squared errors.
type split struct {
	feature   int
	threshold float64
	score     float64
}

// bestSplit tries g.tries features picked at random (a partial Fisher–Yates shuffle) and
// returns the best split among them, if any improves on not splitting. When none of them
// splits the rows (they are constant here, or no cut leaves minLeaf rows on each side), it
// keeps drawing features until one does or none is left, as scikit-learn does: a node becomes
// a leaf because no feature splits it, never because the features drawn were constant.
func (g *grower) bestSplit(rows []int) (split, bool) {
	n := len(rows)
	if n < 2*g.minLeaf {
		return split{}, false
	}
	total := 0.0
	for _, r := range rows {
		total += g.y[r]
	}
	best := split{score: total * total / float64(n)} // the score of not splitting
	found := false
	for i := 0; i < g.cols && (i < g.tries || !found); i++ {
		j := i + g.rng.IntN(g.cols-i)
		g.features[i], g.features[j] = g.features[j], g.features[i]
		if s, ok := g.bestSplitOn(g.features[i], rows, total, best.score); ok {
			best, found = s, true
		}
	}
	return best, found
}

// bestSplitOn returns the best split on one feature scoring more than beat, if any: it sorts
// the rows by the feature and scores every cut between two different values.
func (g *grower) bestSplitOn(f int, rows []int, total, beat float64) (split, bool) {
	sorted := g.sorted[:0]
	for _, r := range rows {
		sorted = append(sorted, entry{value: g.at(r, f), y: g.y[r]})
	}
	slices.SortFunc(sorted, byValue)
	best := split{score: beat}
	found := false
	n := len(sorted)
	left := 0.0
	for i := 0; i < n-g.minLeaf; i++ {
		left += sorted[i].y
		nLeft := i + 1
		lo, hi := sorted[i].value, sorted[i+1].value
		if nLeft < g.minLeaf || lo == hi {
			continue // too few rows on the left, or rows with equal values would be parted
		}
		right := total - left
		score := left*left/float64(nLeft) + right*right/float64(n-nLeft)
		if score > best.score {
			threshold := lo + (hi-lo)/2
			if threshold == hi {
				threshold = lo // lo and hi are adjacent floats: the midpoint rounds up to hi
			}
			best, found = split{feature: f, threshold: threshold, score: score}, true
		}
	}
	return best, found
}

// byValue orders entries by value (there are no NaNs: data sets have no missing values).
func byValue(a, b entry) int {
	switch {
	case a.value < b.value:
		return -1
	case a.value > b.value:
		return 1
	}
	return 0
}

// partition reorders rows so that those going left come first, and returns the two parts.
func (g *grower) partition(rows []int, s split) (left, right []int) {
	i := 0
	for j, r := range rows {
		if g.at(r, s.feature) <= s.threshold {
			rows[i], rows[j] = rows[j], rows[i]
			i++
		}
	}
	return rows[:i], rows[i:]
}

func (g *grower) at(row, feature int) float64 { return g.x[row*g.cols+feature] }

func (g *grower) mean(rows []int) float64 {
	sum := 0.0
	for _, r := range rows {
		sum += g.y[r]
	}
	return sum / float64(len(rows))
}
