// Package right is the same program written the right way: lazyvet reports nothing.
package right

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"gonum.org/v1/gonum/mat"
)

type settings struct {
	Threshold float64
	Seed      uint64
}

var limit = 10 // assigned only here and in init

func init() { limit = 20 }

type model struct {
	Coef    []float64
	Fitted  time.Time
	Design  *mat.Dense
	Private secret
}

// secret has an unexported field but encodes itself.
type secret struct{ v int }

func (s secret) MarshalBinary() ([]byte, error) { return []byte{byte(s.v)}, nil }

var (
	above = delayed.Func1(func(s settings) bool { return s.Threshold > float64(limit) })
	draw  = delayed.Func1Ctx(func(ctx context.Context, s settings) (float64, error) {
		r := rand.New(rand.NewPCG(s.Seed, 1))
		return r.Float64(), nil
	}, delayed.Pure())
	fit    = delayed.Func1(fitModel)
	double = delayed.Func1(func(x int) int { return 2 * x })
)

func fitModel(s settings) model { return model{Coef: []float64{s.Threshold}} }

// Built once, at package initialisation: fine.
var made = func() func(delayed.Delayed[int]) delayed.Delayed[int] {
	return delayed.Func1(func(x int) int { return x })
}()

func main() {
	s := settings{Threshold: 1}
	_ = above(delayed.Value(s))
	_ = delayed.Map(double, []int{1, 2, 3})
	_, _, _ = draw, fit, made
}
