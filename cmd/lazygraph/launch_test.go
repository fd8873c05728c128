package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// launchCmd runs "lazygraph launch ARGS" and returns its output and error.
func launchCmd(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = runLaunch(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

func syntaxCheck(t *testing.T, script string) {
	t.Helper()
	cmd := exec.Command("bash", "-n")
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s\n%s", err, out, script)
	}
}

func TestLaunchSlurmPrints(t *testing.T) {
	stdout, stderr, err := launchCmd(t, "slurm", "-nodes", "2", "-workers-per-node", "3", "-partition", "debug",
		"-time", "10", "-scheduler", "/opt/lg/lazygraph", "-env", "GOMAXPROCS=2", "-sbatch", "--mem=1G",
		"--", "/bin/true", "-flag", "two words")
	if err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	syntaxCheck(t, stdout)
	flat := strings.ReplaceAll(stdout, " \\\n\t", " ")
	for _, want := range []string{
		"#SBATCH --nodes=2\n", "#SBATCH --ntasks-per-node=3\n", "#SBATCH --partition=debug\n",
		"#SBATCH --time=10\n", "#SBATCH --mem=1G\n", "/opt/lg/lazygraph scheduler -listen",
		"GOMAXPROCS=2 LAZYGRAPH_SCHEDULER=distributed", "/bin/true -flag 'two words' &",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the script lacks %q", want)
		}
	}
}

func TestLaunchResolvesTheProgram(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "prog"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	t.Setenv("PATH", dir+":"+os.Getenv("PATH"))
	for _, args := range [][]string{{"--", "prog"}, {"./prog"}, {"--", "./prog", "--", "x"}} {
		stdout, stderr, err := launchCmd(t, append([]string{"slurm"}, args...)...)
		if err != nil {
			t.Fatalf("%q: %v: %s", args, err, stderr)
		}
		flat := strings.ReplaceAll(stdout, " \\\n\t", " ")
		if !strings.Contains(flat, " "+filepath.Join(dir, "prog")+" &") && !strings.Contains(flat, " "+filepath.Join(dir, "prog")+" -- x &") {
			t.Errorf("%q: the program was not made absolute or lost its arguments:\n%s", args, stdout)
		}
	}
}

func TestLaunchRejectsBadInput(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{nil, "usage: lazygraph launch"},
		{[]string{"pbs"}, `unknown target "pbs"`},
		{[]string{"slurm", "-nodes", "0", "-workers-per-node", "0", "--", "/bin/true"}, "-nodes: 0: a job needs at least 1 node"},
		{[]string{"slurm", "-nodes", "0", "-workers-per-node", "0", "--", "/bin/true"}, "-workers-per-node: 0"},
		{[]string{"slurm", "-scheduler-file", "rel/sched.json", "--", "/bin/true"}, "-scheduler-file: \"rel/sched.json\" is not an absolute path"},
		{[]string{"slurm", "-time", "soon", "--", "/bin/true"}, "-time:"},
		{[]string{"slurm", "--"}, "no program given"},
		{[]string{"slurm", "--", "no-such-program-anywhere"}, "not in PATH"},
		{[]string{"slurm", "-bogus"}, "flag provided but not defined"},
		{[]string{"ssh", "--", "/bin/true"}, "HOST: no hosts given"},
		{[]string{"ssh", "onlyone", "--", "/bin/true"}, "name worker hosts after it"},
		{[]string{"ssh", "a", "b", "/bin/true"}, "put -- between the hosts and the program"},
		{[]string{"ssh", "a", "-print", "b", "--", "/bin/true"}, "flag -print after the hosts"},
		{[]string{"ssh", "-workers-per-host", "0", "a", "b", "--", "/bin/true"}, "-workers-per-host: 0"},
		{[]string{"ssh", "a", "b;reboot", "--", "/bin/true"}, "not part of a host name"},
	}
	for _, c := range cases {
		_, stderr, err := launchCmd(t, c.args...)
		if !errors.Is(err, errUsage) || !strings.Contains(stderr, c.want) {
			t.Errorf("launch %q: error %v, stderr:\n%s\nwant a usage error mentioning %q", c.args, err, stderr, c.want)
		}
	}
	if _, _, err := launchCmd(t, "slurm", "-h"); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
}

func TestLaunchSSHPrints(t *testing.T) {
	stdout, stderr, err := launchCmd(t, "ssh", "-print", "-workers-per-host", "2", "-ssh-opt=-p", "-ssh-opt=2222",
		"-scheduler", "lazygraph", "head", "node1", "--", "/bin/true", "x y")
	if err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	syntaxCheck(t, stdout)
	if n := strings.Count(stdout, "ssh -o BatchMode=yes -tt -o LogLevel=ERROR -p 2222 node1"); n != 2 {
		t.Errorf("%d worker sessions on node1, want 2:\n%s", n, stdout)
	}
}

// fakeSSH runs the remote command on this machine, as if every host were this one.
const fakeSSH = `#!/bin/bash
while [[ $# -gt 0 && $1 == -* ]]; do
	case $1 in -o | -p | -i) shift 2 ;; *) shift ;; esac
done
shift
exec bash -c "$*"
`

// fakeScheduler writes the scheduler file and serves until it is stopped.
const fakeScheduler = `#!/bin/sh
while [ $# -gt 0 ]; do
	case $1 in -listen) listen=$2; shift 2 ;; -scheduler-file) file=$2; shift 2 ;; *) shift ;; esac
done
printf '{"address": "%s", "token": "t", "protocol": 1}\n' "$listen" > "$file.tmp" && mv "$file.tmp" "$file"
trap 'exit 0' TERM HUP
while :; do sleep 0.1; done
`

func TestLaunchSSHRuns(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	dir := t.TempDir()
	for name, content := range map[string]string{"ssh": fakeSSH, "lazygraph": fakeScheduler,
		"client": "#!/bin/sh\n[ -n \"$LAZYGRAPH_WORKER\" ] && exit 0\ncat \"$LAZYGRAPH_SCHEDULER_ADDRESS\"\nexit \"$1\"\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("HOME", dir)
	args := []string{"ssh", "-ssh", filepath.Join(dir, "ssh"), "-scheduler", filepath.Join(dir, "lazygraph"),
		"-port", "9999", "a", "b", "--", filepath.Join(dir, "client")}
	stdout, stderr, err := launchCmd(t, append(args, "0")...)
	if err != nil {
		t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	if !strings.Contains(stdout, `{"address": "a:9999"`) {
		t.Errorf("the client did not read the scheduler file:\n%s", stdout)
	}
	_, stderr, err = launchCmd(t, append(args, "7")...)
	if err == nil || !strings.Contains(err.Error(), "status 7") {
		t.Errorf("a failing client gave %v\n%s", err, stderr)
	}
}

// fakeSbatch accepts any script; fakeScontrol reports the job failed.
const (
	fakeSbatch   = "#!/bin/sh\ncat > \"$FAKE_DIR/submitted\"\necho 31337\n"
	fakeScontrol = "#!/bin/sh\nprintf 'JobId=31337 JobName=lazygraph\\n   JobState=FAILED Reason=NonZeroExitCode\\n   ExitCode=2:0\\n   StdOut=/tmp/slurm-31337.out\\n'\n"
)

func TestLaunchSlurmSubmits(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"sbatch": fakeSbatch, "scontrol": fakeScontrol} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir+":"+os.Getenv("PATH"))
	t.Setenv("FAKE_DIR", dir)

	stdout, stderr, err := launchCmd(t, "slurm", "-submit", "-wait=false", "--", "/bin/true")
	if err != nil || stdout != "31337\n" || !strings.Contains(stderr, "output in /tmp/slurm-31337.out") {
		t.Errorf("error %v, stdout %q, stderr %q", err, stdout, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "submitted")); !bytes.HasPrefix(b, []byte("#!/bin/bash\n#SBATCH")) {
		t.Errorf("sbatch got %q", b)
	}
	_, _, err = launchCmd(t, "slurm", "-submit", "-poll", "1ms", "--", "/bin/true")
	if err == nil || !strings.Contains(err.Error(), "slurm job 31337 ended FAILED with exit code 2; output in /tmp/slurm-31337.out") {
		t.Errorf("error %v", err)
	}
}
