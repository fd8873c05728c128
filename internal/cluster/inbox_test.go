package cluster

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/internal/worker"
)

// Every kind of event describes itself, naming what it is about, even with fields missing.
func TestEventsDescribeThemselves(t *testing.T) {
	w := &Worker{Name: "w7"}
	js := &Job{id: 3}
	cause := errors.New("the cause")
	for _, tc := range []struct {
		ev   event
		want string
	}{
		{evSubmitted{js}, "computation 3 submitted"},
		{evCancelled{js, cause}, "computation 3 cancelled: the cause"},
		{evFailAll{cause}, "the cause"},
		{evLocalDone{js, 4, nil, nil}, "local task 4 done"},
		{evLocalDone{js, 4, nil, cause}, "local task 4 failed: the cause"},
		{evGraceExpired{js}, "computation 3: cancellation grace expired"},
		{evTick{time.Unix(0, 0).UTC()}, "clock tick at 1970"},
		{evWorkerJoined{w}, `worker "w7" joined`},
		{evWorkerLost{w, cause, true}, `worker "w7" crashed: the cause`},
		{evWorkerLost{w, cause, false}, `worker "w7" left: the cause`},
		{evWorkerKilled{w}, `worker "w7" to be killed`},
		{evResults{w, &worker.Results{Items: make([]worker.Result, 2)}, nil}, `2 results from worker "w7"`},
		{evResults{}, "0 results from worker <nil>"},
		{evValues{w, &worker.Values{Puts: make([]worker.Put, 1)}, [][]byte{nil}}, `1 values from worker "w7" (1 attachments)`},
		{evValues{}, "0 values from worker <nil>"},
		{evMemory{w, true, 100}, `memory report from worker "w7": paused true, limit 100`},
		{evRetire{w, "idle"}, `worker "w7" to retire: idle`},
		{evStored{9, nil, true}, "value 9 stored (broadcast true)"},
		{evForgotten{[]uint64{9, 10}}, "stored values [9 10] forgotten"},
		{evStatusAsked{}, "status asked"},
		{evLoadAsked{}, "load asked"},
		{evTelemetryAsked{cursor: 5}, "telemetry asked after 5"},
		{evRetiringAsked{w: w}, `retiring asked of worker "w7"`},
		{evRetireStatsAsked{}, "retirement statistics asked"},
		{evSubmitted{}, "computation <nil> submitted"},
	} {
		if got := tc.ev.String(); !strings.Contains(got, tc.want) {
			t.Errorf("%T: %q, want it to contain %q", tc.ev, got, tc.want)
		}
	}
}

// evUnknown is an event handle does not know: only a bug could send one.
type evUnknown struct{}

func (evUnknown) isEvent()       {}
func (evUnknown) String() string { return "unknown" }

// An event handle does not know is a bug: it fails every computation with ErrInternal, naming
// the event, instead of crashing the process.
func TestUnknownEventFailsComputations(t *testing.T) {
	s := newSim(t, Options{})
	s.addWorker("")
	g, data := wideGraph(t, 5)
	j := s.submit(g, data, "")
	s.c.step(evUnknown{})
	select {
	case err := <-j.owner.done:
		if !errors.Is(err, ErrInternal) || !strings.Contains(err.Error(), "unknown event cluster.evUnknown") {
			t.Fatalf("err = %v, want ErrInternal naming the event", err)
		}
	default:
		t.Fatal("the computation goes on after an unknown event")
	}
}

// Events holding one pointer (a computation, a worker) cost no allocation to send, where the
// closures they replace cost one.
func TestPointerEventsDoNotAllocate(t *testing.T) {
	c := newCoordinator(Options{})
	js, w := &Job{}, &Worker{}
	for name, send := range map[string]func(){
		"submitted":     func() { c.do(evSubmitted{js}) },
		"worker joined": func() { c.do(evWorkerJoined{w}) },
		"worker killed": func() { c.do(evWorkerKilled{w}) },
		"grace expired": func() { c.do(evGraceExpired{js}) },
	} {
		allocs := testing.AllocsPerRun(100, func() {
			send()
			<-c.events
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per event sent", name, allocs)
		}
	}
}
