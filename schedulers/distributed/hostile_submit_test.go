package distributed_test

import (
	"context"
	"encoding/binary"
	"io"
	"math"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// Hostile peers after authentication (issue 10): what an authenticated client sends may fail its
// own computation, never take down the scheduler or a worker.

func dialRaw(t *testing.T, tc *testCluster) *distributed.RawPeer {
	t.Helper()
	p, err := distributed.DialRaw(tc.server.Address(), tc.server.Token())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// stillServes checks that the cluster computes a normal computation.
func stillServes(t *testing.T, tc *testCluster, after string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if v, err := inc(delayed.Value(41)).Compute(ctx, delayed.WithScheduler(distributed.Name), delayed.WithAddress(tc.file)); err != nil || v != 42 {
		t.Fatalf("after %s: %d, %v", after, v, err)
	}
}

// allocatedWhile returns the bytes this process allocates while f runs.
func allocatedWhile(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A 21-byte header claiming 4 GB from an authenticated client made the scheduler allocate 4 GB
// before issue 10. Now it costs what arrived, and the connection is dropped with a log line.
func TestAuthenticatedHugeHeaderAllocatesOnlyWhatArrives(t *testing.T) {
	tc := newTestCluster(t, 1)
	p := dialRaw(t, tc)
	header := make([]byte, 21)
	binary.LittleEndian.PutUint64(header[0:8], 4<<30)
	header[8] = distributed.KindSubmit
	binary.LittleEndian.PutUint64(header[9:17], 4<<30-21)
	// Everything the scheduler does with the claim, until it drops the connection with a log line.
	n := allocatedWhile(func() {
		p.Conn().Write(append(header, make([]byte, 100)...))
		p.Close()
		waitLogged(t, tc, "malformed frame")
	})
	t.Logf("a 4 GB claim with 121 bytes behind it: the scheduler process allocated %d bytes", n)
	if n > 64<<20 {
		t.Errorf("a 4 GB frame claim made the scheduler allocate %d bytes", n)
	}
	stillServes(t, tc, "a 4 GB frame claim")

	// Control messages have small limits of their own: a heartbeat of 1 MB is refused at once.
	p = dialRaw(t, tc)
	binary.LittleEndian.PutUint64(header[0:8], 1<<20)
	header[8] = distributed.KindHeartbeat
	binary.LittleEndian.PutUint64(header[9:17], 1<<20-21)
	p.Conn().Write(header)
	p.Conn().SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.Copy(io.Discard, p.Conn()); isTimeout(err) {
		t.Error("a 1 MB heartbeat did not end the connection")
	}
	waitLogged(t, tc, "frame exceeds the size limit")
	stillServes(t, tc, "a 1 MB heartbeat")
}

func waitLogged(t *testing.T, tc *testCluster, s string) {
	t.Helper()
	if !tc.waitLogged(s, 30*time.Second) { // woken by each log line; a hang guard only
		t.Fatalf("the scheduler did not log %q", s)
	}
}

// sumIntsName is the registered name of sumInts, the only func([]int) int of this package.
func sumIntsName(t *testing.T) string {
	t.Helper()
	for _, name := range graph.RegisteredNames() {
		fn, _ := graph.Lookup(name)
		if len(fn.Params()) == 1 && fn.Params()[0] == reflect.TypeFor[[]int]() && fn.Result() == reflect.TypeFor[int]() {
			return name
		}
	}
	t.Fatal("sumInts is not registered")
	return ""
}

func encoded(t *testing.T, x any) distributed.DataEntry {
	t.Helper()
	v, err := wire.Encode(x, nil)
	if err != nil || len(v.Attachments) > 0 {
		t.Fatal(err)
	}
	name, err := wire.TypeName(reflect.TypeOf(x))
	if err != nil {
		t.Fatal(err)
	}
	return distributed.DataEntry{Type: name, Body: v.Body}
}

// Whatever an authenticated client submits fails that computation with an error naming the task
// (or what was wrong); the scheduler and the workers go on serving.
func TestCraftedSubmissionsFailOnlyTheirComputation(t *testing.T) {
	tc := newTestCluster(t, 1)
	p := dialRaw(t, tc)
	intName, _ := wire.TypeName(reflect.TypeFor[int]())
	fn := func(name string) []cluster.Function { return []cluster.Function{{Name: name, Result: intName}} }
	data := func(task int32, x any) distributed.DataEntry {
		d := encoded(t, x)
		d.Task = task
		return d
	}
	name := sumIntsName(t)
	// One call of function 0 on data nodes 0..args-1.
	call := func(args int, functions []cluster.Function, values ...distributed.DataEntry) distributed.Submit {
		m := distributed.Submit{Functions: functions, Outputs: []int32{int32(args)}}
		for i := range args {
			m.ArgStart = append(m.ArgStart, 0)
			m.Funcs = append(m.Funcs, -1)
			m.Args = append(m.Args, int32(i))
		}
		m.ArgStart = append(m.ArgStart, 0, int32(args))
		m.Funcs = append(m.Funcs, 0)
		m.Data = values
		return m
	}
	cases := map[string]distributed.Submit{
		"no arguments":     call(0, fn(name)),
		"wrong type":       call(1, fn(name), data(0, "text")),
		"garbage value":    call(1, fn(name), distributed.DataEntry{Task: 0, Type: "[]int", Body: []byte{0xdd, 0xff, 0xff, 0xff, 0xff}}),
		"unknown function": call(1, fn("no/such.function"), data(0, []int{1})),
		"huge name":        call(1, fn(strings.Repeat("k", 1<<20)), data(0, []int{1})),
		"offsets out of range": {ArgStart: []int32{0, 5, 0}, Args: nil, Funcs: []int32{0, 0},
			Functions: fn(name), Outputs: []int32{1}},
		"function out of range": {ArgStart: []int32{0, 0}, Funcs: []int32{3}, Functions: fn(name), Outputs: []int32{0}},
		"output out of range":   {ArgStart: []int32{0, 0}, Funcs: []int32{-1}, Outputs: []int32{-4}, Data: []distributed.DataEntry{data(0, 1)}},
		"no tasks":              {ArgStart: nil},
		"negative chunk size":   withChunksize(call(1, fn(name), data(0, []int{1})), -5),
		"huge chunk size":       withChunksize(call(1, fn(name), data(0, []int{1})), 1<<62),
		"value for a call":      call(1, fn(name), data(0, []int{1}), data(1, []int{1})),
		"value given twice":     call(1, fn(name), data(0, []int{1}), data(0, []int{1})),
		"kept value out of range": withExternal(call(1, fn(name), data(0, []int{1})),
			distributed.ExternalEntry{Task: 1 << 30, Key: 1<<64 - 1}),
		"unknown kept value": withExternal(call(1, fn(name)), distributed.ExternalEntry{Task: 0, Key: 1<<64 - 1}),
		"NaN resource": call(1, []cluster.Function{{Name: name, Result: intName, Resources: graph.Resources{"gpu": math.NaN()}}},
			data(0, []int{1})),
		"negative resource": call(1, []cluster.Function{{Name: name, Result: intName, Resources: graph.Resources{"gpu": -1}}},
			data(0, []int{1})),
		"bad resource name": call(1, []cluster.Function{{Name: name, Result: intName, Resources: graph.Resources{"g p u\n": 1}}},
			data(0, []int{1})),
		"huge function priority": call(1, []cluster.Function{{Name: name, Result: intName, Priority: 1 << 40}}, data(0, []int{1})),
		"huge priority":          withPriority(call(1, fn(name), data(0, []int{1})), -1<<40),
	}
	job := uint64(100)
	for what, m := range cases {
		job++
		m.Job = job
		if err := p.Send(distributed.KindSubmit, &m, nil); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		f, err := p.Finished(job)
		if err != nil {
			t.Fatalf("%s: the scheduler dropped the client: %v", what, err)
		}
		msg := f.Message
		if f.Record != nil {
			msg += " " + f.Record.Message
		}
		t.Logf("%s: task %d: %.300s", what, f.Task, msg)
		if !f.Failed || msg == "" {
			t.Errorf("%s: finished %+v, want a failure with a message", what, f)
		}
	}
	// A report on a task that does not run at the client ends that client's connection, not the
	// scheduler.
	slow := call(1, fn(name), data(0, []int{1}))
	slow.Job = 1
	if err := p.Send(distributed.KindSubmit, &slow, nil); err != nil {
		t.Fatal(err)
	}
	_ = p.Send(distributed.KindLocalDone, &distributed.LocalDone{Job: 1, Task: 1 << 30}, nil)
	_ = p.Send(distributed.KindLocalDone, &distributed.LocalDone{Job: 1, Task: -7, Err: "x"}, nil)
	stillServes(t, tc, "crafted submissions")
	if tc.server.Workers() != 1 {
		t.Errorf("%d workers after crafted submissions, want 1", tc.server.Workers())
	}
}

// A call with more arguments than its function takes fails its task; it used to panic the
// worker (the executor indexed the parameter types by argument).
func TestCraftedArityFailsItsTask(t *testing.T) {
	tc := newTestCluster(t, 1)
	p := dialRaw(t, tc)
	intName, _ := wire.TypeName(reflect.TypeFor[int]())
	d0, d1 := encoded(t, []int{1}), encoded(t, []int{2})
	d1.Task = 1
	m := distributed.Submit{Job: 7, ArgStart: []int32{0, 0, 0, 2}, Args: []int32{0, 1}, Funcs: []int32{-1, -1, 0},
		Functions: []cluster.Function{{Name: sumIntsName(t), Result: intName}}, Outputs: []int32{2},
		Data: []distributed.DataEntry{d0, d1}}
	if err := p.Send(distributed.KindSubmit, &m, nil); err != nil {
		t.Fatal(err)
	}
	f, err := p.Finished(7)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Failed || f.Task != 2 {
		t.Errorf("finished %+v, want a failure at task 2", f)
	}
	stillServes(t, tc, "a call with too many arguments")
}

func withChunksize(m distributed.Submit, c int) distributed.Submit {
	m.Chunksize = c
	return m
}

func withExternal(m distributed.Submit, x distributed.ExternalEntry) distributed.Submit {
	m.External = append(m.External, x)
	return m
}

// vmSize returns a process's virtual memory size in bytes.
func vmSize(t *testing.T, pid int) uint64 {
	t.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmSize:" {
			kb, _ := strconv.ParseUint(f[1], 10, 64)
			return kb << 10
		}
	}
	t.Fatal("no VmSize")
	return 0
}

// Under a memory limit (its address space capped at 1 GiB above what it uses), a scheduler process
// receives a 4 GB frame claim from an authenticated client and survives: it drops the connection
// and serves the next client. Before issue 10 it died of "out of memory".
func TestHugeHeaderUnderAMemoryLimit(t *testing.T) {
	cmd, address, token, out := startSchedulerProcess(t)
	pid := cmd.Process.Pid
	limit := vmSize(t, pid) + 1<<30
	if err := unix.Prlimit(pid, unix.RLIMIT_AS, &unix.Rlimit{Cur: limit, Max: limit}, nil); err != nil {
		t.Skipf("prlimit: %v", err)
	}
	p, err := distributed.DialRaw(address, token)
	if err != nil {
		t.Fatal(err)
	}
	header := make([]byte, 21)
	binary.LittleEndian.PutUint64(header[0:8], 4<<30)
	header[8] = distributed.KindSubmit
	binary.LittleEndian.PutUint64(header[9:17], 4<<30-21)
	p.Conn().Write(append(header, make([]byte, 100)...))
	p.Close()
	// The scheduler has read the claim once it logs the connection dropped.
	if _, ok := out.waitFor(func(l string) bool { return strings.Contains(l, "malformed frame") }, 30*time.Second); !ok {
		t.Fatal("the scheduler process did not log dropping the 4 GB claim (or died)")
	}
	if err := syscall.Kill(pid, 0); err != nil {
		t.Fatalf("the scheduler process is gone: %v", err)
	}
	p, err = distributed.DialRaw(address, token)
	if err != nil {
		t.Fatalf("the scheduler does not serve after a 4 GB claim under a memory limit: %v", err)
	}
	p.Close()
}

func withPriority(m distributed.Submit, p int) distributed.Submit {
	m.Priority = p
	return m
}
