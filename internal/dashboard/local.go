package dashboard

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Local is a dashboard server of this process's own computations, at one address.
type Local struct {
	Collector *Collector
	// URL is the page's address (with the token, when one is needed).
	URL string

	srv  *http.Server
	done chan struct{}
}

var (
	localMu sync.Mutex
	locals  = map[string]*Local{}
)

// Open returns the dashboard serving at addr, starting it on first use: it then lives as long as
// the process (or until Close), so that a browser follows every computation. started reports
// whether this call started it. Bound beyond loopback, a random token protects it and is part of
// URL.
func Open(addr string) (l *Local, started bool, err error) {
	localMu.Lock()
	defer localMu.Unlock()
	if l := locals[addr]; l != nil {
		return l, false, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, false, fmt.Errorf("dashboard: listen on %s: %w", addr, err)
	}
	token := ""
	required := !isLoopback(ln.Addr())
	if required {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		token = hex.EncodeToString(b)
	}
	title := filepath.Base(os.Args[0])
	l = &Local{Collector: NewCollector(title), done: make(chan struct{})}
	mux := http.NewServeMux()
	Register(mux, l.Collector, Guard(token, required))
	l.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	l.URL = URL(ln.Addr(), token)
	go func() {
		defer close(l.done)
		_ = l.srv.Serve(ln)
	}()
	locals[addr] = l
	locals[ln.Addr().String()] = l // the address a port 0 turned into finds it too
	return l, true, nil
}

// Close stops the dashboard: its connections close and its address is freed.
func (l *Local) Close() error {
	localMu.Lock()
	for a, x := range locals {
		if x == l {
			delete(locals, a)
		}
	}
	localMu.Unlock()
	err := l.srv.Close()
	<-l.done
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// URL is the address of a dashboard listening on addr, with the token as a query parameter
// when there is one. A wildcard host is shown as this machine's name.
func URL(addr net.Addr, token string) string {
	host, port, _ := net.SplitHostPort(addr.String())
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		if h, err := os.Hostname(); err == nil {
			host = h
		}
	}
	u := "http://" + net.JoinHostPort(host, port) + "/"
	if token != "" {
		u += "?token=" + token
	}
	return u
}

func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
