//go:build linux

package worker

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"

	"golang.org/x/sys/unix"
)

// StartOutputCapture replaces descriptors 1 and 2 with pipes read by this capture, and makes
// fatal errors of the runtime (a crash while a task runs) go also to the original standard
// error. Close gives the descriptors back.
func StartOutputCapture() (*OutputCapture, error) {
	c := &OutputCapture{buf: make([]byte, 64<<10)}
	for s := Stdout; s <= Stderr; s++ {
		if err := c.take(s); err != nil {
			c.Close()
			return nil, fmt.Errorf("capturing the output of tasks: %w", err)
		}
	}
	_ = debug.SetCrashOutput(c.orig[Stderr], debug.CrashOptions{})
	for s := Stdout; s <= Stderr; s++ {
		raw, err := c.readers[s].SyscallConn()
		if err != nil {
			c.Close()
			return nil, err
		}
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			// Called when the pipe is readable; reads until it is empty. The descriptor being
			// closed (Close) ends it.
			_ = raw.Read(func(fd uintptr) bool {
				c.mu.Lock()
				defer c.mu.Unlock()
				return c.readLocked(s, int(fd))
			})
		}()
	}
	return c, nil
}

// take duplicates descriptor s away and puts a pipe's write end in its place.
func (c *OutputCapture) take(s byte) error {
	fd := int(s)
	orig, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		return err
	}
	c.orig[s] = os.NewFile(uintptr(orig), fmt.Sprintf("original descriptor %d", fd))
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		return err
	}
	// Writers block as on any pipe; only the read end is non-blocking.
	if err := unix.SetNonblock(p[1], false); err != nil {
		unix.Close(p[0])
		unix.Close(p[1])
		return err
	}
	if err := unix.Dup3(p[1], fd, 0); err != nil {
		unix.Close(p[0])
		unix.Close(p[1])
		return err
	}
	unix.Close(p[1])
	c.fds[s] = p[0]
	c.readers[s] = os.NewFile(uintptr(p[0]), fmt.Sprintf("tasks' descriptor %d", fd))
	return nil
}

// readLocked reads descriptor fd (stream s) until it is empty; it reports whether reading is
// over (end of file or an error).
func (c *OutputCapture) readLocked(s byte, fd int) bool {
	for {
		n, err := unix.Read(fd, c.buf)
		if n > 0 {
			c.attributeLocked(s, c.buf[:n])
			continue
		}
		if errors.Is(err, unix.EINTR) {
			continue
		}
		return !errors.Is(err, unix.EAGAIN)
	}
}

// drainPendingLocked reads what the task left in either pipe. Most tasks write nothing: one
// poll, which does not wait, tells which pipes hold anything, so such a task costs one system
// call, not a read of each pipe.
func (c *OutputCapture) drainPendingLocked() {
	if c.closed || c.readers[Stdout] == nil || c.readers[Stderr] == nil {
		return
	}
	fds := [2]unix.PollFd{{Fd: int32(c.fds[Stdout]), Events: unix.POLLIN}, {Fd: int32(c.fds[Stderr]), Events: unix.POLLIN}}
	n, err := unix.Poll(fds[:], 0)
	if err == nil && n == 0 {
		return
	}
	for k, s := range [2]byte{Stdout, Stderr} {
		if err != nil || fds[k].Revents != 0 {
			c.drainLocked(s)
		}
	}
}

// drainLocked reads what stream s holds now.
func (c *OutputCapture) drainLocked(s byte) {
	if c.readers[s] == nil || c.closed {
		return
	}
	raw, err := c.readers[s].SyscallConn()
	if err != nil {
		return
	}
	_ = raw.Control(func(fd uintptr) { c.readLocked(s, int(fd)) })
}

// Close puts the original descriptors 1 and 2 back, writes through what is left in the pipes and
// stops reading them.
func (c *OutputCapture) Close() {
	c.mu.Lock()
	c.stopWatchLocked()
	for s := Stdout; s <= Stderr; s++ {
		if c.orig[s] != nil && c.readers[s] != nil {
			_ = unix.Dup3(int(c.orig[s].Fd()), int(s), 0)
		}
	}
	c.running, c.cur = false, taskOutput{}
	for s := Stdout; s <= Stderr; s++ {
		c.drainLocked(s)
	}
	c.closed = true
	c.mu.Unlock()
	// Outside the lock: closing waits for a reader inside its callback, which takes the lock.
	for s := Stdout; s <= Stderr; s++ {
		if c.readers[s] != nil {
			c.readers[s].Close()
		}
	}
	c.wg.Wait()
	_ = debug.SetCrashOutput(nil, debug.CrashOptions{})
	for s := Stdout; s <= Stderr; s++ {
		if c.orig[s] != nil {
			c.orig[s].Close()
		}
	}
}
