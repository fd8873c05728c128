package cluster

import (
	"testing"

	"github.com/lazygraph/lazygraph/internal/worker"
)

var _ RetireLink = (*simWorker)(nil)

// Retired is the sim's side of a retirement: the worker exits (settle reports it down).
func (w *simWorker) Retired(string) { w.retired, w.killed = true, true }

// retire starts retiring w.
func (w *simWorker) retire() bool {
	if w.gone {
		return false
	}
	w.s.event(evRetire{w.w, "sim"})
	return true
}

// step runs every live worker once: deliver, run and report what it has.
func (s *sim) stepWorkers(only ...*simWorker) {
	for _, w := range only {
		for w.deliver() {
		}
		for w.run() {
		}
		w.report(false)
		w.answer()
	}
}

// noRecompute fails the test when a task ran more than once.
func (s *sim) noRecompute() int {
	s.t.Helper()
	total := 0
	for key, n := range s.runs {
		total += n
		if n != 1 {
			s.t.Errorf("task key %d ran %d times", key, n)
		}
	}
	return total
}

// gatherGraph is n independent calls whose results (kept on their workers) one task sums.
func gatherGraph(t *testing.T, n int) (*Graph, map[int32]int64) {
	b := newGraphBuilder()
	var parts []int32
	for k := range n {
		parts = append(parts, b.call("inc", false, b.datum(int64(k))))
	}
	b.outputs = []int32{b.call("sum", false, parts...)}
	return b.build(t), b.data
}

// A worker retiring mid-computation finishes what it was sent, hands over the values only it
// holds, and is told it may exit; nothing runs twice and the result is right.
func TestRetireMidComputationMovesValues(t *testing.T) {
	s := newSim(t, Options{})
	a, b := s.addWorker(""), s.addWorker("")
	a.keep, b.keep = true, true // results stay on the workers: only a holds what it computed
	g, data := gatherGraph(t, 40)
	j := s.submit(g, data, "")
	s.stepWorkers(a) // a runs its share, and keeps the values
	a.retire()
	if !s.c.workers[a.w.id].out || s.c.eligible(j.js) != 1 {
		t.Fatal("a retiring worker is still in service")
	}
	s.settle()
	s.check()
	if !a.retired || !a.gone {
		t.Fatalf("retiring worker: retired=%v gone=%v", a.retired, a.gone)
	}
	n := s.noRecompute()
	st := s.c.retireStats
	t.Logf("task executions %d for %d calls; %+v", n, g.Len()-40, st)
	if n != g.Len()-40 {
		t.Errorf("%d task executions, want %d", n, g.Len()-40)
	}
	if st.Workers != 1 || st.ValuesMoved == 0 || st.ToWorkers != st.ValuesMoved || st.Lost != 0 {
		t.Errorf("retirement stats %+v: want one retirement that moved values to the other worker", st)
	}
}

// The last worker retiring hands its values to the coordinator; the next worker to join gets
// them from there, and nothing is computed again.
func TestRetireLastWorkerKeepsValuesAtCoordinator(t *testing.T) {
	s := newSim(t, Options{PeerTransfers: true})
	a := s.addWorker("")
	a.keep = true
	a.w.PeerAddress = "a"
	g, data := gatherGraph(t, 10)
	s.submit(g, data, "")
	for range 3 { // part of the work
		a.deliver()
		a.run()
	}
	a.retire()
	for range 50 {
		s.stepWorkers(a)
		s.pump()
	}
	if !a.retired {
		t.Fatal("the last worker did not finish retiring")
	}
	a.down()
	st := s.c.retireStats
	if st.ValuesMoved == 0 || st.ToWorkers != 0 {
		t.Errorf("stats %+v: want values moved to the coordinator", st)
	}
	s.settle() // adds a worker, which finishes the computation
	s.check()
	s.noRecompute()
}

// Retiring while tasks queued elsewhere may still fetch an input from the retiring worker
// (peer transfers): it stays until they ran, so that no fetch finds it gone.
func TestRetireWaitsForPeerFetches(t *testing.T) {
	exercised := 0
	for n := 2; n <= 12; n++ {
		s := newSim(t, Options{PeerTransfers: true})
		a, b := s.addWorker(""), s.addWorker("")
		a.w.PeerAddress, b.w.PeerAddress = "a", "b"
		a.keep, b.keep = true, true
		g, data := gatherGraph(t, n)
		s.submit(g, data, "")
		s.stepWorkers(a)
		for b.deliver() {
		}
		for b.run() {
		}
		b.report(false) // the gathering task is sent now, perhaps to b with a as its peer
		a.retire()
		peerOnA := func() bool {
			for _, m := range b.inbox {
				if batch, ok := m.Msg.(*worker.Batch); ok {
					for _, p := range batch.Peers {
						if p.Address == "a" {
							return true
						}
					}
				}
			}
			return false
		}
		if peerOnA() {
			exercised++
		}
		for range 10 {
			s.stepWorkers(a)
			if a.retired && peerOnA() {
				t.Fatalf("n=%d: retired while another worker has still to fetch an input from it", n)
			}
		}
		s.settle()
		s.check()
		s.noRecompute()
	}
	t.Logf("%d of 11 graphs had a peer fetch from the retiring worker pending", exercised)
}

// Retirements interleaved at random with everything else keep the invariants (validate runs
// after every event) and the results right.
func TestModelRetirements(t *testing.T) {
	for seed := range uint64(40) {
		runModel(t, 1000+seed, 300)
	}
}
