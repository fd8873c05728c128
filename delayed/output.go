package delayed

import (
	"io"

	"github.com/lazygraph/lazygraph/internal/worker"
)

// EnvRelayOutput, set to 0 (or false, off), turns off the relaying of tasks' output (see
// [WithOutputRelay]) for every computation of a program, and in its worker processes.
const EnvRelayOutput = worker.EnvRelayOutput

// WithOutputRelay says whether what tasks write to standard output and standard error in worker
// processes (processes and distributed schedulers; fmt.Print, log, a zap logger writing there,
// child processes) comes back to this program, as R's future relays output. On, the default,
// each line is written to this program's standard output or error (the stream the task used),
// prefixed with the task's key in brackets:
//
//	[main.fit-3] fold 3: rmse 0.42
//
// all of a task's lines together when the task ends, in the order the task wrote them per
// stream. A worker runs one task at a time, so the attribution is exact, except for goroutines
// a task leaves running that write after it returned (that goes to the task running then, or,
// between tasks, to the worker's own output). Off, output stays where the worker processes'
// own output goes: this program's terminal for processes, untagged and interleaved; each
// worker's terminal or log for distributed. Tasks of the synchronous and threads schedulers
// write directly, as they run in this program.
//
// LAZYGRAPH_RELAY_OUTPUT=0 in a worker's environment keeps that worker from capturing its output
// at all (for workers of processes, the program's own environment is theirs).
func WithOutputRelay(on bool) Option {
	return func(s *settings) {
		s.noRelay = !on
		s.assign(settingRelay, nil)
	}
}

func relayFromEnvironment(s *settings) {
	on, err := worker.RelayOutputFromEnvironment()
	if err != nil {
		s.assign(settingRelay, err)
		return
	}
	if !on {
		s.noRelay = true
		s.assign(settingRelay, nil)
	}
}

// WithRelayedOutputTo sends the relayed output of tasks (see [WithOutputRelay]) to stdout and
// stderr instead of this program's standard output and error; a nil writer keeps the default.
// Each is written by one goroutine at a time, a task's lines in one Write.
func WithRelayedOutputTo(stdout, stderr io.Writer) Option {
	return func(s *settings) {
		s.relayOut = [2]io.Writer{stdout, stderr}
	}
}
