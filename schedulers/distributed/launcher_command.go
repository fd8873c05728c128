package distributed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// CommandLauncher is a Launcher that starts each worker as a process on this machine: Command
// (a program and its arguments, such as a program of yours with LAZYGRAPH_WORKER=distributed
// and the scheduler file in Env, or "lazygraph worker -scheduler-file F"), with Env added to
// this process's environment and $LAZYGRAPH_WORKER_NAME set to the worker's name. Close stops
// what still runs.
type CommandLauncher struct {
	Command []string
	Env     []string
	// Prefix begins the workers' names (default "worker"): Prefix-1, Prefix-2, ...
	Prefix         string
	Stdout, Stderr io.Writer

	mu     sync.Mutex
	n      int
	procs  map[string]*exec.Cmd
	exited map[string]chan struct{}
	wg     sync.WaitGroup
}

var _ Launcher = (*CommandLauncher)(nil)

// StartWorker starts one worker process.
func (l *CommandLauncher) StartWorker(context.Context) (string, error) {
	if len(l.Command) == 0 {
		return "", errors.New("command launcher: no Command")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.procs == nil {
		l.procs, l.exited = map[string]*exec.Cmd{}, map[string]chan struct{}{}
	}
	l.n++
	prefix := l.Prefix
	if prefix == "" {
		prefix = "worker"
	}
	name := fmt.Sprintf("%s-%d", prefix, l.n)
	cmd := exec.Command(l.Command[0], l.Command[1:]...)
	cmd.Env = append(append(os.Environ(), l.Env...), EnvWorkerName+"="+name)
	cmd.Stdout, cmd.Stderr = l.Stdout, l.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("command launcher: starting %s: %w", l.Command[0], err)
	}
	done := make(chan struct{})
	l.procs[name], l.exited[name] = cmd, done
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		_ = cmd.Wait()
		close(done)
	}()
	return name, nil
}

// StopWorker ends the named worker's process if it still runs: SIGTERM (it retires, or exits
// when it is not connected), then SIGKILL after ten seconds.
func (l *CommandLauncher) StopWorker(ctx context.Context, name string) error {
	l.mu.Lock()
	cmd, done := l.procs[name], l.exited[name]
	delete(l.procs, name)
	delete(l.exited, name)
	l.mu.Unlock()
	if cmd == nil {
		return nil
	}
	select {
	case <-done:
		return nil
	default:
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	case <-ctx.Done():
		_ = cmd.Process.Kill()
		<-done
	}
	return nil
}

// Running returns how many worker processes run.
func (l *CommandLauncher) Running() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, done := range l.exited {
		select {
		case <-done:
		default:
			n++
		}
	}
	return n
}

// Close stops every worker process still running and waits for them.
func (l *CommandLauncher) Close() error {
	l.mu.Lock()
	var names []string
	for name := range l.procs {
		names = append(names, name)
	}
	l.mu.Unlock()
	for _, name := range names {
		_ = l.StopWorker(context.Background(), name)
	}
	l.wg.Wait()
	return nil
}
