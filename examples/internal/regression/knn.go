package regression

import (
	"fmt"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// KNN is k-nearest-neighbours regression: a prediction is the mean response of the K training
// rows nearest to the new row in Euclidean distance — scikit-learn's KNeighborsRegressor. Rows at
// equal distance are taken in training order. Predictors are used as they are: standardise them
// first if their scales differ.
//
// The neighbours are found with a k-d tree when there are few predictors (at most
// kdMaxDims), where it prunes most of the training rows, and by scanning every training row
// otherwise; both give exactly the same neighbours, in the same order, hence the same
// predictions.
type KNN struct {
	K int
}

// kdMaxDims is the most predictors for which KNN searches a k-d tree. Beyond a dozen or so
// dimensions a k-d tree visits most leaves anyway, and a plain scan is as fast.
const kdMaxDims = 16

// Fit keeps a copy of the training data (a k-nearest-neighbours model is its training data),
// indexed by a k-d tree when there are few predictors. K must be between 1 and the number of
// training rows.
func (k KNN) Fit(x *mat.Dense, y []float64) (Model, error) {
	if err := checkShape("k-nearest neighbours", x, y); err != nil {
		return nil, err
	}
	if k.K < 1 || k.K > len(y) {
		return nil, fmt.Errorf("k-nearest neighbours: k=%d, want 1 to the %d training rows: %w", k.K, len(y), ErrSettings)
	}
	_, p := x.Dims()
	m := &neighbours{x: mat.DenseCopyOf(x).RawMatrix().Data, dims: p, y: slices.Clone(y), k: k.K}
	if p <= kdMaxDims {
		m.tree = newKDTree(m.x, p)
	}
	return m, nil
}

// neighbours is a fitted KNN.
type neighbours struct {
	x    []float64 // training rows, row-major
	dims int
	y    []float64
	k    int
	tree *kdTree // nil: scan every row
}

// Predict averages the responses of each row's k nearest training rows, summed nearest first.
func (m *neighbours) Predict(x *mat.Dense) []float64 {
	rows, _ := x.Dims()
	pred := make([]float64, rows)
	h := &nearest{items: make([]candidate, 0, m.k), k: m.k}
	for i := range pred {
		q := x.RawRowView(i)
		h.items = h.items[:0]
		if m.tree != nil {
			m.tree.search(q, h)
		} else {
			for j := range m.y {
				h.offer(squaredDistance(q, m.x[j*m.dims:(j+1)*m.dims]), j)
			}
		}
		slices.SortFunc(h.items, compareCandidates)
		sum := 0.0
		for _, c := range h.items {
			sum += m.y[c.row]
		}
		pred[i] = sum / float64(m.k)
	}
	return pred
}

func squaredDistance(a, b []float64) float64 {
	sum := 0.0
	for i := range a {
		d := a[i] - b[i]
		sum += d * d
	}
	return sum
}
