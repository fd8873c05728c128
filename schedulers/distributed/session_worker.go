package distributed

import (
	"fmt"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// workerLink is the coordinator's line to a connected worker.
type workerLink struct {
	c   *conn
	out *cluster.Outbox
}

var _ cluster.Link = (*workerLink)(nil)

func (l *workerLink) Send(m *cluster.Outgoing) { l.out.Put(m) }

// Kill drops the worker: a worker process ends when its scheduler connection does.
func (l *workerLink) Kill() {
	l.c.goodbye("the scheduler dropped this worker")
	l.c.Close()
}

// serveWorker puts a connected worker to work and relays its results until it goes.
func (s *Server) serveWorker(c *conn, h *hello, remote string) {
	if h.PeerAddress == "" {
		_ = c.send(kindRefuse, &refusal{Reason: "a worker must give the address other workers reach it at"}, nil)
		return
	}
	if err := validWorkerResources(h.Resources); err != nil {
		_ = c.send(kindRefuse, &refusal{Reason: err.Error()}, nil)
		return
	}
	if err := c.send(kindWorkerInfo, &clusterInfo{Workers: s.Workers()}, nil); err != nil {
		return
	}
	link := &workerLink{c: c, out: cluster.NewOutbox()}
	name := fmt.Sprintf("%s (pid %d, %s)", h.Name, h.PID, remote)
	w := &cluster.Worker{Link: link, Name: name, PeerAddress: h.PeerAddress, Group: h.Fingerprint, Resources: h.Resources}
	stop := make(chan struct{})
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		if err := link.out.Drain(c.writeOutgoing, c.flush); err != nil {
			c.Close()
		}
	}()
	heartbeatDone := make(chan struct{})
	go func() {
		defer close(heartbeatDone)
		c.heartbeat(stop)
	}()
	defer func() {
		close(stop)
		link.out.Close()
		c.Close()
		<-writerDone
		<-heartbeatDone
	}()

	if changed := s.opts.WorkerChanged; changed != nil {
		changed(h.PID, true)
		defer changed(h.PID, false)
	}
	s.names.add(h.Name, w)
	defer s.names.remove(h.Name, w)
	s.coord.AddWorker(w)
	// Counted (and WaitForWorkers woken) after the coordinator was told: whoever waited for
	// it then sees it in Status.
	s.joinWorker(h.Fingerprint, 1)
	defer s.joinWorker(h.Fingerprint, -1)
	defer s.profiles.addWorker(c, name)()
	s.log.Info("worker joined", zap.String("worker", name), zap.String("peer", h.PeerAddress))
	for {
		f, err := c.receive()
		if err != nil {
			s.log.Info("worker left", zap.String("worker", name), zap.Error(err))
			s.coord.WorkerDown(w, s.lostWorker(w, h, remote, name, err), true)
			return
		}
		switch f.Kind {
		case worker.KindResults:
			res := cluster.NewResults() // the coordinator reuses it once handled
			if err := decodeMessage(f.Body, res); err != nil {
				s.coord.WorkerDown(w, err, true)
				return
			}
			s.coord.Results(w, res, f.Attachments)
		case worker.KindValues:
			var vals worker.Values
			if err := decodeMessage(f.Body, &vals); err != nil {
				s.coord.WorkerDown(w, err, true)
				return
			}
			s.coord.Values(w, &vals, f.Attachments)
		case kindRetire:
			s.onRetireRequest(w, f.Body)
		case worker.KindMemory:
			var rep worker.MemoryReport
			if err := decodeMessage(f.Body, &rep); err != nil {
				s.coord.WorkerDown(w, err, true)
				return
			}
			s.coord.Memory(w, &rep)
		case kindProfileData:
			if err := s.profiles.deliver(c, f.Body); err != nil {
				s.coord.WorkerDown(w, err, true)
				return
			}
		default:
			s.coord.WorkerDown(w, fmt.Errorf("worker %s sent frame kind %d", name, f.Kind), true)
			return
		}
	}
}

// joinWorker counts workers by the functions they know.
func (s *Server) joinWorker(fingerprint string, delta int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.workers[fingerprint] += delta
	if s.workers[fingerprint] <= 0 {
		delete(s.workers, fingerprint)
	}
	if delta > 0 {
		close(s.joined)
		s.joined = make(chan struct{})
	}
}

// workerCounts returns how many workers know the given functions, and how many know others.
func (s *Server) workerCounts(fingerprint string) (matching, other int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for fp, n := range s.workers {
		if fp == fingerprint {
			matching += n
		} else {
			other += n
		}
	}
	return matching, other
}
