package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childOf returns the pid of the one child of process pid (a nanny's worker), or 0. Children are
// listed per thread: the nanny starts its worker from a thread of its own.
func childOf(pid int) int {
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/children")
	var f []string
	for _, path := range tasks {
		b, _ := os.ReadFile(path)
		f = append(f, strings.Fields(string(b))...)
	}
	if len(f) != 1 {
		return 0
	}
	n, _ := strconv.Atoi(f[0])
	return n
}

// alive reports whether process pid exists and is not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(f) > 0 && f[0] != "Z"
}

// TestNanny runs `lazygraph worker` with its nanny on a CLI-started cluster: a task that ignores
// its timeout ends its worker, the nanny starts it again and the next computation runs on as many
// workers as before; a worker SIGKILLed is started again and the scheduler's error for it names
// the signal (not "EOF"); SIGTERM still retires a worker gracefully (the nanny forwards it and
// exits 0); a nanny SIGKILLed takes its worker with it.
func TestNanny(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and runs a cluster of it")
	}
	if _, err := os.Stat("/proc/self/task"); err != nil {
		t.Skip("needs /proc")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "lazygraph")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	file := filepath.Join(dir, "s.json")
	sched := startProc(t, nil, bin, "scheduler", "-v", "-listen", "127.0.0.1:0", "-scheduler-file", file)
	waitFor(t, "the scheduler file", func() bool { _, ok := readFile(file); return ok })
	w1 := startProc(t, nil, bin, "worker", "-scheduler-file", file, "-memory-limit", "1GiB")
	w2 := startProc(t, nil, bin, "worker", "-scheduler-file", file)
	joined := func(n int) func() bool {
		return func() bool { return strings.Count(sched.output(), "worker joined") >= n }
	}
	waitFor(t, "two workers", joined(2))
	bench := func(shape string) (int, string) {
		t.Helper()
		b := startProc(t, nil, bin, "bench", "-scheduler", "distributed", "-scheduler-file", file, "-shape", shape, "-n", "1000")
		return b.code(t, 120*time.Second), b.output()
	}
	if code, out := bench("wide"); code != 0 || !strings.Contains(out, "workers=2") || !strings.Contains(out, "result=500500") {
		t.Fatalf("bench before: exit %d: %s", code, out)
	}
	children := map[*proc]int{w1: childOf(w1.cmd.Process.Pid), w2: childOf(w2.cmd.Process.Pid)}
	for w, c := range children {
		if c == 0 {
			t.Fatalf("the nanny %d has no worker child: %s", w.cmd.Process.Pid, w.output())
		}
	}

	// A stuck task: its worker ends itself, its nanny starts it again.
	if code, out := bench("stuck"); code == 0 || !strings.Contains(out, "timeout") {
		t.Fatalf("bench stuck: exit %d, want a failure naming the timeout: %s", code, out)
	}
	waitFor(t, "a nanny starting its worker again", func() bool {
		return strings.Contains(w1.output()+w2.output(), "exited with status 3; starting it again")
	})
	waitFor(t, "the restarted worker to join", joined(3))
	if !w1.running() || !w2.running() {
		t.Fatalf("a nanny exited: %s\n%s", w1.output(), w2.output())
	}
	if code, out := bench("wide"); code != 0 || !strings.Contains(out, "workers=2") || !strings.Contains(out, "result=500500") {
		t.Fatalf("bench after the restart: exit %d: %s", code, out)
	}

	// SIGKILL a worker process: the nanny starts it again and the scheduler knows how it died.
	victim := childOf(w1.cmd.Process.Pid)
	if victim == 0 {
		t.Fatalf("the nanny has no worker child: %s", w1.output())
	}
	syscall.Kill(victim, syscall.SIGKILL)
	waitFor(t, "the worker SIGKILLed to be started again", joined(4))
	want := "process " + strconv.Itoa(victim) + " was killed by signal 9"
	if !strings.Contains(sched.output(), want) {
		t.Errorf("the scheduler's log does not say %q:\n%s", want, sched.output())
	}
	for _, line := range strings.Split(sched.output(), "\n") {
		if strings.Contains(line, want) {
			t.Logf("scheduler: %s", line)
		}
	}

	// SIGTERM: the nanny forwards it, its worker retires and both exit 0.
	w2.cmd.Process.Signal(syscall.SIGTERM)
	if code := w2.code(t, 60*time.Second); code != 0 {
		t.Errorf("a nanny given SIGTERM exited %d: %s", code, w2.output())
	}

	// A nanny SIGKILLed: its worker notices and exits.
	child := childOf(w1.cmd.Process.Pid)
	if child == 0 {
		t.Fatalf("the nanny has no worker child: %s", w1.output())
	}
	w1.cmd.Process.Kill()
	w1.code(t, 10*time.Second)
	waitFor(t, "the worker of a SIGKILLed nanny to exit", func() bool { return !alive(child) })
}
