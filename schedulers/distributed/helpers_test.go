package distributed_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/lazygraph/lazygraph/schedulers"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// envRole makes the test binary play a part other than running tests.
const envRole = "DISTRIBUTED_TEST_ROLE"

// testRole runs the part the environment asks for; it reports whether it did.
func testRole() bool {
	switch os.Getenv(envRole) {
	case "scheduler":
		// It logs to standard output, coordinator events included (debug), for the test to
		// wait on.
		log := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()),
			zapcore.Lock(os.Stdout), zapcore.DebugLevel))
		s, err := distributed.NewServer(distributed.ServerOptions{Listen: "127.0.0.1:0", Log: log})
		if err != nil {
			fmt.Println("error:", err)
			return true
		}
		fmt.Printf("address %s token %s\n", s.Address(), s.Token())
		time.Sleep(time.Hour)
		return true
	}
	return false
}

// testCluster is a scheduler in the test process and worker processes of the test binary.
type testCluster struct {
	server  *distributed.Server
	file    string
	logs    *observer.ObservedLogs
	logWake chan struct{} // signalled after each log entry is recorded
	procs   []*exec.Cmd
}

func newTestCluster(t *testing.T, workers int, opts ...func(*distributed.ServerOptions)) *testCluster {
	t.Helper()
	core, logs := observer.New(zapcore.InfoLevel)
	wake := make(chan struct{}, 1)
	// The hook runs after the observer recorded the entry: a waiter woken by it sees the entry.
	core = zapcore.RegisterHooks(core, func(zapcore.Entry) error {
		select {
		case wake <- struct{}{}:
		default:
		}
		return nil
	})
	so := distributed.ServerOptions{Listen: "127.0.0.1:0", Log: zap.New(core), SchedulerFile: filepath.Join(t.TempDir(), "scheduler.json")}
	for _, o := range opts {
		o(&so)
	}
	s, err := distributed.NewServer(so)
	if err != nil {
		t.Fatal(err)
	}
	tc := &testCluster{server: s, file: so.SchedulerFile, logs: logs, logWake: wake}
	t.Cleanup(tc.close)
	for range workers {
		tc.addWorker(t, os.Args[0])
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.WaitForWorkers(ctx, workers); err != nil {
		t.Fatal(err)
	}
	return tc
}

// addWorker starts exe as a worker of the cluster.
func (tc *testCluster) addWorker(t *testing.T, exe string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), schedulers.EnvWorkerRole+"="+distributed.Name,
		distributed.EnvSchedulerFile+"="+tc.file)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tc.procs = append(tc.procs, cmd)
	go cmd.Wait()
	return cmd
}

func (tc *testCluster) close() {
	tc.server.Close()
	for _, cmd := range tc.procs {
		cmd.Process.Kill()
	}
}

func (tc *testCluster) client(t *testing.T) *distributed.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cl, err := distributed.Connect(ctx, tc.file, distributed.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	return cl
}

// logged reports whether the server logged a line containing s.
func (tc *testCluster) logged(s string) bool {
	for _, e := range tc.logs.All() {
		if strings.Contains(e.Message, s) || strings.Contains(fmt.Sprint(e.ContextMap()), s) {
			return true
		}
	}
	return false
}

// waitLogged waits until the server has logged a line containing s, woken by each entry (no
// polling); false if none came within the hang guard.
func (tc *testCluster) waitLogged(s string, guard time.Duration) bool {
	timeout := time.After(guard)
	for !tc.logged(s) {
		select {
		case <-tc.logWake:
		case <-timeout:
			return tc.logged(s)
		}
	}
	return true
}

// startSchedulerProcess runs a scheduler in a child process, to kill it. Its output (its log, as
// JSON lines, coordinator events included) is watched for the test to wait on.
func startSchedulerProcess(t *testing.T) (cmd *exec.Cmd, address, token string, out *lineWatcher) {
	t.Helper()
	cmd = exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envRole+"=scheduler")
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out = watchLines(pipe)
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-out.done // every read is over before Wait closes the pipe
		cmd.Wait()
	})
	line, ok := out.waitFor(func(l string) bool {
		f := strings.Fields(l)
		return len(f) == 4 && f[0] == "address"
	}, 30*time.Second)
	if !ok {
		t.Fatal("the scheduler process did not say its address")
	}
	f := strings.Fields(line)
	return cmd, f[1], f[3], out
}
