package processes

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/worker"
	"github.com/lazygraph/lazygraph/schedulers"
)

// handshakeTimeout bounds how long a new worker may take to say hello.
const handshakeTimeout = 20 * time.Second

// proc is a worker process: its connection, and the link through which the coordinator uses it.
type proc struct {
	conn   *conn
	cmd    *exec.Cmd
	stderr *tail
	exited chan struct{} // closed when the process has been waited for
	exit   error         // the process's exit status, once exited is closed
	out    *outbox
	cw     *cluster.Worker
}

var _ cluster.Link = (*proc)(nil)

// Send queues a frame for the worker's writer goroutine.
func (p *proc) Send(out *cluster.Outgoing) { p.out.put(out) }

// Kill ends the worker process now.
func (p *proc) Kill() {
	p.cmd.Process.Kill()
	p.conn.Close()
}

// spawner starts worker processes from one locked OS thread: Linux delivers a child's parent
// death signal when the thread that started it exits, and Go may retire other threads at any time.
type spawner struct {
	requests chan spawnRequest
	done     chan struct{}
}

type spawnRequest struct {
	exe   string
	reply chan spawnReply
}

type spawnReply struct {
	cmd    *exec.Cmd
	conn   *conn
	stderr *tail
	err    error
}

func startSpawner() *spawner {
	s := &spawner{requests: make(chan spawnRequest), done: make(chan struct{})}
	go s.loop()
	return s
}

func (s *spawner) loop() {
	runtime.LockOSThread()
	// The thread is never unlocked: when this goroutine ends the thread ends with it, and so do
	// the workers started from it, which is what closing the pool wants.
	defer close(s.done)
	for req := range s.requests {
		req.reply <- start(req.exe)
	}
}

func (s *spawner) stop() {
	close(s.requests)
	<-s.done
}

func (s *spawner) spawn(exe string) spawnReply {
	reply := make(chan spawnReply, 1)
	s.requests <- spawnRequest{exe: exe, reply: reply}
	return <-reply
}

// start starts exe as a worker with its end of a socket pair as descriptor 3.
func start(exe string) spawnReply {
	c, childEnd, err := socketPair()
	if err != nil {
		return spawnReply{err: err}
	}
	defer childEnd.Close()
	cmd := exec.Command(exe, workerArg)
	cmd.Env = append(os.Environ(), schedulers.EnvWorkerRole+"="+Name, envWorkerFD+"=3")
	cmd.ExtraFiles = []*os.File{childEnd}
	cmd.Stdin = nil
	cmd.Stdout = os.Stdout
	errTail := newTail(os.Stderr)
	cmd.Stderr = errTail
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		c.Close()
		return spawnReply{err: fmt.Errorf("start worker %s: %w", exe, err)}
	}
	return spawnReply{cmd: cmd, conn: c, stderr: errTail}
}

// handshake reads the worker's hello and checks that it runs this program.
func handshake(p *proc, buildID string) (worker.Hello, error) {
	var hello worker.Hello
	p.conn.uc.SetReadDeadline(time.Now().Add(handshakeTimeout))
	defer p.conn.uc.SetReadDeadline(time.Time{})
	f, err := p.conn.readFrame()
	if err != nil {
		return hello, p.startupFailure(err)
	}
	if f.Kind != worker.KindHello {
		return hello, fmt.Errorf("worker %d sent frame kind %d before hello", p.cmd.Process.Pid, f.Kind)
	}
	if err := decodeMessage(f.Body, &hello); err != nil {
		return hello, fmt.Errorf("worker %d hello: %w", p.cmd.Process.Pid, err)
	}
	var reason string
	switch {
	case hello.Protocol != worker.Protocol:
		reason = fmt.Sprintf("it speaks protocol %d, this program %d", hello.Protocol, worker.Protocol)
	case hello.BuildID != buildID:
		reason = fmt.Sprintf("it is a different build of the program (%s, not %s)", hello.BuildID, buildID)
	}
	if reason != "" {
		_ = p.conn.writeFrame(worker.KindRefuse, &worker.Refuse{Reason: reason}, nil)
		return hello, fmt.Errorf("%w: worker %d refused: %s", ErrWorkerRefused, hello.PID, reason)
	}
	return hello, nil
}

// ErrWorkerRefused is matched by the error for a worker that is not the same program.
var ErrWorkerRefused = errors.New("worker refused")

// ErrWorkerStart is matched by the error for a worker process that did not start serving.
var ErrWorkerStart = errors.New("worker process did not start")

// startupFailure explains why a worker never said hello, with its exit status and last words.
func (p *proc) startupFailure(err error) error {
	select {
	case <-p.exited:
	case <-time.After(time.Second):
	}
	var status string
	select {
	case <-p.exited:
		if p.exit != nil {
			status = ": " + p.exit.Error()
		} else {
			status = ": it exited"
		}
	default:
		status = fmt.Sprintf(": %v", err)
		p.cmd.Process.Kill()
	}
	printed := ""
	if last := strings.TrimSpace(p.stderr.String()); last != "" {
		printed = "; it printed: " + last
	}
	return fmt.Errorf("%w: %s%s%s. Worker processes re-run this program: main (and TestMain in tests) must start with `if delayed.Init() { return }`",
		ErrWorkerStart, strconv.Quote(p.cmd.Path), status, printed)
}

// tail forwards a worker's standard error and keeps its last bytes for error messages.
type tail struct {
	w   io.Writer
	mu  sync.Mutex
	buf []byte
}

const tailSize = 2048

func newTail(w io.Writer) *tail { return &tail{w: w} }

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > tailSize {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-tailSize:]...)
	}
	t.mu.Unlock()
	return t.w.Write(p)
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// outbox queues frames for a worker's writer goroutine, so that the coordinator never blocks
// on a slow socket.
type outbox struct {
	mu     sync.Mutex
	wake   chan struct{}
	queue  []*cluster.Outgoing
	closed bool
}

func newOutbox() *outbox { return &outbox{wake: make(chan struct{}, 1)} }

func (o *outbox) put(m *cluster.Outgoing) {
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

// close stops the outbox; frames still queued are dropped.
func (o *outbox) close() {
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

// drain writes queued frames to c until the outbox is closed or a write fails.
func (o *outbox) drain(c *conn) error {
	for {
		o.mu.Lock()
		batch := o.queue
		o.queue = nil
		closed := o.closed
		o.mu.Unlock()
		for k, m := range batch {
			before := c.bytesSent()
			err := c.bufferFrame(m.Kind, m.Msg, m.Attachments, m.Files)
			m.Done(c.bytesSent() - before)
			if err != nil {
				for _, rest := range batch[k+1:] {
					rest.Done(0)
				}
				return err
			}
		}
		if len(batch) > 0 {
			if err := c.flush(); err != nil {
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
