package distributed

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/dashboard"
)

// ServerOptions configure a scheduler server.
type ServerOptions struct {
	// Listen is the address to accept workers and clients on; 127.0.0.1:8786 by default. Listening
	// beyond loopback needs an explicit address.
	Listen string
	// Token is the shared secret every worker and client must prove; generated when empty.
	Token string
	// TLS, when set, serves TLS with this configuration (see TLSConfigFromFiles).
	TLS *tls.Config
	// Status is the address of the HTTP status endpoint; none when empty. It also serves the
	// live dashboard at "/" and Prometheus metrics at /metrics. Beyond loopback, they answer
	// only requests carrying the token (Authorization: Bearer <token>; a browser opens the
	// dashboard once as /?token=<token>, which sets a cookie).
	Status string
	// SchedulerFile, when set, is written (atomically) with the address, token and protocol.
	SchedulerFile string
	// ContactAddress is the address written into the scheduler file for workers and clients
	// (host or host:port); by default the listening address, with a wildcard host (0.0.0.0, [::])
	// replaced by one other machines can reach (see ContactAddress).
	ContactAddress string
	// Log receives the server's log lines; nothing is logged when nil.
	Log *zap.Logger
	// WorkersNeeded is called when a worker left while computations wait (a local cluster starts
	// another). It must not block.
	WorkersNeeded func()
	// WorkerChanged, when set, hears of each worker joining (up) and leaving, by process id (a
	// local cluster tells its processes that left from those still serving). It must not block.
	WorkerChanged func(pid int, up bool)
	// Adaptive, when set, starts and retires workers with the load (see Adaptive).
	Adaptive *Adaptive
	// MaxUnauthenticated caps the connections that have not yet proved the token (1024 when 0);
	// beyond it the oldest is closed, with a log line.
	MaxUnauthenticated int
}

// DefaultListen is where a scheduler listens unless told otherwise.
const DefaultListen = "127.0.0.1:8786"

// Server is a distributed scheduler: it accepts workers and clients and coordinates the clients'
// computations on the workers. Values travel between workers directly.
type Server struct {
	opts   ServerOptions
	log    *zap.Logger
	ln     net.Listener
	status *http.Server
	coord  *cluster.Coordinator
	// pending are the connections in their handshake.
	pending *pendingConns

	wg      sync.WaitGroup
	closing chan struct{}
	once    sync.Once
	byeOnce sync.Once  // farewell's
	deaths  deathNotes // how nannies' workers died (nanny.go)

	mu      sync.Mutex
	conns   map[*conn]bool
	workers map[string]int // connected workers by function fingerprint
	joined  chan struct{}  // closed and replaced whenever a worker joins
	names   workerNames    // connected workers by the name they gave (retire.go)

	adapt     *adaptor // nil unless adaptive
	adaptStop context.CancelFunc

	profiles profileHub // the workers cluster profiles ask (profile_cluster.go)
}

// SchedulerFile is what a scheduler writes for workers and clients to find it.
type SchedulerFile struct {
	Address  string `json:"address"`
	Token    string `json:"token"`
	Protocol int    `json:"protocol"`
	Status   string `json:"status,omitempty"`
	TLS      bool   `json:"tls"`
}

// NewServer starts a scheduler server.
func NewServer(opts ServerOptions) (*Server, error) {
	if opts.Listen == "" {
		opts.Listen = DefaultListen
	}
	if opts.Token == "" {
		opts.Token = NewToken()
	}
	if err := checkToken(opts.Token); err != nil {
		return nil, err
	}
	if opts.Log == nil {
		opts.Log = zap.NewNop()
	}
	if opts.Adaptive != nil {
		if err := opts.Adaptive.validate(); err != nil {
			return nil, fmt.Errorf("scheduler: %w", err)
		}
	}
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		return nil, fmt.Errorf("scheduler: listen on %s: %w", opts.Listen, err)
	}
	if opts.TLS != nil {
		ln = tls.NewListener(ln, opts.TLS)
	}
	s := &Server{
		opts: opts, log: opts.Log, ln: ln,
		closing: make(chan struct{}),
		conns:   map[*conn]bool{},
		workers: map[string]int{},
		joined:  make(chan struct{}),
		pending: newPendingConns(opts.MaxUnauthenticated, opts.Log, "scheduler"),
	}
	co := cluster.Options{Log: opts.Log, PeerTransfers: true, WorkersNeeded: opts.WorkersNeeded}
	if a := opts.Adaptive; a != nil && os.Getenv(cluster.NoWorkerTimeoutEnv) == "" {
		// Workers it starts may wait in a queue: a computation waits for them as long.
		d := *a
		d.defaults()
		co.NoWorkerTimeout = d.StartTimeout + cluster.DefaultNoWorkerTimeout
	}
	s.coord = cluster.New(co)
	if opts.Status != "" {
		if err := s.serveStatus(opts.Status); err != nil {
			ln.Close()
			s.coord.Close()
			return nil, err
		}
	}
	if opts.SchedulerFile != "" {
		if err := WriteSchedulerFile(opts.SchedulerFile, s.File()); err != nil {
			s.Close()
			return nil, err
		}
	}
	s.wg.Add(1)
	go s.acceptLoop()
	if opts.Adaptive != nil {
		s.adapt = newAdaptor(*opts.Adaptive, s)
		ctx, cancel := context.WithCancel(context.Background())
		s.adaptStop = cancel
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.adapt.run(ctx)
		}()
	}
	s.log.Info("scheduler listening", zap.String("address", s.Address()))
	return s, nil
}

// NewToken returns a new random token.
func NewToken() string {
	return hex.EncodeToString(nonce())
}

// Address returns the address the server listens on.
func (s *Server) Address() string { return s.ln.Addr().String() }

// Token returns the shared token.
func (s *Server) Token() string { return s.opts.Token }

// StatusURL returns the status endpoint's URL, or "".
func (s *Server) StatusURL() string {
	if s.status == nil {
		return ""
	}
	return "http://" + s.status.Addr + "/status"
}

// File describes the server for its scheduler file.
func (s *Server) File() SchedulerFile {
	return SchedulerFile{Address: s.ContactAddress(), Token: s.opts.Token, Protocol: protocol, Status: s.StatusURL(), TLS: s.opts.TLS != nil}
}

// WriteSchedulerFile writes f to path atomically (a temporary file renamed over it), readable by
// its owner only, since it holds the token.
func WriteSchedulerFile(path string, f SchedulerFile) error {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".scheduler-*.json")
	if err != nil {
		return fmt.Errorf("scheduler file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("scheduler file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// ReadSchedulerFile reads a scheduler file.
func ReadSchedulerFile(path string) (SchedulerFile, error) {
	var f SchedulerFile
	data, err := os.ReadFile(path)
	if err != nil {
		return f, fmt.Errorf("scheduler file: %w", err)
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return f, fmt.Errorf("scheduler file %s: %w", path, err)
	}
	if f.Address == "" || f.Token == "" {
		return f, fmt.Errorf("scheduler file %s: no address or token", path)
	}
	if f.Protocol != protocol {
		return f, fmt.Errorf("scheduler file %s: protocol %d, this program speaks %d", path, f.Protocol, protocol)
	}
	return f, nil
}

// Workers returns how many workers are connected.
func (s *Server) Workers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, k := range s.workers {
		n += k
	}
	return n
}

// WaitForWorkers waits until at least n workers are connected.
func (s *Server) WaitForWorkers(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		count := 0
		for _, k := range s.workers {
			count += k
		}
		joined := s.joined
		s.mu.Unlock()
		if count >= n {
			return nil
		}
		select {
		case <-joined:
		case <-ctx.Done():
			return fmt.Errorf("waiting for %d workers (%d connected): %w", n, count, ctx.Err())
		case <-s.closing:
			return cluster.ErrClosed
		}
	}
}

// loopback reports whether a listener's address is a loopback address (only this machine can
// connect).
func loopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// bearerMatches reports whether the request carries the token as a bearer token.
func bearerMatches(r *http.Request, token string) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
}

// Status returns a snapshot of the scheduler: workers, what they hold and run, tasks by state,
// recent task durations.
func (s *Server) Status() cluster.Status { return s.coord.Status() }

func (s *Server) serveStatus(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("status endpoint: %w", err)
	}
	s.status = &http.Server{Addr: ln.Addr().String(), Handler: s.statusMux(!loopback(ln.Addr())), ReadHeaderTimeout: 5 * time.Second}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := s.status.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Warn("status endpoint stopped", zap.Error(err))
		}
	}()
	return nil
}

// statusMux is every route of the status address: /status (JSON), /healthz, the dashboard
// ("/", its assets and /events) and /metrics. Beyond loopback (needToken), all but /healthz
// require the scheduler's token; guard wraps a handler so. Add further routes here.
func (s *Server) statusMux(needToken bool) *http.ServeMux {
	mux := http.NewServeMux()
	guard := dashboard.Guard(s.opts.Token, needToken)
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, r *http.Request) {
		if needToken && !bearerMatches(r, s.opts.Token) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="lazygraph"`)
			http.Error(w, "the status endpoint listens beyond loopback: send the scheduler's token as Authorization: Bearer <token>", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(s.Status())
	})
	mux.HandleFunc("GET /adaptive", func(w http.ResponseWriter, r *http.Request) {
		if needToken && !bearerMatches(r, s.opts.Token) {
			http.Error(w, "send the scheduler's token as Authorization: Bearer <token>", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(struct {
			Adaptive    AdaptiveStatus      `json:"adaptive"`
			Retirements cluster.RetireStats `json:"retirements"`
		}{s.AdaptiveStatus(), s.RetireStats()})
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	s.registerProfiling(mux, guard)
	dashboard.Register(mux, dashboard.ClusterSource(s.coord, "scheduler "+s.Address(), "distributed"), guard)
	return mux
}

// DashboardURL returns the dashboard's address on the status endpoint, or "". Beyond loopback
// the browser must be given the token once: open the URL with ?token=<token> appended.
func (s *Server) DashboardURL() string {
	if s.status == nil {
		return ""
	}
	return "http://" + s.status.Addr + "/"
}

// Close stops the server: every connected client and worker is told first (as by Shutdown,
// with the reason "the scheduler was closed": clients' computations fail with
// ErrSchedulerShutdown, workers exit successfully instead of trying to rejoin), then computations
// fail and connections close. Unlike Shutdown it leaves the scheduler file in place.
func (s *Server) Close() error {
	s.farewell("the scheduler was closed")
	s.once.Do(func() {
		close(s.closing)
		if s.adaptStop != nil {
			s.adaptStop()
		}
		s.ln.Close()
		if s.status != nil {
			s.status.Close()
		}
		s.coord.Close()
		s.mu.Lock()
		for c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
	})
	s.wg.Wait()
	return nil
}

func (s *Server) acceptLoop() {
	defer s.wg.Done()
	for {
		raw, err := s.ln.Accept()
		if err != nil {
			select {
			case <-s.closing:
				return
			default:
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			s.log.Warn("accept", zap.Error(err))
			time.Sleep(10 * time.Millisecond)
			continue
		}
		c := newConn(raw)
		if !s.track(c) {
			c.Close()
			return
		}
		done := s.pending.add(c)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer s.untrack(c)
			defer c.Close()
			defer done()
			s.handle(c, done)
		}()
	}
}

func (s *Server) track(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.closing:
		return false
	default:
	}
	s.conns[c] = true
	return true
}

func (s *Server) untrack(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// handle authenticates a connection and serves it in its role; authenticated is called once the
// peer has proved the token and said hello. Peers that fail are logged and dropped; the server
// goes on serving the others. The handshake, hello included, has one hard deadline.
func (s *Server) handle(c *conn, authenticated func()) {
	remote := c.raw.RemoteAddr().String()
	c.handshakeUntil(time.Now().Add(handshakeTimeout))
	role, err := accept(c, s.opts.Token)
	if err != nil {
		s.log.Warn("dropped connection", zap.String("remote", remote), zap.Error(err))
		return
	}
	var h hello
	if _, err := c.receiveMessage(kindHello, &h); err != nil {
		s.log.Warn("dropped connection", zap.String("remote", remote), zap.Error(err))
		return
	}
	c.handshakeDone()
	authenticated()
	c.peer.Store(true)
	switch role {
	case roleWorker:
		s.serveWorker(c, &h, remote)
	case roleClient:
		s.serveClient(c, &h, remote)
	default:
		_ = c.send(kindRefuse, &refusal{Reason: "the scheduler serves workers and clients"}, nil)
	}
}
