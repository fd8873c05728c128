package launch

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The end-to-end tests run generated scripts against stand-ins: a fake "lazygraph scheduler"
// that writes a scheduler file and waits, a fake user program that records how it was started
// (as a worker or as the client), and fake srun and ssh commands that run their commands on
// this machine. Everything the fakes see lands in a log directory.

const fakeScheduler = `#!/bin/sh
[ "$1" = scheduler ] || { echo "fake lazygraph: unexpected command $1" >&2; exit 2; }
shift
printf '%s\0' "$@" > "$FAKE_LOG/scheduler.args"
env | grep '^LAZYGRAPH_' | sort > "$FAKE_LOG/scheduler.env"
echo "$$" > "$FAKE_LOG/scheduler.pid"
listen= file=
while [ $# -gt 0 ]; do
	case $1 in
	-listen) listen=$2; shift 2 ;;
	-scheduler-file) file=$2; shift 2 ;;
	*) shift ;;
	esac
done
if [ -n "${FAKE_SCHEDULER_FAIL-}" ]; then echo "fake scheduler: failing on purpose" >&2; exit 3; fi
if [ -z "${FAKE_SCHEDULER_MUTE-}" ]; then
	printf '{"address": "%s", "token": "sekrit", "protocol": 1}\n' "$listen" > "$file.tmp"
	mv "$file.tmp" "$file"
fi
echo "fake scheduler listening on $listen"
# Like lazygraph's scheduler, it tells the workers to stop when asked to shut down.
trap 'for p in "$FAKE_LOG"/worker.*/pid; do [ -s "$p" ] && kill -TERM "$(cat "$p")" 2>/dev/null; done; echo "fake scheduler shut down"; exit 0' TERM INT
trap 'exit 0' HUP
while :; do sleep 0.1; done
`

const fakeProgram = `#!/bin/sh
if [ "${LAZYGRAPH_WORKER-}" = distributed ]; then
	d=$(mktemp -d "$FAKE_LOG/worker.XXXXXX")
	printf '%s\0' "$@" > "$d/args"
	env | grep '^LAZYGRAPH_' | sort > "$d/env"
	cat "$LAZYGRAPH_SCHEDULER_FILE" > "$d/file"
	echo "$HOME" > "$d/home"
	echo "$$" > "$d/pid"
	echo "fake worker serving"
	trap 'exit 0' TERM HUP INT
	while :; do sleep 0.1; done
fi
printf '%s\0' "$@" > "$FAKE_LOG/client.args"
env | grep '^LAZYGRAPH_' | sort > "$FAKE_LOG/client.env"
cat "$LAZYGRAPH_SCHEDULER_ADDRESS" > "$FAKE_LOG/client.file"
echo "$$" > "$FAKE_LOG/client.pid"
i=0
while [ "$(ls "$FAKE_LOG"/worker.*/pid 2>/dev/null | wc -l)" -lt "$FAKE_WORKERS" ]; do
	i=$((i + 1))
	if [ "$i" -ge 200 ]; then echo "fake client: the workers did not all start" >&2; exit 99; fi
	sleep 0.1
done
if [ -n "${FAKE_CLIENT_HANG-}" ]; then
	trap 'exit 0' TERM HUP INT
	touch "$FAKE_LOG/client.hanging"
	while :; do sleep 0.1; done
fi
echo "client result=42"
exit "${FAKE_CLIENT_EXIT:-0}"
`

// fakeSrun runs --ntasks copies of its command here, and passes SIGTERM on to them as srun does.
const fakeSrun = `#!/bin/bash
ntasks=1
while [[ $# -gt 0 && $1 == -* ]]; do
	case $1 in --ntasks=*) ntasks=${1#*=} ;; esac
	printf '%s\n' "$1" >> "$FAKE_LOG/srun.$$.options"
	shift
done
pids=()
trap 'kill -TERM "${pids[@]}" 2>/dev/null; wait; exit 143' TERM
for ((i = 0; i < ntasks; i++)); do
	SLURM_PROCID=$i "$@" &
	pids+=("$!")
done
wait
`

// fakeSSH runs the remote command here with bash, in a home directory of the host's own, so
// that hosts share no files unless FAKE_SHARED_HOME is set.
const fakeSSH = `#!/bin/bash
opts=()
while [[ $# -gt 0 && $1 == -* ]]; do
	case $1 in
	-o | -p | -i | -l | -F | -J) opts+=("$1 $2"); shift 2 ;;
	*) opts+=("$1"); shift ;;
	esac
done
host=${1#*@}
shift
printf '%s|%s|%s\n' "$host" "${opts[*]}" "$*" >> "$FAKE_LOG/ssh.log"
export HOME=${FAKE_SHARED_HOME:-$FAKE_HOSTS/$host}
mkdir -p "$HOME"
cd "$HOME"
exec bash -c "$*"
`

// fakeCluster is a directory of stand-ins and their logs.
type fakeCluster struct {
	dir, bin, log  string
	scheduler, app string
}

func newFakeCluster(t *testing.T) *fakeCluster {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	dir := t.TempDir()
	c := &fakeCluster{dir: dir, bin: filepath.Join(dir, "bin"), log: filepath.Join(dir, "log")}
	for _, d := range []string{c.bin, c.log, filepath.Join(dir, "my programs")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	c.scheduler = writeExecutable(t, c.bin, "lazygraph", fakeScheduler)
	c.app = writeExecutable(t, filepath.Join(dir, "my programs"), "my app", fakeProgram)
	writeExecutable(t, c.bin, "srun", fakeSrun)
	writeExecutable(t, c.bin, "ssh", fakeSSH)
	return c
}

// env returns the environment for a script: the fakes first in PATH, no LAZYGRAPH_ variables
// but the ones given, and extra.
func (c *fakeCluster) env(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LAZYGRAPH_") && !strings.HasPrefix(kv, "PATH=") && !strings.HasPrefix(kv, "HOME=") {
			env = append(env, kv)
		}
	}
	env = append(env, "PATH="+c.bin+":"+os.Getenv("PATH"), "FAKE_LOG="+c.log,
		"FAKE_HOSTS="+filepath.Join(c.dir, "hosts"), "HOME="+filepath.Join(c.dir, "home"))
	return append(env, extra...)
}

// scriptRun is a running generated script.
type scriptRun struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	done           chan struct{}
	code           int
}

func (c *fakeCluster) start(t *testing.T, script string, env ...string) *scriptRun {
	t.Helper()
	path := filepath.Join(c.dir, "script.sh")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &scriptRun{done: make(chan struct{})}
	r.cmd = exec.Command("bash", path)
	r.cmd.Dir = c.dir
	r.cmd.Env = c.env(env...)
	r.cmd.Stdout, r.cmd.Stderr = &r.stdout, &r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(r.done)
		err := r.cmd.Wait()
		r.code = r.cmd.ProcessState.ExitCode()
		if err != nil && r.code < 0 {
			r.code = 128 + int(r.cmd.ProcessState.Sys().(syscall.WaitStatus).Signal())
		}
	}()
	return r
}

// wait waits for the script to end and returns its exit status.
func (r *scriptRun) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-r.done:
		return r.code
	case <-time.After(60 * time.Second):
		r.cmd.Process.Kill()
		<-r.done
		t.Fatalf("the script did not finish within a minute\nstdout:\n%s\nstderr:\n%s", &r.stdout, &r.stderr)
		return -1
	}
}

func (c *fakeCluster) run(t *testing.T, script string, env ...string) (*scriptRun, int) {
	t.Helper()
	r := c.start(t, script, env...)
	return r, r.wait(t)
}

// readArgs reads a file of NUL-terminated arguments.
func readArgs(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// workerDirs returns the log directories of the workers that started.
func (c *fakeCluster) workerDirs(t *testing.T) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(c.log, "worker.*"))
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

// awaitFile waits until path exists.
func awaitFile(t *testing.T, path string) {
	t.Helper()
	for i := 0; i < 300; i++ {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not appear", path)
}

// checkAllGone checks that every process whose pid the fakes recorded has exited.
func (c *fakeCluster) checkAllGone(t *testing.T) {
	t.Helper()
	pidFiles, _ := filepath.Glob(filepath.Join(c.log, "*.pid"))
	more, _ := filepath.Glob(filepath.Join(c.log, "worker.*", "pid"))
	for _, f := range append(pidFiles, more...) {
		pid, err := strconv.Atoi(strings.TrimSpace(readFile(t, f)))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for alive(pid) {
			if time.Now().After(deadline) {
				t.Errorf("process %d (%s) is still running", pid, f)
				syscall.Kill(pid, syscall.SIGKILL)
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// alive reports whether pid runs and is not a zombie waiting for its parent.
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

// lines splits env-style output into its lines.
func lines(s string) []string {
	return strings.Split(strings.TrimSpace(s), "\n")
}
