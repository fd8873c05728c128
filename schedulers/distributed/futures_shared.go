package distributed

import (
	"reflect"

	"github.com/lazygraph/lazygraph/graph"
)

// futureEntry is what the futures of one key share: the computation behind them and, once it is
// done, the value and where the cluster keeps it. A client keeps its entries by key while a
// future of them lives, so that submitting the same key again shares them. Under Client.mu.
type futureEntry struct {
	key     graph.Key
	typ     reflect.Type
	run     *futureRun
	holders []*Future // futures not cancelled or released
	settled bool
	value   any
	stored  uint64 // where the cluster keeps the value; 0 for none
	err     error
}

// attach returns a new future of the entry; cl.mu is held.
func (e *futureEntry) attach(cl *Client) *Future {
	f := newFuture(cl, e.typ, e.run)
	f.graphKey, f.entry = e.key, e
	e.holders = append(e.holders, f)
	if e.settled {
		f.resolve(e.value, e.stored, e.err)
		return f
	}
	e.run.mu.Lock()
	e.run.pending++
	e.run.mu.Unlock()
	return f
}

// settle gives an entry its outcome, once: its futures resolve. An entry that failed, or whose
// value the cluster does not keep, stops being shared (submitting its key again computes it
// again); a value nobody holds any more is released at once.
func (cl *Client) settle(e *futureEntry, value any, stored uint64, err error) {
	cl.mu.Lock()
	if e.settled {
		cl.mu.Unlock()
		return
	}
	e.settled, e.value, e.stored, e.err = true, value, stored, err
	holders := append([]*Future(nil), e.holders...)
	if err != nil || stored == 0 || len(holders) == 0 {
		cl.unshare(e)
	}
	cl.mu.Unlock()
	for _, f := range holders {
		f.resolve(value, stored, err)
	}
	if len(holders) == 0 && stored != 0 {
		_ = cl.c.send(kindForget, &forget{Keys: []uint64{stored}}, nil)
	}
}

// detach drops a future from its entry (it was cancelled or released); the value kept in the
// cluster is released with the last future holding it.
func (cl *Client) detach(f *Future) {
	e := f.entry
	cl.mu.Lock()
	if f.released {
		cl.mu.Unlock()
		return
	}
	f.released = true
	for k, h := range e.holders {
		if h == f {
			e.holders = append(e.holders[:k], e.holders[k+1:]...)
			break
		}
	}
	last := e.settled && len(e.holders) == 0 && e.stored != 0
	if len(e.holders) == 0 {
		cl.unshare(e)
	}
	cl.mu.Unlock()
	if last {
		_ = cl.c.send(kindForget, &forget{Keys: []uint64{e.stored}}, nil)
	}
}

// unshare stops sharing an entry; cl.mu is held.
func (cl *Client) unshare(e *futureEntry) {
	if cl.shared[e.key] == e {
		delete(cl.shared, e.key)
	}
}
