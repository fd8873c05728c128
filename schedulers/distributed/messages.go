package distributed

import (
	"fmt"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// protocol is the version of the messages below. Peers with another version are refused.
const protocol = 1

// Frame kinds of the distributed protocol. Workers also use the kinds of internal/worker.
const (
	kindHeartbeat byte = 20
	kindChallenge byte = 21
	kindResponse  byte = 22
	kindWelcome   byte = 23
	kindRefuse    byte = 24
	kindHello     byte = 25 // worker or client, after authenticating: who it is

	kindSubmit     byte = 30 // client: a computation
	kindOutput     byte = 31 // scheduler: an output's value
	kindEvents     byte = 32 // scheduler: finished tasks, for callbacks and progress
	kindFinished   byte = 33 // scheduler: a computation is over
	kindCancelJob  byte = 34 // client: stop a computation
	kindLocalRun   byte = 35 // scheduler: run a builtin assembly task at the client
	kindLocalDone  byte = 36 // client: its result
	kindScatter    byte = 37 // client: keep a value in the cluster
	kindStored     byte = 38 // scheduler: the key it is kept under
	kindForget     byte = 39 // client: values it no longer needs kept
	kindWorkerInfo byte = 40 // scheduler, answering a Hello: the cluster as it stands
)

// hello is the first message after authenticating.
type hello struct {
	Role        string `msgpack:"r"`
	BuildID     string `msgpack:"b,omitempty"`
	Fingerprint string `msgpack:"f"` // of the functions the program registers
	PID         int    `msgpack:"p,omitempty"`
	Name        string `msgpack:"n,omitempty"`
	PeerAddress string `msgpack:"a,omitempty"` // a worker's address for other workers
	// Resources are what a worker declares (see cluster.Worker.Resources).
	Resources graph.Resources `msgpack:"rs,omitempty"`
	// Nanny says a nanny supervises this worker and tells how it dies (see nanny.go).
	Nanny bool `msgpack:"nn,omitempty"`
}

type clusterInfo struct {
	Workers int `msgpack:"w"`
}

// submit is a computation: its graph (see cluster.NewGraph), its data encoded by the client, and
// which data nodes stand for values kept in the cluster.
type submit struct {
	Job       uint64             `msgpack:"j"`
	ArgStart  []int32            `msgpack:"as"`
	Args      []int32            `msgpack:"a"`
	Funcs     []int32            `msgpack:"f"`
	Functions []cluster.Function `msgpack:"fs"`
	Outputs   []int32            `msgpack:"o"`
	Chunksize int                `msgpack:"c,omitempty"`
	Data      []dataEntry        `msgpack:"d,omitempty"`
	External  []externalEntry    `msgpack:"x,omitempty"`
	Events    bool               `msgpack:"e,omitempty"`  // send task events
	Persist   bool               `msgpack:"p,omitempty"`  // keep outputs in the cluster (futures)
	Streams   []streamEntry      `msgpack:"r,omitempty"`  // tasks' random-stream keys
	Retries   int                `msgpack:"y,omitempty"`  // the computation's retries for failed tasks
	KeepGoing bool               `msgpack:"k,omitempty"`  // record failures and skip what needs them
	Store     *storeSpec         `msgpack:"st,omitempty"` // the client's result store (store.go)
	Priority  int                `msgpack:"pr,omitempty"` // the computation's priority (cluster.Job.Priority)
	NoRelay   bool               `msgpack:"nr,omitempty"` // leave tasks' output on the workers (output.go)
}

// streamEntry is the key of one task's random stream (see worker.Task.Stream).
type streamEntry struct {
	Task int32  `msgpack:"t"`
	Key  []byte `msgpack:"k"`
}

// dataEntry is a data node's encoding; its attachments are the next Attachments of the frame's.
type dataEntry struct {
	Task        int32  `msgpack:"t"`
	Type        string `msgpack:"y"`
	Body        []byte `msgpack:"b"`
	Attachments int    `msgpack:"n,omitempty"`
}

type externalEntry struct {
	Task int32  `msgpack:"t"`
	Key  uint64 `msgpack:"k"`
}

type output struct {
	Job         uint64 `msgpack:"j"`
	Task        int32  `msgpack:"t"`
	Type        string `msgpack:"y"`
	Body        []byte `msgpack:"b"`
	Attachments int    `msgpack:"n,omitempty"`
	Key         uint64 `msgpack:"k,omitempty"` // where it is kept, when persisted
	// Stored says the result is in the client's result store already (a worker or the
	// scheduler wrote it there): the client need not write it.
	Stored bool `msgpack:"s,omitempty"`
}

type events struct {
	Job   uint64      `msgpack:"j"`
	Items []taskEvent `msgpack:"i"`
}

type taskEvent struct {
	Task    int32             `msgpack:"t"`
	Worker  int               `msgpack:"w"`
	Start   int64             `msgpack:"s"`
	Elapsed int64             `msgpack:"d"`
	Size    int64             `msgpack:"z,omitempty"` // encoded size of its result, when encoded
	Err     *wire.ErrorRecord `msgpack:"e,omitempty"`
}

// finished ends a computation. A failure at a task carries the task; others carry a message
// and whether the scheduler closed.
type finished struct {
	Job       uint64            `msgpack:"j"`
	Failed    bool              `msgpack:"f,omitempty"`
	Task      int32             `msgpack:"t"`
	Record    *wire.ErrorRecord `msgpack:"r,omitempty"`
	Message   string            `msgpack:"m,omitempty"`
	Code      string            `msgpack:"c,omitempty"` // what kind of failure, for errors.Is on the client
	BytesSent int64             `msgpack:"b,omitempty"`
	// A computation that kept going: its failed tasks, and its skipped tasks with their causes.
	KeptFailed []keptFailure `msgpack:"kf,omitempty"`
	Skipped    []skippedTask `msgpack:"ks,omitempty"`
}

// keptFailure is one failed task of a computation that kept going: the worker's record of its
// error, or the coordinator's message (Code says what kind).
type keptFailure struct {
	Task    int32             `msgpack:"t"`
	Record  *wire.ErrorRecord `msgpack:"r,omitempty"`
	Message string            `msgpack:"m,omitempty"`
	Code    string            `msgpack:"c,omitempty"`
}

// skippedTask is a task not run because Cause failed or was skipped.
type skippedTask struct {
	Task  int32 `msgpack:"t"`
	Cause int32 `msgpack:"c"`
}

// Failure codes of finished messages.
const (
	codeWorkerDied = "worker-died"
	codeClosed     = "closed"
	codeCancelled  = "cancelled"
	codeNoWorkers  = "no-workers"
)

type cancelJob struct {
	Job    uint64 `msgpack:"j"`
	Reason string `msgpack:"r"`
}

type localRun struct {
	Job  uint64       `msgpack:"j"`
	Task int32        `msgpack:"t"`
	Args []localValue `msgpack:"a"`
}

type localValue struct {
	Type        string `msgpack:"y"`
	Body        []byte `msgpack:"b"`
	Attachments int    `msgpack:"n,omitempty"`
}

type localDone struct {
	Job   uint64     `msgpack:"j"`
	Task  int32      `msgpack:"t"`
	Value localValue `msgpack:"v"`
	Err   string     `msgpack:"e,omitempty"`
}

type scatter struct {
	Request     uint64 `msgpack:"q"`
	Type        string `msgpack:"y"`
	Body        []byte `msgpack:"b"`
	Attachments int    `msgpack:"n,omitempty"`
	Broadcast   bool   `msgpack:"c,omitempty"`
}

type stored struct {
	Request uint64 `msgpack:"q"`
	Key     uint64 `msgpack:"k"`
	Err     string `msgpack:"e,omitempty"`
}

type forget struct {
	Keys []uint64 `msgpack:"k"`
}

// encodeMessage and decodeMessage are the frame bodies of the protocol, the worker protocol's
// included (worker.AppendMessage: batches and results through its body codecs). A decoded
// worker.Batch or worker.Results shares the frame body's memory: conn hands out a fresh body
// with every frame and never reuses it (see conn.receive).
func encodeMessage(msg any) ([]byte, error) { return worker.EncodeMessage(msg) }

func decodeMessage(body []byte, msg any) error { return worker.DecodeMessage(body, msg) }

// takeAttachments splits off the next n attachments, refusing counts that do not fit.
func takeAttachments(atts [][]byte, n int) ([][]byte, [][]byte, error) {
	if n < 0 || n > len(atts) {
		return nil, nil, fmt.Errorf("%w: %d attachments announced, %d left", wire.ErrMalformedFrame, n, len(atts))
	}
	return atts[:n], atts[n:], nil
}
