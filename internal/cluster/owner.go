package cluster

import (
	"fmt"
	"sync/atomic"

	"github.com/lazygraph/lazygraph/internal/wire"
)

// Encoded is a value as it travels: its encoding and the wire name of the type it was encoded
// as. Files, when set, are memory files already holding the large attachments (one per
// attachment, -1 for none), which a link on this machine may pass instead of the bytes. An
// Encoded is reference counted: whoever keeps it holds a reference, and Cleanup runs when the
// last is released.
type Encoded struct {
	Value   wire.Value
	Type    string
	Files   []int
	Cleanup func()
	refs    atomic.Int32
}

// NewEncoded returns v encoded as type typ, with one reference, for the caller.
func NewEncoded(v wire.Value, typ string) *Encoded {
	e := &Encoded{Value: v, Type: typ}
	e.refs.Store(1)
	return e
}

// Retain adds a reference.
func (e *Encoded) Retain() { e.refs.Add(1) }

// Release drops a reference; the last runs Cleanup.
func (e *Encoded) Release() {
	if e.refs.Add(-1) == 0 && e.Cleanup != nil {
		e.Cleanup()
	}
}

// Owner is the party a computation belongs to: it supplies data, runs local tasks, receives
// outputs and the outcome. Data and DataSize are called by Submit, on its caller's goroutine;
// RunLocal on a goroutine of its own; Sent from any goroutine; the others on the coordinator's
// goroutine, where they must not block.
type Owner interface {
	// Data returns data node i encoded for workers, with one reference for the coordinator. It
	// is called at most once per node, for every data node some task uses, when the
	// computation is submitted.
	Data(i int32) (*Encoded, error)
	// DataSize estimates data node i's encoded size, for placement.
	DataSize(i int32) int64
	// RunLocal runs task i, whose function is Local, on its arguments' values. When done is
	// false the owner runs it elsewhere and reports with Coordinator.LocalDone.
	RunLocal(i int32, args []*Encoded) (result *Encoded, done bool, err error)
	// Output receives an output's value. The coordinator keeps its reference; retain to keep it.
	// key is where the value is kept when the computation persists its outputs, else 0.
	Output(i int32, v *Encoded, key uint64)
	// TaskDone tells of a finished task: when it started (Unix nanoseconds, by its worker's
	// clock) and ran for, the encoded size of its result (0 when it was not encoded: kept on its
	// worker), and the error record of a failure.
	TaskDone(i int32, worker int, startNs, elapsedNs, size int64, failure *wire.ErrorRecord)
	// Finished says the computation is over: nil, a *TaskFailure, or the cancellation's cause.
	Finished(err error)
	// Sent counts bytes sent to workers for the computation. It may be called from any goroutine.
	Sent(n int64)
}

// SmallDataOwner is an Owner that can give a small data node's encoding as bytes, without the
// Encoded that Data returns: Submit keeps small data as bytes anyway (smallValues), and a wide
// graph has as many data nodes as tasks. SmallData is called by Submit, on its caller's
// goroutine, instead of Data for the data nodes it can encode within limit bytes and no
// attachments (ok false: Data is called).
type SmallDataOwner interface {
	SmallData(i int32, limit int) (body []byte, typ string, ok bool, err error)
}

// OutputRelay is an Owner that takes what its tasks write to standard output and error on their
// workers (see worker.OutputCapture). TaskOutput is called on the coordinator's goroutine, before
// the task's TaskDone, with records that worker.EachOutputLine reads; out is valid only during
// the call.
type OutputRelay interface {
	TaskOutput(i int32, out []byte)
}

// TaskFailure is a computation's failure at one task: the task's own error, as a worker sent it,
// or a failure around it (its worker kept dying, an argument could not be sent).
type TaskFailure struct {
	Task   int32
	Record *wire.ErrorRecord // the task's error, from the worker
	Err    error             // or a failure found by the coordinator
}

func (f *TaskFailure) Error() string {
	if f.Err != nil {
		return fmt.Sprintf("task %d: %v", f.Task, f.Err)
	}
	return fmt.Sprintf("task %d: %s", f.Task, f.Record.Message)
}

func (f *TaskFailure) Unwrap() error { return f.Err }
