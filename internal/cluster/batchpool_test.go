package cluster

import (
	"bytes"
	"slices"
	"testing"

	"github.com/lazygraph/lazygraph/internal/worker"
)

// A batch's arrays go to another message only once its frame is done: messages a link still
// holds keep their tasks while the coordinator sends others from reused arrays, a done frame's
// message is gone, and the computation's result is right.
func TestBatchArraysReusedOnlyAfterDone(t *testing.T) {
	s := newSim(t, Options{})
	w := s.addWorker("")
	g, data := wideGraph(t, 3000)
	s.submitWith(g, data, func(js *Job) { js.Chunksize = 16 })

	// What each batch carried when the link got it.
	seen := map[*Outgoing][]worker.Task{}
	deepCopy := func(tasks []worker.Task) []worker.Task {
		out := slices.Clone(tasks)
		for k := range out {
			out[k].Args = slices.Clone(out[k].Args)
			for a := range out[k].Args {
				out[k].Args[a].Body = slices.Clone(out[k].Args[a].Body)
			}
		}
		return out
	}
	held, delivered := 0, 0
	for round := 0; ; round++ {
		if round > 100000 {
			t.Fatal("no end after 100000 rounds")
		}
		for _, m := range w.inbox {
			if b, ok := m.Msg.(*worker.Batch); ok && seen[m] == nil {
				seen[m] = deepCopy(b.Tasks)
			}
		}
		held = max(held, len(w.inbox))
		if len(w.inbox) == 0 {
			if !w.run() && !w.report(false) {
				break
			}
			continue
		}
		// Deliver one message (done after), run and report, leaving the others held.
		m := w.inbox[0]
		if want, ok := seen[m]; ok {
			if !sameTasks(m.Msg.(*worker.Batch).Tasks, want) {
				t.Fatalf("a batch the link still held changed after the coordinator sent %d more", len(w.inbox)-1)
			}
			delivered++
		}
		w.deliver()
		if want := seen[m]; want != nil && m.Msg != nil {
			t.Fatal("a batch's message is still there after its frame was done")
		}
		for w.run() {
		}
		w.report(false)
	}
	s.settle()
	s.check()
	if held < 3 || delivered < 50 {
		t.Fatalf("at most %d messages held at once and %d batches delivered: the test needs more", held, delivered)
	}
}

func sameTasks(got, want []worker.Task) bool {
	if len(got) != len(want) {
		return false
	}
	for k := range got {
		g, w := got[k], want[k]
		if g.Key != w.Key || g.Job != w.Job || g.Fn != w.Fn || g.Send != w.Send || len(g.Args) != len(w.Args) {
			return false
		}
		for a := range g.Args {
			if g.Args[a].Key != w.Args[a].Key || !bytes.Equal(g.Args[a].Body, w.Args[a].Body) {
				return false
			}
		}
	}
	return true
}

// A batch emptied for reuse keeps its arrays' room but nothing of what they held.
func TestEmptiedBatchHoldsNothing(t *testing.T) {
	b := newBatch(nil, &Job{}, 64)
	defer batchPool.Put(b)
	body := []byte{1, 2, 3}
	b.argBuf = append(make([]worker.Arg, 0, 4), worker.Arg{Body: body})
	// A task that could not be sent leaves arguments past the buffer's length (assign).
	_ = append(b.argBuf[len(b.argBuf):len(b.argBuf):cap(b.argBuf)], worker.Arg{Body: body})
	b.msg.Tasks = append(b.msg.Tasks, worker.Task{Key: 7, Args: b.argBuf[:1], Stream: body, StoreKey: "k"})
	b.assigned = append(b.assigned, 3)
	b.msg.Puts = append(b.msg.Puts, worker.Put{Key: 9, Body: body})
	tasks, args := b.msg.Tasks, b.argBuf
	b.reset()
	if len(b.msg.Tasks) != 0 || len(b.argBuf) != 0 || len(b.assigned) != 0 || b.msg.Puts != nil || b.js != nil {
		t.Fatalf("emptied batch not empty: %+v", b)
	}
	if cap(b.msg.Tasks) < 64 {
		t.Fatalf("emptied batch lost its room: %d tasks", cap(b.msg.Tasks))
	}
	if tasks[0].Args != nil || tasks[0].Stream != nil || tasks[0].StoreKey != "" || args[0].Body != nil || args[:2][1].Body != nil {
		t.Fatal("emptied batch's arrays still reference what they carried")
	}
}
