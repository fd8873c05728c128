package regression

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestFitRefusesNonFinite: a NaN or ±Inf in the training data is an error wrapping
// ErrNonFinite, never a model whose predictions are all NaN.
func TestFitRefusesNonFinite(t *testing.T) {
	methods := map[string]Method{
		"ols":    OLS{},
		"ridge":  Ridge{Lambda: 1},
		"knn":    KNN{K: 3},
		"forest": Forest{Trees: 3, Rand: rand.New(rand.NewPCG(1, 1))},
	}
	for _, bad := range []float64{math.Inf(1), math.Inf(-1), math.NaN()} {
		for _, inY := range []bool{false, true} {
			x, y := randomData(3, 30, 3, 1)
			if inY {
				y[7] = bad
			} else {
				x.Set(7, 1, bad)
			}
			for name, m := range methods {
				if _, err := m.Fit(x, y); !errors.Is(err, ErrNonFinite) {
					t.Errorf("%s with %v (in y: %v): got %v, want ErrNonFinite", name, bad, inY, err)
				}
			}
		}
	}
}

// TestForestDrawsFeaturesUntilASplit: with one informative binary predictor among constant
// ones and one feature tried per split, every tree still splits on it (scikit-learn draws
// further features when those drawn are constant at a node), so the forest learns the step.
func TestForestDrawsFeaturesUntilASplit(t *testing.T) {
	const n, p = 200, 10
	rng := rand.New(rand.NewPCG(4, 4))
	x := mat.NewDense(n, p, nil)
	y := make([]float64, n)
	for i := range n {
		if i%2 == 0 {
			x.Set(i, 3, 1)
			y[i] = 10
		}
		y[i] += 0.1 * rng.NormFloat64()
	}
	m, err := Forest{Trees: 30, Features: 1, Rand: rand.New(rand.NewPCG(5, 5))}.Fit(x, y)
	if err != nil {
		t.Fatal(err)
	}
	if mse := MSE(y, m.Predict(x)); mse > 0.1 {
		t.Errorf("training MSE %v on a binary step with constant other predictors, want below 0.1", mse)
	}
}

// TestKNNTreeMatchesFullSort: the k-d tree search gives exactly the predictions of sorting
// every training row by distance (ties in training order), on data full of ties.
func TestKNNTreeMatchesFullSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	for _, p := range []int{1, 2, 3, 5, 20} {
		const n, queries = 700, 200
		x := mat.NewDense(n, p, nil)
		y := make([]float64, n)
		for i := range n {
			for j := range p {
				x.Set(i, j, float64(rng.IntN(5))) // few distinct values: many equal distances
			}
			y[i] = rng.NormFloat64()
		}
		q := mat.NewDense(queries, p, nil)
		for i := range queries {
			for j := range p {
				q.Set(i, j, float64(rng.IntN(6))-0.5*float64(rng.IntN(2)))
			}
		}
		for _, k := range []int{1, 4, 17, n} {
			m, err := KNN{K: k}.Fit(x, y)
			if err != nil {
				t.Fatal(err)
			}
			got := m.Predict(q)
			want := fullSortKNN(x, y, q, k)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("p=%d k=%d row %d: %v, full sort gives %v", p, k, i, got[i], want[i])
				}
			}
		}
	}
}

// fullSortKNN is the plain algorithm: sort every training row by (distance, row number).
func fullSortKNN(x *mat.Dense, y []float64, q *mat.Dense, k int) []float64 {
	n, _ := x.Dims()
	rows, _ := q.Dims()
	pred := make([]float64, rows)
	for i := range pred {
		c := make([]candidate, n)
		for j := range c {
			c[j] = candidate{squaredDistance(q.RawRowView(i), x.RawRowView(j)), j}
		}
		slices.SortFunc(c, compareCandidates)
		sum := 0.0
		for _, cj := range c[:k] {
			sum += y[cj.row]
		}
		pred[i] = sum / float64(k)
	}
	return pred
}
