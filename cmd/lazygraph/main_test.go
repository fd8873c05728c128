package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
)

func TestMain(m *testing.M) {
	if delayed.Init() {
		return
	}
	os.Exit(m.Run())
}

func TestBenchPrintsOneLine(t *testing.T) {
	line := regexp.MustCompile(`^scheduler=(\w+) workers=(\d+) shape=(\w+) n=(\d+) seconds=[\d.]+ us_per_task=[\d.]+ heap_bytes_per_task=\d+ bytes_sent=(\d+) result=(\d+)\n$`)
	cases := []struct {
		args   []string
		result string
	}{
		{[]string{"-scheduler", "synchronous", "-shape", "wide", "-n", "1000"}, "500500"},
		{[]string{"-scheduler", "threads", "-workers", "2", "-shape", "chain", "-n", "1000"}, "1000"},
		{[]string{"-scheduler", "processes", "-workers", "2", "-shape", "wide", "-n", "1000"}, "500500"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), append([]string{"bench"}, c.args...), &stdout, &stderr); code != 0 {
			t.Fatalf("bench %v: exit %d: %s", c.args, code, stderr.String())
		}
		m := line.FindStringSubmatch(stdout.String())
		if m == nil || m[6] != c.result {
			t.Errorf("bench %v printed %q, want result=%s", c.args, stdout.String(), c.result)
		}
	}
}

func TestBenchRejectsBadInput(t *testing.T) {
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"bench", "-shape", "round"}, 1, "unknown shape"},
		{[]string{"bench", "-scheduler", "gpu", "-n", "10"}, 1, "known schedulers are"},
		{[]string{"bench", "-n", "0"}, 1, "must be at least 1"},
		{[]string{"bench", "-workers", "0", "-n", "10"}, 1, "workers must be at least 1"},
		{[]string{"bench", "-chunksize", "-1", "-n", "10"}, 1, "chunksize"},
		{[]string{"bench", "-bogus"}, 2, "flag provided but not defined"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{nil, 2, "usage"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), c.args, &stdout, &stderr)
		if code != c.code || !strings.Contains(stderr.String(), c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", c.args, code, stderr.String(), c.code, c.msg)
		}
	}
}

func TestBenchSharedAndBalance(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "-scheduler", "processes", "-workers", "2", "-shape", "shared", "-size", "200000", "-tasks", "4"},
		{"bench", "-scheduler", "threads", "-workers", "2", "-shape", "balance"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
		}
		if !strings.Contains(stdout.String(), "bytes_sent=") || !strings.Contains(stdout.String(), "seconds=") {
			t.Errorf("%v printed %q", args, stdout.String())
		}
	}
}

func TestSchedulerAdaptFlagsAreChecked(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-adapt", "-scheduler-file", "/tmp/x.json"}, "needs the worker program"},
		{[]string{"-adapt", "--", "prog"}, "needs -scheduler-file"},
		{[]string{"-adapt", "-launcher", "ssh", "-scheduler-file", "/tmp/x.json", "--", "prog"}, `-launcher "ssh"`},
		{[]string{"-adapt", "-launcher", "slurm", "-time", "soon", "-scheduler-file", "/tmp/x.json", "--", "/bin/prog"}, "Time"},
		{[]string{"prog"}, "a worker program is for -adapt"},
	} {
		var stdout, stderr strings.Builder
		code := run(context.Background(), append([]string{"scheduler"}, c.args...), &stdout, &stderr)
		if code == 0 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("scheduler %v: exit %d, stderr %q; want a failure saying %q", c.args, code, stderr.String(), c.want)
		}
	}
}
