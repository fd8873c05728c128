package worker

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// EnvRelayOutput turns the relaying of tasks' output off when set to 0, false or off: in a worker
// process, standard output and error are then left alone (written where the process's go).
const EnvRelayOutput = "LAZYGRAPH_RELAY_OUTPUT"

// RelayOutputFromEnvironment reports whether EnvRelayOutput leaves relaying on (the default),
// or an error naming a value it does not understand.
func RelayOutputFromEnvironment() (bool, error) {
	v, ok := os.LookupEnv(EnvRelayOutput)
	if !ok {
		return true, nil
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "1", "true", "on", "yes":
		return true, nil
	case "0", "false", "off", "no":
		return false, nil
	}
	return true, fmt.Errorf("%s=%q: want 1 or 0 (on or off)", EnvRelayOutput, v)
}

// Streams of a task's output.
const (
	Stdout byte = 1
	Stderr byte = 2
)

// maxTaskOutput bounds what one task's output keeps; beyond it lines are dropped and counted.
const maxTaskOutput = 1 << 20

// taskOutput collects one task's output as records: a stream byte, a line, '\n'.
type taskOutput struct {
	buf     []byte
	partial [3][]byte // per stream, a line not yet ended
	dropped int
}

// add appends what stream s wrote.
func (t *taskOutput) add(s byte, p []byte) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			t.partial[s] = append(t.partial[s], p...)
			if len(t.partial[s]) > maxTaskOutput {
				t.line(s, t.partial[s])
				t.partial[s] = t.partial[s][:0]
			}
			return
		}
		if len(t.partial[s]) > 0 {
			t.partial[s] = append(t.partial[s], p[:i]...)
			t.line(s, t.partial[s])
			t.partial[s] = t.partial[s][:0]
		} else {
			t.line(s, p[:i])
		}
		p = p[i+1:]
	}
}

func (t *taskOutput) line(s byte, l []byte) {
	if len(t.buf)+len(l)+2 > maxTaskOutput {
		t.dropped += len(l) + 1
		return
	}
	t.buf = append(t.buf, s)
	t.buf = append(t.buf, l...)
	t.buf = append(t.buf, '\n')
}

// finish ends the lines left open and returns the records (nil when the task wrote nothing).
func (t *taskOutput) finish() []byte {
	for s := Stdout; s <= Stderr; s++ {
		if len(t.partial[s]) > 0 {
			t.line(s, t.partial[s])
			t.partial[s] = nil
		}
	}
	if t.dropped > 0 {
		t.buf = append(t.buf, Stderr)
		t.buf = fmt.Appendf(t.buf, "[lazygraph: %d more bytes of this task's output dropped]\n", t.dropped)
	}
	if len(t.buf) == 0 {
		return nil
	}
	return t.buf
}

// EachOutputLine calls f with each line of a task's output records (as Result.Output carries
// them), with its stream (Stdout or Stderr), without its newline. Malformed records end it.
func EachOutputLine(out []byte, f func(stream byte, line []byte)) {
	for len(out) > 1 {
		s := out[0]
		i := bytes.IndexByte(out, '\n')
		if i < 0 || (s != Stdout && s != Stderr) {
			return
		}
		f(s, out[1:i])
		out = out[i+1:]
	}
}

// RelayOutput writes a task's output records to stdout and stderr, each line prefixed with
// "[tag] ", all of one task's lines of a stream in one write.
func RelayOutput(out []byte, tag string, stdout, stderr io.Writer) {
	var bufs [3][]byte
	EachOutputLine(out, func(s byte, line []byte) {
		b := append(bufs[s], '[')
		b = append(b, tag...)
		b = append(b, "] "...)
		b = append(b, line...)
		bufs[s] = append(b, '\n')
	})
	if len(bufs[Stdout]) > 0 && stdout != nil {
		_, _ = stdout.Write(bufs[Stdout])
	}
	if len(bufs[Stderr]) > 0 && stderr != nil {
		_, _ = stderr.Write(bufs[Stderr])
	}
}

// watchOutput lets the executor's thread watch the capture's pipes where the system allows
// (output_watch_linux.go), instead of polling them at the end of every task; tests turn it off
// to compare.
var watchOutput = true

// OutputCapture takes over this process's standard output and error (descriptors 1 and 2, so
// also what child processes and C code write) and attributes what is written to the task
// running when it is read. An Executor with a capture brackets each task (see
// [Executor.CaptureOutput]): at the task's end it reads what is left in the pipes, so that
// everything the task wrote before it returned is the task's, and the task's result carries it.
// A worker runs one task at a time, so this is exact, except for goroutines that outlive their
// task and write later: that goes to the task running then, or, between tasks, to the
// process's original output.
type OutputCapture struct {
	mu      sync.Mutex
	cur     taskOutput  // the running task's output (zero between tasks: no allocation per task)
	running bool        // a task is running
	relay   bool        // the running task's output is relayed (else written through)
	orig    [3]*os.File // the original descriptors 1 and 2, duplicated
	readers [3]*os.File // the pipes' read ends
	fds     [3]int      // their descriptors (os.File.Fd would make them blocking)
	buf     []byte
	wg      sync.WaitGroup
	closed  bool
	watch   *outputWatch // nil unless the executor's thread watches the pipes (output_watch_linux.go)
}

// begin starts attributing output to a task; relay false writes its output through instead.
func (c *OutputCapture) begin(relay bool) {
	c.mu.Lock()
	c.running, c.relay = true, relay
	c.mu.Unlock()
}

// end reads what the task left in the pipes and returns its output records.
func (c *OutputCapture) end() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pendingLocked()
	running := c.running
	c.running = false
	var out []byte
	if running && c.relay {
		out = c.cur.finish()
	}
	c.cur = taskOutput{}
	return out
}

// attribute hands bytes read from stream s to the running task, or writes them through.
func (c *OutputCapture) attributeLocked(s byte, p []byte) {
	if c.running && c.relay {
		c.cur.add(s, p)
		return
	}
	_, _ = c.orig[s].Write(p)
}
