// Package rng derives independent random number streams for parallel work, from a root seed and
// a path of identifiers: a replicate number, a fold, a method.
//
// The contract: a stream is determined by (seed, path) alone. It never depends on the scheduler,
// the number of workers, the chunk size, the order tasks run in or how often a task was retried,
// so a program that takes every random number of a task from the task's own stream gives
// byte-identical results on one core or a hundred. Streams of different (seed, path) are
// statistically independent, even when the paths differ in one bit only, so consecutive
// replicate numbers are safe identifiers; the paths (s), (s, 0) and (s, 0, 0) are all different.
//
// Each stream is a ChaCha8 generator (math/rand/v2) keyed by the SHA-256 hash of the seed and
// the path. The derivation is part of the contract: the same (seed, path) gives the same
// numbers in every version of this package and on every platform.
//
//	r := rng.New(seed, uint64(replicate))                         // one replicate's stream
//	r := rng.New(seed, rng.ID("ridge"), uint64(fold))              // a method's stream for one fold
//
// Package rng depends on the standard library only. Inside a lazygraph task, delayed.Rand gives
// the task its own stream without passing a seed around.
package rng

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
)

// New returns a generator whose stream is determined by seed and path alone. Different
// (seed, path) give statistically independent streams.
//
// Use path elements to keep streams of different purposes apart, e.g. New(seed, simulateData)
// and New(seed, growForest, uint64(fold)), where simulateData and growForest are constants or
// [ID]s of names.
func New(seed uint64, path ...uint64) *rand.Rand {
	return rand.New(Source(seed, path...))
}

// Source returns the ChaCha8 source behind [New], for libraries that take a rand.Source (gonum's
// distributions, say). Its state can be saved with MarshalBinary.
func Source(seed uint64, path ...uint64) *rand.ChaCha8 {
	return rand.NewChaCha8(Key(seed, path...))
}

// Key returns the 32-byte ChaCha8 key [New] uses: the SHA-256 hash of the path's length, the
// seed and the path's elements, each as 8 little-endian bytes. The length comes first so that
// New(s) and New(s, 0) differ.
func Key(seed uint64, path ...uint64) [32]byte {
	buf := make([]byte, 0, 8*(len(path)+2))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(len(path)))
	buf = binary.LittleEndian.AppendUint64(buf, seed)
	for _, id := range path {
		buf = binary.LittleEndian.AppendUint64(buf, id)
	}
	return sha256.Sum256(buf)
}

// ID turns a name into a path element: the first 8 bytes (little-endian) of the SHA-256 hash of
// "rng.ID:" and the name. Equal names give equal IDs in every process; different names give
// different IDs except with probability about 2⁻⁶⁴ per pair.
func ID(name string) uint64 {
	sum := sha256.Sum256([]byte("rng.ID:" + name))
	return binary.LittleEndian.Uint64(sum[:8])
}

// Streams derives the streams of a study from one root: Streams{Seed: s}.New(ids...) is
// New(s, ids...) and Streams{Seed: s}.Sub(a).New(b) is New(s, a, b). It is a small value that
// can be passed to tasks (all its fields are exported) so that each derives its own stream.
type Streams struct {
	Seed uint64   // the root seed
	Path []uint64 // the path so far; nil at the root
}

// Sub returns the streams below path: a prefix that every stream derived from the result shares.
func (s Streams) Sub(path ...uint64) Streams {
	p := make([]uint64, 0, len(s.Path)+len(path))
	return Streams{Seed: s.Seed, Path: append(append(p, s.Path...), path...)}
}

// New returns the generator of the stream at s's path followed by path.
func (s Streams) New(path ...uint64) *rand.Rand {
	return New(s.Seed, s.Sub(path...).Path...)
}
