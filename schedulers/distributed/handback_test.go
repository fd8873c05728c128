package distributed_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// gatedPart records which worker runs it (by the name it was given), waits until the file
// gate exists (a one-minute hang guard), and returns i.
var gatedPart = delayed.Func3(func(count, gate string, i int) int {
	f, err := os.OpenFile(count, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o600)
	if err == nil {
		fmt.Fprintf(f, "part %d worker %s\n", i, os.Getenv(distributed.EnvWorkerName))
		f.Close()
	}
	for guard := time.Now().Add(time.Minute); time.Now().Before(guard); time.Sleep(5 * time.Millisecond) {
		if _, err := os.Stat(gate); err == nil {
			break
		}
	}
	return i
})

var sumParts = delayed.Func1(func(parts []int) int {
	t := 0
	for _, p := range parts {
		t += p
	}
	return t
})

// A worker told to retire while tasks wait in its queue hands back those it has not started:
// they run on the other worker, the retiring one runs at most the one it had started, and every
// task runs exactly once.
func TestRetiringWorkerHandsBackQueuedTasks(t *testing.T) {
	tc := newTestCluster(t, 0)
	tc.addWorker(t, os.Args[0], distributed.EnvWorkerName+"=leaving")
	tc.addWorker(t, os.Args[0], distributed.EnvWorkerName+"=staying")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := tc.server.WaitForWorkers(ctx, 2); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	count, gate := filepath.Join(dir, "executions"), filepath.Join(dir, "gate")
	const n, chunk = 8, 4
	parts := make([]delayed.Delayed[int], n)
	for i := range parts {
		parts[i] = gatedPart(delayed.Value(count), delayed.Value(gate), delayed.Value(i))
	}
	type result struct {
		v   int
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := sumParts(delayed.All(parts)).Compute(ctx, delayed.WithScheduler(distributed.Name),
			delayed.WithAddress(tc.file), delayed.WithChunksize(chunk))
		done <- result{v, err}
	}()
	// Every task is sent (chunk per worker) and waits at the gate, or behind the one that does.
	queued := 0
	for queued != chunk {
		select {
		case r := <-done:
			t.Fatalf("the computation ended before the gate opened: %v, %v", r.v, r.err)
		case <-ctx.Done():
			t.Fatalf("the leaving worker never had %d tasks queued (status %+v)", chunk, tc.server.Status())
		case <-time.After(20 * time.Millisecond):
		}
		for _, w := range tc.server.Status().Workers {
			if strings.HasPrefix(w.Name, "leaving ") {
				queued = w.Queued
			}
		}
	}
	if err := tc.server.RetireWorker("leaving", "test"); err != nil {
		t.Fatal(err)
	}
	// The hand-back arrives before the gate opens: only a task already started stays there.
	for tc.server.RetireStats().HandedBack < chunk-1 {
		select {
		case <-ctx.Done():
			t.Fatalf("the leaving worker handed back nothing: %+v", tc.server.RetireStats())
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil || r.v != n*(n-1)/2 {
		t.Fatalf("got %v, %v; want %d", r.v, r.err, n*(n-1)/2)
	}
	data, _ := os.ReadFile(count)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	byLeaving := bytes.Count(data, []byte("worker leaving\n"))
	st := tc.server.RetireStats()
	t.Logf("executions %d for %d tasks, %d on the leaving worker; retirements %+v", len(lines), n, byLeaving, st)
	if len(lines) != n {
		t.Errorf("%d executions for %d tasks:\n%s", len(lines), n, data)
	}
	if byLeaving > 1 || byLeaving+st.HandedBack != chunk {
		t.Errorf("the leaving worker ran %d tasks and handed back %d of the %d it was sent", byLeaving, st.HandedBack, chunk)
	}
}
