package cluster

import "github.com/lazygraph/lazygraph/graph"

// Link is the coordinator's line to one worker, implemented by each scheduler for its transport.
// Send must not block: links queue what they send. Kill ends the worker at once.
type Link interface {
	Send(out *Outgoing)
	Kill()
}

// Outgoing is a frame for a worker. Attachments[k] may be in Files[k] (a memory file) when the
// link can pass those. After writing it (or giving up), the link calls Done, once, and reads
// nothing of the frame after.
type Outgoing struct {
	Kind        byte
	Msg         any
	Attachments [][]byte
	Files       []int
	hold        []*Encoded
	job         *Job
	batch       *batch // the batch Msg is part of, reused after Done (batchpool.go); nil for other frames
}

// Done releases what the frame held and counts its bytes for its computation. The frame's
// message must not be read after it (a batch's arrays are reused).
func (o *Outgoing) Done(bytes int64) {
	for _, e := range o.hold {
		e.Release()
	}
	o.hold = nil
	if b := o.batch; b != nil {
		o.batch, o.Msg, o.Attachments, o.Files = nil, nil, nil, nil
		b.recycle()
	}
	if o.job != nil && bytes > 0 {
		o.job.Owner.Sent(bytes)
	}
}

// Worker is a worker as the coordinator sees it. Create it with the link and descriptive fields;
// the coordinator owns the rest.
type Worker struct {
	Link        Link
	Name        string // for logs and status: a pid, an address
	PeerAddress string // where other workers fetch its values, for PeerTransfers
	Group       string // computations of another group do not run here (see Job.Group)
	// Resources are what the worker has for tasks needing resources (Function.Resources): such
	// a task runs here only while its amounts are free, and holds them until it is reported.
	Resources graph.Resources

	id        int32
	up        bool
	dead      bool
	killed    bool // ended on purpose (cancellation), not a crash
	dirty     bool // in Coordinator.dirty
	pending   bool // in Coordinator.pending
	hungryAt  int  // index in its group's hungry set, -1 when not in it
	funcs     map[funcKey]uint32
	heldKeys  int             // values it holds (or will, once its queue has run)
	heldBytes int64           // their sizes, as far as known
	queue     taskQueue       // tasks sent and not yet reported, in the order they run
	released  []uint64        // keys to release with the next message
	finished  []uint32        // computations over, to tell with the next message
	ran       int64           // tasks reported
	free      graph.Resources // Resources not held by its queued tasks; nil when it declares none
	out       bool            // taken out of the live list (gone or retiring)
	retiring  *retirement     // retiring (retire.go); nil while it serves
	paused    bool            // it said it starts no task until its memory falls (memory.go)
	memLimit  int64           // its memory budget as it reported it, 0 when unknown
}

type funcKey struct {
	name string
	elem string
}

type assigned struct {
	js *Job
	i  int32
}

// Slot returns the worker's number, never reused by another worker of the coordinator.
func (w *Worker) Slot() int { return int(w.id) }

func (w *Worker) live() bool { return w.up && !w.dead }

// NewOutgoing returns a frame holding references to the values whose bytes it carries, released
// by Done.
func NewOutgoing(kind byte, msg any, attachments [][]byte, hold ...*Encoded) *Outgoing {
	for _, e := range hold {
		e.Retain()
	}
	return &Outgoing{Kind: kind, Msg: msg, Attachments: attachments, hold: hold}
}
