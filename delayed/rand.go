package delayed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"

	"github.com/lazygraph/lazygraph/graph"
)

// EnvSeed is the environment variable giving the root seed of the tasks' random streams, a
// whole number (below [WithSeed] and [Configure] in precedence). The default root seed is 0.
const EnvSeed = "LAZYGRAPH_SEED"

// WithSeed sets the computation's root seed, from which every task's random stream ([Rand]) is
// derived. The default is 0 (or LAZYGRAPH_SEED).
func WithSeed(seed uint64) Option {
	return func(s *settings) {
		s.seed = seed
		s.assign(settingSeed, nil)
	}
}

func seedFromEnvironment(s *settings) {
	v, ok := os.LookupEnv(EnvSeed)
	if !ok || v == "" {
		return
	}
	n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
	if err != nil {
		s.assign(settingSeed, fmt.Errorf("%s=%q: want a whole number from 0 to %d", EnvSeed, v, uint64(1<<64-1)))
		return
	}
	s.seed = n
	s.assign(settingSeed, nil)
}

// Rand returns the random stream of the task whose context ctx is: a ChaCha8 generator keyed by
// the computation's root seed ([WithSeed], LAZYGRAPH_SEED, 0 by default) and the task's stable
// identity. Call it in functions wrapped with a context parameter ([Func1Ctx] and its siblings,
// or [Wrap] of a function taking a context first); each call returns a new generator at the start
// of the same stream, so call it once per task.
//
// The task's stable identity is its key when that key is deterministic: a call of a function
// declared [Pure], whose key is a hash of the function's name and its arguments (the contents
// of data arguments, the keys of computed ones), or a task made with an explicit key. That
// identity depends on what the task computes and nothing else, so the stream stays the same
// when unrelated tasks are added to or removed from the graph, under every scheduler, worker
// count and chunk size, and when the task is retried. Tasks of functions that are not pure are
// numbered in the order they are made, which is no identity: Rand panics in them, with an error
// matching [graph.ErrNoStream] that the computation returns. Such tasks can take an explicit
// path instead, rng.New(seed, ids...) from package rng.
//
// Streams reach tasks on every scheduler, the same numbers on each.
func Rand(ctx context.Context) *rand.Rand {
	key, err := graph.TaskStreamKey(ctx)
	if err != nil {
		panic(fmt.Errorf("delayed.Rand: %w", err))
	}
	return rand.New(rand.NewChaCha8(key))
}
