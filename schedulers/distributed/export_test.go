package distributed

import (
	"net"

	"github.com/lazygraph/lazygraph/internal/worker"
)

// Test-only access to the protocol, for tests that play a hostile but authenticated peer.

type (
	Submit        = submit
	DataEntry     = dataEntry
	ExternalEntry = externalEntry
	Finished      = finished
	LocalDone     = localDone
	CancelJob     = cancelJob
	Forget        = forget
)

const (
	KindSubmit    = kindSubmit
	KindFinished  = kindFinished
	KindLocalDone = kindLocalDone
	KindCancelJob = kindCancelJob
	KindForget    = kindForget
	KindHeartbeat = kindHeartbeat
)

// RawPeer is an authenticated connection that sends whatever a test gives it (and heartbeats).
type RawPeer struct {
	c    *conn
	stop chan struct{}
	done chan struct{}
}

// DialRaw connects to a scheduler as a client (this program's functions), proves the token and
// says hello.
func DialRaw(address, token string) (*RawPeer, error) {
	c, err := dial(address, nil)
	if err != nil {
		return nil, err
	}
	if err := authenticate(c, token, roleClient); err != nil {
		c.Close()
		return nil, err
	}
	worker.RegisterFunctionTypes()
	if err := c.send(kindHello, &hello{Role: roleClient, Fingerprint: functionsFingerprint(), Name: "raw"}, nil); err != nil {
		c.Close()
		return nil, err
	}
	var info clusterInfo
	if _, err := c.receiveMessage(kindWorkerInfo, &info); err != nil {
		c.Close()
		return nil, err
	}
	c.handshakeDone()
	p := &RawPeer{c: c, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		c.heartbeat(p.stop)
	}()
	return p, nil
}

// Conn is the underlying connection, for writing raw bytes.
func (p *RawPeer) Conn() net.Conn { return p.c.raw }

// Send sends one frame.
func (p *RawPeer) Send(kind byte, msg any, attachments [][]byte) error {
	return p.c.send(kind, msg, attachments)
}

// Finished waits for the end of computation job, skipping other frames.
func (p *RawPeer) Finished(job uint64) (*Finished, error) {
	for {
		f, err := p.c.receive()
		if err != nil {
			return nil, err
		}
		if f.Kind != kindFinished {
			continue
		}
		var m finished
		if err := decodeMessage(f.Body, &m); err != nil {
			return nil, err
		}
		if m.Job == job {
			return &m, nil
		}
	}
}

// Close closes the connection.
func (p *RawPeer) Close() error {
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	err := p.c.Close()
	<-p.done
	return err
}
