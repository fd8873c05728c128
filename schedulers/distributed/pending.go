package distributed

import (
	"container/list"
	"sync"
	"time"

	"go.uber.org/zap"
)

// pendingConns caps the connections still in their handshake (not yet proved the token). When
// the cap is reached the oldest is closed to make room: a flood of idle or trickling strangers
// then cannot lock out a legitimate peer, whose handshake takes milliseconds, and costs at most
// max small connections.
type pendingConns struct {
	max  int
	log  *zap.Logger
	what string // "scheduler" or "peer"

	mu      sync.Mutex
	order   list.List // of *conn, oldest first
	evicted int       // since the last log line
	logged  time.Time
}

func newPendingConns(max int, log *zap.Logger, what string) *pendingConns {
	if max <= 0 {
		max = defaultMaxUnauthenticated
	}
	return &pendingConns{max: max, log: log, what: what}
}

// add registers a connection in its handshake, closing the oldest one when there are too many.
// The returned function, which may be called more than once, unregisters it.
func (p *pendingConns) add(c *conn) (done func()) {
	p.mu.Lock()
	var oldest *conn
	if p.order.Len() >= p.max {
		oldest = p.order.Remove(p.order.Front()).(*conn)
		p.evicted++
		if time.Since(p.logged) >= time.Second {
			p.log.Warn("too many unauthenticated connections: closed the oldest",
				zap.String("listener", p.what), zap.Int("limit", p.max), zap.Int("closed", p.evicted))
			p.evicted, p.logged = 0, time.Now()
		}
	}
	e := p.order.PushBack(c)
	p.mu.Unlock()
	if oldest != nil {
		oldest.Close()
	}
	return func() {
		p.mu.Lock()
		p.order.Remove(e) // a no-op when already removed
		p.mu.Unlock()
	}
}

// len returns how many connections are in their handshake.
func (p *pendingConns) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.order.Len()
}
