package cluster

import "slices"

// Which worker holds which value. A value of a computation is held by Job.where (the worker that
// computed it, or the first it was put on) and by Job.extra (the others); a value of the store
// (Coordinator.Store) by Coordinator.storeHeld. Lookups cost a few comparisons, not one map
// lookup per worker, and releasing a value touches only its holders.

// holds reports whether worker w holds (or will hold, once its queue has run) a's value.
func (c *Coordinator) holds(js *Job, a int32, w *Worker) bool {
	if js.external(a) {
		return slices.Contains(c.storeHeld[js.key(a)], w.id)
	}
	if js.where[a] == w.id {
		return true
	}
	return js.extra.has(a, w.id)
}

// addHolder records that w holds (or will hold) a's value.
func (c *Coordinator) addHolder(js *Job, a int32, w *Worker) {
	if js.external(a) {
		key := js.key(a)
		if !slices.Contains(c.storeHeld[key], w.id) {
			c.storeHeld[key] = append(c.storeHeld[key], w.id)
			w.heldKeys++
			w.heldBytes += js.size.get(a)
		}
		return
	}
	switch {
	case js.where[a] == w.id:
		return
	case js.where[a] < 0:
		js.where[a] = w.id
		js.flags[a] |= flagUnconfirmed
	default:
		if js.extra.has(a, w.id) {
			return
		}
		js.extra.add(a, w.id, js.Graph.Len())
	}
	w.heldKeys++
	w.heldBytes += js.size.get(a)
}

// forEachHolder calls f for every live worker holding a's value (computation values only).
func (c *Coordinator) forEachHolder(js *Job, a int32, f func(w *Worker)) {
	if id := js.where[a]; id >= 0 {
		f(c.workers[id])
	}
	for id := range js.extra.of(a) {
		f(c.workers[id])
	}
}

// releaseHolders tells every worker holding a's value to forget it (computation values only).
func (c *Coordinator) releaseHolders(js *Job, a int32) {
	if _, more := js.extra.first(a); js.where[a] < 0 && !more {
		return
	}
	key := js.key(a)
	c.forEachHolder(js, a, func(w *Worker) {
		c.noteRelease(w, key)
		w.heldKeys--
		w.heldBytes -= js.size.get(a)
	})
	js.where[a] = -1
	js.flags[a] &^= flagUnconfirmed
	js.extra.clear(a)
}

// anyHolder returns a live worker holding a's value, or nil.
func (c *Coordinator) anyHolder(js *Job, a int32) *Worker {
	if js.external(a) {
		if ids := c.storeHeld[js.key(a)]; len(ids) > 0 {
			return c.workers[ids[0]]
		}
		return nil
	}
	if id := js.where[a]; id >= 0 {
		return c.workers[id]
	}
	if id, ok := js.extra.first(a); ok {
		return c.workers[id]
	}
	return nil
}

// dropHolder forgets that w holds a's value (the worker said it does not).
func (c *Coordinator) dropHolder(js *Job, a int32, w *Worker) {
	switch {
	case js.state[a] == stQueued && js.where[a] == w.id:
		return // it runs there: the record is its placement, not a value held
	case js.where[a] == w.id:
		js.where[a] = -1
		if id, ok := js.extra.first(a); ok {
			js.where[a] = id
			js.flags[a] |= flagUnconfirmed
			js.extra.remove(a, id)
		}
	case js.extra.remove(a, w.id):
	default:
		return
	}
	w.heldKeys--
	w.heldBytes -= js.size.get(a)
}

// forgetWorker removes a worker that left from every holder record. Values only it held are
// then held by no worker: recovery computes them again if they are still needed.
func (c *Coordinator) forgetWorker(w *Worker) {
	for _, js := range c.jobs {
		for a := range int32(js.Graph.Len()) {
			if js.where[a] == w.id && js.state[a] != stQueued {
				c.dropHolder(js, a, w)
			}
		}
		for a := range int32(len(js.extra.head)) {
			if js.extra.has(a, w.id) {
				c.dropHolder(js, a, w)
			}
		}
	}
	for key, ids := range c.storeHeld {
		if slices.Contains(ids, w.id) {
			ids = slices.DeleteFunc(ids, func(id int32) bool { return id == w.id })
			if len(ids) == 0 {
				delete(c.storeHeld, key)
			} else {
				c.storeHeld[key] = ids
			}
		}
	}
}
