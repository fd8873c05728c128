package regression

import (
	"cmp"
	"fmt"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// KNN is k-nearest-neighbours regression: a prediction is the mean response of the K training
// rows nearest to the new row in Euclidean distance — scikit-learn's KNeighborsRegressor. Rows at
// equal distance are taken in training order. Predictors are used as they are: standardise them
// first if their scales differ.
type KNN struct {
	K int
}

// Fit keeps a copy of the training data: a k-nearest-neighbours model is its training data.
// K must be between 1 and the number of training rows.
func (k KNN) Fit(x *mat.Dense, y []float64) (Model, error) {
	if err := checkShape("k-nearest neighbours", x, y); err != nil {
		return nil, err
	}
	if k.K < 1 || k.K > len(y) {
		return nil, fmt.Errorf("k-nearest neighbours: k=%d, want 1 to the %d training rows: %w", k.K, len(y), ErrSettings)
	}
	return &neighbours{x: mat.DenseCopyOf(x), y: slices.Clone(y), k: k.K}, nil
}

// neighbours is a fitted KNN.
type neighbours struct {
	x *mat.Dense
	y []float64
	k int
}

// Predict averages the responses of each row's k nearest training rows.
func (m *neighbours) Predict(x *mat.Dense) []float64 {
	rows, _ := x.Dims()
	n := len(m.y)
	dist := make([]float64, n)
	order := make([]int, n)
	pred := make([]float64, rows)
	for i := range pred {
		for j := range n {
			dist[j] = squaredDistance(x.RawRowView(i), m.x.RawRowView(j))
			order[j] = j
		}
		slices.SortFunc(order, func(a, b int) int {
			return cmp.Or(cmp.Compare(dist[a], dist[b]), cmp.Compare(a, b))
		})
		sum := 0.0
		for _, j := range order[:m.k] {
			sum += m.y[j]
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
