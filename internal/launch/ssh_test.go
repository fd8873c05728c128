package launch

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestSSHPlanCommands(t *testing.T) {
	plan, err := NewSSHPlan(SSHOptions{
		Hosts:          []string{"ana@head", "node1", "node2", "node2"},
		Binary:         "/home/ana/bin/analysis",
		Args:           []string{"-input", "/data/x y.csv"},
		Env:            []string{"GOMAXPROCS=4"},
		WorkersPerHost: 2,
		SchedulerHost:  "head.cluster",
		StatusPort:     8787,
		SSHArgs:        []string{"-p", "2222"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if plan.SchedulerAddress != "head.cluster:8786" || plan.SchedulerFile != "~/.lazygraph/scheduler-8786.json" {
		t.Errorf("address %q, file %q", plan.SchedulerAddress, plan.SchedulerFile)
	}
	const file = `"$HOME"/.lazygraph/scheduler-8786.json`
	check := func(what string, c Command, host, want string) {
		t.Helper()
		if c.Host != host {
			t.Errorf("%s runs on %q, want %q", what, c.Host, host)
		}
		if got := c.String(); got != want {
			t.Errorf("%s:\n got %s\nwant %s", what, got, want)
		}
	}
	check("Prepare", plan.Prepare, "ana@head",
		`ssh -o BatchMode=yes -n -p 2222 ana@head 'umask 077 && mkdir -p "$HOME"/.lazygraph && rm -f `+file+`'`)
	check("Scheduler", plan.Scheduler, "ana@head",
		`ssh -o BatchMode=yes -tt -o LogLevel=ERROR -p 2222 ana@head 'exec env -u LAZYGRAPH_WORKER GOMAXPROCS=4 lazygraph scheduler -listen head.cluster:8786 -scheduler-file `+file+` -status head.cluster:8787'`)
	check("Fetch", plan.Fetch, "ana@head", `ssh -o BatchMode=yes -n -p 2222 ana@head 'cat `+file+`'`)
	if len(plan.Copies) != 2 || plan.Copies[0].Host != "node1" || plan.Copies[1].Host != "node2" {
		t.Fatalf("copies %v, want one to each of node1 and node2", plan.Copies)
	}
	check("Copy", plan.Copies[0], "node1",
		`ssh -o BatchMode=yes -p 2222 node1 'umask 077 && mkdir -p "$HOME"/.lazygraph && cat > "$HOME"/.lazygraph/scheduler-8786.json.tmp.$$ && mv -f "$HOME"/.lazygraph/scheduler-8786.json.tmp.$$ `+file+`'`)
	if len(plan.Workers) != 6 {
		t.Fatalf("%d workers, want 2 on node1 and 4 on node2", len(plan.Workers))
	}
	check("Worker", plan.Workers[5], "node2",
		`ssh -o BatchMode=yes -tt -o LogLevel=ERROR -p 2222 node2 'exec env -u LAZYGRAPH_SCHEDULER -u LAZYGRAPH_SCHEDULER_ADDRESS GOMAXPROCS=4 LAZYGRAPH_WORKER=distributed LAZYGRAPH_SCHEDULER_FILE=`+file+` /home/ana/bin/analysis -input '\''/data/x y.csv'\'''`)
	if plan.Client == nil {
		t.Fatal("no client command")
	}
	check("Client", *plan.Client, "ana@head",
		`ssh -o BatchMode=yes -p 2222 ana@head 'exec env -u LAZYGRAPH_WORKER -u LAZYGRAPH_SCHEDULER_FILE GOMAXPROCS=4 LAZYGRAPH_SCHEDULER=distributed LAZYGRAPH_SCHEDULER_ADDRESS=`+file+` /home/ana/bin/analysis -input '\''/data/x y.csv'\'''`)

	script := plan.Script()
	bashSyntaxCheck(t, script)
	shellcheck(t, script)
}

func TestSSHPlanVariants(t *testing.T) {
	base := SSHOptions{Hosts: []string{"a", "a", "b"}, Binary: "/bin/prog", WorkersPerHost: 1}

	t.Run("scheduler host doubles as worker host", func(t *testing.T) {
		plan, err := NewSSHPlan(base)
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Copies) != 1 || plan.Copies[0].Host != "b" {
			t.Errorf("copies %v, want one, to b (a has the file)", plan.Copies)
		}
		if len(plan.Workers) != 2 || plan.Workers[0].Host != "a" || plan.Workers[1].Host != "b" {
			t.Errorf("workers %v", plan.Workers)
		}
	})
	t.Run("shared filesystem", func(t *testing.T) {
		o := base
		o.SharedFilesystem = true
		o.SchedulerFile = "/nfs/lg/sched.json"
		plan, err := NewSSHPlan(o)
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Copies) != 0 {
			t.Errorf("copies %v on a shared filesystem", plan.Copies)
		}
		if w := plan.Workers[0].Argv[len(plan.Workers[0].Argv)-1]; !strings.HasPrefix(w, "exec sh -c ") || !strings.Contains(w, " lazygraph-worker /nfs/lg/sched.json 120 env ") {
			t.Errorf("a worker on a shared filesystem does not wait for the file: %s", w)
		}
		bashSyntaxCheck(t, plan.Script())
		shellcheck(t, plan.Script())
	})
	t.Run("no client", func(t *testing.T) {
		o := base
		o.NoClient = true
		plan, err := NewSSHPlan(o)
		if err != nil {
			t.Fatal(err)
		}
		if plan.Client != nil {
			t.Error("a client command with NoClient")
		}
		script := plan.Script()
		bashSyntaxCheck(t, script)
		shellcheck(t, script)
		if !strings.Contains(script, `wait "$scheduler_pid"`) {
			t.Error("the script does not keep the cluster up")
		}
	})
	t.Run("awkward arguments and paths", func(t *testing.T) {
		o := base
		o.Binary = "/opt/it's here/prog"
		o.Args = awkwardArgs
		o.SchedulerFile = "~/dir with space/$x.json"
		o.Env = []string{"WEIRD=a b'c$d\ne"}
		plan, err := NewSSHPlan(o)
		if err != nil {
			t.Fatal(err)
		}
		bashSyntaxCheck(t, plan.Script())
		for _, l := range strings.Split(plan.Script(), "\n") {
			if strings.HasPrefix(l, "#") && strings.Contains(l, "new line") && !strings.Contains(l, `a\nnew line`) {
				t.Errorf("comment line %q carries a raw newline", l)
			}
		}
	})
	t.Run("user@ stripped from the listen address", func(t *testing.T) {
		o := base
		o.Hosts = []string{"ana@10.1.2.3", "b"}
		plan, err := NewSSHPlan(o)
		if err != nil {
			t.Fatal(err)
		}
		if plan.SchedulerAddress != "10.1.2.3:8786" {
			t.Errorf("address %q", plan.SchedulerAddress)
		}
		o.Hosts = []string{"fe80::1", "b"}
		o.Port = 9000
		if plan, err = NewSSHPlan(o); err != nil || plan.SchedulerAddress != "[fe80::1]:9000" {
			t.Errorf("IPv6: %v %v", plan, err)
		}
	})
}

func TestSSHOptionsErrors(t *testing.T) {
	valid := SSHOptions{Hosts: []string{"a", "b"}, Binary: "/bin/prog", WorkersPerHost: 1}
	cases := []struct {
		name   string
		modify func(*SSHOptions)
		want   map[string]string
	}{
		{"no hosts", func(o *SSHOptions) { o.Hosts = nil }, map[string]string{"Hosts": "no hosts"}},
		{"one host", func(o *SSHOptions) { o.Hosts = []string{"a"} }, map[string]string{"Hosts": "name worker hosts after it"}},
		{"empty host", func(o *SSHOptions) { o.Hosts = []string{"a", ""} }, map[string]string{"Hosts": "empty"}},
		{"option-like host", func(o *SSHOptions) { o.Hosts = []string{"a", "-oProxyCommand=x"} }, map[string]string{"Hosts": "starts with '-'"}},
		{"host with space", func(o *SSHOptions) { o.Hosts = []string{"a", "b c"} }, map[string]string{"Hosts": "not part of a host name"}},
		{"host with semicolon", func(o *SSHOptions) { o.Hosts = []string{"a;reboot", "b"} }, map[string]string{"Hosts": "not part of a host name"}},
		{"relative binary", func(o *SSHOptions) { o.Binary = "bin/prog" }, map[string]string{"Binary": "not an absolute path"}},
		{"zero workers", func(o *SSHOptions) { o.WorkersPerHost = 0 }, map[string]string{"WorkersPerHost": "at least 1"}},
		{"relative scheduler file", func(o *SSHOptions) { o.SchedulerFile = "sched.json" }, map[string]string{"SchedulerFile": "neither absolute nor under ~/"}},
		{"scheduler file is a directory", func(o *SSHOptions) { o.SchedulerFile = "~/x/" }, map[string]string{"SchedulerFile": "directory"}},
		{"scheduler host with user", func(o *SSHOptions) { o.SchedulerHost = "ana@a" }, map[string]string{"SchedulerHost": "ssh destination"}},
		{"bad port", func(o *SSHOptions) { o.Port = -1 }, map[string]string{"Port": "not a TCP port"}},
		{"status on the scheduler port", func(o *SSHOptions) { o.Port, o.StatusPort = 9000, 9000 }, map[string]string{"StatusPort": "also"}},
		{"short timeout", func(o *SSHOptions) { o.StartTimeout = time.Millisecond }, map[string]string{"StartTimeout": "shorter"}},
		{"several at once", func(o *SSHOptions) { o.Hosts, o.Binary = nil, "" }, map[string]string{"Hosts": "no hosts", "Binary": "no program"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := valid
			c.modify(&o)
			plan, err := NewSSHPlan(o)
			if plan != nil {
				t.Error("a plan came back with the error")
			}
			wantProblems(t, err, c.want)
		})
	}
}

// The tests below run the plan's script with a fake ssh that runs each command here, in a home
// directory of the host's own (see fakes_test.go).

func TestSSHScriptRunsTheCluster(t *testing.T) {
	t.Parallel()
	c := newFakeCluster(t)
	plan, err := NewSSHPlan(SSHOptions{
		Hosts: []string{"ana@alpha", "alpha", "beta", "gamma"}, Binary: c.app, Args: awkwardArgs,
		WorkersPerHost: 2, SchedulerBinary: c.scheduler, Port: 9123, Env: []string{"EXTRA=x y"},
	})
	if err != nil {
		t.Fatal(err)
	}
	r, code := c.run(t, plan.Script(), "FAKE_WORKERS=6", "FAKE_CLIENT_EXIT=5",
		// The launching machine's settings must not reach the cluster.
		"LAZYGRAPH_SCHEDULER_ADDRESS=elsewhere:1", "LAZYGRAPH_WORKER=processes")
	if code != 5 {
		t.Fatalf("exit status %d, want the client's 5\nstdout:\n%s\nstderr:\n%s", code, &r.stdout, &r.stderr)
	}
	home := func(host string) string { return filepath.Join(c.dir, "hosts", host) }
	schedFile := func(host string) string { return filepath.Join(home(host), ".lazygraph", "scheduler-9123.json") }

	schedArgs := readArgs(t, filepath.Join(c.log, "scheduler.args"))
	if want := []string{"-listen", "alpha:9123", "-scheduler-file", schedFile("alpha")}; !equalStrings(schedArgs, want) {
		t.Errorf("scheduler arguments %q, want %q", schedArgs, want)
	}
	if got := readArgs(t, filepath.Join(c.log, "client.args")); !equalStrings(got, awkwardArgs) {
		t.Errorf("client arguments\n%q\nwant\n%q", got, awkwardArgs)
	}
	wantClientEnv := []string{"LAZYGRAPH_SCHEDULER=distributed", "LAZYGRAPH_SCHEDULER_ADDRESS=" + schedFile("alpha")}
	if got := lines(readFile(t, filepath.Join(c.log, "client.env"))); !equalStrings(got, wantClientEnv) {
		t.Errorf("client environment %q, want %q", got, wantClientEnv)
	}
	schedJSON := `{"address": "alpha:9123", "token": "sekrit", "protocol": 1}` + "\n"
	workers := c.workerDirs(t)
	if len(workers) != 6 {
		t.Fatalf("%d workers started, want 2 on each of alpha, beta and gamma", len(workers))
	}
	perHost := map[string]int{}
	for _, w := range workers {
		host := filepath.Base(strings.TrimSpace(readFile(t, filepath.Join(w, "home"))))
		perHost[host]++
		if got := readArgs(t, filepath.Join(w, "args")); !equalStrings(got, awkwardArgs) {
			t.Errorf("worker arguments on %s\n%q\nwant\n%q", host, got, awkwardArgs)
		}
		wantEnv := []string{"LAZYGRAPH_SCHEDULER_FILE=" + schedFile(host), "LAZYGRAPH_WORKER=distributed"}
		if got := lines(readFile(t, filepath.Join(w, "env"))); !equalStrings(got, wantEnv) {
			t.Errorf("worker environment on %s %q, want %q", host, got, wantEnv)
		}
		if got := readFile(t, filepath.Join(w, "file")); got != schedJSON {
			t.Errorf("a worker on %s read the scheduler file %q, want %q", host, got, schedJSON)
		}
	}
	if perHost["alpha"] != 2 || perHost["beta"] != 2 || perHost["gamma"] != 2 {
		t.Errorf("workers per host %v", perHost)
	}
	for _, h := range []string{"beta", "gamma"} {
		info, err := os.Stat(schedFile(h))
		if err != nil {
			t.Errorf("no copy of the scheduler file on %s: %v", h, err)
		} else if info.Mode().Perm()&0o077 != 0 {
			t.Errorf("the copy on %s is readable by others: %v", h, info.Mode())
		}
	}
	if !strings.Contains(r.stderr.String(), "[scheduler ana@alpha] fake scheduler listening on alpha:9123") ||
		!strings.Contains(r.stderr.String(), "[worker beta #2] fake worker serving") {
		t.Errorf("the scheduler's and workers' output is not on standard error, prefixed by its source:\n%s", &r.stderr)
	}
	// launch ssh ... -- prog > out.csv: standard output is the program's, byte for byte.
	if got := r.stdout.String(); got != "client result=42\n" {
		t.Errorf("standard output is not exactly the client's:\n%q", got)
	}
	c.checkAllGone(t)
}

func TestSSHScriptSharedFilesystem(t *testing.T) {
	t.Parallel()
	c := newFakeCluster(t)
	shared := filepath.Join(c.dir, "nfs")
	plan, err := NewSSHPlan(SSHOptions{
		Hosts: []string{"alpha", "beta"}, Binary: c.app, WorkersPerHost: 2, SchedulerBinary: c.scheduler,
		SharedFilesystem: true, SchedulerFile: filepath.Join(shared, "sched.json"),
	})
	if err != nil {
		t.Fatal(err)
	}
	r, code := c.run(t, plan.Script(), "FAKE_WORKERS=2", "FAKE_SHARED_HOME="+shared)
	if code != 0 {
		t.Fatalf("exit status %d\nstdout:\n%s\nstderr:\n%s", code, &r.stdout, &r.stderr)
	}
	if log := readFile(t, filepath.Join(c.log, "ssh.log")); strings.Contains(log, "cat >") {
		t.Errorf("the scheduler file was copied on a shared filesystem:\n%s", log)
	}
	c.checkAllGone(t)
}

func TestSSHScriptStopsOnInterrupt(t *testing.T) {
	t.Parallel()
	c := newFakeCluster(t)
	plan, err := NewSSHPlan(SSHOptions{Hosts: []string{"alpha", "beta"}, Binary: c.app, WorkersPerHost: 1,
		SchedulerBinary: c.scheduler})
	if err != nil {
		t.Fatal(err)
	}
	r := c.start(t, plan.Script(), "FAKE_WORKERS=1", "FAKE_CLIENT_HANG=1")
	awaitFile(t, filepath.Join(c.log, "client.hanging"))
	r.cmd.Process.Signal(syscall.SIGINT)
	if code := r.wait(t); code != 130 {
		t.Errorf("exit status %d after SIGINT, want 130\nstderr:\n%s", code, &r.stderr)
	}
	c.checkAllGone(t)
}

func TestSSHScriptReportsSchedulerFailure(t *testing.T) {
	t.Parallel()
	c := newFakeCluster(t)
	plan, err := NewSSHPlan(SSHOptions{Hosts: []string{"alpha", "beta"}, Binary: c.app, WorkersPerHost: 1,
		SchedulerBinary: c.scheduler, StartTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	r, code := c.run(t, plan.Script(), "FAKE_SCHEDULER_FAIL=1")
	if code != 1 || !strings.Contains(r.stderr.String(), "the scheduler exited before writing ~/.lazygraph/scheduler-8786.json on alpha") {
		t.Errorf("exit status %d, stderr:\n%s", code, &r.stderr)
	}
	r, code = c.run(t, plan.Script(), "FAKE_SCHEDULER_MUTE=1")
	if code != 1 || !strings.Contains(r.stderr.String(), "within 2s") {
		t.Errorf("exit status %d, stderr:\n%s", code, &r.stderr)
	}
	c.checkAllGone(t)
}
