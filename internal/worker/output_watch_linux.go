//go:build linux

package worker

import (
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// outputWatch tells whether anything was written to the capture's pipes without a system call:
// an io_uring holds a multishot poll on each pipe's read end, so that a write to an empty pipe
// posts a completion, or flags work for the ring's thread, in memory shared with the kernel,
// before the writer's write returns. A task that wrote nothing then costs two atomic loads at
// its end instead of a poll (a system call: several microseconds on a virtual machine, which
// was most of the executor's time per trivial task).
//
// Exactness: the ring is created, and its polls submitted, on the executor's locked thread, so
// the kernel's deferred completion work runs only on that thread, never while it checks. Any
// write that returned before the check has therefore either posted its completion or set the
// ring's task-run flag (IORING_SETUP_TASKRUN_FLAG). A poll that ended (its completion lacks
// IORING_CQE_F_MORE, e.g. after the completion queue overflowed) has posted that completion,
// and is armed again when it is consumed, before the pipes are read.
type outputWatch struct {
	fd   int
	ring []byte // submission and completion rings, one mapping (IORING_FEAT_SINGLE_MMAP)
	sqes []byte
	p    uringParams
	fds  [3]int // the pipes' read ends, by stream
}

// The io_uring ABI (linux/io_uring.h).
type uringSQOffsets struct {
	head, tail, ringMask, ringEntries, flags, dropped, array, resv1 uint32
	userAddr                                                        uint64
}

type uringCQOffsets struct {
	head, tail, ringMask, ringEntries, overflow, cqes, flags, resv1 uint32
	userAddr                                                        uint64
}

type uringParams struct {
	sqEntries, cqEntries, flags, sqThreadCPU, sqThreadIdle, features, wqFD uint32
	resv                                                                   [3]uint32
	sqOff                                                                  uringSQOffsets
	cqOff                                                                  uringCQOffsets
}

const (
	uringSetupCQSize      = 1 << 3
	uringSetupCoopTaskrun = 1 << 8 // 5.19
	uringSetupTaskrunFlag = 1 << 9 // 5.19
	uringFeatSingleMmap   = 1 << 0
	uringFeatNoDrop       = 1 << 1
	uringOffSQRing        = 0
	uringOffSQEs          = 0x10000000
	uringOpPollAdd        = 6
	uringPollAddMulti     = 1 << 0 // 5.13
	uringEnterGetEvents   = 1 << 0
	uringCQEFMore         = 1 << 1
	uringSQEntries        = 4
	uringCQEntries        = 64
	uringSQESize          = 64
	uringCQESize          = 16
)

// newOutputWatch sets up a watch of the pipes (read ends fds, by stream) from the calling
// thread, which must stay locked to its goroutine until close.
func newOutputWatch(fds [3]int) (*outputWatch, error) {
	p := uringParams{flags: uringSetupCQSize | uringSetupCoopTaskrun | uringSetupTaskrunFlag, cqEntries: uringCQEntries}
	r, _, errno := unix.Syscall(unix.SYS_IO_URING_SETUP, uringSQEntries, uintptr(unsafe.Pointer(&p)), 0)
	if errno != 0 {
		return nil, fmt.Errorf("io_uring_setup: %w", errno)
	}
	w := &outputWatch{fd: int(r), p: p, fds: fds}
	if p.features&uringFeatSingleMmap == 0 || p.features&uringFeatNoDrop == 0 {
		w.close()
		return nil, errors.New("io_uring: this kernel lacks single-mapping rings or completions that are never dropped")
	}
	size := max(p.sqOff.array+4*p.sqEntries, p.cqOff.cqes+uringCQESize*p.cqEntries)
	var err error
	if w.ring, err = unix.Mmap(w.fd, uringOffSQRing, int(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE); err != nil {
		w.close()
		return nil, fmt.Errorf("io_uring rings: %w", err)
	}
	if w.sqes, err = unix.Mmap(w.fd, uringOffSQEs, int(p.sqEntries)*uringSQESize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE); err != nil {
		w.close()
		return nil, fmt.Errorf("io_uring entries: %w", err)
	}
	if err := w.arm(Stdout, Stderr); err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

func (w *outputWatch) u32(off uint32) *uint32 { return (*uint32)(unsafe.Pointer(&w.ring[off])) }

// quiet reports that nothing was written to the pipes since the last settle: no completion
// waits and the kernel flags nothing (work to run, an overflow).
func (w *outputWatch) quiet() bool {
	return atomic.LoadUint32(w.u32(w.p.sqOff.flags)) == 0 &&
		atomic.LoadUint32(w.u32(w.p.cqOff.head)) == atomic.LoadUint32(w.u32(w.p.cqOff.tail))
}

// settle consumes the completions, arming again the polls that ended. The caller then reads the
// pipes: what is written after settle shows in the next quiet.
func (w *outputWatch) settle() error {
	if atomic.LoadUint32(w.u32(w.p.sqOff.flags)) != 0 {
		// Deferred completions run (on this thread) and overflowed ones come in.
		if _, _, errno := unix.Syscall6(unix.SYS_IO_URING_ENTER, uintptr(w.fd), 0, 0, uringEnterGetEvents, 0, 0); errno != 0 && errno != unix.EINTR {
			return fmt.Errorf("io_uring_enter: %w", errno)
		}
	}
	head := atomic.LoadUint32(w.u32(w.p.cqOff.head))
	tail := atomic.LoadUint32(w.u32(w.p.cqOff.tail))
	mask := *w.u32(w.p.cqOff.ringMask)
	var ended []byte
	for ; head != tail; head++ {
		off := w.p.cqOff.cqes + uringCQESize*(head&mask)
		stream := byte(*(*uint64)(unsafe.Pointer(&w.ring[off])))
		res := *(*int32)(unsafe.Pointer(&w.ring[off+8]))
		flags := *w.u32(off + 12)
		if res < 0 {
			atomic.StoreUint32(w.u32(w.p.cqOff.head), head+1)
			return fmt.Errorf("io_uring poll of stream %d: %w", stream, unix.Errno(-res))
		}
		if flags&uringCQEFMore == 0 {
			ended = append(ended, stream)
		}
	}
	atomic.StoreUint32(w.u32(w.p.cqOff.head), head)
	if len(ended) > 0 {
		return w.arm(ended...)
	}
	return nil
}

// arm submits a multishot poll for input on each stream's pipe.
func (w *outputWatch) arm(streams ...byte) error {
	tail := atomic.LoadUint32(w.u32(w.p.sqOff.tail))
	mask := *w.u32(w.p.sqOff.ringMask)
	for _, s := range streams {
		k := tail & mask
		sqe := w.sqes[k*uringSQESize : (k+1)*uringSQESize]
		clear(sqe)
		sqe[0] = uringOpPollAdd
		*(*int32)(unsafe.Pointer(&sqe[4])) = int32(w.fds[s])
		*(*uint32)(unsafe.Pointer(&sqe[24])) = uringPollAddMulti
		*(*uint32)(unsafe.Pointer(&sqe[28])) = unix.POLLIN
		*(*uint64)(unsafe.Pointer(&sqe[32])) = uint64(s)
		*w.u32(w.p.sqOff.array + 4*k) = k
		tail++
	}
	atomic.StoreUint32(w.u32(w.p.sqOff.tail), tail)
	for left := len(streams); left > 0; {
		n, _, errno := unix.Syscall6(unix.SYS_IO_URING_ENTER, uintptr(w.fd), uintptr(left), 0, 0, 0, 0)
		if errno == unix.EINTR {
			continue
		}
		if errno != 0 {
			return fmt.Errorf("io_uring_enter: %w", errno)
		}
		if n == 0 {
			return errors.New("io_uring_enter submitted nothing")
		}
		left -= int(n)
	}
	return nil
}

// close ends the watch: its polls are cancelled with the ring.
func (w *outputWatch) close() {
	if w.sqes != nil {
		_ = unix.Munmap(w.sqes)
	}
	if w.ring != nil {
		_ = unix.Munmap(w.ring)
	}
	_ = unix.Close(w.fd)
}

// watchFromThisThread locks the calling goroutine (the executor's) to its thread and watches
// the pipes from there; the returned function ends the watch and unlocks. Without io_uring (an
// old kernel, a sandbox refusing it) tasks' ends poll the pipes instead.
func (c *OutputCapture) watchFromThisThread() (stop func()) {
	runtime.LockOSThread()
	c.mu.Lock()
	if watchOutput && !c.closed && c.readers[Stdout] != nil && c.readers[Stderr] != nil {
		if w, err := newOutputWatch(c.fds); err == nil {
			c.watch = w
		}
	}
	c.mu.Unlock()
	return func() {
		c.mu.Lock()
		c.stopWatchLocked()
		c.mu.Unlock()
		runtime.UnlockOSThread()
	}
}

func (c *OutputCapture) stopWatchLocked() {
	if c.watch != nil {
		c.watch.close()
		c.watch = nil
	}
}

// pendingLocked reads what a task left in the pipes, when the watch says there may be some.
func (c *OutputCapture) pendingLocked() {
	if c.watch != nil {
		if c.watch.quiet() {
			return
		}
		if err := c.watch.settle(); err != nil {
			c.stopWatchLocked() // polled from now on
		}
	}
	c.drainPendingLocked()
}
