package cluster

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// sim drives a coordinator event by event, with no goroutine of its own: workers are simWorkers
// whose messages wait until the test delivers them, so a test (or a fuzzer) chooses the order of
// every event. validate runs after each one.
type sim struct {
	t       testing.TB
	c       *Coordinator
	workers []*simWorker
	jobs    []*simJob
	named   int
	events  int
	trace   []event // every event handled, logged when the test fails
	// needs: the resources settle gives the worker it adds when no live worker has them.
	needs map[string]float64
	runs  map[uint64]int // task executions by key, on every worker
}

type simJob struct {
	js       *Job
	owner    *fakeOwner
	want     map[int32]int64
	err      error
	over     bool
	canceled bool
}

// simWorker is a worker whose inbox, task queue and outbox the test steps through.
type simWorker struct {
	s       *sim
	w       *Worker
	inbox   []*Outgoing
	tasks   []worker.Task
	out     []worker.Result
	values  []worker.Put
	killed  bool // its link was told to kill it
	retired bool // its link was told it retired (RetireLink)
	// handingBack: it was asked for its unstarted tasks (HandBackLink); dropped are those it
	// gave up, reported with its next results.
	handingBack bool
	dropped     []worker.TaskRef
	gone        bool // the coordinator was told it is down
	// Faults.
	forget    bool // answers fetches with an empty type, once per key
	forgotten map[uint64]bool
	keep      bool // sends results back only when told to always (large results)
	group     string

	funcs     map[uint32]string
	vals      map[uint64][]byte
	cancelled map[uint32]bool
}

var _ Link = (*simWorker)(nil)

func (w *simWorker) Send(out *Outgoing) {
	if w.killed {
		out.Done(0)
		return
	}
	w.inbox = append(w.inbox, out)
}

func (w *simWorker) Kill() { w.killed = true }

func newSim(t testing.TB, opts Options) *sim {
	if opts.CancelGrace == 0 {
		opts.CancelGrace = time.Millisecond
	}
	s := &sim{t: t, c: newCoordinator(opts), runs: map[uint64]int{}}
	t.Cleanup(s.logTrace)
	return s
}

// event handles ev as the coordinator's loop would, then checks the invariants.
func (s *sim) event(ev event) {
	s.t.Helper()
	s.events++
	s.trace = append(s.trace, ev)
	s.c.step(ev)
	if err := s.c.validate(); err != nil {
		s.t.Fatalf("after event %d (%v): %v", s.events, ev, err)
	}
	for _, j := range s.jobs {
		if !j.over {
			select {
			case j.err = <-j.owner.done:
				j.over = true
			default:
			}
		}
	}
}

// traceShown is how many of the last events a failed test logs.
const traceShown = 80

// logTrace logs the events that led to a failure, oldest first.
func (s *sim) logTrace() {
	if !s.t.Failed() {
		return
	}
	from := max(0, len(s.trace)-traceShown)
	var b strings.Builder
	fmt.Fprintf(&b, "the last %d of %d events:", len(s.trace)-from, len(s.trace))
	for k, ev := range s.trace[from:] {
		fmt.Fprintf(&b, "\n%6d %v", from+k+1, ev)
	}
	s.t.Log(b.String())
}

func (s *sim) addWorker(group string) *simWorker { return s.addWorkerWith(group, nil) }

// addWorkerWith adds a worker declaring resources.
func (s *sim) addWorkerWith(group string, resources map[string]float64) *simWorker {
	s.named++
	w := &simWorker{s: s, group: group, funcs: map[uint32]string{}, vals: map[uint64][]byte{},
		cancelled: map[uint32]bool{}, forgotten: map[uint64]bool{}}
	w.w = &Worker{Link: w, Name: fmt.Sprintf("sim%d", s.named), Group: group, Resources: resources}
	s.workers = append(s.workers, w)
	s.event(evWorkerJoined{w.w})
	return w
}

func (s *sim) submit(g *Graph, data map[int32]int64, group string) *simJob {
	return s.submitWith(g, data, func(js *Job) { js.Group = group })
}

// submitWith submits a computation after set has set its fields.
func (s *sim) submitWith(g *Graph, data map[int32]int64, set func(*Job)) *simJob {
	o := newFakeOwner(data)
	j := &simJob{js: &Job{Graph: g, Owner: o}, owner: o, want: evaluate(g, data)}
	set(j.js)
	s.jobs = append(s.jobs, j)
	n := uint64(g.Len())
	j.js.init(s.c.nextJob.Add(1), s.c.nextKey.Add(n)-n)
	if j.js.remaining() == 0 {
		j.over = true
		return j
	}
	if err := j.js.encodeData(); err != nil {
		j.err, j.over = err, true
		return j
	}
	s.event(evSubmitted{j.js})
	return j
}

func (s *sim) live() []*simWorker {
	var out []*simWorker
	for _, w := range s.workers {
		if !w.gone {
			out = append(out, w)
		}
	}
	return out
}

// deliver hands w its next message.
func (w *simWorker) deliver() bool {
	if len(w.inbox) == 0 || w.gone {
		return false
	}
	m := w.inbox[0]
	w.inbox = w.inbox[1:]
	defer m.Done(1)
	switch msg := m.Msg.(type) {
	case *worker.Batch:
		for _, d := range msg.Functions {
			w.funcs[d.ID] = d.Name
		}
		for _, p := range msg.Puts {
			w.vals[p.Key] = p.Body
		}
		for _, p := range msg.Peers {
			for _, other := range w.s.workers {
				if other.w.PeerAddress == p.Address && other.vals[p.Key] != nil {
					w.vals[p.Key] = other.vals[p.Key]
				}
			}
		}
		for _, k := range msg.Release {
			delete(w.vals, k)
		}
		if w.handingBack {
			w.dropTasks(msg.Tasks)
		} else {
			// Copies: the message's arrays are reused once it is done (deferred above).
			for _, t := range msg.Tasks {
				t.Args = slices.Clone(t.Args)
				w.tasks = append(w.tasks, t)
			}
		}
	case *worker.HandBack:
		w.handingBack = true
		w.dropTasks(w.tasks)
		w.tasks = nil
	case *worker.Fetch:
		for k, key := range msg.Keys {
			b, ok := w.vals[key]
			typ := msg.Types[k]
			if w.forget && !w.forgotten[key] {
				w.forgotten[key] = true // it says it does not hold the value (once)
				ok = false
			}
			if !ok {
				typ, b = "", nil
			}
			w.values = append(w.values, worker.Put{Key: key, Type: typ, Body: b})
		}
	case *worker.Cancel:
		w.cancelled[msg.Job] = true
	}
	return true
}

// run runs w's next task.
func (w *simWorker) run() bool {
	if len(w.tasks) == 0 || w.gone {
		return false
	}
	t := w.tasks[0]
	w.tasks = w.tasks[1:]
	w.s.runs[t.Key]++
	f := fakeWorker{funcs: w.funcs, vals: w.vals, cancelled: w.cancelled}
	r := f.runTask(&t)
	if w.keep && t.Send != worker.SendAlways {
		r.Sent, r.Body = false, nil
	}
	w.out = append(w.out, r)
	return true
}

// report sends w's results (twice with dup).
func (w *simWorker) report(dup bool) bool {
	if len(w.out) == 0 && len(w.dropped) == 0 || w.gone {
		return false
	}
	res := &worker.Results{Items: w.out, Dropped: w.dropped}
	w.out, w.dropped = nil, nil
	w.s.event(evResults{w.w, res, nil})
	if dup {
		w.s.event(evResults{w.w, res, nil})
	}
	return true
}

// answer sends w's fetched values.
func (w *simWorker) answer() bool {
	if len(w.values) == 0 || w.gone {
		return false
	}
	vals := &worker.Values{Puts: w.values}
	w.values = nil
	w.s.event(evValues{w.w, vals, nil})
	return true
}

// down reports w gone: killed by its link, or crashed.
func (w *simWorker) down() bool {
	if w.gone {
		return false
	}
	w.gone, w.killed = true, true
	for _, m := range w.inbox {
		m.Done(0)
	}
	w.inbox = nil
	w.s.event(evWorkerLost{w.w, errors.New("sim: worker gone"), true})
	return true
}

// pump runs events other goroutines queued (local tasks, grace periods).
func (s *sim) pump() bool {
	progressed := false
	for {
		select {
		case ev := <-s.c.events:
			s.event(ev)
			progressed = true
		default:
			return progressed
		}
	}
}

// settle runs every worker until nothing happens any more; killed workers are reported down,
// and a worker is added when computations wait and none is live.
func (s *sim) settle() {
	s.t.Helper()
	for round := 0; ; round++ {
		if round > 100000 {
			s.t.Fatal("no quiescence after 100000 rounds")
		}
		progressed := false
		for _, w := range s.workers {
			if w.killed && !w.gone {
				w.down()
				progressed = true
				continue
			}
			for w.deliver() {
				progressed = true
			}
			for w.run() {
				progressed = true
			}
			progressed = w.report(false) || progressed
			progressed = w.answer() || progressed
		}
		if s.pump() {
			progressed = true
		}
		if !progressed {
			s.c.locals.Wait()
			s.c.graceTimers.Wait()
			if s.pump() {
				continue
			}
			if s.pending() && len(s.live()) == 0 {
				s.addWorkerWith("", s.needs)
				continue
			}
			if s.pending() && s.needs != nil && !s.liveWith(s.needs) {
				s.addWorkerWith("", s.needs)
				continue
			}
			return
		}
	}
}

// liveWith reports whether a live worker declares resources.
func (s *sim) liveWith(resources map[string]float64) bool {
	for _, w := range s.live() {
		if graph.Resources(w.w.Resources).Lacks(resources) == "" {
			return true
		}
	}
	return false
}

func (s *sim) pending() bool {
	for _, j := range s.jobs {
		if !j.over {
			return true
		}
	}
	return false
}

// check verifies every computation is over, with the synchronous reference's outputs unless
// it failed in an expected way.
func (s *sim) check() {
	s.t.Helper()
	for k, j := range s.jobs {
		if !j.over {
			s.t.Fatalf("computation %d never finished (%d tasks left)", k, j.js.remaining())
		}
		switch {
		case j.js.KeepGoing && !(j.canceled && errors.Is(j.err, errSimCancel)):
			checkKept(s.t, k, j)
		case j.err == nil:
			for o, v := range j.want {
				if got, ok := j.owner.outputs[o]; !ok || got != v {
					s.t.Fatalf("computation %d: output %d = %d (present %v), want %d", k, o, got, ok, v)
				}
			}
		case j.canceled && errors.Is(j.err, errSimCancel):
		case errors.Is(j.err, ErrWorkerDied):
		default:
			s.t.Fatalf("computation %d failed: %v", k, j.err)
		}
	}
}

var errSimCancel = errors.New("sim: cancelled")

func (s *sim) cancel(j *simJob) {
	j.canceled = true
	s.event(evCancelled{j.js, errSimCancel})
}

var _ = wire.Value{}
