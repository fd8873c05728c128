package distributed

import (
	"context"
	"encoding/binary"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/internal/worker"
)

// trickleAfterHello accepts connections on ln, authenticates them with token, reads the
// dialer's hello and then sends one byte of a frame header every second (under the silence
// limit) of its answer's body until the connection breaks.
func trickleAfterHello(t *testing.T, ln net.Listener, token string, wg *sync.WaitGroup) {
	defer wg.Done()
	raw, err := ln.Accept()
	if err != nil {
		return
	}
	defer raw.Close()
	c := newConn(raw)
	c.handshakeUntil(time.Now().Add(handshakeTimeout))
	if _, err := accept(c, token); err != nil {
		t.Errorf("the fake scheduler's handshake: %v", err)
		return
	}
	var h hello
	if _, err := c.receiveMessage(kindHello, &h); err != nil {
		t.Errorf("the fake scheduler's hello: %v", err)
		return
	}
	c.handshakeDone()
	// A frame announcing a 100-byte body, whose bytes then come one a second (100 s).
	var header [21]byte
	binary.LittleEndian.PutUint64(header[0:8], 21+100)
	header[8] = kindWorkerInfo
	binary.LittleEndian.PutUint64(header[9:17], 100)
	if _, err := raw.Write(header[:]); err != nil {
		return
	}
	for {
		time.Sleep(time.Second)
		raw.SetWriteDeadline(time.Now().Add(time.Second))
		if _, err := raw.Write([]byte{0x90}); err != nil {
			return
		}
	}
}

// A scheduler that proves the token and then trickles its answer to the hello (a byte a second,
// under the silence limit) cannot hold a dialing worker or client: the hello exchange is under
// the same hard deadline as the authentication before it (issue 10). Before, only the
// authentication was, and the dialer waited as long as the bytes kept coming.
func TestDialerHelloHasTheHandshakeDeadline(t *testing.T) {
	const token = "a-token-of-16-bytes-or-more"
	const limit = 25 * time.Second // the handshake deadline is 10 s
	for _, role := range []string{roleWorker, roleClient} {
		t.Run(role, func(t *testing.T) {
			t.Parallel()
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			var wg sync.WaitGroup
			wg.Add(1)
			go trickleAfterHello(t, ln, token, &wg)
			defer wg.Wait()
			done := make(chan error, 1)
			start := time.Now()
			go func() {
				switch role {
				case roleWorker:
					c, err := dial(ln.Addr().String(), nil)
					if err != nil {
						done <- err
						return
					}
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					done <- serveSession(ctx, WorkerOptions{Address: ln.Addr().String(), Token: token}, worker.Memory{}, c, time.Time{}, nil)
				case roleClient:
					c, _, err := handshakeClient(ln.Addr().String(), token, ClientOptions{})
					if err == nil {
						c.Close()
					}
					done <- err
				}
			}()
			select {
			case err := <-done:
				if err == nil {
					t.Fatal("the hello exchange succeeded against a trickling scheduler")
				}
				t.Logf("%s gave up after %v: %v", role, time.Since(start).Round(100*time.Millisecond), err)
			case <-time.After(limit):
				t.Fatalf("a %s was still waiting for a trickled hello after %v", role, limit)
			}
		})
	}
}
