package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// UsageError is a mistake on the command line: a bad flag value, an unknown column. The
// program exits with status 2.
type UsageError struct {
	Err      error
	reported bool // the flag package has printed it already, with the usage
}

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef returns a *UsageError with a formatted message; %w wraps an error as fmt.Errorf does.
func Usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// Parse parses args with fs. -h gives flag.ErrHelp; a malformed flag or a stray argument gives a
// *UsageError.
func Parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &UsageError{Err: err, reported: true}
	}
	if fs.NArg() > 0 {
		return Usagef("unexpected arguments %q (flags go before them, or are misspelt)", fs.Args())
	}
	return nil
}

// ExitCode reports err on stderr, prefixed with the program's name, and returns the exit
// status: 0 for success and for -h, 2 for a usage error, 1 for anything else.
func ExitCode(program string, err error, stderr io.Writer) int {
	var usage *UsageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &usage):
		if !usage.reported {
			fmt.Fprintf(stderr, "%s: %v (run with -h for help)\n", program, err)
		}
		return 2
	default:
		fmt.Fprintf(stderr, "%s: %v\n", program, err)
		return 1
	}
}
