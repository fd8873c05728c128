package cluster

import (
	"github.com/lazygraph/lazygraph/internal/wire"
)

// The coordinator's core changes state only: what it wants done outside (messages to workers,
// word to owners, workers started) it appends to c.out as instructions, and the shell (step)
// carries them out, in order, after each event. So handling an event does no I/O and calls no
// owner or link, and tests can read what an event produced.

type instrKind uint8

const (
	doSend       instrKind = iota // queue a frame on a worker's link
	doKill                        // end a worker
	doOutput                      // hand an output to its owner
	doTaskDone                    // tell an owner a task finished
	doFinished                    // tell an owner its computation is over
	doStart                       // ask for workers (on the supervisor's goroutine)
	doRunLocal                    // run a task at its owner (on a goroutine of its own)
	doKeep                        // hand a result that came back to its owner's Keeper
	doRetired                     // tell a retired worker it may exit (retire.go)
	doTaskOutput                  // hand what a task wrote to its owner's OutputRelay
	doKept                        // tell an owner's KeptReporter a worker kept a result (keep.go)
	doGather                      // build a gathering task's value (on a goroutine of its own, gather.go)
)

var instrNames = [...]string{"send", "kill", "output", "task done", "finished", "start workers", "run local", "keep", "retired", "task output", "kept", "gather"}

func (k instrKind) String() string {
	if int(k) < len(instrNames) {
		return instrNames[k]
	}
	return "instruction?"
}

// instr is one instruction. References to values it carries (e, args) are the instruction's
// own, released once it is carried out.
type instr struct {
	kind   instrKind
	w      *Worker
	out    *Outgoing
	js     *Job
	i      int32
	e      *Encoded
	key    uint64
	err    error
	worker int
	start  int64
	ns     int64
	size   int64
	rec    *wire.ErrorRecord
	args   []*Encoded
	body   []byte
	gather *gatherInput
}

func (c *Coordinator) emit(in instr) { c.out = append(c.out, in) }

// send queues a frame for w.
func (c *Coordinator) send(w *Worker, kind byte, msg any, js *Job, atts [][]byte, files []int, hold []*Encoded) {
	c.emit(instr{kind: doSend, w: w, out: &Outgoing{Kind: kind, Msg: msg, Attachments: atts, Files: files, hold: hold, job: js}})
}

func (c *Coordinator) kill(w *Worker) { c.emit(instr{kind: doKill, w: w}) }

func (c *Coordinator) tellOutput(js *Job, i int32, e *Encoded, key uint64) {
	e.Retain()
	c.emit(instr{kind: doOutput, js: js, i: i, e: e, key: key})
}

// tellKeep hands result i, which came back to the coordinator, to its owner when the owner is
// a Keeper (a result store).
func (c *Coordinator) tellKeep(js *Job, i int32, e *Encoded) {
	if _, ok := js.Owner.(Keeper); ok {
		e.Retain()
		c.emit(instr{kind: doKeep, js: js, i: i, e: e})
	}
}

// tellKeepBody is tellKeep for a small result held as bytes (never overwritten, so the
// instruction may carry them as they are).
func (c *Coordinator) tellKeepBody(js *Job, i int32) {
	if _, ok := js.Owner.(Keeper); ok {
		b, _, _ := js.small.get(i)
		c.emit(instr{kind: doKeep, js: js, i: i, body: b})
	}
}

func (c *Coordinator) tellTaskDone(js *Job, i int32, worker int, start, ns, size int64, rec *wire.ErrorRecord) {
	c.emit(instr{kind: doTaskDone, js: js, i: i, worker: worker, start: start, ns: ns, size: size, rec: rec})
}

// tellTaskOutput hands what task i wrote (worker.Result.Output) to its owner, when the owner
// relays output. The bytes travel in the instruction's value.
func (c *Coordinator) tellTaskOutput(js *Job, i int32, out []byte) {
	if _, ok := js.Owner.(OutputRelay); ok {
		c.emit(instr{kind: doTaskOutput, js: js, i: i, e: &Encoded{Value: wire.Value{Body: out}}})
	}
}

func (c *Coordinator) tellFinished(js *Job, err error) {
	c.emit(instr{kind: doFinished, js: js, err: err})
}

func (c *Coordinator) startWorkers() { c.emit(instr{kind: doStart}) }

// execute carries out the instructions of one event.
func (c *Coordinator) execute() {
	for k := 0; k < len(c.out); k++ {
		in := c.out[k]
		c.out[k] = instr{}
		switch in.kind {
		case doSend:
			in.w.Link.Send(in.out)
		case doKill:
			in.w.Link.Kill()
		case doOutput:
			in.js.Owner.Output(in.i, in.e, in.key)
			in.e.Release()
		case doKeep:
			if in.e != nil {
				in.js.Owner.(Keeper).Keep(in.i, in.e.Value)
				in.e.Release()
			} else {
				in.js.Owner.(Keeper).Keep(in.i, wire.Value{Body: in.body})
			}
		case doTaskOutput:
			in.js.Owner.(OutputRelay).TaskOutput(in.i, in.e.Value.Body)
		case doKept:
			in.js.Owner.(KeptReporter).Kept(in.i)
		case doTaskDone:
			in.js.Owner.TaskDone(in.i, in.worker, in.start, in.ns, in.size, in.rec)
		case doFinished:
			in.js.Owner.Finished(in.err)
		case doRetired:
			executeRetired(in)
		case doStart:
			c.super.wake()
		case doGather:
			c.runGather(in.js, in.i, in.gather)
		case doRunLocal:
			// Copies, so that in (one per instruction) does not escape to the heap.
			js, i, args := in.js, in.i, in.args
			c.locals.Add(1)
			go func() {
				defer c.locals.Done()
				v, done, err := js.Owner.RunLocal(i, args)
				for _, e := range args {
					e.Release()
				}
				if done && !c.do(evLocalDone{js, i, v, err}) && v != nil {
					v.Release()
				}
			}()
		}
	}
	// Cleared, not only cut: the array's old instructions would keep their frames (a batch of
	// thousands of tasks each) alive until overwritten.
	clear(c.out)
	c.out = c.out[:0]
}
