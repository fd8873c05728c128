package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/lazygraph/lazygraph/internal/subprocess"
	"github.com/lazygraph/lazygraph/internal/worker"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// The worker nanny (as Dask's Nanny). `lazygraph worker` supervises the real worker as a child
// process, this binary re-executed with the same arguments. A child that ends on purpose (it
// retired, was told to stop by its scheduler, was interrupted or met a fatal error) ends the
// nanny with the child's exit code. A child that was killed (SIGKILL from the kernel's OOM killer
// or from anyone, or a worker that ended itself because a task ignored its timeout) is started
// again after a backoff, up to -max-restarts quick deaths in a row; a restarted child rejoins its
// scheduler like a new worker. SIGTERM and SIGINT are forwarded to the child (so -lifetime,
// Slurm's end time and SIGTERM's graceful retirement work as without a nanny) and end the
// supervision. The child dies with the nanny: it has SIGKILL as its parent-death signal and it
// watches a pipe the nanny holds. -no-nanny runs the worker in the command's own process.

// Environment of a nanny's child.
const (
	// envNannyChild holds the descriptor of the pipe whose end tells the child its nanny died.
	envNannyChild = "LAZYGRAPH_NANNY_CHILD"
	// envNannyStart holds when the nanny started (Unix nanoseconds): a restarted child's
	// -lifetime counts from there, not from its own start.
	envNannyStart = "LAZYGRAPH_NANNY_START"
)

// exitStuck is the exit code of a worker that ended itself because a task ignored its timeout
// (worker.ErrStuckTask): its nanny starts it again.
const exitStuck = 3

// exitCodeError is an error that sets the command's exit code.
type exitCodeError struct {
	code  int
	err   error
	quiet bool // the child has said why already
}

func (e *exitCodeError) Error() string { return e.err.Error() }
func (e *exitCodeError) Unwrap() error { return e.err }
func (e *exitCodeError) ExitCode() int { return e.code }

// deathReporter returns the function with which a nanny tells its scheduler how its worker died.
func deathReporter(opts distributed.WorkerOptions) func(*worker.ProcessDeath) {
	return func(d *worker.ProcessDeath) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = distributed.ReportWorkerDeath(ctx, opts, d) // best effort: the scheduler then says less
	}
}

// nannyOptions shapes a nanny's supervision.
type nannyOptions struct {
	maxRestarts int           // quick deaths in a row before the nanny gives up
	stable      time.Duration // a child that served this long resets the count of quick deaths
	backoff     time.Duration // the first wait before a restart, doubled per quick death
	maxBackoff  time.Duration
	report      func(*worker.ProcessDeath) // tells the scheduler how a child died (may be nil)
}

// Defaults of nannyOptions.
const (
	defaultMaxRestarts = 5
	nannyStable        = time.Minute
	nannyBackoff       = 250 * time.Millisecond
	nannyMaxBackoff    = 15 * time.Second
)

// runNanny supervises `lazygraph worker args...` as described above, until the child ends on
// purpose or the restarts run out.
func runNanny(ctx context.Context, args []string, stderr io.Writer, o nannyOptions) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("nanny: finding this program: %w", err)
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	spawner := subprocess.NewSpawner()
	defer spawner.Stop()
	start := time.Now()
	quick, backoff := 0, o.backoff
	for {
		child, err := startChild(spawner, exe, args, start, stderr)
		if err != nil {
			return err
		}
		began := time.Now()
		forwarded := false
		var state *os.ProcessState
	wait:
		for {
			select {
			case s := <-sigs:
				forwarded = true
				_ = child.cmd.Process.Signal(s)
			case <-ctx.Done(): // SIGINT, through main's context
				if !forwarded {
					forwarded = true
					_ = child.cmd.Process.Signal(os.Interrupt)
				}
				ctx = context.Background() // forwarded once; now wait for the child
			case <-child.exited:
				state = child.state
				break wait
			}
		}
		death := worker.DeathOf(child.cmd.Process.Pid, state, child.stderr.String())
		code := state.ExitCode()
		restart := !forwarded && (death.Signal != 0 || code == exitStuck)
		if !restart {
			if code == 0 {
				return nil
			}
			if code < 0 { // killed by a signal that was forwarded to it
				code = 128 + int(death.Signal)
			}
			return &exitCodeError{code: code, err: fmt.Errorf("the worker %v", death), quiet: true}
		}
		if o.report != nil {
			o.report(death)
		}
		if time.Since(began) >= o.stable {
			quick, backoff = 0, o.backoff
		}
		quick++
		if quick > o.maxRestarts {
			return fmt.Errorf("nanny: the worker died %d times in a row, each within %v of its start; the last %v", quick, o.stable, death)
		}
		fmt.Fprintf(stderr, "lazygraph worker: nanny: the worker %v; starting it again in %v (%d of %d quick restarts)\n", death, backoff, quick, o.maxRestarts)
		select {
		case <-time.After(backoff):
		case s := <-sigs:
			return &exitCodeError{code: 128 + int(s.(syscall.Signal)), err: fmt.Errorf("nanny: %v while the worker was down", s)}
		case <-ctx.Done():
			return nil
		}
		backoff = min(2*backoff, o.maxBackoff)
	}
}

// nannyChild is a running child of the nanny.
type nannyChild struct {
	cmd    *exec.Cmd
	stderr *subprocess.Tail
	exited chan struct{}
	state  *os.ProcessState // set before exited closes
	pipe   *os.File         // the nanny's end of the child's lifeline
}

// startChild starts the worker as a child: the same program and arguments, with a lifeline pipe
// (descriptor 3) whose write end only the nanny holds.
func startChild(spawner *subprocess.Spawner, exe string, args []string, nannyStart time.Time, stderr io.Writer) (*nannyChild, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("nanny: %w", err)
	}
	c := &nannyChild{cmd: exec.Command(exe, append([]string{"worker"}, args...)...), stderr: subprocess.NewTail(stderr), exited: make(chan struct{}), pipe: w}
	c.cmd.Env = append(os.Environ(), envNannyChild+"=3", envNannyStart+"="+strconv.FormatInt(nannyStart.UnixNano(), 10))
	c.cmd.Stdin, c.cmd.Stdout, c.cmd.Stderr = nil, os.Stdout, c.stderr
	c.cmd.ExtraFiles = []*os.File{r}
	// The child is in the nanny's process group: a terminal's SIGINT reaches it directly too.
	err = spawner.Start(c.cmd)
	r.Close()
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("nanny: starting the worker: %w", err)
	}
	go func() {
		defer close(c.exited)
		_ = c.cmd.Wait()
		c.state = c.cmd.ProcessState
		w.Close()
	}()
	return c, nil
}

// watchNanny, in a nanny's child, cancels the returned context when the nanny dies (the lifeline
// pipe ends); stop releases it.
func watchNanny(ctx context.Context) (context.Context, func(), bool) {
	fd, err := strconv.Atoi(os.Getenv(envNannyChild))
	if err != nil || fd < 3 {
		return ctx, func() {}, false
	}
	// Non-blocking, so that the file is pollable and closing it ends a read under way.
	if syscall.SetNonblock(fd, true) != nil {
		return ctx, func() {}, false
	}
	pipe := os.NewFile(uintptr(fd), "nanny")
	if pipe == nil {
		return ctx, func() {}, false
	}
	ctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(io.Discard, pipe)
		cancel(errNannyGone)
	}()
	return ctx, func() {
		pipe.Close()
		cancel(nil)
		<-done
	}, true
}

// errNannyGone ends a child whose nanny died.
var errNannyGone = errors.New("the worker's nanny died")

// nannyStartTime returns when this child's nanny started, if it is a nanny's child.
func nannyStartTime() (time.Time, bool) {
	n, err := strconv.ParseInt(os.Getenv(envNannyStart), 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}, false
	}
	return time.Unix(0, n), true
}
