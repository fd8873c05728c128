package distributed

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/wire"
)

// errClientGone cancels the computations of a client whose connection ended.
var errClientGone = errors.New("the client disconnected")

// clientSession is a connected client: its computations and the values it keeps in the cluster.
type clientSession struct {
	s           *Server
	c           *conn
	out         *cluster.Outbox
	name        string
	fingerprint string

	mu   sync.Mutex
	jobs map[uint64]*remoteJob
	keys map[uint64]bool
}

// serveClient serves a client until it disconnects; then its computations stop and the values
// it kept are released.
func (s *Server) serveClient(c *conn, h *hello, remote string) {
	sess := &clientSession{s: s, c: c, out: cluster.NewOutbox(), name: cluster.ClientLabel(h.Name, h.PID, remote),
		fingerprint: h.Fingerprint, jobs: map[uint64]*remoteJob{}, keys: map[uint64]bool{}}
	if err := c.send(kindWorkerInfo, &clusterInfo{Workers: s.Workers()}, nil); err != nil {
		return
	}
	stop := make(chan struct{})
	var done sync.WaitGroup
	done.Add(3)
	go func() {
		defer done.Done()
		if err := sess.out.Drain(c.writeOutgoing, c.flush); err != nil {
			c.Close()
		}
	}()
	go func() {
		defer done.Done()
		c.heartbeat(stop)
	}()
	go func() {
		defer done.Done()
		sess.flushEvents(stop)
	}()
	defer func() {
		close(stop)
		sess.out.Close()
		c.Close()
		done.Wait()
	}()
	s.log.Info("client connected", zap.String("client", sess.name))
	err := sess.read()
	s.log.Info("client disconnected", zap.String("client", sess.name), zap.Error(err))
	sess.release()
}

func (sess *clientSession) send(kind byte, msg any, attachments [][]byte, hold ...*cluster.Encoded) {
	sess.out.Put(cluster.NewOutgoing(kind, msg, attachments, hold...))
}

// read handles the client's messages until its connection ends.
func (sess *clientSession) read() error {
	for {
		f, err := sess.c.receive()
		if err != nil {
			return err
		}
		switch f.Kind {
		case kindSubmit:
			var m submit
			if err := decodeMessage(f.Body, &m); err != nil {
				return err
			}
			if err := sess.submitChecked(&m, f.Attachments); err != nil {
				sess.send(kindFinished, &finished{Job: m.Job, Failed: true, Task: -1, Message: err.Error(), Code: codeOf(err)}, nil)
			}
		case kindCancelJob:
			var m cancelJob
			if err := decodeMessage(f.Body, &m); err != nil {
				return err
			}
			if rj := sess.job(m.Job); rj != nil {
				sess.s.coord.Cancel(rj.job, fmt.Errorf("%w: %s", errCancelled, m.Reason))
			}
		case kindLocalDone:
			var m localDone
			if err := decodeMessage(f.Body, &m); err != nil {
				return err
			}
			rj := sess.job(m.Job)
			if rj == nil {
				continue
			}
			if !validLocalDone(rj, m.Task) {
				return fmt.Errorf("client reported task %d, which does not run at the client", m.Task)
			}
			if m.Err != "" {
				sess.s.coord.LocalDone(rj.job, m.Task, nil, errors.New(m.Err))
				continue
			}
			atts, _, err := takeAttachments(f.Attachments, m.Value.Attachments)
			if err != nil {
				return err
			}
			sess.s.coord.LocalDone(rj.job, m.Task, cluster.NewEncoded(wire.Value{Body: m.Value.Body, Attachments: atts}, m.Value.Type), nil)
		case kindScatter:
			var m scatter
			if err := decodeMessage(f.Body, &m); err != nil {
				return err
			}
			atts, _, err := takeAttachments(f.Attachments, m.Attachments)
			if err != nil {
				return err
			}
			key := sess.s.coord.Store(cluster.NewEncoded(wire.Value{Body: m.Body, Attachments: atts}, m.Type), m.Broadcast)
			sess.mu.Lock()
			sess.keys[key] = true
			sess.mu.Unlock()
			sess.send(kindStored, &stored{Request: m.Request, Key: key}, nil)
		case kindWorkerDied:
			if err := sess.onWorkerDied(f.Body); err != nil {
				return err
			}
		case kindForget:
			var m forget
			if err := decodeMessage(f.Body, &m); err != nil {
				return err
			}
			sess.forget(m.Keys)
		default:
			return fmt.Errorf("client sent frame kind %d", f.Kind)
		}
	}
}

var errCancelled = errors.New("cancelled by the client")

// ErrNoWorkers is matched by the error for a computation no connected worker can run: the workers
// run another program (their functions differ from the client's).
var ErrNoWorkers = errors.New("no worker runs this program")

func codeOf(err error) string {
	switch {
	case errors.Is(err, ErrNoWorkers):
		return codeNoWorkers
	case errors.Is(err, cluster.ErrClosed):
		return codeClosed
	}
	return registeredCode(err)
}

func (sess *clientSession) job(id uint64) *remoteJob {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	return sess.jobs[id]
}

// submit starts a client's computation.
func (sess *clientSession) submit(m *submit, atts [][]byte) error {
	g, err := cluster.NewGraph(m.ArgStart, m.Args, m.Funcs, m.Functions, m.Outputs)
	if err != nil {
		return err
	}
	rj := &remoteJob{sess: sess, id: m.Job, events: m.Events, data: map[int32]*cluster.Encoded{}, sizes: map[int32]int64{}}
	rj.store = openSharedStore(m.Store, g.Len(), sess.s.log)
	for _, d := range m.Data {
		var mine [][]byte
		if mine, atts, err = takeAttachments(atts, d.Attachments); err != nil {
			return err
		}
		if d.Task < 0 || int(d.Task) >= g.Len() || !g.IsData(d.Task) {
			return fmt.Errorf("%w: data for task %d, which is not a data node", cluster.ErrInvalidGraph, d.Task)
		}
		e := cluster.NewEncoded(wire.Value{Body: d.Body, Attachments: mine}, d.Type)
		rj.data[d.Task] = e
		rj.sizes[d.Task] = int64(e.Value.Size())
	}
	job := &cluster.Job{Graph: g, Owner: rj, Chunksize: m.Chunksize, Group: sess.fingerprint, Persist: m.Persist, Retries: m.Retries, KeepGoing: m.KeepGoing, Priority: m.Priority, NoRelay: m.NoRelay}
	job.Store, job.StoreKeys = workerStore(m.Store, g.Len())
	if len(m.Streams) > 0 {
		job.Streams = make([][]byte, len(m.Funcs))
		for _, st := range m.Streams {
			job.Streams[st.Task] = st.Key
		}
	}
	if len(m.External) > 0 {
		job.External = map[int32]uint64{}
		sess.mu.Lock()
		for _, x := range m.External {
			if !sess.keys[x.Key] {
				sess.mu.Unlock()
				return fmt.Errorf("value %d is not kept in the cluster for this client (released?)", x.Key)
			}
			job.External[x.Task] = x.Key
		}
		sess.mu.Unlock()
	}
	for i := range int32(g.Len()) {
		_, sent := rj.data[i]
		_, kept := job.External[i]
		if g.IsData(i) && !sent && !kept {
			return fmt.Errorf("%w: data node %d has no value", cluster.ErrInvalidGraph, i)
		}
	}
	if matching, other := sess.s.workerCounts(sess.fingerprint); matching == 0 && other > 0 {
		sess.s.log.Warn("no worker runs the client's program", zap.String("client", sess.name), zap.Int("other workers", other))
		return fmt.Errorf("%w: the %d connected workers were built from a program whose functions differ from this client's; start workers from the same build as the client", ErrNoWorkers, other)
	}
	rj.job = job
	sess.mu.Lock()
	sess.jobs[m.Job] = rj
	sess.mu.Unlock()
	sess.s.coord.Submit(job)
	return nil
}

// forget releases values the client kept.
func (sess *clientSession) forget(keys []uint64) {
	sess.mu.Lock()
	mine := keys[:0:0]
	for _, k := range keys {
		if sess.keys[k] {
			delete(sess.keys, k)
			mine = append(mine, k)
		}
	}
	sess.mu.Unlock()
	sess.s.coord.Forget(mine)
}

// release stops what a departed client left behind.
func (sess *clientSession) release() {
	sess.mu.Lock()
	jobs := make([]*remoteJob, 0, len(sess.jobs))
	for _, rj := range sess.jobs {
		jobs = append(jobs, rj)
	}
	keys := make([]uint64, 0, len(sess.keys))
	for k := range sess.keys {
		keys = append(keys, k)
	}
	sess.keys = map[uint64]bool{}
	sess.mu.Unlock()
	for _, rj := range jobs {
		sess.s.coord.Cancel(rj.job, errClientGone)
	}
	sess.s.coord.Forget(keys)
}

// flushEvents sends buffered task events every 100ms until stop closes.
func (sess *clientSession) flushEvents(stop <-chan struct{}) {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			sess.mu.Lock()
			jobs := make([]*remoteJob, 0, len(sess.jobs))
			for _, rj := range sess.jobs {
				jobs = append(jobs, rj)
			}
			sess.mu.Unlock()
			for _, rj := range jobs {
				rj.flushEvents()
			}
		}
	}
}

// remoteJob owns a client's computation on the scheduler's side, relaying to the client.
type remoteJob struct {
	sess   *clientSession
	id     uint64
	job    *cluster.Job
	events bool
	data   map[int32]*cluster.Encoded
	sizes  map[int32]int64
	sent   atomic.Int64

	evMu    sync.Mutex
	pending []taskEvent

	store *sharedStore // the client's result store, when this machine shares its directory
	kept  []bool       // by task: its result is in the client's result store (store_kept.go)
}

var _ cluster.Owner = (*remoteJob)(nil)

func (rj *remoteJob) Data(i int32) (*cluster.Encoded, error) {
	e := rj.data[i]
	if e == nil {
		return nil, fmt.Errorf("data node %d was not sent", i)
	}
	delete(rj.data, i)
	return e, nil
}

func (rj *remoteJob) DataSize(i int32) int64 { return rj.sizes[i] }

func (rj *remoteJob) RunLocal(i int32, args []*cluster.Encoded) (*cluster.Encoded, bool, error) {
	msg := &localRun{Job: rj.id, Task: i}
	var atts [][]byte
	for _, a := range args {
		msg.Args = append(msg.Args, localValue{Type: a.Type, Body: a.Value.Body, Attachments: len(a.Value.Attachments)})
		atts = append(atts, a.Value.Attachments...)
	}
	rj.sess.send(kindLocalRun, msg, atts, args...)
	return nil, false, nil
}

func (rj *remoteJob) Output(i int32, e *cluster.Encoded, key uint64) {
	if key != 0 {
		rj.sess.mu.Lock()
		rj.sess.keys[key] = true
		rj.sess.mu.Unlock()
	}
	rj.sess.send(kindOutput, &output{Job: rj.id, Task: i, Type: e.Type, Body: e.Value.Body, Attachments: len(e.Value.Attachments), Key: key, Stored: rj.isKept(i)},
		e.Value.Attachments, e)
}

func (rj *remoteJob) TaskDone(i int32, worker int, startNs, elapsedNs, size int64, failure *wire.ErrorRecord) {
	if !rj.events {
		return
	}
	rj.evMu.Lock()
	rj.pending = append(rj.pending, taskEvent{Task: i, Worker: worker, Start: startNs, Elapsed: elapsedNs, Size: size, Err: failure})
	full := len(rj.pending) >= 512
	rj.evMu.Unlock()
	if full {
		rj.flushEvents()
	}
}

func (rj *remoteJob) flushEvents() {
	rj.evMu.Lock()
	items := rj.pending
	rj.pending = nil
	rj.evMu.Unlock()
	if len(items) > 0 {
		rj.sess.send(kindEvents, &events{Job: rj.id, Items: items}, nil)
	}
}

func (rj *remoteJob) Finished(err error) {
	rj.flushEvents()
	for _, e := range rj.data {
		e.Release()
	}
	rj.data = nil
	msg := &finished{Job: rj.id, Task: -1, BytesSent: rj.sent.Load()}
	var kept *cluster.Failures
	if errors.As(err, &kept) {
		msg.KeptFailed, msg.Skipped = describeKept(kept)
		err = nil
	}
	if err != nil {
		msg.Failed = true
		msg.Message = err.Error()
		var tf *cluster.TaskFailure
		switch {
		case errors.As(err, &tf):
			msg.Task, msg.Record = tf.Task, tf.Record
			if tf.Err != nil {
				msg.Message = tf.Err.Error()
				if errors.Is(tf.Err, cluster.ErrWorkerDied) {
					msg.Code = codeWorkerDied
				}
			}
		case errors.Is(err, cluster.ErrClosed):
			msg.Code = codeClosed
		case errors.Is(err, errCancelled), errors.Is(err, errClientGone):
			msg.Code = codeCancelled
		}
		if msg.Code == "" {
			msg.Code = registeredCode(err) // remote_codes.go
		}
	}
	rj.sess.send(kindFinished, msg, nil)
	rj.sess.mu.Lock()
	delete(rj.sess.jobs, rj.id)
	rj.sess.mu.Unlock()
}

func (rj *remoteJob) Sent(n int64) { rj.sent.Add(n) }

// Client names the client a computation came from, for the dashboard.
func (rj *remoteJob) Client() string { return rj.sess.name }

var _ cluster.Client = (*remoteJob)(nil)
