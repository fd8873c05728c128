package cluster

import (
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"
)

// Retirement timeout: a retiring worker whose running task (or hand-over) does not end within
// its time is stopped, as a worker leaving on purpose: the tasks it had (the one it ran) run
// elsewhere uncharged (no retry is counted against them), and the values only it held, not yet
// handed over, are computed again. What it handed over before stays where it was put: a value
// that arrived is held by the coordinator or another worker, no longer by it.

// ErrRetireTimeout is matched by the cause logged for a retiring worker stopped at its
// retirement timeout.
var ErrRetireTimeout = errors.New("retiring worker did not finish in time")

// RetireWithin retires w (see Retire) and stops it if its retirement has not finished within
// timeout (no limit when timeout <= 0, or Options.RetireTimeout when that is set and timeout
// is 0).
func (c *Coordinator) RetireWithin(w *Worker, reason string, timeout time.Duration) {
	c.do(evRetire{w, reason, timeout})
}

// onRetireWithin handles evRetire.
func (c *Coordinator) onRetireWithin(w *Worker, reason string, timeout time.Duration) {
	c.onRetire(w, reason)
	if timeout == 0 {
		timeout = c.opts.RetireTimeout
	}
	c.limitRetirement(w, timeout)
}

// evRetireTimedOut: a retirement's timeout passed.
type evRetireTimedOut struct {
	w *Worker
	r *retirement
}

func (evRetireTimedOut) isEvent() {}
func (ev evRetireTimedOut) String() string {
	return fmt.Sprintf("%s: retirement timeout passed", workerName(ev.w))
}

// limitRetirement starts w's retirement timer.
func (c *Coordinator) limitRetirement(w *Worker, timeout time.Duration) {
	r := w.retiring
	if r == nil || r.finished || w.dead || timeout <= 0 || r.timer != nil {
		return
	}
	r.timeout = timeout
	r.timer = time.AfterFunc(timeout, func() { c.do(evRetireTimedOut{w, r}) })
}

// onRetireTimeout stops w if retirement r is still under way.
func (c *Coordinator) onRetireTimeout(w *Worker, r *retirement) {
	if w.dead || w.retiring != r || r.finished {
		return
	}
	c.retireStats.TimedOut++
	c.log.Warn("retiring worker did not finish in time: stopping it", zap.String("worker", w.Name),
		zap.String("reason", r.reason), zap.Duration("timeout", r.timeout),
		zap.Int("queued", w.queue.Len()), zap.Int("values_moved", r.moved))
	c.retireStats.ValuesMoved += r.moved
	c.retireStats.BytesMoved += r.bytes
	r.finished = true
	w.killed = true // stopped on purpose: what it ran is not charged
	c.onDown(w, fmt.Errorf("worker %s: %w (%s)", w.Name, ErrRetireTimeout, r.timeout), false)
}

// stopRetireTimer stops r's timer, if any.
func (r *retirement) stopTimer() {
	if r.timer != nil {
		r.timer.Stop()
	}
}
