// Package subprocess starts worker processes that die with their parent: Linux delivers a child's
// parent-death signal when the thread that started it exits, and Go may retire any thread at any
// time, so every child is started from one locked OS thread that lives as long as the Spawner.
package subprocess

import (
	"io"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"syscall"
)

// Spawner starts commands from one locked OS thread, with SIGKILL as their parent-death signal.
type Spawner struct {
	requests chan request
	done     chan struct{}
	once     sync.Once
}

type request struct {
	cmd   *exec.Cmd
	reply chan error
}

// NewSpawner starts the spawner's thread.
func NewSpawner() *Spawner {
	s := &Spawner{requests: make(chan request), done: make(chan struct{})}
	go s.loop()
	return s
}

func (s *Spawner) loop() {
	runtime.LockOSThread()
	// The thread is never unlocked: when this goroutine ends, the thread ends with it, and so do
	// the children started from it, which is what stopping the spawner means.
	defer close(s.done)
	for req := range s.requests {
		req.reply <- req.cmd.Start()
	}
}

// Start starts cmd with the parent-death signal set.
func (s *Spawner) Start(cmd *exec.Cmd) error {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	reply := make(chan error, 1)
	s.requests <- request{cmd: cmd, reply: reply}
	return <-reply
}

// Stop ends the spawner's thread, which kills the children that are still alive.
func (s *Spawner) Stop() {
	s.once.Do(func() { close(s.requests) })
	<-s.done
}

// Tail forwards a child's output and keeps its last bytes for error messages.
type Tail struct {
	w   io.Writer
	mu  sync.Mutex
	buf []byte
}

const tailSize = 2048

// NewTail returns a Tail forwarding to w.
func NewTail(w io.Writer) *Tail { return &Tail{w: w} }

func (t *Tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > tailSize {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-tailSize:]...)
	}
	t.mu.Unlock()
	return t.w.Write(p)
}

// String returns the last bytes written.
func (t *Tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// Stdout forwards a child's standard output to this process's os.Stdout as it is at the time of
// each write, rather than handing the child the file os.Stdout is when it starts: a caller that
// redirects os.Stdout for a while (a Go Example capturing output) then gets its pipe closed
// when it is done, instead of held open by long-lived workers.
var Stdout io.Writer = currentFile{stdout: true}

// Stderr is Stdout's counterpart for os.Stderr.
var Stderr io.Writer = currentFile{}

type currentFile struct{ stdout bool }

func (c currentFile) Write(p []byte) (int, error) {
	if c.stdout {
		return os.Stdout.Write(p)
	}
	return os.Stderr.Write(p)
}
