// Package worker is the part of lazygraph that runs in worker processes, shared by the processes
// and distributed schedulers: the instructions a worker receives, the results it sends back, and
// the [Executor] that runs tasks, keeping their results by key so that a value reaches each
// worker at most once and a chain of tasks placed on one worker never leaves it.
//
// The package knows nothing about connections: a scheduler's transport decodes frames into the
// messages defined here and hands them to an Executor, which reports through a [Sink].
package worker

import (
	"github.com/lazygraph/lazygraph/internal/wire"
)

// Protocol is the version of the messages below; peers with another version are refused.
const Protocol = 1

// Frame kinds.
const (
	KindHello   byte = 1 // worker to parent: Hello
	KindBatch   byte = 2 // parent to worker: Batch
	KindResults byte = 3 // worker to parent: Results
	KindFetch   byte = 4 // parent to worker: Fetch
	KindValues  byte = 5 // worker to parent: Values, answering a Fetch
	KindCancel  byte = 6 // parent to worker: Cancel
	KindRefuse  byte = 7 // parent to worker: Refuse, then the connection closes
	KindMemory  byte = 8 // worker to parent: MemoryReport
	// KindHandBack is parent to worker: HandBack (handback.go).
	KindHandBack byte = 9
)

// Hello is the first message of a worker: who it is.
type Hello struct {
	Protocol int    `msgpack:"v"`
	BuildID  string `msgpack:"b"`
	PID      int    `msgpack:"p"`
}

// Refuse tells a worker why it is not wanted.
type Refuse struct {
	Reason string `msgpack:"r"`
}

// Batch is a worker's instructions: define functions, store values, run tasks, forget values and
// finished jobs. They are carried out in that order; tasks run one at a time in the order given, so a task may
// use the result of an earlier task of the same or an earlier batch.
type Batch struct {
	Job       uint32        `msgpack:"j,omitempty"` // the job the batch's values and tasks belong to
	Functions []FunctionDef `msgpack:"f,omitempty"`
	Puts      []Put         `msgpack:"p,omitempty"`
	Peers     []PeerSource  `msgpack:"q,omitempty"` // values to fetch from other workers first
	Tasks     []Task        `msgpack:"t,omitempty"`
	Release   []uint64      `msgpack:"r,omitempty"`
	Finished  []uint32      `msgpack:"x,omitempty"` // jobs that are over: forget their state
	// Store is the job's result store, when the worker may write its tasks' results there
	// itself (see Task.StoreKey).
	Store *StoreSpec `msgpack:"st,omitempty"`
	// NoRelay says that the job's tasks' output is not to be relayed: the worker leaves it on its
	// own standard output and error.
	NoRelay bool `msgpack:"o,omitempty"`
}

// FunctionDef enters a function into the connection's function table under ID.
type FunctionDef struct {
	ID   uint32 `msgpack:"i"`
	Name string `msgpack:"n"`
	Elem string `msgpack:"e,omitempty"` // the builtin slice function: the element type's wire name
}

// Put is a value to keep under Key: its static type's wire name and its encoding. Its
// attachments are the next Attachments of the frame's attachments, in order.
type Put struct {
	Key         uint64 `msgpack:"k"`
	Type        string `msgpack:"t"`
	Body        []byte `msgpack:"b"`
	Attachments int    `msgpack:"a,omitempty"`
}

// PeerSource says where a value is held: the worker listening at Address, which sends it encoded
// as Type when asked (distributed scheduler: values travel worker to worker).
type PeerSource struct {
	Key     uint64 `msgpack:"k"`
	Type    string `msgpack:"t"`
	Address string `msgpack:"a"`
}

// Send says whether a task's result goes back to the parent.
type Send uint8

const (
	SendNever   Send = 0 // keep it here; the parent fetches it if ever needed
	SendIfSmall Send = 1 // send it when its encoding is small, otherwise keep it and say how big
	SendAlways  Send = 2 // send it whatever its size (outputs)
	// SendInstead sends it when its encoding is small, and then does not keep it here: the
	// parent keeps it (values a gathering task at the parent takes). A large one is kept here,
	// as with SendIfSmall.
	SendInstead Send = 3
)

// Task is one call to run. Its result is kept under Key until released.
type Task struct {
	Key  uint64 `msgpack:"k"`
	Job  uint32 `msgpack:"j"`
	Fn   uint32 `msgpack:"f"`
	Args []Arg  `msgpack:"a,omitempty"`
	Send Send   `msgpack:"s,omitempty"`
	// Stream is the key of the task's random stream (schedulers.Job.StreamKey), for functions
	// that take a context; empty otherwise.
	Stream []byte `msgpack:"r,omitempty"`
	// Retries is how many more times to run the task when it fails, unless its function sets
	// its own (the computation's delayed.WithRetries).
	Retries int `msgpack:"y,omitempty"`
	// Placed says the coordinator places retries itself (preferring another worker): the
	// executor makes one attempt, number Tried+1, and on failure reports whether the policy
	// allows another (Result.Retry) instead of retrying here.
	Placed bool  `msgpack:"pl,omitempty"`
	Tried  uint8 `msgpack:"tr,omitempty"` // attempts made before this one (elsewhere)
	// StoreKey is the entry key under which the task's result is kept in its job's result store
	// (Batch.Store), when the worker sees that directory; empty for a result not kept.
	StoreKey string `msgpack:"c,omitempty"`
}

// Arg is a task argument: a kept value by key, or a small value given inline (Key 0), encoded
// with the parameter's type.
type Arg struct {
	Key  uint64 `msgpack:"k,omitempty"`
	Body []byte `msgpack:"b,omitempty"`
}

// Results reports finished tasks, in the order they ran.
type Results struct {
	Items []Result `msgpack:"r"`
	// Stopping says the worker runs nothing after these results and is about to end (a task
	// ignored its timeout): the tasks sent to it and not reported never started.
	Stopping bool `msgpack:"x,omitempty"`
	// Dropped are tasks the worker was sent and will never run, because it was asked to hand
	// them back (HandBack): they never started.
	Dropped []TaskRef `msgpack:"d,omitempty"`
}

// Result is one finished task. When Sent, Body (with the frame's next Attachments attachments)
// is the result encoded with the function's result type. Size is the size of the encoded result
// whether sent or not.
type Result struct {
	Key         uint64            `msgpack:"k"`
	Job         uint32            `msgpack:"j"`
	Err         *wire.ErrorRecord `msgpack:"e,omitempty"`
	Sent        bool              `msgpack:"s,omitempty"`
	Body        []byte            `msgpack:"b,omitempty"`
	Attachments int               `msgpack:"a,omitempty"`
	Size        int64             `msgpack:"z,omitempty"`
	Start       int64             `msgpack:"t"` // Unix nanoseconds
	// Stored says the worker kept the result in its job's result store (or found it there).
	Stored  bool  `msgpack:"st,omitempty"`
	Elapsed int64 `msgpack:"d"` // nanoseconds
	// Retry says the task failed on an attempt of a Placed task and its policy allows another.
	Retry bool `msgpack:"rt,omitempty"`
	// Output is what the task wrote to standard output and error, when the worker relays it:
	// records of a stream byte (Stdout, Stderr), a line and '\n' (see EachOutputLine).
	Output []byte `msgpack:"o,omitempty"`
}

// Fetch asks for kept values, encoded with the given types.
type Fetch struct {
	Keys  []uint64 `msgpack:"k"`
	Types []string `msgpack:"t"`
}

// Values answers a Fetch. A key the worker does not hold comes back with an empty Type.
type Values struct {
	Puts []Put `msgpack:"p"`
}

// Cancel stops a job's tasks: the running one's context is cancelled and its queued ones are
// reported as cancelled without running.
type Cancel struct {
	Job uint32 `msgpack:"j"`
}

// MemoryReport is a worker's memory as it sees it, sent when it pauses or resumes, when a job
// ends, and every MemoryReportInterval while it has a limit; without a limit, a usage report
// (Usage) every UsageReportInterval.
type MemoryReport struct {
	Limit        int64  `msgpack:"l,omitempty"` // the worker's budget (Memory.Limit), 0 for none
	RSS          int64  `msgpack:"r,omitempty"` // resident memory now
	PeakRSS      int64  `msgpack:"h,omitempty"` // resident memory at its highest (VmHWM)
	Held         int64  `msgpack:"m,omitempty"` // encoded bytes of the values held in memory
	Spilled      int64  `msgpack:"d,omitempty"` // encoded bytes of the values on disk now
	SpilledTotal int64  `msgpack:"t,omitempty"` // bytes written to disk in all
	Paused       bool   `msgpack:"p,omitempty"` // it starts no new task until memory falls
	Terminated   bool   `msgpack:"x,omitempty"` // it is ending itself for memory (Memory.Terminate)
	Running      string `msgpack:"n,omitempty"` // the task running, when one is: function and key
	// CPU is the CPU time (user and system) the worker process has used so far, in nanoseconds.
	CPU int64 `msgpack:"c,omitempty"`
	// Usage marks a report of a worker without a budget, sent every UsageReportInterval for
	// dashboards: only RSS, PeakRSS and CPU are set, and it changes nothing in scheduling.
	Usage bool `msgpack:"u,omitempty"`
}
