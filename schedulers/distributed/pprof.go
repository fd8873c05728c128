package distributed

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"strings"
	"time"
)

// Profiling endpoints of the status address, in the layout of net/http/pprof (so that
// `go tool pprof http://ADDR/debug/pprof/profile` works), guarded like /status. They are written
// here with runtime/pprof rather than by importing net/http/pprof, whose initialisation
// registers the same handlers on http.DefaultServeMux of every program that imports it: a
// program using lazygraph and serving DefaultServeMux would expose its profiles unknowingly.
//
//	/debug/pprof/                 the list of profiles
//	/debug/pprof/profile?seconds=N  a CPU profile of the scheduler (30 s by default)
//	/debug/pprof/trace?seconds=N    an execution trace of the scheduler (1 s by default)
//	/debug/pprof/cmdline          the scheduler's command line
//	/debug/pprof/NAME?debug=N     heap, goroutine, allocs, block, mutex, threadcreate
//	/debug/pprof/cluster?seconds=N  a CPU profile of the scheduler and every connected
//	                              worker, merged into one (see [Server.ClusterProfile])

// maxProfileSeconds bounds a requested profile's length.
const maxProfileSeconds = 3600

// registerProfiling adds the profiling endpoints to the status endpoint's mux, each behind guard:
// the same token rule as the dashboard's (see statusMux).
func (s *Server) registerProfiling(mux *http.ServeMux, guard func(http.Handler) http.Handler) {
	mux.Handle("GET /debug/pprof/{$}", guard(http.HandlerFunc(profileIndex)))
	mux.Handle("GET /debug/pprof/profile", guard(http.HandlerFunc(cpuProfile)))
	mux.Handle("GET /debug/pprof/trace", guard(http.HandlerFunc(executionTrace)))
	mux.Handle("GET /debug/pprof/cmdline", guard(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, strings.Join(os.Args, "\x00"))
	})))
	mux.Handle("GET /debug/pprof/cluster", guard(http.HandlerFunc(s.clusterProfileHandler)))
	mux.Handle("GET /debug/pprof/{name}", guard(http.HandlerFunc(namedProfile)))
}

// profileSeconds reads the seconds parameter: def when absent.
func profileSeconds(r *http.Request, def int) (time.Duration, error) {
	v := r.FormValue("seconds")
	if v == "" {
		return time.Duration(def) * time.Second, nil
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || n <= 0 || n > maxProfileSeconds {
		return 0, fmt.Errorf("seconds=%q: want a number of seconds in (0, %d]", v, maxProfileSeconds)
	}
	return time.Duration(n * float64(time.Second)), nil
}

func profileIndex(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "lazygraph scheduler profiles (go tool pprof http://ADDR/debug/pprof/NAME):")
	fmt.Fprintln(w, "profile?seconds=N\tCPU profile of the scheduler")
	fmt.Fprintln(w, "cluster?seconds=N\tCPU profiles of the scheduler and every worker, merged")
	fmt.Fprintln(w, "trace?seconds=N\texecution trace of the scheduler")
	for _, p := range pprof.Profiles() {
		fmt.Fprintf(w, "%s\t%d\n", p.Name(), p.Count())
	}
}

func cpuProfile(w http.ResponseWriter, r *http.Request) {
	d, err := profileSeconds(r, 30)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	data, err := captureCPUProfile(r.Context().Done(), d)
	if err != nil {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="profile"`)
	_, _ = w.Write(data)
}

// captureCPUProfile profiles this process's CPU for d (less if stop closes first) and returns the
// profile in pprof's format. Only one CPU profile runs in a process at a time: another one
// running is an error.
func captureCPUProfile(stop <-chan struct{}, d time.Duration) ([]byte, error) {
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		return nil, fmt.Errorf("CPU profile of process %d: %w", os.Getpid(), err)
	}
	t := time.NewTimer(d)
	select {
	case <-t.C:
	case <-stop:
		t.Stop()
	}
	pprof.StopCPUProfile()
	return buf.Bytes(), nil
}

func executionTrace(w http.ResponseWriter, r *http.Request) {
	d, err := profileSeconds(r, 1)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var buf bytes.Buffer
	if err := trace.Start(&buf); err != nil {
		http.Error(w, "execution trace: "+err.Error(), http.StatusConflict)
		return
	}
	t := time.NewTimer(d)
	select {
	case <-t.C:
	case <-r.Context().Done():
		t.Stop()
	}
	trace.Stop()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="trace"`)
	_, _ = w.Write(buf.Bytes())
}

func namedProfile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	p := pprof.Lookup(name)
	if p == nil {
		http.Error(w, fmt.Sprintf("unknown profile %q: see /debug/pprof/", name), http.StatusNotFound)
		return
	}
	debug, _ := strconv.Atoi(r.FormValue("debug"))
	if r.FormValue("gc") != "" && name == "heap" {
		runtime.GC()
	}
	if debug > 0 {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename=%q`, name))
	}
	_ = p.WriteTo(w, debug)
}
