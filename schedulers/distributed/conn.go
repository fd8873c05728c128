package distributed

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// Limits of a connection.
const (
	// handshakeFrameLimit bounds frames before the peer has proved the token: a stranger cannot
	// make us allocate more than this.
	handshakeFrameLimit = 4 << 10
	// handshakeBuffer is the size of a connection's read and write buffers until the peer has
	// proved the token, and streamBuffer their size after: a stranger costs a few kilobytes.
	handshakeBuffer = 1 << 10
	streamBuffer    = 256 << 10
	// frameLimit bounds frames from authenticated peers.
	frameLimit = 16 << 30
	// heartbeatEvery is how often each side sends a frame when it has nothing else to send.
	heartbeatEvery = time.Second
	// silenceLimit is how long a peer may stay silent (no frame at all) before it counts as gone.
	silenceLimit = 5 * time.Second
	// handshakeTimeout bounds the whole handshake: one deadline, which bytes trickling in do not
	// extend.
	handshakeTimeout = 10 * time.Second
	// defaultMaxUnauthenticated is how many connections may be in their handshake at once.
	defaultMaxUnauthenticated = 1024
)

// conn is a framed connection to a peer (scheduler, worker, client). Reads happen on one
// goroutine; writes are serialised. Until the peer has proved the token (see [conn.authenticated])
// its buffers are small, its frames are limited to handshakeFrameLimit, and a hard deadline set
// by [conn.handshakeUntil] bounds every read and write.
type conn struct {
	raw net.Conn
	dr  *deadlineReader
	r   *bufio.Reader

	wmu  sync.Mutex
	w    *bufio.Writer
	sent int64 // under wmu

	limit int64 // largest frame accepted

	peer atomic.Bool // the peer proved the token and said hello: a client or worker being served
}

func newConn(c net.Conn) *conn {
	dr := &deadlineReader{c: c}
	return &conn{raw: c, dr: dr, r: bufio.NewReaderSize(dr, handshakeBuffer), w: bufio.NewWriterSize(c, handshakeBuffer), limit: handshakeFrameLimit}
}

// authenticated lifts the limits of a connection whose peer has proved the token: full-size
// buffers (keeping what the small ones hold) and frames up to frameLimit. Called on the reading
// goroutine before any other goroutine writes.
func (c *conn) authenticated() {
	c.limit = frameLimit
	if n := c.r.Buffered(); n > 0 {
		rest, _ := c.r.Peek(n)
		c.r = bufio.NewReaderSize(io.MultiReader(bytes.NewReader(bytes.Clone(rest)), c.dr), streamBuffer)
	} else {
		c.r = bufio.NewReaderSize(c.dr, streamBuffer)
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.w.Buffered() == 0 {
		c.w = bufio.NewWriterSize(c.raw, streamBuffer)
	}
}

// handshakeUntil sets the hard deadline of the handshake: no read or write goes past it, however
// the peer trickles its bytes.
func (c *conn) handshakeUntil(t time.Time) {
	c.dr.hard.Store(t.UnixNano())
	c.raw.SetDeadline(t)
}

// handshakeDone removes the hard deadline.
func (c *conn) handshakeDone() {
	c.dr.hard.Store(0)
	c.raw.SetDeadline(time.Time{})
}

// deadlineReader extends the read deadline before every read: a peer counts as gone after
// silenceLimit without a byte, however long a large frame takes as a whole. During the handshake
// the deadline never goes past the handshake's hard deadline.
type deadlineReader struct {
	c    net.Conn
	hard atomic.Int64 // the handshake's deadline in Unix nanoseconds, 0 when none
}

func (d *deadlineReader) Read(p []byte) (int, error) {
	d.c.SetReadDeadline(d.deadline(silenceLimit))
	return d.c.Read(p)
}

// deadline returns now plus after, or the hard deadline when that comes first.
func (d *deadlineReader) deadline(after time.Duration) time.Time {
	t := time.Now().Add(after)
	if h := d.hard.Load(); h != 0 && h < t.UnixNano() {
		return time.Unix(0, h)
	}
	return t
}

func (c *conn) Close() error { return c.raw.Close() }

// send writes one frame and flushes it.
func (c *conn) send(kind byte, msg any, attachments [][]byte) error {
	if err := c.buffer(kind, msg, attachments); err != nil {
		return err
	}
	return c.flush()
}

// buffer writes one frame, leaving its end in the write buffer.
func (c *conn) buffer(kind byte, msg any, attachments [][]byte) error {
	buf := encodeBuffers.Get().(*[]byte)
	body, err := worker.AppendMessage((*buf)[:0], msg)
	if err != nil {
		encodeBuffers.Put(buf)
		return err
	}
	defer func() {
		// The frame is in the write buffer or on the wire: its body can take the next one.
		if cap(body) <= maxPooledBody {
			*buf = body[:0]
			encodeBuffers.Put(buf)
		}
	}()
	f := &wire.Frame{Kind: kind, Body: body, Attachments: attachments}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.raw.SetWriteDeadline(c.dr.deadline(writeTimeout(f.Size())))
	if err := wire.WriteFrame(c.w, f); err != nil {
		return err
	}
	c.sent += f.Size()
	return nil
}

// encodeBuffers are the buffers frames are encoded into, reused: a batch of thousands of tasks
// grew a fresh buffer from nothing, and its copies and clearing were a tenth of the scheduler's
// CPU on a million-task graph. Bodies larger than maxPooledBody are left to the collector.
var encodeBuffers = sync.Pool{New: func() any { return new([]byte) }}

const maxPooledBody = 4 << 20

// writeTimeout allows a frame a generous time to leave: a peer that reads nothing for that long
// is stuck.
func writeTimeout(size int64) time.Duration {
	return silenceLimit + time.Duration(size/(10<<20))*time.Second
}

// writeOutgoing buffers a coordinator's frame and reports its size, for an Outbox to drain.
func (c *conn) writeOutgoing(m *cluster.Outgoing) (int64, error) {
	before := c.bytesSent()
	err := c.buffer(m.Kind, m.Msg, m.Attachments)
	return c.bytesSent() - before, err
}

func (c *conn) flush() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.w.Flush()
}

func (c *conn) bytesSent() int64 {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.sent
}

// receive reads the next frame, skipping heartbeats. Every frame comes in buffers of its own,
// never reused: messages decoded from its body (worker.DecodeBatch, worker.DecodeResults) share
// that memory and may be kept after the next frame is read.
func (c *conn) receive() (*wire.Frame, error) {
	for {
		f, err := wire.ReadFrameWith(c.r, c.kindLimit)
		if err != nil {
			return nil, err
		}
		if f.Kind != kindHeartbeat {
			return f, nil
		}
	}
}

// receiveMessage reads the next frame, which must be of the given kind, into msg.
func (c *conn) receiveMessage(kind byte, msg any) (*wire.Frame, error) {
	f, err := c.receive()
	if err != nil {
		return nil, err
	}
	if f.Kind == kindRefuse && kind != kindRefuse {
		var r refusal
		_ = decodeMessage(f.Body, &r)
		return nil, fmt.Errorf("%w: %s", ErrRefused, r.Reason)
	}
	if f.Kind != kind {
		return nil, fmt.Errorf("%w: expected frame kind %d, got %d", wire.ErrMalformedFrame, kind, f.Kind)
	}
	return f, decodeMessage(f.Body, msg)
}

// heartbeat sends an empty frame every heartbeatEvery until stop closes or a write fails.
func (c *conn) heartbeat(stop <-chan struct{}) {
	t := time.NewTicker(heartbeatEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if err := c.send(kindHeartbeat, struct{}{}, nil); err != nil {
				c.Close()
				return
			}
		}
	}
}

// dial connects to a scheduler or worker, over TLS when tlsConfig is set. The connection's hard
// handshake deadline is set, handshakeTimeout from now: connecting, authenticating and the hello
// exchange after it must all be done by then, however the other end trickles its bytes; the
// caller lifts it with [conn.handshakeDone] once its hello exchange is over.
func dial(address string, tlsConfig *tls.Config) (*conn, error) {
	deadline := time.Now().Add(handshakeTimeout)
	d := net.Dialer{Deadline: deadline, KeepAlive: 15 * time.Second}
	var (
		c   net.Conn
		err error
	)
	if tlsConfig != nil {
		c, err = tls.DialWithDialer(&d, "tcp", address, tlsConfig)
	} else {
		c, err = d.Dial("tcp", address)
	}
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", address, err)
	}
	cn := newConn(c)
	cn.handshakeUntil(deadline)
	return cn, nil
}

var _ io.Closer = (*conn)(nil)
