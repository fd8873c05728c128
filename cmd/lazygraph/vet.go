package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/lazygraph/lazygraph/analysis/lazyvet"
)

// errFindings makes "lazygraph vet" exit with status 1 when it reported something.
var errFindings = errors.New("mistakes found")

// runVet is "lazygraph vet [packages]": the lazyvet analyzer on the packages (./... by default),
// one line per finding on stdout.
func runVet(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vet", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: lazygraph vet [packages]   (default ./...)")
		fmt.Fprintln(stderr, "Reports tasks that would misbehave on worker processes: package state set in main, the global")
		fmt.Fprintln(stderr, "math/rand generator, functions wrapped inside function bodies, values with unexported fields.")
		fmt.Fprintln(stderr, "Under go vet: go vet -vettool=$(which lazyvet) ./...  (go install ./cmd/lazyvet)")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	patterns := fs.Args()
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	findings, err := lazyvet.Check(ctx, "", patterns...)
	if err != nil {
		return err
	}
	for _, f := range findings {
		fmt.Fprintln(stdout, f)
	}
	if len(findings) > 0 {
		return fmt.Errorf("%d %w", len(findings), errFindings)
	}
	return nil
}
