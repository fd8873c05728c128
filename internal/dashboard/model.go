package dashboard

import (
	"math/bits"
	"time"
)

// Snapshot is what the dashboard shows at one moment. Its JSON form is what /events and
// /api/snapshot send.
type Snapshot struct {
	Title     string `json:"title"`
	Scheduler string `json:"scheduler"`
	// Now is the snapshot's time, in milliseconds since Epoch; task times are relative to it.
	Now   int64 `json:"now_ms"`
	Epoch int64 `json:"epoch_ms"`

	Functions    []FunctionStats `json:"functions"`
	Workers      []WorkerStats   `json:"workers"`
	Computations []Computation   `json:"computations"`
	Failures     []Failure       `json:"failures"`
	// Stream holds finished tasks not sent before on this connection (all those remembered for
	// the first snapshot), oldest first.
	Stream []TaskSpan `json:"stream"`
	// Process is this process's memory and CPU.
	Process ProcessStats `json:"process"`
	// BytesSent counts the bytes that crossed into worker processes (0 when tasks run here).
	BytesSent int64 `json:"bytes_sent"`
	// Queued counts the tasks waiting for a worker, by computation (cluster only).
	Queued int `json:"queued"`
}

// FunctionStats counts one function's tasks over the computations shown.
type FunctionStats struct {
	Name    string `json:"name"`
	Total   int64  `json:"total"`
	Done    int64  `json:"done"`
	Running int64  `json:"running"`
	Failed  int64  `json:"failed"`
	// Queued counts the tasks neither finished nor running, of computations still running.
	Queued int64 `json:"queued"`
	// Skipped counts the tasks of ended computations that never ran (skipped after a failure,
	// or cancelled).
	Skipped int64 `json:"skipped"`
	// Timed counts the finished tasks that were timed: all of them, but for a sample of the
	// short ones (under 64µs) where tasks run in this process (see schedulers.SampledObserver).
	Timed int64 `json:"timed"`
	// TotalNs is the time the timed tasks took, in nanoseconds.
	TotalNs int64 `json:"total_ns"`
	// Buckets counts timed tasks by duration: Buckets[k] those at most BucketBound(k).
	Buckets [NumBuckets]int64 `json:"-"`
}

// WorkerStats describes one worker (one lane of the task stream).
type WorkerStats struct {
	ID        int    `json:"id"`
	Name      string `json:"name"`
	Running   int64  `json:"running"`
	Done      int64  `json:"done"`
	Queued    int    `json:"queued"`
	HeldKeys  int    `json:"held_keys"`
	HeldBytes int64  `json:"held_bytes"`
	// RSS and CPU are the memory and the CPU share (1 is one core) of the worker's process,
	// when known (-1 otherwise).
	RSS int64   `json:"rss"`
	CPU float64 `json:"cpu"`
}

// Computation is one computation, running or recently finished.
type Computation struct {
	ID int `json:"id"`
	// Client is where the computation came from: "this process" for a Collector's; on a
	// cluster, the client's name, process ID and address (see cluster.ClientLabel), "–" when
	// its owner names none.
	Client    string `json:"client"`
	Scheduler string `json:"scheduler"`
	Tasks     int64  `json:"tasks"`
	Done      int64  `json:"done"`
	Failed    int64  `json:"failed"`
	State     string `json:"state"` // running, done, failed
	Error     string `json:"error,omitempty"`
	StartMs   int64  `json:"start_ms"`
	EndMs     int64  `json:"end_ms,omitempty"`
}

// Failure is a failed task.
type Failure struct {
	// Key identifies the task as its scheduler knows it: the graph's key where the task ran in
	// this process, "computation 3, task 12" on a cluster (whose coordinator knows tasks by
	// index).
	Key string `json:"key"`
	// Task is what the page shows: the function's display name and which of its tasks failed
	// ("stats.flaky-86" for the key "example.com/m/stats.init.func4-86"; "stats.flaky #12" for
	// task 12 of a cluster's computation), or the key when it does not spell its function.
	Task string `json:"task"`
	Func string `json:"function"`
	// Computation is the ID of the computation the task belonged to (0 when unknown).
	Computation int `json:"computation,omitempty"`
	Worker      int `json:"worker"`
	// WorkerName names the worker where it has a name (a cluster's workers).
	WorkerName string `json:"worker_name,omitempty"`
	Error      string `json:"error"`
	AtMs       int64  `json:"at_ms"`
}

// TaskSpan is one finished task of the stream.
type TaskSpan struct {
	ID      uint64  `json:"id,string"` // unique per source: the page keeps one bar per ID
	Worker  int     `json:"w"`
	Func    string  `json:"f"`
	Key     string  `json:"k,omitempty"`
	StartMs float64 `json:"s"`
	DurMs   float64 `json:"d"`
	Failed  bool    `json:"x,omitempty"`
}

// ProcessStats is a process's resident memory and CPU use.
type ProcessStats struct {
	RSS        int64   `json:"rss"`
	CPU        float64 `json:"cpu"` // cores busy since the previous sample
	Goroutines int     `json:"goroutines"`
	HeapBytes  int64   `json:"heap_bytes"`
}

// NumBuckets is the number of task duration buckets: 10µs doubling up to about 10s, then
// everything longer.
const NumBuckets = 22

// BucketBound is the upper bound of duration bucket k (the last is unbounded).
func BucketBound(k int) time.Duration {
	return 10 * time.Microsecond << k
}

// bucketOf is the bucket of a duration.
func bucketOf(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return min(bits.Len64(uint64((d-1)/(10*time.Microsecond))), NumBuckets-1)
}

// Cursor remembers which finished tasks a connection has been sent.
type Cursor struct {
	seen map[int]uint64 // by stream shard: the last sequence number sent
}

// Source is what a dashboard shows: the local Collector or a scheduler's coordinator.
type Source interface {
	// Snapshot returns the present state, with the stream's tasks after cur (all those
	// remembered when cur is nil or new) and advances cur past them.
	Snapshot(cur *Cursor) *Snapshot
}

// fillNil makes the empty lists empty rather than null in JSON.
func (s *Snapshot) fillNil() {
	if s.Functions == nil {
		s.Functions = []FunctionStats{}
	}
	if s.Workers == nil {
		s.Workers = []WorkerStats{}
	}
	if s.Computations == nil {
		s.Computations = []Computation{}
	}
	if s.Failures == nil {
		s.Failures = []Failure{}
	}
	if s.Stream == nil {
		s.Stream = []TaskSpan{}
	}
}
