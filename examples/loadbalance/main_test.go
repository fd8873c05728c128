package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

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

// small is a quick workload: 2 slow tasks of 30 ms, 6 fast of 2 ms.
var small = []string{"-slow", "2", "-fast", "6", "-slow-time", "30ms", "-fast-time", "2ms", "-workers", "2"}

func TestSchedulersAgree(t *testing.T) {
	var want string
	for _, sched := range []string{"synchronous", "threads", "processes"} {
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), append(small, "-schedulers", sched), &stdout, &stderr); err != nil {
			t.Fatalf("%s: %v\nstderr:\n%s", sched, err, stderr.String())
		}
		if want == "" {
			want = stdout.String()
		} else if got := stdout.String(); got != want {
			t.Errorf("%s printed\n%s\nsynchronous printed\n%s", sched, got, want)
		}
		if runs := strings.Count(stderr.String(), "makespan"); runs != len(allocations(sched, 8, 2)) {
			t.Errorf("%s: %d makespans on stderr, want one per allocation:\n%s", sched, runs, stderr.String())
		}
	}
	// (2×30ms + 6×2ms) / 2 workers = 36ms, more than the longest task.
	if !strings.Contains(want, "ideal makespan on 2 workers: 36ms") {
		t.Errorf("want an ideal of 36ms, got\n%s", want)
	}
}

func TestIdeal(t *testing.T) {
	for _, c := range []struct {
		slow, fast, slowTime, fastTime int
		workers, want                  int
	}{
		{4, 12, 1000, 50, 1, 4600},
		{4, 12, 1000, 50, 2, 2300}, // the tutorial's case: the work shared evenly
		{4, 12, 1000, 50, 4, 1150},
		{4, 12, 1000, 50, 8, 1000}, // the longest task
		{4, 12, 100, 5, 3, 200},    // one worker must take two slow tasks
		{3, 0, 100, 5, 2, 200},
		{0, 5, 100, 10, 2, 30},
		{2, 3, 0, 0, 2, 0},
		{2, 4, 7, 3, 2, 13},  // 7+3+3 against 7+3+3
		{1, 5, 10, 4, 2, 16}, // 10+4 against 4·4: the even share, 15, cannot be reached
	} {
		w, err := newWorkload(c.slow, c.fast, time.Duration(c.slowTime), time.Duration(c.fastTime))
		if err != nil {
			t.Fatal(err)
		}
		if got := w.ideal(c.workers); int(got) != c.want {
			t.Errorf("%d×%d and %d×%d on %d workers: ideal %d, want %d",
				c.slow, c.slowTime, c.fast, c.fastTime, c.workers, got, c.want)
		}
	}
}

func TestStaticChunksizeSplitsTasksOnePerWorker(t *testing.T) {
	for _, c := range []struct{ tasks, workers, want int }{{16, 2, 8}, {16, 3, 6}, {5, 8, 1}} {
		if got := allocations("processes", c.tasks, c.workers)[0].chunksize; got != c.want {
			t.Errorf("%d tasks on %d workers: static chunksize %d, want %d", c.tasks, c.workers, got, c.want)
		}
	}
}

func TestBadFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-slow", "0", "-fast", "0"}, "want at least one task"},
		{[]string{"-fast", "-3"}, "no negative counts"},
		{[]string{"-slow", "5000"}, "at most 1000 slow"},
		{[]string{"-slow-time", "-1s"}, "-slow-time -1s"},
		{[]string{"-fast-time", "soon"}, "invalid value"},
		{[]string{"-schedulers", "threads,gpu"}, `unknown scheduler "gpu"`},
		{[]string{"-workers", "-2"}, "-workers -2"},
	} {
		err := run(context.Background(), c.args, io.Discard, io.Discard)
		var usage *cli.UsageError
		if !errors.As(err, &usage) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want a usage error mentioning %q", c.args, err, c.want)
		}
	}
}
