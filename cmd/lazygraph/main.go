// Command lazygraph is lazygraph's command line.
//
//	lazygraph bench -scheduler threads -workers 2 -shape wide -n 100000
//
// prints one line per run with the scheduler, the shape, the time and the result, so runs can
// be compared side by side (with Dask's figures, say). Run "lazygraph help" for all commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/lazygraph/lazygraph/delayed"
)

// command is one subcommand: its name, a line of help and what it runs.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"bench", "time a benchmark graph on a scheduler and print one line of figures", runBench},
		{"scheduler", "start a distributed scheduler", runScheduler},
		{"worker", "serve a distributed scheduler as a worker (with the benchmark functions)", runWorker},
		{"launch", "start a cluster of your program on Slurm or over SSH", runLaunch},
		{"vet", "report tasks that would misbehave on worker processes (see analysis/lazyvet)", runVet},
		{"cache", "list, measure or prune a result store (ls|du|prune DIR)", runCache},
		{"profile", "write one CPU profile of a distributed scheduler and all its workers, merged", runProfile},
	}
}

func main() {
	if delayed.Init() {
		return
	}
	signals := []os.Signal{os.Interrupt, syscall.SIGTERM}
	if len(os.Args) > 1 && os.Args[1] == "worker" {
		signals = signals[:1] // a worker retires gracefully on SIGTERM (RetireOnSIGTERM)
	}
	ctx, stop := signal.NotifyContext(context.Background(), signals...)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs the subcommand named by args[0] and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, args[1:], stdout, stderr)
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				return 2
			default:
				var ec *exitCodeError
				if !errors.As(err, &ec) || !ec.quiet {
					fmt.Fprintf(stderr, "lazygraph %s: %v\n", c.name, err)
				}
				if ec != nil && ec.code > 0 {
					return ec.code
				}
				return 1
			}
		}
	}
	fmt.Fprintf(stderr, "lazygraph: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

// errUsage marks a command-line mistake that the flag package has already reported.
var errUsage = errors.New("usage")

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: lazygraph <command> [flags]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "lazygraph <command> -h" for a command's flags.`)
}
