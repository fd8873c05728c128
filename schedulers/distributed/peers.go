package distributed

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/internal/worker"
)

// listenForPeers opens the listener other workers fetch values from: on opts.Listen, or on the
// address this worker reaches the scheduler from, any port.
func listenForPeers(opts WorkerOptions, scheduler *conn) (net.Listener, error) {
	addr := opts.Listen
	if addr == "" {
		host, _, _ := net.SplitHostPort(scheduler.raw.LocalAddr().String())
		addr = net.JoinHostPort(host, "0")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen for other workers on %s: %w", addr, err)
	}
	if opts.TLS != nil {
		ln = tls.NewListener(ln, opts.TLS)
	}
	return ln, nil
}

// servePeers answers other workers' fetches until the listener closes.
func servePeers(ln net.Listener, token string, x *worker.Executor, log *zap.Logger) {
	var wg sync.WaitGroup
	defer wg.Wait()
	pending := newPendingConns(defaultMaxUnauthenticated, log, "peer")
	var mu sync.Mutex
	open := map[*conn]bool{}
	defer func() {
		mu.Lock()
		for c := range open {
			c.Close()
		}
		mu.Unlock()
	}()
	for {
		raw, err := ln.Accept()
		if err != nil {
			return
		}
		c := newConn(raw)
		mu.Lock()
		open[c] = true
		mu.Unlock()
		done := pending.add(c)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				done()
				mu.Lock()
				delete(open, c)
				mu.Unlock()
				c.Close()
			}()
			c.handshakeUntil(time.Now().Add(handshakeTimeout))
			role, err := accept(c, token)
			if err != nil || role != rolePeer {
				log.Warn("dropped peer connection", zap.String("remote", raw.RemoteAddr().String()), zap.Error(err))
				return
			}
			c.handshakeDone()
			done()
			for {
				var req worker.Fetch
				if _, err := c.receiveMessage(worker.KindFetch, &req); err != nil {
					return
				}
				vals, atts := x.Fetch(&req)
				if err := c.send(worker.KindValues, vals, atts); err != nil {
					return
				}
			}
		}()
	}
}

// peerFetcher fetches values from other workers, keeping one connection per worker.
type peerFetcher struct {
	token string
	tls   *tls.Config
	mu    sync.Mutex
	conns map[string]*peerConn
}

type peerConn struct {
	mu sync.Mutex
	c  *conn
}

func newPeerFetcher(token string, tlsConfig *tls.Config) *peerFetcher {
	return &peerFetcher{token: token, tls: tlsConfig, conns: map[string]*peerConn{}}
}

func (f *peerFetcher) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, pc := range f.conns {
		pc.c.Close()
	}
	f.conns = map[string]*peerConn{}
}

// fetch gets the given values from their holders, concurrently per holder.
func (f *peerFetcher) fetch(sources []worker.PeerSource) ([]worker.Put, [][]byte, error) {
	byAddr := map[string][]worker.PeerSource{}
	var order []string
	for _, s := range sources {
		if _, ok := byAddr[s.Address]; !ok {
			order = append(order, s.Address)
		}
		byAddr[s.Address] = append(byAddr[s.Address], s)
	}
	type reply struct {
		puts []worker.Put
		atts [][]byte
		err  error
	}
	replies := make([]reply, len(order))
	var wg sync.WaitGroup
	for k, addr := range order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			replies[k].puts, replies[k].atts, replies[k].err = f.fetchFrom(addr, byAddr[addr])
		}()
	}
	wg.Wait()
	var (
		puts []worker.Put
		atts [][]byte
		errs []error
	)
	for _, r := range replies {
		puts = append(puts, r.puts...)
		atts = append(atts, r.atts...)
		if r.err != nil {
			errs = append(errs, r.err)
		}
	}
	return puts, atts, errors.Join(errs...)
}

func (f *peerFetcher) fetchFrom(addr string, sources []worker.PeerSource) ([]worker.Put, [][]byte, error) {
	puts, atts, err := f.fetchOnce(addr, sources)
	if err != nil && !errors.Is(err, errPeerRefused) {
		// A kept connection may have gone idle and been closed by the other side: try a new one.
		puts, atts, err = f.fetchOnce(addr, sources)
	}
	return puts, atts, err
}

var errPeerRefused = errors.New("peer refused")

func (f *peerFetcher) fetchOnce(addr string, sources []worker.PeerSource) ([]worker.Put, [][]byte, error) {
	pc, err := f.conn(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", errPeerRefused, err)
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	req := &worker.Fetch{}
	for _, s := range sources {
		req.Keys = append(req.Keys, s.Key)
		req.Types = append(req.Types, s.Type)
	}
	if err := pc.c.send(worker.KindFetch, req, nil); err != nil {
		f.forget(addr, pc)
		return nil, nil, fmt.Errorf("fetch from %s: %w", addr, err)
	}
	var vals worker.Values
	frame, err := pc.c.receiveMessage(worker.KindValues, &vals)
	if err != nil {
		f.forget(addr, pc)
		return nil, nil, fmt.Errorf("fetch from %s: %w", addr, err)
	}
	var puts []worker.Put
	atts := frame.Attachments
	var kept [][]byte
	for _, p := range vals.Puts {
		mine, rest, err := takeAttachments(atts, p.Attachments)
		if err != nil {
			return nil, nil, err
		}
		atts = rest
		if p.Type == "" {
			continue // not held there (any more)
		}
		puts = append(puts, p)
		kept = append(kept, mine...)
	}
	return puts, kept, nil
}

func (f *peerFetcher) conn(addr string) (*peerConn, error) {
	f.mu.Lock()
	pc := f.conns[addr]
	f.mu.Unlock()
	if pc != nil {
		return pc, nil
	}
	c, err := dial(addr, f.tls)
	if err != nil {
		return nil, err
	}
	if err := authenticate(c, f.token, rolePeer); err != nil {
		c.Close()
		return nil, err
	}
	c.handshakeDone()
	pc = &peerConn{c: c}
	f.mu.Lock()
	if other := f.conns[addr]; other != nil {
		f.mu.Unlock()
		c.Close()
		return other, nil
	}
	f.conns[addr] = pc
	f.mu.Unlock()
	return pc, nil
}

func (f *peerFetcher) forget(addr string, pc *peerConn) {
	f.mu.Lock()
	if f.conns[addr] == pc {
		delete(f.conns, addr)
	}
	f.mu.Unlock()
	pc.c.Close()
}
