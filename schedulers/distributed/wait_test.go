package distributed_test

import (
	"bufio"
	"io"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// Waiting on events, not sleeps: the helpers below wake on each log entry or output line and
// check a condition; their durations are hang guards only.

// logWaiter records log entries at a level and wakes waiters on each.
type logWaiter struct {
	logs *observer.ObservedLogs
	wake chan struct{}
}

func newLogWaiter(level zapcore.Level) (zapcore.Core, *logWaiter) {
	core, logs := observer.New(level)
	lw := &logWaiter{logs: logs, wake: make(chan struct{}, 1)}
	// The hook runs after the observer recorded the entry: a waiter woken by it sees the entry.
	return zapcore.RegisterHooks(core, func(zapcore.Entry) error {
		select {
		case lw.wake <- struct{}{}:
		default:
		}
		return nil
	}), lw
}

// waitFor waits until some entry satisfies match; false if none did within guard.
func (lw *logWaiter) waitFor(match func(observer.LoggedEntry) bool, guard time.Duration) bool {
	timeout := time.After(guard)
	for {
		for _, e := range lw.logs.All() {
			if match(e) {
				return true
			}
		}
		select {
		case <-lw.wake:
		case <-timeout:
			return false
		}
	}
}

// waitUntil waits until cond holds, looking after each entry logged; false if it did not within
// guard.
func (lw *logWaiter) waitUntil(cond func() bool, guard time.Duration) bool {
	timeout := time.After(guard)
	for !cond() {
		select {
		case <-lw.wake:
		case <-timeout:
			return cond()
		}
	}
	return true
}

// withCoordinatorEvents makes the server also log its coordinator's events (cluster logs each
// one at debug level, as "event") into a waiter, for a test to wait on one.
func withCoordinatorEvents(lw **logWaiter) func(*distributed.ServerOptions) {
	return func(so *distributed.ServerOptions) {
		core, w := newLogWaiter(zapcore.DebugLevel)
		*lw = w
		if so.Log != nil {
			core = zapcore.NewTee(so.Log.Core(), core)
		}
		so.Log = zap.New(core)
	}
}

// coordinatorEvent matches the coordinator's log line of an event whose description holds s.
func coordinatorEvent(s string) func(observer.LoggedEntry) bool {
	return func(e observer.LoggedEntry) bool {
		if e.Message != "event" {
			return false
		}
		ev, ok := e.ContextMap()["event"].(string)
		return ok && strings.Contains(ev, s)
	}
}

// waitFor waits until some entry the server logged satisfies match; false if none did within
// guard.
func (tc *testCluster) waitFor(match func(observer.LoggedEntry) bool, guard time.Duration) bool {
	return (&logWaiter{logs: tc.logs, wake: tc.logWake}).waitFor(match, guard)
}

// droppedFrom matches the server's log line of the connection from remote being dropped.
func droppedFrom(remote string) func(observer.LoggedEntry) bool {
	return func(e observer.LoggedEntry) bool {
		return e.Message == "dropped connection" && e.ContextMap()["remote"] == remote
	}
}

// lineWatcher keeps the lines a child process writes, and wakes waiters on each.
type lineWatcher struct {
	mu    sync.Mutex
	lines []string
	wake  chan struct{}
	done  chan struct{} // closed at the end of the output
}

func watchLines(r io.Reader) *lineWatcher {
	lw := &lineWatcher{wake: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(lw.done)
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			lw.mu.Lock()
			lw.lines = append(lw.lines, sc.Text())
			lw.mu.Unlock()
			select {
			case lw.wake <- struct{}{}:
			default:
			}
		}
	}()
	return lw
}

// waitFor returns the first line satisfying match; false if none came within guard or before the
// output ended.
func (lw *lineWatcher) waitFor(match func(string) bool, guard time.Duration) (string, bool) {
	timeout := time.After(guard)
	for seen := 0; ; {
		lw.mu.Lock()
		fresh := lw.lines[seen:]
		seen = len(lw.lines)
		lw.mu.Unlock()
		for _, l := range fresh {
			if match(l) {
				return l, true
			}
		}
		select {
		case <-lw.wake:
		case <-lw.done: // every line is in: one last look
			lw.mu.Lock()
			fresh = lw.lines[seen:]
			lw.mu.Unlock()
			for _, l := range fresh {
				if match(l) {
					return l, true
				}
			}
			return "", false
		case <-timeout:
			return "", false
		}
	}
}
