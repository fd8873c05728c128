package distributed_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
	"github.com/lazygraph/lazygraph/schedulers/schedulertest"
)

func TestMain(m *testing.M) {
	if delayed.Init() {
		return
	}
	if testRole() {
		return
	}
	code := m.Run()
	distributed.Close()
	os.Exit(code)
}

// Task functions, wrapped at package level so that worker processes know them.
var (
	inc     = delayed.Func1(func(x int) int { return x + 1 })
	sumInts = delayed.Func1(func(xs []int) int {
		t := 0
		for _, x := range xs {
			t += x
		}
		return t
	})
	napThen = delayed.Func2(func(ms, x int) int { time.Sleep(time.Duration(ms) * time.Millisecond); return x })
	exitNow = delayed.Func1(func(int) int { os.Exit(7); return 0 })
	meanOf  = delayed.Func2(func(xs []float64, i int) float64 {
		t := 0.0
		for _, x := range xs {
			t += x
		}
		return t/float64(len(xs)) + float64(i)
	})
	pidOf = delayed.Func1(func(ms int) int { time.Sleep(time.Duration(ms) * time.Millisecond); return os.Getpid() })
)

func TestConformanceLocalCluster(t *testing.T) {
	schedulertest.Run(t, schedulertest.Options{Scheduler: distributed.Name, Workers: 2, WorkerProcesses: true})
}

func TestConformanceRemoteScheduler(t *testing.T) {
	tc := newTestCluster(t, 2)
	schedulertest.Run(t, schedulertest.Options{Scheduler: distributed.Name, Workers: 2, RemoteWorkers: true, WorkerProcesses: true,
		Extra: []delayed.Option{delayed.WithAddress(tc.file)}})
}

func TestWrongTokenIsRefusedAndServingGoesOn(t *testing.T) {
	tc := newTestCluster(t, 1)
	ctx := context.Background()
	_, err := distributed.Connect(ctx, tc.server.Address(), distributed.ClientOptions{Token: "not-the-token"})
	if !errors.Is(err, distributed.ErrAuth) {
		t.Fatalf("err = %v, want ErrAuth", err)
	}
	if !tc.logged("dropped connection") {
		t.Error("the refusal was not logged")
	}
	cl := tc.client(t)
	if v, err := inc(delayed.Value(1)).Compute(ctx, delayed.WithScheduler(distributed.Name), delayed.WithAddress(tc.file)); err != nil || v != 2 {
		t.Fatalf("after a refused client: %d, %v", v, err)
	}
	_ = cl
}

func TestGarbageAndTruncatedFramesAreDropped(t *testing.T) {
	tc := newTestCluster(t, 1)
	var big bytes8
	cases := map[string][]byte{
		"garbage":        []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
		"huge header":    big.frameHeader(1 << 40),
		"truncated":      big.frameHeader(1000)[:15],
		"silence":        nil,
		"random payload": randomBytes(4096),
	}
	remotes := map[string]string{}
	for name, data := range cases {
		c, err := net.Dial("tcp", tc.server.Address())
		if err != nil {
			t.Fatal(err)
		}
		c.Write(data)
		c.Close()
		remotes[name] = c.LocalAddr().String()
	}
	// Each is dropped, with a log line naming it (woken by each line; a hang guard only).
	for name, remote := range remotes {
		if !tc.waitFor(droppedFrom(remote), 30*time.Second) {
			t.Errorf("the %s connection (from %s) was not logged as dropped", name, remote)
		}
	}
	// The scheduler goes on serving.
	if v, err := inc(delayed.Value(41)).Compute(context.Background(), delayed.WithScheduler(distributed.Name), delayed.WithAddress(tc.file)); err != nil || v != 42 {
		t.Fatalf("after bad connections: %d, %v", v, err)
	}
}

type bytes8 struct{}

func (bytes8) frameHeader(total uint64) []byte {
	h := make([]byte, 21)
	for k := range 8 {
		h[k] = byte(total >> (8 * k))
	}
	h[8] = 22
	return h
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func TestDeadSchedulerIsAnErrorWithinSeconds(t *testing.T) {
	cmd, address, token, out := startSchedulerProcess(t)
	cl, err := distributed.Connect(context.Background(), address, distributed.ClientOptions{Token: token})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	// No workers: the computation waits, until the scheduler dies.
	done := make(chan error, 1)
	go func() {
		_, err := inc(delayed.Value(1)).Compute(context.Background(), delayed.Using(cl))
		done <- err
	}()
	// Kill it once the computation reached its coordinator (which logs each event).
	if _, ok := out.waitFor(func(l string) bool {
		return strings.Contains(l, `"msg":"event"`) && strings.Contains(l, "submitted")
	}, 30*time.Second); !ok {
		t.Fatal("the scheduler process did not log the computation's arrival")
	}
	killed := time.Now()
	cmd.Process.Kill()
	select {
	case err := <-done:
		if !errors.Is(err, distributed.ErrSchedulerGone) {
			t.Fatalf("err = %v, want ErrSchedulerGone", err)
		}
		if elapsed := time.Since(killed); elapsed > 15*time.Second {
			t.Errorf("the error came %v after the scheduler died", elapsed)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Compute hung after the scheduler died")
	}
	if !errors.Is(cl.Err(), distributed.ErrSchedulerGone) {
		t.Errorf("client Err() = %v", cl.Err())
	}
}

func TestClientDisconnectReleasesItsWork(t *testing.T) {
	var events *logWaiter
	tc := newTestCluster(t, 2, withCoordinatorEvents(&events))
	cl := tc.client(t)
	parts := make([]delayed.Delayed[int], 50)
	for i := range parts {
		parts[i] = napThen(delayed.Value(200), delayed.Value(i))
	}
	futures, err := cl.Submit(sumInts(delayed.All(parts)))
	if err != nil {
		t.Fatal(err)
	}
	// Wait for the computation to reach the scheduler's coordinator (its event).
	if !events.waitFor(coordinatorEvent("submitted"), 30*time.Second) {
		t.Fatal("the computation did not reach the scheduler")
	}
	if n := tc.server.Status().Jobs; n != 1 {
		t.Fatalf("status shows %d computations, want 1", n)
	}
	cl.Close()
	// A computation ends while the coordinator handles an event (the cancellation, a result, the
	// grace period's end): look after each.
	events.waitUntil(func() bool { return tc.server.Status().Jobs == 0 }, 30*time.Second)
	if n := tc.server.Status().Jobs; n != 0 {
		t.Fatalf("%d computations left after the client disconnected", n)
	}
	if _, err := futures[0].Result(context.Background()); err == nil {
		t.Error("the future of a disconnected client has a value")
	}
}

func TestWorkerKilledMidRunStillGivesTheAnswer(t *testing.T) {
	tc := newTestCluster(t, 3)
	parts := make([]delayed.Delayed[int], 16)
	for i := range parts {
		parts[i] = napThen(delayed.Value(100), delayed.Value(i))
	}
	// Kill a worker once tasks are running: when the first one ends.
	var kill sync.Once
	cb := delayed.Callbacks{TaskEnd: func(delayed.TaskInfo) { kill.Do(func() { tc.procs[0].Process.Kill() }) }}
	got, err := sumInts(delayed.All(parts)).Compute(context.Background(), delayed.WithScheduler(distributed.Name),
		delayed.WithAddress(tc.file), delayed.WithCallbacks(cb))
	if err != nil || got != 120 {
		t.Fatalf("got %d, %v; want 120", got, err)
	}
}

func TestTaskThatKillsWorkersFails(t *testing.T) {
	tc := newTestCluster(t, 4)
	d := exitNow(delayed.Value(1))
	_, err := d.Compute(context.Background(), delayed.WithScheduler(distributed.Name), delayed.WithAddress(tc.file))
	var te *delayed.TaskError
	if !errors.As(err, &te) || te.Key != d.Key() || !strings.Contains(err.Error(), "worker died") {
		t.Fatalf("err = %v; want a TaskError naming %s and the dying workers", err, d.Key())
	}
}

func TestFutures(t *testing.T) {
	tc := newTestCluster(t, 2)
	cl := tc.client(t)
	ctx := context.Background()

	nodes := []distributed.Node{}
	for i := range 20 {
		nodes = append(nodes, inc(delayed.Value(i)))
	}
	futures, err := cl.Map(nodes)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for f := range distributed.AsCompleted(ctx, futures) {
		if _, err := f.Result(ctx); err != nil {
			t.Fatal(err)
		}
		seen++
	}
	values, err := cl.Gather(ctx, futures)
	if err != nil || seen != 20 || values[19] != 20 {
		t.Fatalf("gathered %v, %v after %d completions", values, err, seen)
	}

	// A future as an argument: its value is not sent again.
	total := sumInts(delayed.All([]delayed.Delayed[int]{delayed.FromTask[int](futures[0].Task()), delayed.FromTask[int](futures[19].Task())}))
	if v, err := total.Compute(ctx, delayed.Using(cl)); err != nil || v != 21 {
		t.Fatalf("sum of futures: %d, %v", v, err)
	}
	// On a local scheduler a future is an error, not a wrong value.
	if _, err := total.Compute(ctx, delayed.WithScheduler("threads")); !errors.Is(err, delayed.ErrInvalidGraph) {
		t.Errorf("future on threads: %v", err)
	}
	if v, err := distributed.Result[int](ctx, futures[5]); err != nil || v != 6 {
		t.Errorf("Result[int] = %d, %v", v, err)
	}

	// Scatter with broadcast: the data is on every worker before the tasks using it run.
	data := make([]float64, 1<<20)
	for i := range data {
		data[i] = 1
	}
	shared, err := cl.Scatter(ctx, data, true)
	if err != nil {
		t.Fatal(err)
	}
	// No wait needed: the scheduler queued the broadcast on the coordinator before replying,
	// so it goes out before any batch of the next computation, on the same links.
	var sent atomic.Int64
	cb := delayed.Callbacks{Finish: func(info delayed.ComputeInfo) { sent.Store(info.BytesSent) }}
	x := delayed.FromTask[[]float64](shared.Task())
	means := make([]delayed.Delayed[float64], 8)
	for i := range means {
		means[i] = meanOf(x, delayed.Value(i))
	}
	got, err := delayed.All(means).Compute(ctx, delayed.Using(cl), delayed.WithCallbacks(cb))
	if err != nil || got[7] != 8 {
		t.Fatalf("means of the scattered array: %v, %v", got, err)
	}
	if sent.Load() > 1<<20 {
		t.Errorf("%d bytes sent after broadcasting an 8 MiB array", sent.Load())
	}

	// Released values are gone; cancelled futures fail.
	shared.Release()
	// No wait needed: the scheduler reads a client's messages in order, so it has forgotten
	// the value when the next computation arrives.
	if _, err := meanOf(x, delayed.Value(0)).Compute(ctx, delayed.Using(cl)); err == nil {
		t.Error("a released value was still usable")
	}
	slow, err := cl.Submit(napThen(delayed.Value(5000), delayed.Value(1)))
	if err != nil {
		t.Fatal(err)
	}
	slow[0].Cancel()
	if _, err := slow[0].Result(ctx); !errors.Is(err, distributed.ErrCancelled) {
		t.Errorf("cancelled future: %v", err)
	}
}

func TestStatusEndpoint(t *testing.T) {
	tc := newTestCluster(t, 2, func(o *distributed.ServerOptions) { o.Status = "127.0.0.1:0" })
	if _, err := inc(delayed.Value(1)).Compute(context.Background(), delayed.WithScheduler(distributed.Name), delayed.WithAddress(tc.file)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(tc.server.StatusURL())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var status struct {
		Workers []struct {
			Name      string `json:"name"`
			HeldBytes int64  `json:"held_bytes"`
			Completed int64  `json:"completed_tasks"`
		} `json:"workers"`
		Tasks  map[string]int `json:"tasks_by_state"`
		Recent []struct {
			Func    string `json:"function"`
			Elapsed int64  `json:"elapsed_ns"`
		} `json:"recent_tasks"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&status); err != nil {
		t.Fatal(err)
	}
	if len(status.Workers) != 2 || len(status.Recent) == 0 || status.Recent[0].Func == "" {
		t.Errorf("status %+v", status)
	}
}

func TestTLS(t *testing.T) {
	dir := t.TempDir()
	cert, key, ca := writeSelfSigned(t, dir)
	serverTLS, err := distributed.TLSConfigFromFiles(cert, key, "", "")
	if err != nil {
		t.Fatal(err)
	}
	tc := newTestCluster(t, 0, func(o *distributed.ServerOptions) { o.TLS = serverTLS })
	tc.addWorker(t, os.Args[0], distributed.EnvTLSCA+"="+ca, distributed.EnvTLSCert+"="+cert, distributed.EnvTLSKey+"="+key)
	tc.addWorker(t, os.Args[0], distributed.EnvTLSCA+"="+ca, distributed.EnvTLSCert+"="+cert, distributed.EnvTLSKey+"="+key)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := tc.server.WaitForWorkers(ctx, 2); err != nil {
		t.Fatal(err)
	}
	clientTLS, _ := distributed.TLSConfigFromFiles("", "", ca, "")
	cl, err := distributed.Connect(ctx, tc.file, distributed.ClientOptions{TLS: clientTLS})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	parts := make([]delayed.Delayed[int], 40)
	for i := range parts {
		parts[i] = inc(delayed.Value(i))
	}
	futures, err := cl.Submit(sumInts(delayed.All(parts)))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := distributed.Result[int](ctx, futures[0]); err != nil || v != 820 {
		t.Fatalf("over TLS: %d, %v", v, err)
	}
	if _, err := distributed.Connect(ctx, tc.file, distributed.ClientOptions{}); err == nil {
		t.Error("a client without TLS connected to a TLS scheduler")
	}
}

// writeSelfSigned writes a certificate for 127.0.0.1 that is its own CA.
func writeSelfSigned(t *testing.T, dir string) (cert, key, ca string) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "lazygraph test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(priv)
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	return cert, key, cert
}

func TestWorkersOfAnotherProgramAreNotUsed(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	exe := filepath.Join(t.TempDir(), "otherworker")
	if out, err := exec.Command("go", "build", "-o", exe, "./testdata/otherworker").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	tc := newTestCluster(t, 0)
	tc.addWorker(t, exe)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := tc.server.WaitForWorkers(ctx, 1); err != nil {
		t.Fatal(err)
	}
	_, err := inc(delayed.Value(1)).Compute(ctx, delayed.WithScheduler(distributed.Name), delayed.WithAddress(tc.file))
	if !errors.Is(err, distributed.ErrNoWorkers) || !strings.Contains(err.Error(), "functions differ") {
		t.Fatalf("err = %v; want ErrNoWorkers explaining the functions differ", err)
	}
}

func TestLocalClusterWorkersAreThisProgram(t *testing.T) {
	parts := make([]delayed.Delayed[int], 6)
	for i := range parts {
		parts[i] = pidOf(delayed.Value(30))
	}
	pids, err := delayed.All(parts).Compute(context.Background(), delayed.WithScheduler(distributed.Name), delayed.WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pids {
		if p == os.Getpid() {
			t.Fatal("a task ran in the client process")
		}
	}
}
