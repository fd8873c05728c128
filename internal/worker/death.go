package worker

import (
	"fmt"
	"os"
	"strings"
	"syscall"
)

// ProcessDeath is how a worker process ended, as its parent (the processes scheduler or the
// nanny of `lazygraph worker`) saw it, with the worker's last memory report when one is known:
// the one place the message "killed by signal 9 (likely out of memory: RSS X of limit Y)" is
// made, for every scheduler to reuse.
type ProcessDeath struct {
	PID    int            `msgpack:"p"`
	Code   int            `msgpack:"c"`           // its exit status; -1 when a signal ended it
	Signal syscall.Signal `msgpack:"s,omitempty"` // the signal that ended it, 0 when it exited
	// RuntimeOOM says its standard error ended with the Go runtime's out-of-memory message.
	RuntimeOOM bool `msgpack:"o,omitempty"`
	// Memory is its last memory report, when it sent one (nil otherwise).
	Memory *MemoryReport `msgpack:"m,omitempty"`
}

// DeathOf describes a child's end from its process state and the last bytes of its standard
// error.
func DeathOf(pid int, state *os.ProcessState, stderrTail string) *ProcessDeath {
	d := &ProcessDeath{PID: pid, Code: -1}
	if state != nil {
		d.Code = state.ExitCode()
		if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			d.Signal = ws.Signal()
		}
	}
	d.RuntimeOOM = strings.Contains(stderrTail, "runtime: out of memory") || strings.Contains(stderrTail, "runtime: cannot allocate memory")
	return d
}

// LikelyOutOfMemory reports whether the death looks like one for memory: the Go runtime said so,
// the worker said it ends itself for memory, or a SIGKILL came while its last report had it at
// 80% of its budget or more (the kernel's OOM killer sends SIGKILL).
func (d *ProcessDeath) LikelyOutOfMemory() bool {
	if d.RuntimeOOM {
		return true
	}
	m := d.Memory
	if m == nil || d.Signal != syscall.SIGKILL {
		return false
	}
	return m.Terminated || m.Limit > 0 && m.RSS >= m.Limit/5*4
}

func (d *ProcessDeath) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "process %d ", d.PID)
	switch {
	case d.Signal != 0:
		fmt.Fprintf(&b, "was killed by signal %d (%v)", int(d.Signal), d.Signal)
	case d.Code >= 0:
		fmt.Fprintf(&b, "exited with status %d", d.Code)
	default:
		b.WriteString("ended")
	}
	m := d.Memory
	switch {
	case d.RuntimeOOM:
		b.WriteString(" (the Go runtime ran out of memory")
		if m != nil && m.Limit > 0 {
			fmt.Fprintf(&b, "; RSS %s of limit %s at its last report", FormatSize(m.RSS), FormatSize(m.Limit))
		}
		b.WriteString(")")
	case d.LikelyOutOfMemory():
		fmt.Fprintf(&b, " (likely out of memory: RSS %s of limit %s", FormatSize(m.RSS), FormatSize(m.Limit))
		if m.Terminated {
			b.WriteString(", it ended itself for memory")
		}
		b.WriteString(")")
	case m != nil && m.RSS > 0:
		fmt.Fprintf(&b, " (RSS %s at its last memory report", FormatSize(m.RSS))
		if m.Limit > 0 {
			fmt.Fprintf(&b, " of limit %s", FormatSize(m.Limit))
		}
		b.WriteString(")")
	}
	if m != nil && m.Running != "" {
		fmt.Fprintf(&b, " while running %s", m.Running)
	}
	return b.String()
}
