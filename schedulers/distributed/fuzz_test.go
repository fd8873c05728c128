package distributed

import (
	"io"
	"net"
	"testing"
	"time"
)

// FuzzConnection feeds arbitrary bytes to a scheduler as if from a new connection, with or
// without a valid handshake in front: the scheduler may drop them but must not panic, hang or
// stop serving.
func FuzzConnection(f *testing.F) {
	s, err := NewServer(ServerOptions{Listen: "127.0.0.1:0", Token: "fuzz-token-of-16-bytes"})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	f.Add([]byte("hello"), false)
	f.Add([]byte{0x15, 0, 0, 0, 0, 0, 0, 0, 25, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80}, true)
	f.Fuzz(func(t *testing.T, data []byte, authenticated bool) {
		client, server := net.Pipe()
		sc := newConn(server)
		done := make(chan struct{})
		go func() {
			defer close(done)
			defer sc.Close()
			s.handle(sc, func() {})
		}()
		cc := newConn(client)
		if authenticated {
			if err := authenticate(cc, "fuzz-token-of-16-bytes", roleClient); err != nil {
				t.Fatalf("handshake: %v", err)
			}
			cc.handshakeDone()
		}
		// Read what the scheduler sends, so that its writes never wait for the fuzzer's.
		drained := make(chan struct{})
		go func() {
			defer close(drained)
			_, _ = io.Copy(io.Discard, client)
		}()
		client.SetWriteDeadline(time.Now().Add(time.Second))
		client.Write(data)
		client.Close()
		<-drained
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatal("the scheduler hung on the input")
		}
	})
}
