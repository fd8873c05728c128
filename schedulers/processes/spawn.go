package processes

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/subprocess"
	"github.com/lazygraph/lazygraph/internal/worker"
	"github.com/lazygraph/lazygraph/schedulers"
)

// handshakeTimeout bounds how long a new worker may take to say hello.
const handshakeTimeout = 20 * time.Second

// proc is a worker process: its connection, and the link through which the coordinator uses it.
type proc struct {
	conn   *conn
	cmd    *exec.Cmd
	stderr *subprocess.Tail
	exited chan struct{} // closed when the process has been waited for
	exit   error         // the process's exit status, once exited is closed
	out    *cluster.Outbox
	cw     *cluster.Worker
	slot   int      // its place in the pool, for the machine's resources (graph.ShareResources)
	oom    oomWatch // its memory cgroup, to tell a kernel OOM kill
}

var _ cluster.Link = (*proc)(nil)

// Send queues a frame for the worker's writer goroutine.
func (p *proc) Send(out *cluster.Outgoing) { p.out.Put(out) }

// Kill ends the worker process now.
func (p *proc) Kill() {
	p.cmd.Process.Kill()
	p.conn.Close()
}

// start starts exe as a worker with its end of a socket pair as descriptor 3.
func start(sp *subprocess.Spawner, exe string, env ...string) (*proc, error) {
	c, childEnd, err := socketPair()
	if err != nil {
		return nil, err
	}
	defer childEnd.Close()
	cmd := exec.Command(exe, workerArg)
	cmd.Env = append(os.Environ(), schedulers.EnvWorkerRole+"="+Name, envWorkerFD+"=3")
	cmd.Env = append(cmd.Env, env...)
	cmd.ExtraFiles = []*os.File{childEnd}
	cmd.Stdout = subprocess.Stdout
	errTail := subprocess.NewTail(subprocess.Stderr)
	cmd.Stderr = errTail
	if err := sp.Start(cmd); err != nil {
		c.Close()
		return nil, fmt.Errorf("start worker %s: %w", exe, err)
	}
	return &proc{conn: c, cmd: cmd, stderr: errTail, exited: make(chan struct{}), out: cluster.NewOutbox()}, nil
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
		if sig, ok := killedBySignal(p.exit); ok {
			// Killed from outside while starting: not the program's mistake, so retryable.
			return fmt.Errorf("worker process %d was killed (%v) before it started serving: %w", p.cmd.Process.Pid, sig, errKilledStarting)
		}
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
