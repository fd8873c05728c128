package distributed

import (
	"os"
	"sync"
	"time"

	"go.uber.org/zap"
)

// kindShutdown is the scheduler's goodbye: it is shutting down. Clients' computations fail
// naming the reason; workers stop and exit successfully instead of waiting for it to return.
const kindShutdown byte = 45

// shutdownNotice is the body of a kindShutdown frame.
type shutdownNotice struct {
	Reason string `msgpack:"r"`
}

// shutdownGrace bounds how long Shutdown waits for peers to hang up after its goodbye.
const shutdownGrace = 3 * time.Second

// goodbyeSendTimeout bounds the writing of the goodbye to one peer: a peer that reads nothing
// loses its connection instead.
const goodbyeSendTimeout = time.Second

// Shutdown stops the server gracefully: every connected client and worker is told why (clients'
// computations fail with an error naming reason, workers exit successfully), the server waits
// briefly for them to hang up, then closes as Close does and removes its scheduler file (when
// the file still describes this server).
func (s *Server) Shutdown(reason string) error {
	s.log.Info("scheduler shutting down", zap.String("reason", reason))
	s.farewell(reason)
	err := s.Close()
	if path := s.opts.SchedulerFile; path != "" {
		if f, rerr := ReadSchedulerFile(path); rerr == nil && f.Address == s.File().Address && f.Token == s.opts.Token {
			if rerr := os.Remove(path); rerr != nil && err == nil {
				err = rerr
			}
		}
	}
	return err
}

// farewell tells every client and worker being served that the scheduler is going away, and why
// (a kindShutdown frame; see Shutdown), then waits up to shutdownGrace for them to hang up, so
// that the goodbye is read before the connection closes. Only the first call does anything: Close
// after Shutdown says goodbye once.
func (s *Server) farewell(reason string) {
	s.byeOnce.Do(func() {
		peers := s.servedPeers()
		if len(peers) == 0 {
			return
		}
		notice := &shutdownNotice{Reason: reason}
		var wg sync.WaitGroup
		for _, c := range peers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// A peer that cannot hear it loses the connection.
				cut := time.AfterFunc(goodbyeSendTimeout, func() { c.Close() })
				defer cut.Stop()
				_ = c.send(kindShutdown, notice, nil)
			}()
		}
		wg.Wait()
		deadline := time.Now().Add(shutdownGrace)
		for len(s.servedPeers()) > 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// servedPeers returns the connections of the clients and workers being served.
func (s *Server) servedPeers() []*conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	var peers []*conn
	for c := range s.conns {
		if c.peer.Load() {
			peers = append(peers, c)
		}
	}
	return peers
}
