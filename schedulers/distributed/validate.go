package distributed

import (
	"fmt"
	"runtime/debug"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/internal/cluster"
)

// Limits of what a client may submit; beyond them a computation fails before it reaches the
// coordinator.
const (
	// maxNameBytes bounds a function's name and its type names.
	maxNameBytes = 16 << 10
	// maxChunksize bounds the tasks per batch a client may ask for.
	maxChunksize = 1 << 20
	// maxRetries bounds the retries a client may ask for.
	maxRetries = 1000
)

// validateSubmit checks a client's submission before anything is built from it: every index in
// range, argument offsets that add up, data nodes given once, sizes within the limits. A bad
// submission fails its computation with an error naming the task; it never reaches the
// coordinator, whose goroutine must not see an index out of range.
func validateSubmit(m *submit) error {
	n := len(m.Funcs)
	if len(m.ArgStart) != n+1 {
		return fmt.Errorf("%w: %d argument offsets for %d tasks", cluster.ErrInvalidGraph, len(m.ArgStart), n)
	}
	if m.ArgStart[0] != 0 || int(m.ArgStart[n]) != len(m.Args) {
		return fmt.Errorf("%w: argument offsets run from %d to %d over %d arguments", cluster.ErrInvalidGraph, m.ArgStart[0], m.ArgStart[n], len(m.Args))
	}
	for i := range n {
		if m.ArgStart[i+1] < m.ArgStart[i] || int(m.ArgStart[i+1]) > len(m.Args) {
			return fmt.Errorf("%w: task %d: argument offsets %d..%d out of order or range", cluster.ErrInvalidGraph, i, m.ArgStart[i], m.ArgStart[i+1])
		}
		f := m.Funcs[i]
		if f < -1 || int(f) >= len(m.Functions) {
			return fmt.Errorf("%w: task %d uses function %d of %d", cluster.ErrInvalidGraph, i, f, len(m.Functions))
		}
		if f == -1 && m.ArgStart[i+1] != m.ArgStart[i] {
			return fmt.Errorf("%w: data node %d has arguments", cluster.ErrInvalidGraph, i)
		}
		for _, a := range m.Args[m.ArgStart[i]:m.ArgStart[i+1]] {
			if a < 0 || int(a) >= i {
				return fmt.Errorf("%w: task %d takes task %d as an argument", cluster.ErrInvalidGraph, i, a)
			}
		}
	}
	for k, f := range m.Functions {
		if len(f.Name) > maxNameBytes || len(f.Elem) > maxNameBytes || len(f.Result) > maxNameBytes {
			return fmt.Errorf("%w: function %d: a name of %d bytes (at most %d)", cluster.ErrInvalidGraph, k, max(len(f.Name), len(f.Elem), len(f.Result)), maxNameBytes)
		}
		if err := validResources(f.Resources); err != nil {
			return fmt.Errorf("%w: function %d (%.100s): %w", cluster.ErrInvalidGraph, k, f.Name, err)
		}
		if f.Priority < -maxPriority || f.Priority > maxPriority {
			return fmt.Errorf("%w: function %d (%.100s): priority %d (%d to %d)", cluster.ErrInvalidGraph, k, f.Name, f.Priority, -maxPriority, maxPriority)
		}
	}
	for _, o := range m.Outputs {
		if o < 0 || int(o) >= n {
			return fmt.Errorf("%w: output task %d of %d tasks", cluster.ErrInvalidGraph, o, n)
		}
	}
	for _, st := range m.Streams {
		if st.Task < 0 || int(st.Task) >= n || m.Funcs[st.Task] == -1 || len(st.Key) != 32 {
			return fmt.Errorf("%w: a random-stream key of %d bytes for task %d", cluster.ErrInvalidGraph, len(st.Key), st.Task)
		}
	}
	if m.Retries < 0 || m.Retries > maxRetries {
		return fmt.Errorf("%w: %d retries (0 to %d)", cluster.ErrInvalidGraph, m.Retries, maxRetries)
	}
	if m.KeepGoing && m.Persist {
		return fmt.Errorf("%w: a computation of futures cannot keep going after a failure", cluster.ErrInvalidGraph)
	}
	if m.Priority < -maxPriority || m.Priority > maxPriority {
		return fmt.Errorf("%w: priority %d (%d to %d)", cluster.ErrInvalidGraph, m.Priority, -maxPriority, maxPriority)
	}
	if m.Chunksize < 0 || m.Chunksize > maxChunksize {
		return fmt.Errorf("%w: chunk size %d (0 to %d)", cluster.ErrInvalidGraph, m.Chunksize, maxChunksize)
	}
	given := make(map[int32]bool, len(m.Data)+len(m.External))
	isData := func(t int32) bool { return t >= 0 && int(t) < n && m.Funcs[t] == -1 }
	for _, d := range m.Data {
		if !isData(d.Task) || given[d.Task] {
			return fmt.Errorf("%w: a value for task %d, which is not a data node or has a value already", cluster.ErrInvalidGraph, d.Task)
		}
		if d.Attachments < 0 || len(d.Type) > maxNameBytes {
			return fmt.Errorf("%w: the value of task %d: %d attachments, a type name of %d bytes", cluster.ErrInvalidGraph, d.Task, d.Attachments, len(d.Type))
		}
		given[d.Task] = true
	}
	for _, x := range m.External {
		if !isData(x.Task) || given[x.Task] {
			return fmt.Errorf("%w: kept value %d for task %d, which is not a data node or has a value already", cluster.ErrInvalidGraph, x.Key, x.Task)
		}
		given[x.Task] = true
	}
	return nil
}

// submitChecked validates a submission and starts it. A panic while building the computation
// (a defect, since validation should have refused the input) fails this computation alone and is
// logged with its stack; the scheduler goes on serving.
func (sess *clientSession) submitChecked(m *submit, atts [][]byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			sess.s.log.Error("submission of a client made the scheduler panic", zap.String("client", sess.name),
				zap.Any("panic", r), zap.ByteString("stack", debug.Stack()))
			err = fmt.Errorf("%w: the scheduler could not accept the computation: %v", cluster.ErrInvalidGraph, r)
		}
	}()
	if err := validateSubmit(m); err != nil {
		return err
	}
	return sess.submit(m, atts)
}

// validLocalDone reports whether task i of a client's computation is one the client may report
// on: a task of the graph that runs at the client.
func validLocalDone(rj *remoteJob, i int32) bool {
	g := rj.job.Graph
	return i >= 0 && int(i) < g.Len() && !g.IsData(i) && g.Func(i).Local
}
