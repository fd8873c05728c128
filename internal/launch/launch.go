// Package launch generates the commands that start a lazygraph cluster on machines that an
// existing cluster's own tools reach: a Slurm allocation ([SlurmScript], submitted with
// [SlurmClient]) or a list of hosts reached by SSH ([NewSSHPlan]).
//
// A cluster is three kinds of process:
//
//   - one scheduler, "lazygraph scheduler -listen HOST:PORT -scheduler-file FILE", which writes
//     FILE (its address and the shared token) once it listens;
//   - workers: the user's own program (it holds the registered functions), started with
//     LAZYGRAPH_WORKER=distributed and LAZYGRAPH_SCHEDULER_FILE=FILE, whose main begins with
//     "if delayed.Init() { return }" and so serves until the scheduler goes away;
//   - the client: the user's program run normally, with LAZYGRAPH_SCHEDULER=distributed and
//     LAZYGRAPH_SCHEDULER_ADDRESS=FILE, so an unchanged program computes on the cluster.
//
// The functions here are pure: they validate options and return text (a batch script, command
// lines). Every argument that reaches a shell is quoted with [Quote], so program arguments with
// spaces, quotes, dollars or newlines arrive unchanged. Only [SlurmClient] runs commands.
package launch

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"
)

// The environment variables the generated commands set. They are the distributed scheduler's
// contract and are repeated here so that this package does not depend on its implementation.
const (
	// EnvWorker names the role a process serves; "distributed" makes it a worker.
	EnvWorker = "LAZYGRAPH_WORKER"
	// EnvSchedulerFile is the scheduler file a worker reads the address and token from.
	EnvSchedulerFile = "LAZYGRAPH_SCHEDULER_FILE"
	// EnvScheduler selects the client's scheduler; "distributed" uses the cluster.
	EnvScheduler = "LAZYGRAPH_SCHEDULER"
	// EnvSchedulerAddress is the client's scheduler address or scheduler file.
	EnvSchedulerAddress = "LAZYGRAPH_SCHEDULER_ADDRESS"
	// EnvToken is the shared token; the scheduler uses it when set instead of generating one.
	EnvToken = "LAZYGRAPH_TOKEN"

	// Distributed is the value of EnvWorker and EnvScheduler for the distributed scheduler.
	Distributed = "distributed"
	// DefaultPort is the scheduler's port when options give none.
	DefaultPort = 8786
	// DefaultSchedulerBinary is the scheduler command when options give none: "lazygraph",
	// looked up in PATH where it runs.
	DefaultSchedulerBinary = "lazygraph"
)

// OptionError reports one invalid option. Validation returns every problem it finds, joined
// with [errors.Join]; use [errors.As] to reach the individual errors.
type OptionError struct {
	Option  string // the field of the options struct, e.g. "Nodes"
	Problem string // what is wrong with it
}

func (e *OptionError) Error() string {
	return "launch: " + e.Option + ": " + e.Problem
}

// problems accumulates option errors.
type problems []error

func (p *problems) add(option, format string, args ...any) {
	*p = append(*p, &OptionError{Option: option, Problem: fmt.Sprintf(format, args...)})
}

func (p problems) err() error { return errors.Join(p...) }

// Quote returns s quoted for a POSIX shell (sh, bash, dash, zsh): unchanged when every
// character is one that no shell treats specially, otherwise inside single quotes, with each
// single quote inside written as quote, backslash, quote, quote. The empty string becomes a pair
// of single quotes.
func Quote(s string) string {
	if s == "" {
		return "''"
	}
	if isShellSafe(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// QuoteCommand quotes every word of argv with [Quote] and joins them with spaces.
func QuoteCommand(argv ...string) string {
	quoted := make([]string, len(argv))
	for i, a := range argv {
		quoted[i] = Quote(a)
	}
	return strings.Join(quoted, " ")
}

func isShellSafe(s string) bool {
	for _, r := range s {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		case strings.ContainsRune("@%+=:,./_-", r):
		default:
			return false
		}
	}
	return true
}

// commentSafe renders s for a '#' comment line: a newline in a program argument must not end
// the comment and turn the rest of the argument into commands.
func commentSafe(s string) string {
	return strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(s)
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// checkProgram checks the user's program and its arguments.
func checkProgram(p *problems, binary string, args []string) {
	switch {
	case binary == "":
		p.add("Binary", "no program given: it runs as the workers and as the client")
	case !path.IsAbs(binary):
		p.add("Binary", "%q is not an absolute path; the program runs on other machines, in other directories", binary)
	default:
		checkExecutable(p, "Binary", binary)
	}
	for i, a := range args {
		if strings.ContainsRune(a, 0) {
			p.add("Args", "argument %d contains a NUL byte, which no process argument can hold", i)
		}
	}
}

// checkExecutable checks a command name that the generated scripts give to env(1).
func checkExecutable(p *problems, option, name string) {
	switch {
	case strings.ContainsRune(name, '='):
		// env(1) would take it for a variable assignment.
		p.add(option, "%q contains '=', which env(1) would read as a variable assignment; move or link the program", name)
	case strings.HasPrefix(name, "-"):
		p.add(option, "%q starts with '-'", name)
	case strings.ContainsAny(name, "\x00\n\r"):
		p.add(option, "%q contains a NUL byte or a line break", name)
	}
}

// checkSchedulerBinary accepts a command name looked up in PATH or an absolute path.
func checkSchedulerBinary(p *problems, name string) {
	if name == "" {
		return
	}
	if strings.Contains(name, "/") && !path.IsAbs(name) {
		p.add("SchedulerBinary", "%q is a relative path; give an absolute path or a command name looked up in PATH", name)
		return
	}
	checkExecutable(p, "SchedulerBinary", name)
}

func checkEnv(p *problems, env []string) {
	for _, kv := range env {
		name, _, ok := strings.Cut(kv, "=")
		switch {
		case !ok:
			p.add("Env", "%q is not NAME=VALUE", kv)
		case !envName.MatchString(name):
			p.add("Env", "%q is not a valid variable name", name)
		case strings.ContainsRune(kv, 0):
			p.add("Env", "the value of %s contains a NUL byte", name)
		}
	}
}

func checkPort(p *problems, option string, port int) {
	if port < 0 || port > 65535 {
		p.add(option, "%d is not a TCP port (1-65535, or 0 for the default)", port)
	}
}

func checkTimeout(p *problems, d time.Duration) {
	if d < 0 {
		p.add("StartTimeout", "%v is negative", d)
	} else if d > 0 && d < time.Second {
		p.add("StartTimeout", "%v is shorter than the one-second polling interval", d)
	}
}

// timeoutSeconds rounds a start timeout up to whole seconds, with def for zero.
func timeoutSeconds(d, def time.Duration) int {
	if d == 0 {
		d = def
	}
	return int((d + time.Second - 1) / time.Second)
}

// envArgs returns the env(1) arguments that give a process a clean lazygraph environment:
// unset removes variables the process must not inherit, set adds the given ones.
func envArgs(unset []string, set ...string) []string {
	args := []string{"env"}
	for _, u := range unset {
		args = append(args, "-u", u)
	}
	return append(args, set...)
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}
