package dashboard

import (
	"crypto/subtle"
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

//go:embed assets
var assets embed.FS

// Interval is how often /events sends a snapshot to a connected browser while something
// happens: twice a second. Each costs the browser a redraw (some 30-40 ms of CPU for headless
// chromium on a 2-core machine), taken from the computation it shows: at four a second the
// browser alone took some 7% of such a machine.
const Interval = time.Second / 2

// Register adds the dashboard's routes to mux, each wrapped by guard (nil: none): "GET /" (the
// page), "GET /assets/" (its script and style), "GET /events" (server-sent snapshots),
// "GET /api/snapshot" and "GET /metrics" (Prometheus). Other handlers may share mux.
func Register(mux *http.ServeMux, src Source, guard func(http.Handler) http.Handler) {
	if guard == nil {
		guard = func(h http.Handler) http.Handler { return h }
	}
	static, _ := fs.Sub(assets, "assets")
	mux.Handle("GET /{$}", guard(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, _ := fs.ReadFile(static, "index.html")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'")
		_, _ = w.Write(page)
	})))
	mux.Handle("GET /assets/", guard(http.StripPrefix("/assets/", http.FileServerFS(static))))
	mux.Handle("GET /events", guard(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		serveEvents(w, r, src)
	})))
	mux.Handle("GET /api/snapshot", guard(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(src.Snapshot(&Cursor{}))
	})))
	mux.Handle("GET /metrics", guard(MetricsHandler(src)))
}

// IdleInterval is how often /events sends a snapshot while nothing happens: no computation
// running, no task finished, nothing new since the last one sent. The page's clock and memory
// figures still move, and a browser left open costs next to nothing.
const IdleInterval = 2 * time.Second

// serveEvents sends a snapshot every Interval (every IdleInterval while nothing happens) until
// the browser goes away.
func serveEvents(w http.ResponseWriter, r *http.Request, src Source) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	var (
		cur      Cursor
		last     activity
		lastSent time.Time
	)
	tick := time.NewTicker(Interval)
	defer tick.Stop()
	enc := json.NewEncoder(w)
	for {
		snap := src.Snapshot(&cur)
		now := activityOf(snap)
		if now.busy() || now != last || time.Since(lastSent) >= IdleInterval-Interval/2 {
			if _, err := w.Write([]byte("data: ")); err != nil {
				return
			}
			if err := enc.Encode(snap); err != nil { // Encode ends the line
				return
			}
			if _, err := w.Write([]byte("\n")); err != nil {
				return
			}
			flusher.Flush()
			last, lastSent = now, time.Now()
		}
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
		}
	}
}

// activity is what changes in a snapshot when something happens.
type activity struct {
	running, streamed, queued            int
	computations, lastComputation, fails int
	done, failed                         int64
}

func activityOf(s *Snapshot) activity {
	a := activity{streamed: len(s.Stream), queued: s.Queued, computations: len(s.Computations), fails: len(s.Failures)}
	for _, c := range s.Computations {
		if c.State == "running" {
			a.running++
		}
		a.done += c.Done
		a.failed += c.Failed
		a.lastComputation = max(a.lastComputation, c.ID)
	}
	for _, w := range s.Workers {
		a.done += w.Done
		a.running += int(w.Running)
	}
	return a
}

// busy reports whether a computation runs or tasks finished.
func (a activity) busy() bool { return a.running > 0 || a.streamed > 0 || a.queued > 0 }

// TokenCookie is the cookie the dashboard sets once a browser has shown the token.
const TokenCookie = "lazygraph_token"

// Guard returns a wrapper requiring token from every request when required is true (a
// listener reachable beyond loopback): as "Authorization: Bearer <token>", as the cookie a
// visit with "?token=<token>" sets (that visit is redirected to the same address without the
// token), or as that query parameter. Other requests get 401 with an explanation.
func Guard(token string, required bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if !required {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if q := r.URL.Query().Get("token"); q != "" && equal(q, token) {
				http.SetCookie(w, &http.Cookie{Name: TokenCookie, Value: token, Path: "/", HttpOnly: true,
					SameSite: http.SameSiteStrictMode})
				if r.Method == http.MethodGet && r.URL.Path == "/" {
					u := *r.URL
					v := u.Query()
					v.Del("token")
					u.RawQuery = v.Encode()
					http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
					return
				}
				next.ServeHTTP(w, r)
				return
			}
			if got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && equal(got, token) {
				next.ServeHTTP(w, r)
				return
			}
			if c, err := r.Cookie(TokenCookie); err == nil && equal(c.Value, token) {
				next.ServeHTTP(w, r)
				return
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="lazygraph"`)
			http.Error(w, "this endpoint listens beyond loopback: send the token as Authorization: Bearer <token>, or open the dashboard once as /?token=<token>", http.StatusUnauthorized)
		})
	}
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
