package cluster

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// randomGraph builds a graph of about n tasks: data, calls of the fake functions on up to four
// earlier tasks, some run at the owner.
// With fails, some calls are of "fail", which every worker fails (for computations that keep
// going).
func randomGraph(t testing.TB, r *rand.Rand, n int, fails bool) (*Graph, map[int32]int64) {
	b := newGraphBuilder()
	var calls []int32
	for k := range n {
		if k < 2 || r.IntN(4) == 0 {
			b.datum(int64(r.IntN(100)))
			continue
		}
		nargs := r.IntN(5)
		args := make([]int32, nargs)
		for a := range args {
			args[a] = int32(r.IntN(k))
		}
		fn := []string{"inc", "sum", "mix"}[r.IntN(3)]
		local := r.IntN(15) == 0
		if local {
			fn = "local"
		} else if fails && r.IntN(8) == 0 {
			fn = "fail"
		}
		calls = append(calls, b.call(fn, local, args...))
	}
	if len(calls) == 0 {
		calls = append(calls, b.call("inc", false, 0))
	}
	for _, c := range calls {
		if r.IntN(4) == 0 {
			b.outputs = append(b.outputs, c)
		}
	}
	if len(b.outputs) == 0 {
		b.outputs = []int32{calls[len(calls)-1]}
	}
	return b.build(t), b.data
}

// runModel drives random interleavings of joins, deaths, slow and duplicate results, forgetful
// workers, cancels and concurrent computations, then checks every computation finished with
// the reference outputs (or the expected error).
func runModel(t testing.TB, seed uint64, steps int) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	s := newSim(t, Options{PeerTransfers: r.IntN(3) == 0, Retries: 1 + r.IntN(3)})
	// A third of the runs have priorities and resources: functions needing gpu=1 or gpu=0.5,
	// some with priorities, and some workers with gpu=1 or 2 (settle adds one when none is live).
	resourceful := r.IntN(3) == 0
	if resourceful {
		s.needs = map[string]float64{"gpu": 1}
	}
	addWorker := func() {
		var res map[string]float64
		if resourceful && r.IntN(2) == 0 {
			res = map[string]float64{"gpu": float64(1 + r.IntN(2))}
		}
		w := s.addWorkerWith("", res)
		w.w.PeerAddress = w.w.Name
		w.forget = r.IntN(5) == 0
		w.keep = r.IntN(3) == 0
	}
	for range 1 + r.IntN(4) {
		addWorker()
	}
	submit := func() {
		keep := r.IntN(3) == 0
		g, data := randomGraph(t, r, 5+r.IntN(60), keep)
		if resourceful {
			prioritize(r, g)
		}
		if keep {
			s.submitKeepGoing(g, data)
			return
		}
		j := s.submit(g, data, "")
		if resourceful && !j.over {
			j.js.Priority = r.IntN(3) // read at the next scheduling event
			s.c.jobsChanged()
		}
	}
	submit()
	for range steps {
		live := s.live()
		var w *simWorker
		if len(live) > 0 {
			w = live[r.IntN(len(live))]
		}
		switch p := r.IntN(100); {
		case w == nil || p < 3:
			addWorker()
		case p < 25:
			w.deliver()
		case p < 55:
			w.run()
		case p < 70:
			w.report(r.IntN(8) == 0)
		case p < 78:
			w.answer()
		case p < 81:
			w.down()
		case p < 83:
			if len(s.jobs) > 0 {
				if j := s.jobs[r.IntN(len(s.jobs))]; !j.over {
					s.cancel(j)
				}
			}
		case p < 86:
			submit()
		case p < 88:
			w.retire()
		default:
			s.pump()
		}
	}
	s.settle()
	s.check()
}

func TestModelRandomInterleavings(t *testing.T) {
	seeds := 300
	if testing.Short() {
		seeds = 30
	}
	for seed := range uint64(seeds) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runModel(t, seed, 400) })
	}
}

// FuzzEventOrder drives the model with a fuzzed seed and length: every order of events it finds
// must end every computation with the right outputs and keep the invariants.
func FuzzEventOrder(f *testing.F) {
	f.Add(uint64(1), uint16(100))
	f.Add(uint64(42), uint16(1000))
	f.Fuzz(func(t *testing.T, seed uint64, steps uint16) {
		runModel(t, seed, int(steps%2000))
	})
}

func TestComputeWideOnFakeWorkers(t *testing.T) {
	s := newSim(t, Options{})
	for range 3 {
		s.addWorker("")
	}
	g, data := wideGraph(t, 500)
	s.submit(g, data, "")
	s.settle()
	s.check()
}

// A worker that answers a fetch with an empty type (it no longer holds the value) must not leave
// the tasks waiting for that value parked: the value is asked elsewhere or computed again.
func TestEmptyValuesReplyRecomputes(t *testing.T) {
	s := newSim(t, Options{})
	a := s.addWorker("")
	a.forget, a.keep = true, true
	b := newGraphBuilder()
	x := b.call("inc", false, b.datum(1))
	y := b.call("mix", false, x)
	z := b.call("local", true, y) // needs y at the coordinator: a fetch
	b.outputs = []int32{z}
	j := s.submit(b.build(t), b.data, "")
	s.settle()
	if !j.over {
		t.Fatal("the computation is parked after an empty Values reply")
	}
	s.check()
}

func TestNoWorkerTimeout(t *testing.T) {
	for _, tc := range []struct {
		name    string
		workers []string
		want    string
	}{
		{"none", nil, "no worker is connected"},
		{"other program", []string{"other", "other"}, "2 workers are connected, but none runs this program"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(Options{NoWorkerTimeout: 100 * time.Millisecond})
			defer c.Close()
			for _, g := range tc.workers {
				f := newFakeWorker(c, "w")
				f.w.Group = g
				f.start()
				defer f.stop()
			}
			g, data := wideGraph(t, 3)
			o := newFakeOwner(data)
			start := time.Now()
			c.Submit(&Job{Graph: g, Owner: o, Group: "mine"})
			select {
			case err := <-o.done:
				if !errors.Is(err, ErrNoWorker) || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v, want ErrNoWorker saying %q", err, tc.want)
				}
				t.Logf("after %v: %v", time.Since(start), err)
			case <-time.After(30 * time.Second):
				t.Fatal("no error 30s after a computation no worker can run was submitted")
			}
		})
	}
}

func TestNoWorkerTimeoutFromEnvironment(t *testing.T) {
	t.Setenv(NoWorkerTimeoutEnv, "1.5")
	if d := noWorkerTimeoutFromEnv(nil); d != 1500*time.Millisecond {
		t.Errorf("1.5 -> %v", d)
	}
	t.Setenv(NoWorkerTimeoutEnv, "2m")
	if d := noWorkerTimeoutFromEnv(nil); d != 2*time.Minute {
		t.Errorf("2m -> %v", d)
	}
}

func TestStateTransitions(t *testing.T) {
	for from := range numStates {
		if from.String() == "" || numStates.String() != "taskState(7)" {
			t.Fatalf("state names: %v %v", from, numStates)
		}
	}
	js := &Job{state: []taskState{stDone}}
	js.count[stDone] = 1
	defer func() {
		if r := recover(); r == nil {
			t.Error("done -> queued was allowed")
		} else if _, ok := r.(errBadTransition); !ok || !strings.Contains(fmt.Sprint(r), "done to queued") {
			t.Errorf("panic %v", r)
		}
	}()
	js.set(0, stQueued)
}

// prioritize gives the functions of a random graph random priorities and resources.
func prioritize(r *rand.Rand, g *Graph) {
	for k := range g.functions {
		f := &g.functions[k]
		if f.Local {
			continue
		}
		f.Priority = r.IntN(5) - 2
		switch r.IntN(3) {
		case 0:
			f.Resources = map[string]float64{"gpu": 1}
		case 1:
			f.Resources = map[string]float64{"gpu": 0.5}
		}
	}
	g.prioritize()
}
