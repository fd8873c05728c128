// Package streams derives independent random number streams for parallel tasks.
//
// A task's stream must depend only on what identifies the task — the study's root seed and,
// say, the replicate or fold number — never on which worker runs it or in what order. Then a
// program gives byte-identical results on one core or a hundred, under any scheduler, worker
// count or chunk size.
//
//	rng := streams.New(seed, uint64(replicate)) // same numbers wherever replicate runs
package streams

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
)

// New returns a generator whose stream is determined by seed and ids alone: a ChaCha8
// generator keyed by the SHA-256 hash of them. Different (seed, ids...) give statistically
// independent streams, even when they differ in one bit only, so consecutive task numbers are
// safe to use as ids.
//
// Use several ids to keep streams of different purposes apart, e.g. New(seed, simulateData)
// and New(seed, growForest, uint64(fold)).
func New(seed uint64, ids ...uint64) *rand.Rand {
	return rand.New(rand.NewChaCha8(Key(seed, ids...)))
}

// Key returns the 32-byte ChaCha8 key New uses: SHA-256 of seed and ids as 8-byte
// little-endian words, after their count (so New(s) and New(s, 0) differ).
func Key(seed uint64, ids ...uint64) [32]byte {
	buf := make([]byte, 0, 8*(len(ids)+2))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(len(ids)))
	buf = binary.LittleEndian.AppendUint64(buf, seed)
	for _, id := range ids {
		buf = binary.LittleEndian.AppendUint64(buf, id)
	}
	return sha256.Sum256(buf)
}
