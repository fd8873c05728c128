package cluster

import (
	"fmt"
	"time"

	"github.com/lazygraph/lazygraph/internal/worker"
)

// The coordinator's inbox: everything it learns arrives as one event, a value of one of the
// types below, handled on its goroutine by handle. The public methods only build events; the
// timers (cancellation grace, the no-worker clock) and the goroutines running local tasks send
// events too. The set is closed: event has an unexported method, so only this package adds kinds.
//
// An event holding one pointer and nothing else (evSubmitted, evWorkerJoined, …) costs no
// allocation when sent; the others cost one, as the closure each used to be did.

// event is one thing that happened, for the coordinator's loop. String describes it for logs
// and test failures; it runs on the loop's goroutine (or after the event was handled, so it
// reads nothing that handling gives back for reuse).
type event interface {
	fmt.Stringer
	isEvent()
}

// handle applies one event to the coordinator's state. It does no I/O: what must be said to
// workers and owners is queued as instructions (c.out), which step executes afterwards.
func (c *Coordinator) handle(ev event) {
	switch ev := ev.(type) {
	case evResults:
		c.onResults(ev.w, ev.results, ev.attachments)
	case evGatedResults:
		c.gate.leave(ev.n)
		c.onResults(ev.w, ev.results, ev.attachments)
		recycleResults(ev.results)
	case evValues:
		c.onValues(ev.w, ev.values, ev.attachments)
	case evSubmitted:
		c.onJob(ev.js)
	case evCancelled:
		if c.running(ev.js) {
			c.stopJob(ev.js, ev.cause)
		}
	case evFailAll:
		for _, js := range append([]*Job(nil), c.jobs...) {
			c.stopJob(js, ev.err)
		}
	case evWorkerJoined:
		c.onWorker(ev.w)
	case evWorkerLost:
		c.onDown(ev.w, ev.cause, ev.crashed)
	case evWorkerKilled:
		ev.w.killed = true
		c.kill(ev.w)
	case evLocalDone:
		c.onLocalDone(ev.js, ev.i, ev.v, ev.err)
	case evGathered:
		c.onGathered(ev)
	case evStored:
		c.onStore(ev.key, ev.e, ev.broadcast)
	case evForgotten:
		c.onForget(ev.keys)
	case evMemory:
		c.onMemory(ev.w, ev.paused, ev.limit)
	case evRetire:
		c.onRetireWithin(ev.w, ev.reason, ev.timeout)
	case evRetireTimedOut:
		c.onRetireTimeout(ev.w, ev.r)
	case evGraceExpired:
		c.onGrace(ev.js)
	case evTick:
		c.onTick(ev.now)
	case evStatusAsked:
		c.publishStatus()
		close(ev.done)
	case evLoadAsked:
		ev.reply <- c.load()
	case evTelemetryAsked:
		ev.reply <- c.telemetry(ev.cursor)
	case evRetiringAsked:
		ev.reply <- ev.w.retiring != nil
	case evRetireStatsAsked:
		ev.reply <- c.retireStats
	default:
		panic(fmt.Sprintf("unknown event %T", ev))
	}
}

// Computations.

// evSubmitted: a computation was submitted (Submit), its data already encoded.
type evSubmitted struct{ js *Job }

// evCancelled: a computation's owner stopped it (Cancel).
type evCancelled struct {
	js    *Job
	cause error
}

// evFailAll: every computation must stop with err (FailAll).
type evFailAll struct{ err error }

// evLocalDone: a task run at its owner off the loop finished (RunLocal, LocalDone).
type evLocalDone struct {
	js  *Job
	i   int32
	v   *Encoded
	err error
}

// evGraceExpired: a stopped computation's cancellation grace period ran out.
type evGraceExpired struct{ js *Job }

// evTick: the supervisor's clock, for the no-worker timeout.
type evTick struct{ now time.Time }

// Workers.

// evWorkerJoined: a worker was put to work (AddWorker).
type evWorkerJoined struct{ w *Worker }

// evWorkerLost: a worker is gone (WorkerDown); crashed when it died unexpectedly.
type evWorkerLost struct {
	w       *Worker
	cause   error
	crashed bool
}

// evWorkerKilled: a worker is to be ended on purpose (Kill).
type evWorkerKilled struct{ w *Worker }

// evResults: a worker's results arrived (Results).
type evResults struct {
	w           *Worker
	results     *worker.Results
	attachments [][]byte
}

// evValues: values a worker was asked for arrived (Values).
type evValues struct {
	w           *Worker
	values      *worker.Values
	attachments [][]byte
}

// evMemory: a worker reported its memory, paused or not (Memory).
type evMemory struct {
	w      *Worker
	paused bool
	limit  int64
}

// evRetire: a worker is to retire (Retire).
type evRetire struct {
	w       *Worker
	reason  string
	timeout time.Duration // RetireWithin (retiretimeout.go)
}

// Stored values.

// evStored: a value is to be kept beyond computations (Store).
type evStored struct {
	key       uint64
	e         *Encoded
	broadcast bool
}

// evForgotten: stored values are no longer needed (Forget).
type evForgotten struct{ keys []uint64 }

// Questions: answered on the loop, through a channel with room for the answer.

// evStatusAsked: publish a status snapshot, then close done (Status).
type evStatusAsked struct{ done chan struct{} }

// evLoadAsked: the load, for an adaptive scheduler (Load).
type evLoadAsked struct{ reply chan Load }

// evTelemetryAsked: the dashboard's telemetry after cursor (Telemetry).
type evTelemetryAsked struct {
	cursor uint64
	reply  chan Telemetry
}

// evRetiringAsked: whether w is retiring or retired (Retiring).
type evRetiringAsked struct {
	w     *Worker
	reply chan bool
}

// evRetireStatsAsked: what retirements handed over (RetireStats).
type evRetireStatsAsked struct{ reply chan RetireStats }

func (evSubmitted) isEvent()        {}
func (evCancelled) isEvent()        {}
func (evFailAll) isEvent()          {}
func (evLocalDone) isEvent()        {}
func (evGraceExpired) isEvent()     {}
func (evTick) isEvent()             {}
func (evWorkerJoined) isEvent()     {}
func (evWorkerLost) isEvent()       {}
func (evWorkerKilled) isEvent()     {}
func (evResults) isEvent()          {}
func (evValues) isEvent()           {}
func (evMemory) isEvent()           {}
func (evRetire) isEvent()           {}
func (evStored) isEvent()           {}
func (evForgotten) isEvent()        {}
func (evStatusAsked) isEvent()      {}
func (evLoadAsked) isEvent()        {}
func (evTelemetryAsked) isEvent()   {}
func (evRetiringAsked) isEvent()    {}
func (evRetireStatsAsked) isEvent() {}

// jobName and workerName name a computation and a worker in events' descriptions.
func jobName(js *Job) string {
	if js == nil {
		return "computation <nil>"
	}
	if js.Graph == nil {
		return fmt.Sprintf("computation %d", js.id)
	}
	return fmt.Sprintf("computation %d (%d tasks)", js.id, js.Graph.Len())
}

func workerName(w *Worker) string {
	if w == nil {
		return "worker <nil>"
	}
	return fmt.Sprintf("worker %q", w.Name)
}

func (ev evSubmitted) String() string { return jobName(ev.js) + " submitted" }
func (ev evCancelled) String() string {
	return fmt.Sprintf("%s cancelled: %v", jobName(ev.js), ev.cause)
}
func (ev evFailAll) String() string { return fmt.Sprintf("every computation failed: %v", ev.err) }
func (ev evLocalDone) String() string {
	if ev.err != nil {
		return fmt.Sprintf("%s: local task %d failed: %v", jobName(ev.js), ev.i, ev.err)
	}
	return fmt.Sprintf("%s: local task %d done", jobName(ev.js), ev.i)
}
func (ev evGraceExpired) String() string {
	return jobName(ev.js) + ": cancellation grace expired"
}
func (ev evTick) String() string {
	return "clock tick at " + ev.now.Format(time.RFC3339Nano)
}
func (ev evWorkerJoined) String() string { return workerName(ev.w) + " joined" }
func (ev evWorkerLost) String() string {
	how := "left"
	if ev.crashed {
		how = "crashed"
	}
	return fmt.Sprintf("%s %s: %v", workerName(ev.w), how, ev.cause)
}
func (ev evWorkerKilled) String() string { return workerName(ev.w) + " to be killed" }
func (ev evResults) String() string {
	n := 0
	if ev.results != nil {
		n = len(ev.results.Items)
	}
	return describeResults(n, ev.w, len(ev.attachments))
}

func describeResults(n int, w *Worker, attachments int) string {
	return fmt.Sprintf("%d results from %s (%d attachments)", n, workerName(w), attachments)
}
func (ev evValues) String() string {
	n := 0
	if ev.values != nil {
		n = len(ev.values.Puts)
	}
	return fmt.Sprintf("%d values from %s (%d attachments)", n, workerName(ev.w), len(ev.attachments))
}
func (ev evMemory) String() string {
	return fmt.Sprintf("memory report from %s: paused %v, limit %d", workerName(ev.w), ev.paused, ev.limit)
}
func (ev evRetire) String() string {
	return fmt.Sprintf("%s to retire: %s", workerName(ev.w), ev.reason)
}
func (ev evStored) String() string {
	return fmt.Sprintf("value %d stored (broadcast %v)", ev.key, ev.broadcast)
}
func (ev evForgotten) String() string { return fmt.Sprintf("stored values %v forgotten", ev.keys) }
func (evStatusAsked) String() string  { return "status asked" }
func (evLoadAsked) String() string    { return "load asked" }
func (ev evTelemetryAsked) String() string {
	return fmt.Sprintf("telemetry asked after %d", ev.cursor)
}
func (ev evRetiringAsked) String() string { return "retiring asked of " + workerName(ev.w) }
func (evRetireStatsAsked) String() string { return "retirement statistics asked" }
