package cluster

import (
	"github.com/lazygraph/lazygraph/internal/worker"
)

// Hand-back: a worker starting its retirement is asked (worker.HandBack) to give back the tasks
// it was sent and has not started, so that they run on serving workers instead of delaying the
// retirement (a retiring worker with a long queue would otherwise run all of it). It answers
// with worker.Results.Dropped: those tasks never started there and never will, so they become
// ready again, uncharged, like the queue of a worker leaving on purpose. Tasks it had started,
// or whose results crossed the request, report as usual. A link that cannot carry the request
// (not a HandBackLink, or one saying no) keeps the former behaviour: the queue runs out there.

// HandBackLink is implemented by links whose workers understand worker.HandBack.
type HandBackLink interface {
	Link
	// HandsBack reports whether the worker drops its unstarted tasks when asked.
	HandsBack() bool
}

// askHandBack asks retiring w for its unstarted tasks, when it has any and can.
func (c *Coordinator) askHandBack(w *Worker) {
	if w.queue.Len() == 0 {
		return
	}
	if l, ok := w.Link.(HandBackLink); !ok || !l.HandsBack() {
		return
	}
	c.send(w, worker.KindHandBack, &worker.HandBack{}, nil, nil, nil, nil)
}

// handedBack takes back the tasks w dropped unstarted: they wait to run elsewhere. A task no
// longer queued there (moved, cancelled, its computation over) is ignored.
func (c *Coordinator) handedBack(w *Worker, dropped []worker.TaskRef) {
	rerun := map[*Job][]int32{}
	touched := map[*Job]bool{}
	for _, d := range dropped {
		js := c.byID[d.Job]
		if js == nil || js.over {
			continue
		}
		i, ok := js.index(d.Key)
		if !ok || js.state[i] != stQueued || js.where[i] != w.id {
			continue
		}
		w.queue.remove(func(a assigned) bool { return a.js == js && a.i == i })
		c.giveBack(w, js, i)
		touched[js] = true
		if w.retiring != nil {
			c.retireStats.HandedBack++
		}
		if js.stopped() {
			js.set(i, stFailed)
		} else {
			js.set(i, stWaiting)
			rerun[js] = append(rerun[js], i)
		}
		c.dropHolder(js, i, w) // its placement there, now that it is not queued
		js.where[i] = -1
	}
	for js, tasks := range rerun {
		c.recompute(js, tasks)
		c.feedAll(js)
	}
	for js := range touched {
		if js.stopped() {
			c.finishIfIdle(js)
		}
	}
}
