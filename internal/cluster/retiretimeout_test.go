package cluster

import (
	"testing"

	"github.com/lazygraph/lazygraph/internal/worker"
)

// A retiring worker that dies, or is stopped at its retirement timeout, in the middle of its
// hand-over: the values it already handed over are not computed again, the others are, and the
// result is right.
func TestRetiringWorkerLostMidHandOverKeepsWhatItMoved(t *testing.T) {
	for _, mode := range []string{"timeout", "crash"} {
		t.Run(mode, func(t *testing.T) {
			s := newSim(t, Options{})
			a, b := s.addWorker(""), s.addWorker("")
			a.keep, b.keep = true, true
			g, data := gatherGraph(t, 20)
			s.submit(g, data, "")
			for range 5 {
				s.stepWorkers(a) // a runs part of the work and keeps the values
			}
			a.retire()
			// Once its queue is empty (handed back), the hand-over asks for its values, one
			// message each.
			var moved uint64
			for round := 0; round < 10 && moved == 0; round++ {
				for len(a.inbox) > 0 && moved == 0 {
					if f, ok := a.inbox[0].Msg.(*worker.Fetch); ok {
						moved = f.Keys[0]
					}
					a.deliver()
				}
				a.report(false)
			}
			if moved == 0 {
				t.Fatal("a was asked for no value")
			}
			a.answer()
			if s.c.retireStats.Workers != 0 {
				t.Fatal("the hand-over ended after one value: the test needs more")
			}
			switch mode {
			case "timeout":
				s.event(evRetireTimedOut{a.w, a.w.retiring})
				if !a.killed {
					t.Fatal("a worker past its retirement timeout was not stopped")
				}
				if s.c.retireStats.TimedOut != 1 {
					t.Errorf("stats %+v: want one retirement timed out", s.c.retireStats)
				}
			case "crash":
				a.down()
			}
			s.settle()
			s.check()
			if n := s.runs[moved]; n != 1 {
				t.Errorf("the value handed over before the worker was lost ran %d times, want 1", n)
			}
			again := 0
			for _, n := range s.runs {
				if n > 1 {
					again++
				}
			}
			t.Logf("%d values computed again (not handed over in time)", again)
			if again == 0 {
				t.Error("no value was computed again: the test lost nothing")
			}
		})
	}
}

// A retiring worker whose running task does not end in time is stopped: the task runs on
// another worker, uncharged (no retry counted, not a suspect), and the result is right.
func TestRetireTimeoutReschedulesTheRunningTask(t *testing.T) {
	s := newSim(t, Options{})
	a, _ := s.addWorker(""), s.addWorker("")
	g, data := gatherGraph(t, 20)
	j := s.submitWith(g, data, func(js *Job) { js.Chunksize = 4 })
	for a.deliver() {
	}
	if len(a.tasks) == 0 {
		t.Fatal("a was sent nothing")
	}
	a.retire() // a never answers: its task "runs" past the timeout
	var onA []int32
	for i, st := range j.js.state {
		if st == stQueued && j.js.where[i] == a.w.id {
			onA = append(onA, int32(i))
		}
	}
	s.event(evRetireTimedOut{a.w, a.w.retiring})
	if !a.killed {
		t.Fatal("a worker past its retirement timeout was not stopped")
	}
	for _, i := range onA {
		if j.js.charged(i) != 0 || j.js.flags[i]&flagSuspect != 0 {
			t.Errorf("task %d of the stopped worker was charged (retries %d, suspect %v)", i, j.js.charged(i), j.js.flags[i]&flagSuspect != 0)
		}
	}
	a.tasks = nil // it never runs them
	s.settle()
	s.check()
	s.noRecompute()
}
