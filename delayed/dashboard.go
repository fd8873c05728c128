package delayed

import (
	"fmt"
	"os"
	"strings"

	"github.com/lazygraph/lazygraph/internal/dashboard"
)

// EnvDashboard names the address to serve the live dashboard on (see [WithDashboard]).
const EnvDashboard = "LAZYGRAPH_DASHBOARD"

// WithDashboard serves a live dashboard of this process's computations at addr (host:port;
// port 0 picks a free one), on every scheduler: progress per function with rate and ETA, the task
// stream (a bar per task on a lane per worker), workers, failures with their keys and errors,
// and /metrics in the Prometheus format. The page needs no network access.
//
// The server starts with the first computation that asks for it, prints its URL to standard
// error, and then serves for the life of the process, so that a browser left open follows every
// later computation too. Bound beyond loopback it requires a random token, which the printed
// URL carries. An empty addr turns the dashboard off.
//
// The cost while computing is a few counter updates per task. On synchronous and threads, once a
// worker has run 16 tasks shorter than 64µs in a row, it times only a sample of them (one in up
// to 64) and reports the others after they ran, in batches of its own, counted under one lock
// per batch: the counts stay exact, durations and the task stream come from the timed tasks,
// and two clock reads per task are spared. A snapshot is taken only when a browser asks, twice
// a second while something happens, and the page redraws only what changed.
func WithDashboard(addr string) Option {
	return func(s *settings) {
		s.dashboard = addr
		s.assign(settingDashboard, nil)
	}
}

func dashboardFromEnvironment(s *settings) {
	if v, ok := os.LookupEnv(EnvDashboard); ok && v != "" {
		s.dashboard = strings.TrimSpace(v)
		s.assign(settingDashboard, nil)
	}
}

// openDashboard returns the collector of the dashboard at addr, starting its server (and
// announcing its URL) on first use.
func openDashboard(addr string) (*dashboard.Collector, error) {
	l, started, err := dashboard.Open(addr)
	if err != nil {
		return nil, fmt.Errorf("lazygraph configuration: %w", err)
	}
	if started {
		fmt.Fprintf(os.Stderr, "lazygraph: dashboard at %s\n", l.URL)
	}
	return l.Collector, nil
}
