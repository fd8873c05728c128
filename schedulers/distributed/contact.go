package distributed

import (
	"context"
	"net"
	"os"
	"time"
)

// ContactAddress returns the address workers and clients on other machines should use: the
// explicit ServerOptions.ContactAddress (given the listening port when it has none), else the
// listening address, where a wildcard host (0.0.0.0 or [::]) becomes this machine's name when it
// resolves to an address beyond loopback, or else its first such address.
func (s *Server) ContactAddress() string {
	listen := s.Address()
	_, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if c := s.opts.ContactAddress; c != "" {
		if _, _, err := net.SplitHostPort(c); err == nil {
			return c
		}
		return net.JoinHostPort(c, port)
	}
	host, _, _ := net.SplitHostPort(listen)
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsUnspecified() {
		return listen
	}
	if h := reachableHost(); h != "" {
		return net.JoinHostPort(h, port)
	}
	return listen
}

// reachableHost names this machine for other machines: its host name if that resolves to a
// non-loopback address, else its first non-loopback interface address (IPv4 first: a wildcard
// listener takes both), else "".
func reachableHost() string {
	if name, err := os.Hostname(); err == nil && name != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		addrs, err := net.DefaultResolver.LookupIPAddr(ctx, name)
		cancel()
		if err == nil {
			for _, a := range addrs {
				if !a.IP.IsLoopback() && !a.IP.IsUnspecified() {
					return name
				}
			}
		}
	}
	ifaddrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	var v4, v6 string
	for _, a := range ifaddrs {
		n, ok := a.(*net.IPNet)
		if !ok || n.IP.IsLoopback() || !n.IP.IsGlobalUnicast() {
			continue
		}
		if n.IP.To4() != nil {
			if v4 == "" {
				v4 = n.IP.String()
			}
		} else if v6 == "" {
			v6 = n.IP.String()
		}
	}
	if v4 != "" {
		return v4
	}
	return v6
}
