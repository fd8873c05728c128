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

func TestSchedulersAgree(t *testing.T) {
	var want string
	for _, sched := range []string{"synchronous", "threads", "processes"} {
		var stdout, stderr bytes.Buffer
		args := []string{"-size", "1e5", "-tasks", "8", "-workers", "2", "-schedulers", sched}
		if err := run(context.Background(), args, &stdout, &stderr); err != nil {
			t.Fatalf("%s: %v\nstderr:\n%s", sched, err, stderr.String())
		}
		if want == "" {
			want = stdout.String()
		} else if got := stdout.String(); got != want {
			t.Errorf("%s printed %q, synchronous %q", sched, got, want)
		}
	}
	if !strings.HasPrefix(want, "array of 100000 float64 (800.0 kB) shared by 8 tasks: result ") {
		t.Errorf("unexpected output %q", want)
	}
}

// TestOneCopyPerWorker: 16 tasks on 2 worker processes send the array at most twice.
func TestOneCopyPerWorker(t *testing.T) {
	x := makeArray(100_000)
	m, err := measure(context.Background(), x, 16, "processes", 2)
	if err != nil {
		t.Fatal(err)
	}
	// Allow a little for the task messages themselves.
	if copies := m.copies(arrayBytes(x)); copies < 1 || copies > 2.05 {
		t.Errorf("%d bytes sent = %.2f copies of the array, want 1 to 2 (one per worker)", m.bytesSent, copies)
	}
	local, err := measure(context.Background(), x, 16, "synchronous", 1)
	if err != nil {
		t.Fatal(err)
	}
	if m.result != local.result {
		t.Errorf("result %v, synchronous %v", m.result, local.result)
	}
}

func TestBadFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-size", "0"}, "-size 0"},
		{[]string{"-size", "1.5"}, "-size 1.5"},
		{[]string{"-size", "1e12"}, "-size 1e+12"},
		{[]string{"-tasks", "0"}, "-tasks 0"},
		{[]string{"-schedulers", "cluster"}, `unknown scheduler "cluster"`},
		{[]string{"-workers", "-1"}, "-workers -1"},
	} {
		err := run(context.Background(), c.args, io.Discard, io.Discard)
		var usage *cli.UsageError
		if !errors.As(err, &usage) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want a usage error mentioning %q", c.args, err, c.want)
		}
	}
}
