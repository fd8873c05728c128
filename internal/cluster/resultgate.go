package cluster

import (
	"sync"

	"github.com/lazygraph/lazygraph/internal/worker"
)

// resultGate bounds the results waiting in the inbox. Workers' readers decode results as fast
// as they arrive; when the loop falls behind (the machine busy with other work), a million-task
// run had over 200k decoded results, 24 MB, queued for it. Past maxPendingResults a reader
// waits, and its connection's buffers, then its worker, with it.
type resultGate struct {
	mu      sync.Mutex
	pending int
	wake    chan struct{} // closed when pending falls back to the bound, nil when no one waits
}

const maxPendingResults = 1 << 15

// enter counts n results in, waiting while too many are pending; false when stopped closed first.
func (g *resultGate) enter(n int, stopped <-chan struct{}) bool {
	for {
		g.mu.Lock()
		if g.pending <= maxPendingResults {
			g.pending += n
			g.mu.Unlock()
			return true
		}
		if g.wake == nil {
			g.wake = make(chan struct{})
		}
		wake := g.wake
		g.mu.Unlock()
		select {
		case <-wake:
		case <-stopped:
			return false
		}
	}
}

// leave counts n results out, on the loop.
func (g *resultGate) leave(n int) {
	g.mu.Lock()
	g.pending -= n
	if g.pending <= maxPendingResults && g.wake != nil {
		close(g.wake)
		g.wake = nil
	}
	g.mu.Unlock()
}

// evGatedResults: results counted through the gate (Results). Its report goes back to the pool
// once handled (resultpool.go), so what String says is taken when the event is made: a panic
// logged after handling must not read a report a reader is decoding into again.
type evGatedResults struct {
	evResults
	n int // results in the report
}

func (evGatedResults) isEvent() {}

func (ev evGatedResults) String() string {
	return describeResults(ev.n, ev.w, len(ev.attachments))
}

// results hands over results, waiting while too many are pending.
func (c *Coordinator) results(w *Worker, r *worker.Results, attachments [][]byte) {
	n := len(r.Items)
	if !c.gate.enter(n, c.stopped) {
		return
	}
	if !c.do(evGatedResults{evResults{w, r, attachments}, n}) {
		c.gate.leave(n)
	}
}
