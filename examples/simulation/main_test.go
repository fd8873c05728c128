package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/examples/internal/cli"
)

// TestMain lets the processes scheduler re-run this test binary as its workers.
func TestMain(m *testing.M) {
	if delayed.Init() {
		return
	}
	os.Exit(m.Run())
}

func runSimulation(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("simulation %s: %v\nstderr:\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// TestIdenticalEverywhere: the same bytes under every scheduler, worker count and chunk size.
func TestIdenticalEverywhere(t *testing.T) {
	small := []string{"-replicates", "40", "-n", "20", "-p", "5", "-seed", "11"}
	want := runSimulation(t, append(small, "-scheduler", "synchronous")...)
	if got := strings.Count(want, "\n"); got != 41 {
		t.Fatalf("%d lines, want a header and 40 replicates:\n%s", got, want)
	}
	for _, sched := range [][]string{
		{"-scheduler", "threads", "-workers", "1"},
		{"-scheduler", "threads", "-workers", "4"},
		{"-scheduler", "processes", "-workers", "2"},
		{"-scheduler", "processes", "-workers", "2", "-chunksize", "1"},
		{"-scheduler", "processes", "-workers", "3", "-chunksize", "7"},
	} {
		if got := runSimulation(t, append(small, sched...)...); got != want {
			t.Errorf("%v gave\n%s\nsynchronous gave\n%s", sched, got, want)
		}
	}
}

// TestReplicatesDependOnSeedAndNumberOnly: replicate r is the same in a short and a long study,
// and changes with the seed.
func TestReplicatesDependOnSeedAndNumberOnly(t *testing.T) {
	small := []string{"-n", "20", "-p", "5", "-scheduler", "threads"}
	short := runSimulation(t, append(small, "-replicates", "5", "-seed", "11")...)
	long := runSimulation(t, append(small, "-replicates", "30", "-seed", "11")...)
	if !strings.HasPrefix(long, short) {
		t.Errorf("the first 5 of 30 replicates differ from a study of 5:\n%s\n%s", short, long)
	}
	other := runSimulation(t, append(small, "-replicates", "5", "-seed", "12")...)
	if other == short {
		t.Errorf("seeds 11 and 12 gave the same output:\n%s", short)
	}
	if lines := strings.Split(short, "\n"); lines[0] != "replicate,ols_mse,ridge_mse" || !strings.HasPrefix(lines[1], "1,") {
		t.Errorf("unexpected output:\n%s", short)
	}
}

func TestBadFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-replicates", "0"}, "-replicates 0"},
		{[]string{"-p", "0"}, "-p 0"},
		{[]string{"-n", "10", "-p", "9"}, "-n 10"},
		{[]string{"-lambda", "-0.5"}, "-lambda -0.5"},
		{[]string{"-sigma", "NaN"}, "-sigma NaN"},
		{[]string{"-workers", "-1"}, "-workers -1"},
		{[]string{"-replicates", "ten"}, "invalid value"},
		{[]string{"-fail-rate", "1.5"}, "-fail-rate 1.5"},
		{[]string{"-flaky-rate", "-1"}, "-flaky-rate -1"},
		{[]string{"-retries", "-2"}, "-retries -2"},
	} {
		err := run(context.Background(), c.args, io.Discard, io.Discard)
		var usage *cli.UsageError
		if !errors.As(err, &usage) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want a usage error mentioning %q", c.args, err, c.want)
		}
	}
}

// TestFailuresRetriesAndKeepGoing: transient faults retried give exactly the output of a run
// without faults; with keep-going, the replicates that did not fail are exactly those of a run
// without failures, on every scheduler that keeps going; without it, a failure is an error.
func TestFailuresRetriesAndKeepGoing(t *testing.T) {
	small := []string{"-replicates", "30", "-n", "20", "-p", "5", "-seed", "11"}
	want := runSimulation(t, append(small, "-scheduler", "synchronous")...)
	for _, sched := range []string{"synchronous", "threads"} {
		if got := runSimulation(t, append(small, "-scheduler", sched, "-flaky-rate", "0.5", "-retries", "1")...); got != want {
			t.Errorf("%s: retried transient faults changed the output:\n%s\nwant\n%s", sched, got, want)
		}
	}
	kept := runSimulation(t, append(small, "-scheduler", "synchronous", "-fail-rate", "0.2", "-flaky-rate", "0.3", "-retries", "2", "-keep-going")...)
	lines := strings.Split(strings.TrimSpace(kept), "\n")
	if len(lines) < 5 || len(lines) >= 31 {
		t.Fatalf("%d lines with a fail rate of 0.2:\n%s", len(lines), kept)
	}
	for _, line := range lines {
		if !strings.Contains(want, line+"\n") {
			t.Errorf("line %q is not in the output of a run without failures", line)
		}
	}
	if got := runSimulation(t, append(small, "-scheduler", "threads", "-workers", "4", "-fail-rate", "0.2", "-flaky-rate", "0.3", "-retries", "2", "-keep-going")...); got != kept {
		t.Errorf("threads kept going to another output:\n%s\nsynchronous:\n%s", got, kept)
	}
	err := run(context.Background(), append(small, "-fail-rate", "0.2"), io.Discard, io.Discard)
	if !errors.Is(err, errNotConverged) {
		t.Errorf("without -keep-going: got %v, want the replicate's failure", err)
	}
	err = run(context.Background(), append(small, "-flaky-rate", "1"), io.Discard, io.Discard)
	if !errors.Is(err, errTransient) {
		t.Errorf("transient faults without -retries: got %v, want the fault", err)
	}
}
