package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// These tests run the real command: a scheduler, workers and clients as separate processes.

// proc is a started command with its output collected.
type proc struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	out    bytes.Buffer
	exited chan struct{}
	err    error
}

func (p *proc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// code waits (boundedly) for the process and returns its exit code.
func (p *proc) code(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case <-p.exited:
	case <-time.After(within):
		t.Fatalf("%v still runs after %v; output:\n%s", p.cmd.Args, within, p.output())
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	if p.err != nil {
		t.Fatalf("%v: %v", p.cmd.Args, p.err)
	}
	return 0
}

func (p *proc) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

func startProc(t *testing.T, env []string, bin string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin, args...), exited: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p, p
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.exited
	})
	return p
}

// waitFor polls cond until it holds, failing after a generous deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type schedulerFile struct {
	Address string `json:"address"`
	Token   string `json:"token"`
}

func readFile(path string) (schedulerFile, bool) {
	var f schedulerFile
	data, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(data, &f) != nil || f.Address == "" {
		return f, false
	}
	return f, true
}

// freeAddress returns a loopback address nobody listens on.
func freeAddress(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestProcessLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and runs clusters of it")
	}
	bin := filepath.Join(t.TempDir(), "lazygraph")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	token := "0123456789abcdef0123456789abcdef"
	writeToken := func(t *testing.T) string {
		path := filepath.Join(t.TempDir(), "token")
		os.WriteFile(path, []byte(token+"\n"), 0o600)
		return path
	}

	t.Run("fatal worker errors exit non-zero", func(t *testing.T) {
		s := startProc(t, nil, bin, "scheduler", "-listen", "127.0.0.1:0", "-scheduler-file", filepath.Join(t.TempDir(), "s.json"), "-token-file", writeToken(t))
		var addr string
		waitFor(t, "the scheduler", func() bool {
			f := strings.Fields(s.output())
			for k, w := range f {
				if w == "on" && k+1 < len(f) {
					addr = strings.TrimSuffix(f[k+1], ",")
					return true
				}
			}
			return false
		})
		cases := []struct {
			name string
			env  []string
			want string
		}{
			{"wrong token", []string{"LAZYGRAPH_WORKER=distributed", "LAZYGRAPH_SCHEDULER_ADDRESS=" + addr, "LAZYGRAPH_TOKEN=not-the-token-at-all"}, "token"},
			{"unknown role", []string{"LAZYGRAPH_WORKER=gpu"}, "gpu"},
			{"no address", []string{"LAZYGRAPH_WORKER=distributed", "LAZYGRAPH_SCHEDULER_ADDRESS=", "LAZYGRAPH_SCHEDULER_FILE="}, "LAZYGRAPH_SCHEDULER"},
			{"missing file", []string{"LAZYGRAPH_WORKER=distributed", "LAZYGRAPH_SCHEDULER_FILE=" + filepath.Join(t.TempDir(), "none.json"), "LAZYGRAPH_CONNECT_TIMEOUT=1s"}, "none.json"},
			{"unreachable", []string{"LAZYGRAPH_WORKER=distributed", "LAZYGRAPH_SCHEDULER_ADDRESS=" + freeAddress(t), "LAZYGRAPH_TOKEN=" + token, "LAZYGRAPH_CONNECT_TIMEOUT=1s"}, "cannot reach the scheduler at 127.0.0.1:"},
		}
		for _, c := range cases {
			p := startProc(t, c.env, bin)
			if code := p.code(t, 60*time.Second); code == 0 || !strings.Contains(p.output(), c.want) {
				t.Errorf("%s: exit %d, output %q; want a non-zero exit naming %q", c.name, code, p.output(), c.want)
			} else {
				t.Logf("%s: exit %d: %s", c.name, code, strings.TrimSpace(p.output()))
			}
		}
		// The worker command as well.
		p := startProc(t, []string{"LAZYGRAPH_TOKEN=" + token}, bin, "worker", "-scheduler", freeAddress(t), "-connect-timeout", "1s")
		if code := p.code(t, 60*time.Second); code == 0 || !strings.Contains(p.output(), "cannot reach the scheduler at 127.0.0.1:") {
			t.Errorf("lazygraph worker, unreachable: exit %d, output %q", code, p.output())
		}
	})

	t.Run("worker waits for its scheduler", func(t *testing.T) {
		dir := t.TempDir()
		file := filepath.Join(dir, "s.json")
		w := startProc(t, nil, bin, "worker", "-scheduler-file", file, "-connect-timeout", "60s")
		time.Sleep(1500 * time.Millisecond) // the file does not exist yet
		if !w.running() {
			t.Fatalf("the worker gave up at once: %s", w.output())
		}
		startProc(t, nil, bin, "scheduler", "-listen", "127.0.0.1:0", "-scheduler-file", file, "-token-file", writeToken(t))
		waitFor(t, "the scheduler file", func() bool { _, ok := readFile(file); return ok })
		b := startProc(t, nil, bin, "bench", "-scheduler", "distributed", "-scheduler-file", file, "-shape", "wide", "-n", "1000")
		if code := b.code(t, 60*time.Second); code != 0 || !strings.Contains(b.output(), "result=500500") {
			t.Fatalf("bench: exit %d: %s", code, b.output())
		}
	})

	t.Run("workers rejoin a restarted scheduler", func(t *testing.T) {
		dir := t.TempDir()
		file, tokenFile := filepath.Join(dir, "s.json"), writeToken(t)
		s1 := startProc(t, nil, bin, "scheduler", "-listen", "127.0.0.1:0", "-scheduler-file", file, "-token-file", tokenFile)
		waitFor(t, "the scheduler file", func() bool { _, ok := readFile(file); return ok })
		first, _ := readFile(file)
		w := startProc(t, nil, bin, "worker", "-scheduler-file", file, "-connect-timeout", "60s")
		b := startProc(t, nil, bin, "bench", "-scheduler", "distributed", "-scheduler-file", file, "-shape", "wide", "-n", "1000")
		if code := b.code(t, 60*time.Second); code != 0 {
			t.Fatalf("bench before the crash: exit %d: %s", code, b.output())
		}
		s1.cmd.Process.Kill() // a crash: the file stays, naming a dead address
		s1.code(t, 10*time.Second)
		time.Sleep(2 * time.Second)
		if !w.running() {
			t.Fatalf("the worker exited when its scheduler crashed: %s", w.output())
		}
		os.Remove(file)
		startProc(t, nil, bin, "scheduler", "-listen", "127.0.0.1:0", "-scheduler-file", file, "-token-file", tokenFile)
		waitFor(t, "the new scheduler file", func() bool { f, ok := readFile(file); return ok && f.Address != first.Address })
		b = startProc(t, nil, bin, "bench", "-scheduler", "distributed", "-scheduler-file", file, "-shape", "wide", "-n", "1000")
		if code := b.code(t, 60*time.Second); code != 0 || !strings.Contains(b.output(), "result=500500") {
			t.Fatalf("bench on the restarted scheduler: exit %d: %s\nworker: %s", code, b.output(), w.output())
		}
	})

	// Issue 10: a worker given the scheduler's address (no scheduler file) rejoins a scheduler
	// restarted at that address with the same token; before, it exited when it lost the first.
	t.Run("workers by address rejoin a restarted scheduler", func(t *testing.T) {
		dir := t.TempDir()
		file, tokenFile, addr := filepath.Join(dir, "s.json"), writeToken(t), freeAddress(t)
		s1 := startProc(t, nil, bin, "scheduler", "-listen", addr, "-scheduler-file", file, "-token-file", tokenFile)
		waitFor(t, "the scheduler file", func() bool { _, ok := readFile(file); return ok })
		w := startProc(t, []string{"LAZYGRAPH_TOKEN=" + token}, bin, "worker", "-v", "-scheduler", addr, "-connect-timeout", "60s")
		b := startProc(t, nil, bin, "bench", "-scheduler", "distributed", "-scheduler-file", file, "-shape", "wide", "-n", "1000")
		if code := b.code(t, 60*time.Second); code != 0 {
			t.Fatalf("bench before the crash: exit %d: %s", code, b.output())
		}
		s1.cmd.Process.Kill() // a crash
		s1.code(t, 10*time.Second)
		waitFor(t, "the worker to try to rejoin", func() bool { return strings.Contains(w.output(), "trying to rejoin") || !w.running() })
		if !w.running() {
			t.Fatalf("the worker exited when its scheduler crashed: %s", w.output())
		}
		os.Remove(file)
		startProc(t, nil, bin, "scheduler", "-listen", addr, "-scheduler-file", file, "-token-file", tokenFile)
		waitFor(t, "the new scheduler file", func() bool { _, ok := readFile(file); return ok })
		// The bench starts no worker of its own: it computes only if the first worker rejoined.
		b = startProc(t, nil, bin, "bench", "-scheduler", "distributed", "-scheduler-file", file, "-shape", "wide", "-n", "1000")
		if code := b.code(t, 60*time.Second); code != 0 || !strings.Contains(b.output(), "result=500500") {
			t.Fatalf("bench on the restarted scheduler: exit %d: %s\nworker: %s", code, b.output(), w.output())
		}
	})

	t.Run("SIGTERM shuts the scheduler down gracefully", func(t *testing.T) {
		for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
			dir := t.TempDir()
			file := filepath.Join(dir, "s.json")
			s := startProc(t, nil, bin, "scheduler", "-v", "-listen", "127.0.0.1:0", "-scheduler-file", file, "-token-file", writeToken(t))
			waitFor(t, "the scheduler file", func() bool { _, ok := readFile(file); return ok })
			w := startProc(t, nil, bin, "worker", "-scheduler-file", file)
			// Joined before the shutdown (a worker still connecting would keep trying for its
			// connect timeout, the scheduler file gone): its nanny and then the worker start.
			waitFor(t, "the worker to join", func() bool { return strings.Contains(s.output(), "worker joined") })
			b := startProc(t, nil, bin, "bench", "-scheduler", "distributed", "-scheduler-file", file, "-shape", "balance")
			time.Sleep(1500 * time.Millisecond)
			s.cmd.Process.Signal(sig)
			if code := s.code(t, 30*time.Second); code != 0 {
				t.Errorf("%v: the scheduler exited %d: %s", sig, code, s.output())
			}
			if code := b.code(t, 30*time.Second); code == 0 || !strings.Contains(b.output(), "shut down") {
				t.Errorf("%v: the client exited %d: %s; want an error naming the shutdown", sig, code, b.output())
			} else {
				t.Logf("%v: client: %s", sig, strings.TrimSpace(b.output()))
			}
			if code := w.code(t, 30*time.Second); code != 0 {
				t.Errorf("%v: the worker exited %d: %s", sig, code, w.output())
			}
			if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%v: the scheduler file is still there (%v)", sig, err)
			}
		}
	})

	t.Run("routine events log no stack traces", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "s.json")
		s := startProc(t, nil, bin, "scheduler", "-v", "-listen", "127.0.0.1:0", "-scheduler-file", file, "-token-file", writeToken(t))
		waitFor(t, "the scheduler file", func() bool { _, ok := readFile(file); return ok })
		w := startProc(t, nil, bin, "worker", "-scheduler-file", file)
		b := startProc(t, nil, bin, "bench", "-scheduler", "distributed", "-scheduler-file", file, "-shape", "wide", "-n", "100")
		if code := b.code(t, 60*time.Second); code != 0 {
			t.Fatalf("bench: exit %d: %s", code, b.output())
		}
		w.cmd.Process.Kill() // a worker killed on purpose
		waitFor(t, "the scheduler to see the worker go", func() bool { return strings.Contains(s.output(), "worker left") })
		time.Sleep(500 * time.Millisecond)
		if stack := regexp.MustCompile(`\n\t\S+\.go:\d+`).FindString(s.output()); stack != "" {
			t.Errorf("the scheduler's log holds a stack trace (%q):\n%s", stack, s.output())
		}
	})

	t.Run("short tokens are refused", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "token")
		os.WriteFile(path, []byte("secret\n"), 0o600)
		s := startProc(t, nil, bin, "scheduler", "-listen", "127.0.0.1:0", "-token-file", path)
		if code := s.code(t, 30*time.Second); code == 0 || !strings.Contains(s.output(), "too short") {
			t.Errorf("exit %d, output %q; want a refusal of the short token", code, s.output())
		}
		s = startProc(t, []string{"LAZYGRAPH_TOKEN=abc"}, bin, "scheduler", "-listen", "127.0.0.1:0")
		if code := s.code(t, 30*time.Second); code == 0 || !strings.Contains(s.output(), "too short") {
			t.Errorf("token from the environment: exit %d, output %q", code, s.output())
		}
	})

	t.Run("wildcard listen writes a reachable address", func(t *testing.T) {
		for _, c := range []struct {
			listen, contact, want string
		}{
			{"0.0.0.0:0", "", ""},
			{"0.0.0.0:0", "sched.example.org", "sched.example.org:"},
		} {
			file := filepath.Join(t.TempDir(), "s.json")
			args := []string{"scheduler", "-listen", c.listen, "-scheduler-file", file, "-token-file", writeToken(t)}
			if c.contact != "" {
				args = append(args, "-contact-address", c.contact)
			}
			startProc(t, nil, bin, args...)
			waitFor(t, "the scheduler file", func() bool { _, ok := readFile(file); return ok })
			f, _ := readFile(file)
			host, _, err := net.SplitHostPort(f.Address)
			if err != nil {
				t.Fatalf("%q: %v", f.Address, err)
			}
			if c.want != "" {
				if !strings.HasPrefix(f.Address, c.want) {
					t.Errorf("-contact-address %s: the file says %s", c.contact, f.Address)
				}
				continue
			}
			if ip := net.ParseIP(host); host == "" || host == "localhost" || ip != nil && (ip.IsUnspecified() || ip.IsLoopback()) {
				t.Errorf("listening on %s: the file says %s, which other machines cannot reach", c.listen, f.Address)
			} else {
				t.Logf("listening on %s: the file says %s", c.listen, f.Address)
			}
		}
	})
}
