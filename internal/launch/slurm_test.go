package launch

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestSlurmScriptHeaderAndSteps(t *testing.T) {
	t.Parallel()
	script, err := SlurmScript(SlurmOptions{
		Binary:          "/home/ana/bin/analysis",
		Args:            []string{"-input", "/data/x y.csv"},
		Env:             []string{"GOMAXPROCS=4"},
		Nodes:           3,
		WorkersPerNode:  2,
		CPUsPerWorker:   4,
		Partition:       "short",
		Time:            "1-00:30:00",
		Account:         "proj42",
		JobName:         "cv",
		Output:          "/scratch/ana/cv-%j.out",
		WorkDir:         "/scratch/ana",
		SbatchArgs:      []string{"--mem=8G", "--constraint=haswell"},
		SchedulerFile:   "/scratch/ana/sched.json",
		SchedulerBinary: "/opt/lazygraph/bin/lazygraph",
		SchedulerArgs:   []string{"-tls-cert", "/etc/lg/cert.pem"},
		Port:            9000,
		StatusPort:      9001,
		StartTimeout:    90 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	bashSyntaxCheck(t, script)
	shellcheck(t, script)

	var header []string
	for _, l := range strings.Split(script, "\n") {
		if strings.HasPrefix(l, "#SBATCH ") {
			header = append(header, l)
		}
	}
	wantHeader := []string{
		"#SBATCH --job-name=cv",
		"#SBATCH --nodes=3",
		"#SBATCH --ntasks-per-node=2",
		"#SBATCH --cpus-per-task=4",
		"#SBATCH --partition=short",
		"#SBATCH --time=1-00:30:00",
		"#SBATCH --account=proj42",
		"#SBATCH --output=/scratch/ana/cv-%j.out",
		"#SBATCH --chdir=/scratch/ana",
		"#SBATCH --mem=8G",
		"#SBATCH --constraint=haswell",
	}
	if !equalStrings(header, wantHeader) {
		t.Errorf("#SBATCH lines:\n%s\nwant:\n%s", strings.Join(header, "\n"), strings.Join(wantHeader, "\n"))
	}
	if !strings.HasPrefix(script, "#!/bin/bash\n#SBATCH ") {
		t.Error("the script does not start with #!/bin/bash and its #SBATCH lines")
	}

	// The commands, with line continuations joined.
	flat := strings.ReplaceAll(script, " \\\n\t", " ")
	for _, want := range []string{
		"scheduler_file=/scratch/ana/sched.json\n",
		"start_timeout=90 ",
		`srun --overlap --job-name=lazygraph-scheduler --nodes=1 --ntasks=1 --nodelist="${SLURMD_NODENAME:-$(hostname -s)}" env -u LAZYGRAPH_WORKER GOMAXPROCS=4 /opt/lazygraph/bin/lazygraph scheduler -listen "$scheduler_host:9000" -scheduler-file "$scheduler_file" -status "$scheduler_host:9001" -tls-cert /etc/lg/cert.pem &`,
		`srun --overlap --job-name=lazygraph-workers --nodes=3 --ntasks=6 --ntasks-per-node=2 --cpus-per-task=4 --kill-on-bad-exit=0 --label sh -c `,
		`lazygraph-worker "$scheduler_file" "$start_timeout" env -u LAZYGRAPH_SCHEDULER -u LAZYGRAPH_SCHEDULER_ADDRESS GOMAXPROCS=4 LAZYGRAPH_WORKER=distributed LAZYGRAPH_SCHEDULER_FILE="$scheduler_file" /home/ana/bin/analysis -input '/data/x y.csv' &`,
		`env -u LAZYGRAPH_WORKER -u LAZYGRAPH_SCHEDULER_FILE GOMAXPROCS=4 LAZYGRAPH_SCHEDULER=distributed LAZYGRAPH_SCHEDULER_ADDRESS="$scheduler_file" /home/ana/bin/analysis -input '/data/x y.csv' &`,
		"trap cleanup EXIT\n",
		// Clean endings: the cleanup signals the steps' tasks, found by step name, and not
		// their sruns (which would cancel the steps), first the scheduler with SIGINT.
		"scheduler_pid=$!\n",
		"workers_pid=$!\n",
		"squeue --noheader --steps --jobs=\"$SLURM_JOB_ID\" --format='%i %j'",
		`scancel --signal="$1" $ids`,
		"signal_step INT lazygraph-scheduler || return 0\n",
		"signal_step TERM lazygraph-workers || return 0\n",
		"then stop_steps || true; fi\n",
		`rm -f -- "$scheduler_file"`,
		`exit "$status"`,
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the script lacks %q:\n%s", want, script)
		}
	}
	// The scheduler starts before anything waits for its file; the workers before the client.
	order := []string{"-scheduler-file \"$scheduler_file\"", "until [[ -s $scheduler_file ]]", "LAZYGRAPH_WORKER=distributed", "LAZYGRAPH_SCHEDULER=distributed"}
	last := -1
	for _, s := range order {
		i := strings.Index(flat, s)
		if i <= last {
			t.Errorf("%q is out of order in the script", s)
		}
		last = i
	}
}

func TestSlurmScriptDefaults(t *testing.T) {
	t.Parallel()
	script, err := SlurmScript(SlurmOptions{Binary: "/bin/prog", Nodes: 1, WorkersPerNode: 1})
	if err != nil {
		t.Fatal(err)
	}
	bashSyntaxCheck(t, script)
	shellcheck(t, script)
	flat := strings.ReplaceAll(script, " \\\n\t", " ")
	for _, want := range []string{
		"#SBATCH --job-name=lazygraph\n",
		`scheduler_file="$HOME/.lazygraph/scheduler-$SLURM_JOB_ID.json"`,
		"start_timeout=300 ",
		` lazygraph scheduler -listen "$scheduler_host:8786" -scheduler-file "$scheduler_file" &`,
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the script lacks %q:\n%s", want, script)
		}
	}
	for _, unwanted := range []string{"--partition", "--time", "--output", "--cpus-per-task", "-status"} {
		if strings.Contains(script, unwanted) {
			t.Errorf("the script has %q though no option asked for it", unwanted)
		}
	}
}

func TestSlurmScriptQuotesAwkwardArguments(t *testing.T) {
	t.Parallel()
	script, err := SlurmScript(SlurmOptions{
		Binary: "/opt/my tools/it's here/prog", Args: awkwardArgs, Nodes: 1, WorkersPerNode: 1,
		SchedulerFile: "/shared/dir with space/$x/sched.json",
		Env:           []string{"WEIRD=a b'c$d\ne"},
	})
	if err != nil {
		t.Fatal(err)
	}
	bashSyntaxCheck(t, script)
	// A newline in an argument must not escape the comment lines.
	for _, l := range strings.Split(script, "\n") {
		if strings.Contains(l, "new line") && strings.HasPrefix(l, "#") && !strings.Contains(l, `a\nnew line`) {
			t.Errorf("comment line %q carries a raw newline", l)
		}
	}
	if strings.Contains(script, "\nnew line") && !strings.Contains(script, "'a\nnew line'") {
		t.Error("a newline in an argument appears outside quotes")
	}
}

func TestSlurmOptionsErrors(t *testing.T) {
	valid := SlurmOptions{Binary: "/bin/prog", Nodes: 1, WorkersPerNode: 1}
	cases := []struct {
		name   string
		modify func(*SlurmOptions)
		want   map[string]string
	}{
		{"no binary", func(o *SlurmOptions) { o.Binary = "" }, map[string]string{"Binary": "no program"}},
		{"relative binary", func(o *SlurmOptions) { o.Binary = "./prog" }, map[string]string{"Binary": "not an absolute path"}},
		{"bare binary", func(o *SlurmOptions) { o.Binary = "prog" }, map[string]string{"Binary": "not an absolute path"}},
		{"binary with =", func(o *SlurmOptions) { o.Binary = "/opt/a=b/prog" }, map[string]string{"Binary": "'='"}},
		{"NUL in argument", func(o *SlurmOptions) { o.Args = []string{"ok", "b\x00d"} }, map[string]string{"Args": "argument 1"}},
		{"zero nodes", func(o *SlurmOptions) { o.Nodes = 0 }, map[string]string{"Nodes": "at least 1"}},
		{"negative nodes", func(o *SlurmOptions) { o.Nodes = -2 }, map[string]string{"Nodes": "at least 1"}},
		{"zero workers", func(o *SlurmOptions) { o.WorkersPerNode = 0 }, map[string]string{"WorkersPerNode": "at least 1"}},
		{"negative CPUs", func(o *SlurmOptions) { o.CPUsPerWorker = -1 }, map[string]string{"CPUsPerWorker": "negative"}},
		{"bad time", func(o *SlurmOptions) { o.Time = "an hour" }, map[string]string{"Time": "not a Slurm time"}},
		{"partition with space", func(o *SlurmOptions) { o.Partition = "a b" }, map[string]string{"Partition": "white space"}},
		{"job name with newline", func(o *SlurmOptions) { o.JobName = "a\nb" }, map[string]string{"JobName": "white space"}},
		{"option-like account", func(o *SlurmOptions) { o.Account = "--x" }, map[string]string{"Account": "starts with '-'"}},
		{"relative workdir", func(o *SlurmOptions) { o.WorkDir = "runs" }, map[string]string{"WorkDir": "not an absolute path"}},
		{"sbatch arg not an option", func(o *SlurmOptions) { o.SbatchArgs = []string{"mem=8G"} }, map[string]string{"SbatchArgs": "not an sbatch option"}},
		{"sbatch arg with newline", func(o *SlurmOptions) { o.SbatchArgs = []string{"--mem=8G\nrm -rf /"} }, map[string]string{"SbatchArgs": "one line"}},
		{"relative scheduler file", func(o *SlurmOptions) { o.SchedulerFile = "sched.json" }, map[string]string{"SchedulerFile": "not an absolute path"}},
		{"scheduler file is a directory", func(o *SlurmOptions) { o.SchedulerFile = "/shared/" }, map[string]string{"SchedulerFile": "directory"}},
		{"relative scheduler binary", func(o *SlurmOptions) { o.SchedulerBinary = "bin/lazygraph" }, map[string]string{"SchedulerBinary": "relative path"}},
		{"bad port", func(o *SlurmOptions) { o.Port = 70000 }, map[string]string{"Port": "not a TCP port"}},
		{"status on the scheduler port", func(o *SlurmOptions) { o.StatusPort = DefaultPort }, map[string]string{"StatusPort": "also the scheduler's port"}},
		{"bad env", func(o *SlurmOptions) { o.Env = []string{"NOVALUE", "1X=2"} }, map[string]string{"Env": "NAME=VALUE"}},
		{"negative timeout", func(o *SlurmOptions) { o.StartTimeout = -time.Second }, map[string]string{"StartTimeout": "negative"}},
		{"several at once", func(o *SlurmOptions) { o.Nodes, o.WorkersPerNode, o.Binary = 0, 0, "x" },
			map[string]string{"Nodes": "at least 1", "WorkersPerNode": "at least 1", "Binary": "absolute"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := valid
			c.modify(&o)
			script, err := SlurmScript(o)
			if script != "" {
				t.Error("a script came back with the error")
			}
			wantProblems(t, err, c.want)
		})
	}
}

// The tests below run the generated script with stand-ins for srun, the scheduler and the
// user's program (see fakes_test.go).

func slurmEnv(extra ...string) []string {
	return append([]string{"SLURM_JOB_ID=4242", "SLURMD_NODENAME=node7",
		// Variables the job inherits from the submitting shell, which must not confuse anyone.
		"LAZYGRAPH_SCHEDULER_ADDRESS=elsewhere:1", "LAZYGRAPH_SCHEDULER=threads"}, extra...)
}

func TestSlurmScriptRunsTheCluster(t *testing.T) {
	t.Parallel()
	c := newFakeCluster(t)
	script, err := SlurmScript(SlurmOptions{
		Binary: c.app, Args: awkwardArgs, Nodes: 2, WorkersPerNode: 2, SchedulerBinary: c.scheduler,
		Env: []string{"EXTRA=x y"},
	})
	if err != nil {
		t.Fatal(err)
	}
	r, code := c.run(t, script, slurmEnv("FAKE_WORKERS=4", "FAKE_CLIENT_EXIT=3")...)
	if code != 3 {
		t.Fatalf("exit status %d, want the client's 3\nstdout:\n%s\nstderr:\n%s", code, &r.stdout, &r.stderr)
	}
	schedFile := filepath.Join(c.dir, "home", ".lazygraph", "scheduler-4242.json")
	hostname, _ := os.Hostname()
	wantListen := hostname + ":8786"

	schedArgs := readArgs(t, filepath.Join(c.log, "scheduler.args"))
	if want := []string{"-listen", wantListen, "-scheduler-file", schedFile}; !equalStrings(schedArgs, want) {
		t.Errorf("scheduler arguments %q, want %q", schedArgs, want)
	}
	if env := readFile(t, filepath.Join(c.log, "scheduler.env")); strings.Contains(env, "LAZYGRAPH_WORKER") {
		t.Errorf("the scheduler runs with %s", env)
	}

	if got := readArgs(t, filepath.Join(c.log, "client.args")); !equalStrings(got, awkwardArgs) {
		t.Errorf("client arguments\n%q\nwant\n%q", got, awkwardArgs)
	}
	wantClientEnv := []string{"LAZYGRAPH_SCHEDULER=distributed", "LAZYGRAPH_SCHEDULER_ADDRESS=" + schedFile}
	if got := lines(readFile(t, filepath.Join(c.log, "client.env"))); !equalStrings(got, wantClientEnv) {
		t.Errorf("client environment %q, want %q", got, wantClientEnv)
	}
	if got := readFile(t, filepath.Join(c.log, "client.file")); !strings.Contains(got, `"address": "`+wantListen+`"`) {
		t.Errorf("the client read the scheduler file %q", got)
	}

	workers := c.workerDirs(t)
	if len(workers) != 4 {
		t.Fatalf("%d workers started, want 2 nodes × 2", len(workers))
	}
	wantWorkerEnv := []string{"LAZYGRAPH_SCHEDULER_FILE=" + schedFile, "LAZYGRAPH_WORKER=distributed"}
	for _, w := range workers {
		if got := readArgs(t, filepath.Join(w, "args")); !equalStrings(got, awkwardArgs) {
			t.Errorf("worker arguments\n%q\nwant\n%q", got, awkwardArgs)
		}
		if got := lines(readFile(t, filepath.Join(w, "env"))); !equalStrings(got, wantWorkerEnv) {
			t.Errorf("worker environment %q, want %q", got, wantWorkerEnv)
		}
	}
	options := ""
	files, _ := filepath.Glob(filepath.Join(c.log, "srun.*.options"))
	for _, f := range files {
		options += readFile(t, f)
	}
	for _, want := range []string{"--overlap", "--nodelist=node7", "--ntasks=4", "--ntasks-per-node=2", "--label"} {
		if !strings.Contains(options, want+"\n") {
			t.Errorf("srun never got %s; options:\n%s", want, options)
		}
	}
	if _, err := os.Stat(schedFile); !os.IsNotExist(err) {
		t.Errorf("the scheduler file is still there after the job: %v", err)
	}
	if !strings.Contains(r.stdout.String(), "client result=42") {
		t.Errorf("the client's output is missing:\n%s", &r.stdout)
	}
	if !strings.Contains(r.stderr.String(), "the client exited with status 3") {
		t.Errorf("stderr does not report the client's status:\n%s", &r.stderr)
	}
	c.checkAllGone(t)
}

func TestSlurmScriptStopsOnTERM(t *testing.T) {
	t.Parallel()
	c := newFakeCluster(t)
	schedFile := filepath.Join(c.dir, "shared", "s.json")
	script, err := SlurmScript(SlurmOptions{Binary: c.app, Nodes: 1, WorkersPerNode: 2,
		SchedulerBinary: c.scheduler, SchedulerFile: schedFile})
	if err != nil {
		t.Fatal(err)
	}
	r := c.start(t, script, slurmEnv("FAKE_WORKERS=2", "FAKE_CLIENT_HANG=1")...)
	awaitFile(t, filepath.Join(c.log, "client.hanging"))
	// What Slurm does on scancel or at the time limit.
	r.cmd.Process.Signal(syscall.SIGTERM)
	if code := r.wait(t); code != 143 {
		t.Errorf("exit status %d after SIGTERM, want 143\nstderr:\n%s", code, &r.stderr)
	}
	if _, err := os.Stat(schedFile); !os.IsNotExist(err) {
		t.Errorf("the scheduler file is still there: %v", err)
	}
	c.checkAllGone(t)
}

func TestSlurmScriptReportsSchedulerFailure(t *testing.T) {
	t.Parallel()
	c := newFakeCluster(t)
	script, err := SlurmScript(SlurmOptions{Binary: c.app, Nodes: 1, WorkersPerNode: 1, SchedulerBinary: c.scheduler})
	if err != nil {
		t.Fatal(err)
	}
	r, code := c.run(t, script, slurmEnv("FAKE_SCHEDULER_FAIL=1")...)
	if code != 1 || !strings.Contains(r.stderr.String(), "the scheduler exited before writing") {
		t.Errorf("exit status %d, stderr:\n%s", code, &r.stderr)
	}
	if _, err := os.Stat(filepath.Join(c.log, "client.args")); err == nil {
		t.Error("the client ran without a scheduler")
	}
}

func TestSlurmScriptTimesOutWaitingForTheScheduler(t *testing.T) {
	t.Parallel()
	c := newFakeCluster(t)
	script, err := SlurmScript(SlurmOptions{Binary: c.app, Nodes: 1, WorkersPerNode: 1,
		SchedulerBinary: c.scheduler, StartTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	r, code := c.run(t, script, slurmEnv("FAKE_SCHEDULER_MUTE=1")...)
	if code != 1 || !regexp.MustCompile(`wrote no .* within 2s`).MatchString(r.stderr.String()) {
		t.Errorf("exit status %d, stderr:\n%s", code, &r.stderr)
	}
	c.checkAllGone(t)
}
