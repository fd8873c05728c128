package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// runProfile fetches a CPU profile of a distributed scheduler and all its workers, merged into
// one pprof file, from the scheduler's status endpoint (/debug/pprof/cluster).
func runProfile(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("profile", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("scheduler-file", os.Getenv(distributed.EnvSchedulerFile), "the scheduler's `file` (its status address and token)")
	status := fs.String("status", "", "the scheduler's status `URL` or address (with $LAZYGRAPH_TOKEN when beyond loopback), instead of -scheduler-file")
	duration := fs.Duration("duration", 10*time.Second, "how long to profile")
	out := fs.String("o", "cluster.pprof", "write the merged profile to this `file`")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: lazygraph profile [-scheduler-file FILE | -status URL] [-duration 10s] [-o cluster.pprof]")
		fmt.Fprintln(stderr, "\nProfiles the CPU of a distributed scheduler (started with -status) and of every worker")
		fmt.Fprintln(stderr, "connected to it for the duration, merges the profiles and writes one pprof file; each sample")
		fmt.Fprintln(stderr, "is labelled with its process (go tool pprof -tagfocus process=scheduler FILE).")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *duration <= 0 {
		return fmt.Errorf("-duration must be positive, not %v", *duration)
	}
	base, token, err := profileTarget(*file, *status)
	if err != nil {
		return err
	}
	u := base + "/debug/pprof/cluster?seconds=" + strconv.FormatFloat(duration.Seconds(), 'f', -1, 64)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	fmt.Fprintf(stderr, "profiling the cluster at %s for %v\n", base, *duration)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("asking the scheduler for a profile: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("reading the profile: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the scheduler answered %s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	if err := os.WriteFile(*out, body, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %s profiles merged (%s)\n", *out, resp.Header.Get("X-Lazygraph-Profiles"), resp.Header.Get("X-Lazygraph-Profile-Processes"))
	if missing := resp.Header.Get("X-Lazygraph-Profile-Missing"); missing != "" {
		fmt.Fprintf(stderr, "missing: %s\n", missing)
	}
	return nil
}

// profileTarget returns the base URL of a scheduler's status endpoint and the token to send.
func profileTarget(file, status string) (base, token string, err error) {
	token = os.Getenv(distributed.EnvToken)
	switch {
	case status != "":
	case file != "":
		f, err := distributed.ReadSchedulerFile(file)
		if err != nil {
			return "", "", err
		}
		if f.Status == "" {
			return "", "", fmt.Errorf("the scheduler of %s serves no status endpoint: start it with -status ADDRESS", file)
		}
		status, token = f.Status, f.Token
	default:
		return "", "", fmt.Errorf("give -scheduler-file or -status")
	}
	if !strings.Contains(status, "://") {
		status = "http://" + status
	}
	u, err := url.Parse(status)
	if err != nil || u.Host == "" {
		return "", "", fmt.Errorf("status address %q: want host:port or http://host:port", status)
	}
	return u.Scheme + "://" + u.Host, token, nil
}
