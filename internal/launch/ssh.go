package launch

import (
	"fmt"
	"net"
	"path"
	"strconv"
	"strings"
	"time"
)

// DefaultSSHStartTimeout is how long an SSH plan waits for the scheduler file when
// SSHOptions.StartTimeout is zero.
const DefaultSSHStartTimeout = 2 * time.Minute

// SSHOptions describes a lazygraph cluster started over SSH. Hosts, Binary and WorkersPerHost
// are required; the zero value of every other field selects a default.
type SSHOptions struct {
	// Hosts are ssh destinations (host, user@host or an alias from ~/.ssh/config). The first
	// runs the scheduler and the client; each of the others runs WorkersPerHost workers. Name
	// the first host again to run workers beside the scheduler, and any host twice to double
	// its workers.
	Hosts []string
	// Binary is the absolute path of the user's program on every host.
	Binary string
	// Args are the program's arguments, for the client and the workers alike.
	Args []string
	// Env holds extra NAME=VALUE variables for the scheduler, the workers and the client: ssh
	// does not carry this machine's environment over.
	Env []string
	// WorkersPerHost is the number of workers per occurrence of a worker host, at least 1.
	WorkersPerHost int

	// SchedulerFile is where the scheduler writes its file on the first host, and where the
	// plan copies it on the worker hosts: an absolute path, or one starting with "~/" for the
	// remote home directory. Empty means "~/.lazygraph/scheduler-PORT.json".
	SchedulerFile string
	// SharedFilesystem says that SchedulerFile is one file seen by every host (an NFS home,
	// say), so that nothing needs copying; workers then wait until their host sees it.
	SharedFilesystem bool
	// SchedulerBinary runs the scheduler on the first host: an absolute path or a command
	// looked up in PATH there. Empty means "lazygraph".
	SchedulerBinary string
	// SchedulerArgs are extra arguments for the scheduler, such as "-tls-cert", "/path".
	SchedulerArgs []string
	// SchedulerHost is the host name or address the scheduler listens on and the workers dial.
	// Empty means the first host without its "user@" part, which must then resolve on every
	// host; set it when the first host is an ssh alias.
	SchedulerHost string
	// Port is the scheduler's port; 0 means 8786.
	Port int
	// StatusPort, when positive, starts the scheduler's HTTP status endpoint on that port.
	StatusPort int

	// SSH is the ssh command; empty means "ssh".
	SSH string
	// SSHArgs are options for every ssh command, such as "-p", "2222" or "-i", "/key". The plan
	// always adds "-o BatchMode=yes", so that a missing key fails instead of prompting.
	SSHArgs []string
	// NoClient leaves out the client: the script starts the cluster, says where the scheduler
	// file is, and keeps the cluster up until it is interrupted or the scheduler exits.
	NoClient bool
	// StartTimeout bounds the wait for the scheduler file; 0 means DefaultSSHStartTimeout.
	StartTimeout time.Duration
}

func (o *SSHOptions) validate() error {
	var p problems
	switch len(o.Hosts) {
	case 0:
		p.add("Hosts", "no hosts given: the first runs the scheduler, the others run workers")
	case 1:
		p.add("Hosts", "only %q given, which runs the scheduler; name worker hosts after it (name it again to run workers on it too)", o.Hosts[0])
	}
	for _, h := range o.Hosts {
		checkHost(&p, "Hosts", h)
	}
	checkProgram(&p, o.Binary, o.Args)
	checkEnv(&p, o.Env)
	if o.WorkersPerHost < 1 {
		p.add("WorkersPerHost", "%d: at least 1 worker per host is needed", o.WorkersPerHost)
	}
	if f := o.SchedulerFile; f != "" {
		switch {
		case !path.IsAbs(f) && !strings.HasPrefix(f, "~/"):
			p.add("SchedulerFile", "%q is neither absolute nor under ~/; a relative path would depend on where ssh starts", f)
		case strings.HasSuffix(f, "/"):
			p.add("SchedulerFile", "%q names a directory", f)
		case strings.ContainsAny(f, "\x00\n\r"):
			p.add("SchedulerFile", "%q contains a NUL byte or a line break", f)
		}
	}
	checkSchedulerBinary(&p, o.SchedulerBinary)
	for i, a := range o.SchedulerArgs {
		if strings.ContainsRune(a, 0) {
			p.add("SchedulerArgs", "argument %d contains a NUL byte", i)
		}
	}
	if o.SchedulerHost != "" {
		checkHost(&p, "SchedulerHost", o.SchedulerHost)
		if strings.Contains(o.SchedulerHost, "@") {
			p.add("SchedulerHost", "%q is an ssh destination, not a host name or address", o.SchedulerHost)
		}
	}
	checkPort(&p, "Port", o.Port)
	checkPort(&p, "StatusPort", o.StatusPort)
	if o.StatusPort > 0 && o.StatusPort == orDefault(o.Port, DefaultPort) {
		p.add("StatusPort", "%d is also the scheduler's port", o.StatusPort)
	}
	if o.SSH != "" {
		checkExecutable(&p, "SSH", o.SSH)
	}
	for _, a := range o.SSHArgs {
		if strings.ContainsRune(a, 0) {
			p.add("SSHArgs", "%q contains a NUL byte", a)
		}
	}
	checkTimeout(&p, o.StartTimeout)
	return p.err()
}

// checkHost accepts what ssh accepts as a destination without surprises: no option-like or
// empty names, no white space or shell metacharacters.
func checkHost(p *problems, option, h string) {
	switch {
	case h == "":
		p.add(option, "empty host name")
	case strings.HasPrefix(h, "-"):
		p.add(option, "%q starts with '-', which ssh would read as an option", h)
	default:
		for _, r := range h {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-_@:%[]", r)) {
				p.add(option, "%q contains %q, which is not part of a host name", h, r)
				return
			}
		}
	}
}

// sshKind is how a plan's ssh command treats its session.
type sshKind int

const (
	sshQuery   sshKind = iota // a short command that needs no input (ssh -n)
	sshStdin                  // a command that reads its standard input
	sshSession                // a long-running process, hung up when ssh ends (ssh -tt)
)

// Command is one command of a plan, run on this machine.
type Command struct {
	// Host is the host the command acts on.
	Host string
	// Argv is the command: ssh, its options, the host and the remote command line, every part
	// of which is already quoted for the remote shell.
	Argv []string
}

// String returns the command as a shell command line.
func (c Command) String() string { return QuoteCommand(c.Argv...) }

// SSHPlan is the sequence of commands that starts a cluster over SSH, in order: Prepare,
// Scheduler (left running), Fetch until it prints the scheduler file, each of Copies with that
// file on its standard input, Workers (left running) and the Client. Ending the Scheduler and
// Workers commands (they run under "ssh -tt") hangs up their remote processes. [SSHPlan.Script]
// does all of this.
type SSHPlan struct {
	// SchedulerAddress is where the scheduler listens, host:port.
	SchedulerAddress string
	// SchedulerFile is the scheduler file's path on the hosts, as in SSHOptions.
	SchedulerFile string
	// Prepare creates the scheduler file's directory on the first host and removes a file left
	// from an earlier run, which would otherwise pass for the new scheduler's.
	Prepare Command
	// Scheduler runs the scheduler.
	Scheduler Command
	// Fetch prints the scheduler file; it fails until the scheduler has written it.
	Fetch Command
	// Copies write their standard input to the scheduler file on each distinct worker host
	// other than the first host; there are none with SharedFilesystem.
	Copies []Command
	// Workers run the workers.
	Workers []Command
	// Client runs the client on the first host; nil with NoClient.
	Client *Command

	startTimeout  int // seconds
	schedulerHost string
	summary       []string
}

// NewSSHPlan validates o and returns its plan. It returns the problems of invalid options as
// [*OptionError] values joined with [errors.Join].
func NewSSHPlan(o SSHOptions) (*SSHPlan, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	port := orDefault(o.Port, DefaultPort)
	first := o.Hosts[0]
	host := o.SchedulerHost
	if host == "" {
		host = first[strings.LastIndex(first, "@")+1:]
	}
	file := o.SchedulerFile
	if file == "" {
		file = "~/.lazygraph/scheduler-" + strconv.Itoa(port) + ".json"
	}
	schedBin := o.SchedulerBinary
	if schedBin == "" {
		schedBin = DefaultSchedulerBinary
	}
	ssh := o.SSH
	if ssh == "" {
		ssh = "ssh"
	}
	timeout := timeoutSeconds(o.StartTimeout, DefaultSSHStartTimeout)
	command := func(h string, kind sshKind, remote ...string) Command {
		argv := []string{ssh, "-o", "BatchMode=yes"}
		switch kind {
		case sshSession:
			// A pseudo-terminal, so that ending ssh hangs up the remote process.
			argv = append(argv, "-tt", "-o", "LogLevel=ERROR")
		case sshQuery:
			// Keeps ssh off the script's standard input.
			argv = append(argv, "-n")
		}
		argv = append(argv, o.SSHArgs...)
		return Command{Host: h, Argv: append(argv, h, strings.Join(remote, " "))}
	}
	remoteFile := remotePath(file)
	remoteDir := remotePath(path.Dir(file))
	program := quoteAll(append([]string{o.Binary}, o.Args...))

	plan := &SSHPlan{
		SchedulerAddress: net.JoinHostPort(host, strconv.Itoa(port)),
		SchedulerFile:    file,
		startTimeout:     timeout,
		schedulerHost:    first,
	}
	plan.Prepare = command(first, sshQuery, "umask 077 && mkdir -p", remoteDir, "&& rm -f", remoteFile)
	sched := append([]string{"exec"}, quoteAll(envArgs([]string{EnvWorker}, o.Env...))...)
	sched = append(sched, Quote(schedBin), "scheduler",
		"-listen", Quote(plan.SchedulerAddress), "-scheduler-file", remoteFile)
	if o.StatusPort > 0 {
		sched = append(sched, "-status", Quote(net.JoinHostPort(host, strconv.Itoa(o.StatusPort))))
	}
	sched = append(sched, quoteAll(o.SchedulerArgs)...)
	plan.Scheduler = command(first, sshSession, sched...)
	plan.Fetch = command(first, sshQuery, "cat", remoteFile)

	workerHosts := o.Hosts[1:]
	if !o.SharedFilesystem {
		seen := map[string]bool{first: true}
		for _, h := range workerHosts {
			if seen[h] {
				continue
			}
			seen[h] = true
			// Written under a temporary name and renamed, so a worker never reads half a file.
			plan.Copies = append(plan.Copies, command(h, sshStdin, "umask 077 && mkdir -p", remoteDir,
				"&& cat >", remotePath(file+".tmp.")+"$$", "&& mv -f", remotePath(file+".tmp.")+"$$", remoteFile))
		}
	}
	worker := []string{"exec"}
	if o.SharedFilesystem {
		worker = append(worker, "sh", "-c", Quote(waitForFile), "lazygraph-worker", remoteFile, strconv.Itoa(timeout))
	}
	worker = append(worker, quoteAll(envArgs([]string{EnvScheduler, EnvSchedulerAddress},
		append(append([]string{}, o.Env...), EnvWorker+"="+Distributed)...))...)
	worker = append(worker, EnvSchedulerFile+"="+remoteFile)
	worker = append(worker, program...)
	for _, h := range workerHosts {
		for range o.WorkersPerHost {
			plan.Workers = append(plan.Workers, command(h, sshSession, worker...))
		}
	}
	if !o.NoClient {
		client := append([]string{"exec"}, quoteAll(envArgs([]string{EnvWorker, EnvSchedulerFile},
			append(append([]string{}, o.Env...), EnvScheduler+"="+Distributed)...))...)
		client = append(client, EnvSchedulerAddress+"="+remoteFile)
		client = append(client, program...)
		// The client keeps standard input: the program may read it.
		c := command(first, sshStdin, client...)
		plan.Client = &c
	}

	plan.summary = []string{
		fmt.Sprintf("scheduler  %s on %s, listening on %s", schedBin, first, plan.SchedulerAddress),
		fmt.Sprintf("workers    %d on each of: %s", o.WorkersPerHost, strings.Join(workerHosts, " ")),
		"program    " + QuoteCommand(append([]string{o.Binary}, o.Args...)...),
		"scheduler file " + file + copiedOrShared(o.SharedFilesystem),
	}
	return plan, nil
}

func copiedOrShared(shared bool) string {
	if shared {
		return " (on a filesystem shared by the hosts)"
	}
	return " (copied to each worker host)"
}

// remotePath quotes a path for the remote shell, expanding a leading "~/" as $HOME.
func remotePath(p string) string {
	switch {
	case p == "~":
		return `"$HOME"`
	case strings.HasPrefix(p, "~/"):
		return `"$HOME"/` + Quote(p[2:])
	}
	return Quote(p)
}

// Script returns a bash script that carries out the plan on this machine: it starts the
// scheduler, waits for its file (failing if the scheduler exits or the start timeout passes),
// copies the file to the worker hosts, starts the workers, runs the client and exits with the
// client's status. On exit or interruption it ends every ssh session it started, which hangs
// up the remote scheduler and workers. The output of the scheduler and workers is prefixed
// with their host and goes to standard error, as do the script's own messages: standard output
// is exactly the client's. The client runs without a pseudo-terminal, so that its standard
// output and error stay separate and byte for byte; when the script is interrupted it is not hung up, but
// a lazygraph client fails within seconds of its scheduler's end.
func (p *SSHPlan) Script() string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	say := func(msg string) string { return "printf '%s\\n' " + Quote("lazygraph: "+msg) + " >&2" }

	line("#!/usr/bin/env bash")
	line("# A lazygraph cluster over SSH (generated by lazygraph launch ssh):")
	for _, s := range p.summary {
		line("#   %s", commentSafe(s))
	}
	if p.Client != nil {
		line("#   client     the program on %s; the script exits with its status", p.schedulerHost)
	}
	line("set -euo pipefail")
	line("")
	line("start_timeout=%d # seconds", p.startTimeout)
	line("sessions=()")
	line("client_pid=")
	cleanupTraps{pids: "sessions", why: "Ending an ssh -tt session hangs up the remote process."}.write(&b)
	line("# Prefixes each line with its source and drops the carriage returns of a pseudo-terminal.")
	line("prefix() {")
	line("	local line")
	line(`	while IFS= read -r line || [[ -n $line ]]; do`)
	line(`		printf '[%%s] %%s\n' "$1" "${line%%$'\r'}"`)
	line("	done")
	line("}")
	line("")

	line("%s", say("starting the scheduler on "+p.schedulerHost+", listening on "+p.SchedulerAddress))
	line("%s >&2", wrapWords(quoteAll(p.Prepare.Argv)))
	line("%s > >(prefix %s >&2) 2>&1 &", wrapWords(quoteAll(p.Scheduler.Argv)), Quote("scheduler "+p.schedulerHost))
	line("scheduler_pid=$!")
	line(`sessions+=("$scheduler_pid")`)
	line("")
	line("waited=0")
	line("until scheduler_json=$(%s 2>/dev/null) && [[ -n $scheduler_json ]]; do", wrapWords(quoteAll(p.Fetch.Argv)))
	line(`	if ! kill -0 "$scheduler_pid" 2>/dev/null; then`)
	line("		%s", say("the scheduler exited before writing "+p.SchedulerFile+" on "+p.schedulerHost))
	line("		exit 1")
	line("	fi")
	line("	if ((waited >= start_timeout)); then")
	line("		%s", say(fmt.Sprintf("the scheduler wrote no %s on %s within %ds", p.SchedulerFile, p.schedulerHost, p.startTimeout)))
	line("		exit 1")
	line("	fi")
	line("	sleep 1")
	line("	waited=$((waited + 1))")
	line("done")
	line("")
	for _, c := range p.Copies {
		line("%s", say("copying the scheduler file to "+c.Host))
		line(`printf '%%s\n' "$scheduler_json" | %s >&2`, wrapWords(quoteAll(c.Argv)))
	}
	if len(p.Workers) > 0 {
		line("%s", say(fmt.Sprintf("starting %d worker(s)", len(p.Workers))))
	}
	count := map[string]int{}
	for _, c := range p.Workers {
		count[c.Host]++
		tag := fmt.Sprintf("worker %s #%d", c.Host, count[c.Host])
		line("%s > >(prefix %s >&2) 2>&1 &", wrapWords(quoteAll(c.Argv)), Quote(tag))
		line(`sessions+=("$!")`)
	}
	line("")
	if p.Client == nil {
		line("%s", say("cluster up; the scheduler file is "+p.SchedulerFile+" on "+p.schedulerHost+
			"; interrupt this script to stop the cluster"))
		line("status=0")
		line(`wait "$scheduler_pid" || status=$?`)
		line("%s", say("the scheduler exited"))
		line(`exit "$status"`)
		return b.String()
	}
	line("%s", say("running the client on "+p.schedulerHost))
	line("%s &", wrapWords(quoteAll(p.Client.Argv)))
	line("client_pid=$!")
	line("status=0")
	line(`wait "$client_pid" || status=$?`)
	line("client_pid=")
	line(`printf 'lazygraph: the client exited with status %%s\n' "$status" >&2`)
	line(`exit "$status"`)
	return b.String()
}
