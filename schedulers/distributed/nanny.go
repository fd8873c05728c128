package distributed

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// A worker with a nanny (WorkerOptions.Nanny: `lazygraph worker` supervising the real worker as
// a child process) says so in its hello. When its connection breaks, the scheduler waits a
// moment (deathNoteWait) for the nanny to tell how the worker process died (ReportWorkerDeath,
// a kindWorkerDied frame on a client connection), so that the error of the task it ran names the
// signal or exit status and, from the worker's last memory report, whether memory likely killed
// it, instead of "EOF".

// kindWorkerDied is a nanny telling the scheduler how its worker died; the scheduler answers
// with kindStored (the same Request) once it has recorded it.
const kindWorkerDied byte = 63

func init() { kindLimits[kindWorkerDied] = 64 << 10 }

// workerDied is the body of a kindWorkerDied frame.
type workerDied struct {
	Request uint64              `msgpack:"q"`
	Death   worker.ProcessDeath `msgpack:"d"`
}

// deathNoteWait bounds how long the scheduler waits for a nanny's note after losing its worker.
const deathNoteWait = 3 * time.Second

// ReportWorkerDeath tells the scheduler of opts (by address or scheduler file, with its token
// and TLS) how a worker process died, for the errors of the tasks it was running. It returns
// once the scheduler has recorded it.
func ReportWorkerDeath(ctx context.Context, opts WorkerOptions, d *worker.ProcessDeath) error {
	if opts.SchedulerFile != "" {
		if err := opts.readSchedulerFile(opts.Token); err != nil {
			return err
		}
	}
	c, _, err := handshakeClient(opts.Address, opts.Token, ClientOptions{Name: fmt.Sprintf("nanny of pid %d", d.PID), TLS: opts.TLS})
	if err != nil {
		return fmt.Errorf("reporting a worker's death: %w", err)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	if err := c.send(kindWorkerDied, &workerDied{Request: 1, Death: *d}, nil); err != nil {
		return fmt.Errorf("reporting a worker's death: %w", err)
	}
	for {
		f, err := c.receive()
		if err != nil {
			return fmt.Errorf("reporting a worker's death: %w", err)
		}
		if f.Kind == kindStored {
			return nil
		}
	}
}

// deathNotes are the deaths nannies reported, by host and process id, for the worker sessions
// that lost those workers.
type deathNotes struct {
	mu    sync.Mutex
	notes map[string]*worker.ProcessDeath
	wake  chan struct{} // closed and replaced when a note arrives
}

func deathKey(remote string, pid int) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	return fmt.Sprintf("%s/%d", host, pid)
}

// add records a note from the nanny connected from remote.
func (n *deathNotes) add(remote string, d *worker.ProcessDeath) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.notes == nil {
		n.notes = map[string]*worker.ProcessDeath{}
	}
	if len(n.notes) >= 1024 { // notes nobody waited for: keep the map small
		clear(n.notes)
	}
	n.notes[deathKey(remote, d.PID)] = d
	if n.wake != nil {
		close(n.wake)
		n.wake = nil
	}
}

// await returns (and forgets) the note on the worker process pid of host remote, waiting up to
// deathNoteWait for it, or until stop closes.
func (n *deathNotes) await(remote string, pid int, stop <-chan struct{}) *worker.ProcessDeath {
	key := deathKey(remote, pid)
	timeout := time.NewTimer(deathNoteWait)
	defer timeout.Stop()
	for {
		n.mu.Lock()
		if d := n.notes[key]; d != nil {
			delete(n.notes, key)
			n.mu.Unlock()
			return d
		}
		if n.wake == nil {
			n.wake = make(chan struct{})
		}
		wake := n.wake
		n.mu.Unlock()
		select {
		case <-wake:
		case <-timeout.C:
			return nil
		case <-stop:
			return nil
		}
	}
}

// onWorkerDied records a nanny's note and acknowledges it.
func (sess *clientSession) onWorkerDied(body []byte) error {
	var m workerDied
	if err := decodeMessage(body, &m); err != nil {
		return err
	}
	sess.s.deaths.add(sess.c.raw.RemoteAddr().String(), &m.Death)
	sess.send(kindStored, &stored{Request: m.Request}, nil)
	return nil
}

// lostWorker is the cause given to the coordinator for a worker whose connection broke: how its
// process died, when its nanny tells, with its last memory report; else the connection's error.
func (s *Server) lostWorker(w *cluster.Worker, h *hello, remote, name string, err error) error {
	if !h.Nanny || s.coord.Retiring(w) {
		return fmt.Errorf("worker %s: %w", name, err)
	}
	d := s.deaths.await(remote, h.PID, s.closing)
	if d == nil {
		return fmt.Errorf("worker %s: %w", name, err)
	}
	if d.Memory == nil {
		if m, ok := s.coord.LastMemory(w); ok {
			d.Memory = &m
		}
	}
	if d.LikelyOutOfMemory() {
		// Matchable as the processes scheduler's memory deaths are.
		return &worker.OutOfMemoryError{Worker: name, How: "its nanny saw it die", Err: d}
	}
	return fmt.Errorf("worker %s: %w", name, d)
}
