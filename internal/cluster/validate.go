package cluster

import (
	"errors"
	"fmt"
	"slices"
)

// validate checks the coordinator's invariants, on its goroutine, between events. Tests call it
// after every event; it walks every task, so production code does not.
func (c *Coordinator) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	held := map[*Worker]int{}
	queued := map[*Worker]int{}
	if len(c.dirty) > 0 {
		bad("%d workers still dirty after scheduling", len(c.dirty))
	}
	if c.cur != nil {
		bad("a batch was left unsent")
	}
	for _, js := range c.jobs {
		if c.byID[js.id] != js || js.over {
			bad("job %d: listed but not indexed, or over", js.id)
		}
		errs = append(errs, c.validateJob(js, held, queued)...)
	}
	if len(c.byID) != len(c.jobs) {
		bad("%d jobs indexed, %d listed", len(c.byID), len(c.jobs))
	}
	for key, ids := range c.storeHeld {
		if _, ok := c.store[key]; !ok {
			bad("stored value %d: held by workers but not in the store", key)
		}
		for _, id := range ids {
			held[c.workers[id]]++
		}
	}
	errs = append(errs, c.validateRetirements(held, queued)...)
	groups := map[string]int{}
	for _, w := range c.alive {
		groups[w.Group]++
		if !w.live() || c.workers[w.id] != w {
			bad("worker %s: listed alive but not live", w.Name)
		}
		if held[w] != w.heldKeys {
			bad("worker %s: counts %d held values, holds %d", w.Name, w.heldKeys, held[w])
		}
		if queued[w] != w.queue.Len() {
			bad("worker %s: %d tasks queued, %d tasks queued on it", w.Name, w.queue.Len(), queued[w])
		}
		if w.queue.Len() == 0 && w.hungryAt < 0 && !w.paused {
			bad("worker %s: idle and not hungry: nothing would give it work", w.Name)
		}
		if s := c.hungry[w.Group]; w.hungryAt >= 0 && (s == nil || w.hungryAt >= len(s.list) || s.list[w.hungryAt] != w) {
			bad("worker %s: hungry index broken", w.Name)
		}
	}
	for _, w := range c.workers {
		if !w.live() && held[w] > 0 {
			bad("worker %s: gone but still holds %d values", w.Name, held[w])
		}
	}
	errs = append(errs, c.validateResources()...)
	if len(groups) != len(c.groups) {
		bad("groups %v, counted %v", c.groups, groups)
	}
	for g, n := range groups {
		if c.groups[g] != n {
			bad("group %q: %d workers, counted %d", g, n, c.groups[g])
		}
	}
	return errors.Join(errs...)
}

func (c *Coordinator) validateJob(js *Job, held, queued map[*Worker]int) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("job %d: "+format, append([]any{js.id}, args...)...))
	}
	g := js.Graph
	if err := js.extra.check(g.Len()); err != nil {
		bad("extra holders: %v", err)
	}
	var count [numStates]int
	for i := range int32(g.Len()) {
		st := js.state[i]
		count[st]++
		if js.enc(i) != nil && js.small.has(i) {
			bad("task %d: value held twice at the coordinator", i)
		}
		if js.small.has(i) && st != stDone {
			bad("task %d is %s but a result is held for it", i, st)
		}
		if g.IsData(i) && st != stDone {
			bad("data node %d is %s", i, st)
		}
		if id := js.where[i]; id >= 0 {
			w := c.workers[id]
			if !w.live() {
				bad("task %d (%s) held by gone worker %s", i, st, w.Name)
			}
			held[w]++
			if st == stQueued {
				queued[w]++
			} else if st != stDone {
				bad("task %d is %s but placed on worker %s", i, st, w.Name)
			}
		} else if st == stQueued {
			bad("task %d queued on no worker", i)
		}
		for id := range js.extra.of(i) {
			w := c.workers[id]
			if !w.live() || id == js.where[i] || js.where[i] < 0 {
				bad("task %d: extra holder %s gone, duplicated, or without a first holder", i, w.Name)
			}
			held[w]++
		}
		if js.stopped() {
			continue
		}
		// Every waiting task's inputs are accounted for.
		notDone := int32(0)
		for _, a := range g.Args(i) {
			if !g.IsData(a) && js.state[a] != stDone {
				notDone++
			}
			if (js.state[a] == stFailed || js.state[a] == stSkipped) && !settled(st) {
				bad("task %d is %s, but its argument %d is %s", i, st, a, js.state[a])
			}
		}
		switch st {
		case stWaiting:
			if js.waiting.get(i) != notDone {
				bad("task %d waits for %d arguments, %d are not computed", i, js.waiting.get(i), notDone)
			}
			if notDone == 0 && !c.parked(js, i) {
				bad("task %d waits for nothing", i)
			}
		case stSkipped, stFailed:
			if !js.KeepGoing {
				bad("task %d is %s in a computation that does not keep going", i, st)
			}
		case stReady:
			if notDone != 0 {
				bad("task %d ready with %d arguments not computed", i, notDone)
			}
		case stDone:
			if !g.IsData(i) && js.uses.get(i) > 0 && !c.available(js, i) {
				bad("task %d: its value is needed and lost", i)
			}
		}
		// Uses still to come.
		uses := int32(0)
		for _, u := range g.Users(i) {
			if !settled(js.state[u]) {
				uses++
			}
		}
		if js.flags[i]&flagOutput != 0 {
			uses++
		}
		if st == stDone && uses != js.uses.get(i) {
			bad("task %d: %d uses counted, %d to come", i, js.uses.get(i), uses)
		}
	}
	if count != js.count {
		bad("state counts %v, counted %v", js.count, count)
	}
	for a, waiters := range js.fetchers {
		if js.flags[a]&flagFetching == 0 {
			bad("tasks %v wait for value %d, which nobody fetches", waiters, a)
		}
		if from, ok := js.fetchFrom[a]; !ok || !c.workers[from].live() {
			bad("value %d is fetched from no live worker", a)
		}
	}
	for id, q := range js.local {
		if q.Len() == 0 {
			bad("empty local queue for worker %d kept", id)
		}
	}
	total := 0
	for _, q := range js.local {
		total += q.Len()
	}
	if total != js.localTotal {
		bad("local queues hold %d, counted %d", total, js.localTotal)
	}
	return slices.Clip(errs)
}
