// Package wrong is a program written the wrong way: each mistake is marked with the report
// lazyvet must give.
package wrong

import (
	"context"
	"flag"
	"math/rand"
	randv2 "math/rand/v2"
	"os"

	"github.com/lazygraph/lazygraph/delayed"
)

var (
	threshold float64                     // set in main
	table     = map[string]int{}          // filled in main
	verbose   = flag.Bool("v", false, "") // filled by flag.Parse
	fixed     = 2.5                       // never assigned again: fine
	counter   int                         // incremented in a helper main calls
)

// 1: package state set in main, read by tasks.
var above = delayed.Func1(func(x float64) bool {
	return x > threshold // want `reads the package-level variable threshold, which is set in main`
})

var lookup = delayed.Func1(lookupName)

func lookupName(name string) int {
	if *verbose { // want `reads the package-level variable verbose, which is set by the flag package`
		return -1
	}
	return helper(name) + int(fixed)
}

// helper is called by a task: checked as one.
func helper(name string) int {
	return table[name] + counter // want `reads the package-level variable table` `reads the package-level variable counter`
}

// 2: the global generator.
var noisy = delayed.Func1(func(x float64) float64 {
	return x + rand.NormFloat64() // want `calls math/rand.NormFloat64, the global generator`
})

var draw = delayed.Func1Ctx(func(ctx context.Context, n int) (int, error) {
	r := randv2.New(randv2.NewPCG(1, 2))   // a generator of its own: fine
	return r.IntN(n) + randv2.IntN(n), nil // want `calls math/rand/v2.IntN, the global generator`
})

// 4: values that cannot travel.
type model struct {
	Coef  []float64
	cache map[string]float64
}

var fit = delayed.Func2E(func(x []float64, m model) (model, error) { // want `parameter 2 has type model, whose struct .*model has the unexported field cache` `result has type model`
	return m, nil
})

type box struct{ inner *model }

var unbox = delayed.Func1(func(b []box) int { return len(b) }) // want `parameter 1 has type \[\]box, whose struct .*box has the unexported field inner`

func bump() { counter++ }

func main() {
	flag.Parse()
	threshold = 3
	table["a"] = 1
	bump()
	// 3: wrapped inside a function body.
	local := delayed.Func1(func(x int) int { return x + 1 }) // want `delayed.Func1 inside main: a function wrapped at run time is unknown to worker processes`
	_ = local
	_ = delayed.Call1(func(x int) int { return x }, delayed.Value(1)) // want `delayed.Call1 inside main`
	_ = delayed.Wrap[int](func(x int) int { return x })               // want `delayed.Wrap inside main`
	_ = os.Args
}
