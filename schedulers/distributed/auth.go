package distributed

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"
)

// Every connection starts with a challenge-response that proves both ends know the shared token
// without sending it: the listener sends a nonce, the dialer answers with an HMAC of it (and its
// role and own nonce) under the token, and the listener proves itself with an HMAC of the
// dialer's nonce. Until then frames are limited to handshakeFrameLimit bytes, buffers are small
// and one hard deadline bounds the whole exchange.

// ErrAuth is matched by the error for a peer that does not prove the token (or a wrong token).
var ErrAuth = errors.New("authentication failed")

// ErrRefused is matched by the error for a connection the other end refused.
var ErrRefused = errors.New("refused")

// Roles a dialer may take.
const (
	roleWorker = "worker"
	roleClient = "client"
	rolePeer   = "peer" // a worker fetching values from another worker
)

type challenge struct {
	Protocol int    `msgpack:"v"`
	Nonce    []byte `msgpack:"n"`
}

type response struct {
	Protocol int    `msgpack:"v"`
	Role     string `msgpack:"r"`
	Nonce    []byte `msgpack:"n"`
	MAC      []byte `msgpack:"m"`
}

type welcome struct {
	MAC []byte `msgpack:"m"`
}

type refusal struct {
	Reason string `msgpack:"r"`
}

func nonce() []byte {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // the kernel's random source never fails on Linux
	}
	return b
}

func mac(token string, parts ...[]byte) []byte {
	h := hmac.New(sha256.New, []byte(token))
	for _, p := range parts {
		h.Write([]byte{byte(len(p) >> 8), byte(len(p))})
		h.Write(p)
	}
	return h.Sum(nil)
}

// accept runs the listener's side and returns the dialer's role. The caller bounds it with
// [conn.handshakeUntil].
func accept(c *conn, token string) (string, error) {
	ours := nonce()
	if err := c.send(kindChallenge, &challenge{Protocol: protocol, Nonce: ours}, nil); err != nil {
		return "", err
	}
	var resp response
	if _, err := c.receiveMessage(kindResponse, &resp); err != nil {
		return "", err
	}
	if resp.Protocol != protocol {
		reason := fmt.Sprintf("protocol %d, this scheduler speaks %d", resp.Protocol, protocol)
		_ = c.send(kindRefuse, &refusal{Reason: reason}, nil)
		return "", fmt.Errorf("%w: %s", ErrRefused, reason)
	}
	want := mac(token, []byte("dialer"), ours, resp.Nonce, []byte(resp.Role))
	if !hmac.Equal(resp.MAC, want) {
		_ = c.send(kindRefuse, &refusal{Reason: "wrong token"}, nil)
		return "", fmt.Errorf("%w: wrong token from %s", ErrAuth, c.raw.RemoteAddr())
	}
	switch resp.Role {
	case roleWorker, roleClient, rolePeer:
	default:
		return "", fmt.Errorf("%w: unknown role %q", ErrAuth, resp.Role)
	}
	if err := c.send(kindWelcome, &welcome{MAC: mac(token, []byte("listener"), resp.Nonce, ours)}, nil); err != nil {
		return "", err
	}
	c.authenticated()
	return resp.Role, nil
}

// authenticate runs the dialer's side, within the connection's hard handshake deadline (set by
// dial; handshakeTimeout from now when it has none). The deadline stays: the caller lifts it
// with [conn.handshakeDone] once the hello exchange that follows is over, so that a peer that
// authenticates and then trickles cannot hold the dialer either.
func authenticate(c *conn, token, role string) error {
	if c.dr.hard.Load() == 0 {
		c.handshakeUntil(time.Now().Add(handshakeTimeout))
	}
	var ch challenge
	if _, err := c.receiveMessage(kindChallenge, &ch); err != nil {
		return fmt.Errorf("handshake: %w", err)
	}
	if len(ch.Nonce) != 32 {
		return fmt.Errorf("%w: malformed challenge", ErrAuth)
	}
	ours := nonce()
	resp := &response{Protocol: protocol, Role: role, Nonce: ours, MAC: mac(token, []byte("dialer"), ch.Nonce, ours, []byte(role))}
	if err := c.send(kindResponse, resp, nil); err != nil {
		return err
	}
	var w welcome
	if _, err := c.receiveMessage(kindWelcome, &w); err != nil {
		if errors.Is(err, ErrRefused) {
			return fmt.Errorf("%w (%w)", ErrAuth, err)
		}
		return fmt.Errorf("handshake: %w", err)
	}
	if !hmac.Equal(w.MAC, mac(token, []byte("listener"), ours, ch.Nonce)) {
		return fmt.Errorf("%w: the scheduler does not know the token", ErrAuth)
	}
	c.authenticated()
	return nil
}
