package distributed_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// Hostile peers before authentication, driven through the real listeners (issue 10): they cost
// little memory, cannot stretch the handshake, and do not keep legitimate peers out.

// challengeSize is the size of the scheduler's first frame: header and a msgpack map holding
// the protocol version and a 32-byte nonce.
const challengeSize = 21 + 1 + 2 + 1 + 2 + 2 + 32

// dialAndWait connects to address and waits for the challenge, so the other end has set the
// connection up.
func dialAndWait(t testing.TB, address string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", address)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(c, make([]byte, challengeSize)); err != nil {
		c.Close()
		t.Fatalf("no challenge from %s: %v", address, err)
	}
	c.SetReadDeadline(time.Time{})
	return c
}

// inUse returns the memory the process holds in heap objects and goroutine stacks.
func inUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse
}

// rss returns a process's resident memory in bytes.
func rss(t *testing.T, pid int) uint64 {
	t.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseUint(f[1], 10, 64)
			return kb << 10
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// idleCost is the most an unauthenticated connection may cost, both ends in this process.
const idleCost = 32 << 10

// Today (before issue 10) an idle connection cost the scheduler 512 KiB of buffers: 3,000 of them
// 1.3 GB.
func TestIdleConnectionsCostLittle(t *testing.T) {
	tc := newTestCluster(t, 1)
	const n = 500
	before := inUse()
	conns := make([]net.Conn, 0, n)
	for range n {
		conns = append(conns, dialAndWait(t, tc.server.Address()))
	}
	after := inUse()
	per := (int64(after) - int64(before)) / n
	t.Logf("scheduler: %d idle connections: %d bytes in use before, %d after, %d bytes per connection (both ends)", n, before, after, per)
	for _, c := range conns {
		c.Close()
	}
	if per > idleCost {
		t.Errorf("an idle connection to the scheduler costs %d bytes, want at most %d", per, idleCost)
	}

	// A worker's peer port: its resident memory, in another process.
	status := tc.server.Status()
	if len(status.Workers) != 1 || status.Workers[0].Address == "" {
		t.Fatalf("no worker address in %+v", status.Workers)
	}
	pid := tc.procs[0].Process.Pid
	before = rss(t, pid)
	conns = conns[:0]
	for range n {
		conns = append(conns, dialAndWait(t, status.Workers[0].Address))
	}
	after = rss(t, pid)
	per = (int64(after) - int64(before)) / n
	t.Logf("worker peer port: %d idle connections: RSS %d before, %d after, %d bytes per connection", n, before, after, per)
	for _, c := range conns {
		c.Close()
	}
	if per > 4*idleCost {
		t.Errorf("an idle connection to a worker costs %d bytes of RSS, want at most %d", per, 4*idleCost)
	}
}

// trickle sends one byte of a frame header every second until the connection breaks, and
// returns how long after start the other end closed it.
func trickle(c net.Conn, start time.Time, limit time.Duration) time.Duration {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		header := []byte{200, 0, 0, 0, 0, 0, 0, 0, 22, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
		for k := 0; ; k++ {
			select {
			case <-stop:
				return
			case <-time.After(time.Second):
			}
			c.SetWriteDeadline(time.Now().Add(time.Second))
			if _, err := c.Write(header[k%len(header) : k%len(header)+1]); err != nil {
				return
			}
		}
	}()
	defer wg.Wait()
	defer close(stop)
	c.SetReadDeadline(start.Add(limit))
	_, _ = io.Copy(io.Discard, c)
	return time.Since(start)
}

// A peer that trickles a byte every second (under the 5 s silence limit) is dropped when the
// handshake's one deadline passes; before issue 10 it stayed connected forever.
func TestTrickledHandshakeHasOneDeadline(t *testing.T) {
	tc := newTestCluster(t, 1)
	status := tc.server.Status()
	if len(status.Workers) != 1 {
		t.Fatalf("workers %+v", status.Workers)
	}
	const limit = 25 * time.Second // the handshake deadline is 10 s
	for name, address := range map[string]string{"scheduler": tc.server.Address(), "worker peer port": status.Workers[0].Address} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			c := dialAndWait(t, address)
			defer c.Close()
			took := trickle(c, start, limit)
			t.Logf("%s: a trickling peer was dropped after %v", name, took.Round(100*time.Millisecond))
			if took >= limit {
				t.Errorf("%s: a peer trickling a byte a second was still connected after %v", name, took)
			}
		})
	}
}

// holdHostile keeps n connections to address open until ctx ends: idle ones, or ones that trickle a
// byte a second. A connection the other end drops is opened again. The returned channel is closed
// once every connection has been set up by the other end (its challenge read), or when ctx ends.
func holdHostile(ctx context.Context, wg *sync.WaitGroup, address string, n int, trickling bool) <-chan struct{} {
	var up sync.WaitGroup
	up.Add(n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var once sync.Once
			defer once.Do(up.Done) // ctx ended before this connection was up
			for ctx.Err() == nil {
				var d net.Dialer
				c, err := d.DialContext(ctx, "tcp", address)
				if err != nil {
					select {
					case <-ctx.Done():
					case <-time.After(100 * time.Millisecond):
					}
					continue
				}
				stop := context.AfterFunc(ctx, func() { c.Close() })
				if _, err := io.ReadFull(c, make([]byte, challengeSize)); err == nil {
					once.Do(up.Done)
				}
				if trickling {
					for k := 0; ctx.Err() == nil; k++ {
						c.SetWriteDeadline(time.Now().Add(time.Second))
						if _, err := c.Write([]byte{byte(k)}); err != nil {
							break
						}
						select {
						case <-ctx.Done():
						case <-time.After(time.Second):
						}
					}
				} else {
					_, _ = io.Copy(io.Discard, c)
				}
				stop()
				c.Close()
			}
		}()
	}
	ready := make(chan struct{})
	go func() {
		up.Wait()
		close(ready)
	}()
	return ready
}

// waitUp waits until every channel is closed.
func waitUp(t *testing.T, ready ...<-chan struct{}) {
	t.Helper()
	for _, r := range ready {
		select {
		case <-r:
		case <-time.After(60 * time.Second):
			t.Fatal("the hostile connections were not set up within 60 s")
		}
	}
}

// A legitimate client and workers connect and compute while 500 idle or trickling connections
// are held open against the scheduler and 200 against a worker's peer port.
func TestComputeWhileHostileConnectionsAreHeldOpen(t *testing.T) {
	tc := newTestCluster(t, 0)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	waitUp(t, holdHostile(ctx, &wg, tc.server.Address(), 250, false),
		holdHostile(ctx, &wg, tc.server.Address(), 250, true))
	tc.addWorker(t, os.Args[0])
	tc.addWorker(t, os.Args[0])
	wctx, wcancel := context.WithTimeout(ctx, 60*time.Second)
	defer wcancel()
	if err := tc.server.WaitForWorkers(wctx, 2); err != nil {
		t.Fatal(err)
	}
	for _, w := range tc.server.Status().Workers {
		waitUp(t, holdHostile(ctx, &wg, w.Address, 100, false), holdHostile(ctx, &wg, w.Address, 100, true))
	}
	for round := range 3 {
		parts := make([]delayed.Delayed[int], 40)
		for i := range parts {
			parts[i] = inc(delayed.Value(i))
		}
		total := sumInts(delayed.All(parts))
		cctx, ccancel := context.WithTimeout(ctx, 60*time.Second)
		v, err := total.Compute(cctx, delayed.WithScheduler(distributed.Name), delayed.WithAddress(tc.file))
		ccancel()
		if err != nil || v != 40*41/2 {
			t.Fatalf("round %d with hostile connections open: %d, %v", round, v, err)
		}
	}
}

// Connections beyond the cap on unauthenticated connections close the oldest, with a log line;
// a legitimate client still gets in.
func TestUnauthenticatedConnectionsAreCapped(t *testing.T) {
	const max = 20
	tc := newTestCluster(t, 1, func(o *distributed.ServerOptions) { o.MaxUnauthenticated = max })
	conns := make([]net.Conn, 0, 3*max)
	for range 3 * max {
		conns = append(conns, dialAndWait(t, tc.server.Address()))
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	// The oldest 2*max were closed at once, long before the handshake deadline.
	for k, c := range conns[:2*max] {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Read(make([]byte, 1)); err == nil || isTimeout(err) {
			t.Fatalf("connection %d beyond the cap was not closed: %v", k, err)
		}
	}
	if !tc.logged("too many unauthenticated connections") {
		t.Error("closing connections beyond the cap was not logged")
	}
	if v, err := inc(delayed.Value(1)).Compute(context.Background(), delayed.WithScheduler(distributed.Name), delayed.WithAddress(tc.file)); err != nil || v != 2 {
		t.Fatalf("with the cap reached: %d, %v", v, err)
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// /status bound beyond loopback answers only requests carrying the token.
func TestStatusBeyondLoopbackNeedsTheToken(t *testing.T) {
	tc := newTestCluster(t, 1, func(o *distributed.ServerOptions) { o.Status = "0.0.0.0:0" })
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(strings.TrimSuffix(tc.server.StatusURL(), "/status"), "http://"))
	url := "http://127.0.0.1:" + port + "/status"
	get := func(auth string) int {
		req, _ := http.NewRequest("GET", url, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, auth := range []string{"", "Bearer wrong-token", tc.server.Token()} {
		if code := get(auth); code != http.StatusUnauthorized {
			t.Errorf("Authorization %q: status %d, want 401", auth, code)
		}
	}
	if code := get("Bearer " + tc.server.Token()); code != http.StatusOK {
		t.Errorf("with the token: status %d, want 200", code)
	}
}
