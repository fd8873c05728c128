package launch

import (
	"fmt"
	"strings"
)

// cleanupTraps describes the cleanup a generated script runs when it exits or is signalled: the
// background processes to stop (the bash array named pids, plus $client_pid), why stopping
// them stops the remote work, what to tell the user first, and a file to remove.
type cleanupTraps struct {
	pids       string // name of the bash array of background pids
	why        string // comment: how ending the local process ends the remote one
	notice     string // printed on stderr before stopping, if not empty
	removeFile string // removed at the end, if not empty (a shell word such as "$scheduler_file")
	// graceful, if not empty, is a shell command run first, before anything is signalled: it
	// asks the processes to end by themselves (SlurmScript's stop_steps). What is still running
	// after it returns is stopped as without it.
	graceful string
}

// write appends the cleanup function and its traps: on exit, run the graceful command if any,
// then SIGTERM the processes still running, give them ten seconds, SIGKILL what remains, and
// keep cleaning up if signalled again.
func (c cleanupTraps) write(b *strings.Builder) {
	line := func(s string) { b.WriteString(s + "\n") }
	line("# shellcheck disable=SC2317 # run by the traps")
	line("cleanup() {")
	line("	local status=$?")
	line("	trap - EXIT")
	line("	trap '' HUP INT TERM # finish cleaning up when signalled again")
	line("	# " + c.why)
	line(fmt.Sprintf(`	local pids=("${%s[@]}")`, c.pids))
	line(`	if [[ -n $client_pid ]]; then pids+=("$client_pid"); fi`)
	if c.graceful != "" {
		line(`	if ((${#pids[@]})); then ` + c.graceful + ` || true; fi`)
		line("	local alive=()")
		line("	local pid")
		line(`	for pid in ${pids[@]+"${pids[@]}"}; do`)
		line(`		if kill -0 "$pid" 2>/dev/null; then alive+=("$pid"); fi`)
		line("	done")
		line(`	pids=(${alive[@]+"${alive[@]}"})`)
	}
	line(`	if ((${#pids[@]})); then`)
	if c.notice != "" {
		line(fmt.Sprintf(`		echo %s >&2`, Quote(c.notice)))
	}
	line(`		kill -TERM "${pids[@]}" 2>/dev/null || true`)
	line("		local i")
	line("		for ((i = 0; i < 20; i++)); do")
	line(`			kill -0 "${pids[@]}" 2>/dev/null || break`)
	line("			sleep 0.5")
	line("		done")
	line(`		kill -KILL "${pids[@]}" 2>/dev/null || true`)
	line("	fi")
	if c.removeFile != "" {
		line(`	rm -f -- ` + c.removeFile)
	}
	line(`	exit "$status"`)
	line("}")
	line("trap cleanup EXIT")
	line("trap 'exit 129' HUP")
	line("trap 'exit 130' INT")
	line("trap 'exit 143' TERM")
	line("")
}
