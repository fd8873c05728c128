// Package streams is the examples' former home of per-task random streams; it now forwards to
// the public package [rng], which has the same derivation, so results are unchanged. New code
// should use rng directly.
package streams

import (
	"math/rand/v2"

	"github.com/lazygraph/lazygraph/rng"
)

// New is [rng.New].
func New(seed uint64, ids ...uint64) *rand.Rand { return rng.New(seed, ids...) }

// Key is [rng.Key].
func Key(seed uint64, ids ...uint64) [32]byte { return rng.Key(seed, ids...) }
