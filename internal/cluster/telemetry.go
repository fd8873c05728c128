package cluster

import (
	"math"
	"math/bits"
	"slices"
	"time"

	"github.com/lazygraph/lazygraph/internal/worker"
)

// Telemetry is what a dashboard shows of a coordinator: its computations (running and recently
// finished) with per-function counts, its workers, and the tasks finished since a cursor.
type Telemetry struct {
	Jobs     []JobTelemetry
	Workers  []WorkerTelemetry
	Stream   []TaskRecord // finished tasks after the cursor asked for, oldest first
	Next     uint64       // the cursor to ask with next time
	Failures []FailureRecord
	Queued   int // tasks ready and waiting for a worker
}

// JobTelemetry describes one computation.
type JobTelemetry struct {
	ID     uint32
	Client string
	Start  time.Time
	End    time.Time // zero while running
	Err    string
	Funcs  []FuncTelemetry
	Sent   int64
	Failed bool
}

// TelemetryBuckets is the number of task duration buckets: 10µs doubling, the last unbounded.
const TelemetryBuckets = 22

// FuncTelemetry counts one function's tasks in one computation.
type FuncTelemetry struct {
	Name                         string
	Total, Done, Failed, Running int64
	Ns                           int64 // time its finished tasks took
	Buckets                      [TelemetryBuckets]int64
}

// WorkerTelemetry describes one worker.
type WorkerTelemetry struct {
	ID        int
	Name      string
	Queued    int
	Running   bool
	HeldKeys  int
	HeldBytes int64
	Completed int64
	// RSS is the worker process's resident memory and CPU the cores it used between its last
	// two reports (worker.MemoryReport), both -1 until it reported (twice for CPU).
	RSS int64
	CPU float64
}

// workerUsage is a worker's last resident memory and CPU time, and its CPU share since the
// report before.
type workerUsage struct {
	rss   int64
	cpu   int64 // CPU time so far, ns
	at    time.Time
	cores float64 // -1 until two reports
}

// recordUsage notes the resident memory and CPU time of a worker's report (any goroutine).
func (m *memoryRecords) recordUsage(w *Worker, r *worker.MemoryReport) {
	now := time.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.usage == nil {
		m.usage = map[*Worker]*workerUsage{}
	}
	u := m.usage[w]
	if u == nil {
		u = &workerUsage{cores: -1}
		m.usage[w] = u
	} else if dt := now.Sub(u.at); dt > 0 && r.CPU > 0 && u.cpu > 0 && r.CPU >= u.cpu {
		u.cores = float64(r.CPU-u.cpu) / float64(dt)
	}
	u.rss, u.at = r.RSS, now
	if r.CPU > 0 {
		u.cpu = r.CPU
	}
}

// usageOf fills in the workers' resident memory and CPU, and forgets those of workers gone (on
// the coordinator's goroutine).
func (c *Coordinator) usageOf(ws []WorkerTelemetry) {
	m := &c.memory
	m.mu.Lock()
	defer m.mu.Unlock()
	for k := range ws {
		ws[k].RSS, ws[k].CPU = -1, -1
	}
	for w := range m.usage {
		if !w.live() {
			delete(m.usage, w)
		}
	}
	for k, w := range c.alive { // ws is in the same order
		if u := m.usage[w]; u != nil && k < len(ws) {
			if u.rss > 0 {
				ws[k].RSS = u.rss
			}
			ws[k].CPU = u.cores
		}
	}
}

// TaskRecord is a finished task of the stream.
type TaskRecord struct {
	Seq     uint64
	Job     uint32
	Func    string
	Worker  int32
	Start   time.Time
	Elapsed time.Duration
	Failed  bool
}

// FailureRecord is a failed task.
type FailureRecord struct {
	Job     uint32
	Task    int32
	Func    string
	Worker  string
	Message string
	At      time.Time
}

// Client is implemented by job owners that can name the client a computation came from.
type Client interface {
	Client() string
}

// telemetry is the coordinator's record for dashboards. It belongs to the coordinator's
// goroutine; a finished task costs a ring store and a few slice increments.
type telemetry struct {
	ring     [1024]TaskRecord
	seq      uint64
	finished []JobTelemetry // the latest finished computations, oldest first
	failures []FailureRecord
}

// jobTelemetry is one computation's per-function counters, indexed like Graph.functions.
type jobTelemetry struct {
	start                   time.Time
	total, done, failed, ns []int64
	buckets                 [][TelemetryBuckets]int64
}

func telemetryBucket(ns int64) int {
	if ns <= 0 {
		return 0
	}
	return min(bits.Len64(uint64((ns-1)/10_000)), TelemetryBuckets-1)
}

// recordTask notes a finished task (from onResults).
func (c *Coordinator) recordTask(js *Job, i int32, w *Worker, startNs, ns int64, failed bool) {
	g := js.Graph
	f := g.funcs.at(i)
	t := &c.tele
	name := g.functions[f].Name
	rec := &t.ring[t.seq%uint64(len(t.ring))]
	*rec = TaskRecord{Seq: t.seq, Job: js.id, Func: name, Worker: w.id, Elapsed: time.Duration(ns), Failed: failed}
	if startNs > 0 {
		rec.Start = time.Unix(0, startNs)
	} else {
		rec.Start = time.Now().Add(-time.Duration(ns))
	}
	t.seq++
	jt := js.tele
	if jt == nil {
		jt = newJobTelemetry(g)
		js.tele = jt
	}
	if failed {
		jt.failed[f]++
		return
	}
	jt.done[f]++
	jt.ns[f] += ns
	jt.buckets[f][telemetryBucket(ns)]++
}

// recordFailure notes a failed task's error.
func (c *Coordinator) recordFailure(js *Job, i int32, w *Worker, msg string) {
	t := &c.tele
	if len(t.failures) == 50 {
		t.failures = slices.Delete(t.failures, 0, 1)
	}
	t.failures = append(t.failures, FailureRecord{Job: js.id, Task: i, Func: js.Graph.Func(i).Name, Worker: w.Name,
		Message: msg, At: time.Now()})
}

func newJobTelemetry(g *Graph) *jobTelemetry {
	n := len(g.functions)
	jt := &jobTelemetry{start: time.Now(), total: make([]int64, n), done: make([]int64, n), failed: make([]int64, n),
		ns: make([]int64, n), buckets: make([][TelemetryBuckets]int64, n)}
	for i := range int32(g.funcs.len()) {
		f := g.funcs.at(i)
		if f >= 0 {
			jt.total[f]++
		}
	}
	return jt
}

// jobSummary describes js, on the coordinator's goroutine.
func (c *Coordinator) jobSummary(js *Job) JobTelemetry {
	jt := js.tele
	if jt == nil {
		jt = newJobTelemetry(js.Graph)
		js.tele = jt
	}
	out := JobTelemetry{ID: js.id, Start: jt.start, Funcs: make([]FuncTelemetry, len(js.Graph.functions))}
	if cl, ok := js.Owner.(Client); ok {
		out.Client = cl.Client()
	}
	for f, fn := range js.Graph.functions {
		out.Funcs[f] = FuncTelemetry{Name: fn.Name, Total: jt.total[f], Done: jt.done[f], Failed: jt.failed[f],
			Ns: jt.ns[f], Buckets: jt.buckets[f]}
	}
	return out
}

// telemetryFinished keeps the summary of a computation that ended (from finish).
func (c *Coordinator) telemetryFinished(js *Job, err error) {
	s := c.jobSummary(js)
	s.End = time.Now()
	if err != nil {
		s.Err, s.Failed = err.Error(), true
	}
	t := &c.tele
	if len(t.finished) == 8 {
		t.finished = slices.Delete(t.finished, 0, 1)
	}
	t.finished = append(t.finished, s)
}

// Telemetry returns the coordinator's present state for a dashboard, with the tasks finished
// after cursor (the Next of the previous call; 0 the first time: all those remembered). It
// costs the coordinator's goroutine time in the number of workers, computations and functions,
// and in the tasks returned; never in the number of tasks.
func (c *Coordinator) Telemetry(cursor uint64) Telemetry {
	out := make(chan Telemetry, 1)
	if !c.do(evTelemetryAsked{cursor, out}) {
		return Telemetry{}
	}
	select {
	case t := <-out:
		return t
	case <-c.stopped:
		return Telemetry{}
	}
}

func (c *Coordinator) telemetry(cursor uint64) Telemetry {
	t := &c.tele
	out := Telemetry{Next: t.seq, Failures: slices.Clone(t.failures)}
	out.Jobs = append(out.Jobs, t.finished...)
	running := map[uint32]*JobTelemetry{}
	for _, js := range c.jobs {
		out.Jobs = append(out.Jobs, c.jobSummary(js))
		out.Queued += js.ready.Len() + js.localTotal
	}
	for k := range out.Jobs {
		if out.Jobs[k].End.IsZero() {
			running[out.Jobs[k].ID] = &out.Jobs[k]
		}
	}
	for _, w := range c.alive {
		wt := WorkerTelemetry{ID: int(w.id), Name: w.Name, Queued: w.queue.Len(), HeldKeys: w.heldKeys,
			HeldBytes: w.heldBytes, Completed: w.ran}
		if head, ok := w.queue.head(); ok {
			wt.Running = true
			if jt := running[head.js.id]; jt != nil {
				if f := head.js.Graph.funcs.at(head.i); f >= 0 {
					jt.Funcs[f].Running++
				}
			}
		}
		out.Workers = append(out.Workers, wt)
	}
	c.usageOf(out.Workers)
	from := cursor
	if n := uint64(len(t.ring)); t.seq > n && from < t.seq-n {
		from = t.seq - n
	}
	for q := from; q < t.seq; q++ {
		out.Stream = append(out.Stream, t.ring[q%uint64(len(t.ring))])
	}
	return out
}

// WorkerUsage returns the workers in service with their resident memory and CPU (RSS and CPU,
// -1 until known), as Telemetry does, without its stream of finished tasks.
func (c *Coordinator) WorkerUsage() []WorkerTelemetry {
	return c.Telemetry(math.MaxUint64).Workers
}
