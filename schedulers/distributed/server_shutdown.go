package distributed

import (
	"os"
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

// Shutdown stops the server gracefully: every connected client and worker is told why (clients'
// computations fail with an error naming reason, workers exit successfully), the server waits
// briefly for them to hang up, then closes as Close does and removes its scheduler file (when
// the file still describes this server).
func (s *Server) Shutdown(reason string) error {
	s.log.Info("scheduler shutting down", zap.String("reason", reason))
	s.mu.Lock()
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	notice := &shutdownNotice{Reason: reason}
	for _, c := range conns {
		_ = c.send(kindShutdown, notice, nil) // a peer that cannot hear it loses the connection
	}
	deadline := time.Now().Add(shutdownGrace)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		n := len(s.conns)
		s.mu.Unlock()
		if n == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
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
