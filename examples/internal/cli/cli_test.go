package cli

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
)

func TestExitCode(t *testing.T) {
	for _, c := range []struct {
		err    error
		code   int
		output string
	}{
		{nil, 0, ""},
		{flag.ErrHelp, 0, ""},
		{Usagef("-folds %d: want at least 2", 1), 2, "prog: -folds 1: want at least 2 (run with -h for help)\n"},
		{&UsageError{Err: errors.New("reported"), reported: true}, 2, ""},
		{errors.New("disk full"), 1, "prog: disk full\n"},
	} {
		var out bytes.Buffer
		if code := ExitCode("prog", c.err, &out); code != c.code || out.String() != c.output {
			t.Errorf("%v: exit %d with %q, want %d with %q", c.err, code, out.String(), c.code, c.output)
		}
	}
}

func TestParse(t *testing.T) {
	fs := flag.NewFlagSet("prog", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Int("n", 1, "")
	var usage *UsageError
	if err := Parse(fs, []string{"-n", "x"}); !errors.As(err, &usage) || !usage.reported {
		t.Errorf("a malformed flag: got %v, want a reported usage error", err)
	}
	if err := Parse(fs, []string{"-n", "2", "extra"}); !errors.As(err, &usage) || !strings.Contains(err.Error(), "extra") {
		t.Errorf("a stray argument: got %v", err)
	}
	if err := Parse(fs, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: got %v, want flag.ErrHelp", err)
	}
}

func TestOptionsOnlyForFlagsGiven(t *testing.T) {
	fs := flag.NewFlagSet("prog", flag.ContinueOnError)
	s := AddFlags(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if opts, err := s.Options(); err != nil || len(opts) != 0 {
		t.Errorf("no flags: %d options, %v; want none, so the environment decides", len(opts), err)
	}
	fs = flag.NewFlagSet("prog", flag.ContinueOnError)
	s = AddFlags(fs)
	if err := fs.Parse([]string{"-scheduler", "synchronous", "-chunksize", "3"}); err != nil {
		t.Fatal(err)
	}
	if opts, err := s.Options(); err != nil || len(opts) != 2 {
		t.Errorf("two flags: %d options, %v", len(opts), err)
	}
}

func TestSchedulerList(t *testing.T) {
	t.Setenv(delayed.EnvScheduler, "")
	if got, err := SchedulerList("", []string{"threads"}); err != nil || strings.Join(got, ",") != "threads" {
		t.Errorf("empty flag, no environment: %v, %v", got, err)
	}
	t.Setenv(delayed.EnvScheduler, "synchronous")
	if got, err := SchedulerList("", []string{"threads"}); err != nil || strings.Join(got, ",") != "synchronous" {
		t.Errorf("empty flag, environment synchronous: %v, %v", got, err)
	}
	if got, err := SchedulerList("threads, processes,threads", nil); err != nil || strings.Join(got, ",") != "threads,processes" {
		t.Errorf("a list with a repeat: %v, %v", got, err)
	}
	if _, err := SchedulerList("threads,quantum", nil); err == nil || !strings.Contains(err.Error(), `"quantum"`) {
		t.Errorf("an unknown name: %v", err)
	}
}

func TestWorkers(t *testing.T) {
	t.Setenv(delayed.EnvWorkers, "3")
	for _, c := range []struct {
		flag, want int
		ok         bool
	}{{5, 5, true}, {0, 3, true}, {-1, 0, false}} {
		got, err := Workers(c.flag)
		if got != c.want || (err == nil) != c.ok {
			t.Errorf("-workers %d: %d, %v; want %d", c.flag, got, err, c.want)
		}
	}
	t.Setenv(delayed.EnvWorkers, "many")
	if _, err := Workers(0); err == nil || !strings.Contains(err.Error(), delayed.EnvWorkers) {
		t.Errorf("a malformed environment: %v", err)
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{950: "950 B", 8_100: "8.1 kB", 400_000_000: "400.0 MB", 3_200_000_000: "3.20 GB"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestColumns(t *testing.T) {
	if cols, err := Columns("x", " a, b ,c"); err != nil || len(cols) != 3 || cols[1] != "b" {
		t.Errorf("Columns = %q, %v", cols, err)
	}
	if cols, err := Columns("x", " "); err != nil || cols != nil {
		t.Errorf("empty list: %q, %v", cols, err)
	}
	for _, bad := range []string{"a,,b", "a,b,a"} {
		var ue *UsageError
		if _, err := Columns("x", bad); !errors.As(err, &ue) || !strings.Contains(err.Error(), "-x") {
			t.Errorf("Columns(%q): %v, want a usage error naming -x", bad, err)
		}
	}
}
