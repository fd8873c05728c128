package cluster

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// newChecked returns a running coordinator that validates its invariants after every event.
func newChecked(t *testing.T, opts Options) *Coordinator {
	t.Helper()
	c := newCoordinator(opts)
	var mu sync.Mutex
	c.check = func(c *Coordinator) {
		if err := c.validate(); err != nil {
			mu.Lock()
			defer mu.Unlock()
			t.Errorf("invariants broken: %v", err)
		}
	}
	c.super.start(c)
	go c.loop()
	t.Cleanup(c.Close)
	return c
}

func startFakes(t *testing.T, c *Coordinator, n int) []*fakeWorker {
	fakes := make([]*fakeWorker, n)
	for k := range fakes {
		fakes[k] = newFakeWorker(c, "w")
		fakes[k].start()
	}
	t.Cleanup(func() {
		for _, f := range fakes {
			f.stop()
		}
	})
	return fakes
}

func wait(t *testing.T, o *fakeOwner) error {
	t.Helper()
	select {
	case err := <-o.done:
		return err
	case <-time.After(60 * time.Second):
		t.Fatal("the computation did not finish within 60s")
		return nil
	}
}

func TestCoordinatorComputesConcurrentJobs(t *testing.T) {
	c := newChecked(t, Options{})
	startFakes(t, c, 4)
	type run struct {
		o    *fakeOwner
		want map[int32]int64
	}
	var runs []run
	for k := range 4 {
		g, data := wideGraph(t, 200*(k+1))
		o := newFakeOwner(data)
		c.Submit(&Job{Graph: g, Owner: o, Chunksize: k})
		runs = append(runs, run{o, evaluate(g, data)})
	}
	for _, r := range runs {
		if err := wait(t, r.o); err != nil {
			t.Fatal(err)
		}
		for i, v := range r.want {
			if r.o.outputs[i] != v {
				t.Errorf("output %d = %d, want %d", i, r.o.outputs[i], v)
			}
		}
	}
	st := c.Status()
	if len(st.Workers) != 4 || st.Jobs != 0 {
		t.Errorf("status %+v", st)
	}
	if again := c.Status(); !again.Taken.Equal(st.Taken) {
		t.Error("a second status request within StatusMaxAge took another snapshot")
	}
}

func TestCoordinatorTaskFailureAndCancel(t *testing.T) {
	c := newChecked(t, Options{})
	startFakes(t, c, 2)
	b := newGraphBuilder()
	x := b.call("fail", false, b.datum(1))
	b.outputs = []int32{b.call("inc", false, x)}
	g := b.build(t)
	o := newFakeOwner(b.data)
	c.Submit(&Job{Graph: g, Owner: o})
	var tf *TaskFailure
	if err := wait(t, o); !errors.As(err, &tf) || tf.Task != x || tf.Record == nil {
		t.Fatalf("err = %v, want the failure of task %d", err, x)
	}

	// Cancel: the cause comes back.
	big, data := wideGraph(t, 3000)
	o = newFakeOwner(data)
	js := &Job{Graph: big, Owner: o}
	c.Submit(js)
	cause := errors.New("stop it")
	c.Cancel(js, cause)
	if err := wait(t, o); err != nil && !errors.Is(err, cause) {
		t.Fatalf("err = %v, want %v", err, cause)
	}
	o = newFakeOwner(data)
	c.Submit(&Job{Graph: big, Owner: o})
	c.FailAll(cause)
	if err := wait(t, o); err != nil && !errors.Is(err, cause) {
		t.Fatalf("err = %v, want %v", err, cause)
	}
}

// An owner that runs its local tasks elsewhere reports them with LocalDone.
type deferredOwner struct {
	*fakeOwner
	c  *Coordinator
	js *Job
	wg sync.WaitGroup
}

func (o *deferredOwner) RunLocal(i int32, args []*Encoded) (*Encoded, bool, error) {
	var s int64
	for _, a := range args {
		s += dec64(a.Value.Body)
	}
	o.wg.Add(1)
	go func() {
		defer o.wg.Done()
		o.c.LocalDone(o.js, i, NewEncoded(wire.Value{Body: enc64(s)}, "int64"), nil)
	}()
	return nil, false, nil
}

func TestCoordinatorStoreAndExternalData(t *testing.T) {
	c := newChecked(t, Options{})
	startFakes(t, c, 3)
	key := c.Store(NewEncoded(wire.Value{Body: enc64(40)}, "int64"), true)
	b := newGraphBuilder()
	ext := b.datum(0)
	x := b.call("inc", false, ext)
	y := b.call("local", true, x, b.datum(2))
	b.outputs = []int32{y, x}
	g := b.build(t)
	o := &deferredOwner{fakeOwner: newFakeOwner(b.data), c: c}
	o.js = &Job{Graph: g, Owner: o, External: map[int32]uint64{ext: key}, Persist: true}
	c.Submit(o.js)
	if err := wait(t, o.fakeOwner); err != nil {
		t.Fatal(err)
	}
	o.wg.Wait()
	if o.outputs[y] != 43 || o.outputs[x] != 41 {
		t.Errorf("outputs %v, want %d: 43 and %d: 41", o.outputs, y, x)
	}
	c.Forget([]uint64{key, 12345})
	// The value is gone: a computation using it fails naming the task.
	o2 := newFakeOwner(b.data)
	c.Submit(&Job{Graph: g, Owner: o2, External: map[int32]uint64{ext: key}})
	var tf *TaskFailure
	if err := wait(t, o2); !errors.As(err, &tf) {
		t.Fatalf("err = %v, want a TaskFailure", err)
	}
}

func TestCoordinatorSurvivesWorkerDeaths(t *testing.T) {
	c := newChecked(t, Options{})
	fakes := startFakes(t, c, 3)
	g, data := wideGraph(t, 3000)
	o := newFakeOwner(data)
	c.Submit(&Job{Graph: g, Owner: o})
	fakes[0].Kill()
	c.Kill(fakes[1].w)
	more := startFakes(t, c, 1)
	_ = more
	if err := wait(t, o); err != nil {
		t.Fatal(err)
	}
	for i, v := range evaluate(g, data) {
		if o.outputs[i] != v {
			t.Errorf("output %d = %d, want %d", i, o.outputs[i], v)
		}
	}
}

func TestCoordinatorCloseStopsComputations(t *testing.T) {
	c := New(Options{})
	g, data := wideGraph(t, 10)
	o := newFakeOwner(data)
	c.Submit(&Job{Graph: g, Owner: o})
	c.Close()
	if err := wait(t, o); !errors.Is(err, ErrClosed) {
		t.Fatalf("err = %v, want ErrClosed", err)
	}
	o = newFakeOwner(data)
	c.Submit(&Job{Graph: g, Owner: o})
	if err := wait(t, o); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: err = %v, want ErrClosed", err)
	}
	if s := c.Status(); s.Jobs != 0 || len(s.Workers) != 0 {
		t.Errorf("status after close: %+v", s)
	}
	// Keys still come; values stored after Close are released.
	released := false
	e := NewEncoded(wire.Value{}, "int64")
	e.Cleanup = func() { released = true }
	c.Store(e, false)
	if !released {
		t.Error("a value stored after Close was kept")
	}
	c.Close()
}

func TestWorkersNeededRunsOffTheLoop(t *testing.T) {
	calls := make(chan struct{}, 10)
	var c *Coordinator
	c = New(Options{WorkersNeeded: func() {
		// Re-entering the coordinator from here must not deadlock.
		f := newFakeWorker(c, "started")
		f.start()
		calls <- struct{}{}
		go func() { <-time.After(time.Minute) }()
	}})
	defer c.Close()
	g, data := wideGraph(t, 100)
	o := newFakeOwner(data)
	c.Submit(&Job{Graph: g, Owner: o})
	if err := wait(t, o); err != nil {
		t.Fatal(err)
	}
	if len(calls) == 0 {
		t.Error("WorkersNeeded was not called for a computation without workers")
	}
}

func TestOutboxDrainsInOrder(t *testing.T) {
	ob := NewOutbox()
	var got []byte
	done := make(chan error)
	written := make(chan struct{}, 5) // one per frame written
	go func() {
		done <- ob.Drain(func(m *Outgoing) (int64, error) {
			got = append(got, m.Kind)
			written <- struct{}{}
			return 1, nil
		}, func() error { return nil })
	}()
	e := NewEncoded(wire.Value{}, "int64")
	for k := range byte(5) {
		ob.Put(NewOutgoing(k, nil, nil, e))
	}
	guard := time.After(30 * time.Second) // a hang guard only
	for range 5 {
		select {
		case <-written:
		case <-guard:
			t.Fatal("five frames put, not all written within 30s")
		}
	}
	ob.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ob.Put(NewOutgoing(9, nil, nil))
	if len(got) != 5 {
		t.Fatalf("frames written: %v, want 5", got)
	}
	for k, kind := range got {
		if kind != byte(k) {
			t.Fatalf("frames out of order: %v", got)
		}
	}
}

func TestMalformedResultsTakeTheWorkerDown(t *testing.T) {
	s := newSim(t, Options{})
	w := s.addWorker("")
	g, data := wideGraph(t, 2)
	s.submit(g, data, "")
	w.deliver()
	s.event(evResults{w.w, &worker.Results{Items: []worker.Result{{Key: 1, Attachments: 3}}}, nil})
	if !w.w.dead {
		t.Fatal("a worker announcing attachments it did not send stays in service")
	}
	w.gone = true
	s.event(evValues{w.w, &worker.Values{Puts: []worker.Put{{Key: 1, Attachments: -1}}}, nil})
	s.settle()
	s.check()
}
