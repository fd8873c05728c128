package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// testSpin burns CPU for about d milliseconds: work for a profile to see.
var testSpin = delayed.Func1(func(ms int) int {
	end := time.Now().Add(time.Duration(ms) * time.Millisecond)
	n := 0
	for time.Now().Before(end) {
		n++
	}
	return n & 1
})

// TestProfileMergesEveryProcess profiles a local distributed cluster of two worker processes
// while they compute: the file written parses, and merges three profiles (the scheduler's and
// each worker's), with samples labelled by process, workers among them.
func TestProfileMergesEveryProcess(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	lc, err := distributed.StartLocalCluster(ctx, distributed.LocalClusterOptions{Workers: 2, Status: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer lc.Close()

	// Keep the workers busy until the profile is taken.
	work, stopWork := context.WithCancel(ctx)
	computed := make(chan error, 1)
	go func() {
		parts := make([]delayed.Delayed[int], 2000)
		for i := range parts {
			parts[i] = testSpin(delayed.Value(20))
		}
		_, err := delayed.All(parts).Compute(work, delayed.Using(lc))
		computed <- err
	}()

	out := filepath.Join(t.TempDir(), "cluster.pprof")
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"profile", "-status", lc.Server().StatusURL(), "-duration", "1s", "-o", out}, &stdout, &stderr)
	stopWork()
	<-computed
	if code != 0 {
		t.Fatalf("profile: exit %d: %s%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "3 profiles merged") {
		t.Errorf("profile printed %q, want 3 profiles merged", stdout.String())
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		t.Fatalf("the merged profile does not parse: %v", err)
	}
	if err := p.CheckValid(); err != nil {
		t.Fatalf("the merged profile is invalid: %v", err)
	}
	if len(p.Comments) == 0 || !strings.Contains(p.Comments[len(p.Comments)-1], "scheduler, ") {
		t.Errorf("comments %q do not name the processes merged", p.Comments)
	}
	processes := map[string]int{}
	for _, s := range p.Sample {
		for _, v := range s.Label["process"] {
			processes[v]++
		}
	}
	workers := 0
	for name := range processes {
		if name != "scheduler" {
			workers++
		}
	}
	if workers == 0 {
		t.Errorf("no samples from a worker process: samples by process %v", processes)
	}
	t.Logf("samples by process: %v", processes)
}

func TestProfileNeedsATarget(t *testing.T) {
	t.Setenv(distributed.EnvSchedulerFile, "")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"profile"}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "-scheduler-file or -status") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}
