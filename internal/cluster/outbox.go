package cluster

import "sync"

// Outbox queues frames for a link's writer goroutine, so that the coordinator never blocks on a
// slow connection.
type Outbox struct {
	mu     sync.Mutex
	wake   chan struct{}
	queue  []*Outgoing
	closed bool
}

// NewOutbox returns an empty outbox.
func NewOutbox() *Outbox { return &Outbox{wake: make(chan struct{}, 1)} }

// Put queues a frame; after Close it is dropped.
func (o *Outbox) Put(m *Outgoing) {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		m.Done(0)
		return
	}
	o.queue = append(o.queue, m)
	o.mu.Unlock()
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Close stops the outbox; frames still queued are dropped and Drain returns.
func (o *Outbox) Close() {
	o.mu.Lock()
	o.closed = true
	dropped := o.queue
	o.queue = nil
	o.mu.Unlock()
	for _, m := range dropped {
		m.Done(0)
	}
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Drain writes queued frames with write (which returns the bytes it wrote) and calls flush after
// each run of frames, until Close or a failed write.
func (o *Outbox) Drain(write func(*Outgoing) (int64, error), flush func() error) error {
	for {
		o.mu.Lock()
		batch := o.queue
		o.queue = nil
		closed := o.closed
		o.mu.Unlock()
		for k, m := range batch {
			n, err := write(m)
			m.Done(n)
			if err != nil {
				for _, rest := range batch[k+1:] {
					rest.Done(0)
				}
				return err
			}
		}
		if len(batch) > 0 {
			if err := flush(); err != nil {
				return err
			}
		}
		if closed {
			return nil
		}
		if len(batch) == 0 {
			<-o.wake
		}
	}
}
