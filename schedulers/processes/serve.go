package processes

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/internal/buildid"
	"github.com/lazygraph/lazygraph/internal/memfile"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// Environment of a worker process, besides schedulers.EnvWorkerRole.
const (
	envWorkerFD = "LAZYGRAPH_WORKER_FD" // the descriptor of the worker's end of the socket pair
	workerArg   = "-lazygraph-worker"   // on the command line, so that a program that forgot
	// delayed.Init and parses flags stops at once ("flag provided but not defined")
)

// abandonAfter is how long a worker whose parent has gone waits for its running task before it
// stops serving anyway (its process then exits, ending the task).
const abandonAfter = 2 * time.Second

// serve is the worker's side: announce itself on the inherited socket, then run what arrives
// until the parent closes the connection.
func serve() error {
	fd := 3
	if s := os.Getenv(envWorkerFD); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("%s=%q: %w", envWorkerFD, s, err)
		}
		fd = n
	}
	os.Unsetenv(envWorkerFD)
	c, err := newConn(os.NewFile(uintptr(fd), "lazygraph-parent"))
	if err != nil {
		return fmt.Errorf("worker socket: %w", err)
	}
	defer c.Close()
	worker.RegisterFunctionTypes()
	id, err := buildid.Self()
	if err != nil {
		return err
	}
	if err := c.writeFrame(worker.KindHello, &worker.Hello{Protocol: worker.Protocol, BuildID: id, PID: os.Getpid()}, nil); err != nil {
		return fmt.Errorf("hello: %w", err)
	}
	x := worker.NewExecutor(resultSink{c}, zap.NewNop())
	mem, err := serveMemory(x)
	if err != nil {
		return err
	}
	// Large inputs arrive in memory files, mapped until their job ends. A worker that spills
	// copies them instead, so that a spilled input leaves its memory.
	c.mapFiles = mem.Limit <= 0 || mem.Spill < 0
	if relay, _ := worker.RelayOutputFromEnvironment(); relay {
		// Tasks' output goes to the parent with their results; a failure to take over the
		// descriptors leaves it where it went.
		if capture, err := worker.StartOutputCapture(); err == nil {
			defer capture.Close()
			x.CaptureOutput(capture)
		}
	}
	readerDone := make(chan error, 1)
	go func() { readerDone <- readInstructions(c, x) }()
	runDone := make(chan error, 1)
	go func() { runDone <- x.Run() }()

	select {
	case err := <-runDone:
		c.Close()
		<-readerDone
		return err
	case err := <-readerDone:
		// The parent closed the connection (or refused us): stop once the running task ends,
		// or give up on it shortly; the process exits either way.
		x.Close()
		select {
		case <-runDone:
		case <-time.After(abandonAfter):
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		return err
	}
}

type resultSink struct{ c *conn }

func (s resultSink) SendResults(r *worker.Results, attachments [][]byte) error {
	return s.c.writeFrame(worker.KindResults, r, attachments)
}

// readInstructions hands what the parent sends to the executor until the connection ends.
func readInstructions(c *conn, x *worker.Executor) error {
	var tasks []worker.Task
	for {
		f, mappings, err := c.readFrameMapped()
		if err != nil {
			return err
		}
		switch f.Kind {
		case worker.KindBatch:
			// The tasks' array is reused from batch to batch (Apply copies each task): decoding
			// thousands of tasks into a fresh one took new memory, and its page faults, each
			// time. DecodeBatch overwrites the elements it fills; the rest are zeroed, so that
			// they keep no earlier frame's memory alive.
			clear(tasks[:cap(tasks)])
			b := worker.Batch{Tasks: tasks[:0]}
			if err := decodeMessage(f.Body, &b); err != nil {
				unmap(mappings)
				return err
			}
			if len(mappings) > 0 {
				// Values decoded from these mappings use them until their job is over.
				x.AtJobEnd(b.Job, func() { unmap(mappings) })
			}
			if err := x.Apply(&b, f.Attachments); err != nil {
				return err
			}
			if cap(b.Tasks) <= maxReusedTasks {
				tasks = b.Tasks[:0]
			}
		case worker.KindFetch:
			var req worker.Fetch
			if err := decodeMessage(f.Body, &req); err != nil {
				return err
			}
			vals, atts := x.Fetch(&req)
			if err := c.writeFrame(worker.KindValues, vals, atts); err != nil {
				return err
			}
		case worker.KindCancel:
			var req worker.Cancel
			if err := decodeMessage(f.Body, &req); err != nil {
				return err
			}
			x.Cancel(req.Job)
		case worker.KindHandBack:
			if err := x.HandBack(); err != nil {
				return err
			}
		case worker.KindRefuse:
			var req worker.Refuse
			_ = decodeMessage(f.Body, &req)
			return fmt.Errorf("refused by the parent: %s", req.Reason)
		default:
			unmap(mappings)
			return fmt.Errorf("unexpected frame kind %d from the parent", f.Kind)
		}
	}
}

// maxReusedTasks bounds the tasks' array kept for the next batch (a chunk is at most 16,384).
const maxReusedTasks = 1 << 15

func unmap(mappings [][]byte) {
	for _, m := range mappings {
		memfile.Unmap(m)
	}
}
