package distributed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/pprof/profile"
	"go.uber.org/zap"
)

// A cluster CPU profile: the scheduler asks every connected worker, over the worker's own
// connection (the only way to it that a worker on another machine is sure to have), to profile
// its CPU for a while and send the profile back; it profiles itself meanwhile and merges them.

// Frame kinds of profiling.
const (
	kindProfileRequest byte = 60 // scheduler to worker: profileRequest
	kindProfileData    byte = 61 // worker to scheduler: profileData
)

func init() {
	kindLimits[kindProfileRequest] = 1 << 10
}

// profileRequest asks a worker for a CPU profile of Nanos nanoseconds.
type profileRequest struct {
	ID    uint64 `msgpack:"i"`
	Nanos int64  `msgpack:"d"`
}

// profileData is a worker's CPU profile (pprof's format), or why it has none.
type profileData struct {
	ID   uint64 `msgpack:"i"`
	Data []byte `msgpack:"b,omitempty"`
	Err  string `msgpack:"e,omitempty"`
}

// profileHub knows the connected workers and the cluster profiles waiting for their answers.
type profileHub struct {
	mu      sync.Mutex
	workers map[*conn]string // name of each connected worker
	next    uint64
	waiting map[uint64]*profileWait
}

// profileWait is one cluster profile's requests still unanswered.
type profileWait struct {
	replies chan profileReply
	left    map[*conn]string
}

type profileReply struct {
	worker string
	data   []byte
	err    error
}

// addWorker makes a connected worker part of cluster profiles; the function returned removes it
// (a profile waiting for it then notes it gone).
func (h *profileHub) addWorker(c *conn, name string) func() {
	h.mu.Lock()
	if h.workers == nil {
		h.workers = map[*conn]string{}
	}
	h.workers[c] = name
	h.mu.Unlock()
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.workers, c)
		for _, w := range h.waiting {
			if n, ok := w.left[c]; ok {
				delete(w.left, c)
				w.replies <- profileReply{worker: n, err: errors.New("the worker left")}
			}
		}
	}
}

// deliver hands a worker's answer to the profile waiting for it.
func (h *profileHub) deliver(c *conn, body []byte) error {
	var m profileData
	if err := decodeMessage(body, &m); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	w := h.waiting[m.ID]
	if w == nil {
		return nil // too late: the profile was given up
	}
	name, ok := w.left[c]
	if !ok {
		return nil
	}
	delete(w.left, c)
	r := profileReply{worker: name, data: m.Data}
	if m.Err != "" {
		r.err = errors.New(m.Err)
	}
	w.replies <- r
	return nil
}

// ClusterProfile is a CPU profile of the scheduler and its workers, merged.
type ClusterProfile struct {
	// Profile is the merged profile, in pprof's format. Each sample carries the label
	// "process" naming the scheduler or worker it came from (go tool pprof -tagfocus process=...).
	Profile []byte
	// Processes names the processes whose profiles were merged: "scheduler" and the workers.
	Processes []string
	// Missing names the workers whose profile did not come, with why.
	Missing []string
}

// ClusterProfile profiles the CPU of this scheduler and of every connected worker for d, and
// merges the profiles into one. Workers that leave, cannot profile (another CPU profile runs in
// them) or do not answer within d plus a grace period are named in Missing; it fails only when
// no profile at all could be had.
func (s *Server) ClusterProfile(ctx context.Context, d time.Duration) (*ClusterProfile, error) {
	if d <= 0 {
		return nil, fmt.Errorf("cluster profile: the duration must be positive, not %v", d)
	}
	h := &s.profiles
	h.mu.Lock()
	h.next++
	id := h.next
	wait := &profileWait{replies: make(chan profileReply, len(h.workers)), left: make(map[*conn]string, len(h.workers))}
	targets := make(map[*conn]string, len(h.workers))
	for c, name := range h.workers {
		wait.left[c], targets[c] = name, name
	}
	if h.waiting == nil {
		h.waiting = map[uint64]*profileWait{}
	}
	h.waiting[id] = wait
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.waiting, id)
		h.mu.Unlock()
	}()
	var sendFailed []string
	for c, name := range targets {
		if err := c.send(kindProfileRequest, &profileRequest{ID: id, Nanos: int64(d)}, nil); err != nil {
			sendFailed = append(sendFailed, fmt.Sprintf("%s: %v", name, err))
			h.mu.Lock()
			delete(wait.left, c)
			h.mu.Unlock()
		}
	}

	own, ownErr := captureCPUProfile(ctx.Done(), d)
	result := &ClusterProfile{Missing: sendFailed}
	var profiles []*profile.Profile
	add := func(process string, data []byte, err error) {
		if err == nil {
			var p *profile.Profile
			if p, err = parseProfile(data); err == nil {
				labelSamples(p, process)
				profiles = append(profiles, p)
				result.Processes = append(result.Processes, process)
				return
			}
		}
		result.Missing = append(result.Missing, fmt.Sprintf("%s: %v", process, err))
	}
	add("scheduler", own, ownErr)

	grace := time.NewTimer(profileGrace + d/10)
	defer grace.Stop()
	for pending := len(targets) - len(sendFailed); pending > 0; pending-- {
		select {
		case r := <-wait.replies:
			add(r.worker, r.data, r.err)
		case <-grace.C:
			h.mu.Lock()
			for _, name := range wait.left {
				result.Missing = append(result.Missing, name+": no answer in time")
			}
			h.mu.Unlock()
			pending = 0
		case <-ctx.Done():
			return nil, fmt.Errorf("cluster profile: %w", ctx.Err())
		case <-s.closing:
			return nil, fmt.Errorf("cluster profile: the scheduler is shutting down")
		}
	}
	if len(profiles) == 0 {
		return nil, fmt.Errorf("cluster profile: no profile could be had: %s", strings.Join(result.Missing, "; "))
	}
	merged, err := profile.Merge(profiles)
	if err != nil {
		return nil, fmt.Errorf("cluster profile: merging %d profiles: %w", len(profiles), err)
	}
	merged.Comments = append(merged.Comments, "lazygraph cluster profile of "+strings.Join(result.Processes, ", "))
	var buf bytes.Buffer
	if err := merged.Write(&buf); err != nil {
		return nil, fmt.Errorf("cluster profile: %w", err)
	}
	result.Profile = buf.Bytes()
	if len(result.Missing) > 0 {
		s.log.Warn("cluster profile: some workers' profiles are missing", zap.Strings("missing", result.Missing))
	}
	return result, nil
}

// profileGrace is how long after the profiling time the scheduler waits for workers' profiles.
const profileGrace = 30 * time.Second

// labelSamples tags every sample of p with the process it came from.
func labelSamples(p *profile.Profile, process string) {
	for _, s := range p.Sample {
		if s.Label == nil {
			s.Label = map[string][]string{}
		}
		s.Label["process"] = []string{process}
	}
}

// clusterProfileHandler serves /debug/pprof/cluster?seconds=N: the merged profile, with the
// processes merged in the header X-Lazygraph-Profiles (their count) and
// X-Lazygraph-Profile-Processes, and the missing ones in X-Lazygraph-Profile-Missing.
func (s *Server) clusterProfileHandler(w http.ResponseWriter, r *http.Request) {
	d, err := profileSeconds(r, 30)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	cp, err := s.ClusterProfile(r.Context(), d)
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="cluster.pprof"`)
	w.Header().Set("X-Lazygraph-Profiles", strconv.Itoa(len(cp.Processes)))
	w.Header().Set("X-Lazygraph-Profile-Processes", headerSafe(strings.Join(cp.Processes, "; ")))
	if len(cp.Missing) > 0 {
		w.Header().Set("X-Lazygraph-Profile-Missing", headerSafe(strings.Join(cp.Missing, "; ")))
	}
	_, _ = w.Write(cp.Profile)
}

// headerSafe keeps a header value to printable ASCII.
func headerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, s)
}

// serveProfileRequest answers a scheduler's profile request from a worker: it profiles this
// process's CPU for the time asked (less when stop closes) and sends the profile back on c.
func serveProfileRequest(c *conn, body []byte, stop <-chan struct{}) error {
	var req profileRequest
	if err := decodeMessage(body, &req); err != nil {
		return err
	}
	d := time.Duration(req.Nanos)
	if d <= 0 || d > maxProfileSeconds*time.Second {
		return c.send(kindProfileData, &profileData{ID: req.ID, Err: fmt.Sprintf("profile of %v asked: out of range", d)}, nil)
	}
	data, err := captureCPUProfile(stop, d)
	reply := &profileData{ID: req.ID, Data: data}
	if err != nil {
		reply.Err = fmt.Sprintf("worker pid %d: %v", os.Getpid(), err)
	}
	return c.send(kindProfileData, reply, nil)
}

// background runs a worker session's side goroutines (profiles being taken) and, at the
// session's end, stops them and waits for them.
type background struct {
	mu     sync.Mutex
	closed bool
	stop   chan struct{}
	wg     sync.WaitGroup
}

// start runs f on a goroutine of its own, unless the session is over; stop closes when it is.
func (b *background) start(f func(stop <-chan struct{})) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	if b.stop == nil {
		b.stop = make(chan struct{})
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		f(b.stop)
	}()
}

// close stops the goroutines started and waits for them.
func (b *background) close() {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		if b.stop != nil {
			close(b.stop)
		}
	}
	b.mu.Unlock()
	b.wg.Wait()
}
