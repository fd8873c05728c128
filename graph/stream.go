package graph

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/lazygraph/lazygraph/rng"
)

// ErrNoStream is matched by the error of asking for the random stream of a task that has none:
// its key is not stable (its function is not pure and it has no explicit key), or it does not
// run under a scheduler that gives tasks their streams.
var ErrNoStream = errors.New("no random stream for this task")

// StableKey returns the task's key and whether it is stable: the same in every process and every
// run of the program, whatever other tasks the graph holds. Explicit keys are stable, and so are
// the keys of pure functions' calls (a hash of the function name and the arguments' contents or
// keys) when every computed argument's key is stable too; the default keys, numbered in the
// order tasks are made, are not.
func (t *Task) StableKey() (Key, bool) {
	if x := t.extra.Load(); x != nil && x.key != "" {
		return x.key, !x.drift
	}
	return t.Key(), false
}

// stableArgs reports whether every computed argument has a stable key.
func stableArgs(args []*Task) bool {
	for _, a := range args {
		if a == nil || a.fn == nil {
			continue
		}
		if _, ok := a.StableKey(); !ok {
			return false
		}
	}
	return true
}

// streamDomain keeps task streams apart from streams a program derives with rng itself.
var streamDomain = rng.ID("lazygraph task stream")

// StreamKey returns the key of the random stream of the task whose stable key is id, in a
// computation with root seed seed: rng.Key(seed, the ID of "lazygraph task stream", the four
// little-endian words of SHA-256(id)).
func StreamKey(seed uint64, id Key) [32]byte {
	sum := sha256.Sum256([]byte(id))
	var path [5]uint64
	path[0] = streamDomain
	for i := range 4 {
		path[i+1] = binary.LittleEndian.Uint64(sum[8*i:])
	}
	return rng.Key(seed, path[:]...)
}

// taskStream is what a task's context carries about its random stream.
type taskStream struct {
	seed uint64
	task *Task    // on the local schedulers: the key is derived when asked for
	key  [32]byte // on workers: the key as sent
	sent bool
}

type streamContextKey struct{}

// WithTaskStream returns ctx carrying the random stream of task t in a computation with root
// seed seed; [TaskStreamKey] derives it when asked. Schedulers call it for tasks whose functions
// take a context.
func WithTaskStream(ctx context.Context, seed uint64, t *Task) context.Context {
	return context.WithValue(ctx, streamContextKey{}, &taskStream{seed: seed, task: t})
}

// WithStreamKey returns ctx carrying a stream key computed elsewhere (by the client, for a task
// run by a worker process).
func WithStreamKey(ctx context.Context, key [32]byte) context.Context {
	return context.WithValue(ctx, streamContextKey{}, &taskStream{key: key, sent: true})
}

// TaskStreamKey returns the key of the random stream ctx carries: that of the task the context
// was given to. The error matches [ErrNoStream] when there is none.
func TaskStreamKey(ctx context.Context) ([32]byte, error) {
	s, _ := ctx.Value(streamContextKey{}).(*taskStream)
	switch {
	case s == nil:
		return [32]byte{}, fmt.Errorf("%w: the context is not a task's, or this scheduler does not give tasks their streams yet", ErrNoStream)
	case s.sent:
		return s.key, nil
	}
	id, stable := s.task.StableKey()
	if !stable {
		name := "?"
		if s.task.fn != nil {
			name = s.task.fn.name
		}
		return [32]byte{}, fmt.Errorf("%w: task %s has no stable identity; declare %s pure, or derive a stream from an explicit path with package rng", ErrNoStream, id, name)
	}
	return StreamKey(s.seed, id), nil
}
